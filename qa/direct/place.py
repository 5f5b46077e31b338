"""A place: "quận Tây Hồ", "Cần Thơ", "sông Hồng"."""

from __future__ import annotations

import re
from typing import Sequence

from index.text.refs import fold

from .base import grown, runs
from .tokens import Word, is_capitalised

# Read on the question as typed (lower case): folded, "vệ tinh nào" would be "tỉnh nào", "bước sóng nào" "sông nào".
_PLACES = ("ở đâu|tại đâu|đến đâu|từ đâu|nơi nào|nước nào|quốc gia nào|thành phố nào|tỉnh nào|vùng nào|khu vực nào|"
           "địa điểm nào|địa phương nào|quận nào|huyện nào|phường nào|xã nào|sông nào|núi nào|châu lục nào|"
           "where|which (?:city|country|province|district|place|region)")
_ASKED = re.compile(rf"(?<!vệ )(?<!\w)(?:{_PLACES})(?!\w)")
_FOLDED = re.compile(rf"(?<!\w)(?:{fold(_PLACES)})(?!\w)")  # a question typed without tone marks
# Lower-case words a place name is printed after, which belong to the span: "quận Tây Hồ", "sông Hồng".
_UNIT = frozenset("tinh thanh pho quan huyen phuong xa thi tran song nui nuoc bien ho dao vinh mien vung".split())


class Place:
    name = "place"

    def asked(self, folded_question: str, analysis) -> bool:
        question = (getattr(analysis, "question", "") or folded_question).lower()
        typed = question if getattr(analysis, "has_diacritics", False) else folded_question
        pattern = _ASKED if typed is question else _FOLDED
        return bool(pattern.search(typed))

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        out = []
        for s, e in runs(words, lambda w: is_capitalised(w) and not w.text[0].isdigit(), max_len=5):
            out += [(gs, ge) for gs, ge in grown(words, s, e, before=2, after=0)
                    if all(w.folded in _UNIT for w in words[gs:s])]
        return out
