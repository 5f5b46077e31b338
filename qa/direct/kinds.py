"""Which kind of span a question asks for: the first row of KINDS whose ``asked`` holds (a table, so that a
new kind is one row and one module)."""

from __future__ import annotations

from .amount import Amount
from .base import SpanKind
from .code import Code
from .count import Count
from .date import Date
from .duration import Duration
from .name import Name
from .percent import Percent
from .person import Person
from .place import Place

# Order matters: an amount or a percentage is also a "bao nhiêu" count, and so is "mấy năm một lần"; a place
# question may say "ai".
KINDS: tuple[SpanKind, ...] = (Amount(), Percent(), Duration(), Count(), Date(), Code(), Place(), Person(), Name())
KIND_NAMES = tuple(k.name for k in KINDS)


def kind_asked(question: str, analysis) -> SpanKind | None:
    """The kind of span the question asks for; None for a free-form question (why, how, what is)."""
    from ..question.span_asks import span_asks

    asks = span_asks(question, getattr(analysis, "has_diacritics", True))
    return next((k for k in KINDS if k.asked(asks, analysis)), None)
