"""`tracuu compare` (CONTRACT.md, third round): figures across localities side by side, on the real seed
index and the bundled model; the figure reader (index/text/figures.py) on sentences written here."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from test_contract import tracuu  # the contract's one way of running the command

QD290 = "290-QĐ/TW"
TAY_HO, CAN_THO, HA_NOI = "Quận Tây Hồ", "Thành phố Cần Thơ", "Thành phố Hà Nội"


# ---------------------------------------------------------------- the figure reader (text only)


def _figs(text: str) -> list[tuple[str, str]]:
    from index.text.figures import figures_in

    return [(f.shown, f.noun) for f in figures_in(text)]


def test_a_count_is_the_number_as_printed_with_its_noun():
    assert _figs("Đến nay đã thành lập 91 Tổ dân vận khu dân cư do đ/c Bí thư Chi bộ làm Tổ trưởng.") == [
        ("91", "Tổ dân vận khu dân cư")]
    assert _figs("Toàn Thành phố tổ chức 27.739 cuộc giám sát, 6.889 hội nghị phản biện xã hội.") == [
        ("27.739", "cuộc giám sát"), ("6.889", "hội nghị phản biện xã hội")]
    assert _figs("Các cấp đã tổ chức hơn 21.000 buổi tuyên truyền.") == [("hơn 21.000", "buổi tuyên truyền")]


def test_dates_codes_durations_rates_and_money_are_not_counts():
    text = ("Sáng ngày 02/7/2020, sau 10 năm thực hiện Quyết định số 290-QĐ/TW, quận có 126 chi hội (tăng 12,2% "
            "so với năm 2010), quyên góp 17 tỷ 145 triệu đồng; Đoàn kiểm tra số 1 làm việc ngày 15/7 tại Quận 3.")
    assert _figs(text) == [("126", "chi hội")]


def test_changes_rates_names_slogans_fractions_and_ages_are_not_counts():
    text = ("Thành phố sắp xếp giảm 5 xã, phường. Mỗi hội viên mua 1 hộp thực phẩm. Đề án SEA Games 31 thành công. "
            "Thực hiện “2 gặp, 4 biết” với thanh niên. Gần 2/3 con đường bị sạt lở. Bà Sạnh (50 tuổi) nhận 80 tỉ đồng. "
            "Xã có 3 thôn Nà Phìn, Sín Chải, Lao Chải.")
    assert _figs(text) == [("3", "thôn")]  # the names after the noun are not what is counted


def test_commended_collectives_and_individuals():
    """The tail printed after the last of a list, or the verb before it, makes every member a count of
    those commended; both wordings give one noun."""
    one = _figs("Tại hội nghị có 7 tập thể và 5 cá nhân được khen thưởng trong thực hiện Kết luận số 66.")
    two = _figs("Ban Thường vụ đã khen thưởng 7 tập thể, 7 cá nhân đã có thành tích xuất sắc.")
    three = _figs("Hội nghị đã biểu dương, khen thưởng 07 tập thể và 03 cá nhân đã có thành tích xuất sắc.")
    assert one == [("7", "tập thể được khen thưởng"), ("5", "cá nhân được khen thưởng")]
    assert two == [("7", "tập thể được khen thưởng"), ("7", "cá nhân được khen thưởng")]
    assert three == [("07", "tập thể được khen thưởng"), ("03", "cá nhân được khen thưởng")]


def test_a_part_of_a_total_and_a_list_of_units():
    assert _figs("Với 39.427 mô hình “Dân vận khéo ” được đăng ký đã có 10.272 mô hình được công nhận.") == [
        ("10.272/39.427", "mô hình Dân vận khéo được công nhận")]
    assert _figs("Thành phố sắp xếp 7.968 thôn, tổ dân phố còn 5.260 thôn, tổ dân phố.") == [
        ("7.968", "thôn, tổ dân phố"), ("5.260", "thôn, tổ dân phố")]
    assert _figs("Hiện nay, 8/8 phường đều phân công đồng chí Bí thư phụ trách.") == [("8/8", "phường")]


def test_columns_keep_apart_what_one_article_counts_side_by_side():
    """Complete linkage on the model's cosine, except: nouns one article counts separately, and a list
    against anything but the same list, are never one column (here with vectors that would merge all)."""
    import numpy as np

    from report.compare_columns import group

    nouns = {"hoi nghi tiep xuc": Counter({"hội nghị tiếp xúc": 1}),
             "hoi nghi doi thoai": Counter({"hội nghị đối thoại": 2}),
             "xa, phuong": Counter({"xã, phường": 1}), "phuong": Counter({"phường": 1})}
    same = lambda texts: np.ones((len(texts), 4)) / 2.0  # every cosine 1.0
    cols = group(nouns, [("hoi nghi doi thoai", "hoi nghi tiep xuc")], same)
    together = {frozenset(c.nouns) for c in cols}
    assert frozenset({"xa, phuong"}) in together and len(cols) == 3
    assert not any({"hoi nghi tiep xuc", "hoi nghi doi thoai"} <= set(c.nouns) for c in cols)


# ---------------------------------------------------------------- the table, on the seed index


@pytest.fixture(scope="module")
def qd290(seed_index):
    from report.compare import compare

    return compare(seed_index, QD290)


def _value(result, row_label: str, label_words: str) -> list[str]:
    """Values of the row's cells whose column label holds ``label_words`` (folded)."""
    from index.text.refs import fold

    row = next(r for r in result.rows if r.label == row_label)
    return [c.value for col in result.columns if fold(label_words) in fold(col.label) and (c := row.cell(col.key))]


