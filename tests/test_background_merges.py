"""Merges on the open index's thread (``Settings(merges="background")``, what `tracuu serve` uses): the
index they leave searches like the one inline merges leave, a write arriving during a merge waits for it
instead of being refused, searches go on meanwhile, and the real model's index stays sound."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import index
from index.store import segments, writer
from index.settings import Settings

from conftest import copy_index
from fakes import FakeEmbedder

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DOCS = EVAL / "xquad_vi_dev.docs.jsonl"
QUERIES = EVAL / "xquad_vi_dev.queries.jsonl"


def _write(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def _top10(idx, questions):
    conn = idx._conn()
    out = []
    for q in questions:
        cands = idx.candidates(q, depth=50)[:10]
        out.append([(conn.execute("SELECT passage_id FROM passages WHERE pid = ?", (c.pid,)).fetchone()[0],
                     round(c.score, 9)) for c in cands])
    return out


def _live_sizes(idx) -> dict[int, int]:
    conn = idx._conn()
    return {seg: n for seg, n in segments.live_segments(conn)}


@pytest.mark.skipif(not DOCS.exists(), reason="needs ../shared/eval/xquad_vi_dev")
def test_background_merges_leave_an_index_that_searches_like_inline_merges(tmp_path):
    docs = [json.loads(line) for line in DOCS.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [json.loads(line)["question"] for line in QUERIES.read_text(encoding="utf-8").splitlines()][::4]
    batches = [_write(tmp_path / f"b{i}.jsonl", docs[i::10]) for i in range(10)]
    inline = index.open(settings=Settings.load(tmp_path / "inline"), embedder=FakeEmbedder())
    background = index.open(settings=Settings.load(tmp_path / "background", merges="background"),
                            embedder=FakeEmbedder())
    for batch in batches:  # ten commits: the eighth makes a merge of eight small segments due
        inline.ingest([batch])
        background.ingest([batch])
    assert background.wait_for_merges(timeout=120)
    assert background._merges.error is None and background._merges.merges_done >= 1
    assert len(_live_sizes(background)) < 10
    assert segments.plan_merge(_live_sizes(background), max_passages=writer.MERGE_LIMIT) == []
    assert _top10(background, questions) == _top10(inline, questions)
    assert background.doctor() == []


def test_a_write_during_a_background_merge_waits_for_it_and_searches_go_on(tmp_path, monkeypatch):
    monkeypatch.setattr(segments, "MERGE_FACTOR", 2)
    merging, release = threading.Event(), threading.Event()
    real_build = segments.build_segment

    def slow_build(*args, merged_from=(), **kwargs):  # a merge holds the write lock until the test lets go
        if merged_from:
            merging.set()
            assert release.wait(60)
        return real_build(*args, merged_from=merged_from, **kwargs)

    monkeypatch.setattr(segments, "build_segment", slow_build)
    idx = index.open(settings=Settings.load(tmp_path / "idx", merges="background"), embedder=FakeEmbedder())
    first = _write(tmp_path / "a.jsonl", [{"id": "a", "title": "Hội nghị dân vận", "text": "Quận Tây Hồ họp."}])
    second = _write(tmp_path / "b.jsonl", [{"id": "b", "title": "Tổ dân vận", "text": "Phường Nhật Tân có 9 tổ."}])
    third = _write(tmp_path / "c.jsonl", [{"id": "c", "title": "Dân vận khéo", "text": "Mô hình dân vận khéo."}])
    idx.ingest([first])
    idx.ingest([second])  # two segments: a merge is due, and the thread starts it
    assert merging.wait(30)
    assert idx.search("Tây Hồ", 5)  # readers are not blocked by the merge
    done: dict = {}

    def write_third():
        started = time.perf_counter()
        done["report"] = idx.ingest([third])  # queued behind the merge, not refused as "busy"
        done["waited"] = time.perf_counter() - started

    writer_thread = threading.Thread(target=write_third)
    writer_thread.start()
    time.sleep(0.5)
    assert writer_thread.is_alive()  # still waiting for the merge
    release.set()
    writer_thread.join(60)
    assert done["report"].added == ("c",) and done["waited"] >= 0.5
    assert idx.wait_for_merges(timeout=60) and idx._merges.error is None
    assert {h.passage.doc_id for h in idx.search("dân vận", 10)} == {"a", "b", "c"}
    assert len(_live_sizes(idx)) == 1 and idx.doctor() == []


def test_a_merge_thread_steps_aside_when_another_process_holds_the_lock(tmp_path, monkeypatch):
    monkeypatch.setattr(segments, "MERGE_FACTOR", 2)
    folder = tmp_path / "idx"
    idx = index.open(settings=Settings.load(folder), embedder=FakeEmbedder())  # inline: nothing left due
    idx.ingest([_write(tmp_path / "a.jsonl", [{"id": "a", "title": "A", "text": "Một."}])])
    bg = index.open(settings=Settings.load(folder, merges="background"), embedder=FakeEmbedder())
    bg.ingest([_write(tmp_path / "b.jsonl", [{"id": "b", "title": "B", "text": "Hai."}])])
    assert bg.wait_for_merges(timeout=60)
    assert len(_live_sizes(bg)) == 1  # merged by the thread once the write returned
    other = writer.write_lock(folder)  # "another process" (a second lock file handle) now writes
    try:
        bg._merges.request()
        assert bg.wait_for_merges(timeout=30) and bg._merges.error is None
    finally:
        other.release()


def test_background_merges_with_the_real_model(tmp_path, seed_index, monkeypatch):
    monkeypatch.setattr(segments, "MERGE_FACTOR", 2)
    folder = tmp_path / "seed"
    copy_index(seed_index.root, folder)
    idx = index.open(settings=replace(seed_index.settings, index_dir=folder, merges="background"),
                     embedder=seed_index.embedder)
    before = len(_live_sizes(idx))
    text = ("Ngày 5/3/2025, Ban Dân vận Quận ủy Long Biên tổng kết 12 mô hình dân vận khéo về bảo vệ "
            "môi trường, với 340 hộ dân tham gia phân loại rác tại nguồn.")
    idx.ingest([_write(tmp_path / "new.jsonl", [{"id": "long-bien", "title": "Long Biên tổng kết dân vận khéo",
                                                 "text": text}])])
    assert idx.wait_for_merges(timeout=120) and idx._merges.error is None
    assert idx._merges.merges_done >= 1 and len(_live_sizes(idx)) <= before
    hits = idx.search("Long Biên có bao nhiêu hộ dân phân loại rác?", 3)
    assert hits[0].passage.doc_id == "long-bien"
    assert np.isclose(hits[0].score, hits[0].score)  # a real fused score
    assert idx.doctor() == []
