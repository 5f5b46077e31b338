"""Scanned pages made by the test (seed text drawn by Pillow) through Tesseract's Vietnamese model: only
pages without a text layer are OCRed, each reports progress and keeps its confidence."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from bench.make_documents import make_png, make_scanned_pdf, make_text_pdf

# Until the index/ingest package exists (issue 11's layout) these tests have nothing to test.
pytest.importorskip("index.ingest.readers", reason="needs the index/ingest package layout")
from index.ingest.readers import read_document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract-ocr + tesseract-ocr-vie (make test installs them)")

# The paragraph of the seed article that answers "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?"
FACT = "91 Tổ dân vận"


def fact_paragraph() -> str:
    text = unicodedata.normalize("NFC", sorted(CORPUS.glob("*.txt"))[0].read_text(encoding="utf-8"))
    para = next(p for p in text.split("\n") if FACT in p)
    return para[: para.index(FACT) + 300]


def cer(ref: str, hyp: str) -> float:
    from rapidfuzz.distance import Levenshtein

    ref, hyp = " ".join(ref.split()), " ".join(hyp.split())
    return Levenshtein.distance(ref, hyp) / len(ref)


def test_only_the_scanned_page_of_a_mixed_pdf_is_ocred(tmp_path):
    import pypdf

    typed = make_text_pdf(tmp_path / "typed.pdf", "Trang đánh máy có lớp chữ: Ban Dân vận Quận ủy Tây Hồ báo cáo kết quả.")
    scanned = make_scanned_pdf(tmp_path / "scan.pdf", fact_paragraph(), height=1100)
    writer = pypdf.PdfWriter()
    for part in (typed, scanned):
        writer.append(str(part))
    with open(tmp_path / "mixed.pdf", "wb") as fh:
        writer.write(fh)
    lines: list[str] = []
    got = read_document(tmp_path / "mixed.pdf", progress=lines.append)
    assert got.pages == 2
    assert got.ocr_confidence[0] is None and got.ocr_confidence[1] > 80
    assert lines == [f"mixed.pdf: OCR page 2/2, confidence {got.ocr_confidence[1]:.0f}"]
    page2 = got.text[got.page_starts[1]:]
    assert cer(fact_paragraph(), page2) < 0.03
    assert FACT in page2 and got.page_at(got.text.index(FACT)) == 2


def test_png_is_ocred(tmp_path):
    got = read_document(make_png(tmp_path / "anh.png", fact_paragraph(), height=1100))
    assert got.pages == 1 and got.ocr_confidence[0] > 80
    assert cer(fact_paragraph(), got.text) < 0.03


def test_multi_page_tiff_keeps_its_pages(tmp_path):
    from bench.make_documents import render_pages

    first = render_pages("Trang một: Ban Dân vận Quận ủy Tây Hồ.", height=500)[0]
    second = render_pages("Trang hai: 91 Tổ dân vận khu dân cư.", height=500)[0]
    first.save(tmp_path / "hai-trang.tif", save_all=True, append_images=[second])
    lines: list[str] = []
    got = read_document(tmp_path / "hai-trang.tif", progress=lines.append)
    assert got.pages == 2 and len(lines) == 2
    assert got.page_at(got.text.index("Trang hai")) == 2 and got.page_at(got.text.index("Trang một")) == 1
