"""Word-processor files made by the test (python-docx, odfpy, RTF as Word writes it) and a committed .doc:
text, tables, title candidates, legacy fonts, and refusals (zip bomb, damage, missing tools)."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest
from bench.make_documents import make_docx, make_odt, make_rtf, paragraphs

# Until the index/ingest package exists (issue 11's layout) these tests have nothing to test.
pytest.importorskip("index.ingest.readers", reason="needs the index/ingest package layout")
from index.ingest.readers import ReadLimits, RefusedInput, read_document
from index.ingest.readers import legacy_encodings as L

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TITLE = "Hội nghị tổng kết 10 năm thực hiện Quyết định số 290-QĐ/TW"


def seed(n: int) -> str:
    return unicodedata.normalize("NFC", sorted(CORPUS.glob("*.txt"))[n].read_text(encoding="utf-8"))


def body_lines(text: str) -> list[str]:
    return [" ".join(p.split()) for p in paragraphs(text)]


def test_docx_paragraphs_table_and_heading(tmp_path):
    src = seed(0)
    path = make_docx(tmp_path / "bc.docx", TITLE, src, table=[["Đơn vị", "Số Tổ dân vận"], ["Tây Hồ", "91"]])
    got = read_document(path)
    assert got.title == TITLE
    lines = got.text.split("\n")
    assert lines[0] == TITLE and lines[1:-2] == body_lines(src)
    assert lines[-2:] == ["Đơn vị | Số Tổ dân vận", "Tây Hồ | 91"]
    assert got.converted_from is None and got.page_starts == ()


def test_odt_paragraphs_and_heading(tmp_path):
    src = seed(1)
    got = read_document(make_odt(tmp_path / "bc.odt", TITLE, src))
    assert got.title == TITLE
    assert got.text.split("\n") == [TITLE, *body_lines(src)]


def test_rtf_with_unicode_escapes(tmp_path):
    src = seed(2)
    got = read_document(make_rtf(tmp_path / "bc.rtf", TITLE, src))
    assert [ln for ln in got.text.split("\n")] == [TITLE, *body_lines(src)]


def test_legacy_doc_through_antiword():
    got = read_document(FIXTURES / "seed_000.doc")
    assert "Quận ủy Tây Hồ" in got.text and "91 Tổ dân vận" in unicodedata.normalize("NFC", got.text)


def test_docx_typed_in_a_tcvn3_font_is_converted(tmp_path):
    import docx

    src = seed(0)
    doc = docx.Document()
    for para in paragraphs(src):
        run = doc.add_paragraph().add_run(L.encode(para, "tcvn3"))
        run.font.name = ".VnTime"
    doc.save(str(tmp_path / "tcvn3.docx"))
    got = read_document(tmp_path / "tcvn3.docx")
    assert got.converted_from == "tcvn3"
    assert got.text.split("\n") == body_lines(L.tcvn3_case_loss(src))


def test_zip_bomb_is_refused_unread(tmp_path):
    path = make_docx(tmp_path / "bomb.docx", TITLE, seed(1))
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/zeros.bin", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(RefusedInput, match="zip bomb"):
        read_document(path, ReadLimits(max_uncompressed_bytes=20 * 1024 * 1024))
    with pytest.raises(RefusedInput, match="compressed .*:1"):
        read_document(path)


@pytest.mark.parametrize("suffix", [".docx", ".odt", ".doc", ".rtf"])
def test_damaged_files_are_refused_with_a_reason(tmp_path, suffix):
    path = tmp_path / f"hong{suffix}"
    path.write_bytes(b"PK\x03\x04 this is not really a document \x00\xff" * 10)
    with pytest.raises(RefusedInput) as err:
        read_document(path)
    assert str(err.value)


def test_missing_converter_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RefusedInput, match="apt-get install"):
        read_document(FIXTURES / "seed_000.doc")


def test_docx_mixing_unicode_and_legacy_fonts_is_converted_run_by_run(tmp_path):
    import docx

    doc = docx.Document()
    doc.add_heading("Báo cáo của Ban Dân vận", level=1)  # Unicode
    para = doc.add_paragraph()
    para.add_run(L.encode("HỘI NGHỊ TỔNG KẾT ", "tcvn3")).font.name = ".VnTimeH"  # the capitals font
    para.add_run(L.encode("công tác dân vận của Ủy ban nhân dân quận năm 2020.", "tcvn3")).font.name = ".VnTime"
    vni = doc.add_paragraph()
    vni.add_run(L.encode("Quận ủy Tây Hồ đã thành lập 91 Tổ dân vận.", "vni")).font.name = "VNI-Times"
    doc.save(str(tmp_path / "tron.docx"))
    got = read_document(tmp_path / "tron.docx")
    assert got.text.split("\n") == [
        "Báo cáo của Ban Dân vận",
        # .VnTime has no toned capitals: "Ủy" mid-sentence comes back lower-case (the .VnTimeH run does not).
        "HỘI NGHỊ TỔNG KẾT công tác dân vận của ủy ban nhân dân quận năm 2020.",
        "Quận ủy Tây Hồ đã thành lập 91 Tổ dân vận.",
    ]
    assert got.converted_from == "tcvn3+vni"
