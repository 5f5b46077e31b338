"""Document cards, the timeline and exports (report/) on the real seed index, and the card reader on real
sentences of ../shared/corpus-news (skipped, saying why, when that folder is absent)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import SHARED
from tracuu.contract import Card, Timeline

NEWS = SHARED / "corpus-news" / "vietnews_val.articles.jsonl"
QD290 = "290-QĐ/TW"
CITING_290 = ("000_ac480bf2e3db7916.txt", "003_ea7666a5d156f620.txt", "004_9467f64f0288784b.txt")
LIST_QUESTION = "Những địa phương nào đã tổng kết 10 năm thực hiện Quyết định 290?"


def _news(ids: set[str]) -> dict[str, dict]:
    if not NEWS.exists():
        pytest.skip(f"{NEWS} is absent: the corpus-news sentences are read from ../shared, never copied here")
    out = {}
    with NEWS.open(encoding="utf-8") as fh:
        for line in fh:
            if any(f'"{i}"' in line[:60] for i in ids):
                item = json.loads(line)
                out[item["id"]] = item
    return out


def _mentions(item: dict):
    from report.cards import mentions_in

    from index.text.refs import find_refs
    return mentions_in(item["id"], item["title"], item["text"], find_refs(item["text"]))


# ---------------------------------------------------------------- cards


def test_card_of_290_on_the_seed_corpus(seed_index):
    from report.cards import registry

    card = registry(seed_index).get("QĐ 290")
    assert card is not None and card.id == QD290
    assert "về việc ban hành Quy chế công tác dân vận của hệ thống chính trị" in card.name
    assert card.name.startswith("Quyết định")
    assert (card.date, card.issuer, card.term) == ("2010-02-25", "Bộ Chính trị", "khóa X")
    assert card.cited_by == CITING_290
    assert card.subject == "Quy chế công tác dân vận của hệ thống chính trị"
    out = Card.of(card).model_dump(mode="json")
    assert set(out) >= {"id", "name", "date", "issuer", "term", "cited_by", "replaces", "replaced_by"}
    json.dumps(out, ensure_ascii=False)


@pytest.mark.parametrize("written", ["290-QĐ/TW", "Quyết định 290", "quyet dinh 290", "QĐ 290"])
def test_a_card_is_found_by_any_written_form(seed_index, written):
    from report.cards import registry

    assert registry(seed_index).get(written).id == QD290


@pytest.mark.parametrize("question", ["Quy chế công tác dân vận là gì?", "quy che cong tac dan van",
                                      "Quy chế công tác dân vận của hệ thống chính trị ban hành khi nào?"])
def test_the_subject_alone_finds_the_document(seed_index, question):
    from report.cards import registry

    assert [c.id for c in registry(seed_index).find(question)][:1] == [QD290]


def test_every_card_of_the_seed_corpus_reads_back_from_its_articles(seed_index):
    from report.cards import registry

    cards = {c.id: c for c in registry(seed_index).all()}
    assert (cards["25-NQ/TW"].date, cards["25-NQ/TW"].issuer, cards["25-NQ/TW"].term) == (
        "2013-06-03", "Ban Chấp hành Trung ương Đảng", "khóa XI")
    assert cards["23-Ctr/TU"].issuer == "Thành ủy Hà Nội"
    assert cards["218-QĐ/TW"].date == "2013-12-12"
    # A misprint resolved from the title ("209-QĐ/TW" in article 000's body) never becomes the name.
    assert all("209" not in c.name for c in cards.values())


def test_a_state_document_read_from_a_news_sentence():
    item = _news({"vietnews-val-000357"})["vietnews-val-000357"]
    (m,) = [m for m in _mentions(item)["NĐ:25/2011"] if m.fields]
    assert (m.date, m.issuer) == ("2011-04-06", "Chính phủ")
    assert m.subject.endswith("một số điều của luật Viễn thông")


def test_replacement_from_a_news_sentence():
    """"quyết định 60/2017/QĐ - UBND (thay thế cho quyết định 33)": the new one replaces the old one; a
    draft that "thay thế Nghị định số 86/2014/NĐ-CP" names no new document and gives nothing."""
    from report.cards import _replacements

    from index.text.refs import find_refs
    items = _news({"vietnews-val-004438", "vietnews-val-003336"})
    new = items["vietnews-val-004438"]
    assert _replacements(new["id"], new["text"], find_refs(new["text"])) == [("QĐ:60/2017", "QĐ:33")]
    draft = items["vietnews-val-003336"]
    assert _replacements(draft["id"], draft["text"], find_refs(draft["text"])) == []


def test_replaced_by_is_passive():
    from report.cards import _replacements

    from index.text.refs import find_refs
    # Article 000244's wording, with the Party code of issue 14's example in place of a joint circular.
    text = ("Quyết định số 290-QĐ/TW ngày 25/2/2010 của Bộ Chính trị (nay được thay thế bằng Quyết định số "
            "23-QĐ/TW ngày 30/7/2021 của Bộ Chính trị).")
    assert _replacements("x", text, find_refs(text)) == [("QĐ:23", "QĐ:290")]


def test_term_written_in_digits_reads_as_roman():
    item = _news({"vietnews-val-003857"})["vietnews-val-003857"]
    from report.cards import _read_after

    text = item["text"]
    at = text.index("Nghị quyết 10 khoá 12") + len("Nghị quyết 10")
    info, _ = _read_after(text, at, at + 40)
    assert info["term"] == "khóa XII"


# ---------------------------------------------------------------- timeline


def test_timeline_of_290(seed_index):
    from report.timeline import timeline

    t = timeline(seed_index, QD290)
    assert t.scope == "document"
    got = [(e.date, e.locality, e.level) for e in t.events]
    assert got == [("2020-07-02", "Quận Tây Hồ", "district"), ("2020-07-15", "Thành phố Cần Thơ", "province"),
                   ("2020-07-15", "Thành phố Hà Nội", "province")]
    tay_ho, can_tho, ha_noi = t.events
    assert (tay_ho.action, tay_ho.body) == ("tổng kết", "Quận ủy Tây Hồ")
    assert ha_noi.action == "kiểm tra" and ha_noi.body == "Ban Thường vụ Thành ủy Hà Nội"
    assert can_tho.sentence.startswith("Chiều 15/7/2020, Ban Thường vụ Thành ủy Cần Thơ")
    passages = {p.passage_id: p for p in seed_index.passages(tay_ho.doc_id)}
    assert tay_ho.sentence in passages[tay_ho.passage_id].text
    events = Timeline.of(t).model_dump(mode="json")["events"]
    assert set(events[0]) >= {"date", "locality", "level", "body", "action", "doc_id", "passage_id"}


def test_timeline_by_subject_and_by_locality(seed_index):
    from report.timeline import timeline

    assert [e.doc_id for e in timeline(seed_index, "Quy chế công tác dân vận").events] == [
        CITING_290[0], CITING_290[1], CITING_290[2]]
    t = timeline(seed_index, "Hà Nội")
    assert t.scope == "locality"
    assert [e.date for e in t.events] == sorted(e.date for e in t.events)
    assert {e.locality for e in t.events} == {"Quận Tây Hồ", "Thành phố Hà Nội", "Quận Thanh Xuân"}


# ---------------------------------------------------------------- exports


@pytest.fixture(scope="module")
def list_table(seed_index):
    import qa
    from report import export

    answer = qa.answer(seed_index, LIST_QUESTION)
    assert answer.kind == "list" and len(answer.items) == 3
    return export.from_answer(seed_index, answer)


def _read_back(path: Path, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [row for row in csv.reader(fh)]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(path).active
        return [["" if c.value is None else str(c.value) for c in row] for row in ws.iter_rows()]
    if fmt == "docx":
        from docx import Document

        (table,) = Document(str(path)).tables
        return [[cell.text for cell in row.cells] for row in table.rows]
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("| ")]
    return [[c.strip().replace("\\|", "|") for c in ln.strip("|").split(" | ")] for ln in lines]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "docx", "md"])
def test_list_answer_exports_with_every_column_filled(list_table, tmp_path, fmt):
    from report import export

    path = export.write(list_table, fmt, tmp_path / f"answer.{fmt}")
    rows = _read_back(path, fmt)
    assert tuple(rows[0]) == export.COLUMNS
    assert len(rows) == 1 + len(list_table.rows) >= 4
    for row, want in zip(rows[1:], list_table.rows):
        assert all(cell.strip() for cell in row), row
        assert row[1] == want.quote  # Vietnamese intact, whole
        assert row[6] == str(want.citation)
    labels = {r[0] for r in rows[1:]}
    assert {"Thành phố Cần Thơ", "Thành phố Hà Nội"} <= labels
    assert any("Tây Hồ" in label for label in labels)


HOSTILE = ("=HYPERLINK(\"http://example.invalid\",\"bấm\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1")


def _hostile_table():
    from report.export import EvidenceRow, EvidenceTable

    rows = tuple(EvidenceRow(h, h, "Tiêu đề có dấu", h, "2020-07-02", h, i, f"x#{i}") for i, h in enumerate(HOSTILE, 1))
    return EvidenceTable("Câu hỏi", rows)


def test_csv_cells_cannot_run_as_formulas(tmp_path):
    from report import export

    path = export.write(_hostile_table(), "csv", tmp_path / "x.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    for row, text in zip(rows, HOSTILE):
        for cell in (row[0], row[1], row[3], row[5]):
            assert cell == "'" + text  # the apostrophe makes it text; nothing is lost
            assert cell[0] not in "=+-@\t\r"


def test_xlsx_cells_are_text_not_formulas(tmp_path):
    import zipfile

    from openpyxl import load_workbook

    from report import export

    path = export.write(_hostile_table(), "xlsx", tmp_path / "x.xlsx")
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet  # no formula element anywhere
    ws = load_workbook(path).active
    for row, text in zip(list(ws.iter_rows())[1:], HOSTILE):
        assert row[1].data_type == "s" and row[1].value.replace("_x000D_", "\r") == text
        assert row[1].quotePrefix
        assert row[2].value == "Tiêu đề có dấu"


def test_search_and_timeline_export(seed_index, tmp_path):
    from report import export
    from report.timeline import timeline

    hits = seed_index.search("Tổ dân vận khu dân cư Tây Hồ", 3)
    table = export.from_hits(seed_index, "Tổ dân vận khu dân cư Tây Hồ", hits)
    assert [r.citation for r in table.rows] == [1, 2, 3]
    assert all(r.source and r.title and r.quote for r in table.rows)
    t = export.from_timeline(seed_index, timeline(seed_index, QD290))
    rows = _read_back(export.write(t, "md", tmp_path / "t.md"), "md")
    assert [r[4] for r in rows[1:]] == ["2020-07-02", "2020-07-15", "2020-07-15"]
    assert rows[1][0] == "Quận Tây Hồ: tổng kết"


@pytest.mark.parametrize("question, lang", [("Quyết định 290 là gì?", "vi"), ("what is QĐ 290 about?", "en"),
                                            ("Quy chế công tác dân vận do ai ban hành?", "vi")])
def test_what_a_document_is_is_answered_from_its_card(seed_index, question, lang):
    from report.ask import answer

    result, follow = answer(seed_index, question)
    assert follow is None and not result.abstained and result.language == lang
    assert "Quy chế công tác dân vận của hệ thống chính trị" in result.text and "Bộ Chính trị (khóa X)" in result.text
    (citation,) = result.citations
    assert "290-QĐ/TW ngày 25/2/2010" in citation.quote  # quoted from the article, cited
    assert citation.hit.passage.text[citation.quote_start:citation.quote_end] == citation.quote


def test_other_questions_go_to_qa_unchanged(seed_index):
    import qa
    from report.ask import answer

    for question in ("Quyết định 218 ban hành ngày nào?", "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?"):
        assert answer(seed_index, question)[0].text == qa.answer(seed_index, question).text
