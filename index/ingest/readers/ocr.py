"""OCR with Tesseract (Debian ``tesseract-ocr`` + ``tesseract-ocr-vie``) through pytesseract, for scanned
PDF pages and images. One Tesseract run per page gives the words, their layout and their confidences."""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

from .base import ExtractedText, Progress, ReadLimits, RefusedInput
from .layout import assemble

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


def check_tesseract(language: str) -> None:
    """Raise ``RefusedInput`` naming the Debian packages when Tesseract or its language model is missing."""
    if shutil.which("tesseract") is None:
        raise RefusedInput("OCR needs Tesseract, which is not installed; `apt-get install tesseract-ocr tesseract-ocr-vie` (or `make test`)")
    if language not in _languages():
        raise RefusedInput(f"Tesseract has no '{language}' model; `apt-get install tesseract-ocr-{language}`")


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    import pytesseract

    return frozenset(pytesseract.get_languages(config=""))


def ocr_image(image, limits: ReadLimits) -> tuple[str, float]:
    """Text (one line per Tesseract line, a blank line between its paragraphs) and the mean confidence
    (0–100) of its words; an empty page gives ("", 0.0)."""
    import pytesseract

    try:
        data = pytesseract.image_to_data(
            image, lang=limits.ocr_language, output_type=pytesseract.Output.DICT, timeout=limits.ocr_page_timeout_s,
            config="--psm 3",
        )
    except RuntimeError as exc:  # pytesseract's timeout
        raise RefusedInput(f"OCR of a page took over {limits.ocr_page_timeout_s:.0f} s ({exc})") from None
    lines: dict[tuple[int, int, int], list[str]] = {}
    confs: list[float] = []
    for i, word in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if conf < 0 or not word.strip():
            continue
        confs.append(conf)
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
    out: list[str] = []
    prev_par = None
    for key in sorted(lines):
        par = key[:2]
        if prev_par is not None and par != prev_par:
            out.append("")
        out.append(" ".join(lines[key]))
        prev_par = par
    return "\n".join(out), (sum(confs) / len(confs) if confs else 0.0)


def read_image(path: Path, limits: ReadLimits, progress: Progress | None = None) -> ExtractedText:
    """An image file (every frame of a multi-page TIFF is a page) through OCR."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    check_tesseract(limits.ocr_language)
    texts: list[str] = []
    confs: list[float | None] = []
    try:
        with Image.open(path) as img:
            count = getattr(img, "n_frames", 1)
            if count > limits.max_pages:
                raise RefusedInput(f"{count} pages, over the {limits.max_pages}-page limit; split the file")
            for n in range(count):  # one frame in memory at a time (a TIFF may hold hundreds)
                img.seek(n)
                # A phone photo says in its EXIF which way is up; Tesseract reads upright text only.
                frame = ImageOps.exif_transpose(img).convert("RGB")
                text, conf = ocr_image(frame, limits)
                if progress:
                    progress(f"{path.name}: OCR page {n + 1}/{count}, confidence {conf:.0f}")
                texts.append(text)
                confs.append(conf)
    except Image.DecompressionBombError as exc:
        raise RefusedInput(f"image too large to decode safely ({exc})") from None
    except (UnidentifiedImageError, OSError, SyntaxError, EOFError) as exc:
        raise RefusedInput(f"not a readable image ({exc})") from None
    if not any(t.strip() for t in texts):
        raise RefusedInput("OCR found no text in the image")
    return assemble(texts, ocr_confidence=tuple(confs))
