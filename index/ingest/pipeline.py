"""The ingest loop: sources streamed in, prepared and embedded in batches of
``Settings.ingest_batch_articles`` articles, committed as batches finish.

Memory holds the batch in flight, never the whole input (a JSONL is read line by line, a folder file by
file). Each embed step keeps its vectors (``writer.embed_missing``); each commit (``writer.commit``) makes
its articles visible (writing only their segment). A kill loses at most the uncommitted batch — and not
its vectors: the same command run again skips every committed article by its content hash and reuses the
cached vectors of the rest. Near-copies of a stored article (``dedup``) are merged into it as extra
sources instead of being stored twice. Progress goes to a callback, never to a terminal.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from index.records import Article, SourceDoc
from index.store import provenance as prov
from index.store import sqlite as store
from index.store import writer

from . import dedup
from .sources import SkippedInput

if TYPE_CHECKING:
    import sqlite3

    import numpy as np

    from index.settings import Settings

    from .prepare import PreparedArticle


@dataclass(frozen=True)
class IngestReport:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[SkippedInput, ...] = ()
    merged: tuple[str, ...] = ()  # republished copies stored as extra sources of another article
    merged_into: tuple[str, ...] = ()  # the article each of ``merged`` was merged into, in the same order
    passages_added: int = 0
    passages_embedded: int = 0  # vectors computed now (the rest came from the cache)
    seconds: float = 0.0
    embed_seconds: float = 0.0  # with Ray: the workers' time embedding, summed
    batches: int = 0  # commits made
    embed_cpu_seconds: float = 0.0  # CPU time of embedding (every thread; with Ray, the workers'): load-proof


@dataclass(frozen=True)
class IngestProgress:
    """Where a running ingest stands; ``total`` is the number of articles expected (None if unknown)."""

    files: int
    articles: int  # read so far: added, updated, unchanged or merged
    passages: int  # committed so far
    skipped: int
    seconds: float
    total: int | None = None
    done: bool = False

    @property
    def passages_per_s(self) -> float:
        return self.passages / self.seconds if self.seconds > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        if not self.total or not self.articles or self.done:
            return None
        return max(0.0, (self.total - self.articles) * self.seconds / self.articles)


OnProgress = Callable[[IngestProgress], None]


@dataclass(frozen=True)
class Staged:
    """An article a worker already cleaned and, unless it was unchanged, prepared and embedded (the Ray
    stages, ``ray_stages``). The writer decides on it and commits it exactly as it would a ``SourceDoc``
    it cleaned itself, so both paths give the same index."""

    article: Article
    prepared: "PreparedArticle | None" = None
    signature: "np.ndarray | None" = None
    vectors: dict = field(default_factory=dict)  # vector_key -> vector the worker computed
    embed_seconds: float = 0.0  # the worker's time embedding them
    embed_cpu_seconds: float = 0.0  # and the CPU time it took

    @property
    def origin(self) -> str:
        return self.article.origin


def too_long(article: Article, settings: "Settings") -> SkippedInput | None:
    if len(article.text) <= settings.max_article_chars:
        return None
    return SkippedInput(article.origin, (
        f"the article is {len(article.text):,} characters after cleaning, over the limit of "
        f"{settings.max_article_chars:,} (Settings.max_article_chars): split it into articles (one per "
        "JSONL line) or raise the limit"))


def _refuse_passages(run: "_Run", article: Article, passages: int, settings: "Settings") -> bool:
    """An article over ``Settings.max_article_passages`` (a server's per-upload budget; 0: no limit) is
    skipped with the reason before it is embedded, which is where its time would go."""
    limit = settings.max_article_passages
    if not limit or passages <= limit:
        return False
    for ids in (run.added, run.updated):
        if article.doc_id in ids:
            ids.remove(article.doc_id)
    run.skipped.append(SkippedInput(article.origin, (
        f"the article makes {passages:,} passages, over this server's limit of {limit:,} per upload: "
        "split it into smaller files")))
    return True


@dataclass
class Context:
    """What a writing pass needs: the open writer connection and everything to prepare and embed."""

    conn: "sqlite3.Connection"
    root: Path
    settings: "Settings"
    embedder: object
    on_progress: OnProgress | None = None
    total: int | None = None

    @property
    def merge_inline(self) -> bool:
        return self.settings.merges == "inline"


@dataclass
class _Run:
    started: float = field(default_factory=time.perf_counter)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    merged_into: list[str] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)
    files: int = 0
    last_path: str | None = None
    passages: int = 0
    embedded: int = 0
    embed_seconds: float = 0.0
    embed_cpu_seconds: float = 0.0
    batches: int = 0
    last_emit: float = 0.0
    # The batch in flight: read, then prepared and embedded (vectors kept), then committed.
    fresh: list[Article] = field(default_factory=list)
    ready: list[tuple["PreparedArticle", "np.ndarray"]] = field(default_factory=list)
    copies: list[prov.DuplicateRow] = field(default_factory=list)
    touched: list[tuple[str, str, bool]] = field(default_factory=list)  # (doc_id, origin, is_copy)
    staged: dict[str, Staged] = field(default_factory=dict)  # prepared by a worker, by doc_id

    def report(self) -> IngestReport:
        return IngestReport(
            added=tuple(self.added), updated=tuple(self.updated), unchanged=tuple(self.unchanged),
            skipped=tuple(self.skipped), merged=tuple(self.merged), merged_into=tuple(self.merged_into),
            passages_added=self.passages,
            passages_embedded=self.embedded, seconds=time.perf_counter() - self.started,
            embed_seconds=self.embed_seconds, batches=self.batches, embed_cpu_seconds=self.embed_cpu_seconds,
        )


def ingest_items(ctx: Context, items: Iterable[SourceDoc | Staged | SkippedInput], *,
                 replacing: Sequence[str] = ()) -> IngestReport:
    """Clean, prepare, embed and commit ``items`` batch by batch (a ``Staged`` item arrives cleaned, and
    prepared and embedded unless unchanged). ``replacing``: doc_ids the first commit deletes (a removed
    article whose copies take its place in the same commit)."""
    from .clean import CleanError
    from .prepare import clean_source

    conn, settings = ctx.conn, ctx.settings
    known = store.article_hashes(conn)
    copies = prov.duplicate_hashes(conn)
    for doc_id in replacing:
        known.pop(doc_id, None)
        copies.pop(doc_id, None)
    run = _Run()
    pending_deletes = list(replacing)
    batch_size = max(1, settings.ingest_batch_articles)
    for item in items:
        path = prov.split_origin(item.origin)[0]
        if path != run.last_path:
            run.files, run.last_path = run.files + 1, path
        if isinstance(item, SkippedInput):
            run.skipped.append(item)
            _emit(ctx, run)
            continue
        if isinstance(item, Staged):
            article = item.article
        else:
            try:
                article = clean_source(item)
            except CleanError as exc:
                run.skipped.append(SkippedInput(item.origin, str(exc)))
                continue
        refused = too_long(article, settings)
        if refused is not None:
            run.skipped.append(refused)
            continue
        doc_id, digest = article.doc_id, article.content_hash
        if known.get(doc_id) == digest or copies.get(doc_id) == digest:
            run.unchanged.append(doc_id)
            run.touched.append((doc_id, article.origin, doc_id in copies))
        else:
            (run.updated if doc_id in known or doc_id in copies else run.added).append(doc_id)
            run.fresh.append(article)
            if isinstance(item, Staged) and item.prepared is not None:
                run.staged[doc_id] = item
        if len(run.fresh) >= batch_size:
            _embed(ctx, run, known, pending_deletes)
        # A commit writes only its own passages' segment (index/store/segments.py), so every batch commits.
        if len(run.ready) + len(run.copies) >= batch_size or len(run.touched) >= 8 * batch_size:
            _commit(ctx, run, known, copies, pending_deletes)
            pending_deletes = []
        _emit(ctx, run)
    _embed(ctx, run, known, pending_deletes)
    _commit(ctx, run, known, copies, pending_deletes)
    _emit(ctx, run, done=True)
    return run.report()


def _emit(ctx: Context, run: _Run, *, force: bool = False, done: bool = False) -> None:
    if ctx.on_progress is None:
        return
    now = time.perf_counter()
    if not (force or done) and now - run.last_emit < 0.2:
        return
    run.last_emit = now
    articles = len(run.added) + len(run.updated) + len(run.unchanged)
    ctx.on_progress(IngestProgress(files=run.files, articles=articles, passages=run.passages,
                                   skipped=len(run.skipped), seconds=now - run.started, total=ctx.total, done=done))


def _embed(ctx: Context, run: _Run, known: dict[str, str], deletes: Sequence[str]) -> None:
    """Prepare the articles read, merge republished copies, and embed what is new (vectors committed)."""
    from .prepare import prepare

    first_new = len(run.ready)
    given: dict = {}  # vectors the Ray workers computed for articles stored (not merged copies)
    for article in run.fresh:
        staged = run.staged.pop(article.doc_id, None)
        sig = staged.signature if staged is not None else dedup.signature(article.text)
        match = None if article.doc_id in known else _best_match(ctx.conn, article, sig, run.ready, deletes,
                                                                 ctx.settings.dedup_threshold)
        if match is None:
            prepared = staged.prepared if staged is not None else prepare(article, ctx.settings)
            if _refuse_passages(run, article, len(prepared.passages), ctx.settings):
                continue
            run.ready.append((prepared, sig))
            if staged is not None:
                given.update(staged.vectors)
                run.embed_seconds += staged.embed_seconds
                run.embed_cpu_seconds += staged.embed_cpu_seconds
            continue
        path, line = prov.split_origin(article.origin)
        run.copies.append(prov.DuplicateRow(
            article.doc_id, match[0], match[1], article.title, article.url, article.date, _kind(article), path,
            line, article.content_hash, article.text))
        if article.doc_id in run.added:
            run.added.remove(article.doc_id)
        run.merged.append(article.doc_id)
        run.merged_into.append(match[0])
    fresh = [p for p, _ in run.ready[first_new:]]
    run.fresh.clear()
    if given:  # cached like vectors embedded here, so embed_missing below finds them
        ctx.conn.execute("BEGIN IMMEDIATE")
        store.put_vectors(ctx.conn, given, ctx.embedder.model_id)
        ctx.conn.execute("COMMIT")
        run.embedded += len(given)
    if fresh:
        cpu = time.process_time()
        embedded, seconds = writer.embed_missing(ctx.conn, ctx.embedder, fresh,
                                                 batch=max(ctx.settings.embed_batch_size * 8, 64))
        run.embedded += embedded
        run.embed_seconds += seconds
        run.embed_cpu_seconds += time.process_time() - cpu


def _commit(ctx: Context, run: _Run, known: dict[str, str], copies: dict[str, str], deletes: Sequence[str]) -> None:
    """One commit: the prepared articles, merged copies and re-stamped sources (and ``deletes`` first)."""
    if not (run.ready or run.copies or run.touched or deletes):
        return
    conn = ctx.conn
    prepared, new_copies, touched = list(run.ready), list(run.copies), list(run.touched)
    was_copy = [p.article.doc_id for p, _ in prepared if p.article.doc_id in copies]
    stamp = prov.now()

    def apply(c: "sqlite3.Connection") -> None:
        if deletes:
            store.delete_articles(c, deletes)
            prov.delete_duplicates(c, deletes)
        prov.delete_duplicates(c, was_copy)
        for p, sig in prepared:
            store.insert_article(c, p.article, p.entities, p.passages, p.vector_keys, [p.facets] * len(p.passages))
            prov.put_source(c, p.article.doc_id, p.article.origin, stamp)
            prov.put_signature(c, p.article.doc_id, dedup.to_blob(sig), dedup.band_keys(sig))
        for row in new_copies:
            prov.put_duplicate(c, row, stamp)
        for doc_id, origin, is_copy in touched:
            if is_copy:
                path, line = prov.split_origin(origin)
                c.execute("UPDATE duplicates SET path = ?, line = ?, synced_at = ? WHERE doc_id = ?",
                          (path, line, stamp, doc_id))
            else:
                prov.put_source(c, doc_id, origin, stamp)
        if deletes:
            store.prune_vectors(c)

    if prepared or deletes:
        writer.commit(conn, ctx.root, apply, merge=ctx.merge_inline)
        run.batches += 1
    else:  # only copies and sources: rows, no new generation
        conn.execute("BEGIN IMMEDIATE")
        try:
            apply(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    for p, _ in prepared:
        known[p.article.doc_id] = p.article.content_hash
        copies.pop(p.article.doc_id, None)
        run.passages += len(p.passages)
    for row in new_copies:
        copies[row.doc_id] = row.content_hash
    run.ready.clear()
    run.copies.clear()
    run.touched.clear()
    _emit(ctx, run, force=True)


def _best_match(conn, article: Article, sig, batch, deletes, threshold: float) -> tuple[str, float] | None:
    """The stored (or same-batch) article this one is a near-copy of, with the estimated similarity: word
    3-grams overlapping at least ``threshold`` and the same figures quoted."""
    found = {doc_id: dedup.from_blob(blob) for doc_id, blob in prov.candidates(conn, dedup.band_keys(sig)).items()
             if doc_id not in deletes}
    texts = {p.article.doc_id: p.article.text for p, _ in batch}
    found.update({p.article.doc_id: other for p, other in batch})
    scored = sorted(((dedup.similarity(sig, other), doc_id) for doc_id, other in found.items()), reverse=True)
    for score, doc_id in scored:
        if score < threshold:
            break
        text = texts.get(doc_id) or (store.get_article(conn, doc_id) or article).text
        if dedup.same_figures(article.text, text):
            return doc_id, score
    return None


def _kind(article: Article) -> str:
    suffix = Path(prov.split_origin(article.origin)[0]).suffix.lower()
    from .sources import KINDS

    return KINDS.get(suffix, "txt")


def estimate_articles(paths: Iterable[str | Path]) -> int:
    """How many articles ``paths`` hold, for the ETA: one per file, one per non-empty JSONL line (counted
    in 1 MB reads, so a million-line file is never held)."""
    from .sources import _walk

    total = 0
    for path, _ in _walk(paths):
        if isinstance(path, SkippedInput):
            continue
        if path.suffix.lower() != ".jsonl":
            total += 1
            continue
        try:
            with open(path, "rb") as fh:
                tail = b"\n"
                while chunk := fh.read(1 << 20):
                    total += chunk.count(b"\n")
                    tail = chunk[-1:]
                total += tail != b"\n"
        except OSError:
            continue
    return total
