"""Web pages, sitemaps and feeds into the index: list, fetch (conditionally), ingest, remember, mirror.

One pass; fetching happens outside the index's write lock, which is taken only to ingest each batch of
fetched pages and to record the outcome:

1. read the listings (feeds, sitemaps): a listing answered 304, or with the bytes stored last time, is
   unchanged — its pages already in the index are not even asked for again;
2. fetch each page with the validators stored for it (304: nothing downloaded, extracted or embedded;
   the same bytes again: nothing extracted), and hand the rest to the ingest loop as HTML articles whose
   ``doc_id`` is derived from the URL (``urls.doc_id_for``), ``origin`` and ``url`` the URL itself, and
   date the feed's when it gives one (else trafilatura reads it from the page);
3. after the ingest committed, store the validators of what it stored (a kill before that only means
   fetching again), and which listing names which URL;
4. when mirroring (``tracuu sync --feeds``), remove the articles whose URL a re-read listing no longer
   names and nothing else lists.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field, fields
from itertools import islice
from typing import TYPE_CHECKING, Callable, Iterator

from index.records import SourceDoc
from index.store import provenance as prov
from index.store import sqlite as store

from ..pipeline import IngestReport, ingest_items
from ..sources import SkippedInput, UnreadableInput, decode_article
from . import state
from .fetch import Fetcher, FetchError, Page
from .listing import Item, ListingError, parse_listing
from .urls import BadUrl, doc_id_for, normalize_url

if TYPE_CHECKING:
    from ..pipeline import Context

_PAGE_KINDS = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "txt"}
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", re.IGNORECASE)
_MAX_SITEMAP_DEPTH = 3  # a sitemap index of sitemap indexes of sitemaps, no deeper
# Pages fetched between two writes: memory stays bounded (32 × Settings.web_max_page_bytes at worst) and
# the lock is taken once per 32 pages, not per page.
_PAGES_PER_WRITE = 32


@dataclass(frozen=True)
class WebRequest:
    urls: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    mirror: bool = False  # sync: a page its feed no longer lists is removed
    allow_private: bool = True  # the web page sets False: no loopback or private-network hosts


@dataclass(frozen=True)
class WebReport:
    ingest: IngestReport
    removed: tuple[str, ...] = ()
    fetched: int = 0  # answers with a body (200)
    not_modified: int = 0  # 304 answers, and pages of an unchanged listing not asked for at all
    listings: int = 0
    seconds: float = 0.0

    @property
    def skipped(self) -> tuple[SkippedInput, ...]:
        return self.ingest.skipped


@dataclass
class _Pass:
    """One pass's plan and findings, filled step by step."""

    pages: dict[str, Item] = field(default_factory=dict)  # url → item, in listing order
    listed: dict[str, set[str]] = field(default_factory=dict)  # listing re-read now → the URLs it names
    quiet: set[str] = field(default_factory=set)  # pages an unchanged listing names: not asked again
    skipped: list[SkippedInput] = field(default_factory=list)
    states: dict[str, state.PageState] = field(default_factory=dict)  # to store once the ingest committed
    unchanged_pages: int = 0
    before: dict[str, set[str]] = field(default_factory=dict)  # listing → the URLs it named last time


