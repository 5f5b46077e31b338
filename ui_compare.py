"""The "So sánh / Compare" tab: figures across localities side by side (``report.compare``) as a table whose
``[n]`` markers jump to the sentence that prints each figure, a bar chart per kind of figure, and the four
export files. ``add_tab`` builds it inside ``ui.build_app``'s Tabs. All corpus text goes through ``esc``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ui_render import esc

if TYPE_CHECKING:
    from index.api import Index
    from report.compare import Comparison

T = {
    "vi": {"tab": "So sánh", "q": "Văn bản, chủ đề hoặc địa phương", "by": "Mỗi dòng là", "btn": "So sánh số liệu",
           "by_choices": [("Địa phương", "locality"), ("Năm", "year")], "export": "Tải xuống (CSV, XLSX, DOCX, MD)",
           "chart_title": "Số liệu theo loại (các loại có từ hai dòng trở lên)", "empty": "Không có số liệu nào để so sánh.",
           "sources": "Câu trích dẫn", "now": "nay thuộc"},
    "en": {"tab": "Compare", "q": "Document, topic or place", "by": "One row per", "btn": "Compare figures",
           "by_choices": [("Locality", "locality"), ("Year", "year")], "export": "Download (CSV, XLSX, DOCX, MD)",
           "chart_title": "Figures by kind (kinds with two rows or more)", "empty": "No figures to compare.",
           "sources": "Quoted sentences", "now": "now in"},
}
CHART_COLUMNS = 6  # panels drawn at most: the kinds most rows give
CSS = """
.tr-compare { overflow-x: auto; max-width: 100%; }
.tr-compare table { border-collapse: collapse; font-size: .92rem; }
.tr-compare th, .tr-compare td { border: 1px solid #cbd5e1; padding: .3rem .5rem; vertical-align: top; }
.tr-compare th { background: #f1f5f9; text-align: left; min-width: 7rem; }
.tr-compare td.num { text-align: right; white-space: nowrap; }
.tr-compare .sub { display: block; font-size: .8rem; color: #475569; }
.tr-compare li:target { outline: 3px solid #f59e0b; background: #fffbeb; }
"""


def _lang(lang: str | None) -> str:
    return lang if lang in T else "vi"


def render_table(result: "Comparison", lang: str = "vi") -> str:
    """The comparison as HTML: rows × kinds of figure, each cell's ``[n]`` a link to its quoted sentence."""
    from report.compare import WORDS

    L, W = T[_lang(lang)], WORDS[_lang(lang)]
    if not result.rows:
        return f'<div class="tr-out tr-compare"><p>{esc(L["empty"])}</p></div>'
    head = "".join(f"<th>{esc(c.label)}</th>" for c in result.columns)
    body = []
    for r in result.rows:
        now = f'<span class="sub">{esc(L["now"])} {esc(r.locality_2025)}</span>' if r.locality_2025 else ""
        cells = []
        for col in result.columns:
            c = r.cell(col.key)
            cells.append(f'<td class="num" title="{esc(c.noun)}">{esc(c.shown)} '
                         f'<a class="cite" href="#cmp-cite-{c.n}">[{c.n}]</a></td>' if c else "<td></td>")
        body.append(f"<tr><th>{esc(r.label)}{now}</th><td>{esc(r.date or '')}</td>{''.join(cells)}</tr>")
    quotes = "".join(
        f'<li id="cmp-cite-{q.n}" value="{q.n}">{esc(q.text)} <span class="meta"><span>{esc(q.title)}</span>'
        f'<span><code>{esc(q.passage_id)}</code></span></span></li>' for q in result.citations)
    first = W["year"] if result.by == "year" else W["row"]
    return (f'<div class="tr-out tr-compare"><h3>{esc(W["heading"].format(label=result.label, rows=len(result.rows), columns=len(result.columns)))}</h3>'
            f'<table><thead><tr><th>{esc(first)}</th><th>{esc(W["date"])}</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table><h4>{esc(L["sources"])}</h4><ol>{quotes}</ol></div>')


def _number(value: str) -> float | None:
    """"9.720" → 9720, "hơn 21.000" → 21000 (for bar length only; the label stays as printed)."""
    m = re.search(r"\d[\d.]*", value)
    return float(m.group().replace(".", "")) if m else None


def chart(result: "Comparison", lang: str = "vi"):
    """One bar panel per kind of figure that two rows or more give: a glance shows who reports more."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    L = T[_lang(lang)]
    shared = [c for c in result.columns if sum(r.cell(c.key) is not None for r in result.rows) >= 2][:CHART_COLUMNS]
    if not shared:
        return None
    fig, axes = plt.subplots(1, len(shared), figsize=(max(6.4, 3.2 * len(shared)), 1.2 + 0.45 * len(result.rows)), squeeze=False)
    for ax, col in zip(axes[0], shared):
        rows = [(r.label, c) for r in result.rows if (c := r.cell(col.key)) is not None]
        values = [_number(c.value) or 0 for _, c in rows]
        bars = ax.barh(range(len(rows)), values, color="#2563eb")
        ax.bar_label(bars, labels=[f"{c.shown} [{c.n}]" for _, c in rows], fontsize=8, padding=2)
        ax.set_yticks(range(len(rows)), [label for label, _ in rows], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, max(values) * 1.5 or 1)
        ax.set_xticks([])
        ax.set_title(col.label, fontsize=9)
    fig.suptitle(L["chart_title"], fontsize=10)
    fig.tight_layout()
    return fig


def compare_view(index: "Index", query: str, by: str, lang: str = "vi"):
    """(table HTML, chart, export files) of a comparison."""
    from report.compare import compare, to_table
    from ui_report import export_files

    result = compare(index, query or "", by if by in ("locality", "year") else "locality")
    files = export_files(index, to_table(result, _lang(lang)), "compare") if result.rows else None
    return render_table(result, lang), chart(result, lang), files


def add_tab(index: "Index", lang) -> None:
    """The Compare tab (call inside ``gr.Tabs``)."""
    import gradio as gr

    V = T["vi"]
    with gr.Tab(V["tab"], id="compare") as tab:
        gr.HTML(f"<style>{CSS}</style>", elem_id="cmp-style")
        with gr.Row():
            q = gr.Textbox(label=V["q"], elem_id="cmp-q", scale=4, lines=1, value="")
            by = gr.Radio(V["by_choices"], value="locality", label=V["by"], elem_id="cmp-by", scale=1)
            go = gr.Button(V["btn"], elem_id="cmp-btn", scale=1, variant="primary")
        table = gr.HTML(js_on_load=None, elem_id="cmp-table")
        plot = gr.Plot(elem_id="cmp-chart", show_label=False)
        files = gr.File(label=V["export"], file_count="multiple", interactive=False, elem_id="cmp-files")
    for trigger in (go.click, q.submit):
        trigger(lambda s, b, lg: compare_view(index, s, b, _lang(lg)), [q, by, lang], [table, plot, files],
                api_visibility="private", show_progress="minimal")

    def relabel(lg):
        L = T[_lang(lg)]
        return (gr.update(label=L["tab"]), gr.update(label=L["q"]), gr.update(label=L["by"], choices=L["by_choices"]),
                gr.update(value=L["btn"]), gr.update(label=L["export"]))

    lang.change(relabel, [lang], [tab, q, by, go, files], api_visibility="private")
