"""The index: ingest articles into SQLite + FAISS + BM25, and search them.

Public surface: ``open`` an index folder, ``build`` one from files, and the records in ``records``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .api import FilterError, IndexBusyError, IngestProgress, IngestReport, ModelMismatchError
from .records import Article, Hit, Passage, SearchFilters

if TYPE_CHECKING:
    from collections.abc import Callable

    from index.settings import Settings

    from .api import Index
    from .embed import Embedder

__all__ = ["open", "build", "Article", "Passage", "Hit", "SearchFilters", "IngestReport", "IngestProgress",
           "ModelMismatchError", "IndexBusyError", "FilterError"]


def open(index_dir: str | Path | None = None, *, settings: "Settings | None" = None,
         embedder: "Embedder | None" = None) -> "Index":
    """Open (or prepare to create) the index folder. Nothing heavy is loaded until first use."""
    from index.settings import Settings

    from .api import Index

    if settings is None:
        settings = Settings.load(index_dir)
    elif index_dir is not None:
        settings = replace(settings, index_dir=Path(index_dir))
    return Index(settings=settings, _embedder=embedder)


def build(paths: Iterable[str | Path], index_dir: str | Path | None = None, *,
          settings: "Settings | None" = None, embedder: "Embedder | None" = None,
          progress: "Callable[[str], None] | None" = None) -> tuple["Index", IngestReport]:
    """Ingest ``paths`` into the index at ``index_dir`` (created if needed); ``progress`` gets a line per
    OCRed page."""
    index = open(index_dir, settings=settings, embedder=embedder)
    return index, index.ingest(paths, progress=progress)
