""""hôm nay", "today": only an article dated today (or yesterday) may answer (``qa.recency``)."""

from __future__ import annotations

from dataclasses import dataclass

from ..recency import dated_today, today_label
from .base import Asked, Unmet, only_articles


@dataclass(frozen=True)
class Today:
    def __call__(self, asked: Asked, found):
        if not asked.question.asks_today:
            return found
        corpus = asked.corpus
        fresh = dated_today({h.doc_id for h in found.hits}, lambda d: getattr(corpus.article(d), "date", None))
        if not fresh:
            return Unmet(today_label(asked.question.language))
        return only_articles(found, frozenset(fresh))
