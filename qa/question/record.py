"""The question, read once: every field downstream code needs, so nothing after ``read`` applies a
pattern to the raw text.

``Question`` extends ``qa.analyze.QuestionAnalysis`` (form, language, documents, places with the 2025
wards, time, persons, office, role, keywords …) with what the answer paths used to re-read for
themselves: "today", the organisations, whether it asks which documents or what a document is, the
counted noun, and the follow-up it continues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Literal

from ..analyze import QuestionAnalysis, analyze
from .counted import counted_noun
from .documents import asks_for_documents, asks_what_document_is
from .names import asked_names
from .organisations import asked_organisations
from .today import asks_about_today

if TYPE_CHECKING:
    from index.records import Locality

    from .followup import FollowUp
    from ..organisations import Organisation

Form = Literal["list", "count", "date", "person", "description"]


@dataclass(frozen=True)
class Question(QuestionAnalysis):
    asks_today: bool = False  # "hôm nay", "today": only today's articles may answer (qa.checks.today)
    organisations: tuple["Organisation", ...] = ()  # "Hội Chữ thập đỏ", "MTTQ": an article must name them
    asks_documents: bool = False  # "những văn bản nào", "which resolutions": one item per document
    asks_what_it_is: bool = False  # "Quyết định 290 là gì?", "who issued …": answered from its card
    counted: str | None = None  # "bao nhiêu hội viên" → "hội viên"
    names: tuple[str, ...] = ()  # "Istanbul", "T -72": the quoted article must mention them (qa.checks.names)
    follow_up: "FollowUp | None" = None  # what it continues: the typed follow-up, resolved into this question

    @property
    def text(self) -> str:
        return self.question

    @property
    def form(self) -> Form:
        return self.answer_type

    @property
    def new_ward(self) -> "tuple[str, tuple[Locality, ...]] | None":
        """The first ward created on 1 July 2025 that the question names, with the old wards merged into it."""
        return self.new_wards[0] if self.new_wards else None

    def without(self, name: str) -> str:
        """The text with ``name`` taken out (any case): the question read again without a place."""
        return re.sub(re.escape(name), " ", self.question, flags=re.IGNORECASE).strip() or self.question


def read(text: str, follow_up: "FollowUp | None" = None) -> Question:
    """The question as every answer path reads it (``follow_up``: the follow-up ``text`` resolves)."""
    analysis = analyze(text)
    return Question(**{f.name: getattr(analysis, f.name) for f in fields(QuestionAnalysis)},
                    asks_today=asks_about_today(text), organisations=asked_organisations(text),
                    asks_documents=asks_for_documents(text), asks_what_it_is=asks_what_document_is(text),
                    counted=counted_noun(text), names=_names(analysis), follow_up=follow_up)


def _names(analysis: QuestionAnalysis) -> tuple[str, ...]:
    """The names of a Vietnamese question outside the places and documents ``analyze`` read."""
    if analysis.language != "vi":
        return ()
    read = [(r.start, r.end) for r in analysis.refs] + [(loc.start, loc.end) for loc in analysis.localities]
    return asked_names(analysis.question, read)
