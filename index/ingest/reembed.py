"""``tracuu reindex``: every stored passage embedded again with the current model, the index rebuilt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.store import sqlite as store
from index.store import writer

from .prepare import embedding_input

if TYPE_CHECKING:
    import sqlite3

    from index.embed import Embedder


@dataclass(frozen=True)
class _Inputs:
    """Just the embedding side of ``PreparedArticle``, for re-embedding stored passages."""

    vector_keys: tuple[str, ...]
    model_inputs: tuple[str, ...]


def reembed_all(conn: "sqlite3.Connection", root: Path, embedder: "Embedder", *, batch: int) -> int:
    """Embed what the current model has no vector for, rebuild the derived files; returns the count embedded.
    The caller holds the write lock."""
    rows = conn.execute(
        "SELECT p.vector_key, a.title, p.text FROM passages p JOIN articles a USING(doc_id)"
    ).fetchall()
    prepared = [_Inputs(tuple(r[0] for r in rows), tuple(embedding_input(r[1], r[2]) for r in rows))]
    store.set_meta(conn, "model_id", embedder.model_id)
    store.set_meta(conn, "dim", str(embedder.dim))
    embedded, _ = writer.embed_missing(conn, embedder, prepared, batch=batch)
    writer.commit(conn, root, lambda c: store.prune_vectors(c), rebuild=True)
    return embedded
