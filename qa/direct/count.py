"""A count with its noun: "126 chi hội", "khoảng sáu năm", "hơn 200 người"."""

from __future__ import annotations

from typing import Sequence

from .base import grown, runs
from .tokens import MODIFIERS, Word, is_number

# Number words that open a count ("sáu năm", "hai mươi"); "tỷ", "triệu", "trăm" only follow a figure.
LEADING = frozenset("một hai ba bốn năm sáu bảy tám chín mười".split())


class Count:
    name = "count"

    def asked(self, asks: frozenset[str], analysis) -> bool:
        return analysis.answer_type == "count"

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        out = []
        for s, e in runs(words, is_number, max_len=3):
            if not (words[s].text[0].isdigit() or words[s].lower in LEADING):  # "Tỷ lệ": no count
                continue
            for gs, ge in grown(words, s, e, before=2, after=3):
                lead = words[gs:s]
                if all(w.folded in MODIFIERS for w in lead):
                    out.append((gs, ge))
        return out
