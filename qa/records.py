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

    def to_contract(self) -> dict:
        p = self.hit.passage
        return {"n": self.n, "doc_id": p.doc_id, "passage_id": p.passage_id, "title": self.hit.title,
                "text": p.text, "url": self.hit.url, "date": self.hit.date, "page": p.page,
                **({"sources": list(self.hit.sources)} if self.hit.sources else {})}


@dataclass(frozen=True)
class Item:
    """One element of a list answer, e.g. one locality, with the citations that support it."""

    label: str
    citations: tuple[int, ...]
    level: str | None = None  # province | district | ward, when the item is a locality
    note: str | None = None

    def to_contract(self) -> dict:
        return {"label": self.label, "citations": list(self.citations)}


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
    # The follow-up this answers (``qa.answer(…, previous=…)``): what it kept from the previous question and
    # what it changed. The CLI and REST print it beside the answer (``follow_up`` of the contract).
    follow_up: object | None = None  # a qa.question.followup.FollowUp (not imported: that reads this)

    def to_contract(self, id: str | None = None) -> dict:
        out: dict = {}
        if id is not None:
            out["id"] = id
        out.update({
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_contract() for c in self.citations],
            "items": [i.to_contract() for i in self.items],
            "confidence": round(self._confidence(), 4),
            "candidates": [{"text": text, "n": n} for text, n in self.candidates],
        })
        return out

    def _confidence(self) -> float:
        if self.confidence is not None:
            return float(self.confidence)
        return 0.0 if self.abstained else 1.0

    def render_text(self) -> str:
        lines = [self.text, ""]
        for c in self.citations:
            when = f", {c.hit.date}" if c.hit.date else ""
            lines.append(f"[{c.n}] {c.hit.title}{when} — {c.hit.passage.passage_id}")
            lines.append(f"    “{c.quote}”")
        if self.abstained and self.related:
            from .answers.wording import WORDING

            lines.append(WORDING[self.language].related)
            for hit in self.related:
                lines.append(f"  - {hit.title} ({hit.passage.passage_id}): {hit.passage.text[:160]}…")
        return "\n".join(lines).rstrip()
