"""Synthetic corpora written as the index writes them now: one segment (``index/store/segments.py``) with
its FAISS file and BM25 term frequencies (``index/store/postings.py``), opened through ``index.open``.

The keyword text of a passage is its article's title, a newline, and the passage (``store.iter_passage_texts``),
so each synthetic passage is planned as [title unit] + its sentence units (``bench/synthetic.py``), and the
term frequencies are assembled with sparse-matrix arithmetic from each distinct unit tokenised once, as
``synthetic.build_lexical_fast`` does for bm25s. ``check_postings`` compares the result with
``postings.build_variants`` over the joined texts (BM25 scores of real questions, which do not depend on
token ids).
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import numpy as np

from .common import SYNTHETIC_PER_ARTICLE
from . import synthetic as syn


def passage_titles(pool: syn.Pool, p: syn.Plan) -> list[str]:
    """The article title of each planned passage: a real passage's own, a synthetic article's first passage's."""
    titles = list(pool.titles[: p.n_real_used])
    for j in range(len(p) - p.n_real_used):
        first = p.n_real_used + (j // SYNTHETIC_PER_ARTICLE) * SYNTHETIC_PER_ARTICLE
        titles.append(syn.passage_title(pool, p, first))
    return titles


def titled(pool: syn.Pool, p: syn.Plan, titles: list[str]) -> tuple[syn.Pool, syn.Plan]:
    """The pool with the titles as extra units, and the plan with each passage's title unit first."""
    distinct = list(dict.fromkeys(titles))
    first_title_unit = pool.n_real + len(pool.sentences)
    unit_of = {t: first_title_unit + k for k, t in enumerate(distinct)}
    extended = syn.Pool(pool.texts, pool.titles, pool.vectors, pool.sentences + distinct,
                        np.concatenate([pool.sentence_source, np.zeros(len(distinct), dtype=np.int64)]),
                        pool.sentences_per_passage, pool.pids)
    n = len(p)
    ptr = p.ptr + np.arange(n + 1, dtype=np.int64)
    units = np.empty(len(p.units) + n, dtype=np.int64)
    heads = np.zeros(len(units), dtype=bool)
    heads[ptr[:-1]] = True
    units[heads] = np.fromiter((unit_of[t] for t in titles), dtype=np.int64, count=n)
    units[~heads] = p.units
    return extended, syn.Plan(p.n_real_used, units, ptr)


def postings_fast(pool: syn.Pool, p: syn.Plan) -> dict:
    """``build_variants`` of the planned passages' texts, assembled per distinct unit."""
    import scipy.sparse as sp

    from index.store.postings import Postings

    out = {}
    for name, folded in (("exact", False), ("folded", True)):
        blocks, doc_len, units = syn.tf_blocks(pool, p, folded)
        csc = sp.vstack(blocks, format="csr").tocsc()
        del blocks
        csc.sort_indices()
        vocab = {t: i for t, i in units.vocab.items() if i < csc.shape[1]}
        out[name] = Postings(vocab, np.ascontiguousarray(csc.indptr, dtype=np.int64),
                             np.ascontiguousarray(csc.indices, dtype=np.int32),
                             np.ascontiguousarray(csc.data, dtype=np.float32), doc_len.astype(np.int32))
    return out


def check_postings(fast: dict, texts: list[str], questions: list[str]) -> dict:
    """BM25 scores of ``questions`` over ``fast`` against ``build_variants(texts)``: the largest difference."""
    from index.store.postings import CorpusBM25, build_variants
    from index.text.tokens import tokenize

    real = build_variants(texts)
    worst, same = 0.0, 0
    for q in questions:
        for name, folded in (("exact", False), ("folded", True)):
            tokens = tokenize(q, folded=folded)
            a = CorpusBM25([(fast[name], None)]).scores(tokens)[0]
            b = CorpusBM25([(real[name], None)]).scores(tokens)[0]
            a = np.zeros(len(texts), np.float32) if a is None else a
            b = np.zeros(len(texts), np.float32) if b is None else b
            worst = max(worst, float(np.max(np.abs(a - b))) if len(a) else 0.0)
            same += bool(np.array_equal(a, b))
    return {"passages": len(texts), "queries": len(questions), "max_abs_score_diff": worst,
            "identical_score_vectors": same, "of": 2 * len(questions)}


def write_segment(folder: Path, db: Path, pids: np.ndarray, dense, postings: dict) -> dict:
    """``seg-000001`` for ``pids`` and the SQLite rows that make it the one live segment."""
    from index.store import segments as segs
    from index.store import sqlite as store

    t0 = time.perf_counter()
    seg = segs.seg_dir(folder, 1)
    seg.mkdir(parents=True)
    np.save(seg / "pids.npy", np.asarray(pids, dtype=np.int64))
    dense.save(seg / "dense.faiss")
    for name, post in postings.items():
        post.save(seg, name)
    (seg / "info.json").write_text(json.dumps({"seg_id": 1, "passages": len(pids), "factory": dense.factory}))
    conn = sqlite3.connect(db)
    segs.ensure_schema(conn)
    generation = int(store.get_meta(conn).get("generation", "0")) + 1
    conn.execute("BEGIN")
    conn.execute("INSERT INTO segments(seg_id, passages, created_gen) VALUES (1, ?, ?)", (len(pids), generation))
    for key, value in (("segmented_upto", int(pids.max())), ("next_segment", 2), ("generation", generation)):
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, str(value)))
    conn.execute("COMMIT")
    conn.close()
    return {"save_seconds": round(time.perf_counter() - t0, 2)}
