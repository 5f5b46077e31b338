"""Each document format through the real ``index.build`` (bundled model, FAISS, BM25, SQLite) answering
seed questions (../shared/eval/seed_qa.jsonl), with citations that name the page for PDFs and images.

Two indexes keep one article per format in each (so a citation can only come from that format's file):
PDF (text layer), scanned PDF, DOCX, ODT and .doc in one; TCVN3 and VNI text, RTF and PNG in the other.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from bench.evaluate import check_answer
from bench.make_documents import make_docx, make_odt, make_png, make_rtf, make_scanned_pdf, make_text_pdf, paragraphs
from conftest import CORPUS, EVAL
from tracuu.contract import AskResponse

FIXTURES = Path(__file__).resolve().parent / "fixtures"
pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None or shutil.which("antiword") is None,
                                reason="needs Debian tesseract-ocr, tesseract-ocr-vie, antiword (make test installs them)")
SEED = {item["id"]: item for item in map(json.loads, (EVAL / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines())}


def article(n: int) -> str:
    return unicodedata.normalize("NFC", sorted(CORPUS.glob("*.txt"))[n].read_text(encoding="utf-8"))


def _build(folder: Path, tmp: Path):
    import index
    from index.settings import Settings

    # The scans are drawn at 200 dpi: rendering them at 200 keeps OCR at its native resolution and fast.
    settings = Settings.load(tmp / "idx", ocr_dpi=200)
    lines: list[str] = []
    idx, report = index.build([folder], settings=settings, progress=lines.append)
    assert not report.skipped, report.skipped
    return idx, lines


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    make_text_pdf(folder / "can-tho.pdf", article(3), header="BAN DÂN VẬN - BÁO CÁO")
    # The first page of 001 as a scan: the paragraph that names the documents Thanh Xuân reviewed.
    head = "\n".join(paragraphs(article(1))[:4])
    make_scanned_pdf(folder / "thanh-xuan-scan.pdf", head)
    make_docx(folder / "ha-noi.docx", "Hà Nội sẽ kết hợp giữa “diện” và “điểm” trong công tác dân vận", article(4))
    make_odt(folder / "thanh-khe-tay.odt", paragraphs(article(2))[0], article(2))
    shutil.copy(FIXTURES / "seed_000.doc", folder / "tay-ho.doc")
    idx, lines = _build(folder, tmp_path_factory.mktemp("formats-index"))
    return idx, lines, folder


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    from index.ingest.readers import legacy_encodings as L

    folder = tmp_path_factory.mktemp("legacy")
    (folder / "tay-ho-tcvn3.txt").write_bytes(L.encode(article(0), "tcvn3").encode("cp1252"))
    (folder / "can-tho-vni.txt").write_bytes(L.encode(article(3), "vni").encode("cp1252"))
    make_rtf(folder / "thanh-khe-tay.rtf", paragraphs(article(2))[0], article(2))
    make_png(folder / "thanh-xuan.png", "\n".join(paragraphs(article(1))[:4]))
    idx, lines = _build(folder, tmp_path_factory.mktemp("legacy-index"))
    return idx, lines, folder


def ask(idx, qid: str, source: str) -> dict:
    import qa

    item = dict(SEED[qid], sources_any=[source])
    contract = AskResponse.of(qa.answer(idx, item["question"]), id=qid).model_dump(mode="json")
    assert not check_answer(item, contract), (check_answer(item, contract), contract["answer"])
    return contract


def test_text_pdf_answers_with_the_page_of_its_quote(documents):
    from index.ingest.readers import read_document

    idx, _, folder = documents
    got = read_document(folder / "can-tho.pdf")
    expected_page = got.page_at(got.text.index("9.720"))
    assert expected_page >= 1 and got.pages >= 2
    contract = ask(idx, "p03", "can-tho.pdf")
    cited = [c for c in contract["citations"] if c["doc_id"] == "can-tho.pdf" and "9.720" in c["text"]]
    assert cited and cited[0]["page"] == expected_page
    assert "BAN DÂN VẬN - BÁO CÁO" not in idx.article("can-tho.pdf").text  # the running header
    ask(idx, "p08", "can-tho.pdf")


def test_scanned_pdf_is_ocred_page_by_page(documents):
    idx, lines, _ = documents
    assert lines == [l for l in lines if l.startswith("thanh-xuan-scan.pdf: OCR page ")] and len(lines) == 1
    contract = ask(idx, "p06", "thanh-xuan-scan.pdf")
    assert all(c["page"] == 1 for c in contract["citations"] if c["doc_id"] == "thanh-xuan-scan.pdf")


def test_word_processor_files_answer(documents):
    idx, _, _ = documents
    contract = ask(idx, "p10", "ha-noi.docx")
    assert all(c["page"] is None for c in contract["citations"])
    assert idx.article("ha-noi.docx").title.startswith("Hà Nội sẽ kết hợp")
    ask(idx, "p05", "thanh-khe-tay.odt")
    ask(idx, "p02", "tay-ho.doc")


def test_legacy_encodings_rtf_and_png_answer(legacy):
    idx, lines, _ = legacy
    assert idx.article("tay-ho-tcvn3.txt").converted_from == "tcvn3"
    assert idx.article("can-tho-vni.txt").converted_from == "vni"
    assert "Quận ủy Tây Hồ" in idx.article("tay-ho-tcvn3.txt").text
    ask(idx, "p02", "tay-ho-tcvn3.txt")
    ask(idx, "p03", "can-tho-vni.txt")
    ask(idx, "p05", "thanh-khe-tay.rtf")
    contract = ask(idx, "p06", "thanh-xuan.png")
    assert any(c["page"] == 1 for c in contract["citations"] if c["doc_id"] == "thanh-xuan.png")
    assert lines and lines[0].startswith("thanh-xuan.png: OCR page 1/1")


def test_ui_citation_label_names_the_page(documents):
    from ui_render import page_label

    idx, _, _ = documents
    hit = next(h for h in idx.search("9.720 điển hình dân vận khéo Cần Thơ", k=5) if h.doc_id == "can-tho.pdf")
    assert page_label(hit.passage.page, "vi") == f"tr. {hit.passage.page}" and page_label(None, "vi") == ""


def test_exports_name_the_file_and_page(documents):
    import qa
    from report.export import COLUMNS, from_answer

    idx, _, _ = documents
    answer = qa.answer(idx, SEED["p03"]["question"])
    rows = [dict(zip(COLUMNS, r.cells())) for r in from_answer(idx, answer).rows]
    pdf_rows = [r for r in rows if r["source"].split(",")[0].endswith("can-tho.pdf")]
    assert pdf_rows and all(", trang " in r["source"] for r in pdf_rows)


def test_refused_documents_name_the_file_and_lose_nothing(documents, tmp_path):
    import zipfile

    import pypdf

    idx, _, folder = documents
    before = idx.counts()
    writer = pypdf.PdfWriter(clone_from=str(folder / "can-tho.pdf"))
    writer.encrypt(user_password="mat-khau")
    with open(tmp_path / "khoa.pdf", "wb") as fh:
        writer.write(fh)
    bomb = make_docx(tmp_path / "bom.docx", "Bom", "Một đoạn.")
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/zeros.bin", b"\0" * (5 * 1024 * 1024))
    (tmp_path / "hong.doc").write_bytes(b"not a word file at all")
    report = idx.ingest([tmp_path / "khoa.pdf", bomb, tmp_path / "hong.doc"])
    reasons = {Path(s.origin).name: s.reason for s in report.skipped}
    assert "encrypted PDF" in reasons["khoa.pdf"]
    assert "zip bomb" in reasons["bom.docx"]
    assert "OLE2" in reasons["hong.doc"]
    assert idx.counts() == before and idx.article("can-tho.pdf") is not None


def test_plain_text_citation_names_the_page(documents):
    """`tracuu ask` without --json says on which page of a PDF the quote is, as the page and exports do."""
    from test_contract import tracuu

    idx, _, _ = documents
    text = tracuu("ask", SEED["p03"]["question"], "--index", str(idx.root)).stdout
    cited = [line for line in text.splitlines() if "can-tho.pdf#" in line]
    assert cited and all(re.search(r"can-tho\.pdf#\d+, tr\. \d+$", line) for line in cited), text
