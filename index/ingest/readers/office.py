"""Word-processor files: .docx (python-docx), .odt (odfpy), legacy .doc (antiword, else catdoc) and .rtf
(striprtf, measured against Debian's unrtf: see ``read_rtf``).

.docx and .odt are zip files: the members' declared sizes are summed and their compression ratios checked
before anything is inflated, so a zip bomb is refused unread (Python's zipfile never inflates a member past
its declared size). Text set in a .VnTime (TCVN3) or VNI font comes out in that font's code points and is
converted like a legacy text file. Tables are read row by row, cells separated by " | ".
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

from .base import ExtractedText, ReadLimits, RefusedInput, run_tool
from .legacy_encodings import convert_text


def check_zip(path: Path, limits: ReadLimits) -> None:
    """Refuse a damaged zip, or one whose members would inflate past the limits."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise RefusedInput(f"not a readable {path.suffix} file (damaged zip: {exc})") from None
    total = sum(m.file_size for m in members)
    if total > limits.max_uncompressed_bytes:
        raise RefusedInput(
            f"it would inflate to {total:,} bytes, over the {limits.max_uncompressed_bytes:,}-byte limit (a zip bomb?)"
        )
    for m in members:
        if m.file_size > 1_000_000 and m.file_size > limits.max_compression_ratio * max(m.compress_size, 1):
            raise RefusedInput(
                f"member {m.filename} is compressed {m.file_size / max(m.compress_size, 1):.0f}:1 (a zip bomb?); refused unread"
            )


def _finish(paragraphs: list[str], title: str | None, limits: ReadLimits) -> ExtractedText:
    text = "\n".join(p for p in (" ".join(p.split()) for p in paragraphs) if p)
    if not text.strip():
        raise RefusedInput("the document has no text")
    text, converted_from = convert_text(text, min_confidence=limits.legacy_min_confidence)
    if converted_from and title:
        from .legacy_encodings import decode

        title = decode(title, converted_from)
    return ExtractedText(text=text, title=" ".join(title.split()) if title else None, converted_from=converted_from)


def read_docx(path: Path, limits: ReadLimits) -> ExtractedText:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    check_zip(path, limits)
    try:
        doc = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise RefusedInput(f"not a readable .docx ({exc})") from None
    out: list[str] = []
    title = (doc.core_properties.title or "").strip() or None
    heading = None
    fonts: set[str] = set()
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            out.extend(_table_rows(block))
            continue
        text = _paragraph_text(block, fonts)
        style = (block.style.name if block.style is not None else "") or ""
        if heading is None and text.strip() and (style.startswith("Heading") or style == "Title"):
            heading = text
        out.append(text)
    got = _finish(out, heading or title, limits)
    if fonts and got.converted_from is None:
        return replace(got, converted_from="+".join(sorted(fonts)))
    return got


def _legacy_font(name: str | None) -> str | None:
    """The encoding a font name implies: the ABC/.Vn fonts are TCVN3, the VNI- fonts VNI."""
    if not name:
        return None
    if name.startswith(".Vn"):
        return "tcvn3"
    if name.upper().startswith("VNI-") or name.upper().startswith("VNI "):
        return "vni"
    return None


def _paragraph_text(paragraph, fonts: set[str]) -> str:
    """The paragraph's text with runs set in a legacy font decoded run by run (a document often mixes a
    Unicode heading with a .VnTime body, which whole-text detection would leave half converted). A run in
    a capitals font (.VnTimeH, .VnArialH) is upper-cased: that is how those fonts draw every letter."""
    from .legacy_encodings import decode

    style_font = paragraph.style.font.name if paragraph.style is not None else None
    runs = list(paragraph.runs)
    if not any(_legacy_font(r.font.name or style_font) for r in runs):
        return paragraph.text
    parts = []
    for run in runs:
        font = run.font.name or style_font
        encoding = _legacy_font(font)
        if encoding is None:
            parts.append(run.text)
            continue
        fonts.add(encoding)
        text = decode(run.text, encoding)  # type: ignore[arg-type]
        parts.append(text.upper() if font and font.endswith("H") else text)
    return "".join(parts)


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            value = " ".join(cell.text.split())
            if value and (not cells or cells[-1] != value):  # a merged cell repeats across the span
                cells.append(value)
        if cells:
            rows.append(" | ".join(cells))
    return rows


def read_odt(path: Path, limits: ReadLimits) -> ExtractedText:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    check_zip(path, limits)
    try:
        doc = load(str(path))
    except Exception as exc:  # noqa: BLE001 - odfpy raises KeyError, XML errors, zip errors alike
        raise RefusedInput(f"not a readable .odt ({type(exc).__name__}: {exc})") from None
    out: list[str] = []
    heading = None

    def walk(node) -> None:
        nonlocal heading
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            if child.qname == (TEXTNS, "h") or child.qname == (TEXTNS, "p"):
                text = teletype.extractText(child)
                if child.qname == (TEXTNS, "h") and heading is None and text.strip():
                    heading = text
                out.append(text)
            else:
                walk(child)

    walk(doc.text)
    return _finish(out, heading, limits)


def read_doc(path: Path, limits: ReadLimits) -> ExtractedText:
    """Word 97–2003 through antiword (UTF-8 out); catdoc when antiword refuses the file (e.g. Word 6)."""
    try:
        raw = run_tool(["antiword", "-w", "0", "-m", "UTF-8.txt", str(path)], timeout=limits.tool_timeout_s,
                       what="reading .doc", package="antiword")
    except RefusedInput as first:
        try:
            raw = run_tool(["catdoc", "-w", "-d", "utf-8", str(path)], timeout=limits.tool_timeout_s,
                           what="reading .doc", package="catdoc")
        except RefusedInput as second:
            raise RefusedInput(f"{first}; catdoc: {second}") from None
    text = raw.decode("utf-8", "replace").replace("\f", "\n")
    return _finish(text.split("\n"), None, limits)


def read_rtf(path: Path, limits: ReadLimits) -> ExtractedText:
    """RTF through striprtf: it decodes Word's \\uN escapes (CER 0.000 on the seed articles), where
    Debian's unrtf --text prints '?' for every Vietnamese letter (CER 0.23)."""
    from striprtf.striprtf import rtf_to_text

    size = path.stat().st_size
    if size > limits.max_bytes:
        raise RefusedInput(f"file is {size:,} bytes, over the {limits.max_bytes:,}-byte limit; split it")
    raw = path.read_bytes()
    if not raw.lstrip().startswith(b"{\\rtf"):
        raise RefusedInput("not an RTF file (it does not start with {\\rtf); check the extension")
    try:
        text = rtf_to_text(raw.decode("cp1252", "replace"), errors="replace")
    except (ValueError, IndexError, RecursionError) as exc:
        raise RefusedInput(f"not a readable RTF ({type(exc).__name__}: {exc})") from None
    return _finish(text.split("\n"), None, limits)