def test_290_rows_and_the_figures_the_issue_names(qd290):
    assert [r.label for r in qd290.rows] == [CAN_THO, HA_NOI, TAY_HO]
    assert _value(qd290, TAY_HO, "Tổ dân vận") == ["91"]
    assert _value(qd290, CAN_THO, "dân vận khéo") == ["9.720"]
    khéo = next(c for col in qd290.columns if "dân vận khéo" in col.label
                for c in [next(r for r in qd290.rows if r.label == HA_NOI).cell(col.key)] if c)
    assert (khéo.value, khéo.of) == ("10.272", "39.427")
    assert _value(qd290, TAY_HO, "tập thể được khen thưởng") == ["7"]  # the clause naming 290, not KL 66's 7
    # One column for both wordings of the kind: Cần Thơ's "điển hình" and Hà Nội's "mô hình".
    assert sum("dân vận khéo" in c.label for c in qd290.columns) == 1
    tay_ho = next(r for r in qd290.rows if r.label == TAY_HO)
    assert (tay_ho.date, tay_ho.locality_2025) == ("2020-07-02", "Thành phố Hà Nội")


def test_every_cell_is_cited_to_the_sentence_that_prints_it(qd290, seed_index):
    quotes = {q.n: q for q in qd290.citations}
    passages = {p.passage_id: p for r in qd290.rows for d in r.doc_ids for p in seed_index.passages(d)}
    for row in qd290.rows:
        for _, cell in row.cells:
            q = quotes[cell.n]
            assert cell.value.split()[-1] in q.text and (cell.of or "") in q.text
            assert (q.doc_id, q.passage_id) == (cell.doc_id, cell.passage_id)
            assert q.text in seed_index.article(q.doc_id).text and q.text[:40] in passages[q.passage_id].text
            # No figure from an article about another locality.
            assert seed_index.entities(cell.doc_id).primary_locality.full_name == row.locality
    assert [q.n for q in qd290.citations] == list(range(1, len(qd290.citations) + 1))


def test_a_topic_by_year_and_nothing_found(seed_index):
    from report.compare import compare

    by_year = compare(seed_index, "khen thưởng tập thể cá nhân", "year")
    assert all(r.label[:4].isdigit() for r in by_year.rows)
    assert len({r.locality for r in by_year.rows}) == len(by_year.rows)  # rows never mix two localities
    ward = compare(seed_index, "phường Thanh Khê Tây")
    assert [(r.label, r.locality_2025) for r in ward.rows] == [("Phường Thanh Khê Tây", "Phường Thanh Khê, Thành phố Đà Nẵng")]
    assert _value(ward, "Phường Thanh Khê Tây", "tập thể") == ["07"] and _value(ward, "Phường Thanh Khê Tây", "cá nhân") == ["03"]


