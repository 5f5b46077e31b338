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
def cache_dir(tmp_path_factory) -> Path:
    """The model cache: $TRACUU_CACHE when set (CI sets it, so the conversion happens once per run)."""
    env = os.environ.get("TRACUU_CACHE")
    return Path(env) if env else tmp_path_factory.mktemp("tracuu-cache")


@pytest.fixture(scope="session")
def model_dir(cache_dir: Path) -> Path:
    """The bundled model materialised as a sentence-transformers folder."""
    from index.embed.e5convert import materialise_bundled_model

    return materialise_bundled_model(cache_dir)


@pytest.fixture(scope="session")
def st(model_dir: Path):
    """The stock sentence-transformers fp32 path over the bundled model."""
    from index.embed.sbert import SentenceTransformerEmbedder
    from index.settings import BUNDLED_MODEL

    return SentenceTransformerEmbedder(model_dir, model_id=BUNDLED_MODEL, dim=384)


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory):
    """A real index over the five bundled articles, built once per test session."""
    import index
    from index.settings import Settings

    folder = tmp_path_factory.mktemp("seed-index")
    idx, report = index.build([CORPUS], settings=Settings.load(folder))
    assert not report.skipped, report.skipped
    return idx


def index_of_articles(folder: Path, articles, date: str, *, also=()):
    """A real index under ``folder`` of (id, title, text) articles written by a test, all of ``date``, plus
    the sources ``also`` (e.g. the seed corpus) — nothing skipped."""
    import json

    import index
    from index.settings import Settings

    docs = folder / "articles.jsonl"
    docs.write_text("".join(json.dumps({"id": i, "title": t, "text": x, "date": date}, ensure_ascii=False) + "\n"
                            for i, t, x in articles), encoding="utf-8")
    idx, report = index.build([*also, docs], settings=Settings.load(folder / "idx"))
    assert not report.skipped, report.skipped
    return idx


def copy_index(src: Path, dst: Path) -> None:
    """Copy an index folder that this process may have open. Never ``shutil.copytree`` a live SQLite file
    in-process: opening and closing the -shm/-wal files drops the POSIX locks that this process's open
    connections hold on them, and another process's checkpoint then corrupts the database ("database disk
    image is malformed"; seen here first). The SQLite backup API copies through SQLite's own locking."""
    import shutil
    import sqlite3

    from index.store import generations as gen

    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("tracuu.sqlite*", "*.lock"))
    source, target = sqlite3.connect(src / gen.DB_NAME), sqlite3.connect(dst / gen.DB_NAME)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def to_cp1258(text: str) -> bytes:
    """Vietnamese text as Windows-1258 writes it: base letters precomposed (â, ơ, đ), the five tones as
    combining marks."""
    import unicodedata

    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in d if c in "\u0300\u0301\u0309\u0303\u0323")
        out.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in tones)) + tones)
    return "".join(out).encode("cp1258")


def written_questions(data_file: str, known: dict[str, str], *, strict: bool = True) -> list:
    """The questions of tests/data/``data_file`` (JSON lines with an "id"), one pytest param each; those in
    ``known`` are expected to fail, for the reason given (strict: one that starts passing says so)."""
    import json

    lines = (Path(__file__).parent / "data" / data_file).read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    return [pytest.param(i, id=i["id"], marks=pytest.mark.xfail(reason=known[i["id"]], strict=strict))
            if i["id"] in known else pytest.param(i, id=i["id"]) for i in items]
