"""Where each article came from, and its republished copies.

- ``article_sources``: the file (and JSONL line) an article was last read from, when, and that file's
  size/mtime/hash, so ``tracuu sync`` can tell new, changed and vanished files apart and remove only the
  articles that came from the synced folders.
- ``sync_files``: every file a sync has seen (path, size, mtime, sha256), so an untouched file is not
  even opened on the next pass.
- ``duplicates``: near-copies of a stored article (its *canonical*), kept with their own title/url/date/
  path and text, so answers cite every source and a copy can take the canonical's place if it is removed.
- ``minhash`` / ``minhash_bands``: each canonical article's MinHash signature and LSH band keys.

Rows are tied to ``articles`` by ON DELETE CASCADE where the article owns them (its source, signature,
bands); duplicates are not, because replacing a changed canonical must not drop its copies.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Iterable, Sequence

_SCHEMA = """
CREATE TABLE IF NOT EXISTS article_sources (
    doc_id TEXT PRIMARY KEY REFERENCES articles(doc_id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    line INTEGER,
    synced_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS article_sources_path ON article_sources(path);
CREATE TABLE IF NOT EXISTS sync_files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    synced_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS duplicates (
    doc_id TEXT PRIMARY KEY,
    canonical_id TEXT NOT NULL,
    similarity REAL NOT NULL,
    title TEXT NOT NULL,
    url TEXT, date TEXT,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    line INTEGER,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    synced_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS duplicates_canonical ON duplicates(canonical_id);
CREATE INDEX IF NOT EXISTS duplicates_path ON duplicates(path);
CREATE TABLE IF NOT EXISTS minhash (
    doc_id TEXT PRIMARY KEY REFERENCES articles(doc_id) ON DELETE CASCADE,
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS minhash_bands (
    band_key INTEGER NOT NULL,
    doc_id TEXT NOT NULL REFERENCES articles(doc_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS minhash_bands_key ON minhash_bands(band_key);
CREATE INDEX IF NOT EXISTS minhash_bands_doc ON minhash_bands(doc_id);
"""


@dataclass(frozen=True)
class SourceRecord:
    """One source of an article: the file it was read from (and line, for JSONL), its URL and date."""

    doc_id: str
    path: str
    line: int | None
    url: str | None
    date: str | None
    title: str
    synced_at: str | None
    canonical: bool  # False for a republished copy merged into another article


@dataclass(frozen=True)
class DuplicateRow:
    doc_id: str
    canonical_id: str
    similarity: float
    title: str
    url: str | None
    date: str | None
    kind: str
    path: str
    line: int | None
    content_hash: str
    text: str


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def init(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)


def has_tables(conn: sqlite3.Connection) -> bool:
    """False for an index built before sources were recorded (readers then see no sources, no copies)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='duplicates'").fetchone() is not None


def split_origin(origin: str) -> tuple[str, int | None]:
    """'path/x.jsonl:12' → ('path/x.jsonl', 12); a plain path → (path, None)."""
    head, sep, tail = origin.rpartition(":")
    if sep and tail.isdigit() and head:
        return head, int(tail)
    return origin, None


# --- sources ---------------------------------------------------------------------------------------


def put_source(conn: sqlite3.Connection, doc_id: str, origin: str, synced_at: str) -> None:
    path, line = split_origin(origin)
    conn.execute("INSERT OR REPLACE INTO article_sources(doc_id, path, line, synced_at) VALUES (?, ?, ?, ?)",
                 (doc_id, path, line, synced_at))


def docs_from_paths(conn: sqlite3.Connection, paths: Sequence[str]) -> tuple[set[str], set[str]]:
    """(canonical doc_ids, duplicate doc_ids) read from these files."""
    articles: set[str] = set()
    copies: set[str] = set()
    for chunk in _chunks(list(paths), 900):
        marks = ",".join("?" * len(chunk))
        articles.update(r[0] for r in conn.execute(f"SELECT doc_id FROM article_sources WHERE path IN ({marks})", chunk))
        copies.update(r[0] for r in conn.execute(f"SELECT doc_id FROM duplicates WHERE path IN ({marks})", chunk))
    return articles, copies


def sources_of(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, list[SourceRecord]]:
    """doc_id → its sources, the article's own first, then its merged copies."""
    out: dict[str, list[SourceRecord]] = {}
    if not has_tables(conn):
        return out
    for chunk in _chunks(sorted(set(doc_ids)), 900):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            "SELECT a.doc_id, coalesce(s.path, a.origin), s.line, a.url, a.date, a.title, s.synced_at"
            f" FROM articles a LEFT JOIN article_sources s USING(doc_id) WHERE a.doc_id IN ({marks})", chunk
        ):
            out.setdefault(row[0], []).insert(0, SourceRecord(*row, canonical=True))
        for row in conn.execute(
            "SELECT canonical_id, doc_id, path, line, url, date, title, synced_at FROM duplicates"
            f" WHERE canonical_id IN ({marks}) ORDER BY doc_id", chunk
        ):
            out.setdefault(row[0], []).append(SourceRecord(*row[1:], canonical=False))
    return out


def merged_sources(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, tuple[SourceRecord, ...]]:
    """doc_id → all its sources, only for articles that have merged copies."""
    if not has_tables(conn):
        return {}
    merged: set[str] = set()
    for chunk in _chunks(sorted(set(doc_ids)), 900):
        marks = ",".join("?" * len(chunk))
        merged.update(r[0] for r in conn.execute(
            f"SELECT DISTINCT canonical_id FROM duplicates WHERE canonical_id IN ({marks})", chunk))
    if not merged:
        return {}
    return {d: tuple(found) for d, found in sources_of(conn, merged).items()}


# --- sync files ------------------------------------------------------------------------------------


def sync_file_states(conn: sqlite3.Connection, roots: Sequence[str]) -> dict[str, tuple[int, int, str]]:
    """path → (size, mtime_ns, sha256) of the files seen under ``roots`` by earlier syncs."""
    out = {}
    for path, size, mtime, digest in conn.execute("SELECT path, size, mtime_ns, sha256 FROM sync_files"):
        if any(_under(path, root) for root in roots):
            out[path] = (size, mtime, digest)
    return out


def recorded_paths(conn: sqlite3.Connection, roots: Sequence[str]) -> set[str]:
    """Files under ``roots`` that some stored article or copy was read from."""
    paths = {r[0] for r in conn.execute("SELECT DISTINCT path FROM article_sources")}
    paths |= {r[0] for r in conn.execute("SELECT DISTINCT path FROM duplicates")}
    return {p for p in paths if any(_under(p, root) for root in roots)}


def put_sync_file(conn: sqlite3.Connection, path: str, size: int, mtime_ns: int, digest: str, synced_at: str) -> None:
    conn.execute("INSERT OR REPLACE INTO sync_files(path, size, mtime_ns, sha256, synced_at) VALUES (?, ?, ?, ?, ?)",
                 (path, size, mtime_ns, digest, synced_at))


def forget_sync_files(conn: sqlite3.Connection, paths: Iterable[str]) -> None:
    conn.executemany("DELETE FROM sync_files WHERE path = ?", [(p,) for p in paths])


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


# --- duplicates and signatures -----------------------------------------------------------------------


def duplicate_hashes(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT doc_id, content_hash FROM duplicates").fetchall())


def put_duplicate(conn: sqlite3.Connection, row: DuplicateRow, synced_at: str) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO duplicates(doc_id, canonical_id, similarity, title, url, date, kind, path, line,"
        " content_hash, text, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row.doc_id, row.canonical_id, row.similarity, row.title, row.url, row.date, row.kind, row.path,
         row.line, row.content_hash, row.text, synced_at),
    )


def duplicates_of(conn: sqlite3.Connection, canonical_ids: Iterable[str]) -> list[DuplicateRow]:
    out = []
    for chunk in _chunks(sorted(set(canonical_ids)), 900):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            "SELECT doc_id, canonical_id, similarity, title, url, date, kind, path, line, content_hash, text"
            f" FROM duplicates WHERE canonical_id IN ({marks}) ORDER BY doc_id", chunk
        ):
            out.append(DuplicateRow(*row))
    return out


def delete_duplicates(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> int:
    return sum(conn.execute("DELETE FROM duplicates WHERE doc_id = ?", (d,)).rowcount for d in doc_ids)


def count_duplicates(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM duplicates").fetchone()[0] if has_tables(conn) else 0


def put_signature(conn: sqlite3.Connection, doc_id: str, blob: bytes, keys: Sequence[int]) -> None:
    conn.execute("DELETE FROM minhash_bands WHERE doc_id = ?", (doc_id,))
    conn.execute("INSERT OR REPLACE INTO minhash(doc_id, signature) VALUES (?, ?)", (doc_id, blob))
    conn.executemany("INSERT INTO minhash_bands(band_key, doc_id) VALUES (?, ?)", [(k, doc_id) for k in keys])


def candidates(conn: sqlite3.Connection, keys: Sequence[int]) -> dict[str, bytes]:
    """Stored articles sharing at least one band key: doc_id → signature blob."""
    marks = ",".join("?" * len(keys))
    return dict(conn.execute(
        f"SELECT m.doc_id, m.signature FROM minhash m WHERE m.doc_id IN"
        f" (SELECT doc_id FROM minhash_bands WHERE band_key IN ({marks}))", list(keys)
    ).fetchall())


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
