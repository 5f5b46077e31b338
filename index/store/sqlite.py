"""SQLite store: articles, passages, entities, facets and the embedding cache.

SQLite is the index's source of truth. The FAISS and BM25 files of a generation are derived from it, and
the generation number they were built for is committed in the same transaction as the rows (see
``generations.py``), so a crash can never leave rows and vectors that disagree.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from index.records import Article, ArticleEntities, DocRef, Locality, Passage

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    doc_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    origin TEXT NOT NULL,
    date TEXT, author TEXT, url TEXT,
    entities TEXT NOT NULL DEFAULT '{}',
    converted_from TEXT,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
-- pid is AUTOINCREMENT so an id is never reused: a stale vector can never alias a new passage.
CREATE TABLE IF NOT EXISTS passages (
    pid INTEGER PRIMARY KEY AUTOINCREMENT,
    passage_id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL REFERENCES articles(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    vector_key TEXT NOT NULL,
    page INTEGER
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id, ordinal);
-- Facets: one row per (passage, value); article-level values are copied to every passage of the article
-- so a filter is one indexed lookup.
CREATE TABLE IF NOT EXISTS facets (
    pid INTEGER NOT NULL REFERENCES passages(pid) ON DELETE CASCADE,
    facet TEXT NOT NULL,   -- 'doc' | 'locality' | 'year'
    value TEXT NOT NULL,   -- canonical key: 'QĐ:290', folded locality name, '2020'
    label TEXT NOT NULL    -- what a person reads: '290-QĐ/TW', 'quận Tây Hồ', '2020'
);
CREATE INDEX IF NOT EXISTS facets_lookup ON facets(facet, value);
CREATE INDEX IF NOT EXISTS facets_pid ON facets(pid);
CREATE TABLE IF NOT EXISTS vectors (
    vector_key TEXT NOT NULL,
    model_id TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (vector_key, model_id)
);
"""


class StoreError(RuntimeError):
    pass


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        # WAL: readers keep reading the last committed state while one writer works.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


# Columns added after an index may have been built; a writer adds them, a reader of an older index reads NULL.
_ADDED_COLUMNS = (("passages", "page", "INTEGER"), ("articles", "converted_from", "TEXT"))


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


def _col(conn: sqlite3.Connection, table: str, column: str, alias: str = "") -> str:
    """``column`` when the table has it, else NULL in its place (an index built before it was added)."""
    return f"{alias}{column}" if _has_column(conn, table, column) else f"NULL AS {column}"


def init_schema(conn: sqlite3.Connection, *, model_id: str, dim: int) -> None:
    conn.executescript(_SCHEMA)
    for table, column, kind in _ADDED_COLUMNS:
        if not _has_column(conn, table, column):
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    defaults = {
        "schema_version": str(SCHEMA_VERSION),
        "model_id": model_id,
        "dim": str(dim),
        "generation": "0",
    }
    for key, value in defaults.items():
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (key, value))


def get_meta(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot read the index database: {exc}") from exc


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))


# --- entities (de)serialisation -----------------------------------------------------------------


def entities_to_json(entities: ArticleEntities) -> str:
    return json.dumps(asdict(entities), ensure_ascii=False)


def entities_from_json(raw: str) -> ArticleEntities:
    data = json.loads(raw or "{}")
    if not data:
        return ArticleEntities()

    def loc(d: dict | None) -> Locality | None:
        return Locality(**d) if d else None

    return ArticleEntities(
        refs=tuple(DocRef(**r) for r in data.get("refs", [])),
        localities=tuple(Locality(**x) for x in data.get("localities", [])),
        bodies=tuple(data.get("bodies", [])),
        event_date=data.get("event_date"),
        people=tuple(tuple(p) for p in data.get("people", [])),
        primary_locality=loc(data.get("primary_locality")),
    )


# --- articles and passages ---------------------------------------------------------------------


def article_hashes(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT doc_id, content_hash FROM articles").fetchall())


def delete_articles(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> int:
    removed = 0
    for doc_id in doc_ids:
        removed += conn.execute("DELETE FROM articles WHERE doc_id = ?", (doc_id,)).rowcount
    return removed


def insert_article(
    conn: sqlite3.Connection,
    article: Article,
    entities: ArticleEntities,
    passages: Sequence[Passage],
    vector_keys: Sequence[str],
    passage_facets: Sequence[Sequence[tuple[str, str, str]]],
) -> None:
    """Insert one article with its passages and their facet rows (caller holds the transaction)."""
    conn.execute("DELETE FROM articles WHERE doc_id = ?", (article.doc_id,))
    conn.execute(
        "INSERT INTO articles(doc_id, title, text, content_hash, origin, date, author, url, entities, converted_from)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article.doc_id, article.title, article.text, article.content_hash, article.origin,
            article.date, article.author, article.url, entities_to_json(entities), article.converted_from,
        ),
    )
    for passage, key, facets in zip(passages, vector_keys, passage_facets, strict=True):
        cur = conn.execute(
            "INSERT INTO passages(passage_id, doc_id, ordinal, start, end, text, vector_key, page)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (passage.passage_id, passage.doc_id, passage.ordinal, passage.start, passage.end,
             passage.text, key, passage.page),
        )
        pid = cur.lastrowid
        conn.executemany(
            "INSERT INTO facets(pid, facet, value, label) VALUES (?, ?, ?, ?)",
            [(pid, facet, value, label) for facet, value, label in facets],
        )


