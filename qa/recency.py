"""Questions about today ("Giá vàng hôm nay là bao nhiêu?", "What is the gold price today?"): only an
article dated today (or yesterday, for a story filed late at night) can answer them. An archive of older
news holds what a price *was*; quoting it as today's is a confident wrong answer."""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable

from .question.today import asks_about_today

__all__ = ["asks_about_today", "today", "dated_today", "today_label"]


def today() -> dt.date:
    """The date questions about "today" refer to (a function, so tests can pin it)."""
    return dt.date.today()


def dated_today(doc_ids: Iterable[str], date_of: Callable[[str], str | None], on: dt.date | None = None) -> set[str]:
    """The articles among ``doc_ids`` dated ``on`` (default: today) or the day before."""
    day = on or today()
    wanted = {day.isoformat(), (day - dt.timedelta(days=1)).isoformat()}
    return {d for d in doc_ids if (date_of(d) or "")[:10] in wanted}


def today_label(lang: str, on: dt.date | None = None) -> str:
    from .answers.wording import WORDING

    day = on or today()
    return WORDING[lang].today.format(day=day.day, month=day.month, year=day.year, iso=day.isoformat())
