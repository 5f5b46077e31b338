"""The one writer of an index folder: its lock, its connection, vectors embedded ahead of the rows, and the
commit that applies row changes and builds the next generation's files in one SQLite transaction."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from tracuu import __version__

from . import generations as gen
from . import sqlite as store

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
    return conn


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


def commit(conn: "sqlite3.Connection", root: Path, apply: Callable[["sqlite3.Connection"], object]) -> None:
    """Apply row changes and build the next generation's files in one SQLite transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        apply(conn)
        meta = store.get_meta(conn)
        next_generation = int(meta["generation"]) + 1
        info = gen.build_generation(conn, root, next_generation, meta["model_id"], int(meta["dim"]))
        store.set_meta(conn, "generation", str(next_generation))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    gen.write_manifest(root, conn, __version__, faiss_factory=info.factory)
    gen.collect_garbage(root, keep={next_generation, next_generation - 1})
