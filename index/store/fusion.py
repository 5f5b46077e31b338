"""Hybrid retrieval: dense (FAISS) and BM25 candidates fused by reciprocal rank.

RRF needs no score calibration between a cosine and a BM25 score, which differ per query; the weight of
each retriever was checked on xquad_vi_dev (see README: plain RRF with k=60 beat weighted score fusion
there, and the gap to each retriever alone is the point of fusing).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from index.records import Candidate

from .dense import DenseIndex
from .lexical import LexicalIndex


def rrf_fuse(
    dense: Sequence[tuple[int, float]],
    bm25: Sequence[tuple[int, float]],
    *,
    k: int = 60,
    dense_weight: float = 1.0,
    bm25_weight: float = 1.0,
) -> list[Candidate]:
    table: dict[int, dict] = {}
    for rank, (pid, score) in enumerate(dense, start=1):
        table.setdefault(pid, {})["dense"] = (rank, score)
    for rank, (pid, score) in enumerate(bm25, start=1):
        table.setdefault(pid, {})["bm25"] = (rank, score)
    fused: list[Candidate] = []
    for pid, found in table.items():
        d = found.get("dense")
        b = found.get("bm25")
        score = (dense_weight / (k + d[0]) if d else 0.0) + (bm25_weight / (k + b[0]) if b else 0.0)
        fused.append(Candidate(pid, score, d[0] if d else None, b[0] if b else None,
                               d[1] if d else None, b[1] if b else None))
    # Ties (same fused score) go to the better single rank so results are deterministic.
    fused.sort(key=lambda c: (-c.score, min(c.dense_rank or 10**9, c.bm25_rank or 10**9), c.pid))
    return fused


def hybrid_candidates(
    dense_index: DenseIndex,
    lexical_index: LexicalIndex,
    query: str,
    query_vector: np.ndarray | None,
    *,
    depth: int,
    allowed: set[int] | None = None,
    rrf_k: int = 60,
) -> list[Candidate]:
    """Fused candidates for one query. ``allowed`` (pids) applies the filters inside both retrievers, so
    a filtered search still returns ``depth`` candidates rather than the filtered remains of a top-k."""
    dense_hits: list[tuple[int, float]] = []
    if query_vector is not None:
        dense_hits = dense_index.search(query_vector, depth, allowed=allowed)
    mask = lexical_index.mask_for(allowed) if allowed is not None else None
    bm25_hits = lexical_index.search(query, depth, allowed=mask)
    return rrf_fuse(dense_hits, bm25_hits, k=rrf_k)
