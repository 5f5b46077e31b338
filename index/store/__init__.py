"""Where the index lives on disk: SQLite rows (the source of truth), FAISS vectors, BM25, their fusion,
and crash-safe generations that keep the derived files in step with the rows."""

from .fusion import Candidate, hybrid_candidates, rrf_fuse
from .generations import IndexConsistencyError

__all__ = ["Candidate", "hybrid_candidates", "rrf_fuse", "IndexConsistencyError"]
