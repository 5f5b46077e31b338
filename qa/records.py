"""Answer records. Every sentence of ``Answer.text`` carries a ``[n]`` marker that resolves to a
``Citation``, whose ``quote`` span is the verbatim evidence inside the cited passage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from index.records import Hit

Language = Literal["vi", "en"]


@dataclass(frozen=True)
class Citation:
    n: int
    hit: Hit
    quote_start: int  # span of the quoted sentence inside hit.passage.text
    quote_end: int

    @property
    def quote(self) -> str:
        return self.hit.passage.text[self.quote_start : self.quote_end]


@dataclass(frozen=True)
class Item:
    """One element of a list answer, e.g. one locality, with the citations that support it."""

    label: str
    citations: tuple[int, ...]
    level: str | None = None  # province | district | ward, when the item is a locality
    note: str | None = None


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    language: Language
    kind: Literal["fact", "list", "none"]
    citations: tuple[Citation, ...] = ()
    items: tuple[Item, ...] = ()
    related: tuple[Hit, ...] = field(default=())  # nearest passages shown when abstaining
    # Calibrated probability that the quoted evidence answers the question (qa.learned): a fact answer's
    # top sentence holds the answer this often on the tune part's questions of the same confidence. List
    # answers, drawn from articles that satisfy every constraint, say 1.0; abstentions 0.0.
    confidence: float | None = None
    # Runner-up quotes shown, with "possibly", when the confidence is below the calibrated threshold:
    # (quote, citation number) each.
    candidates: tuple[tuple[str, int], ...] = ()
    # The answer span cut verbatim from a quoted sentence ("126 chi hội", a date, a name), and the number of
    # the citation it comes from (qa.direct); None for a free-form question or an abstention.
    direct: str | None = None
    direct_citation: int | None = None
    # The follow-up this answers (``qa.answer(…, previous=…)``): what it kept from the previous question and
    # what it changed. The CLI and REST print it beside the answer (``follow_up`` of the contract).
    follow_up: object | None = None  # a qa.question.followup.FollowUp (not imported: that reads this)

    def render_text(self) -> str:
        words = TEXT_WORDS.get(self.language, TEXT_WORDS["vi"])
        lines = [self.text, ""]
        for c in self.citations:
            when = f", {c.hit.date}" if c.hit.date else ""
            lines.append(f"[{c.n}] {c.hit.title}{when} — {c.hit.passage.passage_id}{_page(c.hit, words)}")
            lines.append(f"    “{c.quote}”")
        if self.abstained and self.related:
            from .answers.wording import WORDING  # the one wording table (imported here: it reads records)

            lines.append(WORDING[self.language].related)
            for hit in self.related:
                lines.append(f"  - {hit.title} ({hit.passage.passage_id}{_page(hit, words)}): "
                             f"{hit.passage.text[:160]}…")
        return "\n".join(lines).rstrip()


# The plain-text rendering's own words; a passage of a paged file (PDF) says its page, as the page and the
# exports do.
TEXT_WORDS = {"vi": {"page": "tr. {page}"}, "en": {"page": "p. {page}"}}


def _page(hit: Hit, words: dict) -> str:
    return f", {words['page'].format(page=hit.passage.page)}" if hit.passage.page else ""
