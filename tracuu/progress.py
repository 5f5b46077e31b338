"""The ingest progress bar on stderr: redrawn in place on a terminal, silent elsewhere (a log or a pipe
gets only the final summary line, which the command prints itself)."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from index.ingest.pipeline import IngestProgress


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def render(p: "IngestProgress", width: int = 20) -> str:
    """One line: bar (when the total is known), articles, files, passages, passages/s, ETA."""
    parts = []
    if p.total:
        share = min(1.0, p.articles / p.total)
        filled = int(share * width)
        parts.append(f"[{'#' * filled}{'.' * (width - filled)}] {share:4.0%} {p.articles:,}/{p.total:,} articles")
    else:
        parts.append(f"{p.articles:,} articles")
    parts.append(f"{p.files:,} files")
    parts.append(f"{p.passages:,} passages")
    parts.append(f"{p.passages_per_s:.1f} passages/s")
    if p.skipped:
        parts.append(f"{p.skipped:,} skipped")
    eta = p.eta_s
    parts.append(f"ETA {_clock(eta)}" if eta is not None else f"{_clock(p.seconds)} elapsed")
    return " · ".join(parts)


class Bar:
    """Callbacks for ``Index.ingest``: ``update`` for progress, ``line`` for slow-step lines (OCR pages)."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.live = not quiet and self.stream.isatty()
        self._shown = False
        self._last = 0.0

    def update(self, p: "IngestProgress") -> None:
        if not self.live:
            return
        now = time.monotonic()
        if not p.done and now - self._last < 0.2:
            return
        self._last = now
        self.stream.write("\r\033[K" + render(p))
        self.stream.flush()
        self._shown = True

    def line(self, text: str) -> None:
        if not self.live:
            return
        self.stream.write(f"\r\033[Ktracuu: {text}\n")
        self._shown = False
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line so the summary starts on a fresh one."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False


def summary(report, articles: int, passages: int, merged: int = 0) -> str:
    """The final line of an ingest (or a sync's ingest part), printed even when stderr is not a terminal."""
    rate = report.passages_embedded / report.embed_seconds if report.embed_seconds else 0.0
    copies = f", merged {len(report.merged)} republished copies" if report.merged else ""
    return (f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
            f"skipped {len(report.skipped)}{copies}; {report.passages_added} passages ({report.passages_embedded} "
            f"embedded{f', {rate:.1f}/s' if rate else ''}) in {report.seconds:.1f}s, {report.batches} commits; "
            f"index: {articles} articles, {passages} passages" + (f", {merged} merged copies" if merged else ""))
