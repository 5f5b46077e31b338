"""FAISS dense index: inner product over L2-normalised vectors (= cosine), ids are passage pids.

The structure is chosen by size: exact search while it is fast enough on 2 cores, then HNSW (measured
in ``tracuu bench``; the thresholds below come from those runs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np

# Exact (flat) search over 384-d float32 costs ~n*384 multiply-adds per query: about 20 ms at 200k
# passages on this 2-core machine, so past that HNSW keeps p50 under the 50 ms goal.
FLAT_LIMIT = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96


def choose_factory(n_vectors: int) -> str:
    return "IDMap2,Flat" if n_vectors <= FLAT_LIMIT else f"IDMap2,HNSW{HNSW_M},Flat"


class DenseIndex:
    def __init__(self, index, factory: str):
        self._index = index
        self.factory = factory

    @classmethod
    def build(cls, pids: np.ndarray, vectors: np.ndarray, dim: int, factory: str | None = None) -> "DenseIndex":
        import faiss

        factory = factory or choose_factory(len(pids))
        index = faiss.index_factory(dim, factory, faiss.METRIC_INNER_PRODUCT)
        hnsw = _hnsw_of(index)
        if hnsw is not None:
            hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        if len(pids):
            index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(pids, dtype=np.int64))
        return cls(index, factory)

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, factory: str) -> "DenseIndex":
        import faiss

        return cls(faiss.read_index(str(path)), factory)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        import faiss

        return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def search(self, query_vector: np.ndarray, k: int, *, allowed: Iterable[int] | None = None) -> list[tuple[int, float]]:
        """Top-k (pid, cosine). ``allowed`` restricts the search to those pids (filters)."""
        import faiss

        if len(self) == 0 or k <= 0:
            return []
        query = np.ascontiguousarray(query_vector, dtype=np.float32).reshape(1, -1)
        params = None
        hnsw = _hnsw_of(self._index)
        if allowed is not None:
            allowed_ids = np.fromiter(allowed, dtype=np.int64)
            if not len(allowed_ids):
                return []
            selector = faiss.IDSelectorBatch(allowed_ids)
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k)) if hnsw else \
                faiss.SearchParameters(sel=selector)
        elif hnsw is not None:
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
        k = min(k, len(self))
        scores, ids = self._index.search(query, k, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]


def _hnsw_of(index):
    import faiss

    inner = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    return inner.hnsw if isinstance(inner, faiss.IndexHNSW) else None