def run_web(read_conn, writing: Callable, settings, request: WebRequest, progress: Callable[[str], None] | None = None,
            on_progress=None, *, fetcher: Fetcher | None = None) -> WebReport:
    """One pass. Fetching happens outside the write lock (a slow site must not hold up uploads): the
    stored validators are read through ``read_conn`` (None: no index yet), and ``writing(work,
    on_progress, total)`` (``Index._writing``) runs ``work(Context)`` under the lock — once per batch of
    fetched pages, and once at the end to record the listings and remove what a mirrored feed dropped
    (not at all when nothing changed: a quiet pass neither takes the lock nor loads the model)."""
    started = time.perf_counter()

    def write(work):
        return writing(work, on_progress, None)

    fetcher = fetcher or Fetcher(settings, allow_private=request.allow_private)
    run = _Pass()
    known, present, run.before = _stored(read_conn)
    for listing in (*request.feeds, *request.sitemaps):
        _read_listing(run, fetcher, known, listing, depth=_MAX_SITEMAP_DEPTH)
    for url in request.urls:
        try:
            run.pages.setdefault(normalize_url(url), Item(normalize_url(url)))
        except BadUrl as exc:
            run.skipped.append(SkippedInput(url, str(exc)))
    reports = []
    pending = _sources(run, fetcher, known, present, progress)
    while batch := list(islice(pending, min(_PAGES_PER_WRITE, max(1, settings.ingest_batch_articles)))):
        reports.append(write(lambda ctx: _ingest_batch(ctx, run, batch)))
    removed = write(lambda ctx: _remember(ctx, run, request)) if _anything_to_record(run, request) else []
    return WebReport(ingest=_combined(reports), removed=tuple(removed), fetched=fetcher.counts[200],
                     not_modified=fetcher.counts[304] + run.unchanged_pages,
                     listings=len(request.feeds) + len(request.sitemaps), seconds=time.perf_counter() - started)


def _stored(conn) -> tuple[dict[str, state.PageState], set[str], dict[str, set[str]]]:
    """(validators by URL, doc_ids in the index, URLs by listing) as last committed."""
    if conn is None or not state.has_tables(conn):
        return {}, set(), {}
    present = set(store.article_hashes(conn)) | (set(prov.duplicate_hashes(conn)) if prov.has_tables(conn) else set())
    return state.pages(conn), present, state.all_listed(conn)


def _ingest_batch(ctx: "Context", run: _Pass, batch: list) -> IngestReport:
    """Ingest a batch of fetched pages, then keep the validators of those whose article the index now
    holds (a page refused now is fetched whole next time, and its error shown again)."""
    state.init(ctx.conn)
    report = ingest_items(ctx, batch)
    present = set(store.article_hashes(ctx.conn)) | set(prov.duplicate_hashes(ctx.conn))
    refused = {s.origin for s in report.skipped}
    stamp = prov.now()
    ctx.conn.execute("BEGIN IMMEDIATE")
    for url in {item.origin for item in batch}:
        page_state = run.states.pop(url, None)
        if page_state is not None and url not in refused and page_state.doc_id in present:
            state.put_page(ctx.conn, page_state, stamp)
    ctx.conn.execute("COMMIT")
    return report


def _anything_to_record(run: _Pass, request: WebRequest) -> bool:
    direct = {normalize_url(u) for u in request.urls if _ok(u)}
    return bool(run.states or run.listed or direct - run.before.get(state.DIRECT, set()))


def _combined(reports: list[IngestReport]) -> IngestReport:
    """One report for the batches: their lists joined, their counts and times added."""
    merged = IngestReport()
    for report in reports:
        merged = IngestReport(**{f.name: getattr(merged, f.name) + getattr(report, f.name) for f in fields(IngestReport)})
    return merged


def _read_listing(run: _Pass, fetcher: Fetcher, known: dict[str, state.PageState], url: str, *, depth: int) -> None:
    """Add a feed's or sitemap's pages to the plan (a sitemap index: its sitemaps' pages)."""
    try:
        key = normalize_url(url)
        old = known.get(key)
        page = fetcher.get(key, etag=old and old.etag, last_modified=old and old.last_modified)
        digest = hashlib.sha256(page.body).hexdigest() if not page.not_modified else None
        if page.not_modified or (old is not None and digest == old.sha256):
            urls = run.before.get(key, set())
            run.quiet.update(urls)
            for item_url in urls:
                run.pages.setdefault(item_url, Item(item_url))
            if digest is not None:
                run.states[key] = state.PageState(key, "", page.etag, page.last_modified, digest)
            return
        listing = parse_listing(page.body, page.final_url, limit=fetcher.settings.web_max_urls)
    except (FetchError, ListingError, BadUrl) as exc:
        run.skipped.append(SkippedInput(url, str(exc)))
        return
    if listing.sitemaps and depth > 0:
        for child in listing.sitemaps:
            _read_listing(run, fetcher, known, child, depth=depth - 1)
    if not listing.items and not listing.sitemaps:
        run.skipped.append(SkippedInput(url, "the listing names no pages"))
    run.listed[key] = {i.url for i in listing.items}
    for item in listing.items:
        run.pages.setdefault(item.url, item)
    run.states[key] = state.PageState(key, "", page.etag, page.last_modified, digest)


