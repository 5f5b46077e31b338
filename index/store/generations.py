"""The committed generation, the manifest, the health check, and the reader of indexes written before
segments (see ``segments.py`` for today's layout and its crash safety).

An index written before segments held one whole-index folder per generation (``gen-000007/``: dense.faiss,
lexical/ in bm25s format, info.json). Such an index is still read and checked as it is; its next commit
writes all its passages as one segment and deletes the folder. The generation number stays what readers
follow: every commit or merge raises it, in the same SQLite transaction as the rows it describes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import sqlite as store
from .dense import DenseIndex
from .lexical import LexicalIndex

DB_NAME = "tracuu.sqlite"
MANIFEST_NAME = "manifest.json"
LOCK_NAME = "write.lock"


class IndexConsistencyError(RuntimeError):
    pass


def gen_dir(root: Path, generation: int) -> Path:
    return root / f"gen-{generation:06d}"


@dataclass(frozen=True)
class GenerationInfo:
    generation: int
    passages: int
    pid_checksum: int
    factory: str

    @staticmethod
    def checksum(pids: np.ndarray) -> int:
        # Order-independent, cheap, and different for any realistic change of the pid set.
        return int(np.bitwise_xor.reduce((pids * 0x9E3779B1) & 0xFFFFFFFFFFFF, initial=0)) ^ len(pids)


def load_generation(root: Path, generation: int) -> tuple[DenseIndex, LexicalIndex, GenerationInfo]:
    folder = gen_dir(root, generation)
    try:
        info = GenerationInfo(**json.loads((folder / "info.json").read_text()))
        dense = DenseIndex.load(folder / "dense.faiss", info.factory)
        lexical = LexicalIndex.load(folder / "lexical")
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise IndexConsistencyError(
            f"the files of generation {generation} in {folder} cannot be read ({exc}); "
            f"run `tracuu reindex --index {root}` to rebuild them from the database"
        ) from exc
    return dense, lexical, info


def verify(conn: sqlite3.Connection, root: Path) -> list[str]:
    """Problems that make the database, the vectors and the keyword index disagree (empty when healthy)."""
    from . import segments

    meta = store.get_meta(conn)
    generation = int(meta.get("generation", "0"))
    if generation == 0:
        return []
    if "segmented_upto" not in meta:
        problems = _verify_legacy(conn, root, generation)
    else:
        problems = segments.verify(conn, root)
    missing = conn.execute(
        "SELECT COUNT(*) FROM passages p LEFT JOIN vectors v ON v.vector_key = p.vector_key AND v.model_id = ?"
        " WHERE v.vector IS NULL",
        (meta.get("model_id"),),
    ).fetchone()[0]
    if missing:
        problems.append(f"{missing} passages have no stored vector")
    return problems


def _verify_legacy(conn: sqlite3.Connection, root: Path, generation: int) -> list[str]:
    """An index written before segments: one generation folder of whole-index files (the next commit
    replaces it with a segment)."""
    try:
        dense, lexical, info = load_generation(root, generation)
    except IndexConsistencyError as exc:
        return [str(exc)]
    problems: list[str] = []
    pids = store.all_pids(conn)
    expected = GenerationInfo.checksum(pids)
    if len(dense) != len(pids) or GenerationInfo.checksum(np.sort(dense.ids())) != expected:
        problems.append(f"FAISS holds {len(dense)} vectors but the database has {len(pids)} passages")
    if len(lexical) != len(pids) or GenerationInfo.checksum(lexical.pids) != expected:
        problems.append(f"the BM25 index holds {len(lexical)} passages but the database has {len(pids)}")
    if info.generation != generation:
        problems.append(f"generation folder says {info.generation}, database says {generation}")
    return problems


def write_manifest(root: Path, conn: sqlite3.Connection, package_version: str, *, faiss_factory: str,
                   segments: int | None = None) -> dict:
    """``faiss_factory`` is the structure the committed generation was built with (GenerationInfo)."""
    meta = store.get_meta(conn)
    articles, passages = store.counts(conn)
    previous = read_manifest(root) or {}
    manifest = {
        "schema_version": int(meta["schema_version"]),
        "package": "tracuu",
        "package_version": package_version,
        "model_id": meta["model_id"],
        "dimension": int(meta["dim"]),
        "faiss_factory": faiss_factory,
        "generation": int(meta["generation"]),
        **({"segments": segments} if segments is not None else {}),
        "counts": {"articles": articles, "passages": passages},
        "created_at": previous.get("created_at") or _now(),
        "updated_at": _now(),
    }
    tmp = root / f".{MANIFEST_NAME}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / MANIFEST_NAME)
    return manifest


def read_manifest(root: Path) -> dict | None:
    try:
        return json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
