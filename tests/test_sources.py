"""Reading inputs: good files are read, every hostile one is skipped with one clear reason."""

from __future__ import annotations

import json
import os
import types
from pathlib import Path

from index.ingest.sources import SkippedInput, iter_sources, read_sources

from conftest import to_cp1258

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOOD = "Quận ủy Tây Hồ tổ chức hội nghị tổng kết công tác dân vận năm 2020.\n"


def _reasons(skipped: list[SkippedInput]) -> dict[str, str]:
    return {Path(s.origin).name: s.reason for s in skipped}


def test_reads_the_seed_corpus():
    docs, skipped = read_sources([CORPUS])
    assert skipped == []
    assert [d.doc_id for d in docs] == sorted(p.name for p in CORPUS.glob("*.txt"))
    assert all(d.kind == "txt" and d.raw_text for d in docs)


def test_hostile_files_are_skipped_one_reason_each(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    (tmp_path / "legacy.txt").write_bytes(to_cp1258(GOOD))
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me br\xfbl\xe9e".encode("latin-1"))
    (tmp_path / "huge.txt").write_bytes(b"a" * 5000)
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")  # other extensions inside a folder: ignored silently
    (tmp_path / ".hidden.txt").write_text(GOOD, encoding="utf-8")

    docs, skipped = read_sources([tmp_path], max_bytes=4096)
    ids = {d.doc_id for d in docs}
    assert ids == {"good.txt", "bom.md", "legacy.txt"}
    reasons = _reasons(skipped)
    assert set(reasons) == {"empty.txt", "blank.txt", "binary.txt", "latin1.txt", "huge.txt", "photo.png"}
    assert "empty" in reasons["empty.txt"] and "empty" in reasons["blank.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "not UTF-8" in reasons["latin1.txt"] and "iconv" in reasons["latin1.txt"]
    assert "limit" in reasons["huge.txt"]
    assert all("\n" not in s.reason for s in skipped)
    legacy = next(d for d in docs if d.doc_id == "legacy.txt")
    assert legacy.raw_text == GOOD
    assert not next(d for d in docs if d.doc_id == "bom.md").raw_text.startswith("\ufeff")


def test_explicit_unknown_extension_and_missing_path(tmp_path):
    odd = tmp_path / "a.xyz"
    odd.write_bytes(b"%XYZ-1.4")
    docs, skipped = read_sources([odd, tmp_path / "nope.txt"])
    assert docs == []
    assert "unsupported file type '.xyz'" in skipped[0].reason
    assert "no such file" in skipped[1].reason


def test_symlink_outside_folder_is_skipped(tmp_path):
    outside = tmp_path / "outside"
    inside = tmp_path / "inside"
    outside.mkdir()
    inside.mkdir()
    (outside / "secret.txt").write_text(GOOD, encoding="utf-8")
    (inside / "ok.txt").write_text(GOOD, encoding="utf-8")
    os.symlink(outside / "secret.txt", inside / "link.txt")
    os.symlink(inside, inside / "loop")
    docs, skipped = read_sources([inside])
    assert [d.doc_id for d in docs] == ["ok.txt"]
    assert len(skipped) == 1 and skipped[0].origin.endswith("link.txt") and "outside" in skipped[0].reason


def test_jsonl_good_and_malformed_lines(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a", "text": GOOD, "title": "Tiêu đề", "url": "https://x.vn/a", "date": "2020-07-03"}, ensure_ascii=False),
        "{not json",
        json.dumps({"text": GOOD}),
        json.dumps({"id": "b", "text": 5}),
        "",
        json.dumps({"id": "c", "text": GOOD, "title": None}),
        json.dumps({"id": "a", "text": GOOD}),
        json.dumps(["id", "text"]),
        json.dumps({"id": "d", "text": "   "}),
        json.dumps({"id": "e", "text": GOOD, "date": 20200703}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, skipped = read_sources([path])
    assert [(d.doc_id, d.origin.rsplit(":", 1)[1]) for d in docs] == [("a", "1"), ("c", "6")]
    a = docs[0]
    assert (a.kind, a.title, a.url, a.date) == ("jsonl", "Tiêu đề", "https://x.vn/a", "2020-07-03")
    by_line = {int(s.origin.rsplit(":", 1)[1]): s.reason for s in skipped}
    assert set(by_line) == {2, 3, 4, 7, 8, 9, 10}
    assert "invalid JSON" in by_line[2]
    assert 'missing "id"' in by_line[3]
    assert '"text" must be a string' in by_line[4]
    assert "duplicate doc_id 'a'" in by_line[7] and f"{path}:1" in by_line[7]
    assert "JSON object" in by_line[8]
    assert "empty" in by_line[9]
    assert '"date"' in by_line[10]


def test_jsonl_bad_bytes_and_long_line(tmp_path):
    path = tmp_path / "x.jsonl"
    good = json.dumps({"id": "ok", "text": GOOD}, ensure_ascii=False).encode()
    path.write_bytes(b'{"id": "bad", "text": "caf\xe9"}\n' + b'{"id": "long", "text": "' + b"a" * 3000 + b'"}\n' + good + b"\n")
    docs, skipped = read_sources([path], max_bytes=1000)
    assert [d.doc_id for d in docs] == ["ok"]
    assert "not UTF-8" in skipped[0].reason and skipped[0].origin.endswith(":1")
    assert "limit" in skipped[1].reason and skipped[1].origin.endswith(":2")


def test_duplicate_file_names_across_folders(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.txt").write_text(GOOD, encoding="utf-8")
    docs, skipped = read_sources([tmp_path])
    assert len(docs) == 1 and docs[0].origin.endswith("a/same.txt")
    assert "duplicate doc_id 'same.txt'" in skipped[0].reason and "a/same.txt" in skipped[0].reason


def test_big_jsonl_streams(tmp_path):
    path = tmp_path / "big.jsonl"
    n = 50_000
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"d{i}", "text": "Tổ dân vận số %d." % i}, ensure_ascii=False) + "\n")
    it = iter_sources([path])
    assert isinstance(it, types.GeneratorType)
    first = next(it)
    assert first.doc_id == "d0"
    assert sum(1 for _ in it) == n - 1


def test_a_large_article_is_read_under_the_default_limit(tmp_path):
    path = tmp_path / "big.txt"
    para = ("Quận ủy Tây Hồ tổ chức hội nghị tổng kết công tác dân vận năm 2020. " * 20 + "\n\n").encode()
    with path.open("wb") as fh:
        for _ in range(8 * 1024 * 1024 // len(para)):
            fh.write(para)
    docs, skipped = read_sources([path])
    assert skipped == [] and len(docs[0].raw_text) > 5_000_000
