"""The question's own words, weighed by how rare they are, that an article's story never prints: "Vụ nổ tàu
chở dầu ở Bến Tre khiến bao nhiêu người chết?" quoted from a Bến Tre article about a karaoke stabbing lacks
"nổ", "tàu", "dầu" — the quote is from another event. A story is the article with every article under the
same title (a story split into parts, or printed twice: ``Corpus.story``).

Two checks read it, Vietnamese questions only:
- ``Topic``, a ``QUOTE_CHECKS`` row: the confident quote's story lacks MISSING_SHARE of the keywords' IDF mass;
  its ``Unmet`` hedges the answer ("possibly" with the candidates).
- ``AbsentStory``, a ``HEDGE_CHECKS`` row: every story a "possibly" answer would list lacks ABSENT_SHARE; its
  ``Unmet`` abstains — the corpus holds no article about what was asked, and a list of other events' sentences
  answers nothing.

The share is of IDF mass (qa.rank.idf_weights over the question's keywords), so a paraphrase's common words
("đạt", "điều", "lần") cost little and an event's rare ones ("tàu chở dầu") much. Both thresholds were chosen on
the tune parts only (``python -m studies.topic_check``, docs/model-card.md)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import Asked, Unmet

MISSING_SHARE = 0.4  # of the keywords' IDF mass absent from the quoted story: hedge at or above it
ABSENT_SHARE = 0.5  # … absent from every listed story: abstain at or above it
MIN_KEYWORDS = 3  # a question this short says too little to judge an article by


@dataclass(frozen=True)
class Topic:
    def __call__(self, asked: Asked, found):
        if not _judged(asked):
            return found
        for doc_id in dict.fromkeys(h.doc_id for h in found.hits):
            if _missing(asked, doc_id) >= MISSING_SHARE:
                return Unmet()
        return found


@dataclass(frozen=True)
class AbsentStory:
    def __call__(self, asked: Asked, found):
        docs = list(dict.fromkeys(h.doc_id for h in found.hits))
        if not _judged(asked) or not docs:
            return found
        return Unmet() if all(_missing(asked, d) >= ABSENT_SHARE for d in docs) else found


def _judged(asked: Asked) -> bool:
    # English words are not the article's; a question of two words says too little
    return asked.question.language == "vi" and len(asked.question.keywords) >= MIN_KEYWORDS


def _missing(asked: Asked, doc_id: str) -> float:
    return missing_share(asked.question.keywords, asked.corpus.story(doc_id), asked.corpus.lexical())


def missing_share(keywords, text: str, lexical) -> float:
    """Share of the keywords' IDF mass (document frequencies from ``lexical``) that ``text`` does not print."""
    from index.text.tokens import pick_variant

    from ..rank import coverage, idf_weights

    said = " ".join(keywords)
    weights = idf_weights(said, lexical)
    return 1.0 - coverage(text, weights, folded=pick_variant(said) == "folded") if weights else 0.0
