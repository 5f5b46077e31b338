"""A place: "quận Tây Hồ", "Cần Thơ", "sông Hồng"."""

from __future__ import annotations

from typing import Sequence

from .base import grown, runs
from .tokens import Word, is_capitalised, opens_name

# Lower-case words a place name is printed after, which belong to the span: "quận Tây Hồ", "sông Hồng".
_UNIT = frozenset("tinh thanh pho quan huyen phuong xa thi tran song nui nuoc bien ho dao vinh mien vung".split())


class Place:
    name = "place"

    def asked(self, asks: frozenset[str], analysis) -> bool:
        return self.name in asks

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        out = []
        for s, e in runs(words, lambda w: is_capitalised(w) and not w.text[0].isdigit(), max_len=5):
            if not opens_name(words[s]):
                continue
            out += [(gs, ge) for gs, ge in grown(words, s, e, before=2, after=0)
                    if all(w.folded in _UNIT for w in words[gs:s])]
        return out