def _sources(run: _Pass, fetcher: Fetcher, known: dict[str, state.PageState], present: set[str],
             progress: Callable[[str], None] | None) -> Iterator[SourceDoc | SkippedInput]:
    """The pages to ingest, fetched one by one as the ingest loop asks for them."""
    yield from run.skipped
    for n, (url, item) in enumerate(run.pages.items(), start=1):
        doc_id = doc_id_for(url)
        old = known.get(url)
        current = old is not None and old.doc_id in present  # else the article was removed: fetch it whole
        if url in run.quiet and current:
            run.unchanged_pages += 1
            continue
        if progress is not None:
            progress(f"{n}/{len(run.pages)} {url}")
        try:
            page = fetcher.get(url, etag=old.etag if current else None,
                               last_modified=old.last_modified if current else None)
            if page.not_modified:
                continue
            digest = hashlib.sha256(page.body).hexdigest()
            run.states[url] = state.PageState(url, doc_id, page.etag, page.last_modified, digest)
            if current and digest == old.sha256:
                run.unchanged_pages += 1
                continue
            yield _page_source(page, item, doc_id)
        except FetchError as exc:
            run.states.pop(url, None)
            yield SkippedInput(url, str(exc))


def _page_source(page: Page, item: Item, doc_id: str) -> SourceDoc:
    kind = _PAGE_KINDS.get(page.content_type)
    if kind is None:
        raise FetchError(f"not a web page ({page.content_type or 'no content type'}); save the file and "
                         "ingest it with `tracuu ingest FILE`")
    return SourceDoc(doc_id=doc_id, raw_text=_decode(page), kind=kind, origin=page.url, url=page.url,
                     date=item.date, title=item.title)


def _decode(page: Page) -> str:
    """The page's text: the charset the server names, else the page's own <meta charset>, else UTF-8 or
    a legacy Vietnamese encoding as for files (``sources.decode_article``)."""
    sniffed = _META_CHARSET.search(page.body[:4096])
    for charset in (page.charset, sniffed and sniffed.group(1).decode("ascii", "replace")):
        if charset:
            try:
                return page.body.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
    try:
        return decode_article(page.body)[0]
    except UnreadableInput as exc:
        raise FetchError(str(exc)) from None


def _remember(ctx: "Context", run: _Pass, request: WebRequest) -> list[str]:
    """Store the listings' validators and which listing names which URL; when mirroring, remove the
    articles whose URL a re-read listing dropped and nothing else lists."""
    from ..sync import remove_docs

    conn = ctx.conn
    state.init(conn)
    present = set(store.article_hashes(conn)) | set(prov.duplicate_hashes(conn))
    stamp = prov.now()
    conn.execute("BEGIN IMMEDIATE")
    for page_state in run.states.values():  # listings, and pages whose bytes had not changed
        if not page_state.doc_id or page_state.doc_id in present:
            state.put_page(conn, page_state, stamp)
    state.add_listed(conn, state.DIRECT, [normalize_url(u) for u in request.urls if _ok(u)])
    gone: set[str] = set()
    for listing, urls in run.listed.items():
        state.add_listed(conn, listing, urls)
        if request.mirror:
            dropped = state.listed(conn, listing) - urls
            state.drop_listed(conn, listing, dropped)
            gone |= {u for u in dropped if not state.listings_of(conn, u)}
    state.forget_pages(conn, gone)
    conn.execute("COMMIT")
    if not gone:
        return []
    articles, copies = prov.docs_from_paths(conn, sorted(gone))
    return remove_docs(ctx, sorted(articles | copies))


def _ok(url: str) -> bool:
    try:
        normalize_url(url)
        return True
    except BadUrl:
        return False
