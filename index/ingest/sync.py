"""Folders kept in sync, and removal that keeps republished copies.

A sync pass looks at every file under the roots: one whose size and mtime match the last pass is not even
opened; one whose bytes hash the same is only re-stamped; the rest are read and go through the ingest
loop. Articles (and copies) read from a file that is gone, or from a JSONL line that is gone, are removed
— only those: an article ingested from elsewhere is never touched by a sync of these folders.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from index.records import SourceDoc
from index.store import provenance as prov
from index.store import sqlite as store
from index.store import writer

from .pipeline import Context, IngestReport, ingest_items
from .sources import SkippedInput


@dataclass(frozen=True)
class SyncReport:
    ingest: IngestReport
    removed: tuple[str, ...] = ()  # articles and copies whose file (or JSONL line) is gone
    files_seen: int = 0
    files_read: int = 0  # new or changed on disk
    seconds: float = 0.0

    @property
    def skipped(self) -> tuple[SkippedInput, ...]:
        return self.ingest.skipped


def sync_pass(ctx: Context, roots: Sequence[str | Path], *, progress: Callable[[str], None] | None = None) -> SyncReport:
    from .readers import ReadLimits
    from .sources import _walk, iter_sources

    started = time.perf_counter()
    conn = ctx.conn
    # Absolute paths: the records must name the same file whichever folder the next sync runs from.
    roots = [str(Path(r).resolve()) for r in roots]
    for root in roots:
        if not Path(root).is_dir():
            raise FileNotFoundError(f"{root} is not a folder; `tracuu sync` mirrors folders (use `tracuu ingest` for files)")
    states = prov.sync_file_states(conn, roots)
    seen: set[str] = set()
    walk_skipped: list[SkippedInput] = []
    changed: dict[str, tuple[int, int, str]] = {}
    restamped: dict[str, tuple[int, int, str]] = {}
    for path, _ in _walk(roots):
        if isinstance(path, SkippedInput):
            walk_skipped.append(path)
            continue
        key = str(path)
        seen.add(key)
        try:
            st = path.stat()
            old = states.get(key)
            if old and old[:2] == (st.st_size, st.st_mtime_ns):
                continue
            digest = _sha256(path)
        except OSError as exc:
            walk_skipped.append(SkippedInput(key, f"cannot read file ({exc.strerror or exc})"))
            continue
        state = (st.st_size, st.st_mtime_ns, digest)
        (restamped if old and old[2] == digest else changed)[key] = state

    read_from: dict[str, set[str]] = {}
    failed: set[str] = set()

    def items() -> Iterator[SourceDoc | SkippedInput]:
        yield from walk_skipped
        for item in iter_sources(list(changed), limits=ReadLimits.from_settings(ctx.settings), progress=progress):
            path = prov.split_origin(item.origin)[0]
            if isinstance(item, SkippedInput):
                if item.origin == path:  # the whole file: keep what it gave before, try again next pass
                    failed.add(path)
            else:
                read_from.setdefault(path, set()).add(item.doc_id)
            yield item

    report = ingest_items(ctx, items())

    gone_files = (prov.recorded_paths(conn, roots) | set(states)) - seen
    stale: set[str] = set()
    articles, copies = prov.docs_from_paths(conn, sorted(gone_files))
    stale |= articles | copies
    for path in set(changed) - failed:  # a JSONL that lost lines, a file now under another doc_id
        articles, copies = prov.docs_from_paths(conn, [path])
        stale |= (articles | copies) - read_from.get(path, set())
    removed = remove_docs(ctx, sorted(stale)) if stale else []

    stamp = prov.now()
    conn.execute("BEGIN IMMEDIATE")
    prov.forget_sync_files(conn, gone_files)
    for key, (size, mtime, digest) in {**restamped, **changed}.items():
        if key not in failed:
            prov.put_sync_file(conn, key, size, mtime, digest, stamp)
    conn.execute("COMMIT")
    return SyncReport(ingest=report, removed=tuple(removed), files_seen=len(seen), files_read=len(changed),
                      seconds=time.perf_counter() - started)


def remove_docs(ctx: Context, doc_ids: Iterable[str]) -> list[str]:
    """Delete articles and copies by id. A removed article's republished copies are prepared and embedded
    first, then one commit deletes it and stores the first copy in its place (the others merged into that
    one), so the report stays findable as long as one of its sources remains."""
    conn = ctx.conn
    doc_ids = list(dict.fromkeys(doc_ids))
    known = store.article_hashes(conn)
    copies = prov.duplicate_hashes(conn)
    present = [d for d in doc_ids if d in known or d in copies]
    if not present:
        return []
    removed_articles = [d for d in present if d in known]
    promoted = [row for row in prov.duplicates_of(conn, removed_articles) if row.doc_id not in set(present)]
    if promoted:
        sources = [SourceDoc(doc_id=row.doc_id, raw_text=row.text, kind=row.kind,
                             origin=row.path if row.line is None else f"{row.path}:{row.line}",
                             title=row.title or None, url=row.url, date=row.date) for row in promoted]
        ingest_items(Context(conn, ctx.root, ctx.settings, ctx.embedder), sources,
                     replacing=[*present, *(row.doc_id for row in promoted)])
        return present

    def apply(c) -> None:
        store.delete_articles(c, removed_articles)
        prov.delete_duplicates(c, present)
        store.prune_vectors(c)

    if removed_articles:
        writer.commit(conn, ctx.root, apply, merge=ctx.merge_inline)
    else:  # only copies: rows, no new generation
        conn.execute("BEGIN IMMEDIATE")
        prov.delete_duplicates(conn, present)
        conn.execute("COMMIT")
    return present


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def watch(run_pass: Callable[[], SyncReport], *, interval: float, on_pass: Callable[[SyncReport], None],
          stop: Callable[[], bool] = lambda: False) -> None:
    """Sync again every ``interval`` seconds until ``stop()`` or Ctrl-C (which propagates)."""
    while True:
        on_pass(run_pass())
        deadline = time.monotonic() + interval
        while time.monotonic() < deadline:
            if stop():
                return
            time.sleep(min(0.2, interval))
