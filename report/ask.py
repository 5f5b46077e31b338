"""Questions about what a document is ("Quyết định 290 là gì?", "what is QĐ 290 about?", "Quy chế công
tác dân vận do ai ban hành?") answered from its card: the fullest sentence the articles give about it,
quoted and cited, with its date, issuer, term and how many articles cite it. Every other question (and a
follow-up) goes to ``qa`` unchanged. The CLI, the REST API and the web app ask through here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from index.records import Hit, SearchFilters
from index.text.refs import fold

if TYPE_CHECKING:
    from index.api import Index
    from qa.records import Answer

__all__ = ["answer", "asks_what_document_is"]

# Folded: what the document is or says, or who issued it. "ban hành ngày nào" (its date) stays with qa's
# document answers, which the seed questions measure.
_WHAT_RE = re.compile(
    r"\b(?:la gi|la van ban gi|ve (?:van de|noi dung|viec) gi|noi dung (?:la )?gi|noi ve (?:dieu )?gi|quy dinh (?:ve )?gi|"
    r"do ai ban hanh|ai ban hanh|co quan nao ban hanh|what is|what's|what does|what was|about what|who issued|"
    r"issued by whom)\b"
)


def asks_what_document_is(question: str) -> bool:
    return bool(_WHAT_RE.search(fold(question or "")))


def _sentence(text: str, pos: int) -> tuple[int, int]:
    starts = [m.end() for m in re.finditer(r"[.!?]\s+|\n", text[:pos])]
    start = starts[-1] if starts else 0
    stop = re.compile(r"[.!?](?:\s|$)|\n").search(text, pos)
    return start, (stop.end() if stop else len(text))


def card_answer(index: "Index", question: str) -> "Answer | None":
    """The card-based answer, or None when the question is not about what a known document is."""
    from qa.analyze import analyze
    from qa.records import Answer, Citation

    from .cards import registry

    if not asks_what_document_is(question):
        return None
    found = registry(index).find(question)
    if not found:
        return None
    card = found[0]
    body = [m for m in card.mentions if m.start >= 0 and not m.corrected]
    if not body:
        return None
    best = max(body, key=lambda m: (m.fields, -m.start))
    passage = next((p for p in index.passages(best.doc_id) if p.start <= best.start < p.end), None)
    article = index.article(best.doc_id)
    if passage is None or article is None:
        return None
    start, end = _sentence(passage.text, best.start - passage.start)
    hit = Hit(passage=passage, title=article.title, score=1.0, url=article.url, date=article.date)
    lang = analyze(question).language
    issuer = card.issuer and (card.issuer + (f" ({card.term})" if card.term else ""))
    facts = [f for f in (card.date and (f"ngày {int(card.date[8:])}/{int(card.date[5:7])}/{card.date[:4]}"
                                        if lang == "vi" else f"on {card.date}"),
                         issuer and (f"do {issuer}" if lang == "vi" else f"by {issuer}")) if f]
    if lang == "vi":
        text = (f"{card.id} là {card.name} [1]. " + (f"Ban hành {', '.join(facts)}; " if facts else "")
                + f"được {len(card.cited_by)} bài viết trong kho trích dẫn.")
    else:
        text = (f"According to the articles, {card.id} is “{card.name}” [1]. " +
                (f"Issued {', '.join(facts)}; " if facts else "") + f"cited by {len(card.cited_by)} articles.")
    return Answer(question=question, text=text, abstained=False, language=lang, kind="fact",
                  citations=(Citation(1, hit, start, end),), confidence=1.0)


def answer(index: "Index", question: str, *, filters: SearchFilters = SearchFilters(),
           previous: str | None = None):
    """(answer, follow-up or None): a card answer for "what is this document", else ``qa``'s."""
    import qa

    if previous:
        from qa.followup import answer_follow_up

        return answer_follow_up(index, question, previous, filters=filters)
    if not filters:
        card = card_answer(index, question)
        if card is not None:
            return card, None
        unit = new_unit_named(question)
        if unit is not None:
            return _answer_for_new_unit(index, question, *unit), None
    return qa.answer(index, question, filters=filters), None


# "phường Thanh Khê", "xã Tây Hồ": a ward or commune as named since 1 July 2025.
_NEW_UNIT_RE = re.compile(r"\b((?:[Pp]hường|[Xx]ã)\s+(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s?){1,4})")


def new_unit_named(question: str):
    """(the name, the old units merged into it) when the question names a ward created on 1 July 2025
    that no pre-2025 ward of that name matches (those the gazetteer reads, and qa answers, already)."""
    from index.text.admin2025 import filter_expansion
    from index.text.places import find_localities

    for m in _NEW_UNIT_RE.finditer(question or ""):
        name = m.group(1).strip()
        olds = filter_expansion(name)
        short = fold(name).split(None, 1)[1]
        known = [loc for loc in find_localities(name) if loc.level == "ward" and fold(loc.name) == short]
        if olds and not known:
            return name, olds
    return None


def _answer_for_new_unit(index: "Index", question: str, name: str, olds) -> "Answer":
    """qa's answer within the articles about the old units merged into ``name``, saying which they were."""
    from dataclasses import replace

    import qa
    from index.text.admin2025 import label

    # The filter carries the place: the pre-2025 gazetteer misreads a new name ("Phường Thanh Khê" as
    # "Phường Thanh" in Quảng Trị), and qa would then insist on that wrong place, so qa reads the question
    # without it.
    asked = re.sub(re.escape(name), " ", question, flags=re.IGNORECASE).strip() or question
    result = qa.answer(index, asked, filters=SearchFilters(localities=(name,)))
    if asked != question:
        result = replace(result, question=question)
    cited = {c.hit.doc_id for c in result.citations}
    keys = {fold(o.name) for o in olds}
    named = []
    for doc_id in sorted(cited):
        place = index.entities(doc_id).primary_locality
        if place is not None and fold(place.name) in keys:
            named.append(label(place))
    if not named:
        return result
    lead = (f"{name} (since 1 July 2025) includes: {'; '.join(dict.fromkeys(named))}."
            if result.language == "en" else f"{name} (từ 1/7/2025) gồm: {'; '.join(dict.fromkeys(named))}.")
    return replace(result, text=f"{lead}\n{result.text}")
