"""Merging segments' term frequencies (``Postings.merge``) gives what tokenising the kept texts again gives:
the same columns row by row, the same lengths, so the same BM25 scores — also when the segments' pids
interleave and some rows are tombstoned. And a merge through the store takes that path (no tokenising)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from index.store.postings import VARIANTS, CorpusBM25, Postings, build_variants
from index.text.tokens import tokenize

WORDS = ("Hà Nội quận Tây Hồ dân vận Quyết định 290 tổng kết hội nghị Mặt trận Tổ quốc phường "
         "Thanh Xuân huyện Đông Anh năm 2024 đồng chí Chủ tịch Ủy ban nhân dân triển khai").split()


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 25))) for _ in range(n)]


def _columns(p: Postings) -> dict[str, list[tuple[int, float]]]:
    out = {}
    for token in p.vocab:
        rows, tfs = p.column(token)
        out[token] = list(zip(rows.tolist(), tfs.tolist()))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_merge_equals_a_fresh_build_of_the_kept_rows(seed):
    rng = random.Random(seed)
    texts = _texts(300, seed)
    # three segments whose pids interleave (what repeated merges of non-adjacent segments leave)
    owner = [rng.randrange(3) for _ in texts]
    dead = {i for i in range(len(texts)) if rng.random() < 0.2}
    kept = [i for i in range(len(texts)) if i not in dead]
    new_row_of = {pid: row for row, pid in enumerate(kept)}
    parts = {name: [] for name in VARIANTS}
    for seg in range(3):
        pids = [i for i in range(len(texts)) if owner[i] == seg]
        built = build_variants(texts[i] for i in pids)
        new_row = np.array([new_row_of.get(pid, -1) for pid in pids], dtype=np.int64)
        for name in VARIANTS:
            parts[name].append((built[name], new_row))
    fresh = build_variants(texts[i] for i in kept)
    for name in VARIANTS:
        merged = Postings.merge(parts[name], len(kept))
        assert _columns(merged) == _columns(fresh[name])
        assert merged.lengths.tolist() == fresh[name].lengths.tolist()
        assert merged.indptr[-1] == len(merged.rows) and np.all(np.diff(merged.indptr) > 0)
        question = tokenize("quận Tây Hồ tổng kết Quyết định 290 năm 2024", folded=name == "folded")
        ours = CorpusBM25([(merged, None)]).scores(question)[0]
        theirs = CorpusBM25([(fresh[name], None)]).scores(question)[0]
        assert np.array_equal(ours, theirs)


def test_a_store_merge_does_not_tokenise_again(tmp_path, monkeypatch):
    import index
    from index.settings import Settings

    from fakes import FakeEmbedder

    idx = index.open(settings=Settings.load(tmp_path / "idx"), embedder=FakeEmbedder())
    texts = _texts(40, 7)
    for i in range(0, 40, 10):
        path = tmp_path / f"b{i}.jsonl"
        path.write_text("".join(
            '{"id": "d%d", "title": "Bài %d", "text": "%s"}\n' % (j, j, f"{texts[j]} mục {j}") for j in range(i, i + 10)),
            encoding="utf-8")
        idx.ingest([path])
    idx.remove(["d3", "d17"])
    question = "quận Tây Hồ tổng kết Quyết định 290"
    before = idx._current().view.search(question, 10)

    def no_tokenising(*_a, **_k):
        raise AssertionError("a merge tokenised the texts again")

    def no_database_read(*_a, **_k):
        raise AssertionError("a merge read the vectors and texts from the database again")

    monkeypatch.setattr("index.store.segments.build_variants", no_tokenising)
    monkeypatch.setattr("index.store.segments._rows_of", no_database_read)
    assert idx.optimize() == 1
    monkeypatch.undo()
    assert idx.doctor() == []
    after = idx._current().view.search(question, 10)
    assert after == before
    # the merged segment's vectors are the stored ones, bit for bit
    from index.store import segments

    conn = idx._conn()
    pids, vectors = idx._current().view.segments[0].dense.stored_vectors()
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    expected, _ = segments._rows_of(conn, np.sort(pids), meta["model_id"], int(meta["dim"]))
    assert np.array_equal(vectors[np.argsort(pids)], expected)


def test_top_rows_with_the_sampled_floor_is_the_full_selection():
    from index.store import bm25top

    rng = np.random.default_rng(3)
    for trial in range(40):
        n = int(rng.choice([bm25top.SAMPLE_MIN_ROWS, 200_000]))
        scores = np.zeros(n, dtype=np.float32)
        share = [1.0, 0.5, 0.01, 0.0003][trial % 4]
        hit = rng.random(n) < share
        scores[hit] = rng.choice(np.float32([0.5, 1.25, 2.0, 3.5]), hit.sum()) + \
            (rng.random(hit.sum()).astype(np.float32) if trial % 2 else 0)  # many ties on even trials
        for k in (1, 10, 50):
            pos = np.flatnonzero(scores > 0)
            expected = pos[np.lexsort((pos, -scores[pos]))][:k]
            assert bm25top.top_rows(scores, k).tolist() == expected.tolist()


@pytest.mark.parametrize("factory", ["IDMap2,Flat", "IDMap2,IVF16,Flat"])
def test_stored_vectors_are_the_added_ones(factory):
    from index.store.dense import DenseIndex

    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((700, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pids = np.sort(rng.choice(10_000, 700, replace=False)).astype(np.int64)
    ids, got = DenseIndex.build(pids, vectors, 32, factory).stored_vectors()
    order = np.argsort(ids)
    assert np.array_equal(ids[order], pids) and np.array_equal(got[order], vectors)


def test_an_ivf_index_does_not_depend_on_the_order_or_the_ids_of_its_vectors():
    """A merge adds the kept vectors in another order and under other pids than a fresh build of the same
    articles: the quantiser must be trained on the same sample in the same order, so both find the same
    passages with the same scores (the issue's "identical to a fresh full build" at IVF sizes)."""
    from index.store.dense import DenseIndex

    rng = np.random.default_rng(11)
    vectors = rng.standard_normal((3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    shuffled = rng.permutation(len(vectors))
    fresh = DenseIndex.build(np.arange(len(vectors), dtype=np.int64), vectors, 32, "IDMap2,IVF256,Flat")
    merged_pids = (10_000 + 3 * np.arange(len(vectors))).astype(np.int64)  # row shuffled[i] gets merged_pids[i]
    merged = DenseIndex.build(merged_pids, vectors[shuffled], 32, "IDMap2,IVF256,Flat")
    row_of = dict(zip(merged_pids.tolist(), shuffled.tolist()))
    queries = rng.standard_normal((60, 32)).astype(np.float32)
    differ = 0
    for q in queries / np.linalg.norm(queries, axis=1, keepdims=True):
        mine = [(row_of[p], round(s, 5)) for p, s in merged.search(q, 10)]
        theirs = [(p, round(s, 5)) for p, s in fresh.search(q, 10)]
        differ += mine != theirs
    assert differ == 0, f"{differ} of 60 queries found other passages"
