"""Query latency, memory and ANN recall at one corpus size: a real index folder of real and synthetic
passages, measured through ``Index.search`` and ``qa.answer`` and against FAISS and bm25s alone."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np


from .common import (
    DEPTH, EF_SWEEP, NPROBE_SWEEP, Profile, RECALL_MIN_SIZE, RECALL_TARGET, RssSampler, SYNTHETIC_PER_ARTICLE,
    folder_bytes, latency_summary, load_now, log, mb, peak_rss_bytes, release_memory, rss_bytes, time_each,
)


def _write_size_index(folder: Path, base_idx, pool, p, pids: np.ndarray, dense, lexical) -> dict:
    """SQLite rows for the synthetic passages (copied base database + inserts) and one segment holding
    them all, as ``tracuu optimize`` leaves an index."""
    from index.store import generations as gen
    from index.store import sqlite as store

    from . import synthetic as syn
    from .synthetic_segments import write_segment

    timings: dict = {}
    folder.mkdir(parents=True)
    db = folder / gen.DB_NAME
    t0 = time.perf_counter()
    src = sqlite3.connect(base_idx.db_path)
    dst = sqlite3.connect(db)
    src.backup(dst)
    src.close()
    # One segment of every passage replaces the base index's segments.
    dst.execute("DROP TRIGGER IF EXISTS passages_tombstone")
    for table in ("segments", "tombstones"):
        if dst.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
            dst.execute(f"DELETE FROM {table}")
    dst.execute("DELETE FROM meta WHERE key = 'segmented_upto'")
    dst.commit()
    n_real = p.n_real_used
    if n_real < base_idx.counts()[1]:  # fewer passages than the real corpus: drop the rest
        keep = ",".join(str(int(x)) for x in pids[:n_real])
        dst.execute(f"DELETE FROM passages WHERE pid NOT IN ({keep})")
    dst.execute("PRAGMA synchronous=OFF")
    dst.execute("BEGIN")
    n_syn = len(p) - n_real
    n_articles = (n_syn + SYNTHETIC_PER_ARTICLE - 1) // SYNTHETIC_PER_ARTICLE

    def articles():
        for a in range(n_articles):
            first = n_real + a * SYNTHETIC_PER_ARTICLE
            yield (f"syn{a:07d}", syn.passage_title(pool, p, first), "", f"synthetic-{a}", "bench")

    def passages():
        for j in range(n_syn):
            i = n_real + j
            a, ordinal = divmod(j, SYNTHETIC_PER_ARTICLE)
            text = syn.passage_text(pool, p, i)
            yield (int(pids[i]), f"syn{a:07d}#{ordinal}", f"syn{a:07d}", ordinal, 0, len(text), text, "synthetic")

    dst.executemany("INSERT INTO articles(doc_id, title, text, content_hash, origin) VALUES (?, ?, ?, ?, ?)",
                    articles())
    dst.executemany("INSERT INTO passages(pid, passage_id, doc_id, ordinal, start, end, text, vector_key)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", passages())
    meta = store.get_meta(dst)
    generation = int(meta.get("generation", "0")) + 1000
    dst.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (str(generation),))
    dst.execute("COMMIT")
    dst.close()
    timings["sqlite_rows_seconds"] = round(time.perf_counter() - t0, 2)

    timings.update(write_segment(folder, db, pids, dense, lexical))
    seg = folder / "seg-000001"
    timings["disk_bytes"] = {
        "dense.faiss": folder_bytes(seg / "dense.faiss"),
        "lexical (exact + folded term frequencies)": sum(folder_bytes(f) for f in seg.glob("exact.*"))
        + sum(folder_bytes(f) for f in seg.glob("folded.*")),
        "sqlite": folder_bytes(db),
    }
    return timings


TIE_TOLERANCE = 1e-3  # cosine: a neighbour this close to the exact k-th counts as found


def _knob(dense_raw):
    """("nprobe", nlist) for an IVF index, ("efSearch", None) for HNSW, None for exact search."""
    from index.store.dense import _hnsw_of, _ivf_of

    ivf = _ivf_of(dense_raw)
    if ivf is not None:
        return "nprobe", int(ivf.nlist)
    return ("efSearch", None) if _hnsw_of(dense_raw) is not None else None


def _recall(dense_raw, flat, queries: np.ndarray, k: int, values, single: int = 100, search_k: int | None = None
            ) -> list[dict]:
    """Strict recall@k (set overlap with the exact top-k), tie-tolerant recall@k (a returned passage whose
    exact cosine is within TIE_TOLERANCE of the exact k-th one counts), and single-query latency of a
    ``search_k``-deep search (the top k of it are scored), for each value of the index's search knob."""
    import faiss

    search_k = max(k, search_k or k)
    exact_sims, truth = flat.search(queries, k)
    threshold = exact_sims[:, k - 1] - TIE_TOLERANCE
    knob, nlist = _knob(dense_raw)
    rows = []
    for value in values:
        if knob == "nprobe":
            value = min(value, nlist)
            params = faiss.SearchParametersIVF(nprobe=value)
        else:
            value = max(value, search_k)
            params = faiss.SearchParametersHNSW(efSearch=value)
        _, got = dense_raw.search(queries, search_k, params=params)
        got = np.ascontiguousarray(got[:, :k])
        strict = float(np.mean([len(set(g[g >= 0]) & set(t)) / k for g, t in zip(got, truth)]))
        sims = flat.similarities(queries, got)
        tolerant = float(np.mean(np.sum(sims >= threshold[:, None], axis=1) / k))
        ratio = float(np.mean(sims.sum(axis=1) / exact_sims.sum(axis=1)))
        times = []
        for q in queries[:single]:
            t0 = time.perf_counter()
            dense_raw.search(q.reshape(1, -1), search_k, params=params)
            times.append(time.perf_counter() - t0)
        rows.append({knob: value, "search_k": search_k, f"recall@{k}": round(strict, 4),
                     f"recall@{k}_tie_tolerant": round(tolerant, 4), "similarity_sum_ratio": round(ratio, 5),
                     **latency_summary(times)})
    return rows


