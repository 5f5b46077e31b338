"""Page text into article text: running headers/footers and page numbers dropped, visual lines reflowed
into paragraphs, hyphenated line breaks joined, pages joined with their start offsets kept.

The furniture rule is general: a line near the top or bottom of a page whose shape (digits ignored)
repeats on at least half the pages (and on two or more) is a running header or footer; a line that is only
a page number ("3", "- 3 -", "Trang 3", "3/12") is a page number wherever it sits at a page edge.
"""

from __future__ import annotations

import re
import unicodedata
import statistics
from collections import Counter
from collections.abc import Sequence

from .base import ExtractedText
from .vietnamese import loose_glyph_share, rejoin_loose_glyphs

_EDGE = 3  # lines from the top and from the bottom of a page that may be furniture
_PAGE_NUMBER = re.compile(r"^[\s\-–—|.]*(?:(?:trang|page|tr\.)\s*)?\d{1,4}(?:\s*(?:/|of|trên|-)\s*\d{1,4})?[\s\-–—|.]*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;…)\]”\"]$")
_LIST_START = re.compile(r"^(?:[-+•*–—]\s|\(?[0-9a-zđ]{1,2}[).]\s|[IVX]{1,4}\.\s)", re.IGNORECASE)
_HYPHEN_END = re.compile(r"[^\W\d_]-$")


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def drop_furniture(pages: Sequence[str]) -> list[str]:
    """Each page's text without running headers, footers and page numbers."""
    split = [[ln for ln in page.split("\n")] for page in pages]
    counts: Counter[str] = Counter()
    for lines in split:
        edge = _edge_indices(lines)
        counts.update({_shape(lines[i]) for i in edge})
    need = max(2, (len(pages) + 1) // 2)
    out: list[str] = []
    for lines in split:
        edge = _edge_indices(lines)
        drop = {i for i in edge if _PAGE_NUMBER.match(lines[i]) or (len(pages) >= 2 and counts[_shape(lines[i])] >= need)}
        out.append("\n".join(ln for i, ln in enumerate(lines) if i not in drop))
    return out


def _edge_indices(lines: list[str]) -> list[int]:
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    return sorted(set(filled[:_EDGE] + filled[-_EDGE:]))


def reflow(page: str) -> str:
    """Visual lines → paragraphs (one per line). A line ends its paragraph when it ends a sentence and is
    clearly shorter than the page's usual line, when it is followed by a blank line, or when the next line
    starts a list item; a hyphen at a line end between letters joins the two halves of a word."""
    lines = [" ".join(ln.split()) for ln in page.split("\n")]
    widths = [len(ln) for ln in lines if len(ln) > 20]
    usual = statistics.median(widths) if widths else 60
    paras: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        if not line:
            if current:
                paras.append(current)
                current = ""
            continue
        if current:
            if _HYPHEN_END.search(current) and line[:1].islower():
                current = current[:-1] + line
            else:
                current += " " + line
        else:
            current = line
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # The last line of a paragraph is the one that stops short of the usual width.
        ends = bool(_SENTENCE_END.search(line)) and len(line) < 0.9 * usual
        if ends or len(line) < 0.75 * usual or (nxt and _LIST_START.match(nxt)):
            paras.append(current)
            current = ""
    if current:
        paras.append(current)
    return "\n".join(paras)


def assemble(pages: Sequence[str], **extra) -> ExtractedText:
    """Clean each page and join them; ``page_starts`` are where each page's text begins. A paragraph cut by
    a page break (no sentence end) is continued with a space, and the next page starts after it."""
    # Line and paragraph separators become line breaks here, as display_text would make them later:
    # the cleaner maps pages through line numbers, which must not shift.
    cleaned = drop_furniture([unicodedata.normalize("NFC", p).replace("\u2028", "\n").replace("\u2029", "\n") for p in pages])
    if loose_glyph_share("\n".join(cleaned)) > 0.05:
        cleaned = ["\n".join(rejoin_loose_glyphs(ln) for ln in page.split("\n")) for page in cleaned]
    flowed = [reflow(page).strip() for page in cleaned]
    text = ""
    starts: list[int] = []
    for page in flowed:
        if text and page:
            if _HYPHEN_END.search(text) and page[:1].islower():
                text = text[:-1]
            elif not _SENTENCE_END.search(text) and page[:1].islower():
                text += " "
            else:
                text += "\n\n"
        starts.append(len(text))
        text += page
    return ExtractedText(text=text, page_starts=tuple(starts), **extra)
