"""A ward created on 1 July 2025 ("Phường Thanh Khê"), which no pre-2025 article names: the answer comes
from the articles about the old wards merged into it, and says which they were."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from index.records import SearchFilters
from index.text.refs import fold

from ..records import Answer
from .wording import WORDING

if TYPE_CHECKING:
    from ..question import Question
    from ..retrieve import Corpus


def new_ward_answer(corpus: "Corpus", question: "Question", answer_text: Callable[[str, SearchFilters], Answer]) -> Answer | None:
    """``answer_text`` (the question path) within the articles about the old units merged into the ward,
    with a first line naming those the cited articles are about; None when the question names no such ward."""
    from index.text.admin2025 import label

    if question.new_ward is None:
        return None
    name, olds = question.new_ward
    # The filter carries the place: the pre-2025 gazetteer misreads a new name ("Phường Thanh Khê" as
    # "Phường Thanh" in Quảng Trị), and the answer would then insist on that wrong place, so the question
    # is read again without it.
    without = question.without(name)
    result = answer_text(without, SearchFilters(localities=(name,)))
    if without != question.text:
        result = replace(result, question=question.text)
    keys = {fold(o.name) for o in olds}
    named = []
    for doc_id in sorted({c.hit.doc_id for c in result.citations}):
        place = corpus.entities(doc_id).primary_locality
        if place is not None and fold(place.name) in keys:
            named.append(label(place))
    if not named:
        return result
    lead = WORDING[result.language].new_ward.format(name=name, olds="; ".join(dict.fromkeys(named)))
    return replace(result, text=f"{lead}\n{result.text}")
