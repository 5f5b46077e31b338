"""The honest answer when the corpus holds no adequate evidence: it says so, and shows the nearest passages
as related reading, never as an answer."""

from __future__ import annotations

from typing import Sequence

from index.records import Hit

from ..records import Answer
from .wording import WORDING


def abstain(question: str, lang: str, related: Sequence[Hit]) -> Answer:
    return Answer(question, WORDING[lang].none_found, True, lang, "none", (), (), tuple(related))
