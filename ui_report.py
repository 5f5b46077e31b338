"""The web app's researcher views: document cards, the timeline (table and month × locality chart),
export downloads, and the Ask tab's conversation (follow-ups). ``add_tabs`` builds the Documents and
Timeline tabs inside ``ui.build_app``'s Tabs; the rest are plain functions of the index. All text from
the corpus goes through ``ui_render.esc``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from tracuu import limits
from ui_render import esc

if TYPE_CHECKING:
    from index.api import Index

T = {
    "vi": {"docs_tab": "Văn bản", "timeline_tab": "Dòng thời gian", "doc_pick": "Văn bản được trích dẫn",
           "doc_ref": "Số hiệu hoặc nội dung văn bản", "show": "Xem thẻ văn bản", "tl_q": "Văn bản, địa phương hoặc chủ đề",
           "tl_btn": "Lập dòng thời gian", "date": "Ngày ban hành", "issuer": "Cơ quan ban hành", "term": "Khóa",
           "subject": "Nội dung", "replaces": "Thay thế", "replaced_by": "Được thay thế bởi", "cited": "Bài viết trích dẫn",
           "none": "Không có văn bản nào trong kho khớp với “{q}”.", "events": "Sự kiện",
           "cols": ["Ngày", "Địa phương", "Cấp", "Nay thuộc", "Cơ quan", "Hoạt động", "Bài viết", "Đoạn"],
           "export": "Tải xuống (CSV, XLSX, DOCX, MD)", "new_chat": "Cuộc hội thoại mới", "chat": "Hội thoại",
           "nothing": "Chưa có sự kiện nào có ngày diễn ra.",
           "chart": "Sự kiện theo tháng và địa phương"},
    "en": {"docs_tab": "Documents", "timeline_tab": "Timeline", "doc_pick": "Cited documents",
           "doc_ref": "Reference or subject", "show": "Show document card", "tl_q": "Document, place or topic",
           "tl_btn": "Build timeline", "date": "Issued", "issuer": "Issued by", "term": "Term", "subject": "Subject",
           "replaces": "Replaces", "replaced_by": "Replaced by", "cited": "Cited by", "none": "No document matches “{q}”.",
           "events": "Events", "cols": ["Date", "Locality", "Level", "Now in", "Body", "Action", "Article", "Passage"],
           "export": "Download (CSV, XLSX, DOCX, MD)", "new_chat": "New conversation", "chat": "Conversation",
           "nothing": "No dated event yet.", "chart": "Events by month and locality"},
}
# Clicking a document reference in an evidence card opens its card: the link fills the Documents tab's
# box and presses its button (Gradio listens to the DOM events a person's typing would make).
DOCREF_JS = """
if (!window.__tracuuDocref) {
  window.__tracuuDocref = true;
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a.docref');
    if (!a) return;
    ev.preventDefault();
    const tab = [...document.querySelectorAll('[role=tab]')].find(t => /Văn bản|Documents/.test(t.innerText));
    if (tab) tab.click();
    setTimeout(() => {
      const b = document.querySelector('#doc-ref textarea, #doc-ref input');
      b.value = a.dataset.ref; b.dispatchEvent(new Event('input', {bubbles: true}));
      setTimeout(() => document.querySelector('#doc-btn').click(), 50);
    }, 300);
  });
  // Enter asks; Shift+Enter starts a new line (Gradio's multi-line box does the opposite). Cancelling the
  // keydown also cancels the keypress Gradio listens to.
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || ev.isComposing || !ev.target.closest || !ev.target.closest('#question')) return;
    ev.preventDefault();
    ev.stopPropagation();
    if (ev.shiftKey) {
      const box = ev.target;
      box.setRangeText(String.fromCharCode(10), box.selectionStart, box.selectionEnd, 'end');
      box.dispatchEvent(new Event('input', {bubbles: true}));
    } else {
      document.querySelector('#ask-btn').click();
    }
  }, true);
}
"""


def bridge() -> None:
    """The page's click and key handlers (a hidden HTML component runs them once the page loads)."""
    import gradio as gr

    gr.HTML("", js_on_load=DOCREF_JS, elem_id="docref-bridge")


def _vn(iso: str | None) -> str:
    return f"{int(iso[8:10])}/{int(iso[5:7])}/{iso[:4]}" if iso else ""


