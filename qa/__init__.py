"""Question answering over an index: every answer sentence quotes a passage and cites it.

Public surface: ``answer(index, question, filters=..., previous=...)`` — the one door every caller asks
through — ``search(index, query, k, filters=..., rank=...)`` (passages in the order answers rank them) and
the records ``Answer``, ``Citation``, ``Item``.
"""

from __future__ import annotations

from .answers import answer
from .records import Answer, Citation, Item
from .search import search

__all__ = ["answer", "search", "Answer", "Citation", "Item"]
