"""One protocol for what a question pins down: each constraint (a place or document, "today", an
organisation, a person, a time, an office) is a ``Check`` that narrows a fact answer's evidence to what
meets it, or says which constraint nothing meets (``Unmet``), which the abstention names.

A new pin is one module with one ``Check`` and one row in ``qa.checks.EVIDENCE_CHECKS`` (or
``ANSWER_CHECKS``, for a check on the passages an answer would quote)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Protocol

from index.records import Hit, SearchFilters

if TYPE_CHECKING:
    from ..question import Question
    from ..retrieve import Corpus, FactEvidence


@dataclass(frozen=True)
class Asked:
    """What every check reads: the corpus, the question as read, and the caller's filters."""

    corpus: "Corpus"
    question: "Question"
    filters: SearchFilters


@dataclass(frozen=True)
class Unmet:
    """No evidence meets the check. ``label`` names what was asked ("quận Hoàn Kiếm", "năm 2023"; empty:
    the plain "nothing found"); ``why`` the wording that names it; ``related``: show the nearest passages."""

    label: str = ""
    why: str = "unmet"
    related: bool = True


class Check(Protocol):
    def __call__(self, asked: Asked, found: "FactEvidence") -> "FactEvidence | Unmet": ...


def article_text(corpus: "Corpus", doc_id: str) -> str:
    """An article's title and text, as a check reads it for what it names ("" for an unknown id)."""
    article = corpus.article(doc_id)
    return f"{article.title}\n{article.text}" if article else ""


def only_articles(found: "FactEvidence", allowed: frozenset[str]) -> "FactEvidence":
    """The evidence restricted to passages of the allowed articles (per-hit lists kept aligned)."""
    return _only(found, lambda h: h.doc_id in allowed)


def only_passages(found: "FactEvidence", allowed: frozenset[str]) -> "FactEvidence":
    return _only(found, lambda h: h.passage.passage_id in allowed)


def _only(found: "FactEvidence", keep_hit: Callable[[Hit], bool]) -> "FactEvidence":
    keep = [i for i, h in enumerate(found.hits) if keep_hit(h)]
    pick = lambda values: [values[i] for i in keep] if values else values  # noqa: E731
    return replace(found, hits=pick(found.hits), given=pick(found.given), passage_scores=pick(found.passage_scores))