def place_label(label: str) -> str:
    """A locality facet's label with where the unit lies since 1 July 2025: "Quận Tây Hồ (nay thuộc
    Thành phố Hà Nội)"; unchanged when the name is ambiguous or the unit kept its name."""
    from index.text.admin2025 import label as now_label
    from index.text.places import resolve_locality

    found = resolve_locality(label)
    return now_label(found[0]) if len(found) == 1 and found[0].full_name.lower() == label.lower() else label


def render_card(index: "Index", query: str, lang: str = "vi") -> str:
    """A document card as HTML: what the articles say the document is, who cites it, and its events."""
    from index.text.admin2025 import label
    from report.cards import registry
    from report.timeline import events_of

    L = T[lang]
    try:
        query = limits.text(query, "ref", limits.MAX_FILTER_CHARS)
    except limits.LimitError as exc:
        return f'<div class="tr-out tr-card"><p class="bad">{esc(exc.message(lang))}</p></div>'
    found = registry(index).find(query or "") if (query or "").strip() else []
    if not found:
        return f'<div class="tr-out tr-card"><p>{esc(L["none"].format(q=query or ""))}</p></div>'
    card = found[0]
    facts = [(L["date"], _vn(card.date)), (L["issuer"], card.issuer), (L["term"], card.term),
             (L["subject"], card.subject), (L["replaces"], ", ".join(card.replaces)),
             (L["replaced_by"], ", ".join(card.replaced_by))]
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts if v)
    cited = []
    for doc_id in card.cited_by:
        article, entities = index.article(doc_id), index.entities(doc_id)
        place = label(entities.primary_locality) if entities.primary_locality else ""
        cited.append(f"<li><strong>{esc(article.title if article else doc_id)}</strong> "
                     f'<span class="meta">{esc(place)} · {esc(entities.event_date or (article.date if article else "") or "")} '
                     f"· <code>{esc(doc_id)}</code></span></li>")
    events, _ = events_of(index, card.cited_by)
    timeline = "".join(f"<li>{esc(_vn(e.date))} — {esc(e.locality)}: {esc(e.action)} ({esc(e.body or '')})</li>"
                       for e in events)
    return (f'<div class="tr-out tr-card" data-doc="{esc(card.id)}"><h3>{esc(card.id)}</h3>'
            f'<p class="doc-name">{esc(card.name)}</p><dl>{rows}</dl>'
            f'<h4>{esc(L["cited"])} ({len(card.cited_by)})</h4><ul>{"".join(cited)}</ul>'
            f'<h4>{esc(L["events"])}</h4><ul class="events">{timeline}</ul></div>')


def timeline_view(index: "Index", query: str, lang: str = "vi"):
    """(rows for the table, the month × locality chart, export files) of a timeline."""
    from report.export import from_timeline
    from report.timeline import LEVELS, timeline

    try:
        query = limits.text(query, "q")
    except limits.LimitError as exc:
        import gradio as gr

        raise gr.Error(exc.message(lang)) from None
    result = timeline(index, query or "")
    levels = LEVELS[lang]
    rows = [[e.date, e.locality, levels.get(e.level, e.level), e.locality_now, e.body or "", e.action, e.title, e.passage_id]
            for e in result.events]
    import pandas as pd

    rows = pd.DataFrame(rows, columns=T[lang]["cols"])  # headers in the language the table is built in
    return rows, timeline_chart(result, lang), export_files(index, from_timeline(index, result), "timeline")


