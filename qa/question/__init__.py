"""The question, read once (``read`` → ``Question``): the only package that matches patterns against the
raw text a person typed (with ``qa.analyze`` and ``qa.forms``, which it builds on). Everything downstream
reads the record's fields (tests/test_architecture.py checks it).

Its names load on first use: ``qa.analyze`` imports the pattern modules here, and the record imports
``qa.analyze``.
"""

from __future__ import annotations

__all__ = ["Form", "Question", "read", "resolve"]


def __getattr__(name: str):
    if name in ("Form", "Question", "read"):
        from . import record

        return getattr(record, name)
    if name == "resolve":
        from .followup import resolve

        return resolve
    raise AttributeError(f"module 'qa.question' has no attribute {name!r}")