def size_section(size: int, tmp: Path, base_idx, pool, queries: list[dict], profile: Profile,
                 fresh_queries: np.ndarray) -> dict:
    import faiss

    import index
    import qa
    from index.store import dense as dense_mod
    from index.store.dense import DenseIndex
    from index.store.postings import build_variants
    from index.text.tokens import pick_variant, tokenize
    from index.settings import Settings

    from . import synthetic as syn
    from .grow import add_articles
    from .synthetic_segments import check_postings, passage_titles, postings_fast, titled

    release_memory()
    out: dict = {"size": size, "load_average_at_start": load_now()}
    rss0 = rss_bytes()
    t0 = time.perf_counter()
    p = syn.plan(pool, size)
    base_pids = pool.pids
    pids = np.concatenate([base_pids[: p.n_real_used],
                           base_pids.max(initial=0) + 1 + np.arange(size - p.n_real_used, dtype=np.int64)])
    vectors = syn.vectors(pool, p)
    out["real_passages"] = p.n_real_used
    out["synthetic_passages"] = size - p.n_real_used
    out["synthesis_seconds"] = round(time.perf_counter() - t0, 2)
    log(f"size {size:,}: {p.n_real_used} real + {size - p.n_real_used:,} synthetic passages "
        f"({out['synthesis_seconds']}s)")

    # dense: the project's structure for this size
    build: dict = {}
    with RssSampler() as mem:
        t0 = time.perf_counter()
        dense = DenseIndex.build(pids, vectors, pool.dim)
        build["dense_seconds"] = round(time.perf_counter() - t0, 2)
    build["dense_factory"] = dense.factory
    build["dense_rss_peak_delta_mb"] = mb(mem.peak - mem.start_rss)
    log(f"size {size:,}: DenseIndex.build ({dense.factory}) {build['dense_seconds']}s")

    # lexical: the segment's term frequencies of title + passage, as the project builds them where
    # affordable, else assembled per distinct unit (bench/synthetic_segments.py), checked against it
    titles = passage_titles(pool, p)
    tpool, tplan = titled(pool, p, titles)
    with RssSampler() as mem:
        t0 = time.perf_counter()
        if size <= profile.real_lexical_max:
            lexical = build_variants(titles[i] + "\n" + syn.passage_text(pool, p, i) for i in range(size))
            build["lexical_path"] = "postings.build_variants (project tokenizer, every passage)"
        else:
            lexical = postings_fast(tpool, tplan)
            build["lexical_path"] = ("bench.synthetic_segments.postings_fast (each distinct sentence and title "
                                     "tokenised once by index.text.tokens.tokenize; term frequencies with scipy)")
        build["lexical_seconds"] = round(time.perf_counter() - t0, 2)
    build["lexical_rss_peak_delta_mb"] = mb(mem.peak - mem.start_rss)
    log(f"size {size:,}: lexical build {build['lexical_seconds']}s ({build['lexical_path'].split(' ')[0]})")
    if size - p.n_real_used > 0:  # the fast path against the project's build on the first passages
        n_check = min(size, 2_000)
        cut = syn.Plan(min(p.n_real_used, n_check), tplan.units[: tplan.ptr[n_check]], tplan.ptr[: n_check + 1])
        build["lexical_fast_vs_project"] = check_postings(
            postings_fast(tpool, cut), [titles[i] + "\n" + syn.passage_text(pool, p, i) for i in range(n_check)],
            [q["question"] for q in queries[:20]])
    # bm25s over the same texts, for comparison (not what the index searches)
    bm25s_lexical, _ = syn.build_lexical_fast(tpool, tplan, pids)
    lexical_bytes = sum(int(getattr(post, part).nbytes) for post in lexical.values()
                        for part in ("indptr", "rows", "tfs", "lengths"))

    folder = tmp / f"size-{size}"
    t0 = time.perf_counter()
    written = _write_size_index(folder, base_idx, pool, p, pids, dense, lexical)
    build.update({k: v for k, v in written.items() if k != "disk_bytes"})
    dense_bytes = written["disk_bytes"]["dense.faiss"]
    del dense, lexical
    release_memory()

    # the index as the application opens it
    settings = Settings.load(folder)
    idx = index.open(settings=settings, embedder=base_idx.embedder)
    rss_before_load = rss_bytes()
    t0 = time.perf_counter()
    loaded = idx._current()
    build["load_seconds"] = round(time.perf_counter() - t0, 2)
    out["build"] = build
    out["memory"] = {
        "rss_after_load_delta_mb": mb(rss_bytes() - rss_before_load),
        "dense_bytes": dense_bytes, "dense_bytes_per_passage": round(dense_bytes / size, 1),
        "lexical_matrix_bytes": lexical_bytes, "lexical_bytes_per_passage": round(lexical_bytes / size, 1),
        "disk_bytes": written["disk_bytes"],
        "disk_bytes_per_passage": round(sum(written["disk_bytes"].values()) / size, 1),
    }

    # flat FAISS alone, on the same vectors
    flat = faiss.IndexFlatIP(pool.dim)
    flat.add(vectors)
    del vectors
    release_memory()

    nq = profile.component_queries if size < RECALL_MIN_SIZE else max(50, profile.component_queries // 2)
    comp = queries[:nq]
    lat: dict = {}
    log(f"size {size:,}: latencies ({len(comp)} queries)")
    # exact search costs ~0.4 s a query at 1M: 30 queries there keep the run under 20 minutes
    flat_q = comp if size < 1_000_000 else comp[:30]
    lat["faiss_flat_alone_k10"] = time_each(lambda q: flat.search(q["vector"].reshape(1, -1), 10), flat_q)

    def bm25s_alone(q):
        folded = pick_variant(q["question"]) == "folded"
        retriever = bm25s_lexical._folded if folded else bm25s_lexical._exact
        tokens = tokenize(q["question"], folded=folded)
        return retriever.retrieve([tokens], k=10, show_progress=False, n_threads=0)

    view = loaded.view
    lat["bm25s_alone_retrieve_k10"] = time_each(bm25s_alone, comp)
    del bm25s_lexical
    release_memory()
    lat[f"SegmentView.dense_search_k{DEPTH}"] = time_each(lambda q: view.dense_search(q["vector"], DEPTH), comp)
    lat[f"SegmentView.bm25_search_k{DEPTH}"] = time_each(lambda q: view.bm25_search(q["question"], DEPTH), comp)
    lat[f"SegmentView.candidates_depth{DEPTH}"] = time_each(
        lambda q: view.candidates(q["question"], q["vector"], depth=DEPTH), comp)
    lat["Index.candidates (query vector given)"] = time_each(
        lambda q: idx.candidates(q["question"], query_vector=q["vector"]), comp)
    searched = queries[: profile.search_queries]
    lat["Index.search k10 (incl. query embedding)"] = time_each(lambda q: idx.search(q["question"], 10), searched)
    # Where that time goes: the query embedding alone, and the search with BM25 waiting for it (before
    # index/store/beside.py) instead of scoring while the model runs.
    lat["query embedding alone"] = time_each(lambda q: idx.query_vector(q["question"]), searched)
    beside = idx.settings
    idx.settings = dataclasses.replace(beside, lexical_beside_embedding=False)
    try:
        lat["Index.search k10, BM25 after the embedding"] = time_each(lambda q: idx.search(q["question"], 10), searched)
    finally:
        idx.settings = beside
    answered = queries[: profile.answer_queries]
    log(f"size {size:,}: qa.answer ({len(answered)} questions, sentence vectors cached and not)")

    def cold(q):  # every question's sentences embedded afresh, as before the cache (index/embed/cache.py)
        if idx._sentences is not None:
            idx._sentences.clear()
        return qa.answer(idx, q["question"])

    lat["qa.answer"] = time_each(cold, answered, warm=1)
    before = (idx._sentences.hits, idx._sentences.misses) if idx._sentences else (0, 0)
    cached = lat["qa.answer, sentence vectors cached"] = time_each(lambda q: qa.answer(idx, q["question"]), answered,
                                                                   warm=0)
    if idx._sentences is not None:  # texts found in the cache / embedded, over these questions
        cached["cache_hits"], cached["cache_misses"] = (idx._sentences.hits - before[0],
                                                        idx._sentences.misses - before[1])
    out["load_average_after_latency"] = load_now()
    out["latency"] = lat

    if size >= RECALL_MIN_SIZE:
        seg_dense = loaded.view.segments[0].dense
        knob = _knob(seg_dense._index)
        rec: dict = {"factory": seg_dense.factory, "index": "the project's index at this size"}
        if knob is None:
            rec.update({"exact": True, "recall@10_default": 1.0, "recall@10_tie_tolerant_default": 1.0})
        else:
            name, nlist = knob
            log(f"size {size:,}: recall of {seg_dense.factory} ({name} sweep)")
            sweep = NPROBE_SWEEP if name == "nprobe" else EF_SWEEP
            default_value = (min(dense_mod.IVF_NPROBE, nlist) if name == "nprobe"
                             else max(dense_mod.HNSW_EF_SEARCH, DEPTH))
            sweep = tuple(sorted({min(v, nlist) if nlist else max(v, DEPTH) for v in sweep} | {default_value}))
            rec.update({"knob": name, "nlist": nlist, "default": default_value})
            real_q = np.stack([q["vector"] for q in queries]).astype(np.float32)
            flat_ids = _IdFlat(flat, pids)  # flat uses row numbers, the IDMap uses pids
            rec["real_questions"] = len(real_q)
            # k=50 searches (what hybrid search asks), recall of their top 10 and of all 50
            rec["sweep_real_questions"] = _recall(seg_dense._index, flat_ids, real_q, 10, sweep, search_k=DEPTH)
            rec["sweep_synthetic_queries"] = _recall(seg_dense._index, flat_ids, fresh_queries, 10, sweep,
                                                     single=50, search_k=DEPTH)
            rec["project_setting_recall@50"] = _recall(seg_dense._index, flat_ids, real_q, DEPTH,
                                                       [default_value], single=50)[0]
            default = next(r for r in rec["sweep_real_questions"] if r[name] == default_value)
            rec["recall@10_default"] = default["recall@10"]
            rec["recall@10_tie_tolerant_default"] = default["recall@10_tie_tolerant"]
            for label, rows, key in (("real_tie_tolerant", rec["sweep_real_questions"], "recall@10_tie_tolerant"),
                                     ("real", rec["sweep_real_questions"], "recall@10"),
                                     ("synthetic", rec["sweep_synthetic_queries"], "recall@10")):
                ok = [r[name] for r in rows if r[key] >= RECALL_TARGET]
                rec[f"min_{name}_for_target_{label}"] = min(ok) if ok else None
        out["ann_recall"] = rec

    if profile.add_articles:
        log(f"size {size:,}: adding {profile.add_articles} new articles (Index.ingest, bundled model)")
        out["add_articles"] = add_articles(idx, profile.add_articles)
    out["rss_now_mb"] = mb(rss_bytes())
    out["rss_growth_since_size_start_mb"] = mb(rss_bytes() - rss0)
    out["process_peak_rss_mb"] = mb(peak_rss_bytes())
    del flat, loaded, idx
    if profile.keep_under is not None:
        profile.keep_under.mkdir(parents=True, exist_ok=True)
        kept = profile.keep_under / folder.name
        shutil.rmtree(kept, ignore_errors=True)
        shutil.move(str(folder), kept)
        out["kept_index"] = str(kept)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    release_memory()
    return out


class _IdFlat:
    """A flat index whose results are pids (as the IDMap'd HNSW returns), for recall comparisons."""

    def __init__(self, flat, pids):
        self.flat, self.pids = flat, pids

    def search(self, queries, k):
        d, i = self.flat.search(queries, k)
        return d, np.where(i >= 0, self.pids[np.clip(i, 0, None)], -1)

    def similarities(self, queries, ids):
        """Exact cosine of each query with the passages ``ids`` (pids; -1 gives -inf)."""
        rows = np.clip(np.searchsorted(self.pids, np.clip(ids, 0, None)), 0, len(self.pids) - 1)
        vecs = self.flat.reconstruct_batch(rows.reshape(-1)).reshape(ids.shape[0], ids.shape[1], -1)
        sims = np.einsum("qd,qkd->qk", queries, vecs)
        return np.where(ids >= 0, sims, -np.inf)


def _flat_vectors(flat) -> np.ndarray:
    return np.ascontiguousarray(flat.reconstruct_n(0, flat.ntotal), dtype=np.float32)


# ------------------------------------------------------------------------------------------- output


