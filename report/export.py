"""Exports: an answer, a list answer, a search result or a timeline as an evidence table — one row per
cited quote: item, quote, article title, locality, date, source (URL, or file and page), citation
number — written as CSV, XLSX, DOCX or Markdown.

Text stays as the articles wrote it (UTF-8; CSV with a byte-order mark so spreadsheet programs read it
as UTF-8). A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as a
formula when a spreadsheet opens the file (CSV injection): in CSV such a cell gets a leading apostrophe,
the usual neutraliser; in XLSX it is stored as a string with Excel's quote-prefix flag, so the text is
kept whole and never evaluated.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Sequence

from index.text.admin2025 import label as now_label

if TYPE_CHECKING:
    from index.api import Index
    from index.records import Hit
    from qa.records import Answer

    from .timeline import Timeline

__all__ = ["EvidenceRow", "EvidenceTable", "FORMATS", "export_format", "from_answer", "from_hits", "from_timeline",
           "to_bytes", "write", "COLUMNS"]

Format = Literal["csv", "xlsx", "docx", "md"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "docx", "md")
COLUMNS = ("item", "quote", "title", "locality", "date", "source", "citation", "passage_id")
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
_MARKER_RE = re.compile(r"\s*\[\d+\]")


@dataclass(frozen=True)
class EvidenceRow:
    item: str
    quote: str
    title: str
    locality: str
    date: str  # the event's date when the article gives it, else the publication date
    source: str  # URL, or the file (and page when known)
    citation: int
    passage_id: str

    def cells(self) -> list[str | int]:
        return [self.item, self.quote, self.title, self.locality, self.date, self.source, self.citation,
                self.passage_id]


@dataclass(frozen=True)
class EvidenceTable:
    heading: str  # the question, query or timeline it comes from
    rows: tuple[EvidenceRow, ...]  # or any rows with ``cells()`` matching ``columns``
    summary: str = ""  # the answer text, when there is one
    columns: tuple[str, ...] = COLUMNS  # a comparison brings its own (report.compare.to_table)


class _Articles:
    """Per-article facts the rows repeat (locality, date, source), read once per article."""

    def __init__(self, index: "Index") -> None:
        self.index = index
        self._seen: dict[str, tuple[str, str, str]] = {}

    def __call__(self, doc_id: str, page: int | None = None) -> tuple[str, str, str]:
        if doc_id not in self._seen:
            article, entities = self.index.article(doc_id), self.index.entities(doc_id)
            place = entities.primary_locality
            locality = now_label(place) if place else ""
            date = entities.event_date or (article.date if article else None) or ""
            # A file is shown by its name: an export leaves the server, its folders stay.
            source = (article.url or _file_name(article.origin)) if article else doc_id
            self._seen[doc_id] = (locality, date, source)
        locality, date, source = self._seen[doc_id]
        return locality, date, f"{source}, trang {page}" if page else source


def _file_name(origin: str) -> str:
    """'/srv/x/uploads/a.jsonl:12' → 'a.jsonl:12'; 'a.txt' stays."""
    return Path(origin.replace("\\", "/")).name if origin else origin


def _sentence_citing(text: str, n: int) -> str:
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        if f"[{n}]" in sentence:
            return _MARKER_RE.sub("", sentence).strip()
    return _MARKER_RE.sub("", text).strip()


def from_answer(index: "Index", answer: "Answer") -> EvidenceTable:
    """A list answer: one row per (item, citation); a fact answer: one row per citation, its item the
    answer sentence that cites it; an abstention: the related passages, marked as not an answer."""
    facts = _Articles(index)
    by_n = {c.n: c for c in answer.citations}
    rows: list[EvidenceRow] = []

    def row(item: str, c) -> EvidenceRow:
        p = c.hit.passage
        return EvidenceRow(item, c.quote, c.hit.title, *facts(p.doc_id, p.page), c.n, p.passage_id)

    if answer.items:
        for item in answer.items:
            rows.extend(row(item.label, by_n[n]) for n in item.citations if n in by_n)
    else:
        rows.extend(row(_sentence_citing(answer.text, c.n), c) for c in answer.citations)
    if answer.abstained and not rows:
        label = "related, not an answer" if answer.language == "en" else "liên quan, không phải câu trả lời"
        for i, hit in enumerate(answer.related, start=1):
            p = hit.passage
            rows.append(EvidenceRow(label, p.text, hit.title, *facts(p.doc_id, p.page), i, p.passage_id))
    return EvidenceTable(heading=answer.question, rows=tuple(rows), summary=answer.text)


def from_hits(index: "Index", query: str, hits: Sequence["Hit"]) -> EvidenceTable:
    """A search result: one row per passage, its rank as the citation number."""
    facts = _Articles(index)
    rows = tuple(
        EvidenceRow(f"#{rank}", h.passage.text, h.title, *facts(h.doc_id, h.passage.page), rank,
                    h.passage.passage_id)
        for rank, h in enumerate(hits, start=1))
    return EvidenceTable(heading=query, rows=rows)


def from_timeline(index: "Index", timeline: "Timeline") -> EvidenceTable:
    """A timeline: one row per event, its item "date — locality: action", its quote the lead sentence."""
    facts = _Articles(index)
    rows = []
    for i, e in enumerate(timeline.events, start=1):
        _, _, source = facts(e.doc_id)
        item = f"{e.locality}: {e.action}" if e.action else e.locality
        where = f"{e.locality} (nay thuộc {e.locality_now})" if e.locality_now else e.locality
        rows.append(EvidenceRow(item, e.sentence, e.title, where, e.date, source, i, e.passage_id))
    return EvidenceTable(heading=timeline.label, rows=tuple(rows))


# ---------------------------------------------------------------- writers


def _neutralise(value):
    """CSV: a leading apostrophe keeps a spreadsheet from reading the cell as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_LEAD):
        return "'" + value
    return value


