"""Index round trip, incremental updates, removal, commits that fail half-way, locking, model mismatch.

These use the fake embedder (fast, deterministic) with the real SQLite, FAISS and BM25; the real model is
exercised by test_contract.py and test_embed.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import index
from index.store import generations as gen
from index.store import segments
from index.records import SearchFilters
from index.settings import Settings

from conftest import CORPUS
from fakes import FakeEmbedder


def _open(folder: Path, embedder=None):
    return index.open(settings=Settings.load(folder), embedder=embedder or FakeEmbedder())


@pytest.fixture()
def corpus_copy(tmp_path):
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture()
def built(tmp_path, corpus_copy):
    idx = _open(tmp_path / "idx")
    report = idx.ingest([corpus_copy])
    return idx, report


def test_build_writes_manifest_and_agrees(built):
    idx, report = built
    assert len(report.added) == 5 and not report.skipped
    articles, passages = idx.counts()
    assert articles == 5 and passages == report.passages_added > 5
    manifest = idx.manifest()
    assert manifest["model_id"] == FakeEmbedder().model_id
    assert manifest["dimension"] == FakeEmbedder().dim
    assert manifest["faiss_factory"] == "IDMap2,Flat"
    assert manifest["counts"] == {"articles": 5, "passages": passages, "merged": 0}
    assert manifest["schema_version"] >= 1 and manifest["created_at"] and manifest["package_version"]
    assert idx.doctor() == []


def test_reingest_unchanged_embeds_nothing(built, corpus_copy):
    idx, first = built
    again = idx.ingest([corpus_copy])
    assert sorted(again.unchanged) == sorted(first.added)
    assert again.passages_embedded == 0 and not again.added and not again.updated


def test_changed_article_replaces_its_passages(built, corpus_copy):
    idx, _ = built
    target = corpus_copy / "002_c9b5cf354f6206ed.txt"
    text = target.read_text(encoding="utf-8")
    marker = "Sáng ngày 13/01/2022,"
    assert marker in text
    target.write_text(text.replace(marker, "Năm 2021 phường đã trồng 4.321 cây xanh.\n\n" + marker), encoding="utf-8")
    report = idx.ingest([target])
    assert report.updated == ("002_c9b5cf354f6206ed.txt",)
    # Only passages whose content changed are embedded again.
    assert 0 < report.passages_embedded < len(idx.passages("002_c9b5cf354f6206ed.txt"))
    texts = " ".join(p.text for p in idx.passages("002_c9b5cf354f6206ed.txt"))
    assert "4.321 cây xanh" in texts
    hits = idx.search("4.321 cây xanh", k=5)
    # The fake embedder's dense ranks are noise; the keyword side must find the new sentence first.
    assert min(hits, key=lambda h: h.bm25_rank or 99).doc_id == "002_c9b5cf354f6206ed.txt"
    assert idx.doctor() == []


def test_remove_deletes_article_and_passages(built):
    idx, _ = built
    assert idx.remove(["001_520578ac9f119650.txt", "nope"]) == ["001_520578ac9f119650.txt"]
    assert idx.article("001_520578ac9f119650.txt") is None
    assert all(h.doc_id != "001_520578ac9f119650.txt" for h in idx.search("Thanh Xuân dân vận khéo", k=20))
    assert idx.counts()[0] == 4 and idx.doctor() == []


def test_failed_commit_leaves_previous_generation_searchable(built, corpus_copy, monkeypatch):
    idx, _ = built
    before = [h.passage.passage_id for h in idx.search("Tổ dân vận khu dân cư", k=5)]
    generation_before = idx.manifest()["generation"]

    real_build = segments.build_segment

    def build_then_crash(*args, **kwargs):
        real_build(*args, **kwargs)  # the new segment's files are complete on disk...
        raise RuntimeError("simulated crash before the SQLite commit")

    monkeypatch.setattr(segments, "build_segment", build_then_crash)
    extra = corpus_copy / "new.txt"
    extra.write_text("Bài mới\n\nHội nghị bàn về công tác dân vận ở xã Tân Lập năm 2023.\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="simulated crash"):
        idx.ingest([extra])
    monkeypatch.undo()

    reopened = _open(idx.root)
    assert reopened.counts()[0] == 5 and reopened.article("new.txt") is None
    assert [h.passage.passage_id for h in reopened.search("Tổ dân vận khu dân cư", k=5)] == before
    assert reopened.doctor() == []
    # The next writer simply builds that generation number again.
    report = reopened.ingest([extra])
    assert report.added == ("new.txt",)
    assert reopened.manifest()["generation"] == generation_before + 1
    assert reopened.doctor() == []


def test_second_writer_is_refused_while_readers_work(built, corpus_copy):
    from filelock import FileLock

    idx, _ = built
    with FileLock(str(idx.root / gen.LOCK_NAME)):
        with pytest.raises(index.IndexBusyError, match="another tracuu process is writing"):
            idx.ingest([corpus_copy])
        assert idx.search("Tây Hồ", k=1)


def test_other_model_is_refused_naming_both(built):
    idx, _ = built

    class OtherModel(FakeEmbedder):
        model_id = "some/other-model"

    other = _open(idx.root, OtherModel())
    with pytest.raises(index.ModelMismatchError) as err:
        other.search("Tây Hồ")
    assert "some/other-model" in str(err.value) and FakeEmbedder().model_id in str(err.value)


def test_doctor_names_the_disagreement(built):
    idx, _ = built
    (folder,) = idx.root.glob("seg-*")
    (folder / "dense.faiss").write_bytes(b"broken")
    problems = _open(idx.root).doctor()
    assert problems and "reindex" in problems[0]
    fresh = _open(idx.root)
    fresh.reindex()
    assert fresh.doctor() == []


def test_filters_by_document_locality_and_year(built):
    idx, _ = built
    hits = idx.search("tổng kết", k=50, filters=SearchFilters(docs=("QĐ 290",)))
    assert {h.doc_id for h in hits} == {
        "000_ac480bf2e3db7916.txt", "003_ea7666a5d156f620.txt", "004_9467f64f0288784b.txt"}
    hits = idx.search("tổng kết", k=50, filters=SearchFilters(localities=("Thanh Khe Tay",)))
    assert {h.doc_id for h in hits} == {"002_c9b5cf354f6206ed.txt"}
    hits = idx.search("dân vận", k=50, filters=SearchFilters(years=(2022,)))
    assert hits and {h.doc_id for h in hits} <= {"002_c9b5cf354f6206ed.txt", "001_520578ac9f119650.txt"}
    with pytest.raises(index.FilterError, match="document reference"):
        idx.search("x", filters=SearchFilters(docs=("hello",)))
    facets = idx.facets()
    assert any(label == "290-QĐ/TW" for _, label, _ in facets.docs)


def test_folded_query_finds_accented_text(built):
    idx, _ = built
    candidates = idx.candidates("quyet dinh 290 ha noi", depth=10)
    best_lexical = idx.hits([min(candidates, key=lambda c: c.bm25_rank or 99)])[0]
    assert best_lexical.bm25_rank == 1
    assert best_lexical.doc_id in {"004_9467f64f0288784b.txt", "003_ea7666a5d156f620.txt", "000_ac480bf2e3db7916.txt"}
    assert "Quyết định 290" in best_lexical.passage.text or "Quyết định số 290" in best_lexical.passage.text
