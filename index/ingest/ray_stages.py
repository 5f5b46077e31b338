"""`tracuu ingest --ray`: reading, cleaning, preparing (chunks, entities, facets, dedup signature) and
embedding run as Ray Data stages on a cluster, while the one writer in this process commits segments as
results arrive, through the same loop as a plain ingest (``pipeline.ingest_items``).

Why the result is the plain ingest's: the stages are the plain path's own functions; Ray Data keeps the
input order (``preserve_order``), so the writer sees articles in the order a plain ingest reads them and
makes the same decisions (unchanged, updated, republished copy, repeated doc_id) with the same state; the
ONNX int8 embedder embeds one text per run, so a vector does not depend on which worker or batch made it.

Work is spread by input unit: a file, or a ~1 MB shard of lines of a big JSONL (cut at line ends by the
driver, which numbers the lines so skips name the same ``path:line``). Workers skip the articles the index
already holds unchanged (the writer's hashes, sent once with ``ray.put``), and passages whose vectors the
index has cached when they can open its database (a local cluster; a remote one embeds them again and the
writer keeps the cached copy). A republished copy is still embedded by a worker before the writer finds
it is one: wasted work, never a different index.

Ray is an optional extra (``pip install 'tracuu[ray]'``), imported only here, only when asked for.
"""

from __future__ import annotations

import os
import pickle
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from index.records import SourceDoc

from .sources import SkippedInput

if TYPE_CHECKING:
    from index.settings import Settings

    from .pipeline import Context, IngestReport

SHARD_BYTES = 1 << 16  # a JSONL piece per read task: ~20 news articles, so several workers share a file
EMBED_BATCH_ARTICLES = 8  # articles per call to an embedding worker: small, so the writer starts early


class RayUnavailableError(RuntimeError):
    pass


@dataclass(frozen=True)
class RayOptions:
    address: str | None = None  # None: start a local cluster (stopped at the end)
    workers: int | None = None  # embedding workers; None: the cluster's CPUs
    local_cpus: int | None = None  # CPUs of a local cluster started here; None: all of this machine's


def require_ray():
    try:
        import ray
        import ray.data  # noqa: F401 - the Data library is the `ray[data]` extra
    except ImportError as exc:
        raise RayUnavailableError(
            f"--ray needs Ray Data, which is not installed ({exc}); install it with "
            "`pip install 'tracuu[ray]'`, or run the ingest without --ray") from None
    return ray


def ingest_on_ray(ctx: "Context", paths: Sequence[str | Path], options: RayOptions,
                  progress: Callable[[str], None] | None = None) -> "IngestReport":
    """Ingest ``paths`` with the stages on Ray and this process as the one writer (holding ``ctx``);
    ``progress`` gets a line when the cluster is up (starting one takes seconds)."""
    from index.store import generations as gen
    from index.store import provenance as prov
    from index.store import sqlite as store

    from .pipeline import ingest_items
    from .readers import ReadLimits

    ray = require_ray()
    started_here = not ray.is_initialized()
    if started_here:
        _start(ray, options)
    try:
        known = (store.article_hashes(ctx.conn), prov.duplicate_hashes(ctx.conn))
        cpus = int(ray.cluster_resources().get("CPU", 1))
        workers = options.workers or max(1, cpus)
        if progress is not None:
            progress(f"Ray cluster {'started here' if started_here else 'joined'}: {cpus} CPUs, "
                     f"{workers} embedding workers")
        limits = ReadLimits.from_settings(ctx.settings)
        db = ctx.root / gen.DB_NAME
        dataset = _dataset(ray, _units(paths, limits), ctx.settings, limits, ray.put(known), workers, str(db))
        return ingest_items(ctx, _ordered(dataset))
    finally:
        if started_here:
            ray.shutdown()


def _start(ray, options: RayOptions) -> None:
    import logging

    kwargs = dict(include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False,
                  configure_logging=True)
    if options.address:
        ray.init(address=options.address, **kwargs)
    else:
        # A small object store: items are one article each and the writer consumes them as they come.
        ray.init(num_cpus=options.local_cpus or os.cpu_count() or 1, object_store_memory=1 << 30, **kwargs)


def _dataset(ray, units: list[bytes], settings: "Settings", limits, known_ref, workers: int, db: str | None):
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False  # progress is the ingest's own bar
    import logging

    logging.getLogger("ray.data").setLevel(logging.ERROR)  # "progress bars disabled" and execution notes
    # The light stages reserve no CPU: the embedding workers hold one each (embedding is ~90 % of the
    # work), and reading or cleaning a file between two embedding calls fits in what they leave.
    light = dict(num_cpus=0, compute=ray.data.TaskPoolStrategy(size=max(2, workers)), batch_size=1,
                 batch_format="numpy")
    return (ray.data.from_items([{"blob": u} for u in units], override_num_blocks=max(1, min(len(units), 5000)))
            .map_batches(_read_stage, fn_kwargs={"limits": limits}, **light)
            .map_batches(_clean_stage, fn_kwargs={"settings": settings, "known": known_ref},
                         **{**light, "batch_size": EMBED_BATCH_ARTICLES})
            .map_batches(_prepare_stage, fn_kwargs={"settings": settings},
                         **{**light, "batch_size": EMBED_BATCH_ARTICLES})
            .map_batches(EmbedWorker, fn_constructor_kwargs={"settings": settings, "db": db},
                         compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
                         batch_size=EMBED_BATCH_ARTICLES, batch_format="numpy"))