def _article_from_row(row: tuple) -> Article:
    doc_id, title, text, content_hash, origin, date, author, url, converted_from = row
    return Article(doc_id=doc_id, title=title, text=text, content_hash=content_hash, origin=origin,
                   date=date, author=author, url=url, converted_from=converted_from)


_ARTICLE_COLUMNS = "doc_id, title, text, content_hash, origin, date, author, url"


def _article_columns(conn: sqlite3.Connection, alias: str = "") -> str:
    plain = ", ".join(alias + c.strip() for c in _ARTICLE_COLUMNS.split(","))
    return f"{plain}, {_col(conn, 'articles', 'converted_from', alias)}"


def get_article(conn: sqlite3.Connection, doc_id: str) -> Article | None:
    row = conn.execute(f"SELECT {_article_columns(conn)} FROM articles WHERE doc_id = ?", (doc_id,)).fetchone()
    return _article_from_row(row) if row else None


def get_entities(conn: sqlite3.Connection, doc_id: str) -> ArticleEntities:
    row = conn.execute("SELECT entities FROM articles WHERE doc_id = ?", (doc_id,)).fetchone()
    return entities_from_json(row[0]) if row else ArticleEntities()


def list_articles(conn: sqlite3.Connection) -> list[tuple[Article, int]]:
    rows = conn.execute(
        f"SELECT {_article_columns(conn, 'a.')}, "
        "(SELECT COUNT(*) FROM passages p WHERE p.doc_id = a.doc_id) FROM articles a ORDER BY a.doc_id"
    ).fetchall()
    return [(_article_from_row(r[:9]), r[9]) for r in rows]


def _passage_from_row(row: tuple) -> Passage:
    passage_id, doc_id, ordinal, start, end, text, page = row
    return Passage(passage_id=passage_id, doc_id=doc_id, ordinal=ordinal, start=start, end=end, text=text, page=page)


def passages_by_pid(conn: sqlite3.Connection, pids: Sequence[int]) -> dict[int, Passage]:
    out: dict[int, Passage] = {}
    page = _col(conn, "passages", "page")
    for chunk in _chunks(list(pids), 900):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT pid, passage_id, doc_id, ordinal, start, end, text, {page} FROM passages WHERE pid IN ({marks})",
            chunk,
        ):
            out[row[0]] = _passage_from_row(row[1:])
    return out


def passages_of(conn: sqlite3.Connection, doc_id: str) -> list[Passage]:
    rows = conn.execute(
        f"SELECT passage_id, doc_id, ordinal, start, end, text, {_col(conn, 'passages', 'page')} FROM passages"
        " WHERE doc_id = ? ORDER BY ordinal",
        (doc_id,),
    ).fetchall()
    return [_passage_from_row(r) for r in rows]


