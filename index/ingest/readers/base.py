"""What every reader returns, what it raises, and the limits it enforces.

A reader turns one file into an ``ExtractedText``: the text with its page (or paragraph-block) boundaries
kept as offsets, so that after cleaning and chunking a passage can still say which page it came from.
A file that cannot be read is a ``RefusedInput`` whose message is the reason a person is shown; the caller
adds the file name. Readers never print: progress goes through an optional callback.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# Called with one line per unit of slow work (an OCRed page); the CLI writes it to stderr.
Progress = Callable[[str], None]


class RefusedInput(ValueError):
    """A file that is not read; the message says why and what to do (without the file name)."""


@dataclass(frozen=True)
class ReadLimits:
    """Per-file limits. Defaults suit reports; ``index.settings.Settings`` carries the ones in use."""

    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 2000
    # A .docx/.odt is a zip: the sum of its members' declared sizes is checked before anything is inflated.
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: float = 200.0
    ocr_language: str = "vie"
    ocr_dpi: int = 300
    ocr_page_timeout_s: float = 120.0
    tool_timeout_s: float = 60.0
    # Below this share of valid Vietnamese syllables a legacy-encoded text is refused, not guessed.
    legacy_min_confidence: float = 0.9
    # A PDF page with fewer letters than this in its text layer is treated as scanned (OCR).
    min_text_layer_letters: int = 40

    @classmethod
    def from_settings(cls, settings) -> "ReadLimits":
        """The limits ``index.settings.Settings`` carries."""
        return cls(
            max_bytes=settings.max_file_bytes, max_pages=settings.max_document_pages,
            max_uncompressed_bytes=settings.max_uncompressed_bytes, ocr_language=settings.ocr_language,
            ocr_dpi=settings.ocr_dpi, ocr_page_timeout_s=2 * settings.tool_timeout_s,
            tool_timeout_s=settings.tool_timeout_s, legacy_min_confidence=settings.legacy_min_confidence,
        )


@dataclass(frozen=True)
class ExtractedText:
    """Text of one document. ``page_starts[i]`` is the offset in ``text`` where page ``i + 1`` begins
    (empty when the format has no pages); ``ocr_confidence[i]`` is Tesseract's mean word confidence
    (0–100) for page ``i + 1``, or None where the page had a text layer."""

    text: str
    page_starts: tuple[int, ...] = ()
    title: str | None = None
    converted_from: str | None = None  # "tcvn3", "vni" or "viqr" when the text was legacy-encoded
    ocr_confidence: tuple[float | None, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding ``text[offset]``; None for unpaged text."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    @property
    def ocr_pages(self) -> int:
        return sum(1 for c in self.ocr_confidence if c is not None)


def join_pages(pages: Sequence[str], **extra) -> ExtractedText:
    """One text from per-page texts, a blank line between pages, with each page's start offset."""
    starts: list[int] = []
    parts: list[str] = []
    pos = 0
    for i, page in enumerate(pages):
        if i:
            parts.append("\n\n")
            pos += 2
        starts.append(pos)
        parts.append(page)
        pos += len(page)
    return ExtractedText(text="".join(parts), page_starts=tuple(starts), **extra)


def run_tool(argv: Sequence[str], *, timeout: float, what: str, package: str, stdin: bytes | None = None) -> bytes:
    """Run a Debian command-line converter; its stdout. Raises ``RefusedInput`` when the tool is missing
    (naming the package to install), times out, or fails (with the first line of its error)."""
    exe = shutil.which(argv[0])
    if exe is None:
        raise RefusedInput(f"{what} needs `{argv[0]}`, which is not installed; install it with `apt-get install {package}` (or `make test`)")
    try:
        done = subprocess.run(
            [exe, *argv[1:]], input=stdin, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise RefusedInput(f"{argv[0]} took over {timeout:.0f} s on it; the file may be damaged or too large") from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        first = err[0] if err else f"exit status {done.returncode}"
        raise RefusedInput(f"{argv[0]} could not read it ({first[:200]})")
    return done.stdout