def _units(paths: Sequence[str | Path], limits) -> list[bytes]:
    """What the read stage gets, in input order: a file, a shard of a big JSONL, or a skip found walking."""
    from .sources import _walk, jsonl_shards

    out: list[tuple] = []
    for path, explicit in _walk(paths):
        if isinstance(path, SkippedInput):
            out.append(("skip", path))
            continue
        if path.suffix.lower() == ".jsonl":
            try:
                if path.stat().st_size > SHARD_BYTES:
                    shards, content = jsonl_shards(path, SHARD_BYTES)
                    if not content:
                        out.append(("skip", SkippedInput(str(path), "empty file")))
                    else:
                        out.extend(("shard", str(path), start, end, first) for start, end, first in shards)
                    continue
            except OSError:
                pass  # the reader reports it
        out.append(("file", str(path), explicit))
    return [pickle.dumps(u) for u in out]


def _rows(items) -> dict:
    import numpy as np

    blobs = np.empty(len(items), dtype=object)
    blobs[:] = [pickle.dumps(i) for i in items]
    return {"blob": blobs}


def _read_stage(batch: dict, *, limits) -> dict:
    from .sources import _read_file, _read_jsonl

    out: list = []
    for unit in map(pickle.loads, batch["blob"]):
        if unit[0] == "skip":
            out.append(unit[1])
        elif unit[0] == "shard":
            _, path, start, end, first = unit
            out.extend(_read_jsonl(Path(path), max_bytes=limits.max_bytes, start=start, end=end, first_line=first))
        else:
            out.extend(_read_file(Path(unit[1]), explicit=unit[2], max_bytes=limits.max_bytes, limits=limits,
                                  progress=None))
    return _rows(out)


_KNOWN: dict = {}  # per worker process: the index's hashes at the start, fetched once


def _clean_stage(batch: dict, *, settings: "Settings", known) -> dict:
    import ray

    from .clean import CleanError
    from .pipeline import Staged, too_long
    from .prepare import clean_source

    if isinstance(known, ray.ObjectRef):
        if known.hex() not in _KNOWN:
            _KNOWN.clear()
            _KNOWN[known.hex()] = ray.get(known)
        known = _KNOWN[known.hex()]
    articles, copies = known
    out: list = []
    for item in map(pickle.loads, batch["blob"]):
        if not isinstance(item, SourceDoc):
            out.append(item)
            continue
        try:
            article = clean_source(item)
        except CleanError as exc:
            out.append(_Refused(item.doc_id, SkippedInput(item.origin, str(exc))))
            continue
        refused = too_long(article, settings)
        digest = article.content_hash
        unchanged = articles.get(article.doc_id) == digest or copies.get(article.doc_id) == digest
        out.append(_Refused(article.doc_id, refused) if refused else Staged(article) if unchanged else article)
    return _rows(out)


@dataclass(frozen=True)
class _Refused:
    """An article read but refused while cleaning: its doc_id still counts as read (a later repeat of it
    is a duplicate, as in a plain ingest, which checks ids before cleaning)."""

    doc_id: str
    skipped: SkippedInput

    @property
    def origin(self) -> str:
        return self.skipped.origin


def _prepare_stage(batch: dict, *, settings: "Settings") -> dict:
    from . import dedup
    from .pipeline import Staged
    from .prepare import prepare

    out: list = []
    for item in map(pickle.loads, batch["blob"]):
        if hasattr(item, "content_hash"):  # a cleaned article, new or changed
            item = Staged(item, prepare(item, settings), dedup.signature(item.text))
        out.append(item)
    return _rows(out)


class EmbedWorker:
    """One embedding worker: the passage model loaded once, one thread (its one CPU)."""

    def __init__(self, settings: "Settings", db: str | None):
        from index.embed import load_embedder

        self.embedder = load_embedder(replace(settings, embed_threads=settings.embed_threads or 1))
        self.db = db

    def _cached(self, keys: list[str]) -> set[str]:
        if self.db is None or not Path(self.db).exists():
            return set()
        from index.store import sqlite as store

        conn = store.connect(Path(self.db), readonly=True)
        try:
            return set(store.cached_vectors(conn, keys, self.embedder.model_id, self.embedder.dim))
        finally:
            conn.close()

    def __call__(self, batch: dict) -> dict:
        items = [pickle.loads(b) for b in batch["blob"]]
        keys = [k for i in items if getattr(i, "prepared", None) is not None for k in i.prepared.vector_keys]
        cached = self._cached(keys) if keys else set()
        out = []
        for item in items:
            if getattr(item, "prepared", None) is not None:
                todo = {k: t for k, t in zip(item.prepared.vector_keys, item.prepared.model_inputs) if k not in cached}
                started, cpu = time.perf_counter(), time.process_time()
                vectors = self.embedder.encode_passages(list(todo.values())) if todo else []
                item = replace(item, vectors=dict(zip(todo, vectors)), embed_seconds=time.perf_counter() - started,
                               embed_cpu_seconds=time.process_time() - cpu)
            out.append(item)
        return _rows(out)


def _ordered(dataset) -> Iterator:
    """The stages' results in input order, a repeated doc_id skipped as a plain read skips it."""
    from .pipeline import Staged
    from .sources import repeated_id

    seen: dict[str, str] = {}
    for batch in dataset.iter_batches(batch_size=EMBED_BATCH_ARTICLES, batch_format="numpy", prefetch_batches=4):
        for item in map(pickle.loads, batch["blob"]):
            if isinstance(item, (Staged, _Refused)):
                read = item.article if isinstance(item, Staged) else item  # doc_id and origin survive cleaning
                repeated = repeated_id(read, seen)
                item = repeated or (item.skipped if isinstance(item, _Refused) else item)
            yield item
