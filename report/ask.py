"""Deprecated: ``qa.answer`` is the one door (document cards, the 2025 wards and follow-ups are behind it).
``answer`` stays for callers that want ``(answer, follow-up or None)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.records import SearchFilters

if TYPE_CHECKING:
    from index.api import Index
    from qa.followup import FollowUp
    from qa.records import Answer

__all__ = ["answer", "asks_what_document_is", "new_unit_named"]


def answer(index: "Index", question: str, *, filters: SearchFilters = SearchFilters(),
           previous: str | None = None) -> "tuple[Answer, FollowUp | None]":
    """``qa.answer``, with its follow-up record beside it."""
    import qa

    result = qa.answer(index, question, filters=filters, previous=previous)
    return result, result.follow_up


def asks_what_document_is(question: str) -> bool:
    from qa.question import read

    return read(question or "").asks_what_it_is


def new_unit_named(question: str):
    """(the name, the old units merged into it) of the first ward created on 1 July 2025 the question names."""
    from qa.question import read

    return read(question or "").new_ward