def test_contract_json_through_the_command(seed_index):
    out = json.loads(tracuu("compare", QD290, "--json", "--index", str(seed_index.root)).stdout)
    assert set(out) >= {"columns", "rows"}
    assert all(set(c) == {"key", "label"} for c in out["columns"])
    keys = {c["key"] for c in out["columns"]}
    for row in out["rows"]:
        assert {"label", "locality", "date", "cells"} <= set(row)
        assert set(row["cells"]) <= keys
        for cell in row["cells"].values():
            assert {"value", "n", "doc_id", "passage_id"} <= set(cell) and isinstance(cell["n"], int)
    assert {r["label"] for r in out["rows"]} == {TAY_HO, CAN_THO, HA_NOI}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "docx", "md"])
def test_exports_open_with_the_same_table(seed_index, qd290, tmp_path, fmt):
    from report.compare import to_table

    from tracuu.cli import main

    out = tmp_path / f"c.{fmt}"  # in-process: the subprocess door is checked once, by the JSON test
    assert main(["compare", QD290, "--format", fmt, "--out", str(out), "--index", str(seed_index.root)]) == 0
    table = to_table(qd290)
    want = [list(table.columns)] + [r.cells() for r in table.rows[: len(qd290.rows)]]
    if fmt == "csv":
        got = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        got = [["" if v is None else str(v) for v in row] for row in load_workbook(out).active.iter_rows(values_only=True)]
    elif fmt == "docx":
        from docx import Document

        got = [[c.text for c in row.cells] for row in Document(str(out)).tables[0].rows]
    else:
        lines = [ln for ln in out.read_text(encoding="utf-8").splitlines() if ln.startswith("| ")]
        got = [[c.strip() for c in ln.strip("|").split(" | ")] for ln in lines]
    assert got[: len(want)] == want
    assert any("9.720 [" in c for row in got for c in row) and any("91 [" in c for row in got for c in row)


def test_rest_compare(seed_index):
    from fastapi.testclient import TestClient

    from rest import create_api

    client = TestClient(create_api(seed_index))
    out = client.get("/api/compare", params={"q": QD290}).json()
    assert {r["label"] for r in out["rows"]} == {TAY_HO, CAN_THO, HA_NOI}
    assert "/api/compare" in client.get("/openapi.json").json()["paths"]
    assert client.get("/api/compare", params={"q": QD290, "by": "decade"}).status_code == 422
    xlsx = client.post("/api/export", json={"kind": "compare", "text": QD290, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_compare_tab_renders_links_and_a_chart(qd290):
    import ui_compare

    html = ui_compare.render_table(qd290, "en")
    assert 'href="#cmp-cite-1"' in html and 'id="cmp-cite-1"' in html and "9.720" in html
    fig = ui_compare.chart(qd290, "vi")
    assert fig is not None and "dân vận khéo" in " ".join(ax.get_title() for ax in fig.axes)


def test_the_precision_labels_and_pairs_are_well_formed():
    """studies/compare_labels.json and studies/compare_pairs.tsv, which `python -m studies.compare_precision`
    rescores: 30 distinct articles, every labelled cell one of them, both kinds of pair present."""
    from studies.compare_precision import LABELS, PAIRS

    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    assert len(set(labels["articles"])) == 30
    assert labels["cells"] and all({"doc_id", "row", "noun", "value", "right"} <= set(c) for c in labels["cells"])
    assert {c["doc_id"] for c in labels["cells"]} <= set(labels["articles"])
    pairs = [ln.split("\t") for ln in PAIRS.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    assert all(len(p) == 3 for p in pairs) and {p[2] for p in pairs} == {"0", "1"}
