"""A name that is not a person's or a place's: "Virgin Media", "Polonia Warsaw", "Astra 2A" — for "tên … là
gì?", "công ty nào …?", "đội nào …?"."""

from __future__ import annotations

from typing import Sequence

from .base import runs
from .tokens import Word, is_capitalised, opens_name

def _named(w: Word) -> bool:
    return (is_capitalised(w) and not w.text[0].isdigit()) or (any(c.isdigit() for c in w.text) and any(c.isalpha() for c in w.text))


def _part(w: Word) -> bool:
    """A word of a name: capitalised or a code ("Astra 2A"), or a short figure inside it ("Eurobird 1")."""
    return _named(w) or (w.text.isdigit() and len(w.text) <= 3)


class Name:
    name = "name"

    def asked(self, asks: frozenset[str], analysis) -> bool:
        return self.name in asks

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        return [(s, e) for s, e in runs(words, _part, max_len=5, initials=True) if opens_name(words[s])]
