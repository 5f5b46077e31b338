"""The index as one object: ingest, remove, search, browse, check. The CLI, the UI and ``qa`` use only this."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from index.settings import Settings

from .store.beside import run_beside
from .ingest.pipeline import IngestProgress, IngestReport
from .ingest.prepare import embedding_query
from .records import Article, ArticleEntities, Candidate, Hit, Passage, SearchFilters
from .store import generations as gen
from .store import sqlite as store
from .store.fusion import hybrid_candidates
from .store.view import load_committed, sorted_pids
from .store import writer
from .store.writer import IndexBusyError, ModelMismatchError
from .text.facets import FilterError

if TYPE_CHECKING:
    from .embed import Embedder
    from .ingest.pipeline import Context
    from .ingest.ray_stages import RayOptions
    from .ingest.sync import SyncReport
    from .ingest.web import WebReport, WebRequest
    from .embed.cache import SentenceVectors
    from .store.merges import BackgroundMerges
    from .store.provenance import SourceRecord


@dataclass(frozen=True)
class ArticleSummary:
    article: Article
    passages: int
    entities: ArticleEntities


@dataclass(frozen=True)
class Facets:
    docs: tuple[tuple[str, str, int], ...] = ()  # (value, label, article count)
    localities: tuple[tuple[str, str, int], ...] = ()
    years: tuple[tuple[str, str, int], ...] = ()


@dataclass
class _Loaded:
    generation: int
    dense: object    # a legacy index's DenseIndex (None for segments)
    lexical: object  # the SegmentView, or a legacy index's LexicalIndex
    factory: str = ""
    view: object = None


@dataclass
class Index:
    """An index folder opened for reading and (with the write lock, taken per operation) writing."""

    settings: Settings
    _embedder: "Embedder | None" = None
    _loaded: _Loaded | None = None
    _segments: dict = field(default_factory=dict)
    _sentences: "SentenceVectors | None" = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _local: threading.local = field(default_factory=threading.local)
    # This process's writes and background merges queue on it before taking the folder's file lock.
    _write_mutex: threading.Lock = field(default_factory=threading.Lock)
    _merges: "BackgroundMerges | None" = None

    # --- plumbing -------------------------------------------------------------------------------

    @property
    def root(self) -> Path:
        return self.settings.index_dir

    @property
    def db_path(self) -> Path:
        return self.root / gen.DB_NAME

    @property
    def embedder(self) -> "Embedder":
        with self._lock:
            if self._embedder is None:
                from .embed import load_embedder

                self._embedder = load_embedder(self.settings)
            return self._embedder

    @property
    def model_id(self) -> str:
        return self._embedder.model_id if self._embedder is not None else self.settings.model

    def _conn(self):
        """One read connection per thread: sqlite3 connections must not be shared by threads at once."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if not self.db_path.exists():
                return None
            conn = store.connect(self.db_path)
            self._local.conn = conn
        return conn

    def exists(self) -> bool:
        return self.db_path.exists()

    def _check_model(self, meta: dict[str, str]) -> None:
        writer.check_model(self.root, meta, self.model_id)

    def _current(self) -> _Loaded | None:
        """The loaded generation, reloaded when a writer (this or another process) committed a newer one."""
        conn = self._conn()
        if conn is None:
            return None
        meta = store.get_meta(conn)
        self._check_model(meta)
        generation = int(meta.get("generation", "0"))
        if generation == 0:
            return None
        with self._lock:
            if self._loaded is None or self._loaded.generation != generation:
                self._loaded = _Loaded(*load_committed(conn, self.root, self._segments, generation))
            return self._loaded

    # --- writing --------------------------------------------------------------------------------

    def _write_lock(self):
        """The folder's write lock, after this process's other writes and background merges (index/store/merges.py)."""
        from .store.merges import BackgroundMerges, hold_write

        with self._lock:
            if self._merges is None and self.settings.merges == "background":
                self._merges = BackgroundMerges(self.root, self.db_path, self._write_mutex)
        return hold_write(self.root, self._write_mutex, self._merges)

    def wait_for_merges(self, timeout: float | None = None) -> bool:
        """Block until no background merge runs or is due; False when ``timeout`` passed first."""
        return self._merges.wait(timeout) if self._merges is not None else True

    def _writer_conn(self):
        return writer.open_writer(self.db_path, self.embedder, self._check_model)

    def ingest(self, paths: Iterable[str | Path], progress: Callable[[str], None] | None = None, *,
               on_progress: Callable[[IngestProgress], None] | None = None,
               ray: "RayOptions | None" = None) -> IngestReport:
        """Read, clean, chunk, embed and commit ``paths``, streamed and committed in batches (see
        ``ingest.pipeline``); ``progress`` gets one line per slow step (an OCRed page), ``on_progress`` an
        ``IngestProgress`` a few times a second. ``ray``: run the stages on a Ray cluster, this process
        committing (``ingest.ray_stages``; same index)."""
        from .ingest.pipeline import estimate_articles, ingest_items
        from .ingest.readers import ReadLimits
        from .ingest.sources import iter_sources

        paths = list(paths)
        total = estimate_articles(paths) if on_progress else None
        if ray is not None:
            from .ingest.ray_stages import ingest_on_ray, require_ray

            require_ray()  # before the write lock and the model: a missing extra fails at once
            return self._writing(lambda ctx: ingest_on_ray(ctx, paths, ray, progress), on_progress, total)
        items = iter_sources(paths, limits=ReadLimits.from_settings(self.settings), progress=progress)
        return self._writing(lambda ctx: ingest_items(ctx, items), on_progress, total)

    def add_sources(self, sources, *, skipped: Sequence = (),
                    on_progress: Callable[[IngestProgress], None] | None = None) -> IngestReport:
        """Ingest ``SourceDoc`` records already read (any iterable: it is streamed like a file's)."""
        from itertools import chain

        from .ingest.pipeline import ingest_items

        items = chain(skipped, sources)
        return self._writing(lambda ctx: ingest_items(ctx, items), on_progress, None)

    def sync(self, roots: Sequence[str | Path], progress: Callable[[str], None] | None = None, *,
             on_progress: Callable[[IngestProgress], None] | None = None) -> "SyncReport":
        """Make the index mirror the folders ``roots``: new and changed files ingested, vanished ones removed."""
        from .ingest.sync import sync_pass

        return self._writing(lambda ctx: sync_pass(ctx, roots, progress=progress), on_progress, None)

    def ingest_web(self, request: "WebRequest", progress=None, *, on_progress=None) -> "WebReport":
        """Fetch (outside the write lock) and ingest web pages, sitemaps, feeds (``ingest.web``)."""
        from .ingest.web import run_web

        return run_web(self._conn(), self._writing, self.settings, request, progress, on_progress)

    def _writing(self, work: Callable[["Context"], object], on_progress, total):
        """Run ``work`` holding the folder's write lock and a writer connection."""
        from .ingest.pipeline import Context
        from .store import provenance

        lock = self._write_lock()
        try:
            conn = self._writer_conn()
            try:
                provenance.init(conn)
                return work(Context(conn, self.root, self.settings, self.embedder, on_progress, total))
            finally:
                conn.close()
        finally:
            lock.release()

    def remove(self, doc_ids: Iterable[str]) -> list[str]:
        """Delete articles (and merged copies) by id; a removed article's copies take its place. Returns
        the ids that were present."""
        from .ingest.sync import remove_docs

        doc_ids = list(dict.fromkeys(doc_ids))
        if not self.exists():
            return []
        return self._writing(lambda ctx: remove_docs(ctx, doc_ids), None, None)

    def reindex(self) -> int:
        """Re-embed every passage with the current model and rebuild the derived files."""
        from .ingest.reembed import reembed_all

        lock = self._write_lock()
        try:
            conn = store.connect(self.db_path)
            try:
                return reembed_all(conn, self.root, self.embedder,
                                   batch=max(self.settings.embed_batch_size * 8, 64))
            finally:
                conn.close()
        finally:
            lock.release()

    def optimize(self) -> int:
        """Merge every segment into one (tombstoned passages dropped); returns the segments left."""
        if not self.exists():
            return 0
        lock = self._write_lock()
        try:
            conn = store.connect(self.db_path)
            left = writer.optimize(conn, self.root)
            conn.close()
        finally:
            lock.release()
        return left

    # --- reading --------------------------------------------------------------------------------

    def candidates(self, query: str, *, depth: int | None = None, filters: SearchFilters = SearchFilters(),
                   within_docs: Sequence[str] | None = None, query_vector=None) -> list[Candidate]:
        """Fused candidates. ``within_docs`` restricts to those articles (list answers look inside each)."""
        return self.candidates_and_vector(query, depth=depth, filters=filters, within_docs=within_docs,
                                          query_vector=query_vector)[0]

    def candidates_and_vector(self, query: str, *, embed: str | None = None, depth: int | None = None,
                              filters: SearchFilters = SearchFilters(), within_docs: Sequence[str] | None = None,
                              query_vector=None) -> tuple[list[Candidate], object]:
        """Fused candidates and the query vector (of ``embed``, default ``query``; None when nothing was
        searched). Without ``query_vector`` the model embeds while BM25 scores on another thread."""
        loaded = self._current()
        if loaded is None or not query.strip():
            return [], query_vector
        allowed = self.allowed_pids(filters) if filters else None
        if within_docs is not None:
            conn = self._conn()
            in_docs = store.pids_of_docs(conn, within_docs)
            allowed = in_docs if allowed is None else allowed & in_docs
        if allowed is not None and not allowed:
            return [], query_vector
        depth = depth or self.settings.candidates
        embed_text = query if embed is None else embed
        if loaded.view is None:  # an index written before segments
            vector = self.query_vector(embed_text) if query_vector is None else query_vector
            return hybrid_candidates(loaded.dense, loaded.lexical, query, vector, depth=depth, allowed=allowed,
                                     rrf_k=self.settings.rrf_k), vector
        view, rows = loaded.view, sorted_pids(allowed)
        if query_vector is None and self.settings.lexical_beside_embedding:
            vector, bm25_hits = run_beside(lambda: self.query_vector(embed_text),
                                           lambda: view.bm25_search(query, depth, rows))
        else:
            vector = self.query_vector(embed_text) if query_vector is None else query_vector
            bm25_hits = view.bm25_search(query, depth, rows)
        return view.fuse(vector, bm25_hits, depth=depth, allowed=rows, rrf_k=self.settings.rrf_k), vector

    def query_vector(self, query: str):
        return self.embedder.encode_queries([embedding_query(query)])[0]

    def lexical(self):
        loaded = self._current()
        return loaded.lexical if loaded else None

    def search(self, query: str, k: int = 10, *, filters: SearchFilters = SearchFilters(),
               query_vector=None) -> list[Hit]:
        return self.hits(self.candidates(query, depth=max(k, self.settings.candidates), filters=filters,
                                         query_vector=query_vector)[:k])

    def hits(self, candidates: Sequence[Candidate]) -> list[Hit]:
        conn = self._conn()
        if conn is None or not candidates:
            return []
        from .store.provenance import merged_sources

        passages = store.passages_by_pid(conn, [c.pid for c in candidates])
        meta = store.article_meta(conn, (p.doc_id for p in passages.values()))
        sources = merged_sources(conn, meta)
        out = []
        for c in candidates:
            passage = passages.get(c.pid)
            if passage is None:  # removed by a writer since this generation was loaded
                continue
            title, url, date = meta.get(passage.doc_id, ("", None, None))
            out.append(Hit(passage=passage, title=title, score=c.score, url=url, date=date,
                           dense_rank=c.dense_rank, bm25_rank=c.bm25_rank, retrievers=c.retrievers,
                           sources=sources.get(passage.doc_id, ())))
        return out

    def allowed_pids(self, filters: SearchFilters) -> set[int]:
        from .store.view import pids_matching

        conn = self._conn()
        return pids_matching(conn, filters) if conn is not None else set()

    def docs_matching(self, filters: SearchFilters) -> set[str]:
        conn = self._conn()
        return store.docs_of_pids(conn, self.allowed_pids(filters)) if conn else set()

    def encode_sentences(self, texts: Sequence[str]):
        """Passage-side vectors for the sentences of a few passages at query time, through the passage
        backend (ONNX int8 embeds each text on its own, so a sentence's vector is its own: 12 short
        sentences in 0.16 s here, against 0.55 s through the single-text query engine). Each distinct
        text is embedded once per open index (``embed.cache``: the same vectors, bit for bit)."""
        if self._sentences is None:
            from .embed.cache import SentenceVectors

            self._sentences = SentenceVectors(self.settings.sentence_cache)
        return self._sentences.encode(self.embedder, texts)

    def docs_with(self, facet: str, values: Sequence[str]) -> set[str]:
        conn = self._conn()
        return store.docs_with_facet(conn, facet, values) if conn else set()

    def article(self, doc_id: str) -> Article | None:
        conn = self._conn()
        return store.get_article(conn, doc_id) if conn else None

    def entities(self, doc_id: str) -> ArticleEntities:
        conn = self._conn()
        return store.get_entities(conn, doc_id) if conn else ArticleEntities()

    def passages(self, doc_id: str) -> list[Passage]:
        conn = self._conn()
        return store.passages_of(conn, doc_id) if conn else []

    def passage_page(self, passage_id: str) -> int | None:
        """The page a passage starts on (PDF and images); None for unpaged sources or an unknown id."""
        conn = self._conn()
        pid = store.pid_of(conn, passage_id) if conn else None
        return store.passages_by_pid(conn, [pid])[pid].page if pid is not None else None

    def articles(self) -> list[ArticleSummary]:
        conn = self._conn()
        if conn is None:
            return []
        return [ArticleSummary(a, n, store.get_entities(conn, a.doc_id)) for a, n in store.list_articles(conn)]

    def facets(self) -> Facets:
        conn = self._conn()
        if conn is None:
            return Facets()
        values = store.facet_values(conn)
        return Facets(docs=tuple(values.get("doc", [])), localities=tuple(values.get("locality", [])),
                      years=tuple(sorted(values.get("year", []), key=lambda v: v[0], reverse=True)))

    def sources(self, doc_ids: Iterable[str]) -> dict[str, list["SourceRecord"]]:
        """doc_id → where the article was read from (file or URL, line, date, synced), then its copies."""
        from .store.provenance import sources_of

        conn = self._conn()
        return sources_of(conn, doc_ids) if conn else {}

    def merged_count(self) -> int:
        from .store.provenance import count_duplicates

        conn = self._conn()
        return count_duplicates(conn) if conn else 0

    def counts(self) -> tuple[int, int]:
        return store.counts(self._conn()) if self._conn() else (0, 0)

    def doctor(self) -> list[str]:
        if not self.exists():
            return []
        conn = store.connect(self.db_path)
        try:
            return gen.verify(conn, self.root)
        finally:
            conn.close()

    def manifest(self) -> dict | None:
        """The manifest, with ``counts.merged``: republished copies stored as sources of another article."""
        manifest = gen.read_manifest(self.root)
        if manifest is not None:
            manifest.setdefault("counts", {})["merged"] = self.merged_count()
        return manifest
