"""Segments give the results of one full build: the same top-10 and the same scores on the xquad_vi_dev
questions whether the articles came in one commit or in many (with deletions, replacements and merges on
the way), and BM25 scores equal to bm25s's over the same passages.

The fake embedder stands in for the model: what is tested is the store (FAISS per segment, BM25 with
corpus-wide statistics, tombstones, merges), which sees vectors only as numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import index
from index.store import segments
from index.store.lexical import LexicalIndex
from index.settings import Settings

from fakes import FakeEmbedder

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DOCS = EVAL / "xquad_vi_dev.docs.jsonl"
QUERIES = EVAL / "xquad_vi_dev.queries.jsonl"

pytestmark = pytest.mark.skipif(not DOCS.exists(), reason="needs ../shared/eval/xquad_vi_dev")


def _open(folder: Path):
    return index.open(settings=Settings.load(folder), embedder=FakeEmbedder())


def _write(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def _top10(idx, questions: list[str]) -> list[list[tuple[str, float, int | None, int | None]]]:
    out = []
    for q in questions:
        cands = idx.candidates(q, depth=50)[:10]
        pids = [c.pid for c in cands]
        hits = {h.passage.passage_id: h for h in idx.hits(cands)}
        ids = [idx._conn().execute("SELECT passage_id FROM passages WHERE pid = ?", (p,)).fetchone()[0] for p in pids]
        assert set(ids) <= set(hits)
        out.append([(i, round(c.score, 9), c.dense_rank, c.bm25_rank) for i, c in zip(ids, cands)])
    return out


def _bm25(idx, questions: list[str]) -> list[list[tuple[str, float]]]:
    view = idx._current().view
    conn = idx._conn()
    out = []
    for q in questions:
        hits = view.search(q, 10)
        out.append([(conn.execute("SELECT passage_id FROM passages WHERE pid = ?", (p,)).fetchone()[0], s)
                    for p, s in hits])
    return out


@pytest.fixture(scope="module")
def data():
    docs = [json.loads(line) for line in DOCS.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [json.loads(line)["question"] for line in QUERIES.read_text(encoding="utf-8").splitlines()
                 if line.strip()][::3]
    return docs, questions


def test_segmented_index_gives_the_full_builds_top10_and_scores(tmp_path, data):
    docs, questions = data
    full = _open(tmp_path / "full")
    full.ingest([_write(tmp_path / "all.jsonl", docs)])

    grown = _open(tmp_path / "grown")
    # In ten commits, a doomed article added then removed, and an article replaced by its final text.
    doomed = {"id": "zz-doomed", "title": "Tạm", "text": "Bài sẽ bị xoá về bóng đá và Super Bowl. " * 20}
    changed = dict(docs[5], text=docs[5]["text"] + " Một câu thêm vào rồi bỏ đi.")
    grown.ingest([_write(tmp_path / "p0.jsonl", docs[:8] + [doomed])])
    grown.ingest([_write(tmp_path / "p1.jsonl", [changed])])
    for i, start in enumerate(range(8, len(docs), 9)):
        grown.ingest([_write(tmp_path / f"q{i}.jsonl", docs[start:start + 9])])
    grown.remove(["zz-doomed"])
    grown.ingest([_write(tmp_path / "p2.jsonl", [docs[5]])])  # back to the text the full build has
    conn = grown._conn()
    live = segments.live_segments(conn)
    assert len(live) > 1 and len(segments.tombstones(conn)) > 0, "the test must exercise segments and tombstones"
    assert grown.doctor() == [] and full.doctor() == []

    assert _bm25(grown, questions) == _bm25(full, questions)  # BM25 scores do not depend on the segments
    assert _top10(grown, questions) == _top10(full, questions)

    assert grown.optimize() == 1
    assert len(segments.tombstones(grown._conn())) == 0 and grown.doctor() == []
    assert _top10(grown, questions) == _top10(full, questions)


def test_an_optimized_ivf_index_gives_the_full_builds_top10(tmp_path, data, monkeypatch):
    """Past the exact-search limit each segment is an IVF index whose quantiser is trained on its vectors:
    after `optimize`, the one merged segment (vectors read back in another order, under other pids) must
    search like the fresh build. The limits are shrunk so that 109 passages make IVF segments."""
    from index.store import dense

    monkeypatch.setattr(dense, "FLAT_LIMIT", 30)
    monkeypatch.setattr(dense, "ivf_nlist", lambda n: 8)
    monkeypatch.setattr(dense, "IVF_NPROBE", 1)  # one list of 8: another quantiser finds other passages
    docs, questions = data
    full = _open(tmp_path / "full")
    full.ingest([_write(tmp_path / "all.jsonl", docs)])
    grown = _open(tmp_path / "grown")
    doomed = {"id": "zz-doomed", "title": "Tạm", "text": "Bài sẽ bị xoá về bóng đá và Super Bowl. " * 20}
    for i, start in enumerate(range(len(docs) - 20, -20, -20)):  # last articles first: other pids
        grown.ingest([_write(tmp_path / f"b{i}.jsonl", docs[max(start, 0):start + 20] + ([doomed] if i == 0 else []))])
    grown.remove(["zz-doomed"])
    assert full._current().view.factory == "IDMap2,IVF8,Flat"
    assert grown.optimize() == 1 and grown.doctor() == []
    assert grown._current().view.factory == "IDMap2,IVF8,Flat"
    assert _dense10(grown, questions) == _dense10(full, questions)


def _dense10(idx, questions: list[str]) -> list[list[tuple[str, float]]]:
    """Dense top-10 as (passage id, cosine). Not the fused list: articles added in another order get pids
    in another order, and exact BM25 ties go to the lower pid."""
    view, conn = idx._current().view, idx._conn()
    return [[(conn.execute("SELECT passage_id FROM passages WHERE pid = ?", (p,)).fetchone()[0], round(s, 6))
             for p, s in view.dense_search(idx.query_vector(q), 10)] for q in questions]


def test_bm25_scores_equal_bm25s_on_one_build(tmp_path, data):
    docs, questions = data
    idx = _open(tmp_path / "idx")
    idx.ingest([_write(tmp_path / "all.jsonl", docs)])
    conn = idx._conn()
    rows = conn.execute("SELECT p.pid, a.title || char(10) || p.text FROM passages p JOIN articles a USING(doc_id)"
                        " ORDER BY p.pid").fetchall()
    reference = LexicalIndex.build([r[0] for r in rows], [r[1] for r in rows])
    view = idx._current().view
    for q in questions:
        ours = view.search(q, 10)
        theirs = reference.search(q, 10)
        assert len(ours) == len(theirs) and np.allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5), q
        assert {p for p, _ in ours} == {p for p, _ in theirs}, q  # the same passages (order: up to float ties)


def test_tiered_merge_policy():
    sizes = {i: 100 for i in range(segments.MERGE_FACTOR - 1)}
    assert segments.plan_merge(sizes) == []
    sizes[99] = 50
    assert segments.plan_merge(sizes) == sorted(sizes)  # a full tier merges
    sizes = {i: 100 for i in range(segments.MERGE_FACTOR)} | {50: 500_000}
    assert 50 not in segments.plan_merge(sizes)  # a big segment is not rewritten with the small ones
    assert segments.plan_merge(sizes, max_passages=500) == []


def test_an_index_written_before_segments_is_read_then_converted_by_its_next_commit(tmp_path, data):
    """The one-generation layout (gen-N/ with bm25s files) that indexes built before segments have."""
    import shutil

    from index.store import generations as gen
    from index.store import sqlite as store
    from index.store.dense import DenseIndex

    docs, questions = data
    idx = _open(tmp_path / "idx")
    idx.ingest([_write(tmp_path / "a.jsonl", docs[:30])])
    expected = _top10(idx, questions[:40])
    # Rewrite it as the older version left it: no segment tables, one generation folder.
    conn = store.connect(idx.db_path)
    generation = int(store.get_meta(conn)["generation"])
    conn.executescript("DROP TRIGGER passages_tombstone; DROP TABLE segments; DROP TABLE tombstones;"
                       "DELETE FROM meta WHERE key IN ('segmented_upto', 'next_segment');")
    pids, vectors = store.passage_vectors(conn, FakeEmbedder.model_id, FakeEmbedder.dim)
    texts = dict(store.iter_passage_texts(conn))
    conn.close()
    for folder in idx.root.glob("seg-*"):
        shutil.rmtree(folder)
    folder = gen.gen_dir(idx.root, generation)
    folder.mkdir()
    DenseIndex.build(pids, vectors, FakeEmbedder.dim).save(folder / "dense.faiss")
    LexicalIndex.build(pids, [texts[int(p)] for p in pids]).save(folder / "lexical")
    info = gen.GenerationInfo(generation, len(pids), gen.GenerationInfo.checksum(pids), "IDMap2,Flat")
    (folder / "info.json").write_text(json.dumps(info.__dict__))

    old = _open(idx.root)
    assert old.doctor() == []
    # bm25s's precomputed float32 scores may order a near-tie differently: the same passages, not the order
    assert [{h[0] for h in q} for q in _top10(old, questions[:40])] == [{h[0] for h in q} for q in expected]
    old.ingest([_write(tmp_path / "b.jsonl", docs[30:35])])  # the next commit writes every passage as segments
    assert not list(idx.root.glob("gen-*")) and list(idx.root.glob("seg-*"))
    assert old.doctor() == [] and old.counts()[0] == 35
