"""The one writer of an index folder: its lock, its connection, vectors embedded ahead of the rows, the
commit that applies row changes and writes the new passages' segment in one SQLite transaction, and the
merges that compact segments (each its own transaction: a kill mid-merge leaves the commit before it)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

import numpy as np

from ..settings import package_version
from . import generations as gen
from . import segments as segs
from . import sqlite as store
from .npyfiles import load_array

if TYPE_CHECKING:
    import sqlite3

    from index.embed import Embedder


class ModelMismatchError(RuntimeError):
    pass


class IndexBusyError(RuntimeError):
    pass


def check_model(root: Path, meta: dict[str, str], model_id: str) -> None:
    built_with = meta.get("model_id")
    if built_with and built_with != model_id:
        raise ModelMismatchError(
            f"the index {root} was built with the embedding model '{built_with}', but this run uses "
            f"'{model_id}'. Search it with --model '{built_with}', or rebuild it for the new model "
            f"with `tracuu reindex --index {root} --model '{model_id}'`."
        )


def write_lock(root: Path):
    """The folder's write lock, taken at once or refused: a second writer waits for nobody."""
    from filelock import FileLock, Timeout

    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / gen.LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise IndexBusyError(
            f"another tracuu process is writing to {root}; wait for it to finish and try again "
            "(searches keep working meanwhile)"
        ) from None
    return lock


def open_writer(db_path: Path, embedder: "Embedder", check: Callable[[dict[str, str]], None]) -> "sqlite3.Connection":
    conn = store.connect(db_path)
    store.init_schema(conn, model_id=embedder.model_id, dim=embedder.dim)
    check(store.get_meta(conn))
    collect_leftovers(conn, db_path.parent)
    return conn


def collect_leftovers(conn: "sqlite3.Connection", root: Path) -> None:
    """What a writer killed between its commit and its clean-up left behind (dropped segments' folders, a
    temp folder, a manifest naming an older generation), put right by the rules the clean-up follows;
    called under the write lock as a writer starts, since the next command may commit nothing. Without the
    manifest's repair, two writers killed in a row just after their commits leave it two generations behind."""
    meta = store.get_meta(conn)
    if segs.has_segments(conn) and "segmented_upto" in meta:  # never an index still read from gen-* folders
        generation = int(meta.get("generation", "0"))
        if int((gen.read_manifest(root) or {}).get("generation", -1)) != generation:
            _write_manifest(conn, root)
        for half_written in root.glob(f".{gen.MANIFEST_NAME}.*.tmp"):
            half_written.unlink(missing_ok=True)
        segs.collect_garbage(conn, root, generation)


def embed_missing(conn: "sqlite3.Connection", embedder: "Embedder", prepared: Iterable, *, batch: int) -> tuple[int, float]:
    """Embed passages whose content is not cached yet. Vectors are committed batch by batch, apart from
    the article rows: a killed ingest keeps its finished vectors, so the retry does not redo them.
    ``prepared``: items with ``vector_keys`` and ``model_inputs``."""
    wanted: dict[str, str] = {}
    for item in prepared:
        wanted.update(zip(item.vector_keys, item.model_inputs))
    cached = store.cached_vectors(conn, list(wanted), embedder.model_id, embedder.dim)
    missing = [(k, t) for k, t in wanted.items() if k not in cached]
    started = time.perf_counter()
    for i in range(0, len(missing), batch):
        chunk = missing[i : i + batch]
        vectors = embedder.encode_passages([t for _, t in chunk])
        conn.execute("BEGIN IMMEDIATE")
        store.put_vectors(conn, {k: v for (k, _), v in zip(chunk, vectors)}, embedder.model_id)
        conn.execute("COMMIT")
    return len(missing), time.perf_counter() - started


