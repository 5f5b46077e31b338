"""The one door: ``answer(index, question, filters=…, previous=…)`` reads the question once
(``qa.question.read``) and picks its path — a follow-up of ``previous``, what a document is (its card),
a ward created in 2025, a list across articles, or one fact — falling back to an abstention. The CLI,
REST, the web app and ``tracuu eval`` all ask through it; the final ``Answer`` is assembled here.

Nothing in ``qa.answers`` writes a claim of its own: every answer sentence is a verbatim quote, or a frame
("Theo bài …:") around one, followed by the marker of its passage. Forms that need a fact answer's
evidence — who chaired/spoke/led (``who``), yes/no (``yesno``), what a document is about (``subject``) —
are routed inside ``fact_answer`` by what the question read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from index.records import SearchFilters

from ..question import read
from ..question.followup import FollowUp, resolve
from ..records import Answer
from ..retrieve import Corpus
from .abstain import abstain
from .card import card_answer
from .fact import fact_answer
from .finish import finish
from .listing import list_answer
from .new_ward import new_ward_answer

if TYPE_CHECKING:
    from index.api import Index

    from ..question import Question

MAX_QUESTION_CHARS = 2000


def answer(index: "Index", question: str, *, filters: SearchFilters = SearchFilters(),
           previous: str | None = None) -> Answer:
    """The answer to ``question`` (a follow-up of ``previous`` when given: ``Answer.follow_up`` says what
    it kept and changed). What a document is, and a ward created in 2025, are answered this way only
    without filters: a filter is the reader's own pin."""
    if previous:
        return _follow_up(index, question, previous, filters)
    asked = read(_bounded(question))
    if not filters:
        corpus = Corpus(index)
        routed = card_answer(corpus, asked) or new_ward_answer(
            corpus, asked, lambda text, pins: answer_question(index, text, filters=pins))
        if routed is not None:
            return routed
    return _answered(index, asked, (question or "").strip(), filters)


def _follow_up(index: "Index", question: str, previous: str, filters: SearchFilters) -> Answer:
    result, follow = answer_follow_up(index, question, previous, filters=filters)
    return replace(result, follow_up=follow)


def _merge(a: SearchFilters, b: SearchFilters) -> SearchFilters:
    return SearchFilters(docs=a.docs or b.docs, localities=a.localities or b.localities, years=a.years or b.years)


def answer_follow_up(index, question: str, previous: str, *,
                     filters: SearchFilters = SearchFilters()) -> "tuple[Answer, FollowUp]":
    """The answer to a follow-up, its text opening with what was kept from the previous question.
    The resolved question's place, document and year filter the articles, unless no article has
    them (then the answer abstains or answers without that filter, as a first question would)."""
    follow = resolve(question, previous)
    wanted = _merge(filters, follow.filters)
    if wanted and not Corpus(index).docs_matching(wanted):
        wanted = filters
    result = answer_question(index, follow.resolved, filters=wanted, follow_up=follow)
    return replace(result, question=question, text=f"{follow.note}\n{result.text}"), follow


def _bounded(question: str) -> str:
    # Analysis, retrieval and scoring read at most MAX_QUESTION_CHARS: no real question is longer, and a
    # pasted 100 kB "question" must not hold a worker for minutes. The answer still echoes it whole.
    return (question or "").strip()[:MAX_QUESTION_CHARS]


def answer_question(index: "Index", question: str, *, filters: SearchFilters = SearchFilters(),
                    follow_up: FollowUp | None = None) -> Answer:
    """A list or fact answer (no card): the path every door ends in (``follow_up``: the follow-up
    ``question`` was resolved from, which the question record keeps)."""
    return _answered(index, read(_bounded(question), follow_up), (question or "").strip(), filters)


def _answered(index: "Index", asked: "Question", whole: str, filters: SearchFilters) -> Answer:
    """The list or fact answer to the question as read; it echoes the question ``whole``."""
    if not asked.text or not any(ch.isalnum() for ch in asked.text):
        result = abstain(asked.text, asked.language, ())
    else:
        corpus = Corpus(index)
        listed = list_answer(corpus, asked, filters) if enumerates(asked) else None
        result = finish(listed or fact_answer(corpus, asked, filters), asked)
    return replace(result, question=whole) if asked.text != whole else result


def enumerates(question: "Question") -> bool:
    """A list across articles needs something to enumerate: the articles on a document, places, or
    documents. "Những gì đã được sản xuất tại công ty của Tesla?" asks about one topic; its answer is one
    sentence (often itself a list), not one item per article that happens to match."""
    if question.answer_type != "list":
        return False
    return bool(question.refs or question.localities or question.asks_for_places or question.asks_documents)
