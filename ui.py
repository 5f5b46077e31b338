"""The web app: ask (cited answers), search (ranked passages), browse and upload articles.

``build_app(index)`` returns a Gradio Blocks app that holds no per-request state (every handler is a pure
function of its inputs and the index: ``ui_handlers.Handlers``), built as named steps (one function per part of
the layout, then ``_wire``); ``launch`` serves it on 127.0.0.1 unless told otherwise;
``ensure_corpus`` fills an empty index from the bundled ``corpus/``. Gradio is imported lazily, so
``import ui`` stays cheap. HTML is produced by ``ui_render`` (everything escaped there).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

try:
    from ui_render import CSS, LABELS
except ModuleNotFoundError:  # an editable install made before ui_render was listed in pyproject's py-modules
    import importlib.util

    _spec = importlib.util.spec_from_file_location("ui_render", Path(__file__).with_name("ui_render.py"))
    _render = importlib.util.module_from_spec(_spec)
    sys.modules["ui_render"] = _render
    _spec.loader.exec_module(_render)
    from ui_render import CSS, LABELS

import ui_compare
import ui_report
from ui_handlers import Handlers, _facet_choices, gradio_entries  # noqa: F401 (tests read _facet_choices)
from ui_i18n import LOCALE_JS, i18n  # noqa: F401 (the app's surface: launch and the tests pass i18n())
from ui_uploads import (ingest_uploads, ingest_urls, refusal_html, safe_name, save_uploads,  # noqa: F401
                        upload_label, upload_types)

if TYPE_CHECKING:
    import gradio as gr

    from index.api import Index, IngestReport

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
V = LABELS["vi"]  # the page is built in Vietnamese; a language switch relabels it (Handlers.relabel)
EXAMPLES = [
    "which districts reviewed Quyết định 290?",
    "Những địa phương nào đã tổng kết 10 năm thực hiện Quyết định 290?",
    "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?",
    "Hội nghị tổng kết công tác dân vận của phường Thanh Khê Tây diễn ra ngày nào?",
]


# --- corpus and uploads (no Gradio) ---------------------------------------------------------------


def ensure_corpus(index: "Index") -> "IngestReport | None":
    """Ingest the bundled ``corpus/`` when the index holds no article; progress goes to stderr."""
    if index.counts()[0] > 0:
        return None
    if not CORPUS_DIR.is_dir():
        print(f"tracuu: the index {index.root} is empty and {CORPUS_DIR} is missing; upload articles in the app",
              file=sys.stderr)
        return None
    files = [p for p in sorted(CORPUS_DIR.iterdir()) if p.suffix.lower() in upload_types()]
    print(f"tracuu: the index {index.root} is empty; ingesting {len(files)} bundled file(s) from {CORPUS_DIR} "
          "(the first run loads the embedding model)…", file=sys.stderr, flush=True)
    report = index.ingest([CORPUS_DIR])
    print(f"tracuu: added {len(report.added)} article(s), {report.passages_added} passage(s) in "
          f"{report.seconds:.1f}s", file=sys.stderr, flush=True)
    for skipped in report.skipped:
        print(f"tracuu: skipped {skipped}", file=sys.stderr)
    return report


# --- the page: layout parts, then the wiring (handlers: ui_handlers.Handlers) ---------------------


class _Header(NamedTuple):
    title: Any
    lang: Any
    counts: Any
    filters_box: Any
    docs: Any
    places: Any
    years: Any


class _AskTab(NamedTuple):
    tab: Any
    question: Any
    ask_btn: Any
    new_chat: Any
    examples: Any
    chat: Any
    answer: Any
    answer_files: Any


class _SearchTab(NamedTuple):
    tab: Any
    query: Any
    k: Any
    search_btn: Any
    hits: Any
    hits_files: Any


class _CorpusTab(NamedTuple):
    tab: Any
    files: Any
    urls_box: Any
    fetch_btn: Any
    upload_report: Any
    articles: Any
    pick: Any
    viewer: Any
    controls: Any


def build_app(index: "Index") -> "gr.Blocks":
    import gradio as gr

    from tracuu import web_accounts

    web_accounts.temp_dir(index)  # before any component: Gradio's files stay under the index, then go
    demo = _blocks()
    with demo:
        head = _header()
        with gr.Tabs():
            ask, search = _ask_tab(), _search_tab()
            ui_report.add_tabs(index, head.lang)
            ui_compare.add_tab(index, head.lang)
            corpus = _corpus_tab(index)
        _wire(demo, Handlers(index), head, ask, search, corpus)
    demo.queue(default_concurrency_limit=4, max_size=64)
    return demo


def _blocks() -> "gr.Blocks":
    import warnings

    import gradio as gr

    from tracuu import web_accounts

    with warnings.catch_warnings():  # css on Blocks still works in Gradio 6 (launch() reads it) but warns
        warnings.simplefilter("ignore")
        return gr.Blocks(title=V["title"], css=CSS, analytics_enabled=False, delete_cache=web_accounts.DELETE_CACHE)


def _header() -> _Header:
    import gradio as gr

    with gr.Row(equal_height=True, elem_id="header-row"):
        title = gr.Markdown(f"## {V['title']}", elem_id="app-title")
        lang = gr.Radio([("Tiếng Việt", "vi"), ("English", "en")], value="vi", label=V["lang"], scale=0,
                        min_width=230, show_label=False, container=False, elem_id="lang")
    counts = gr.HTML(js_on_load=None, elem_id="counts")
    gr.HTML("", js_on_load=LOCALE_JS, elem_id="locale-bridge")
    with gr.Accordion(V["filters"], open=False) as filters_box:
        with gr.Row():
            docs = gr.Dropdown([], value=[], multiselect=True, label=V["docs"], min_width=200, elem_id="f-docs")
            places = gr.Dropdown([], value=[], multiselect=True, label=V["localities"], min_width=200,
                                 elem_id="f-localities")
            years = gr.Dropdown([], value=[], multiselect=True, label=V["years"], min_width=140, elem_id="f-years")
    return _Header(title, lang, counts, filters_box, docs, places, years)


def _ask_tab() -> _AskTab:
    import gradio as gr

    with gr.Tab(V["ask_tab"], id="ask") as tab:
        question = gr.Textbox(label=V["question"], placeholder=V["question_ph"], lines=2, max_lines=6,
                              elem_id="question")
        with gr.Row():
            ask_btn = gr.Button(V["ask"], variant="primary", elem_id="ask-btn", scale=3)
            new_chat = gr.Button(ui_report.T["vi"]["new_chat"], elem_id="new-chat", scale=1)
        examples = gr.Examples(EXAMPLES, inputs=[question], label=V["examples"], elem_id="examples")
        chat = gr.HTML(js_on_load=None, elem_id="chat")
        ui_report.bridge()
        answer = gr.HTML(js_on_load=None, elem_id="answer")
        answer_files = gr.File(label=ui_report.T["vi"]["export"], file_count="multiple", interactive=False,
                               elem_id="answer-files")
    return _AskTab(tab, question, ask_btn, new_chat, examples, chat, answer, answer_files)


def _search_tab() -> _SearchTab:
    import gradio as gr

    with gr.Tab(V["search_tab"], id="search") as tab:
        with gr.Row():
            query = gr.Textbox(label=V["query"], elem_id="query", scale=4, min_width=200)
            k = gr.Slider(1, 30, value=10, step=1, label=V["k"], scale=1, min_width=140)
        search_btn = gr.Button(V["search"], variant="primary", elem_id="search-btn")
        hits = gr.HTML(js_on_load=None, elem_id="hits")
        hits_files = gr.File(label=ui_report.T["vi"]["export"], file_count="multiple", interactive=False,
                             elem_id="hits-files")
    return _SearchTab(tab, query, k, search_btn, hits, hits_files)


def _corpus_tab(index: "Index") -> _CorpusTab:
    import gradio as gr

    from tracuu import web_accounts

    with gr.Tab(V["corpus_tab"], id="corpus") as tab:
        files = gr.File(file_count="multiple", file_types=list(upload_types()), label=upload_label("vi"),
                        elem_id="upload", height=150)
        with gr.Row():
            urls_box = gr.Textbox(label=V["paste_urls"], lines=2, max_lines=8, scale=4, elem_id="paste-urls")
            fetch_btn = gr.Button(V["fetch_urls"], scale=1, elem_id="fetch-urls")
        upload_report = gr.HTML(js_on_load=None, elem_id="upload-report")
        articles = gr.Dataframe(headers=V["cols"], label=V["articles"], interactive=False, wrap=True,
                                elem_id="articles", buttons=[],  # Gradio's copy/fullscreen: English only
                                column_widths=["25%", "9%", "11%", "12%", "8%", "10%", "11%", "14%"])
        pick = gr.Dropdown([], label=V["pick"], elem_id="pick")
        viewer = gr.HTML(js_on_load=None, elem_id="viewer")
        controls = web_accounts.CorpusControls(index)
    return _CorpusTab(tab, files, urls_box, fetch_btn, upload_report, articles, pick, viewer, controls)


def _wire(demo, h: Handlers, head: _Header, ask: _AskTab, search: _SearchTab, corpus: _CorpusTab) -> None:
    """Every event of the page, in the order Gradio must register them, and the three API endpoints."""
    import gradio as gr

    pick_row, upload, fetch_urls = gradio_entries(h)
    lang, filter_inputs = head.lang, [head.docs, head.places, head.years]
    answer_view, hits_view = gr.State(None), gr.State(None)
    history = gr.State([])
    for trigger in (ask.ask_btn.click, ask.question.submit):
        trigger(h.ask_html, [ask.question, *filter_inputs, lang, history],
                [ask.answer, answer_view, history, ask.chat, ask.answer_files],
                api_visibility="private", show_progress="minimal")
    ask.new_chat.click(lambda: ([], "", "", None), None, [history, ask.chat, ask.answer, ask.answer_files],
                       api_visibility="private")
    for trigger in (search.search_btn.click, search.query.submit):
        trigger(h.search_html, [search.query, search.k, *filter_inputs, lang],
                [search.hits, hits_view, search.hits_files], api_visibility="private", show_progress="minimal")
    refreshed = [head.docs, head.places, head.years, corpus.articles, corpus.pick, head.counts]
    uploaded = corpus.files.upload(upload, [corpus.files, lang], [corpus.upload_report, corpus.files, *refreshed],
                                   api_visibility="private", concurrency_limit=1)
    corpus.fetch_btn.click(fetch_urls, [corpus.urls_box, lang], [corpus.upload_report, corpus.urls_box, *refreshed],
                           api_visibility="private", concurrency_limit=1)
    corpus.controls.wire(lang, corpus.pick, corpus.files, uploaded, h.refresh, refreshed)
    demo.load(corpus.controls.on_load, [lang], corpus.controls.load_outputs, api_visibility="private")
    corpus.pick.change(h.show_article, [corpus.pick, lang], corpus.viewer, api_visibility="private")
    corpus.articles.select(pick_row, [corpus.articles], corpus.pick, api_visibility="private")
    # A language picked while the page loads must win over the language the load started with.
    demo.load(h.refresh, [lang], refreshed, api_visibility="private").then(
        h.counts_html, [lang], head.counts, api_visibility="private")
    lang.change(h.relabel, [lang, answer_view, hits_view],  # outputs in the order Handlers.relabel returns
                [head.title, lang, head.counts, head.filters_box, head.docs, head.places, head.years, ask.tab,
                 search.tab, corpus.tab, ask.question, ask.ask_btn, search.query, search.k, search.search_btn,
                 corpus.files, corpus.articles, corpus.pick, ask.answer, search.hits, ask.answer_files,
                 search.hits_files, ask.new_chat, ask.examples.dataset, corpus.urls_box, corpus.fetch_btn],
                api_visibility="private")
    gr.api(h.api_ask, api_name="ask")
    gr.api(h.api_ask_follow_up, api_name="ask_follow_up")
    gr.api(h.api_search, api_name="search")


def warm_up(index: "Index") -> None:
    """Load the model, the search files and the question analyser, so the first question is fast."""
    try:
        from tracuu.answering import answer

        answer(index, "Hội nghị tổng kết công tác dân vận diễn ra ngày nào?")
    except Exception as exc:  # the app still runs; the error will show on the first query
        print(f"tracuu: warm-up search failed: {exc}", file=sys.stderr)


def launch(index: "Index", host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve the app (blocking). The page is built whole before the server listens; the model warms up on a
    thread once it does (issue 26: the first HTTP answer no longer waits for the model, ~24 s → a few)."""
    app = build_app(index)
    cap = max(index.settings.max_upload_bytes * 4, 20 * 1024 * 1024)  # Gradio's own cap; ours is checked per file
    from rest import serve  # the REST API and this app from one server

    # show_error=False: an unexpected exception shows a plain "Error", never a Python message; refusals
    # are gr.Error, which is always shown.
    serve(index, app, host=host, port=port, max_file_size=cap, show_error=False, css=CSS, i18n=i18n(),
          on_listening=lambda: warm_up(index))
