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
                "text": p.text, "url": self.hit.url, "date": self.hit.date, "page": p.page}


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
        })
        return out

    def render_text(self) -> str:
        lines = [self.text, ""]
        for c in self.citations:
            when = f", {c.hit.date}" if c.hit.date else ""
            lines.append(f"[{c.n}] {c.hit.title}{when} — {c.hit.passage.passage_id}")
            lines.append(f"    “{c.quote}”")
        if self.abstained and self.related:
            lines.append("Related passages:" if self.language == "en" else "Đoạn văn liên quan:")
            for hit in self.related:
                lines.append(f"  - {hit.title} ({hit.passage.passage_id}): {hit.passage.text[:160]}…")
        return "\n".join(lines).rstrip()
