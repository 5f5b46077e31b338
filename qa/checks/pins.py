"""A named place (a 2025 ward included) or document is a constraint, not a hint: only articles about
every named place and citing every named document may be quoted (``qa.constraints.pinned``, which names
the one no article meets, or their combination when each exists only on its own)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..constraints import pinned
from .base import Asked, Unmet, only_articles


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
