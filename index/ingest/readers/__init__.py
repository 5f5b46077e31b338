"""One reader per format family; ``read_document`` picks it by the file's extension.

Text formats (.txt .md .html .jsonl) stay with ``index.ingest.sources``; these readers cover PDF, images,
Word-processor files and the legacy Vietnamese encodings, each returning an ``ExtractedText`` with page
offsets where the format has pages, or raising ``RefusedInput`` with the reason.
"""

from __future__ import annotations

from pathlib import Path

from .base import ExtractedText, Progress, ReadLimits, RefusedInput

DOCUMENT_SUFFIXES = (".pdf", ".docx", ".odt", ".doc", ".rtf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_document(path: str | Path, limits: ReadLimits | None = None, progress: Progress | None = None) -> ExtractedText:
    """Read one document file; raises ``RefusedInput`` (reason without the file name) when it cannot."""
    path = Path(path)
    limits = limits or ReadLimits()
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RefusedInput(f"cannot read file ({exc.strerror or exc})") from None
    if size == 0:
        raise RefusedInput("empty file")
    if size > limits.max_bytes:
        raise RefusedInput(f"file is {size:,} bytes, over the {limits.max_bytes:,}-byte limit; split it")
    if suffix == ".pdf":
        from .pdf import read_pdf

        return read_pdf(path, limits, progress)
    if suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
        from .ocr import read_image

        return read_image(path, limits, progress)
    from . import office

    if suffix == ".docx":
        return office.read_docx(path, limits)
    if suffix == ".odt":
        return office.read_odt(path, limits)
    if suffix == ".doc":
        with path.open("rb") as fh:
            if fh.read(8) != _OLE2:
                raise RefusedInput("not a Word 97–2003 .doc file (no OLE2 header); check the extension")
        return office.read_doc(path, limits)
    if suffix == ".rtf":
        return office.read_rtf(path, limits)
    raise RefusedInput(f"unsupported document type {suffix or '(none)'!r}")


__all__ = ["DOCUMENT_SUFFIXES", "ExtractedText", "Progress", "ReadLimits", "RefusedInput", "read_document"]
