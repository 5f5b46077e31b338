"""Immutable segments: each commit writes only its new passages' files; deletions are tombstones.

Layout of an index folder::

    tracuu.sqlite     rows (the source of truth), the live segment list, tombstones, the committed generation
    seg-000007/       pids.npy, dense.faiss (sized for this segment), BM25 term frequencies, info.json
    manifest.json     a readable summary, rewritten after each commit

A commit builds the folder of its new passages (pid above ``segmented_upto``: pids are AUTOINCREMENT, never
reused) completely — temp folder, fsync, rename — *inside* its open SQLite transaction, then commits the
rows, the segment's row and ``generation + 1`` together. A passage deleted after it was segmented leaves
its pid in ``tombstones`` (an SQLite trigger, so no writer can forget it). A merge builds one folder from
the live passages of several segments and swaps the segment rows in one transaction. A kill at any moment
leaves either the old or the new list committed, and every folder of the committed list complete.
Folders a commit drops are deleted one commit later, for readers still holding them.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from . import sqlite as store
from .dense import DenseIndex, choose_factory
from .npyfiles import load_array
from .postings import VARIANTS, Postings, build_variants

SCHEMA = """
CREATE TABLE IF NOT EXISTS segments (
    seg_id INTEGER PRIMARY KEY,
    passages INTEGER NOT NULL,
    created_gen INTEGER NOT NULL,
    dropped_gen INTEGER            -- NULL while live
);
CREATE TABLE IF NOT EXISTS tombstones (pid INTEGER PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS passages_tombstone AFTER DELETE ON passages
WHEN old.pid <= CAST(COALESCE((SELECT value FROM meta WHERE key = 'segmented_upto'), '0') AS INTEGER)
BEGIN INSERT OR IGNORE INTO tombstones(pid) VALUES (old.pid); END;
"""


class SegmentError(RuntimeError):
    pass


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the segment tables (outside a transaction: executescript commits)."""
    conn.executescript(SCHEMA)


def seg_dir(root: Path, seg_id: int) -> Path:
    return root / f"seg-{seg_id:06d}"


def has_segments(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='segments'").fetchone() is not None


def live_segments(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """(seg_id, passages at build) of the live segments, oldest first."""
    if not has_segments(conn):
        return []
    return conn.execute("SELECT seg_id, passages FROM segments WHERE dropped_gen IS NULL ORDER BY seg_id").fetchall()


def tombstones(conn: sqlite3.Connection) -> np.ndarray:
    if not has_segments(conn):
        return np.empty(0, dtype=np.int64)
    return np.fromiter((r[0] for r in conn.execute("SELECT pid FROM tombstones ORDER BY pid")), dtype=np.int64)


@dataclass
class Segment:
    seg_id: int
    pids: np.ndarray          # sorted int64
    dense: DenseIndex
    lexical: dict[str, Postings]

    def deleted_mask(self, dead: np.ndarray) -> np.ndarray | None:
        """Rows whose pid is tombstoned (None when none is: the common case costs nothing)."""
        if not len(dead) or not len(self.pids):
            return None
        hit = np.searchsorted(dead, self.pids)
        hit[hit == len(dead)] = 0
        mask = dead[hit] == self.pids
        return mask if mask.any() else None

    def rows_of(self, pids: np.ndarray) -> np.ndarray:
        """Rows of those of ``pids`` (sorted) that are in this segment."""
        at = positions(self.pids, pids)
        return at[at >= 0]


def positions(sorted_pids: np.ndarray, pids: np.ndarray) -> np.ndarray:
    """The index of each of ``pids`` in ``sorted_pids``, -1 where it is absent."""
    if not len(sorted_pids):
        return np.full(len(pids), -1, dtype=np.int64)
    at = np.searchsorted(sorted_pids, pids)
    at[at == len(sorted_pids)] = 0
    return np.where(sorted_pids[at] == pids, at, -1)


def build_segment(conn: sqlite3.Connection, root: Path, seg_id: int, pids: np.ndarray, model_id: str, dim: int,
                  *, merged_from: Sequence[int] = ()) -> int:
    """Write ``seg-<seg_id>`` for ``pids`` (sorted) from the rows visible to ``conn``; returns its size.
    ``merged_from``: live segments holding every one of ``pids``, whose term frequencies are merged
    (``Postings.merge``) instead of tokenising the texts again."""
    vectors = merge_vectors(root, merged_from, pids, dim) if merged_from else None
    texts: list[str] = []
    if vectors is None:
        vectors, texts = _rows_of(conn, pids, model_id, dim, with_texts=not merged_from)
    factory = choose_factory(len(pids))
    dense = DenseIndex.build(pids, vectors, dim, factory)
    del vectors
    lexical = merge_postings(root, merged_from, pids) if merged_from else build_variants(texts)
    final = seg_dir(root, seg_id)
    tmp = root / f".tmp-{final.name}-{os.getpid()}"
    for stale in (final, tmp):
        if stale.exists():  # left by a writer killed before its commit: never committed, safe to drop
            shutil.rmtree(stale)
    tmp.mkdir(parents=True)
    np.save(tmp / "pids.npy", pids)
    dense.save(tmp / "dense.faiss")
    for name, postings in lexical.items():
        postings.save(tmp, name)
    (tmp / "info.json").write_text(json.dumps({"seg_id": seg_id, "passages": len(pids), "factory": factory}))
    _fsync_tree(tmp)
    os.rename(tmp, final)
    _fsync_dir(root)
    return len(pids)


def merge_postings(root: Path, seg_ids: Sequence[int], pids: np.ndarray) -> dict[str, Postings]:
    """Both token variants of ``pids`` (sorted) from the term frequencies of the segments holding them."""
    sources = []
    for seg_id in seg_ids:
        folder = seg_dir(root, seg_id)
        sources.append((folder, positions(pids, load_array(folder / "pids.npy"))))
    covered = np.zeros(len(pids), dtype=bool)
    for _, new_row in sources:
        covered[new_row[new_row >= 0]] = True
    if not covered.all():
        raise SegmentError(f"{int((~covered).sum())} passages to merge are in none of segments {list(seg_ids)}")
    return {name: Postings.merge([(Postings.load(folder, name), new_row) for folder, new_row in sources], len(pids))
            for name in VARIANTS}


def merge_vectors(root: Path, seg_ids: Sequence[int], pids: np.ndarray, dim: int) -> np.ndarray | None:
    """The vectors of ``pids`` (sorted) read back from the segments' FAISS files (exact: they store float32
    as added), None when a segment's structure does not keep them (the database is read instead)."""
    out = np.empty((len(pids), dim), dtype=np.float32)
    found = np.zeros(len(pids), dtype=bool)
    for seg_id in seg_ids:
        folder = seg_dir(root, seg_id)
        info = json.loads((folder / "info.json").read_text())
        stored = DenseIndex.load(folder / "dense.faiss", info["factory"]).stored_vectors()
        if stored is None or (len(stored[1]) and stored[1].shape[1] != dim):
            return None
        ids, vectors = stored
        at = positions(pids, ids)
        out[at[at >= 0]] = vectors[at >= 0]
        found[at[at >= 0]] = True
    return out if found.all() else None


def _rows_of(conn: sqlite3.Connection, pids: np.ndarray, model_id: str, dim: int, *,
             with_texts: bool = True) -> tuple[np.ndarray, list[str]]:
    """Vectors and keyword texts (title + passage, see ``store.iter_passage_texts``) of ``pids``, in order."""
    vectors = np.empty((len(pids), dim), dtype=np.float32)
    texts: list[str] = [""] * len(pids)
    row_of = {int(p): i for i, p in enumerate(pids)}
    lo, hi = (int(pids[0]), int(pids[-1])) if len(pids) else (0, -1)
    found = 0
    text_sql = "a.title || char(10) || p.text" if with_texts else "''"
    for pid, text, blob in conn.execute(
        f"SELECT p.pid, {text_sql}, v.vector FROM passages p JOIN articles a USING(doc_id)"
        " LEFT JOIN vectors v ON v.vector_key = p.vector_key AND v.model_id = ? WHERE p.pid BETWEEN ? AND ?",
        (model_id, lo, hi),
    ):
        row = row_of.get(pid)
        if row is None:
            continue
        if blob is None or len(blob) != 4 * dim:
            raise SegmentError(f"passage {pid} has no stored vector for model {model_id}; "
                               "run `tracuu reindex` to embed it again")
        vectors[row] = np.frombuffer(blob, dtype=np.float32)
        texts[row] = text
        found += 1
    if found != len(pids):
        raise SegmentError(f"{len(pids) - found} of a segment's passages are missing from the database")
    return vectors, texts


def load_segment(root: Path, seg_id: int) -> Segment:
    folder = seg_dir(root, seg_id)
    info = json.loads((folder / "info.json").read_text())
    pids = load_array(folder / "pids.npy")
    dense = DenseIndex.load(folder / "dense.faiss", info["factory"])
    lexical = {name: Postings.load(folder, name) for name in VARIANTS}
    if len(dense) != len(pids) or info["passages"] != len(pids):
        raise SegmentError(f"{folder}: {len(dense)} vectors, {len(pids)} pids, info says {info['passages']}")
    return Segment(seg_id, pids, dense, lexical)


def factories(root: Path, conn: sqlite3.Connection) -> str:
    """The FAISS structures of the live segments (one when they agree, as in a single-segment index)."""
    found = []
    for seg_id, _ in live_segments(conn):
        try:
            found.append(json.loads((seg_dir(root, seg_id) / "info.json").read_text())["factory"])
        except (OSError, ValueError, KeyError):
            continue
    return " + ".join(sorted(set(found), key=found.index)) or choose_factory(0)


def verify(conn: sqlite3.Connection, root: Path) -> list[str]:
    """Problems that make the database and the live segments disagree (empty when healthy)."""
    problems: list[str] = []
    dead = tombstones(conn)
    pieces = []
    for seg_id, _ in live_segments(conn):
        try:
            segment = load_segment(root, seg_id)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            problems.append(f"segment {seg_id} in {seg_dir(root, seg_id)} cannot be read ({exc}); "
                            f"run `tracuu reindex --index {root}` to rebuild it from the database")
            continue
        for name, postings in segment.lexical.items():
            if len(postings.lengths) != len(segment.pids):
                problems.append(f"segment {seg_id}: the {name} BM25 index holds {len(postings.lengths)} "
                                f"passages, FAISS {len(segment.pids)}")
        pieces.append(segment.pids)
    held = np.concatenate(pieces) if pieces else np.empty(0, dtype=np.int64)
    if len(np.unique(held)) != len(held):
        problems.append("a passage is in two live segments")
    live = np.sort(held[~np.isin(held, dead)]) if len(dead) else np.sort(held)
    stale = dead[~np.isin(dead, held)]
    if len(stale):
        problems.append(f"{len(stale)} tombstones name passages no live segment holds")
    pids = store.all_pids(conn)
    if len(live) != len(pids) or not np.array_equal(live, pids):
        missing = len(np.setdiff1d(pids, live))
        extra = len(np.setdiff1d(live, pids))
        problems.append(f"the segments hold {len(live)} live passages, the database {len(pids)} "
                        f"({missing} not in any segment, {extra} deleted without a tombstone)")
    return problems


# --- merge policy ----------------------------------------------------------------------------------

MERGE_FACTOR = 8          # this many segments of one size tier are merged into one of the next tier
TIER_BASE = 8             # tier t holds segments of size up to 1000 * 8^t live passages
SMALL = 1000


def tier_of(size: int) -> int:
    tier, bound = 0, SMALL
    while size > bound:
        tier, bound = tier + 1, bound * TIER_BASE
    return tier


def plan_merge(sizes: dict[int, int], *, max_passages: int | None = None) -> list[int]:
    """The segments to merge next (empty: none), from their live sizes. Tiered as in Lucene: once a tier
    holds MERGE_FACTOR segments its smallest ones merge, so each passage is rewritten about log_8(N/1000)
    times in the index's life and a commit never rewrites what a later merge will rewrite anyway.
    A segment that lost half its passages to tombstones is rewritten on its own."""
    tiers: dict[int, list[int]] = {}
    for seg_id, size in sizes.items():
        tiers.setdefault(tier_of(size), []).append(seg_id)
    for tier in sorted(tiers):
        members = sorted(tiers[tier], key=lambda s: (sizes[s], s))
        if len(members) >= MERGE_FACTOR:
            chosen = members[:MERGE_FACTOR]
            if max_passages is None or sum(sizes[s] for s in chosen) <= max_passages:
                return sorted(chosen)
    return []


# --- files on disk ---------------------------------------------------------------------------------


def collect_garbage(conn: sqlite3.Connection, root: Path, generation: int) -> None:
    """Delete folders of segments dropped before ``generation`` and folders no row names (a killed writer's).
    Called by the writer, under the lock, after its commit."""
    rows = dict(conn.execute("SELECT seg_id, dropped_gen FROM segments").fetchall()) if has_segments(conn) else {}
    for folder in root.glob("seg-*"):
        try:
            seg_id = int(folder.name.split("-", 1)[1])
        except ValueError:
            continue
        if seg_id not in rows or (rows[seg_id] is not None and rows[seg_id] < generation):
            shutil.rmtree(folder, ignore_errors=True)
    if rows:
        conn.execute("DELETE FROM segments WHERE dropped_gen IS NOT NULL AND dropped_gen < ?", (generation,))
    for tmp in root.glob(".tmp-seg-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    for legacy in root.glob("gen-*"):  # whole-index generations of an older version, replaced by segments
        shutil.rmtree(legacy, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
