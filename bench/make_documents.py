"""Real documents made from the seed articles, for the reader tests and `bench.formats`: PDFs (text layer,
scanned, loose glyphs), images, DOCX, ODT, RTF, and legacy-encoded text. Each maker writes one file and
returns its path."""

from __future__ import annotations

import textwrap
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def make_text_pdf(path: Path, text: str, *, header: str | None = None, page_numbers: bool = True) -> Path:
    """A text-layer PDF (fpdf2, DejaVu Sans), with a running header and 'Trang N' footers."""
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self):
            if header:
                self.set_font("dv", size=8)
                self.cell(0, 5, header, new_x="LMARGIN", new_y="NEXT")
                self.ln(2)

        def footer(self):
            if page_numbers:
                self.set_y(-12)
                self.set_font("dv", size=8)
                self.cell(0, 5, f"Trang {self.page_no()}", align="C")

    pdf = Doc()
    pdf.add_font("dv", "", str(FONT))
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    for para in paragraphs(text):
        pdf.set_font("dv", size=11)
        pdf.multi_cell(0, 6, para, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.output(str(path))
    return path


def make_loose_glyph_pdf(path: Path, words: list[str]) -> Path:
    """A PDF whose text layer splits syllables into loose pieces with gaps ("Th ườ ng"), as some
    browser-printed PDFs do: each piece is placed on its own, a space-wide gap apart."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("dv", "", str(FONT))
    pdf.set_font("dv", size=12)
    pdf.add_page()
    x, y = 15.0, 20.0
    for word in words:
        pieces = word.split("|")
        for piece in pieces:
            w = pdf.get_string_width(piece)
            if x + w > 190:
                x, y = 15.0, y + 8
            pdf.text(x, y, piece)
            x += w + 1.6  # gap wide enough to read as a space
        x += 2.5
    pdf.output(str(path))
    return path


def render_pages(text: str, *, width: int = 1700, height: int = 2200, size: int = 34, margin: int = 110):
    """The text drawn as page images (Pillow, DejaVu Serif, ~200 dpi A4-ish): what a scanner sees."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(SERIF), size)
    per_line = int((width - 2 * margin) / (size * 0.52))
    lines: list[str] = []
    for para in paragraphs(text):
        lines.extend(textwrap.wrap(para, per_line) or [""])
        lines.append("")
    step = int(size * 1.5)
    per_page = (height - 2 * margin) // step
    pages = []
    for start in range(0, len(lines), per_page):
        img = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(img)
        for k, line in enumerate(lines[start:start + per_page]):
            draw.text((margin, margin + k * step), line, font=font, fill=0)
        pages.append(img)
    return pages


def make_scanned_pdf(path: Path, text: str, **kw) -> Path:
    """A PDF of page images only (no text layer)."""
    pages = render_pages(text, **kw)
    pages[0].save(path, "PDF", resolution=200, save_all=True, append_images=pages[1:])
    return path


def make_png(path: Path, text: str, **kw) -> Path:
    render_pages(text, **kw)[0].save(path)
    return path


def make_docx(path: Path, title: str, text: str, *, table: list[list[str]] | None = None) -> Path:
    import docx

    doc = docx.Document()
    doc.add_heading(title, level=1)
    for para in paragraphs(text):
        doc.add_paragraph(para)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
    doc.save(str(path))
    return path


def make_odt(path: Path, title: str, text: str) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text=title))
    for para in paragraphs(text):
        doc.text.addElement(P(text=para))
    doc.save(str(path))
    return path


def make_rtf(path: Path, title: str, text: str) -> Path:
    """RTF as Word writes non-ASCII: \\uN? escapes (N the signed 16-bit code point) and \\par breaks."""

    def esc(s: str) -> str:
        out = []
        for ch in s:
            o = ord(ch)
            if ch in "\\{}":
                out.append("\\" + ch)
            elif o < 128:
                out.append(ch)
            else:
                out.append(f"\\u{o if o < 32768 else o - 65536}?")
        return "".join(out)

    body = "\\par\n".join(esc(p) for p in [title, *paragraphs(text)])
    path.write_text("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n\\f0\\fs24 " + body + "\\par\n}", encoding="ascii")
    return path