def _csv(table: EvidenceTable) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.columns)
    for r in table.rows:
        writer.writerow([_neutralise(c) for c in r.cells()])
    return buf.getvalue().encode("utf-8-sig")


def _xlsx(table: EvidenceTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "evidence"
    ws.append(list(table.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in table.rows:
        ws.append([str(c) if isinstance(c, str) else c for c in r.cells()])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                # openpyxl turns a string starting with "=" into a formula: force text, flagged as quoted.
                cell.data_type = "s"
                if cell.value.startswith(_FORMULA_LEAD):
                    cell.quotePrefix = True
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGH", (28, 70, 40, 22, 12, 40, 9, 30)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _docx(table: EvidenceTable) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(table.heading or "tracuu", level=1)
    if table.summary:
        doc.add_paragraph(table.summary)
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, table.columns):
        cell.text = name
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for r in table.rows:
        for cell, value in zip(grid.add_row().cells, r.cells()):
            cell.text = str(value)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _md_cell(value) -> str:
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"\s*\n\s*", " ", text).strip()


def _md(table: EvidenceTable) -> bytes:
    lines = [f"# {_md_cell(table.heading)}", ""]
    if table.summary:
        lines += [table.summary.replace("<", "&lt;").replace(">", "&gt;"), ""]
    lines.append("| " + " | ".join(_md_cell(c) for c in table.columns) + " |")
    lines.append("|" + "---|" * len(table.columns))
    lines += ["| " + " | ".join(_md_cell(c) for c in r.cells()) + " |" for r in table.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


_WRITERS = {"csv": _csv, "xlsx": _xlsx, "docx": _docx, "md": _md}


def export_format(fmt: str | None, out: str | Path | None) -> str | None:
    """The format to write: ``fmt``, else the extension of ``out``; None when nothing is to be written.
    ValueError, saying what to add, when one is given without the other."""
    if out is None:
        if fmt:
            raise ValueError(f"--format {fmt} needs --out FILE")
        return None
    fmt = fmt or Path(out).suffix.lstrip(".").lower()
    if fmt not in _WRITERS:
        raise ValueError(f"say --format csv|xlsx|docx|md for {out}")
    return fmt


def to_bytes(table: EvidenceTable, fmt: str) -> bytes:
    if fmt not in _WRITERS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    return _WRITERS[fmt](table)


def write(table: EvidenceTable, fmt: str, path: str | Path) -> Path:
    path = Path(path)
    data = to_bytes(table, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
