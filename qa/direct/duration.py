"""A stretch of time or a recurrence, for "kéo dài bao lâu", "bao lâu một lần", "how long": "sau mỗi 5 năm",
"từ 21 tháng 3 đến 6 tháng 4 năm 1930", "trong ba tuần", "mãi cho đến thế kỷ mười chín"."""

from __future__ import annotations

import re
from typing import Sequence

from .base import runs
from .date import DATE_WORDS, cuts_a_date
from .tokens import NUMBER_WORDS, Word

# Words a duration is printed with (folded) besides a date's: its units, and the words that bound it.
_DURATION_WORDS = DATE_WORDS | frozenset(
    "tuan phut giay ky nien thap moi hang tu den toi suot trong hon khoang gan cho mai lan".split())
_FIGURE = re.compile(r"^\d{1,4}(?:[/\-.,]\d{1,4}){0,2}$")
_ROMAN = re.compile(r"^[IVXL]+$")
# A number word anchors a duration ("ba tuần"); "năm" does not: it is also the year's word ("trong năm").
_ANCHOR_WORDS = NUMBER_WORDS - {"năm"}


def _durationish(w: Word) -> bool:
    return bool(_FIGURE.match(w.text)) or w.folded in _DURATION_WORDS or w.lower in NUMBER_WORDS \
        or bool(_ROMAN.match(w.text))


# A duration counts units of time ("5 năm", "ba tuần") or names its two ends ("từ 1870 đến 1939"): "114" and
# "ngày 02/7/2020" are none.
_UNITS = frozenset("nam thang tuan ngay gio phut giay ky nien".split())
_ENDS = frozenset("den toi".split())


def _anchored(words: Sequence[Word]) -> bool:
    counted = any((_FIGURE.match(a.text) or a.lower in _ANCHOR_WORDS) and b.folded in _UNITS
                  for a, b in zip(words, words[1:]))
    bounded = any(w.folded in _ENDS for w in words)
    return counted or (bounded and any(_FIGURE.match(w.text) or _ROMAN.match(w.text) or w.lower in _ANCHOR_WORDS
                                       for w in words))


class Duration:
    name = "duration"

    def asked(self, asks: frozenset[str], analysis) -> bool:
        return self.name in asks

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        return [(s, e) for s, e in runs(words, _durationish, max_len=10)
                if _anchored(words[s:e]) and not cuts_a_date(words, s)]