def timeline_chart(result, lang: str = "vi"):
    """Events per month and locality: one dot per (month, locality), its size and label the count."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from collections import Counter

    counts = Counter((e.date[:7], e.locality or "?") for e in result.events)
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.45 * max(1, len({p for _, p in counts}))))
    if not counts:
        ax.text(0.5, 0.5, T[lang]["nothing"], ha="center", va="center")
        ax.axis("off")
        return fig
    months = sorted({m for m, _ in counts})
    places = sorted({p for _, p in counts})
    for (month, place), n in counts.items():
        x, y = months.index(month), places.index(place)
        ax.scatter([x], [y], s=120 + 80 * n, color="#1f6feb", alpha=0.8)
        ax.annotate(str(n), (x, y), ha="center", va="center", color="white", fontsize=8)
    ax.set_xticks(range(len(months)), months, rotation=45, ha="right")
    ax.set_yticks(range(len(places)), places)
    ax.set_xlim(-0.7, len(months) - 0.3)
    ax.set_ylim(-0.7, len(places) - 0.3)
    ax.set_title(f"{result.label}: {len(result.events)} " + ("sự kiện" if lang == "vi" else "events"))
    fig.tight_layout()
    return fig


def export_files(index: "Index", table, stem: str) -> list[str]:
    """The evidence table in the four formats, in a fresh temporary folder Gradio may serve from."""
    from report.export import FORMATS, write

    # Under Gradio's temporary folder, which the app keeps inside the index and deletes (tracuu/web_accounts.py).
    base = os.environ.get("GRADIO_TEMP_DIR")
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="tracuu-export-", dir=base or None))
    return [str(write(table, fmt, folder / f"tracuu-{stem}.{fmt}")) for fmt in FORMATS]


def answer_exports(index: "Index", answer) -> list[str]:
    from report.export import from_answer

    return export_files(index, from_answer(index, answer), "answer")


def hits_exports(index: "Index", query: str, hits) -> list[str]:
    from report.export import from_hits

    return export_files(index, from_hits(index, query, hits), "search")


def ask_turn(index: "Index", question: str, filters, history: list[str] | None):
    """(answer, follow-up or None, new history): a question after another one follows it up."""
    from tracuu.answering import answer as ask

    history = list(history or [])
    answer, follow = ask(index, question, filters=filters, previous=history[-1] if history else None)
    resolved = follow.resolved if follow is not None else question
    return answer, follow, history + [resolved]


def render_history(history: list[str] | None, lang: str = "vi") -> str:
    if not history or len(history) < 2:
        return ""
    items = "".join(f"<li>{esc(q)}</li>" for q in history)
    return f'<div class="tr-out tr-chat"><strong>{esc(T[lang]["chat"])}</strong><ol>{items}</ol></div>'


def add_tabs(index: "Index", lang) -> None:
    """The Documents and Timeline tabs (call inside ``gr.Tabs``)."""
    import gradio as gr

    V = T["vi"]
    with gr.Tab(V["docs_tab"], id="docs") as docs_tab:
        docs = [(f"{label} ({n})", label) for _, label, n in index.facets().docs]
        first = docs[0][1] if docs else None  # the list shows its first entry: it is the one selected
        with gr.Row():
            pick = gr.Dropdown(docs, value=first, label=V["doc_pick"], elem_id="doc-pick", scale=2)
            ref = gr.Textbox(value=first or "", label=V["doc_ref"], elem_id="doc-ref", scale=2, lines=1)
        show = gr.Button(V["show"], elem_id="doc-btn")
        card = gr.HTML(js_on_load=None, elem_id="doc-card")
    pick.change(lambda r, lg: (r, render_card(index, r, lg if lg in T else "vi")), [pick, lang], [ref, card],
                api_visibility="private")
    for trigger in (show.click, ref.submit):  # an empty box shows the document picked in the list
        trigger(lambda r, p, lg: render_card(index, (r or "").strip() or p or "", lg if lg in T else "vi"),
                [ref, pick, lang], card, api_visibility="private")
    with gr.Tab(V["timeline_tab"], id="timeline") as tl_tab:
        with gr.Row():
            q = gr.Textbox(label=V["tl_q"], elem_id="tl-q", scale=4, lines=1, value="")
            go = gr.Button(V["tl_btn"], elem_id="tl-btn", scale=1)
        # Widths that fit 1100 px with the long columns (article, passage) wrapping instead of scrolling.
        table = gr.Dataframe(headers=V["cols"], interactive=False, wrap=True, elem_id="tl-table", buttons=[],
                             column_widths=["10%", "12%", "9%", "11%", "14%", "10%", "21%", "13%"])
        chart = gr.Plot(label=V["chart"], elem_id="tl-chart")
        files = gr.File(label=V["export"], file_count="multiple", interactive=False, elem_id="tl-files")
    for trigger in (go.click, q.submit):
        trigger(lambda s, lg: timeline_view(index, s, lg if lg in T else "vi"), [q, lang], [table, chart, files],
                api_visibility="private")

    def relabel(lg, shown):
        import pandas as pd

        L = T[lg if lg in T else "vi"]
        rows = shown.values.tolist() if hasattr(shown, "values") else list(shown or [])
        columns = gr.update(value=pd.DataFrame(rows, columns=L["cols"]), headers=L["cols"])
        return (gr.update(label=L["docs_tab"]), gr.update(label=L["doc_pick"]), gr.update(label=L["doc_ref"]),
                gr.update(value=L["show"]), gr.update(label=L["timeline_tab"]), gr.update(label=L["tl_q"]),
                gr.update(value=L["tl_btn"]), columns, gr.update(label=L["export"]),
                gr.update(label=L["chart"]))

    lang.change(relabel, [lang, table], [docs_tab, pick, ref, show, tl_tab, q, go, table, files, chart],
                api_visibility="private")
