"""What a document is ("Quyết định 290 là gì?", "what is QĐ 290 about?", "Quy chế công tác dân vận do ai
ban hành?"), answered from its card (``qa.cards``): the fullest sentence the articles give about it,
quoted and cited, with its date, issuer, term and how many articles cite it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from index.records import Hit

from ..records import Answer, Citation
from .wording import WORDING

if TYPE_CHECKING:
    from ..cards import DocumentCard
    from ..question import Question
    from ..retrieve import Corpus

_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
_SENTENCE_GAP = re.compile(r"[.!?]\s+|\n")


def _sentence(text: str, pos: int) -> tuple[int, int]:
    starts = [m.end() for m in _SENTENCE_GAP.finditer(text[:pos])]
    start = starts[-1] if starts else 0
    stop = _SENTENCE_END.search(text, pos)
    return start, (stop.end() if stop else len(text))


def card_answer(corpus: "Corpus", question: "Question") -> Answer | None:
    """The card-based answer, or None when the question is not about what a known document is."""
    if not question.asks_what_it_is:
        return None
    found = corpus.cards().find(question.text)
    if not found:
        return None
    card = found[0]
    quoted = _quoted_mention(corpus, card)
    if quoted is None:
        return None
    hit, start, end = quoted
    return Answer(question=question.text, text=_card_text(card, question.language), abstained=False,
                  language=question.language, kind="fact", citations=(Citation(1, hit, start, end),),
                  confidence=1.0)


def _quoted_mention(corpus: "Corpus", card: "DocumentCard") -> tuple[Hit, int, int] | None:
    """The passage of the card's fullest printed mention, and the span of its sentence."""
    body = [m for m in card.mentions if m.start >= 0 and not m.corrected]
    if not body:
        return None
    best = max(body, key=lambda m: (m.fields, -m.start))
    passage = next((p for p in corpus.passages(best.doc_id) if p.start <= best.start < p.end), None)
    article = corpus.article(best.doc_id)
    if passage is None or article is None:
        return None
    start, end = _sentence(passage.text, best.start - passage.start)
    return Hit(passage=passage, title=article.title, score=1.0, url=article.url, date=article.date), start, end


def _card_text(card: "DocumentCard", lang: str) -> str:
    words = WORDING[lang]
    issuer = card.issuer and (card.issuer + (f" ({card.term})" if card.term else ""))
    date = card.date and words.card_date.format(day=int(card.date[8:]), month=int(card.date[5:7]),
                                                year=card.date[:4], iso=card.date)
    facts = [f for f in (date, issuer and words.card_issuer.format(issuer=issuer)) if f]
    issued = words.card_issued.format(facts=", ".join(facts)) if facts else ""
    return words.card.format(id=card.id, name=card.name, issued=issued, cited=len(card.cited_by))
