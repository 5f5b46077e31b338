"""Compare BM25 tokenisers on an index built from xquad_vi_dev (alone and fused with its dense side).

    python -m studies.compare_tokenizers --index DIR --queries xquad_vi_dev.queries.jsonl

Prints doc-level R@1 / MRR@10 of BM25 alone, the tokenising speed, and R@1 after RRF with the index's
own dense ranking, for syllable uni+bigrams (the project's) and pyvi word segmentation.
"""

from __future__ import annotations

import argparse
import json
import re
import time

import numpy as np


def pyvi_words(text: str) -> list[str]:
    from pyvi import ViTokenizer

    from index.text.normalize import search_text

    return re.findall(r"\w+", ViTokenizer.tokenize(search_text(text)))


def main() -> None:
    import bm25s

    import index
    from index.text.tokens import tokenize
    from index.store.fusion import rrf_fuse

    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    parser.add_argument("--queries", required=True)
    args = parser.parse_args()
    idx = index.open(args.index)
    loaded = idx._current()
    conn = idx._conn()
    rows = conn.execute("SELECT p.pid, p.doc_id, a.title || char(10) || p.text FROM passages p"
                        " JOIN articles a USING(doc_id) ORDER BY p.pid").fetchall()
    pids, docs, texts = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    queries = [json.loads(line) for line in open(args.queries, encoding="utf-8")]
    vectors = {q["id"]: idx.query_vector(q["question"]) for q in queries}
    for name, tok in [("syllable uni+bigrams", tokenize), ("pyvi words", pyvi_words)]:
        started = time.perf_counter()
        corpus = [tok(t) for t in texts]
        speed = sum(map(len, texts)) / (time.perf_counter() - started)
        bm25 = bm25s.BM25()
        bm25.index(corpus, show_progress=False)
        r1 = mrr = fused_r1 = 0.0
        for q in queries:
            ids = bm25.get_tokens_ids(tok(q["question"]))
            ranked: list[tuple[int, float]] = []
            if ids:
                scores = bm25.get_scores(ids)
                ranked = [(pids[i], float(scores[i])) for i in np.argsort(-scores)[:50] if scores[i] > 0]
            seen: list[str] = []
            for pid, _ in ranked:
                doc = docs[pids.index(pid)]
                if doc not in seen:
                    seen.append(doc)
            r1 += bool(seen) and seen[0] == q["doc_id"]
            mrr += 1 / (seen.index(q["doc_id"]) + 1) if q["doc_id"] in seen[:10] else 0
            fused = rrf_fuse(loaded.dense.search(vectors[q["id"]], 50), ranked)
            fused_r1 += bool(fused) and docs[pids.index(fused[0].pid)] == q["doc_id"]
        n = len(queries)
        print(f"{name}: BM25 R@1 {r1 / n:.3f} MRR@10 {mrr / n:.3f}; fused R@1 {fused_r1 / n:.3f}; "
              f"tokenises {speed / 1000:.0f}k chars/s")


if __name__ == "__main__":
    main()
