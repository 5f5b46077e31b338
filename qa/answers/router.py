"""The router: reads the question, picks the kind of answer (a list across articles, or one fact), and
falls back to an abstention. Nothing in ``qa.answers`` writes a claim of its own: every answer sentence is
a verbatim quote, or a frame ("Theo bài …:") around one, followed by the marker of its passage.
Forms that need a fact answer's evidence — who chaired/spoke/led (``who``), yes/no (``yesno``), what a
document is about (``subject``) — are routed inside ``fact_answer`` by what ``qa.analyze`` read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from index.records import SearchFilters

from ..analyze import analyze
from ..records import Answer
from ..retrieve import Corpus
from .abstain import abstain
from .documents import asks_for_documents
from .fact import fact_answer
from .finish import finish
from .listing import list_answer

if TYPE_CHECKING:
    from index.api import Index

    from ..analyze import QuestionAnalysis

MAX_QUESTION_CHARS = 2000


def answer(index: "Index", question: str, *, filters: SearchFilters = SearchFilters()) -> Answer:
    question = (question or "").strip()
    # Analysis, retrieval and scoring read at most MAX_QUESTION_CHARS: no real question is longer, and a
    # pasted 100 kB "question" must not hold a worker for minutes. The answer still echoes it whole.
    asked = question[:MAX_QUESTION_CHARS]
    analysis = analyze(asked)
    if not asked or not any(ch.isalnum() for ch in asked):
        result = abstain(asked, analysis.language, ())
    else:
        corpus = Corpus(index)
        listed = list_answer(corpus, asked, analysis, filters) if enumerates(asked, analysis) else None
        result = finish(listed or fact_answer(corpus, asked, analysis, filters), analysis)
    return replace(result, question=question) if asked != question else result


def enumerates(question: str, analysis: "QuestionAnalysis") -> bool:
    """A list across articles needs something to enumerate: the articles on a document, places, or
    documents. "Những gì đã được sản xuất tại công ty của Tesla?" asks about one topic; its answer is one
    sentence (often itself a list), not one item per article that happens to match."""
    if analysis.answer_type != "list":
        return False
    return bool(analysis.refs or analysis.localities or analysis.asks_for_places or asks_for_documents(question))
