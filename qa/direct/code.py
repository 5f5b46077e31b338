"""A document code: "290-QĐ/TW", "Nghị quyết số 25-NQ/TW"."""

from __future__ import annotations

from typing import Sequence

from .base import covering
from .tokens import Word

class Code:
    name = "code"

    def asked(self, asks: frozenset[str], analysis) -> bool:
        return self.name in asks

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        from index.text.refs import find_refs

        out = []
        for ref in find_refs(sentence):
            cover = covering(words, ref.start, ref.end)
            if cover is not None:
                out.append(cover)
        return out
