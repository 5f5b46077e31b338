"""The answer span of a fact answer ("126 chi hội", a date, a person, a place, a document code, an amount, a
percentage), cut verbatim from its quoted sentence: ``with_direct(answer, analysis)``.

Stages: ``kinds`` (which kind of span a question asks for: one module per kind behind the ``base.SpanKind``
protocol), ``score`` (a learned logistic regression over ``features`` of every candidate span; weights made
by ``python -m training.train_direct``), ``attach`` (the span leading the answer text)."""

from __future__ import annotations

from .attach import short_title, with_direct
from .score import best_span

__all__ = ["with_direct", "best_span", "short_title"]
