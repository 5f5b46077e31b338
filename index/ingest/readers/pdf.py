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
    for i in range(n):
        page = doc[i]
        textpage = page.get_textpage()
        text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
        textpage.close()
        if sum(c.isalpha() for c in text) < limits.min_text_layer_letters:
            scanned.append(i)
            text, conf = _ocr_page(page, limits)
            if progress:
                progress(f"{path.name}: OCR page {i + 1}/{n}, confidence {conf:.0f}")
            confs.append(conf)
        else:
            confs.append(None)
        page.close()
        texts.append(text)
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
