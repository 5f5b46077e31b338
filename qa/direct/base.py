"""One protocol for the kinds of span a question can ask for (count, date, person, place, document code,
amount, percentage): which questions ask for it, and which word runs of the quoted sentence may be it.
The learned scorer (``qa.direct.score``) then picks one run among every kind's proposals."""

from __future__ import annotations

from typing import Protocol, Sequence

from .tokens import Word


class SpanKind(Protocol):
    name: str

    def asked(self, asks: frozenset[str], analysis) -> bool:
        """The question asks for a span of this kind: ``asks`` holds the kinds its wording asks for
        (``qa.question.span_asks``); ``analysis`` is the question as read."""

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        """Candidate spans as (first word, last word + 1) indexes into ``words``."""


def runs(words: Sequence[Word], ok, *, max_len: int = 6, initials: bool = False) -> list[tuple[int, int]]:
    """Every run of at most ``max_len`` consecutive words each passing ``ok``, not crossing punctuation (with
    ``initials``, but for the full stop of a name's initial: "James W. Gerard")."""
    out = []
    for i in range(len(words)):
        for j in range(i, min(len(words), i + max_len)):
            joined = j == i or not _gap(words[j - 1], words[j]) or (initials and _initial(words[j - 1], words[j]))
            if not ok(words[j]) or not joined:
                break
            out.append((i, j + 1))
    return out


def grown(words: Sequence[Word], start: int, end: int, *, before: int = 1, after: int = 3) -> list[tuple[int, int]]:
    """A span with up to ``before`` words before it and ``after`` words after it, within its clause."""
    out = []
    for b in range(0, before + 1):
        s = start - b
        if s < 0 or (b and _gap(words[s], words[s + 1])):
            break
        for a in range(0, after + 1):
            e = end + a
            if e > len(words) or (a and _gap(words[e - 2], words[e - 1])):
                break
            out.append((s, e))
    return out


def _initial(left: Word, right: Word) -> bool:
    """``left`` is a name's initial with its full stop, ``right`` the next part of the name: "W. Gerard"."""
    return len(left.text) == 1 and left.text.isupper() and right.start - left.end == 2 and right.text[0].isupper()


def _gap(left: Word, right: Word) -> bool:
    """Something other than a single space between two words: punctuation ends a span."""
    return right.start - left.end != 1



def covering(words: Sequence[Word], start: int, end: int) -> tuple[int, int] | None:
    """The words a character span [start, end) covers, as word indexes; None when it covers none."""
    inside = [k for k, w in enumerate(words) if w.start >= start and w.end <= end]
    return (inside[0], inside[-1] + 1) if inside else None
