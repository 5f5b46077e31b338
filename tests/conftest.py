"""Shared fixtures. The seed index is real: the bundled model, FAISS, BM25 and SQLite over corpus/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"

# Heavy libraries must never reach the hub: everything here is offline.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# See tracuu/cli.py: spinning OpenMP waits are ruinous when tests share two cores with other processes.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory):
    """A real index over the five bundled articles, built once per test session."""
    import index
    from tracuu.settings import Settings

    folder = tmp_path_factory.mktemp("seed-index")
    idx, report = index.build([CORPUS], settings=Settings.load(folder))
    assert not report.skipped, report.skipped
    return idx


def copy_index(src: Path, dst: Path) -> None:
    """Copy an index folder that this process may have open. Never ``shutil.copytree`` a live SQLite file
    in-process: opening and closing the -shm/-wal files drops the POSIX locks that this process's open
    connections hold on them, and another process's checkpoint then corrupts the database ("database disk
    image is malformed"; seen here first). The SQLite backup API copies through SQLite's own locking."""
    import shutil
    import sqlite3

    from index import generation as gen

    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("tracuu.sqlite*", "*.lock"))
    source, target = sqlite3.connect(src / gen.DB_NAME), sqlite3.connect(dst / gen.DB_NAME)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
