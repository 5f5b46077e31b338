"""`tracuu ingest --ray` (issue 15 part 3): the stages on a local Ray cluster, one writer here, and the same
index as a plain ingest of the same input — articles, passages in order, vectors, search results, skips and
merged copies. Real model, FAISS, BM25, SQLite and a real local Ray cluster (2 CPUs). Skipped only when
Ray is not installed (`make test` installs the `ray` extra, so CI runs it)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import index
from index.store import sqlite as store
from index.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

needs_ray = pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                               reason="Ray is not installed (pip install 'tracuu[ray]')")

QUERIES = ["Tổ dân vận khu dân cư", "Quyết định 290 tổng kết 10 năm", "giá lúa gạo xuất khẩu", "tai nạn giao thông"]

NEWS = [
    {"id": "tin-001", "title": "Giá lúa gạo xuất khẩu tăng mạnh", "date": "2024-03-02",
     "text": "Giá lúa gạo xuất khẩu của Việt Nam tăng mạnh trong tháng 2. Theo Hiệp hội Lương thực Việt Nam, "
             "giá gạo 5% tấm đạt 650 USD mỗi tấn, cao nhất trong 15 năm. Nông dân Đồng bằng sông Cửu Long "
             "phấn khởi vì vụ đông xuân được mùa, được giá. Các doanh nghiệp cho biết đơn hàng từ Philippines "
             "và Indonesia tiếp tục tăng."},
    {"id": "tin-002", "title": "Tai nạn giao thông giảm trong dịp Tết", "date": "2024-02-16",
     "text": "Trong 7 ngày nghỉ Tết Nguyên đán, cả nước xảy ra 150 vụ tai nạn giao thông, làm chết 100 người, "
             "giảm 20% so với cùng kỳ năm trước. Ủy ban An toàn giao thông Quốc gia cho biết lực lượng cảnh "
             "sát giao thông đã xử lý hơn 20.000 trường hợp vi phạm nồng độ cồn."},
    {"id": "tin-003"},  # no text: skipped, naming the line
]


def _input(folder: Path) -> list[Path]:
    """The seed articles, news items, a republished copy of seed 000, and a repeated doc_id."""
    folder.mkdir()
    for path in sorted(CORPUS.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    seed = sorted(CORPUS.glob("*.txt"))[0].read_text(encoding="utf-8")
    lines = [*NEWS, {"id": "copy-of-000", "title": "Đăng lại", "text": seed}, {"id": "tin-001", "text": "lặp lại"}]
    (folder / "news.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                                       encoding="utf-8")
    return [folder]


def _snapshot(idx) -> dict:
    conn = store.connect(idx.db_path, readonly=True)
    try:
        articles = conn.execute("SELECT doc_id, title, content_hash, date FROM articles ORDER BY doc_id").fetchall()
        rows = conn.execute("SELECT doc_id, passage_id, text, vector_key FROM passages ORDER BY doc_id, pid").fetchall()
        vectors = store.cached_vectors(conn, [r[3] for r in rows], idx.model_id, 384)
    finally:
        conn.close()
    return {"articles": articles, "passages": [r[:3] for r in rows],
            "vectors": np.stack([vectors[r[3]] for r in rows])}


@pytest.fixture(scope="module")
def ray_cluster():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=1 << 29)
    yield ray
    ray.shutdown()


@needs_ray
def test_ray_ingest_gives_the_plain_ingest_index(tmp_path, ray_cluster):
    from index.ingest.ray_stages import RayOptions

    paths = _input(tmp_path / "in")
    plain = index.open(settings=Settings.load(tmp_path / "plain"))
    on_ray = index.open(settings=Settings.load(tmp_path / "ray"))
    expected = plain.ingest(paths)
    seen = []
    got = on_ray.ingest(paths, on_progress=seen.append, ray=RayOptions(workers=2))

    assert got.added == expected.added and len(got.added) == 7
    assert got.merged == expected.merged == ("copy-of-000",)
    assert [(s.origin, s.reason) for s in got.skipped] == [(s.origin, s.reason) for s in expected.skipped]
    assert len(got.skipped) == 2  # tin-003 without text, tin-001 repeated
    assert got.passages_added == expected.passages_added and got.passages_embedded == got.passages_added
    assert seen[-1].done and seen[-1].articles == 7 and seen[-1].passages == got.passages_added

    a, b = _snapshot(plain), _snapshot(on_ray)
    assert b["articles"] == a["articles"]
    assert b["passages"] == a["passages"]  # same texts, same order in each article
    assert np.abs(b["vectors"] - a["vectors"]).max() <= 1e-5
    assert on_ray.doctor() == [] and plain.doctor() == []
    assert on_ray.counts() == plain.counts() and on_ray.merged_count() == plain.merged_count() == 1
    for query in QUERIES:
        assert [h.passage.passage_id for h in on_ray.search(query, k=10)] == \
               [h.passage.passage_id for h in plain.search(query, k=10)], query


@pytest.mark.slow
@needs_ray
def test_ray_ingest_again_changes_nothing_and_embeds_only_the_changed(tmp_path, ray_cluster):
    from index.ingest.ray_stages import RayOptions

    paths = _input(tmp_path / "in")
    idx = index.open(settings=Settings.load(tmp_path / "idx"))
    first = idx.ingest(paths, ray=RayOptions(workers=1))
    again = idx.ingest(paths, ray=RayOptions(workers=1))
    assert len(again.unchanged) == len(first.added) + len(first.merged) and again.passages_embedded == 0
    news = tmp_path / "in" / "news.jsonl"
    lines = news.read_text(encoding="utf-8").splitlines()
    item = json.loads(lines[0])
    item["text"] += " Giá gạo dự báo còn tăng trong quý hai."
    news.write_text("\n".join([json.dumps(item, ensure_ascii=False), *lines[1:]]) + "\n", encoding="utf-8")
    changed = idx.ingest(paths, ray=RayOptions(workers=1))
    assert changed.updated == ("tin-001",) and 1 <= changed.passages_embedded <= len(idx.passages("tin-001"))
    assert idx.doctor() == []


def test_ray_missing_says_how_to_install(tmp_path, monkeypatch, capsys):
    from tracuu.cli import main

    # As if Ray were not installed: `import ray` raises ImportError.
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.setitem(sys.modules, "ray.data", None)
    (tmp_path / "a.txt").write_text("Một bài viết ngắn về công tác dân vận ở phường.", encoding="utf-8")
    status = main(["ingest", str(tmp_path / "a.txt"), "--index", str(tmp_path / "idx"), "--ray"])
    err = capsys.readouterr().err
    assert status == 2
    assert "pip install 'tracuu[ray]'" in err and "without --ray" in err
    assert not (tmp_path / "idx").exists()  # nothing started, nothing written
