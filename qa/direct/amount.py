"""An amount of money as news prints it: "17 tỷ 145 triệu đồng", "500.000 VNĐ"."""

from __future__ import annotations

from typing import Sequence

from .base import covering, grown
from .tokens import MODIFIERS, Word


class Amount:
    name = "amount"

    def asked(self, asks: frozenset[str], analysis) -> bool:
        return bool(analysis.asks_money)

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        from ..answers.fact import MONEY_AMOUNT  # the one pattern the fact answer restricts sentences by

        out = []
        for m in MONEY_AMOUNT.finditer(sentence):
            cover = covering(words, m.start(), m.end())
            if cover is not None:
                out += [(s, e) for s, e in grown(words, *cover, before=2, after=0)
                        if all(x.folded in MODIFIERS for x in words[s : cover[0]])]
        return out
