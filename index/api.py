"""The index as one object: ingest, remove, search, browse, check. The CLI, the UI and ``qa`` use only this."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from tracuu.settings import Settings

from .ingest.prepare import embedding_input, embedding_query
from .records import Article, ArticleEntities, Candidate, Hit, Passage, SearchFilters
from .store import generations as gen
from .store import sqlite as store
from .store.fusion import hybrid_candidates
from .store.view import load_committed
from .store import writer
from .store.writer import IndexBusyError, ModelMismatchError
from .text.facets import FilterError

if TYPE_CHECKING:
    from .embed import Embedder
    from .ingest.sources import SkippedInput


@dataclass(frozen=True)
class IngestReport:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple["SkippedInput", ...] = ()
    passages_added: int = 0
    passages_embedded: int = 0  # vectors computed now (the rest came from the cache)
    seconds: float = 0.0
    embed_seconds: float = 0.0


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
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _local: threading.local = field(default_factory=threading.local)

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
        return writer.write_lock(self.root)

    def _writer_conn(self):
        return writer.open_writer(self.db_path, self.embedder, self._check_model)

    def ingest(self, paths: Iterable[str | Path], progress: Callable[[str], None] | None = None) -> IngestReport:
        """Read, clean, chunk, embed and commit ``paths``; ``progress`` gets one line per slow step (an
        OCRed page)."""
        from .ingest.readers import ReadLimits
        from .ingest.sources import read_sources

        sources, skipped = read_sources(paths, limits=ReadLimits.from_settings(self.settings), progress=progress)
        return self.add_sources(sources, skipped=skipped)

    def add_sources(self, sources, *, skipped: Sequence = ()) -> IngestReport:
        from .ingest.clean import CleanError
        from .ingest.prepare import clean_source, prepare
        from .ingest.sources import SkippedInput

        started = time.perf_counter()
        lock = self._write_lock()
        try:
            conn = self._writer_conn()
            known = store.article_hashes(conn)
            skipped = list(skipped)
            prepared = []
            added, updated, unchanged = [], [], []
            for source in sources:
                try:
                    article = clean_source(source)
                except CleanError as exc:
                    skipped.append(SkippedInput(source.origin, str(exc)))
                    continue
                limit = self.settings.max_article_chars
                if len(article.text) > limit:
                    skipped.append(SkippedInput(source.origin, (
                        f"the article is {len(article.text):,} characters after cleaning, over the limit of "
                        f"{limit:,} (Settings.max_article_chars): split it into articles (one per JSONL line) "
                        "or raise the limit")))
                    continue
                if known.get(article.doc_id) == article.content_hash:
                    unchanged.append(article.doc_id)
                    continue
                (updated if article.doc_id in known else added).append(article.doc_id)
                prepared.append(prepare(article, self.settings))
            embedded, embed_seconds = self._embed_missing(conn, prepared)
            if prepared:
                self._commit(conn, lambda c: [
                    store.insert_article(c, p.article, p.entities, p.passages, p.vector_keys,
                                         [p.facets] * len(p.passages))
                    for p in prepared
                ])
            conn.close()
        finally:
            lock.release()
        return IngestReport(
            added=tuple(added), updated=tuple(updated), unchanged=tuple(unchanged), skipped=tuple(skipped),
            passages_added=sum(len(p.passages) for p in prepared), passages_embedded=embedded,
            seconds=time.perf_counter() - started, embed_seconds=embed_seconds,
        )

    def _embed_missing(self, conn, prepared) -> tuple[int, float]:
        return writer.embed_missing(conn, self.embedder, prepared, batch=max(self.settings.embed_batch_size * 8, 64))

    def _commit(self, conn, apply) -> None:
        writer.commit(conn, self.root, apply)

    def remove(self, doc_ids: Iterable[str]) -> list[str]:
        """Delete articles and their passages; returns the ids that were present."""
        doc_ids = list(dict.fromkeys(doc_ids))
        if not self.exists():
            return []
        lock = self._write_lock()
        try:
            conn = store.connect(self.db_path)
            present = [d for d in doc_ids if store.get_article(conn, d) is not None]
            if present:
                self._commit(conn, lambda c: (store.delete_articles(c, present), store.prune_vectors(c)))
            conn.close()
        finally:
            lock.release()
        return present

    def reindex(self) -> int:
        """Re-embed every passage with the current model and rebuild the derived files."""
        lock = self._write_lock()
        try:
            conn = store.connect(self.db_path)
            embedder = self.embedder
            rows = conn.execute(
                "SELECT p.vector_key, a.title, p.text FROM passages p JOIN articles a USING(doc_id)"
            ).fetchall()
            prepared = [_Inputs(tuple(r[0] for r in rows), tuple(embedding_input(r[1], r[2]) for r in rows))]
            store.set_meta(conn, "model_id", embedder.model_id)
            store.set_meta(conn, "dim", str(embedder.dim))
            embedded, _ = self._embed_missing(conn, prepared)
            writer.commit(conn, self.root, lambda c: store.prune_vectors(c), rebuild=True)
            conn.close()
        finally:
            lock.release()
        return embedded

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
        loaded = self._current()
        if loaded is None or not query.strip():
            return []
        allowed = self.allowed_pids(filters) if filters else None
        if within_docs is not None:
            conn = self._conn()
            in_docs = store.pids_of_docs(conn, within_docs)
            allowed = in_docs if allowed is None else allowed & in_docs
        if allowed is not None and not allowed:
            return []
        vector = self.query_vector(query) if query_vector is None else query_vector
        if loaded.view is not None:
            return loaded.view.candidates(query, vector, depth=depth or self.settings.candidates,
                                          allowed=allowed, rrf_k=self.settings.rrf_k)
        return hybrid_candidates(
            loaded.dense, loaded.lexical, query, vector,
            depth=depth or self.settings.candidates, allowed=allowed, rrf_k=self.settings.rrf_k,
        )

    def query_vector(self, query: str):
        return self.embedder.encode_queries([embedding_query(query)])[0]

    def lexical(self):
        loaded = self._current()
        return loaded.lexical if loaded else None

    def search(self, query: str, k: int = 10, *, filters: SearchFilters = SearchFilters()) -> list[Hit]:
        return self.hits(self.candidates(query, depth=max(k, self.settings.candidates), filters=filters)[:k])

    def hits(self, candidates: Sequence[Candidate]) -> list[Hit]:
        conn = self._conn()
        if conn is None or not candidates:
            return []
        passages = store.passages_by_pid(conn, [c.pid for c in candidates])
        meta = store.article_meta(conn, (p.doc_id for p in passages.values()))
        out = []
        for c in candidates:
            passage = passages.get(c.pid)
            if passage is None:  # removed by a writer since this generation was loaded
                continue
            title, url, date = meta.get(passage.doc_id, ("", None, None))
            out.append(Hit(passage=passage, title=title, score=c.score, url=url, date=date,
                           dense_rank=c.dense_rank, bm25_rank=c.bm25_rank, retrievers=c.retrievers))
        return out

    def allowed_pids(self, filters: SearchFilters) -> set[int]:
        from .text.facets import doc_values, locality_values

        conn = self._conn()
        if conn is None:
            return set()
        allowed: set[int] | None = None
        groups = [
            ("doc", doc_values(filters.docs)),
            ("locality", locality_values(filters.localities)),
            ("year", [str(y) for y in filters.years]),
        ]
        for facet, values in groups:
            if not values:
                continue
            pids = store.pids_with_facet(conn, facet, values)
            allowed = pids if allowed is None else allowed & pids
        return allowed if allowed is not None else set()

    def docs_matching(self, filters: SearchFilters) -> set[str]:
        conn = self._conn()
        return store.docs_of_pids(conn, self.allowed_pids(filters)) if conn else set()

    def encode_sentences(self, texts: Sequence[str]):
        """Passage-side vectors for the sentences of a few passages at query time, through the passage
        backend (ONNX int8 embeds each text on its own, so a sentence's vector is its own: 12 short
        sentences in 0.16 s here, against 0.55 s through the single-text query engine)."""
        return self.embedder.encode_passages(list(texts))

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
        return Facets(
            docs=tuple(values.get("doc", [])),
            localities=tuple(values.get("locality", [])),
            years=tuple(sorted(values.get("year", []), key=lambda v: v[0], reverse=True)),
        )

    def counts(self) -> tuple[int, int]:
        conn = self._conn()
        return store.counts(conn) if conn else (0, 0)

    def doctor(self) -> list[str]:
        if not self.exists():
            return []
        conn = store.connect(self.db_path)
        try:
            return gen.verify(conn, self.root)
        finally:
            conn.close()

    def manifest(self) -> dict | None:
        return gen.read_manifest(self.root)


@dataclass(frozen=True)
class _Inputs:
    """Just the embedding side of ``PreparedArticle``, for re-embedding stored passages."""

    vector_keys: tuple[str, ...]
    model_inputs: tuple[str, ...]
