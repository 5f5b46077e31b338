"""What a span of the asked kind must be when the sentence offers one that is: a table of rows (kind, test),
each keeping only the candidates that pass its test, if any candidate does. They state the kind itself, not a
preference: a count question counts its noun ("bao nhiêu hội viên" → "5.573 hội viên", not "126 chi hội"
beside it), a person is a name ("Trương Thị Mai", not "Đảng"), the holder of an asked office is the name
printed as holding it (qa.offices), a count is printed next to the action asked, a document's date is the one printed right after its code
("290-QĐ/TW ngày 25/02/2010", not the meeting's "Chiều 15/7/2020")."""

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


def _holds(seq: list[str], term: list[str]) -> bool:
    return any(seq[i : i + len(term)] == term for i in range(len(seq) - len(term) + 1))


RULES: tuple[tuple[str, Callable[[Candidate], bool]], ...] = (
    ("count", _feature("counts_noun")),
    ("count", _near_action),
    ("person", _feature("is_name")),
    ("person", _holds_office),
    ("date", _feature("after_q_code")),
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
