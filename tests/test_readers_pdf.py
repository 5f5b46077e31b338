"""PDFs with a text layer, made by the test from the seed articles (fpdf2 with DejaVu Sans, and Chromium's
print-to-PDF when Debian's chromium is installed): reading order, furniture, pages, loose glyphs, refusals."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from bench.make_documents import make_loose_glyph_pdf, make_text_pdf, paragraphs

# Until the index/ingest package exists (issue 11's layout) these tests have nothing to test.
pytest.importorskip("index.ingest.readers", reason="needs the index/ingest package layout")
from index.ingest.readers import ReadLimits, RefusedInput, read_document
from index.ingest.readers.layout import drop_furniture, reflow

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
HEADER = "BAN DÂN VẬN THÀNH ỦY - BÁO CÁO"


def seed(n: int) -> str:
    return unicodedata.normalize("NFC", sorted(CORPUS.glob("*.txt"))[n].read_text(encoding="utf-8"))


def cer(ref: str, hyp: str) -> float:
    from rapidfuzz.distance import Levenshtein

    ref, hyp = " ".join(ref.split()), " ".join(hyp.split())
    return Levenshtein.distance(ref, hyp) / len(ref)


def test_text_pdf_pages_furniture_and_order(tmp_path):
    src = seed(4)
    got = read_document(make_text_pdf(tmp_path / "bc.pdf", src, header=HEADER))
    assert got.pages >= 3 and got.ocr_confidence == ()
    assert HEADER not in got.text and "Trang 2" not in got.text
    assert cer(src, got.text) < 0.005
    # Every paragraph of the source is one line of the text, in order (paragraphs told apart by the
    # vertical gap between them; the one cut by a page break is continued).
    lines = got.text.split("\n")
    pos = 0
    for para in paragraphs(src):
        pos = lines.index(" ".join(para.split()), pos)
    # The page of a sentence is the page it was printed on.
    last = paragraphs(src)[-1]
    assert got.page_at(got.text.index(last)) == got.pages
    assert got.page_at(0) == 1


def test_page_break_inside_a_paragraph_continues_it():
    pages = ["Dòng đầu của đoạn văn bản dài được in trên trang một và", "tiếp tục sang trang hai."]
    from index.ingest.readers.layout import assemble

    got = assemble(pages)
    assert got.text == "Dòng đầu của đoạn văn bản dài được in trên trang một và tiếp tục sang trang hai."
    assert got.page_at(got.text.index("tiếp")) == 2


def test_reflow_joins_lines_and_hyphenated_words():
    page = ("Ban Thường vụ Quận ủy đã tổ chức hội nghị tổng kết công tác dân vận năm 2020 với sự tham\n"
            "gia của đại biểu các phường và các đoàn thể chính trị - xã hội của quận trong docu-\n"
            "ment này.\n- Mục một của danh sách\n- Mục hai")
    assert reflow(page).split("\n") == [
        "Ban Thường vụ Quận ủy đã tổ chức hội nghị tổng kết công tác dân vận năm 2020 với sự tham gia của "
        "đại biểu các phường và các đoàn thể chính trị - xã hội của quận trong document này.",
        "- Mục một của danh sách",
        "- Mục hai",
    ]


def test_running_lines_must_repeat_on_most_pages():
    pages = [f"Báo cáo tháng\nNội dung trang {i} khác hẳn các trang kia số {i}\n- {i} -" for i in range(1, 5)]
    pages[1] = "Một dòng đầu chỉ có ở trang này\n" + pages[1]
    out = drop_furniture(pages)
    assert all("Báo cáo tháng" not in p and "- " not in p for p in out)
    assert "Một dòng đầu chỉ có ở trang này" in out[1]


def test_loose_glyphs_are_rejoined(tmp_path):
    words = "Ban|Th|ườ|ng v|ụ Th|ành ủy C|ần Th|ơ tổ ch|ức h|ội ngh|ị t|ổng k|ết c|ông t|ác d|ân v|ận".split(" ")
    path = make_loose_glyph_pdf(tmp_path / "loose.pdf", words * 4)
    got = read_document(path)
    assert "Ban Thường vụ Thành ủy Cần Thơ tổ chức hội nghị tổng kết công tác dân vận" in got.text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium (make browser-deps) prints the PDF")
def test_pdf_printed_by_chromium_with_its_header_and_footer(tmp_path):
    import html

    src = seed(3)
    page = tmp_path / "bai.html"
    page.write_text("<html><head><meta charset='utf-8'><title>Bài báo</title></head><body style='font-family:DejaVu Serif'>"
                    + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(src)) + "</body></html>", encoding="utf-8")
    out = tmp_path / "bai.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={out}", str(page)],
                   check=True, capture_output=True, timeout=120)
    got = read_document(out)
    assert got.pages >= 2
    assert "file://" not in got.text and "Bài báo" not in got.text
    assert cer(src, got.text) < 0.01


def test_encrypted_pdf_is_refused(tmp_path):
    import pypdf

    plain = make_text_pdf(tmp_path / "plain.pdf", seed(1))
    writer = pypdf.PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="mat-khau", owner_password="chu")
    with open(tmp_path / "locked.pdf", "wb") as fh:
        writer.write(fh)
    with pytest.raises(RefusedInput, match="encrypted PDF"):
        read_document(tmp_path / "locked.pdf")


def test_truncated_pdf_and_page_limit_are_refused(tmp_path):
    good = make_text_pdf(tmp_path / "bc.pdf", seed(4))
    (tmp_path / "cut.pdf").write_bytes(good.read_bytes()[:1500])
    with pytest.raises(RefusedInput, match="not a readable PDF"):
        read_document(tmp_path / "cut.pdf")
    with pytest.raises(RefusedInput, match="over the 2-page limit"):
        read_document(good, ReadLimits(max_pages=2))


def test_text_layer_in_a_vni_font_is_converted(tmp_path):
    # A PDF printed from a VNI-Times document: its text layer holds the font's code points.
    from index.ingest.readers import legacy_encodings as L

    src = seed(1)
    got = read_document(make_text_pdf(tmp_path / "vni.pdf", L.encode(src, "vni")))
    assert got.converted_from == "vni"
    assert cer(src, got.text) < 0.002
