"""A person (also the holder of an office): "Trương Thị Mai", "Nguyễn Tiến Sữ"."""

from __future__ import annotations

from typing import Sequence

from .base import runs
from .tokens import Word, is_capitalised, opens_name


class Person:
    name = "person"

    def asked(self, asks: frozenset[str], analysis) -> bool:
        return analysis.answer_type == "person" or self.name in asks  # "nhà thơ người Đức nào"

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        return [(s, e) for s, e in runs(words, lambda w: is_capitalised(w) and not w.text[0].isdigit(), max_len=5,
                                        initials=True) if opens_name(words[s])]
