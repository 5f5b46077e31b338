"""A document the question names ("Quyết định 290"): the articles that cite it. A row of ``qa.checks.pins``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from ..question import Question


def documents_named(corpus, question: "Question", seen: Sequence[str]) -> list[tuple[str, set[str]]]:
    """(the reference as typed, the articles citing it) for each document the question names; ``seen``:
    the retrieved articles, also checked on their stored references."""
    out = []
    for ref in question.refs:
        docs = set(corpus.docs_with("doc", [ref.key]))
        docs |= {d for d in seen if ref.key in {r.key for r in corpus.entities(d).refs}}
        out.append((ref.surface, docs))
    return out
