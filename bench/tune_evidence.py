"""Fit the sentence-choice weights of ``qa/evidence.py`` on a tuning set (xquad_vi_dev only).

    python -m bench.tune_evidence --index DIR --queries xquad_vi_dev.queries.jsonl

The index must already hold the docs of the queries. Features are computed once per (question, sentence)
with sentence vectors cached by text, then a grid over the weights is scored by how often the chosen
sentence contains a gold answer. Prints the best weights and the hit rate of the current ones.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import unicodedata

import numpy as np


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s).lower()).strip()


def collect(idx, queries: list[dict], top_passages: int) -> list[list[tuple]]:
    from qa import evidence
    from qa.analyze import analyze
    from qa.compose import _prefer_constrained

    cache: dict[str, np.ndarray] = {}

    def encode(texts):
        missing = [t for t in texts if t not in cache]
        if missing:
            for t, v in zip(missing, idx.encode_sentences(missing)):
                cache[t] = v
        return np.stack([cache[t] for t in texts])

    lexical = idx.lexical()
    rows = []
    for q in queries:
        analysis = analyze(q["question"])
        qv = idx.query_vector(q["question"])
        hits = _prefer_constrained(idx, idx.hits(idx.candidates(q["question"], query_vector=qv)[:10]), analysis)
        weights = evidence.idf_weights(q["question"], lexical)
        pair_weights = evidence.idf_weights(q["question"], lexical, phrases=True)
        folded = evidence.pick_variant(q["question"]) == "folded"
        noun = evidence.counted_noun(q["question"]) if analysis.answer_type == "count" else None
        feats = []
        for i, hit in enumerate(hits[:top_passages]):
            ctx = evidence.coverage(hit.title + "\n" + hit.passage.text, weights, folded=folded)
            for s, e in evidence.sentence_spans(hit.passage.text):
                text = hit.passage.text[s:e]
                dense = float(encode([text])[0] @ qv)
                feats.append((
                    dense, evidence.coverage(text, weights, folded=folded), ctx,
                    evidence.holds_expected(text, analysis.answer_type, q["question"]),
                    evidence.fills_slot(text, noun), i,
                    any(_norm(a) in _norm(text) for a in q["answers"]),
                    evidence.coverage(text, pair_weights, folded=folded),
                ))
        rows.append(feats)
    return rows


def hit_rate(rows, w_dense, w_lex, w_ctx, w_type, w_slot, w_rank, w_phrase, typed_only=True) -> float:
    hits = 0
    for feats in rows:
        pool = [f for f in feats if f[3]] if typed_only else feats
        if not pool:
            continue
        best = max(pool, key=lambda f: w_dense * f[0] + w_lex * f[1] + w_ctx * f[2] + w_type * f[3]
                   + w_slot * f[4] - w_rank * f[5] + w_phrase * f[7])
        hits += best[6]
    return hits / len(rows)


def main() -> None:
    import index
    from qa import evidence

    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--top-passages", type=int, default=evidence.SENTENCES_FROM_TOP)
    args = parser.parse_args()
    queries = [json.loads(line) for line in open(args.queries, encoding="utf-8")]
    rows = collect(index.open(args.index), queries, args.top_passages)
    current = (evidence.W_DENSE, evidence.W_LEXICAL, 0.0, evidence.W_TYPE, evidence.W_SLOT,
               evidence.W_RANK, evidence.W_PHRASE)
    print("current", current, round(hit_rate(rows, *current), 4))
    print("ceiling (any sentence of the pool holds an answer)",
          round(sum(any(f[6] for f in feats) for feats in rows) / len(rows), 4))
    grid = itertools.product([1.0, 2.0, 4.0], [0.0, 0.5, 1.0], [0.0, 0.25, 0.5], [0.25], [0.0, 0.5, 1.0],
                             [0.04, 0.08], [0.0, 0.5, 1.0])
    scored = sorted(((hit_rate(rows, *w), w) for w in grid), reverse=True)
    for rate, w in scored[:8]:
        print(round(rate, 4), w)


if __name__ == "__main__":
    main()
