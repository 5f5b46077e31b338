"""Fit the sentence-choice weights of ``qa/rank.py`` on a tuning set (xquad_vi_dev only), and say how
well they hold on questions they were not fitted on.

    python -m studies.tune_evidence --index DIR --queries xquad_vi_dev.queries.jsonl

The index must already hold the docs of the queries. Retrieval runs once per question and sentence
vectors are cached by text; then ``qa.rank.rank_sentences`` itself (not a copy of its formula) is run
for every point of a small grid over the weights, scored by how often the chosen sentence contains a gold
answer. Prints the hit rate of the shipped weights, the best grid points, and a 5-fold cross-validated
hit rate (weights picked on four fifths of the questions, scored on the fifth).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import re
import unicodedata
from typing import Iterator, Sequence

import numpy as np

# The weights searched, and the values tried for each.
GRID: dict[str, Sequence[float]] = {
    "W_DENSE": (0.5, 1.0, 2.0),
    "W_WINDOW": (1.0, 2.0, 3.0, 4.0),
    "W_TITLED": (0.0, 1.0, 2.0),
    "W_CONTINUES": (0.0, 1.0),
    "POOL_IDF_POWER": (0.0, 0.5, 1.0),
}
FOLDS = 5


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s).lower()).strip()


def collect(idx, queries: list[dict]) -> list[tuple]:
    """(question, answers, answer type, FactEvidence) per question, gathered as qa.answer gathers them."""
    from qa.analyze import analyze
    from qa.retrieve import Corpus, fact_evidence

    rows = []
    for q in queries:
        analysis = analyze(q["question"])
        rows.append((q["question"], q["answers"], analysis.answer_type, fact_evidence(Corpus(idx), q["question"], analysis)))
    return rows


@contextlib.contextmanager
def weights_set(values: dict[str, float]) -> Iterator[None]:
    from qa import rank as evidence

    saved = {name: getattr(evidence, name) for name in values}
    try:
        for name, value in values.items():
            setattr(evidence, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(evidence, name, value)


def hits_per_question(rows: list[tuple], encode, lexical, values: dict[str, float]) -> np.ndarray:
    from qa import rank as evidence

    out = np.zeros(len(rows), dtype=bool)
    with weights_set(values):
        for k, (_, answers, answer_type, found) in enumerate(rows):
            ranked = evidence.rank_sentences(found.words, answer_type, found.hits, found.query_vector, encode,
                                             lexical, given=found.given)
            if ranked:
                best = ranked[0]
                quote = found.hits[best.hit_index].passage.text[best.start : best.end]
                out[k] = any(_norm(a) in _norm(quote) for a in answers)
    return out


def main() -> None:
    import index
    from qa import rank as evidence

    parser = argparse.ArgumentParser()
    parser.add_argument("--index", required=True)
    parser.add_argument("--queries", required=True)
    args = parser.parse_args()
    queries = [json.loads(line) for line in open(args.queries, encoding="utf-8")]
    # Tuning reads the tune part of a public set only (bench/splits.json); the heldout part is for reports.
    from bench.splits import guard_tune, set_name_of, tune_only

    if (set_name := set_name_of(args.queries)) is not None:
        queries = guard_tune(set_name, tune_only(set_name, queries))
        print(f"{set_name}: tuning on its tune part, {len(queries)} questions")
    idx = index.open(args.index)
    rows = collect(idx, queries)
    cache: dict[str, np.ndarray] = {}

    def encode(texts):
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            cache.update(zip(missing, idx.encode_sentences(missing)))
        return np.stack([cache[t] for t in texts])

    lexical = idx.lexical()
    shipped = {name: getattr(evidence, name) for name in GRID}
    print("shipped", shipped, round(float(hits_per_question(rows, encode, lexical, shipped).mean()), 4))
    points = [dict(zip(GRID, combo)) for combo in itertools.product(*GRID.values())]
    table = np.stack([hits_per_question(rows, encode, lexical, p) for p in points])  # points × questions
    for k in np.argsort(-table.mean(axis=1), kind="stable")[:8]:
        print(round(float(table[k].mean()), 4), points[k])
    order = np.random.default_rng(0).permutation(len(rows))
    held_out = 0
    for fold in np.array_split(order, FOLDS):
        train = np.setdiff1d(order, fold)
        best = int(np.argmax(table[:, train].mean(axis=1)))
        held_out += int(table[best, fold].sum())
    print(f"{FOLDS}-fold cross-validated hit rate", round(held_out / len(rows), 4))


if __name__ == "__main__":
    main()
