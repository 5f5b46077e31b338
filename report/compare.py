"""Figures across localities side by side: for the articles a document code, subject, place or topic
selects (``timeline.scope_of``), one row per locality (or year) and one column per kind of figure, each
cell a number as printed with the citation of the sentence that prints it.

Which figures a row may hold: ``compare_rules`` (the article must be about the row's locality, and the
sentence about no other place). Where several figures fill one cell, the one in a clause naming the compared document wins, then the
latest article, then the first printed. A cell no article states stays empty: nothing is summed or guessed.
Columns group counted nouns by meaning (``compare_columns``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from index.text.admin2025 import now_of
from index.text.figures import Figure, noun_key
from index.text.refs import parse_ref

from .compare_columns import Column, group
from .compare_rules import figures_of

if TYPE_CHECKING:
    from index.api import Index
    from index.records import Locality

__all__ = ["Cell", "Row", "Quote", "Comparison", "compare", "to_table", "BY", "WORDS"]

By = Literal["locality", "year"]
BY: tuple[By, ...] = ("locality", "year")
WORDS = {
    "vi": {"heading": "So sánh số liệu: {label} — {rows} dòng, {columns} loại số liệu", "now": "nay thuộc",
           "undated": "không rõ ngày", "no_figures": "(bài viết không nêu số liệu nào)",
           "left_out": "{n} bài không rõ địa phương hoặc ngày, không có dòng: {ids}", "row": "Địa phương",
           "year": "Năm", "date": "Ngày", "now_col": "Nay thuộc", "quote": "Câu trích", "title": "Bài viết",
           "source": "Nguồn"},
    "en": {"heading": "Figures compared: {label} — {rows} rows, {columns} kinds of figure", "now": "now in",
           "undated": "date unknown", "no_figures": "(the article states no figure)",
           "left_out": "{n} articles without a known locality or date, so without a row: {ids}", "row": "Locality",
           "year": "Year", "date": "Date", "now_col": "Now in", "quote": "Quoted sentence", "title": "Article",
           "source": "Source"},
}
@dataclass(frozen=True)
class Quote:
    """A cited sentence: the ``[n]`` a cell points at."""

    n: int
    doc_id: str
    passage_id: str
    title: str
    text: str  # the sentence, verbatim
    url: str | None
    date: str | None  # the event's date, else the publication date
    start: int  # the sentence's span in the article
    end: int

    def to_contract(self) -> dict:
        return {"n": self.n, "doc_id": self.doc_id, "passage_id": self.passage_id, "title": self.title,
                "text": self.text, "url": self.url, "date": self.date}


@dataclass(frozen=True)
class Cell:
    value: str  # as printed: "9.720", "hơn 21.000", "8/8"
    n: int
    doc_id: str
    passage_id: str
    noun: str = ""  # the noun as this sentence prints it
    of: str | None = None  # the total it is part of, as printed ("10.272" of "39.427")

    @property
    def shown(self) -> str:
        return f"{self.value} / {self.of}" if self.of else self.value

    def to_contract(self) -> dict:
        out = {"value": self.value, "n": self.n, "doc_id": self.doc_id, "passage_id": self.passage_id,
               "noun": self.noun}
        return {**out, "of": self.of} if self.of else out


@dataclass(frozen=True)
class Row:
    label: str  # "Quận Tây Hồ", or "2020" (· locality when several) by year
    locality: str  # "Quận Tây Hồ"
    date: str | None  # the event date of the row's latest article
    locality_2025: str  # where the locality lies since 1 July 2025, when that changed, else ""
    cells: tuple[tuple[str, Cell], ...]  # (column key, cell), in column order
    doc_ids: tuple[str, ...] = ()
    level: str = ""

    def cell(self, key: str) -> Cell | None:
        return dict(self.cells).get(key)

    def to_contract(self) -> dict:
        return {"label": self.label, "locality": self.locality, "date": self.date,
                "cells": {k: c.to_contract() for k, c in self.cells}, "locality_2025": self.locality_2025,
                "level": self.level, "doc_ids": list(self.doc_ids)}


@dataclass(frozen=True)
class Comparison:
    query: str
    scope: str  # document | locality | search | none
    label: str  # what is compared: "290-QĐ/TW", the topic
    by: By
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    citations: tuple[Quote, ...]
    left_out: tuple[str, ...] = ()  # articles in scope with no row: no locality (or, by year, no date)

    def to_contract(self) -> dict:
        return {"columns": [{"key": c.key, "label": c.label} for c in self.columns],
                "rows": [r.to_contract() for r in self.rows], "citations": [q.to_contract() for q in self.citations],
                "query": self.query, "scope": self.scope, "label": self.label, "by": self.by,
                "left_out": list(self.left_out)}

    def render_text(self, lang: str = "vi") -> str:
        W = WORDS.get(lang, WORDS["vi"])
        lines = [W["heading"].format(label=self.label, rows=len(self.rows), columns=len(self.columns))]
        for r in self.rows:
            now = f" ({W['now']} {r.locality_2025})" if r.locality_2025 else ""
            lines.append(f"{r.label}{now} — {r.date or W['undated']}")
            for col in self.columns:
                c = r.cell(col.key)
                if c is not None:
                    lines.append(f"    {col.label}: {c.shown} [{c.n}]")
            if not r.cells:
                lines.append(f"    {W['no_figures']}")
        if self.left_out:
            lines.append(W["left_out"].format(n=len(self.left_out), ids=", ".join(self.left_out)))
        lines.append("")
        lines += [f"[{q.n}] {q.text} — {q.title} ({q.passage_id})" for q in self.citations]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Found:
    figure: Figure
    doc_id: str
    row: tuple[str, ...]
    rank: tuple  # lower wins a cell


def _row_key(by: By, place: "Locality", date: str | None) -> tuple[str, ...]:
    return (place.full_name, place.province) if by == "locality" else ((date or "")[:4], place.full_name, place.province)


def _collect(index: "Index", doc_ids, by: By, scope_key: str | None):
    """(figures found, rows' facts by row key, noun key → printed forms, noun pairs one article counts apart,
    articles left without a row)."""
    found: list[_Found] = []
    rows: dict[tuple[str, ...], dict] = {}
    printed: dict[str, Counter] = {}
    apart: set[tuple[str, str]] = set()
    left_out: list[str] = []
    for doc_id in sorted(doc_ids):
        article, entities = index.article(doc_id), index.entities(doc_id)
        place = entities.primary_locality
        date = entities.event_date or (article.date if article else None)
        if article is None or place is None or (by == "year" and not date):
            left_out.append(doc_id)
            continue
        key = _row_key(by, place, date)
        facts = rows.setdefault(key, {"place": place, "dates": [], "docs": []})
        facts["dates"].append(date or "")
        facts["docs"].append(doc_id)
        keys = []
        for f, rank in figures_of(article, entities, scope_key):
            nk = noun_key(f.noun)
            printed.setdefault(nk, Counter())[f.noun] += 1
            keys.append(nk)
            found.append(_Found(f, doc_id, key, (rank, _neg_date(date), f.start)))
        apart.update((a, b) for a in set(keys) for b in set(keys) if a < b)
    return found, rows, printed, apart, tuple(left_out)


def _neg_date(date: str | None) -> str:
    """Sorts later dates first."""
    return "".join(chr(0x7F - ord(c)) for c in (date or "0000"))


def _embedder(index: "Index"):
    return lambda texts: index.encode_sentences(list(texts))


def compare(index: "Index", query: str, by: By = "locality", *, embed=None) -> Comparison:
    """The comparison table of what ``query`` (a document code, subject, place or topic) selects."""
    from .timeline import scope_of

    if by not in BY:
        raise ValueError(f"--by must be one of {', '.join(BY)}, not {by!r}")
    scope, label, doc_ids = scope_of(index, query.strip())
    ref = parse_ref(label) if scope == "document" else None
    found, rows, printed, apart, left_out = _collect(index, doc_ids, by, ref.key if ref else None)
    columns = group(printed, apart, embed if embed is not None else _embedder(index))
    column_of = {nk: c.key for c in columns for nk in c.nouns}
    best: dict[tuple, _Found] = {}
    for x in found:
        slot = (x.row, column_of[noun_key(x.figure.noun)])
        if slot not in best or x.rank < best[slot].rank:
            best[slot] = x
    filled = Counter(col for _, col in best)
    first = {}
    for x in sorted(found, key=lambda x: (x.doc_id, x.figure.start)):
        first.setdefault(column_of[noun_key(x.figure.noun)], len(first))
    columns = sorted((c for c in columns if filled[c.key]), key=lambda c: (-filled[c.key], first[c.key]))
    return replace(_table(index, query, scope, label, by, columns, rows, best), left_out=left_out)


def _table(index, query, scope, label, by, columns, rows, best) -> Comparison:
    quotes: dict[tuple[str, int], Quote] = {}
    out_rows = []
    several = len({(k[-2], k[-1]) for k in rows}) > 1
    for key in sorted(rows, key=lambda k: (_row_order(by, rows[k]), k)):
        facts, cells = rows[key], []
        for col in columns:
            x = best.get((key, col.key))
            if x is None:
                continue
            q = _quote(index, x, quotes)
            f = x.figure
            cells.append((col.key, Cell(value=f.value, n=q.n, doc_id=x.doc_id, passage_id=q.passage_id,
                                        noun=f.noun, of=f.of)))
        place = facts["place"]
        now = now_of(place)
        row_label = place.full_name if by == "locality" else (key[0] + (f" · {place.full_name}" if several else ""))
        out_rows.append(Row(label=row_label, locality=place.full_name, date=max(facts["dates"]) or None,
                            locality_2025=now.text if now and now.changed else "", cells=tuple(cells),
                            doc_ids=tuple(facts["docs"]), level=place.level))
    return Comparison(query=query, scope=scope, label=label, by=by, columns=tuple(columns), rows=tuple(out_rows),
                      citations=tuple(sorted(quotes.values(), key=lambda q: q.n)))


def _row_order(by: By, facts: dict) -> tuple:
    level = {"province": 0, "district": 1, "ward": 2}.get(facts["place"].level, 3)
    return (max(facts["dates"]),) if by == "year" else (level, facts["place"].full_name)


def _quote(index: "Index", x: _Found, quotes: dict) -> Quote:
    """The citation of the sentence printing ``x`` (one number per sentence)."""
    f = x.figure
    slot = (x.doc_id, f.sentence_start)
    if slot not in quotes:
        article, entities = index.article(x.doc_id), index.entities(x.doc_id)
        passages = index.passages(x.doc_id)
        passage = next((p for p in passages if p.start <= f.sentence_start < p.end), passages[0] if passages else None)
        quotes[slot] = Quote(n=len(quotes) + 1, doc_id=x.doc_id,
                             passage_id=passage.passage_id if passage else f"{x.doc_id}#0", title=article.title,
                             text=article.text[f.sentence_start : f.sentence_end].strip(), url=article.url,
                             date=entities.event_date or article.date, start=f.sentence_start, end=f.sentence_end)
    return quotes[slot]


@dataclass(frozen=True)
class _GridRow:
    values: tuple[str, ...]

    def cells(self) -> list[str]:
        return list(self.values)


def to_table(comparison: Comparison, lang: str = "vi"):
    """The comparison as an export table (``report.export``): the grid — row, where it lies now, date, one
    column per kind of figure, each cell "9.720 [3]" — then, after an empty row, one row per citation:
    "[3]", the sentence, the article, its passage and source."""
    from .export import EvidenceTable

    W = WORDS.get(lang, WORDS["vi"])
    head = (W["year"] if comparison.by == "year" else W["row"], W["now_col"], W["date"],
            *(c.label for c in comparison.columns))
    width = len(head)
    rows = [_GridRow((r.label, r.locality_2025, r.date or "",
                      *((f"{c.shown} [{c.n}]" if (c := r.cell(col.key)) else "") for col in comparison.columns)))
            for r in comparison.rows]
    if comparison.citations:
        rows.append(_GridRow(("",) * width))
        for q in comparison.citations:
            cite = (f"[{q.n}]", q.text, q.title, q.passage_id, q.url or q.doc_id, q.date or "")
            rows.append(_GridRow((cite + ("",) * width)[:width]))  # a narrow grid keeps n, sentence, article
    return EvidenceTable(heading=W["heading"].format(label=comparison.label, rows=len(comparison.rows),
                                                     columns=len(comparison.columns)),
                         rows=tuple(rows), columns=head)