def pids_of_docs(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> set[int]:
    out: set[int] = set()
    for chunk in _chunks(list(doc_ids), 900):
        marks = ",".join("?" * len(chunk))
        out.update(r[0] for r in conn.execute(f"SELECT pid FROM passages WHERE doc_id IN ({marks})", chunk))
    return out


def docs_of_pids(conn: sqlite3.Connection, pids: Iterable[int]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(list(pids), 900):
        marks = ",".join("?" * len(chunk))
        out.update(r[0] for r in conn.execute(f"SELECT DISTINCT doc_id FROM passages WHERE pid IN ({marks})", chunk))
    return out


def pid_of(conn: sqlite3.Connection, passage_id: str) -> int | None:
    row = conn.execute("SELECT pid FROM passages WHERE passage_id = ?", (passage_id,)).fetchone()
    return row[0] if row else None


def article_meta(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, tuple[str, str | None, str | None]]:
    """doc_id → (title, url, date), for building hits without loading article texts. The date is the
    publication date, else the date of the event the article reports (as the corpus table and the exports
    show it): an article without a dateline still shows when it happened on its evidence cards."""
    ids = sorted(set(doc_ids))
    out: dict[str, tuple[str, str | None, str | None]] = {}
    for chunk in _chunks(ids, 900):
        marks = ",".join("?" * len(chunk))
        for doc_id, title, url, date in conn.execute(
            "SELECT doc_id, title, url, COALESCE(date, json_extract(entities, '$.event_date'))"
            f" FROM articles WHERE doc_id IN ({marks})", chunk
        ):
            out[doc_id] = (title, url, date)
    return out


def iter_passage_texts(conn: sqlite3.Connection) -> Iterator[tuple[int, str]]:
    """(pid, title + passage text): the keyword index sees the title too, as the embedder does, since a
    body often names its place or document only in the headline ("phường" vs "PHƯỜNG THANH KHÊ TÂY")."""
    yield from conn.execute(
        "SELECT p.pid, a.title || char(10) || p.text FROM passages p JOIN articles a USING(doc_id) ORDER BY p.pid"
    )


def all_pids(conn: sqlite3.Connection) -> np.ndarray:
    return np.fromiter((r[0] for r in conn.execute("SELECT pid FROM passages ORDER BY pid")), dtype=np.int64)


def counts(conn: sqlite3.Connection) -> tuple[int, int]:
    articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    passages = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
    return articles, passages


# --- vectors (embedding cache keyed by passage content) ----------------------------------------


def cached_vectors(conn: sqlite3.Connection, keys: Sequence[str], model_id: str, dim: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for chunk in _chunks(list(set(keys)), 900):
        marks = ",".join("?" * len(chunk))
        for key, blob in conn.execute(
            f"SELECT vector_key, vector FROM vectors WHERE model_id = ? AND vector_key IN ({marks})",
            [model_id, *chunk],
        ):
            vec = np.frombuffer(blob, dtype=np.float32)
            if vec.shape == (dim,):
                out[key] = vec
    return out


def put_vectors(conn: sqlite3.Connection, items: dict[str, np.ndarray], model_id: str) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO vectors(vector_key, model_id, vector) VALUES (?, ?, ?)",
        [(key, model_id, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items.items()],
    )


def passage_vectors(conn: sqlite3.Connection, model_id: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """(pids, vectors) of every passage, in pid order."""
    rows = conn.execute(
        "SELECT p.pid, v.vector FROM passages p JOIN vectors v ON v.vector_key = p.vector_key AND v.model_id = ?"
        " ORDER BY p.pid",
        (model_id,),
    ).fetchall()
    pids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    vectors = np.empty((len(rows), dim), dtype=np.float32)
    for i, (_, blob) in enumerate(rows):
        vectors[i] = np.frombuffer(blob, dtype=np.float32)
    return pids, vectors


def prune_vectors(conn: sqlite3.Connection) -> int:
    """Drop cached vectors no passage uses any more (keeps the cache from growing without bound)."""
    return conn.execute(
        "DELETE FROM vectors WHERE vector_key NOT IN (SELECT vector_key FROM passages)"
    ).rowcount


# --- facets -------------------------------------------------------------------------------------


def facet_values(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str, int]]]:
    """facet → [(value, label, article count)], most frequent first."""
    out: dict[str, list[tuple[str, str, int]]] = {}
    rows = conn.execute(
        # The longest label of a value is its fullest form ("114-KL/TW" over "114-KL"); SQLite takes the
        # bare column `label` from the row that holds the single MAX().
        "SELECT f.facet, f.value, f.label, MAX(length(f.label)), COUNT(DISTINCT p.doc_id) FROM facets f"
        " JOIN passages p ON p.pid = f.pid GROUP BY f.facet, f.value ORDER BY 5 DESC, 3"
    )
    for facet, value, label, _, n in rows:
        out.setdefault(facet, []).append((value, label, n))
    return out


def pids_with_facet(conn: sqlite3.Connection, facet: str, values: Sequence[str]) -> set[int]:
    return _with_facet(conn, "f.pid", facet, values)


def docs_with_facet(conn: sqlite3.Connection, facet: str, values: Sequence[str]) -> set[str]:
    return _with_facet(conn, "p.doc_id", facet, values)


def _with_facet(conn: sqlite3.Connection, column: str, facet: str, values: Sequence[str]) -> set:
    if not values:
        return set()
    marks = ",".join("?" * len(values))
    # Facet rows die with their passage (ON DELETE CASCADE), so the join drops nothing a pid query would keep.
    sql = (f"SELECT DISTINCT {column} FROM facets f JOIN passages p ON p.pid = f.pid"
           f" WHERE f.facet = ? AND f.value IN ({marks})")
    return {r[0] for r in conn.execute(sql, [facet, *values])}


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
