"""`tracuu docs`, `tracuu timeline`, `ask --follow-up` and `--format … --out` (CONTRACT.md, second round),
driven through the command as an outside check would, on the session's seed index (read only)."""

from __future__ import annotations

import csv
import json

import pytest

from test_contract import tracuu  # the contract's one way of running the command


@pytest.fixture(scope="module")
def index_dir(seed_index) -> str:
    return str(seed_index.root)


def test_docs_json(index_dir):
    card = json.loads(tracuu("docs", "290-QĐ/TW", "--json", "--index", index_dir).stdout)
    assert set(card) >= {"id", "name", "date", "issuer", "term", "cited_by", "replaces", "replaced_by"}
    assert (card["id"], card["date"], card["issuer"], card["term"]) == ("290-QĐ/TW", "2010-02-25", "Bộ Chính trị", "khóa X")
    assert len(card["cited_by"]) == 3 and "Quy chế công tác dân vận của hệ thống chính trị" in card["name"]
    listed = json.loads(tracuu("docs", "--json", "--index", index_dir).stdout)["documents"]
    assert listed[0]["id"] == "290-QĐ/TW"
    missing = tracuu("docs", "Quyết định 999", "--index", index_dir, check=False)
    assert missing.returncode == 1 and "tracuu docs" in missing.stderr and not missing.stdout


def test_timeline_json_and_export(index_dir, tmp_path):
    out = tmp_path / "t.csv"
    proc = tracuu("timeline", "QĐ 290", "--json", "--format", "csv", "--out", str(out), "--index", index_dir)
    events = json.loads(proc.stdout)["events"]  # only JSON on stdout; the export note goes to stderr
    assert [(e["date"], e["locality"]) for e in events] == [
        ("2020-07-02", "Quận Tây Hồ"), ("2020-07-15", "Thành phố Cần Thơ"), ("2020-07-15", "Thành phố Hà Nội")]
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["date"] for r in rows] == ["2020-07-02", "2020-07-15", "2020-07-15"]


def test_ask_follow_up_json(index_dir):
    out = json.loads(tracuu("ask", "còn Thanh Xuân thì sao?", "--follow-up",
                            "Quận Tây Hồ tổ chức hội nghị tổng kết ngày nào?", "--json", "--index", index_dir).stdout)
    assert out["follow_up"]["resolved"] == "Quận Thanh Xuân tổ chức hội nghị tổng kết ngày nào?"
    assert [c["doc_id"] for c in out["citations"]] == ["001_520578ac9f119650.txt"]


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_ask_and_search_export(index_dir, tmp_path, fmt):
    out = tmp_path / f"a.{fmt}"
    tracuu("ask", "Những địa phương nào đã tổng kết 10 năm thực hiện Quyết định 290?", "--format", fmt,
           "--out", str(out), "--index", index_dir)
    assert out.stat().st_size > 1000
    md = tmp_path / "s.md"  # the extension alone gives the format
    tracuu("search", "Tổ dân vận", "-k", "3", "--out", str(md), "--index", index_dir)
    assert md.read_text(encoding="utf-8").count("\n| ") == 4


def test_format_without_out_is_refused(index_dir):
    proc = tracuu("search", "x", "--format", "csv", "--index", index_dir, check=False)
    assert proc.returncode != 0 and "--out" in proc.stderr


def test_timeline_text_names_levels_in_vietnamese(index_dir):
    """The plain timeline is Vietnamese: a unit's level reads "quận/huyện", not the contract's key."""
    text = tracuu("timeline", "290-QĐ/TW", "--index", index_dir).stdout
    assert "Quận Tây Hồ (quận/huyện)" in text and "Thành phố Cần Thơ (tỉnh/thành phố)" in text, text
    assert "(district)" not in text and "(province)" not in text
