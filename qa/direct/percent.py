"""A percentage: "12,5%", "80 phần trăm", "hơn 90%"."""

from __future__ import annotations

from typing import Sequence

from .base import grown
from .tokens import MODIFIERS, Word

class Percent:
    name = "percent"

    def asked(self, asks: frozenset[str], analysis) -> bool:
        return analysis.answer_type == "count" and self.name in asks

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        out = []
        for k, w in enumerate(words):
            after = [x.folded for x in words[k + 1 : k + 3]]
            if w.text.endswith("%") and w.text[0].isdigit():
                end = k + 1
            elif w.text[0].isdigit() and after == ["phan", "tram"]:
                end = k + 3
            else:
                continue
            out += [(s, e) for s, e in grown(words, k, end, before=2, after=0)
                    if all(x.folded in MODIFIERS for x in words[s:k])]
        return out
