"""Who chaired, spoke or led ("Ai chủ trì …?", "đồng chí nào phát biểu chỉ đạo …", "who chaired …?") or holds
an office ("Ai là Bí thư Quận ủy …?", qa.offices): the sentence that names a person in the role or office
asked — a stored person of the article or a Vietnamese name ("đồng chí Nguyễn Tiến Sữ", "Bí thư Thành ủy
Vương Đình Huệ") next to the role's verb or stating the office itself — before a bare role
("Các đồng chí lãnh đạo thành phố chủ trì hội nghị") or a photo caption. When the articles name nobody
in that role, the sentences that name people are shown as "possibly", never as the answer; when no
candidate names a Vietnamese person at all, the ordinary fact answer stands."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from index.records import Hit
from index.text import fold, search_text
from index.text.entities import person_names

from ..offices import holder_named, states_office
from ..records import Answer, Citation
from .wording import WORDING, according

if TYPE_CHECKING:
    from ..analyze import QuestionAnalysis

# The role as the articles print it (lower case, one tone convention). "Kết luận 66-KL/TW" is a document.
ROLE_IN_SENTENCE = {
    "chair": re.compile(r"chủ trì"),
    "speak": re.compile(r"phát biểu|kết luận(?!\s*(?:số\s*)?\d)|cho biết|nhấn mạnh|khẳng định|đề nghị|yêu cầu|"
                        r"chia sẻ|(?<!\w)nói(?!\w)"),
    "lead": re.compile(r"chỉ đạo|dẫn đầu|đứng đầu|trưởng đoàn|trưởng ban|chỉ huy|lãnh đạo|chủ trì"),
}
CAPTION_WORDS = 20  # a line of its own this short is a photo caption or a link, not the report's prose
SHOWN = 3


def is_caption(text: str, start: int, end: int) -> bool:
    alone = text[:start].rstrip(" \t")[-1:] in ("", "\n") and text[end:].lstrip(" \t")[:1] in ("", "\n")
    return alone and len(text[start:end].split()) <= CAPTION_WORDS


def who_answer(question: str, analysis: "QuestionAnalysis", candidates: Sequence, hits: Sequence[Hit],
               people: dict[str, set[str]], confidence: float | None, threshold: float) -> Answer | None:
    """``candidates``: the sentence choice's candidates, best first; ``people``: per article, the names its
    stored entities give. None when no candidate names a person at all (the caller answers as a fact)."""
    lang = analysis.language
    office = analysis.asks_office
    role_re = ROLE_IN_SENTENCE[analysis.asks_role or "chair"]
    scored = []
    for rank, cand in enumerate(candidates):
        hit = hits[cand.hit_index]
        text = cand.text
        names = [name for name in people.get(hit.doc_id, ()) if name in text] + list(person_names(text))
        named = bool(names)
        if office:  # the office stated, with a name printed as its holder (not just anywhere in the sentence)
            in_role = named and holder_named(text, office, names)  # a holder implies the office is stated
        else:
            in_role = bool(role_re.search(search_text(text)))
        verb = any(v in fold(text).lower() for v in analysis.role_verbs)
        scored.append(((in_role and named), verb, not is_caption(hit.passage.text, cand.start, cand.end), -rank, named, cand))
    confident = [s for s in scored if s[0]]
    if confident:
        best = max(confident, key=lambda s: s[:4])[5]
        citation = Citation(1, hits[best.hit_index], best.start, best.end)
        return Answer(question, according(lang, citation.hit, citation), False, lang, "fact", (citation,),
                      confidence=max(confidence or 0.0, threshold))
    if office and any(states_office(s[5].text, office) for s in scored):
        # The office is stated but no name reads as its holder (a name the detector does not know, "ông Đậu Bá
        # An"; a sentence that lists posts): the plain sentence choice answers, as for any question.
        return None
    if not any(s[4] for s in scored):
        # Nobody with a Vietnamese name or a stored person among the candidates (an encyclopaedia's
        # "Tesla", "Warsaw"): the role cannot be checked here; the plain sentence choice answers.
        return None
    role = WORDING[lang].office.format(office=office.label) if office else WORDING[lang].roles[analysis.asks_role or "chair"]
    shown = []
    for s in scored:  # the choice's order: sentences that at least name someone
        if s[4] and all(s[5].text != o.text for o in shown):
            shown.append(s[5])
        if len(shown) == SHOWN:
            break
    citations = tuple(Citation(n, hits[c.hit_index], c.start, c.end) for n, c in enumerate(shown, start=1))
    lines = [WORDING[lang].role_unclear.format(role=role)] + [f"- {according(lang, c.hit, c)}" for c in citations]
    return Answer(question, "\n".join(lines), False, lang, "fact", citations, confidence=min(confidence or 0.0, 0.5),
                  candidates=tuple((c.quote, c.n) for c in citations[1:]))
