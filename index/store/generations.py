"""Crash-safe commits: SQLite rows and the FAISS/BM25 files of one *generation* always agree.

Layout of an index folder::

    tracuu.sqlite        articles, passages, facets, vectors, meta (incl. the committed generation)
    gen-000007/          dense.faiss, lexical/, info.json  — derived from the rows of generation 7
    manifest.json        a readable summary, rewritten after each commit
    write.lock           held by the one writer

A writer builds ``gen-N+1`` completely (temp folder, fsync, rename) *inside* its open SQLite transaction,
then commits the rows together with ``generation = N+1``. A kill before that commit leaves SQLite at N and
``gen-N`` untouched; a kill after it leaves a complete ``gen-N+1``. Readers follow the generation recorded
in SQLite, so they never see files from a generation that did not commit. The previous generation is
kept one commit longer for readers that are still using it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import sqlite as store
from .dense import DenseIndex, choose_factory
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


def build_generation(conn: sqlite3.Connection, root: Path, generation: int, model_id: str, dim: int) -> GenerationInfo:
    """Write the derived files of ``generation`` from the rows visible to ``conn`` (an open transaction)."""
    pids, vectors = store.passage_vectors(conn, model_id, dim)
    all_pids = store.all_pids(conn)
    if len(pids) != len(all_pids):
        raise IndexConsistencyError(
            f"{len(all_pids) - len(pids)} passages have no stored vector for model {model_id}; "
            "run `tracuu reindex` to embed them again"
        )
    texts = dict(store.iter_passage_texts(conn))
    factory = choose_factory(len(pids))
    dense = DenseIndex.build(pids, vectors, dim, factory)
    lexical = LexicalIndex.build(pids, (texts[int(p)] for p in pids))
    info = GenerationInfo(generation, len(pids), GenerationInfo.checksum(pids), factory)

    final = gen_dir(root, generation)
    tmp = root / f".tmp-{final.name}-{os.getpid()}"
    for stale in (final, tmp):
        if stale.exists():  # left by a writer killed before its commit: never committed, safe to drop
            shutil.rmtree(stale)
    tmp.mkdir(parents=True)
    dense.save(tmp / "dense.faiss")
    lexical.save(tmp / "lexical")
    (tmp / "info.json").write_text(json.dumps(info.__dict__))
    _fsync_tree(tmp)
    os.rename(tmp, final)
    _fsync_dir(root)
    return info


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
    meta = store.get_meta(conn)
    generation = int(meta.get("generation", "0"))
    if generation == 0:
        return []
    problems: list[str] = []
    try:
        dense, lexical, info = load_generation(root, generation)
    except IndexConsistencyError as exc:
        return [str(exc)]
    pids = store.all_pids(conn)
    expected = GenerationInfo.checksum(pids)
    if len(dense) != len(pids) or GenerationInfo.checksum(np.sort(dense.ids())) != expected:
        problems.append(f"FAISS holds {len(dense)} vectors but the database has {len(pids)} passages")
    if len(lexical) != len(pids) or GenerationInfo.checksum(lexical.pids) != expected:
        problems.append(f"the BM25 index holds {len(lexical)} passages but the database has {len(pids)}")
    if info.generation != generation:
        problems.append(f"generation folder says {info.generation}, database says {generation}")
    missing = conn.execute(
        "SELECT COUNT(*) FROM passages p LEFT JOIN vectors v ON v.vector_key = p.vector_key AND v.model_id = ?"
        " WHERE v.vector IS NULL",
        (meta.get("model_id"),),
    ).fetchone()[0]
    if missing:
        problems.append(f"{missing} passages have no stored vector")
    return problems


def collect_garbage(root: Path, keep: set[int]) -> None:
    for folder in root.glob("gen-*"):
        try:
            number = int(folder.name.split("-", 1)[1])
        except ValueError:
            continue
        if number not in keep:
            shutil.rmtree(folder, ignore_errors=True)
    for tmp in root.glob(".tmp-gen-*"):
        if time.time() - tmp.stat().st_mtime > 3600:
            shutil.rmtree(tmp, ignore_errors=True)


def write_manifest(root: Path, conn: sqlite3.Connection, package_version: str, *, faiss_factory: str) -> dict:
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


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    for path in [folder, *[p for p in folder.rglob("*") if p.is_dir()]]:
        _fsync_dir(path)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
