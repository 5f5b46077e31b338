"""A place: "quận Tây Hồ", "Cần Thơ", "sông Hồng"."""

from __future__ import annotations

import re
from typing import Sequence

from .base import grown, runs
from .tokens import Word, is_capitalised

_ASKED = re.compile(
    r"\b(?:o dau|tai dau|den dau|tu dau|where|noi nao|nuoc nao|quoc gia nao|thanh pho nao|tinh nao|vung nao|"
    r"khu vuc nao|dia diem nao|dia phuong nao|quan nao|huyen nao|phuong nao|xa nao|song nao|nui nao|"
    r"chau luc nao|which (?:city|country|province|district|place|region))\b")
# Lower-case words a place name is printed after, which belong to the span: "quận Tây Hồ", "sông Hồng".
_UNIT = frozenset("tinh thanh pho quan huyen phuong xa thi tran song nui nuoc bien ho dao vinh mien vung".split())


class Place:
    name = "place"

    def asked(self, folded_question: str, analysis) -> bool:
        return bool(_ASKED.search(folded_question))

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        out = []
        for s, e in runs(words, lambda w: is_capitalised(w) and not w.text[0].isdigit(), max_len=5):
            out += [(gs, ge) for gs, ge in grown(words, s, e, before=2, after=0)
                    if all(w.folded in _UNIT for w in words[gs:s])]
        return out
