"""FAISS dense index: inner product over L2-normalised vectors (= cosine), ids are passage pids.

The structure is chosen by size: exact search while it is fast enough on 2 cores, then an inverted file
(IVF, exact vectors in the lists) whose probed lists are scanned exactly. Measured with ``tracuu bench``
and the candidate sweep quoted below (bench-results/; synthetic vectors from ``bench/synthetic.py``, the
426 XQuAD questions as queries, single-query k=50, 2 shared cores at load ~4-6, medians of 3 interleaved
rounds).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable

import numpy as np

# Measured (2 shared cores; recall@10 of a k=50 search vs exact, strict / tie-tolerant within 1e-3 cosine):
#   flat k=50 p50: 6.3 ms at 20k, 15 ms at 50k, 28 ms at 100k, 141 ms at 1M (the full bench saw 71 ms at
#   100k under heavier load), so exact search stops at 50k.
#   1M, IVF4096,Flat (k-means on 131k sampled vectors, 10 iterations: 89 s; add 39 s; vs 765 s for
#   HNSW32): nprobe 32 0.959 / 0.992, 1.5 ms; nprobe 64 0.980 / 0.996, 2.4 ms p50 (3.0 p95);
#   nprobe 128 0.992 / 0.999, 4.2 ms. 1552 B/passage (vector 1536 + list id 8 + IDMap2 id 8; IDMap2's
#   reverse map adds RAM, not disk).
#   100k, IVF1024,Flat: nprobe 64 0.990 / 0.9995, 0.65 ms.
#   IVF4096,SQ8 (400 B/passage) reaches only 0.950 at nprobe 64 and 0.961 at 128 (quantisation breaks the
#   near-ties of these vectors); HNSW32 at 100k stays at 0.75 (ef 96) to 0.83 (ef 1024), 0.93 tie-tolerant.
#   Filtered search (IDSelectorBatch, nprobe scaled by n/|allowed|) at 1M: 300 allowed pids (all lists)
#   26 ms and 10% allowed 10 ms per query, recall 1.0 against exact filtered search in both.
FLAT_LIMIT = 50_000
IVF_NPROBE = 64
IVF_TRAIN_PER_LIST = 40  # k-means sample: 40 points per list (164k at 1M; FAISS warns below 39), by content
IVF_TRAIN_NITER = 10
TRAIN_SEED = 1234
# HNSW is no longer chosen (recall@10 0.70 at efSearch 96 and 0.83 at 512 on 1M, 765 s build), but an index
# built by an older version still loads and searches with these settings.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96


def ivf_nlist(n_vectors: int) -> int:
    """Number of inverted lists: the power of two nearest 4*sqrt(n) (4096 at 1M, 1024 at 100k)."""
    return 2 ** max(8, round(math.log2(4 * math.sqrt(max(n_vectors, 1)))))


def content_keys(vectors: np.ndarray) -> np.ndarray:
    """A 64-bit key per row computed from its float32 bits alone (exact integer arithmetic, wrapping), so
    the same vector gets the same key whatever its position, batch or pid."""
    bits = np.ascontiguousarray(vectors, dtype=np.float32).view(np.uint32)
    weights = np.random.default_rng(TRAIN_SEED).integers(1, 2**63, size=bits.shape[1], dtype=np.uint64) | np.uint64(1)
    keys = np.empty(len(bits), dtype=np.uint64)
    for start in range(0, len(bits), 32_768):  # ~100 MB of uint64 at a time
        keys[start:start + 32_768] = (bits[start:start + 32_768].astype(np.uint64) * weights).sum(axis=1)
    return keys


def training_rows(vectors: np.ndarray, n_train: int) -> np.ndarray:
    """The rows a quantiser trains on, in training order: the ``n_train`` smallest content keys. A merge
    adds the kept vectors in another order and under other pids than a fresh build of the same articles;
    chosen by content, both train the same centroids and so return the same passages."""
    return np.argsort(content_keys(vectors), kind="stable")[:n_train]


def choose_factory(n_vectors: int) -> str:
    return "IDMap2,Flat" if n_vectors <= FLAT_LIMIT else f"IDMap2,IVF{ivf_nlist(n_vectors)},Flat"


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
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            if not index.is_trained:
                ivf = _ivf_of(index)
                if ivf is not None and len(pids) < ivf.nlist:
                    raise ValueError(f"{factory} needs at least {ivf.nlist} vectors to train, got {len(pids)}")
                if ivf is not None:
                    ivf.cp.niter = IVF_TRAIN_NITER
                    ivf.cp.seed = TRAIN_SEED
                    n_train = min(len(pids), IVF_TRAIN_PER_LIST * ivf.nlist)
                else:
                    n_train = len(pids)
                sample = vectors[training_rows(vectors, n_train)]
                index.train(sample)
                del sample
            index.add_with_ids(vectors, np.asarray(pids, dtype=np.int64))
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

    def stored_vectors(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(pids, vectors) exactly as added, read back from a flat or IVF-Flat index (both keep float32
        vectors as given), so a merge needs no database read; None for a structure that does not (HNSW)."""
        import faiss

        inner = _inner(self._index)
        ids = self.ids()
        dim = inner.d
        if type(inner) in (faiss.IndexFlatIP, faiss.IndexFlat):
            return ids, faiss.rev_swig_ptr(inner.get_xb(), inner.ntotal * dim).reshape(-1, dim).copy()
        if type(inner) is not faiss.IndexIVFFlat:
            return None
        lists = inner.invlists
        vectors = np.empty((inner.ntotal, dim), dtype=np.float32)
        for lst in range(inner.nlist):
            size = lists.list_size(lst)
            if size:
                rows = faiss.rev_swig_ptr(lists.get_ids(lst), size)
                codes = faiss.rev_swig_ptr(lists.get_codes(lst), size * dim * 4)
                vectors[rows] = np.frombuffer(codes, dtype=np.float32).reshape(size, dim)
        return ids, vectors

    def search(self, query_vector: np.ndarray, k: int, *, allowed: Iterable[int] | None = None,
               excluded: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (pid, cosine). ``allowed`` restricts the search to those pids (filters); ``excluded`` leaves
        those out (a segment's tombstones)."""
        import faiss

        if len(self) == 0 or k <= 0:
            return []
        query = np.ascontiguousarray(query_vector, dtype=np.float32).reshape(1, -1)
        selector = None
        if allowed is not None:
            allowed_ids = np.fromiter(allowed, dtype=np.int64)
            if not len(allowed_ids):
                return []
            selector = faiss.IDSelectorBatch(allowed_ids)
        elif excluded is not None and len(excluded):
            selector = faiss.IDSelectorNot(faiss.IDSelectorBatch(np.ascontiguousarray(excluded, dtype=np.int64)))
        params = None
        ivf = _ivf_of(self._index)
        hnsw = _hnsw_of(self._index)
        if ivf is not None:
            nprobe = IVF_NPROBE
            if allowed is not None:
                # Scan as many allowed vectors as an unfiltered search scans: probe more lists the fewer
                # passages the filter allows (all lists for a small filter, which is then exact).
                nprobe = math.ceil(IVF_NPROBE * len(self) / len(allowed_ids))
            nprobe = min(ivf.nlist, nprobe)
            params = faiss.SearchParametersIVF(sel=selector, nprobe=nprobe) if selector is not None else \
                faiss.SearchParametersIVF(nprobe=nprobe)
        elif hnsw is not None:
            ef = max(HNSW_EF_SEARCH, k)
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef) if selector is not None else \
                faiss.SearchParametersHNSW(efSearch=ef)
        elif selector is not None:
            params = faiss.SearchParameters(sel=selector)
        k = min(k, len(self))
        scores, ids = self._index.search(query, k, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]


def _inner(index):
    import faiss

    return faiss.downcast_index(index.index) if hasattr(index, "index") else index


def _hnsw_of(index):
    import faiss

    inner = _inner(index)
    return inner.hnsw if isinstance(inner, faiss.IndexHNSW) else None


def _ivf_of(index):
    import faiss

    inner = _inner(index)
    return inner if isinstance(inner, faiss.IndexIVF) else None
