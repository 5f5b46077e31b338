"""PDF through pypdfium2 (PDFium): its text layer where a page has one, OCR where it does not.

Chosen by measurement on the seed articles (README, "Formats"): on PDFs made by fpdf2 and printed by
Chromium (one and two columns, composed and decomposed Vietnamese) PDFium, pypdf, pdfminer.six and
``pdftotext -raw`` all read the text with a character error rate under 0.01, while pdfplumber, pypdf's
layout mode and plain ``pdftotext`` read two-column pages across the columns (CER 0.72–0.74). PDFium was
the fastest of the good ones (20–110 ms for 3 pages against 120–2,100 ms), reads page by page, and also
renders the pages that need OCR.
"""

from __future__ import annotations

from pathlib import Path

from .base import ExtractedText, Progress, ReadLimits, RefusedInput
from .layout import assemble
from .legacy_encodings import convert_text


def read_pdf(path: Path, limits: ReadLimits, progress: Progress | None = None) -> ExtractedText:
    import pypdfium2 as pdfium

    size = path.stat().st_size
    if size > limits.max_bytes:
        raise RefusedInput(f"file is {size:,} bytes, over the {limits.max_bytes:,}-byte limit; split it")
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise RefusedInput("encrypted PDF (it needs a password); save an unprotected copy and ingest that") from None
        raise RefusedInput(f"not a readable PDF ({exc}); it may be damaged or truncated") from None
    try:
        return _read(doc, path, limits, progress)
    finally:
        doc.close()


def _read(doc, path: Path, limits: ReadLimits, progress: Progress | None) -> ExtractedText:
    n = len(doc)
    if n == 0:
        raise RefusedInput("the PDF has no pages")
    if n > limits.max_pages:
        raise RefusedInput(f"{n} pages, over the {limits.max_pages}-page limit; split the PDF")
    texts: list[str] = []
    confs: list[float | None] = []
    scanned: list[int] = []
    layers: list[tuple[list[str], list[float | None]] | None] = []
    for i in range(n):
        page = doc[i]
        textpage = page.get_textpage()
        lines, ys = _page_lines(textpage)
        textpage.close()
        if sum(c.isalpha() for c in "".join(lines)) < limits.min_text_layer_letters:
            scanned.append(i)
            text, conf = _ocr_page(page, limits)
            if progress:
                progress(f"{path.name}: OCR page {i + 1}/{n}, confidence {conf:.0f}")
            confs.append(conf)
            texts.append(text)
            layers.append(None)
        else:
            confs.append(None)
            texts.append("")
            layers.append((lines, ys))
        page.close()
    # The usual line pitch of the whole document (its lower quartile of steps down): a page of one-line
    # paragraphs alone would take its paragraph gap for the pitch.
    steps = sorted(s for layer in layers if layer for s in _steps(layer[1]))
    pitch = steps[len(steps) // 4] if len(steps) >= 3 else None
    texts = [t if layer is None else _with_paragraph_gaps(*layer, pitch) for t, layer in zip(texts, layers)]
    if not any(t.strip() for t in texts):
        raise RefusedInput("no text found in the PDF, not even by OCR")
    joined = "\n".join(texts)
    warnings: list[str] = []
    converted_from = None
    if any(c is None for c in confs):
        # A text layer in a .VnTime or VNI font comes out in that font's code points.
        _, converted_from = convert_text(joined, min_confidence=limits.legacy_min_confidence)
        if converted_from:
            from .legacy_encodings import decode

            texts = [decode(t, converted_from) if c is None else t for t, c in zip(texts, confs)]
    if scanned:
        warnings.append(f"{len(scanned)} of {n} pages read by OCR")
    return assemble(texts, title=_metadata_title(doc), converted_from=converted_from,
                    ocr_confidence=tuple(confs) if scanned else (), warnings=tuple(warnings))


def _page_lines(textpage) -> tuple[list[str], list[float | None]]:
    """The page's visual lines and where each sits (the bottom of its first character's font box; None
    for an empty line): the bottom, as accented capitals reach higher than other letters."""
    raw = textpage.get_text_range()
    lines: list[str] = []
    ys: list[float | None] = []
    pos = 0
    for part in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = part.lstrip()
        top = None
        if stripped:
            # Text offsets are character indices: PDFium counts the line breaks it generates as characters.
            top = textpage.get_charbox(pos + len(part) - len(stripped), loose=True)[1]
        lines.append(part)
        ys.append(top)
        pos += len(part) + (2 if raw[pos + len(part):pos + len(part) + 2] == "\r\n" else 1)
    return lines, ys


def _steps(ys: list[float | None]) -> list[float]:
    return [a - b for a, b in zip(ys, ys[1:]) if a is not None and b is not None and a - b > 0]


def _with_paragraph_gaps(lines: list[str], ys: list[float | None], pitch: float | None) -> str:
    """Lines joined, with a blank line where the step down to the next line is well over the document's
    usual line pitch: the text layer has no paragraph marks, but the layout shows them."""
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        nxt = ys[i + 1] if i + 1 < len(ys) else None
        if pitch and ys[i] is not None and nxt is not None and ys[i] - nxt > 1.3 * pitch:
            out.append("")
    return "\n".join(out)


def _ocr_page(page, limits: ReadLimits) -> tuple[str, float]:
    from .ocr import check_tesseract, ocr_image

    check_tesseract(limits.ocr_language)
    bitmap = page.render(scale=limits.ocr_dpi / 72, grayscale=True)
    image = bitmap.to_pil()
    return ocr_image(image, limits)


def _metadata_title(doc) -> str | None:
    try:
        title = (doc.get_metadata_dict().get("Title") or "").strip()
    except Exception:  # noqa: BLE001 - broken metadata must not refuse a readable PDF
        return None
    # Producers fill Title with file names ("Microsoft Word - bc.doc"); only a real phrase is a title.
    if len(title.split()) < 3 or title.lower().startswith("microsoft word") or title.lower().endswith((".doc", ".docx", ".pdf")):
        return None
    return title
