"""A year or month the question pins ("năm 2023", "tháng 6/2024"): the article's dates or the passage
must put it there, and what meets it must not be a far weaker other article (``off_topic``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..constraints import time_holds
from .base import Asked, Unmet, only_passages

# A time constraint met only by another article scoring under this share of the best (fused) passage's
# score: found by one retriever alone, or far down both (docs/questions.md, fc06/fc11).
OFF_TOPIC = 0.6


@dataclass(frozen=True)
class Time:
    def __call__(self, asked: Asked, found):
        ask = asked.question.time
        if ask is None:
            return found
        timed = frozenset(h.passage.passage_id for h in found.hits if in_time(asked.corpus, h, ask))
        if not timed or off_topic(found.hits, timed):
            return Unmet(ask.label, why="unmet_time")
        return only_passages(found, timed)


def off_topic(hits, timed: frozenset[str]) -> bool:
    """The article that talks about it is of another time, and what is left of the asked time is another
    article that retrieval found far weaker ("how much did Vietnam export in 2016?" where the export
    article is of 2019 and a fraud story mentions 2016): nothing of the asked time answers it."""
    top = hits[0]
    if top.passage.passage_id in timed:
        return False
    kept = [h for h in hits if h.passage.passage_id in timed]
    return all(h.doc_id != top.doc_id for h in kept) and max(h.score for h in kept) < OFF_TOPIC * top.score


def in_time(corpus, hit, ask) -> bool:
    """The passage states the asked time, or its article's stored dates do; an article with no stored date
    (an encyclopaedia's, a news file without one) may state it in another passage, a month by its year."""
    article = corpus.article(hit.doc_id)
    dates = (article.date if article else None, corpus.entities(hit.doc_id).event_date)
    if time_holds(ask, dates, hit.passage.text):
        return True
    if article is None or any(dates):
        return False
    # Undated: the article states the year somewhere (a month may be written out, "tháng Ba năm 1940").
    loose = replace(ask, years=ask.years + tuple(y for y, _ in ask.months), months=())
    return time_holds(loose, (), hit.passage.text) or time_holds(loose, (), article.text)
