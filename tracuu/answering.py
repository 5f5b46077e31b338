"""One door for every transport: the CLI (`tracuu ask`, `--questions`, `--follow-up`, `tracuu search`),
`POST /api/ask` and `/api/search`, the Gradio API (`/ask`, `/search`), the chat tab and `tracuu eval` all
answer and search through these functions, so the same question gets the same answer whichever way it
comes in (tests/test_doors.py asks through all four and compares the JSON).

:func:`answer` gives the pipeline's records (for pages that render them, and for the evaluation);
:func:`ask` gives the contract's :class:`~tracuu.contract.AskResponse`. Likewise :func:`hits` and
:func:`search`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.api import Index
    from index.records import Hit, SearchFilters
    from qa.followup import FollowUp
    from qa.records import Answer

    from .contract import AskResponse, QuestionId, SearchResponse

__all__ = ["answer", "ask", "hits", "search"]


def _filters(filters: "SearchFilters | None") -> "SearchFilters":
    from index.records import SearchFilters

    return filters if filters is not None else SearchFilters()


def answer(index: "Index", question: str, *, filters: "SearchFilters | None" = None,
           previous: str | None = None) -> "tuple[Answer, FollowUp | None]":
    """(answer, follow-up or None). ``previous``: the question this one follows up, which lends it the
    document, place and year it does not name itself. Document cards ("Quyết định 290 là gì?") and wards
    named since 1 July 2025 are answered here as well as every other question."""
    import qa

    found = qa.answer(index, question, filters=_filters(filters), previous=previous)
    return found, found.follow_up


def ask(index: "Index", question: str, *, filters: "SearchFilters | None" = None, previous: str | None = None,
        id: "QuestionId" = None) -> "AskResponse":
    """The cited answer as the contract prints it (`tracuu ask --json`)."""
    from .contract import AskResponse

    found, follow = answer(index, question, filters=filters, previous=previous)
    return AskResponse.of(found, follow, id=id)


def hits(index: "Index", query: str, k: int = 10, *, filters: "SearchFilters | None" = None,
         rank: str = "learned") -> "list[Hit]":
    """Ranked passages, best first, at most ``k``: in the order answers use (the learned passage ranker),
    or ``rank="rrf"``, the plain fusion of the two retrievers (for comparison)."""
    from qa import search as ranked

    return ranked(index, query, k, filters=_filters(filters), rank=rank)


def search(index: "Index", query: str, k: int = 10, *, filters: "SearchFilters | None" = None,
           rank: str = "learned") -> "SearchResponse":
    """Ranked passages as the contract prints them (`tracuu search --json`)."""
    from .contract import Hit, SearchResponse

    return SearchResponse(query=query, hits=[Hit.of(h) for h in hits(index, query, k, filters=filters, rank=rank)])
