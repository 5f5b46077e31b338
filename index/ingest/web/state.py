"""What the index remembers about the web, in its SQLite file beside ``article_sources``:

- ``web_pages``: per URL (normal form) the validators of the copy ingested (ETag, Last-Modified), the
  body's sha256, the doc_id, and when it was fetched — so the next run asks "changed since?" and a 304
  costs no download, no extraction and no embedding;
- ``web_listed``: which feed (or sitemap) lists which URL; ``''`` as the listing marks a URL asked for by
  name. ``sync --feeds`` removes an article only when the feeds it syncs no longer list its URL and
  nothing else (another feed, a direct ingest) still does.

The article's own provenance stays in ``article_sources`` (its path is the URL), like a file's."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterable

DIRECT = ""  # the "listing" of a URL given by name: never removed by a feed sync

_SCHEMA = """
CREATE TABLE IF NOT EXISTS web_pages (
    url TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS web_listed (
    listing TEXT NOT NULL,
    url TEXT NOT NULL,
    PRIMARY KEY (listing, url)
);
CREATE INDEX IF NOT EXISTS web_listed_url ON web_listed(url);
"""


@dataclass(frozen=True)
class PageState:
    url: str
    doc_id: str
    etag: str | None
    last_modified: str | None
    sha256: str


def init(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)


def has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='web_listed'").fetchone() is not None


def all_listed(conn: sqlite3.Connection) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for listing, url in conn.execute("SELECT listing, url FROM web_listed"):
        out.setdefault(listing, set()).add(url)
    return out


def pages(conn: sqlite3.Connection) -> dict[str, PageState]:
    return {row[0]: PageState(*row) for row in
            conn.execute("SELECT url, doc_id, etag, last_modified, sha256 FROM web_pages")}


def put_page(conn: sqlite3.Connection, state: PageState, fetched_at: str) -> None:
    conn.execute("INSERT OR REPLACE INTO web_pages(url, doc_id, etag, last_modified, sha256, fetched_at)"
                 " VALUES (?, ?, ?, ?, ?, ?)",
                 (state.url, state.doc_id, state.etag, state.last_modified, state.sha256, fetched_at))


def listed(conn: sqlite3.Connection, listing: str) -> set[str]:
    return {r[0] for r in conn.execute("SELECT url FROM web_listed WHERE listing = ?", (listing,))}


def listings_of(conn: sqlite3.Connection, url: str) -> set[str]:
    return {r[0] for r in conn.execute("SELECT listing FROM web_listed WHERE url = ?", (url,))}


def add_listed(conn: sqlite3.Connection, listing: str, urls: Iterable[str]) -> None:
    conn.executemany("INSERT OR IGNORE INTO web_listed(listing, url) VALUES (?, ?)", [(listing, u) for u in urls])


def drop_listed(conn: sqlite3.Connection, listing: str, urls: Iterable[str]) -> None:
    conn.executemany("DELETE FROM web_listed WHERE listing = ? AND url = ?", [(listing, u) for u in urls])


def forget_pages(conn: sqlite3.Connection, urls: Iterable[str]) -> None:
    conn.executemany("DELETE FROM web_pages WHERE url = ?", [(u,) for u in urls])
