"""The question's own words, weighed by how rare they are, that the quoted article never prints: "Vụ nổ tàu
chở dầu ở Bến Tre khiến bao nhiêu người chết?" quoted from a Bến Tre article about a karaoke stabbing lacks
"nổ", "tàu", "dầu" — the quote is from another event, and its "một người" may not stand as one confident
answer. A ``QUOTE_CHECKS`` row: it reads only the article the answer would quote, and its ``Unmet`` hedges
the answer ("possibly" with the candidates) rather than abstaining.

The share is of IDF mass (qa.rank.idf_weights over the question's keywords), so a paraphrase's common words
("đạt", "điều", "lần") cost little and an event's rare ones ("tàu chở dầu") much. MISSING_SHARE was chosen on
the tune parts only (``python -m studies.topic_check``, docs/model-card.md): on Wikipedia paragraphs, where a
paraphrased question misses words of a right article, 15 of 534 confident answers cross it (2 of them wrong); on
news snippets 6 of 338, all wrong."""

from __future__ import annotations

from dataclasses import dataclass

from .base import Asked, Unmet, article_text

MISSING_SHARE = 0.5  # of the keywords' IDF mass absent from the quoted article: hedge at or above it
MIN_KEYWORDS = 3  # a question this short says too little to judge an article by


@dataclass(frozen=True)
class Topic:
    def __call__(self, asked: Asked, found):
        keywords = asked.question.keywords
        if asked.question.language != "vi" or len(keywords) < MIN_KEYWORDS:  # English words are not the article's
            return found
        for doc_id in dict.fromkeys(h.doc_id for h in found.hits):
            if missing_share(keywords, article_text(asked.corpus, doc_id), asked.corpus.lexical()) >= MISSING_SHARE:
                return Unmet()
        return found


def missing_share(keywords, text: str, lexical) -> float:
    """Share of the keywords' IDF mass (document frequencies from ``lexical``) that ``text`` does not print."""
    from index.text.tokens import pick_variant

    from ..rank import coverage, idf_weights

    said = " ".join(keywords)
    weights = idf_weights(said, lexical)
    return 1.0 - coverage(text, weights, folded=pick_variant(said) == "folded") if weights else 0.0
