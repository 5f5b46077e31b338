"""Reader speed and OCR accuracy on documents made from the seed articles: pages/s per format, OCR
pages/s and the OCR character error rate against the source text.

    python -m bench.formats [--quick] [--json]        (also a section of `tracuu bench`)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from bench.make_documents import make_docx, make_odt, make_png, make_rtf, make_scanned_pdf, make_text_pdf

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def cer(ref: str, hyp: str) -> float:
    from rapidfuzz.distance import Levenshtein

    ref, hyp = " ".join(ref.split()), " ".join(hyp.split())
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)


def run(quick: bool = False) -> dict:
    """Per format: pages (files for unpaged formats), seconds, pages/s; for OCR also the character error
    rate against the source text and Tesseract's mean confidence per page. ``quick`` OCRs one page only."""
    from index.ingest.readers import RefusedInput, read_document

    texts = [unicodedata.normalize("NFC", p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))]
    title = "Báo cáo"
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        makers = {
            "pdf (text layer)": lambda i, t: make_text_pdf(folder / f"{i}.pdf", t, header="BAN DÂN VẬN"),
            "docx": lambda i, t: make_docx(folder / f"{i}.docx", title, t),
            "odt": lambda i, t: make_odt(folder / f"{i}.odt", title, t),
            "rtf": lambda i, t: make_rtf(folder / f"{i}.rtf", title, t),
        }
        for name, make in makers.items():
            files = [make(i, t) for i, t in enumerate(texts)]
            start = time.perf_counter()
            got = [read_document(f) for f in files]
            seconds = time.perf_counter() - start
            pages = sum(max(g.pages, 1) for g in got)
            results[name] = {"files": len(files), "pages": pages, "seconds": round(seconds, 3),
                             "pages_per_s": round(pages / seconds, 1)}
        try:
            results.update(_ocr_section(folder, texts, quick))
        except RefusedInput as exc:  # Tesseract missing: the other figures still stand
            results["pdf (scanned, OCR)"] = {"pages": 0, "seconds": 0, "pages_per_s": 0, "error": str(exc)}
    return results


def _ocr_section(folder: Path, texts: list[str], quick: bool) -> dict[str, dict]:
    from index.ingest.readers import read_document

    results: dict[str, dict] = {}
    # OCR: article 001 as scanned pages (drawn by Pillow), and one PNG page.
    scanned_text = "\n".join(texts[1].split("\n")[:4]) if quick else texts[1]
    scan = make_scanned_pdf(folder / "scan.pdf", scanned_text)
    start = time.perf_counter()
    got = read_document(scan)
    seconds = time.perf_counter() - start
    results["pdf (scanned, OCR)"] = {
        "pages": got.pages, "seconds": round(seconds, 2), "pages_per_s": round(got.pages / seconds, 3),
        "cer": round(cer(scanned_text, got.text), 4),
        "mean_confidence": [round(c, 1) for c in got.ocr_confidence if c is not None],
    }
    if not quick:
        png = make_png(folder / "page.png", texts[0])
        start = time.perf_counter()
        got = read_document(png)
        seconds = time.perf_counter() - start
        results["png (OCR)"] = {"pages": 1, "seconds": round(seconds, 2), "pages_per_s": round(1 / seconds, 3),
                                "mean_confidence": round(got.ocr_confidence[0], 1)}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--quick", action="store_true", help="OCR one page only")
    args = parser.parse_args(argv)
    results = run(quick=args.quick)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for name, row in results.items():
            print(f"{name:20s} " + "  ".join(f"{k}={v}" for k, v in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
