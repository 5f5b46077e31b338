"""The shard simulation (studies/shards.py) on a small real index: shards built from one segment's files hold
every passage once, and with the router's corpus-wide statistics their fanned-out BM25 equals the one
index's, list for list and score for score."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import index
from index.settings import Settings

from fakes import FakeEmbedder

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DOCS = EVAL / "xquad_vi_dev.docs.jsonl"
QUERIES = EVAL / "xquad_vi_dev.queries.jsonl"

pytestmark = pytest.mark.skipif(not DOCS.exists(), reason="needs ../shared/eval/xquad_vi_dev")


def test_shards_with_corpus_wide_statistics_score_like_one_index(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from studies.shards import fan_out, split, with_global_statistics
    from index.store.view import SegmentView
    from index.text.tokens import tokenize

    idx = index.open(settings=Settings.load(tmp_path / "idx"), embedder=FakeEmbedder())
    idx.ingest([DOCS])
    assert idx.optimize() == 1
    one = idx._current().view
    shards, ids, _ = split(one.segments[0], 3)
    assert sorted(np.concatenate([s.pids for s in shards]).tolist()) == sorted(one.segments[0].pids.tolist())
    questions = [json.loads(line)["question"] for line in QUERIES.open(encoding="utf-8")][:40]
    tokens = {v: {t for q in questions for t in tokenize(q, folded=v == "folded")} for v in ("exact", "folded")}
    views = [SegmentView(0, [s], np.empty(0, dtype=np.int64)) for s in shards]
    with_global_statistics(views, one, tokens)
    with ThreadPoolExecutor(3) as pool:
        for q in questions:
            vector = idx.query_vector(q)
            _, dense, lexical = fan_out(pool, views, q, vector, depth=10)
            assert lexical == one.bm25_search(q, 10), q
            assert [p for p, _ in dense] == [p for p, _ in one.dense_search(vector, 10)], q  # flat: exact
