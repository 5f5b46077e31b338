"""A named place (a 2025 ward included) or document is a constraint, not a hint: only articles about
every named place and citing every named document may be quoted. Each kind of pin is one row of
``PINS`` (a module of ``qa.checks`` reading what the question names); the abstention names the pin no
article meets, or their combination when each exists only on its own ("Quận Thanh Xuân + Quyết định 290")."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol, Sequence

from ..constraints import ArticleReader
from .base import Asked, Unmet, only_articles
from .document import documents_named
from .place import places_named, wards_named

# In the order the abstention names them.
PINS = (places_named, wards_named, documents_named)


class FacetReader(ArticleReader, Protocol):
    def docs_with(self, facet: str, values: Sequence[str]) -> set[str]: ...


@dataclass(frozen=True)
class Pinned:
    """The articles that satisfy every place and document a question names. ``allowed`` is None when the
    question names neither; ``unmet`` says which constraint no article meets (empty when some do)."""

    allowed: frozenset[str] | None
    unmet: str = ""  # "quận Hoàn Kiếm", "Quyết định 999", "Quận Thanh Xuân + Quyết định 290"


def pinned(corpus: FacetReader, question, doc_ids: Sequence[str]) -> Pinned:
    """Articles meeting every pin of every row; ``doc_ids``: the retrieved articles, also checked on their
    stored entities (a place the article names outside its primary locality counts)."""
    seen = list(dict.fromkeys(doc_ids))
    named: list[str] = []
    allowed: set[str] | None = None
    for row in PINS:
        for label, docs in row(corpus, question, seen):
            if not docs:
                return Pinned(frozenset(), label)
            named.append(label)
            allowed = docs if allowed is None else allowed & docs
    if allowed is None:
        return Pinned(None)
    if not allowed:  # each exists on its own, never together in one article
        return Pinned(frozenset(), " + ".join(named))
    return Pinned(frozenset(allowed))


def pins_articles(asked: Asked) -> bool:
    """The question names a place, a 2025 ward or a document (it is pinned to the articles about them)."""
    q = asked.question
    return bool(q.localities or q.refs or q.new_wards)


@dataclass(frozen=True)
class PlacesAndDocuments:
    def __call__(self, asked: Asked, found):
        from ..retrieve import fact_evidence

        pins = pinned(asked.corpus, asked.question, [h.doc_id for h in found.hits])
        if pins.allowed is None:
            return found
        if not pins.allowed:
            return Unmet(pins.unmet)
        seen = pins.allowed & {h.doc_id for h in found.hits}
        if not seen:  # articles meet it, but none among the retrieved passages
            return Unmet("", related=False)
        # Retrieved again inside the allowed articles that retrieval found: among thousands of other
        # articles the passage of theirs that answers may rank below the first page.
        within = replace(asked.filters, articles=tuple(sorted(seen)))
        return only_articles(fact_evidence(asked.corpus, asked.question.text, asked.question, within), pins.allowed)
