"""From files to what the index stores: read sources (one reader per format family), clean page
furniture, chunk into passages, and prepare each article (entities, facets, embedding inputs)."""

from .clean import CleanError, clean
from .prepare import PreparedArticle, prepare
from .sources import SkippedInput, read_sources

__all__ = ["read_sources", "SkippedInput", "clean", "CleanError", "prepare", "PreparedArticle"]
