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
