"""A date or time: "ngày 13/01/2022", "năm 1940", "tháng 3 năm 1940", "thế kỷ 19", "chiều 10-6"."""

from __future__ import annotations

import re
from typing import Sequence

from .base import runs
from .tokens import NUMBER_WORDS, Word

# Words a date is printed with (folded); a span is a run of these holding at least one figure.
DATE_WORDS = frozenset(
    """ngay thang nam the ky ki dau cuoi giua sang chieu toi dem hom thap nien quy mung mong nhung vao khoang
    truoc sau cong nguyen tcn scn gio luc nay ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix
    xx xxi january february march april may june july august september october november december""".split())
_FIGURE = re.compile(r"^\d{1,4}(?:[/\-.]\d{1,4}){0,2}$")
_ROMAN = re.compile(r"^[IVXL]+$")
# The words a month's figure is printed after (folded): "tháng 10" (a year's "năm" may be left out: "1519").
_UNITS = frozenset({"thang"})


# A date never ends with the word of a part it does not print: "10 năm" is ten years, "tháng 10 năm" is cut.
_OPEN_ENDS = frozenset("ngay thang nam".split())
# Nor with a word that leads into what follows it: "tháng 4 năm 1991 sau" (… sau ba năm sửa chữa), "vào".
_LEADS = frozenset("vao khoang truoc sau nhung luc dau cuoi giua the thap quy mung mong".split())


def _open_end(words: Sequence[Word], e: int) -> bool:
    """The span ends with a bare unit ("10 năm"), a leading word ("sau") or with the number of a count of
    units that follows it ("tháng 4 năm 1991 sau ba" of "… sau ba năm sửa chữa")."""
    last = words[e - 1]
    counts_units = last.lower in NUMBER_WORDS and e < len(words) and words[e].folded in _OPEN_ENDS
    return last.folded in _OPEN_ENDS | _LEADS or counts_units


def _dateish(w: Word) -> bool:
    return bool(_FIGURE.match(w.text)) or w.folded in DATE_WORDS or w.lower in NUMBER_WORDS or bool(_ROMAN.match(w.text))


def _anchored(words: Sequence[Word]) -> bool:
    return any(_FIGURE.match(w.text) or _ROMAN.match(w.text) for w in words)


def cuts_a_date(words: Sequence[Word], s: int) -> bool:
    """A span starting at word ``s`` would start with a month's figure torn from its word: "10 năm 2016" of
    "tháng 10 năm 2016" is no date."""
    return s > 0 and bool(_FIGURE.match(words[s].text)) and words[s - 1].folded in _UNITS \
        and words[s].start - words[s - 1].end == 1


class Date:
    name = "date"

    def asked(self, asks: frozenset[str], analysis) -> bool:
        return analysis.answer_type == "date"

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        return [(s, e) for s, e in runs(words, _dateish, max_len=7)
                if _anchored(words[s:e]) and not cuts_a_date(words, s) and not _open_end(words, e)]
