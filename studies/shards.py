"""Shards simulated on one machine: one index split into S shards by pid (``hash(doc_id) mod S`` stands in as
``pid mod S``), each a segment of its own (IVF sized for the shard, its rows' term frequencies), searched
by fan-out and merged as a router would, against the one index.

    tracuu bench --sizes 1000000 --keep --out bench-results        # leaves bench-results/indexes/size-1000000
    python -m studies.shards --index bench-results/indexes/size-1000000 --shards 4 [--queries 200]

Two ways to score BM25 on the shards: with each shard's own statistics (one round, what a plain fan-out
does) and with corpus-wide statistics sent by the router (a first round gathers each shard's live count,
total length and the query tokens' document frequencies; then the shards score with the sums). Both are
compared with the one index: top-10 overlap of BM25 and of the fused candidates, and recall@10 of the
fan-out's dense search against exact search. Latency: each shard alone, and the fan-out with one thread
per shard (on 2 cores the shards share them; on a cluster each has its own). Writes shards.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT.parent / "shared" / "eval" / "xquad_vi_dev.queries.jsonl"


def split(segment, n_shards: int):
    """S in-memory segments holding the rows with pid mod S == s."""
    from index.store.dense import DenseIndex
    from index.store.postings import VARIANTS, Postings
    from index.store.segments import Segment

    ids, vectors = segment.dense.stored_vectors()
    order = np.argsort(ids)
    ids, vectors = ids[order], vectors[order]
    assert np.array_equal(ids, segment.pids), "dense ids and segment pids disagree"
    shards = []
    for s in range(n_shards):
        rows = np.flatnonzero(segment.pids % n_shards == s)
        new_row = np.full(len(segment.pids), -1, dtype=np.int64)
        new_row[rows] = np.arange(len(rows))
        t0 = time.perf_counter()
        lexical = {v: Postings.merge([(segment.lexical[v], new_row)], len(rows)) for v in VARIANTS}
        t1 = time.perf_counter()
        dense = DenseIndex.build(segment.pids[rows], vectors[rows], vectors.shape[1])
        print(f"shard {s}: {len(rows):,} passages, postings {t1 - t0:.1f}s, {dense.factory} "
              f"{time.perf_counter() - t1:.1f}s", flush=True)
        shards.append(Segment(s, segment.pids[rows], dense, lexical))
    return shards, ids, vectors


def with_global_statistics(shard_views, one_view, tokens_by_variant):
    """Give each shard's BM25 the corpus-wide live count, average length and the tokens' document
    frequencies (what the router's first round would send), so its scores are the one index's."""
    from index.store.postings import length_norms

    for view in shard_views:
        for variant, bm25 in view.bm25.items():
            whole = one_view.bm25[variant]
            bm25.n_live, bm25.avg_length = whole.n_live, whole.avg_length
            bm25._norms = [length_norms(p.lengths, whole.avg_length) for p, _ in bm25.parts]
            bm25._cache.clear()
            bm25._cached_bytes = 0
            bm25._df = {t: whole.document_frequency(t) for t in tokens_by_variant[variant]}


def fan_out(pool, shard_views, question, vector, depth=50):
    """The router: each shard's dense and BM25 top-``depth``, merged by score, fused by RRF."""
    import heapq

    from index.store.fusion import rrf_fuse

    parts = list(pool.map(lambda v: (v.dense_search(vector, depth), v.bm25_search(question, depth)), shard_views))
    dense = heapq.nsmallest(depth, [h for d, _ in parts for h in d], key=lambda h: (-h[1], h[0]))
    lexical = heapq.nsmallest(depth, [h for _, b in parts for h in b], key=lambda h: (-h[1], h[0]))
    return rrf_fuse(dense, lexical, k=60), dense, lexical


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, type=Path, help="an index folder with one segment (bench --keep)")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import faiss

    import index
    from index.store.view import SegmentView
    from index.text.tokens import pick_variant, tokenize
    from index.settings import Settings

    from bench.common import load_now, time_each

    idx = index.open(settings=Settings.load(args.index))
    one = idx._current().view
    if one is None or len(one.segments) != 1:
        print(f"{args.index}: needs an index of one segment (`tracuu optimize` it first)", file=sys.stderr)
        return 2
    questions = [json.loads(line)["question"] for line in QUERIES.open(encoding="utf-8")]
    questions = [questions[i] for i in np.random.default_rng(7).permutation(len(questions))[: args.queries]]
    vectors = {q: idx.query_vector(q) for q in questions}
    out: dict = {"index": str(args.index), "passages": len(one), "shards": args.shards,
                 "questions": len(questions), "load_at_start": load_now()}
    t0 = time.perf_counter()
    shards, ids, all_vectors = split(one.segments[0], args.shards)
    out["split_seconds"] = round(time.perf_counter() - t0, 1)
    flat = faiss.IndexFlatIP(all_vectors.shape[1])
    flat.add(all_vectors)
    exact = {}
    for q in questions:
        _, rows = flat.search(vectors[q].reshape(1, -1), 10)
        exact[q] = {int(ids[r]) for r in rows[0]}
    del flat, all_vectors
    no_dead = np.empty(0, dtype=np.int64)
    pool = ThreadPoolExecutor(max_workers=args.shards)
    tokens = {v: {t for q in questions for t in tokenize(q, folded=v == "folded")} for v in ("exact", "folded")}

    def top10(items):
        return [p for p, *_ in items[:10]]

    reference = {q: one.candidates(q, vectors[q], depth=50) for q in questions}
    reference_bm25 = {q: one.bm25_search(q, 50) for q in questions}
    for mode in ("local statistics", "corpus-wide statistics"):
        views = [SegmentView(0, [s], no_dead) for s in shards]
        if mode.startswith("corpus"):
            with_global_statistics(views, one, tokens)
        same_bm25, same_fused, overlap_bm25, overlap_fused, recall = 0, 0, [], [], []
        for q in questions:
            fused, dense, lexical = fan_out(pool, views, q, vectors[q])
            a, b = top10(lexical), top10(reference_bm25[q])
            overlap_bm25.append(len(set(a) & set(b)) / max(len(b), 1))
            same_bm25 += a == b
            fa, fb = [c.pid for c in fused[:10]], [c.pid for c in reference[q][:10]]
            overlap_fused.append(len(set(fa) & set(fb)) / max(len(fb), 1))
            same_fused += fa == fb
            recall.append(len({p for p, _ in dense[:10]} & exact[q]) / 10)
        out[mode] = {"bm25_top10_overlap": round(float(np.mean(overlap_bm25)), 4),
                     "bm25_top10_identical_share": round(same_bm25 / len(questions), 4),
                     "fused_top10_overlap": round(float(np.mean(overlap_fused)), 4),
                     "fused_top10_identical_share": round(same_fused / len(questions), 4),
                     "dense_recall@10_vs_exact": round(float(np.mean(recall)), 4)}
        print(mode, out[mode], flush=True)

    one_recall = np.mean([len({p for p, _ in one.dense_search(vectors[q], 50)[:10]} & exact[q]) / 10
                          for q in questions])
    out["one_index_dense_recall@10_vs_exact"] = round(float(one_recall), 4)

    views = [SegmentView(0, [s], no_dead) for s in shards]

    def timed(fn):
        return time_each(fn, questions, warm=5)

    out["latency"] = {
        "one index, candidates (vector given)": timed(lambda q: one.candidates(q, vectors[q], depth=50)),
        "one shard alone, dense + BM25": timed(lambda q: (views[0].dense_search(vectors[q], 50),
                                                          views[0].bm25_search(q, 50))),
        f"fan-out over {args.shards} shards, one thread each, merge + RRF": timed(
            lambda q: fan_out(pool, views, q, vectors[q])),
        "load_average_after": load_now(),
    }
    print(json.dumps(out["latency"], indent=1), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "shards.json").write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out / 'shards.json'}; {os.getloadavg()[0]:.1f} load")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