@contextmanager
def _new_generation(conn: "sqlite3.Connection", root: Path) -> Iterator[None]:
    """One SQLite transaction whose body bumps the generation; readers switch to it only after COMMIT, and
    an exception (or a kill) anywhere before leaves the last committed generation in place."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        generation = int(store.get_meta(conn)["generation"])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    _after_commit(conn, root, generation)


def commit(conn: "sqlite3.Connection", root: Path, apply: Callable[["sqlite3.Connection"], object], *,
           rebuild: bool = False, merge: bool = True) -> None:
    """Apply row changes and write the segment of the passages they added, in one SQLite transaction.
    ``rebuild``: drop every segment and write one from all passages (reindex). ``merge``: then run the
    tiered merges the new segment makes due."""
    segs.ensure_schema(conn)
    with _new_generation(conn, root):
        apply(conn)
        meta = store.get_meta(conn)
        generation = int(meta["generation"]) + 1
        upto = int(meta.get("segmented_upto", "0"))
        if rebuild:
            conn.execute("UPDATE segments SET dropped_gen = ? WHERE dropped_gen IS NULL", (generation,))
            conn.execute("DELETE FROM tombstones")
            upto = 0
        new = np.fromiter((r[0] for r in conn.execute("SELECT pid FROM passages WHERE pid > ? ORDER BY pid", (upto,))),
                          dtype=np.int64)
        if len(new):
            _add_segment(conn, root, meta, new, generation)
            upto = int(new[-1])
        store.set_meta(conn, "segmented_upto", str(upto))  # its presence marks a segmented index
        store.set_meta(conn, "generation", str(generation))
    if merge:
        while merge_once(conn, root, max_passages=MERGE_LIMIT):
            pass


# A commit merges at most this many passages in line (tiers up to 64k); larger merges wait for
# `tracuu optimize`, so adding a morning's articles to a big index never rewrites most of it.
MERGE_LIMIT = 100_000


def merge_once(conn: "sqlite3.Connection", root: Path, *, max_passages: int | None = None,
               everything: bool = False) -> bool:
    """One merge the policy asks for (or of every segment, when there are two or more or any tombstone);
    False when there was nothing to do."""
    dead = segs.tombstones(conn)
    sizes = {}
    for seg_id, _ in segs.live_segments(conn):
        pids = load_array(segs.seg_dir(root, seg_id) / "pids.npy")
        sizes[seg_id] = (pids, pids[~np.isin(pids, dead)] if len(dead) else pids)
    if everything:
        chosen = sorted(sizes) if len(sizes) > 1 or len(dead) else []
    else:
        chosen = segs.plan_merge({s: len(live) for s, (_, live) in sizes.items()}, max_passages=max_passages)
        if not chosen:  # a segment that lost half its passages is rewritten alone
            chosen = [s for s, (all_, live) in sizes.items() if len(live) * 2 < len(all_)][:1]
    if not chosen:
        return False
    with _new_generation(conn, root):
        meta = store.get_meta(conn)
        generation = int(meta["generation"]) + 1
        live = np.sort(np.concatenate([sizes[s][1] for s in chosen]))
        conn.execute(f"UPDATE segments SET dropped_gen = ? WHERE seg_id IN ({','.join('?' * len(chosen))})",
                     (generation, *chosen))
        if len(live):
            _add_segment(conn, root, meta, live, generation, merged_from=chosen)
        gone = np.concatenate([sizes[s][0] for s in chosen])
        conn.executemany("DELETE FROM tombstones WHERE pid = ?", ((int(p),) for p in gone[np.isin(gone, dead)]))
        store.set_meta(conn, "generation", str(generation))
    return True


def optimize(conn: "sqlite3.Connection", root: Path) -> int:
    """Merge every segment into one, dropping tombstoned passages; returns the number of segments left."""
    segs.ensure_schema(conn)
    collect_leftovers(conn, root)
    merge_once(conn, root, everything=True)
    return len(segs.live_segments(conn))


def _add_segment(conn, root: Path, meta: dict[str, str], pids: np.ndarray, generation: int, *,
                 merged_from: Sequence[int] = ()) -> None:
    seg_id = int(meta.get("next_segment", "1"))
    segs.build_segment(conn, root, seg_id, pids, meta["model_id"], int(meta["dim"]), merged_from=merged_from)
    conn.execute("INSERT INTO segments(seg_id, passages, created_gen) VALUES (?, ?, ?)", (seg_id, len(pids), generation))
    store.set_meta(conn, "next_segment", str(seg_id + 1))
    meta["next_segment"] = str(seg_id + 1)


def _after_commit(conn, root: Path, generation: int) -> None:
    _write_manifest(conn, root)
    segs.collect_garbage(conn, root, generation)


def _write_manifest(conn, root: Path) -> None:
    gen.write_manifest(root, conn, package_version(), faiss_factory=segs.factories(root, conn),
                       segments=len(segs.live_segments(conn)))
