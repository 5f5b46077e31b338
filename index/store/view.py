"""What a reader searches: the live segments of one committed generation, their tombstones applied.

Search fans out over the segments and merges by score: dense cosines are comparable across segments as
they are; BM25 scores are made comparable by computing them with corpus-wide statistics
(``postings.CorpusBM25``). Ties break on the pid, so the order does not depend on how passages fell into
segments either.
"""

from __future__ import annotations

import heapq
from typing import Iterable, Sequence

import numpy as np

from index.records import Candidate
from index.text.tokens import Variant, pick_variant, tokenize

from .fusion import rrf_fuse
from .postings import VARIANTS, CorpusBM25
from . import segments as segs
from . import sqlite as store
from .segments import Segment


class SegmentView:
    def __init__(self, generation: int, segments: Sequence[Segment], dead: np.ndarray):
        self.generation = generation
        self.segments = list(segments)
        self.deleted = [s.deleted_mask(dead) for s in self.segments]
        self.bm25 = {v: CorpusBM25([(s.lexical[v], d) for s, d in zip(self.segments, self.deleted)])
                     for v in VARIANTS}
        self.factory = ",".join(sorted({s.dense.factory for s in self.segments})) or "IDMap2,Flat"

    def __len__(self) -> int:
        return self.bm25["exact"].n_live

    # --- the lexical surface qa uses (document frequencies for IDF weights) ----------------------

    def lexical(self) -> "SegmentView":
        return self

    def document_frequency(self, tokens: Iterable[str], *, folded: bool = False) -> dict[str, int]:
        bm25 = self.bm25["folded" if folded else "exact"]
        return {t: bm25.document_frequency(t) for t in tokens}

    # --- search ----------------------------------------------------------------------------------

    def _local(self, allowed: np.ndarray | None) -> list[np.ndarray | None]:
        return [None if allowed is None else s.rows_of(allowed) for s in self.segments]

    def dense_search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        found: list[tuple[int, float]] = []
        for seg, deleted, rows in zip(self.segments, self.deleted, self._local(allowed)):
            if rows is not None:
                if not len(rows):
                    continue
                if deleted is not None:
                    rows = rows[~deleted[rows]]
                found += seg.dense.search(vector, k, allowed=seg.pids[rows].tolist())
            elif deleted is not None:
                found += seg.dense.search(vector, k, excluded=seg.pids[deleted])
            else:
                found += seg.dense.search(vector, k)
        return heapq.nsmallest(k, found, key=lambda h: (-h[1], h[0]))

    def bm25_search(self, query: str, k: int, allowed: np.ndarray | None = None,
                    variant: Variant | None = None) -> list[tuple[int, float]]:
        variant = variant or pick_variant(query)
        tokens = tokenize(query, folded=variant == "folded")
        if not tokens or k <= 0:
            return []
        bm25 = self.bm25[variant]
        idf_of = bm25.idfs(tokens)
        found: list[tuple[int, float]] = []
        for part, (seg, rows) in enumerate(zip(self.segments, self._local(allowed))):
            if rows is not None and not len(rows):
                continue
            best, scores = bm25.top(part, tokens, idf_of, k, rows)
            found += [(int(seg.pids[r]), float(s)) for r, s in zip(best.tolist(), scores.tolist())]
        return heapq.nsmallest(k, found, key=lambda h: (-h[1], h[0]))

    def search(self, query: str, k: int, *, allowed: np.ndarray | None = None,
               variant: Variant | None = None) -> list[tuple[int, float]]:
        """BM25 top-k (pid, score), as ``LexicalIndex.search`` (``allowed``: sorted pids here)."""
        return self.bm25_search(query, k, allowed, variant)

    def candidates(self, query: str, vector: np.ndarray | None, *, depth: int, allowed: set[int] | None = None,
                   rrf_k: int = 60) -> list[Candidate]:
        rows = sorted_pids(allowed)
        return self.fuse(vector, self.bm25_search(query, depth, rows), depth=depth, allowed=rows, rrf_k=rrf_k)

    def fuse(self, vector: np.ndarray | None, bm25_hits: Sequence[tuple[int, float]], *, depth: int,
             allowed: np.ndarray | None = None, rrf_k: int = 60) -> list[Candidate]:
        """The dense top-``depth`` fused with BM25 hits already found (``Index`` finds them while the model
        embeds the query)."""
        dense = self.dense_search(vector, depth, allowed) if vector is not None else []
        return rrf_fuse(dense, bm25_hits, k=rrf_k)


def sorted_pids(allowed: set[int] | None) -> np.ndarray | None:
    """A filter's pids as the sorted array the segment searches take (None: no filter)."""
    return None if allowed is None else np.fromiter(sorted(allowed), dtype=np.int64, count=len(allowed))


def open_view(conn, root, cache: dict[int, Segment]) -> SegmentView | None:
    """The committed state as one snapshot (generation, live segments, tombstones read in one SQLite read
    transaction), loading only segments not in ``cache`` (updated in place). None for an index written
    before segments (the caller reads its generation folder)."""
    conn.execute("BEGIN")
    try:
        meta = store.get_meta(conn)
        generation = int(meta.get("generation", "0"))
        if "segmented_upto" not in meta:  # no commit with segments yet (a first one may have failed)
            return None
        live = [seg_id for seg_id, _ in segs.live_segments(conn)]
        dead = segs.tombstones(conn)
    finally:
        conn.execute("COMMIT")
    for seg_id in list(cache):
        if seg_id not in live:
            del cache[seg_id]
    for seg_id in live:
        if seg_id not in cache:
            cache[seg_id] = segs.load_segment(root, seg_id)
    return SegmentView(generation, [cache[s] for s in live], dead)


def load_committed(conn, root, cache: dict[int, Segment], generation: int) -> tuple:
    """(generation, legacy dense, lexical view, factory, view) of the committed state, ``generation`` or
    newer. Two commits may land while a reader loads, the second collecting a folder it was reading: only
    a generation that is still current is really broken."""
    from . import generations as gen

    for _ in range(5):
        try:
            view = open_view(conn, root, cache)
            if view is None:  # written before segments: its one generation folder
                dense, lexical, info = gen.load_generation(root, generation)
                return generation, dense, lexical, info.factory, None
            return view.generation, None, view, view.factory, view
        except (gen.IndexConsistencyError, segs.SegmentError, OSError, ValueError) as exc:
            latest = int(store.get_meta(conn).get("generation", "0"))
            if latest != generation:
                generation = latest
                continue
            if isinstance(exc, gen.IndexConsistencyError):
                raise
            raise gen.IndexConsistencyError(
                f"the index files of {root} cannot be read ({exc}); "
                f"run `tracuu reindex --index {root}` to rebuild them from the database") from exc
    raise gen.IndexConsistencyError(f"{root} changed five times while it was being loaded; try again")


def pids_matching(conn, filters) -> set[int]:
    """Passages of the articles that match every filter group (documents, localities, years, articles)."""
    from ..text.facets import doc_values, locality_values

    allowed: set[int] | None = None
    groups = [
        ("doc", doc_values(filters.docs)),
        ("locality", locality_values(filters.localities)),
        ("year", [str(y) for y in filters.years]),
    ]
    for facet, values in groups:
        if not values:
            continue
        pids = store.pids_with_facet(conn, facet, values)
        allowed = pids if allowed is None else allowed & pids
    if filters.articles:
        pids = store.pids_of_docs(conn, filters.articles)
        allowed = pids if allowed is None else allowed & pids
    return allowed if allowed is not None else set()
