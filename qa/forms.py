"""Question forms beyond the answer type, read from the question (``qa.analyze`` calls these): the role a
"who" question asks about (chaired, spoke, led), whether it asks yes or no, the time it pins down as a
checked constraint, and the persons it names. Matched on the folded question, like ``qa.analyze``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.text.entities import person_names
from index.text.refs import fold

Role = Literal["chair", "speak", "lead"]

# The question's verb → the role; English and Vietnamese, folded. "head of the police" (a noun) is a title
# question ("ai là …"), not a role: only verbs count.
_ROLES: list[tuple[Role, str]] = [
    ("chair", r"dong chu tri|chu tri|chair(?:ed|s|ing)?|presid(?:ed|es|ing)|co-?chair(?:ed)?"),
    # "làm chỉ huy", "vị trí chỉ huy", "trưởng đoàn" name a post (a title question), not what someone did.
    ("lead", r"chi dao|dan dau|dung dau|led|leads|leading|headed|directed"),
    ("speak", r"phat bieu|ket luan|cho biet|spoke|speak(?:s|ing)?|speech|address(?:ed)?|concluded|said"),
]
_ROLE_RES = [(role, re.compile(rf"\b(?:{p})\b")) for role, p in _ROLES]
WHO_RE = re.compile(r"\b(?:ai|who|dong chi nao|nguoi nao|vi nao)\b")

# "đã … chưa?", "có … không?", "có phải … không", "… hay chưa"; English auxiliaries first.
_YESNO_VI = re.compile(r"(?:\b(?:da|co|duoc)\b.*\b(?:chua|khong)|\bhay chua|\bco phai\b.*)\s*[?.!]*\s*$")
_YESNO_EN = re.compile(r"^\s*(?:is|are|was|were|did|does|do|has|have|had|can|could|will|would)\b")
_NOT_YESNO = re.compile(r"\b(?:ai|gi|nao|bao nhieu|may|o dau|khi nao|bao gio|sao|the nao)\b")

# A year the question pins down: "năm 2023", "in 2022", "2020"; not "trước/sau/từ năm 2015" (a range,
# which the articles' dates cannot settle as one point).
_RANGE_BEFORE = re.compile(r"(?:truoc|sau|tu|den|toi|before|after|since|until|by|from)\s+(?:nam\s+|thang\s+\d{1,2}\s*[/,]?\s*)?$")


# "Quyết định 290-QĐ/TW ngày 25/2/2010": the document's date (its code is blanked out of ``folded``).
_DOC_DATE_BEFORE = re.compile(r"\s{3},?\s*ngay\s+\d{1,2}/\d{1,2}/$")


@dataclass(frozen=True)
class TimeAsk:
    years: tuple[int, ...]
    months: tuple[tuple[int, int], ...]
    label: str  # as the abstention names it: "năm 2023", "tháng 6/2024", "2022"


# An English verb → the Vietnamese the articles print it with.
_VI_VERB = {"chair": "chu tri", "speak": "phat bieu", "lead": "chi dao"}


def asked_role(rest: str) -> tuple[Role | None, tuple[str, ...]]:
    """The role a who-question asks about and the folded verb phrases it uses ("phat bieu", "ket luan")."""
    if not WHO_RE.search(rest):
        return None, ()
    found = [(m.start(), role, m.group()) for role, rx in _ROLE_RES for m in rx.finditer(rest)]
    if not found:
        return None, ()
    found.sort()
    verbs = [g if " " in g or g in ("dan dau", "chi huy") else _VI_VERB[role] for _, role, g in found]
    return found[0][1], tuple(dict.fromkeys(verbs))


def asks_yes_no(folded: str) -> bool:
    q = folded.strip()
    if _YESNO_EN.search(q):
        return not re.search(r"\b(?:who|what|which|when|where|how)\b", q)
    return bool(_YESNO_VI.search(q)) and not _NOT_YESNO.search(re.sub(r"\b(?:khong|chua)\s*[?.!]*\s*$", "", q))


def time_asked(folded: str, question: str, years: tuple[int, ...], months: tuple[tuple[int, int], ...],
               language: str) -> TimeAsk | None:
    """The years and months a question pins down (not those bounding a range)."""
    def pinned(value: str) -> bool:
        return any(not _RANGE_BEFORE.search(folded[: m.start()]) and not _DOC_DATE_BEFORE.search(folded[: m.start()])
                   for m in re.finditer(rf"(?<!\d){value}(?!\d)", folded))

    keep_years = tuple(y for y in years if pinned(str(y)) and not any(y == ym[0] for ym in months))
    keep_months = tuple(ym for ym in months if pinned(str(ym[0])))
    if not keep_years and not keep_months:
        return None
    from .answers.wording import WORDING

    words = WORDING[language]
    parts = [words.time_month.format(m=m, y=y) for y, m in keep_months]
    parts += [words.time_year.format(y=y) for y in keep_years]
    return TimeAsk(keep_years, keep_months, ", ".join(parts))


_HONORIFIC_NAME = re.compile(r"(?:đồng chí|đ/c|ông|bà|dong chi|mr\.?|mrs\.?|ms\.?)\s+(?=[A-ZĐ])", re.IGNORECASE)


def persons_named(question: str, located: list[tuple[int, int]]) -> tuple[str, ...]:
    """Full names the question gives ("đồng chí Nguyễn Văn Thành", "Trương Văn Mẫn"), outside place spans."""
    masked = list(question)
    for s, e in located:
        masked[s:e] = " " * (e - s)
    text = "".join(masked)
    honoured = {m.end() for m in _HONORIFIC_NAME.finditer(text)}
    # Three words make a Vietnamese full name; two ("Châu Âu", "Đông Đức") only after "đồng chí", "ông", "bà".
    return tuple(n for n in person_names(text, run_start=True)
                 if len(n.split()) >= 3 or any(text.startswith(n, at) for at in honoured))
