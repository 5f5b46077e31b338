"""What a span of the asked kind must be when the sentence offers one that is: a table of rows (kind, test),
each keeping only the candidates that pass its test, if any candidate does. They state the kind itself, not a
preference: a count question counts its noun ("bao nhiêu hội viên" → "5.573 hội viên", not "126 chi hội"
beside it), a person is a name ("Trương Thị Mai", not "Đảng"), the holder of an asked office is the name
printed as holding it (qa.offices), the one who chaired is the name printed as chairing, a count is printed
next to the action asked, a document's date is the one printed right after its code ("290-QĐ/TW ngày
25/02/2010", not the meeting's "Chiều 15/7/2020") and an event's date is any other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .features import NAMES


@dataclass(frozen=True)
class Candidate:
    text: str
    row: Sequence[float]
    sentence: str
    analysis: object
    start: int = 0  # offsets of the span in the sentence
    end: int = 0


def _feature(name: str) -> Callable[[Candidate], bool]:
    k = NAMES.index(name)
    return lambda c: bool(c.row[k])


def _holds_office(c: Candidate) -> bool:
    from ..offices import holder_named

    office = getattr(c.analysis, "asks_office", None)
    return office is not None and holder_named(c.sentence, office, [c.text])


def _near_action(c: Candidate) -> bool:
    """The action the question asks ("recognized" → công nhận) is printed next to the count: "10.272 mô hình
    được công nhận", not "39.427 mô hình … được đăng ký" before it."""
    from .tokens import words

    terms = [t.split() for t in getattr(c.analysis, "action_terms", ())]
    before = [w.lower for w in words(c.sentence[: c.start])][-4:]
    after = [w.lower for w in words(c.sentence[c.end :])][:6]
    return any(_holds(side, t) for t in terms for side in (before, after))


# Verbs that make a date the document's own ("ban hành ngày nào"); any other action the question asks
# ("tổ chức", "tổng kết") makes it an event's date, and the date printed after the code is then not it.
ISSUING = frozenset({"ban hành", "ký", "ký ban hành", "có hiệu lực", "thông qua", "ra đời"})


def _date_of_what_is_asked(c: Candidate) -> bool:
    """A document's date is the one printed right after its code ("25-NQ/TW ngày 3/6/2013"); an event's
    ("Ngày 22/9, … tổ chức hội nghị tổng kết … Nghị quyết số 25-NQ/TW ngày 3/6/2013") is any other."""
    actions = set(getattr(c.analysis, "action_terms", ()))
    after_code = _feature("after_q_code")(c)
    return after_code if not actions or actions & ISSUING else not after_code


def _does_role(c: Candidate) -> bool:
    """The name printed as doing the role asked ("ai chủ trì"): the nearest name before the role's verb
    ("đồng chí Nguyễn Tiến Sữ – Phó Bí thư …, Trưởng Khối Dân vận … – Chủ trì Hội nghị"), titles between,
    or the first one right after it ("chủ trì là đồng chí …"); not the first of the attendees listed."""
    from index.text.entities import person_names

    from ..answers.who import ROLE_IN_SENTENCE

    role = getattr(c.analysis, "asks_role", None)
    if role is None:
        return False
    sentence = c.sentence
    spans = [(m, sentence.find(m)) for m in dict.fromkeys(person_names(sentence)) if m in sentence]
    for verb in ROLE_IN_SENTENCE[role].finditer(sentence.lower()):
        before = [(name, at) for name, at in spans if at + len(name) <= verb.start()
                  and len(sentence[at + len(name) : verb.start()].split()) <= ROLE_REACH_BEFORE]
        after = [(name, at) for name, at in spans if at >= verb.end()
                 and len(sentence[verb.end() : at].split()) <= ROLE_REACH_AFTER]
        holder = max(before, key=lambda s: s[1]) if before else (min(after, key=lambda s: s[1]) if after else None)
        if holder is not None and (c.text in holder[0] or holder[0] in c.text):
            return True
    return False


ROLE_REACH_BEFORE, ROLE_REACH_AFTER = 30, 6  # words: a name, its titles and a dash before the verb; "là đồng chí" after


def _holds(seq: list[str], term: list[str]) -> bool:
    return any(seq[i : i + len(term)] == term for i in range(len(seq) - len(term) + 1))


RULES: tuple[tuple[str, Callable[[Candidate], bool]], ...] = (
    ("count", _feature("counts_noun")),
    ("count", _near_action),
    ("person", _feature("is_name")),
    ("person", _holds_office),
    ("person", _does_role),
    ("date", _date_of_what_is_asked),
)


def kept(kind: str, candidates: Sequence[Candidate]) -> list[int]:
    """Indexes of the candidates every applicable row keeps (a row that keeps none is skipped)."""
    return kept_and_met(kind, candidates)[0]


def kept_and_met(kind: str, candidates: Sequence[Candidate]) -> tuple[list[int], bool]:
    """The kept indexes, and whether they meet every applicable row (no row was skipped for keeping none):
    a "possibly" answer lists only spans that do, when some do."""
    keep, met = list(range(len(candidates))), True
    for row_kind, test in RULES:
        if row_kind == kind:
            passing = [i for i in keep if test(candidates[i])]
            met = met and bool(passing)
            keep = passing or keep
    return keep, met
