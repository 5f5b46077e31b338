"""Question answering over an index: every answer sentence quotes a passage and cites it.

Public surface: ``answer(index, question, filters=..., previous=...)`` — the one door every caller asks
through — and the records ``Answer``, ``Citation``, ``Item``.
"""

from __future__ import annotations

from .answers import answer
from .records import Answer, Citation, Item

__all__ = ["answer", "Answer", "Citation", "Item"]
