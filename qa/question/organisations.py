"""The organisations a question names ("Hội Chữ thập đỏ", "MTTQ", "Red Cross"), from the fixed table of
``qa.organisations``."""

from __future__ import annotations

from index.text import fold

from ..organisations import ORGANISATIONS, Organisation


def asked_organisations(question: str) -> tuple[Organisation, ...]:
    folded = fold(question).lower()
    return tuple(o for o in ORGANISATIONS if o.asked.search(folded))
