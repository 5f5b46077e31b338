"""Ingest at scale (issue 13 parts 2-4): batches committed as they finish, progress reported, folders kept in
sync (add, change, delete), republished copies merged, and the merge threshold measured. Real files, real
SQLite/FAISS/BM25; the fake embedder, since the model is not the point here."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

import index
from index.ingest import dedup
from tracuu.contract import AskResponse, Hit
from index.settings import Settings

from fakes import FakeEmbedder
from test_crash import marker, write_articles

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = sorted(CORPUS.glob("*.txt"))


def _open(folder: Path, **overrides):
    return index.open(settings=Settings.load(folder, **overrides), embedder=FakeEmbedder())


def test_batches_commit_as_they_finish_and_report_progress(tmp_path):
    names = write_articles(tmp_path / "in", range(10))
    idx = _open(tmp_path / "idx", ingest_batch_articles=3)
    seen = []
    report = idx.ingest([tmp_path / "in"], on_progress=seen.append)
    assert len(report.added) == 10 and report.batches == 4  # 3 + 3 + 3 + 1
    assert seen[-1].done and seen[-1].articles == 10 and seen[-1].total == 10 and seen[-1].files == 10
    assert seen[-1].passages == report.passages_added == idx.counts()[1]
    assert [p.passages for p in seen] == sorted(p.passages for p in seen)  # only grows
    assert idx.manifest()["generation"] == 4 and idx.doctor() == []
    again = idx.ingest([tmp_path / "in"])
    assert len(again.unchanged) == 10 and again.batches == 0 and again.passages_embedded == 0
    assert idx.sources([names[0]])[names[0]][0].path == str(tmp_path / "in" / names[0])


def test_progress_bar_renders_and_is_silent_off_a_terminal():
    import io

    from index.ingest.pipeline import IngestProgress
    from tracuu.progress import Bar, render

    line = render(IngestProgress(files=3, articles=50, passages=400, skipped=1, seconds=20.0, total=200))
    assert "50/200 articles" in line and "3 files" in line and "400 passages" in line
    assert "20.0 passages/s" in line and "ETA 1:00" in line and "1 skipped" in line
    out = io.StringIO()  # not a terminal: nothing but what the command prints itself
    bar = Bar(out)
    bar.update(IngestProgress(1, 1, 1, 0, 1.0))
    bar.line("OCR page 1/3")
    bar.close()
    assert out.getvalue() == ""


def test_a_folder_kept_in_sync_through_add_change_and_delete(tmp_path):
    folder = tmp_path / "reports"
    names = write_articles(folder, range(6))
    elsewhere = write_articles(tmp_path / "other", range(6, 8), seed=5)
    idx = _open(tmp_path / "idx", ingest_batch_articles=4)
    idx.ingest([tmp_path / "other"])  # not from the synced folder: a sync must never remove these

    first = idx.sync([folder])
    assert len(first.ingest.added) == 6 and first.removed == () and first.files_read == 6
    quiet = idx.sync([folder])
    assert quiet.files_read == 0 and quiet.ingest.passages_added == 0 and quiet.removed == ()

    (folder / names[0]).unlink()  # delete
    changed = (folder / names[1]).read_text(encoding="utf-8").replace("Hội nghị", "Hội thảo") + "\nMã mới QZ9999K.\n"
    time.sleep(0.01)
    (folder / names[1]).write_text(changed, encoding="utf-8")  # change
    (folder / "sub").mkdir()
    (folder / "sub" / "new.jsonl").write_text(json.dumps(
        {"id": "new-1", "title": "Bài mới", "text": "Bài mới về công tác dân vận tại xã Tân Lập, mã QZ1234K."},
        ensure_ascii=False) + "\n", encoding="utf-8")  # add
    (folder / names[2]).touch()  # same bytes, new mtime: re-stamped, not re-read
    second = idx.sync([folder])
    assert second.removed == (names[0],)
    assert second.ingest.updated == (names[1],) and second.ingest.added == ("new-1",)
    assert second.files_read == 2
    present = {s.article.doc_id for s in idx.articles()}
    assert present == (set(names) - {names[0]}) | set(elsewhere) | {"new-1"}
    assert idx.search("QZ9999K", k=1)[0].doc_id == names[1]
    assert idx.search("QZ1234K", k=1)[0].doc_id == "new-1"
    src = idx.sources(["new-1"])["new-1"][0]
    assert src.path == str((folder / "sub" / "new.jsonl").resolve()) and src.line == 1 and src.synced_at

    shutil_rmtree(folder / "sub")  # a whole subfolder gone
    third = idx.sync([folder])
    assert third.removed == ("new-1",) and idx.doctor() == []
    assert {s.article.doc_id for s in idx.articles()} >= set(elsewhere)


def shutil_rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path)


def test_sync_watch_picks_up_a_new_file(tmp_path):
    from index.ingest.sync import watch

    folder = tmp_path / "reports"
    write_articles(folder, range(2))
    idx = _open(tmp_path / "idx")
    passes = []

    def on_pass(result):
        passes.append(result)
        if len(passes) == 1:
            write_articles(folder, range(2, 3), seed=99)

    watch(lambda: idx.sync([folder]), interval=0.05, on_pass=on_pass, stop=lambda: len(passes) >= 2)
    assert [len(p.ingest.added) for p in passes] == [2, 1]


def _republished(path: Path, rng: random.Random) -> str:
    from studies.dedup import republish

    text = path.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return republish(title, body, rng)[1]


def test_a_republished_copy_is_merged_and_cites_every_source(tmp_path):
    import qa

    idx = _open(tmp_path / "idx")
    idx.ingest([CORPUS])
    portal = tmp_path / "portal"
    portal.mkdir()
    original = SEED[0]  # Tây Hồ: 91 Tổ dân vận khu dân cư
    (portal / "tayho-republished.txt").write_text(_republished(original, random.Random(3)), encoding="utf-8")
    report = idx.ingest([portal])
    assert report.merged == ("tayho-republished.txt",) and report.added == ()
    assert idx.counts()[0] == 5 and idx.manifest()["counts"]["articles"] == 5
    assert idx.manifest()["counts"]["merged"] == 1
    sources = idx.sources([original.name])[original.name]
    assert [s.doc_id for s in sources] == [original.name, "tayho-republished.txt"]
    assert not sources[1].canonical and sources[1].path == str(portal / "tayho-republished.txt")
    # Search and answers see the article once and carry every source.
    hits = idx.search("Tổ dân vận khu dân cư quận Tây Hồ", k=10)
    assert "tayho-republished.txt" not in {h.doc_id for h in hits}
    hit = Hit.of(next(h for h in hits if h.doc_id == original.name)).model_dump(mode="json")
    assert [s["doc_id"] for s in hit["sources"]] == [original.name, "tayho-republished.txt"]
    answer = AskResponse.of(qa.answer(idx, "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?")).model_dump(mode="json")
    cited = [c for c in answer["citations"] if c["doc_id"] == original.name]
    assert cited and all(len(c["sources"]) == 2 for c in cited)
    # Idempotent: the copy is unchanged the second time.
    assert idx.ingest([portal]).unchanged == ("tayho-republished.txt",)
    # Removing the original keeps the report: the copy takes its place.
    assert idx.remove([original.name]) == [original.name]
    assert idx.counts()[0] == 5 and idx.merged_count() == 0
    assert idx.article("tayho-republished.txt") is not None and idx.doctor() == []
    # The original read again is now the copy; the other seed articles (one topic: dân vận) never merge.
    again = idx.ingest([CORPUS])
    assert again.merged == (original.name,) and len(again.unchanged) == 4 and idx.counts()[0] == 5


def test_merge_threshold_measured_on_copies_and_same_topic_articles():
    from studies.dedup import measure

    threshold = Settings.load(".").dedup_threshold
    result = measure(news=80, thresholds=(threshold,))
    at = result["by_threshold"][threshold]
    print(f"\ndedup at {threshold}: {result['positives']} copies, {result['negatives']} same-topic pairs, "
          f"precision {at['precision']}, recall {at['recall']}; copy Jaccard ≥ {result['copy_jaccard_min']}, "
          f"others ≤ {result['other_jaccard_max']}")
    assert at["precision"] == 1.0 and at["recall"] >= 0.98
    assert result["copy_jaccard_min"] > threshold > result["other_jaccard_max"]


def test_minhash_estimates_jaccard():
    rng = random.Random(5)
    text = SEED[0].read_text(encoding="utf-8")
    words = text.split()
    for share in (0.1, 0.5, 0.9):
        cut = int(len(words) * share)
        other = " ".join(words[:cut] + [f"w{rng.random()}" for _ in words[cut:]])
        exact = dedup.jaccard(text, other)
        assert abs(dedup.similarity(dedup.signature(text), dedup.signature(other)) - exact) < 0.15, share


def test_cli_sync_info_and_quiet_ingest(tmp_path):
    from test_hostile import tracuu_fake

    folder, idx = tmp_path / "reports", str(tmp_path / "idx")
    names = write_articles(folder, range(3))
    (folder / "empty.txt").write_bytes(b"")
    first = tracuu_fake("sync", str(folder), "--index", idx)
    assert first.returncode == 3 and first.stdout == "", first.stderr[-2000:]
    assert f"tracuu: skipped {(folder / 'empty.txt').resolve()}: empty file" in first.stderr
    assert "sync: 4 files, 4 new or changed, 0 articles removed; added 3" in first.stderr
    assert "\r" not in first.stderr  # not a terminal: no bar, only the lines above
    (folder / names[0]).unlink()
    (folder / "empty.txt").unlink()
    second = tracuu_fake("sync", str(folder), "--index", idx)
    assert second.returncode == 0 and "1 articles removed" in second.stderr, second.stderr[-2000:]
    counts = json.loads(tracuu_fake("info", "--index", idx).stdout)["counts"]
    assert counts["articles"] == 2 and counts["merged"] == 0 and counts["passages"] >= 2
    again = tracuu_fake("ingest", str(folder), "--index", idx, "--quiet")
    assert again.returncode == 0 and again.stderr.count("\n") == 1 and "unchanged 2" in again.stderr
