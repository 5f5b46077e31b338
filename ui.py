"""The web app: ask (cited answers), search (ranked passages), browse and upload articles.

``build_app(index)`` returns a Gradio Blocks app that holds no per-request state (every handler is a pure
function of its inputs and the index); ``launch`` serves it on 127.0.0.1 unless told otherwise;
``ensure_corpus`` fills an empty index from the bundled ``corpus/``. Gradio is imported lazily, so
``import ui`` stays cheap. HTML is produced by ``ui_render`` (everything escaped there).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

try:
    from ui_render import CSS, LABELS, article_rows, esc, render_answer, render_article, render_hits
except ModuleNotFoundError:  # an editable install made before ui_render was listed in pyproject's py-modules
    import importlib.util

    _spec = importlib.util.spec_from_file_location("ui_render", Path(__file__).with_name("ui_render.py"))
    _render = importlib.util.module_from_spec(_spec)
    sys.modules["ui_render"] = _render
    _spec.loader.exec_module(_render)
    from ui_render import CSS, LABELS, article_rows, esc, render_answer, render_article, render_hits

import ui_compare
import ui_report
from ui_i18n import LOCALE_JS, i18n  # noqa: F401 (the app's surface: launch and the tests pass i18n())
from ui_uploads import (ingest_uploads, ingest_urls, refusal_html, safe_name, save_uploads,  # noqa: F401
                        upload_label, upload_types)

if TYPE_CHECKING:
    import gradio as gr

    from index.api import Index, IngestReport

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
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


# --- handlers (pure functions of inputs and the index) --------------------------------------------


def _filters(docs, localities, years):
    """Filter values checked at the door (tracuu/limits.py) before they reach the index."""
    from tracuu import limits

    return limits.filters(docs, localities, years).search_filters()


def _facet_choices(index: "Index"):
    facets = index.facets()
    docs = [(f"{label} ({n})", label) for _, label, n in facets.docs]
    places = [(f"{ui_report.place_label(label)} ({n})", label) for _, label, n in facets.localities]
    years = [(f"{label} ({n})", int(value)) for value, label, n in facets.years if str(value).isdigit()]
    return docs, places, years


def _lang(value) -> str:
    return value if value in LABELS else "vi"


def build_app(index: "Index") -> "gr.Blocks":
    import warnings

    import gradio as gr

    from index import FilterError
    from tracuu import answering as door  # the one door every transport asks through
    from tracuu import limits, web_accounts

    V = LABELS["vi"]
    web_accounts.temp_dir(index)  # before any component: Gradio's files stay under the index, then go
    FilterError = (FilterError, limits.LimitError)  # noqa: N806 - both are the user's input refused

    # What the answer and search panels show is kept per session as a language-free view, so that switching
    # the interface language re-renders it instead of leaving the old language on screen.
    def render_view(view, lang) -> str:
        lang = _lang(lang)
        kind, payload = view
        if kind == "answer":
            return render_answer(index, payload, lang)
        if kind == "hits":
            query, found = payload
            return render_hits(index, found, query, lang)
        if kind == "empty":
            return f'<div class="tr-out"><p>{esc(LABELS[lang]["empty_q"])}</p></div>'
        return refusal_html(LABELS[lang]["filter_error"].format(msg=payload))

    def ask_html(question, docs, localities, years, lang, history):
        """One turn of the conversation: a question after another one follows it up (ui_report.ask_turn)."""
        files, view = None, None
        try:
            question = limits.text(question)
        except limits.LimitError as exc:
            question, view = "", ("filter_error", exc.message(_lang(lang)))
        if view is None and not question.strip():
            view = ("empty", None)
        elif view is None:
            try:
                answer, _, history = ui_report.ask_turn(index, question, _filters(docs, localities, years), history)
                view, files = ("answer", answer), ui_report.answer_exports(index, answer)
            except FilterError as exc:
                view = ("filter_error", limits.scrub(exc))
        return render_view(view, lang), view, history, ui_report.render_history(history, _lang(lang)), files

    def search_html(query, k, docs, localities, years, lang):
        try:
            query = limits.text(query, "query")
            view = ("hits", (query, door.hits(index, query, limits.k_value(k or 10),
                                              filters=_filters(docs, localities, years))))
        except FilterError as exc:
            view = ("filter_error", exc.message(_lang(lang)) if isinstance(exc, limits.LimitError) else limits.scrub(exc))
        files = ui_report.hits_exports(index, *view[1]) if view[0] == "hits" and view[1][1] else None
        return render_view(view, lang), view, files

    def api_ask(question: str, docs: list[str] | None = None, localities: list[str] | None = None,
                years: list[int] | None = None) -> dict:
        """Answer a question with citations; returns the `tracuu ask --json` contract object."""
        return api_ask_follow_up(question, "", docs, localities, years)

    # A separate endpoint, not a fifth argument of /ask: callers of the raw Gradio route send exactly
    # /ask's four values, and Gradio refuses a call with fewer values than the function has inputs.
    def api_ask_follow_up(question: str, follow_up: str = "", docs: list[str] | None = None,
                          localities: list[str] | None = None, years: list[int] | None = None) -> dict:
        """A question that follows up ``follow_up`` (the previous question); as `tracuu ask --follow-up`."""
        try:
            return door.ask(index, limits.text(question), filters=_filters(docs, localities, years),
                            previous=limits.optional_text(follow_up, "follow_up") or None).model_dump(mode="json")
        except FilterError as exc:
            raise gr.Error(limits.scrub(exc)) from None

    def api_search(query: str, k: int = 10, docs: list[str] | None = None, localities: list[str] | None = None,
                   years: list[int] | None = None) -> dict:
        """Ranked passages; returns the `tracuu search --json` contract object."""
        try:
            query = limits.text(query, "query")
            return door.search(index, query, limits.k_value(k),
                               filters=_filters(docs, localities, years)).model_dump(mode="json")
        except FilterError as exc:
            raise gr.Error(limits.scrub(exc)) from None

    def counts_html(lang):
        a, p = index.counts()
        return f'<div class="tr-out meta">{esc(LABELS[_lang(lang)]["counts"].format(a=a, p=p))}</div>'

    def table(lang):
        import pandas as pd

        summaries = index.articles()
        sources = index.sources(s.article.doc_id for s in summaries)
        return pd.DataFrame(article_rows(summaries, sources), columns=LABELS[_lang(lang)]["cols"])

    def refresh(lang):
        docs, places, years = _facet_choices(index)
        picks = [(f"{s.article.title[:90]} — {s.article.date or s.entities.event_date or ''}", s.article.doc_id)
                 for s in index.articles()]
        return (gr.update(choices=docs), gr.update(choices=places), gr.update(choices=years), table(lang),
                gr.update(choices=picks), counts_html(lang))

    def show_article(doc_id, lang):
        if not doc_id:
            return ""
        from dataclasses import replace

        entities, article = index.entities(doc_id), index.article(doc_id)
        if article is not None and not article.date:  # no dateline: the event's date, as the corpus table shows
            article = replace(article, date=entities.event_date)
        return render_article(article, getattr(entities.primary_locality, "full_name", None), _lang(lang))

    def pick_row(data, evt):
        try:
            row = evt.index[0]
            return gr.update(value=data.iloc[row, 5] if hasattr(data, "iloc") else data[row][5])
        except (IndexError, KeyError, TypeError):
            return gr.update()

    pick_row.__annotations__["evt"] = gr.SelectData  # a real class: Gradio injects the event by annotation

    def upload(files, lang, request: gr.Request, progress=gr.Progress()):
        from tracuu.progress import render

        try:
            if not web_accounts.may_write(index, request):
                report = refusal_html(web_accounts.T[_lang(lang)]["no_right"])
            else:
                report = ingest_uploads(files, index, _lang(lang), lambda p: progress(
                    (p.articles, p.total) if p.total else None, desc=render(p)), user=web_accounts.actor(index, request))
        finally:
            web_accounts.forget(files)  # Gradio's copies: never left to download, refused or not
        return (report, gr.update(value=None), *refresh(lang))

    upload.__annotations__["request"] = gr.Request  # a real class: Gradio injects the request by annotation

    def fetch_urls(text, lang, request: gr.Request, progress=gr.Progress()):  # the pasted URLs: ui_uploads.ingest_urls
        from tracuu.progress import render

        if not web_accounts.may_write(index, request):  # fetching adds articles: editors only, as uploads
            report = refusal_html(web_accounts.T[_lang(lang)]["no_right"])
        else:
            report = ingest_urls(text, index, _lang(lang), lambda p: progress(None, desc=render(p)))
        return (report, gr.update(value=""), *refresh(lang))

    fetch_urls.__annotations__["request"] = gr.Request

    with warnings.catch_warnings():  # css on Blocks still works in Gradio 6 (launch() reads it) but warns
        warnings.simplefilter("ignore")
        demo = gr.Blocks(title=V["title"], css=CSS, analytics_enabled=False, delete_cache=web_accounts.DELETE_CACHE)
    with demo:
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
        with gr.Tabs():
            with gr.Tab(V["ask_tab"], id="ask") as ask_tab:
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
            with gr.Tab(V["search_tab"], id="search") as search_tab:
                with gr.Row():
                    query = gr.Textbox(label=V["query"], elem_id="query", scale=4, min_width=200)
                    k = gr.Slider(1, 30, value=10, step=1, label=V["k"], scale=1, min_width=140)
                search_btn = gr.Button(V["search"], variant="primary", elem_id="search-btn")
                hits = gr.HTML(js_on_load=None, elem_id="hits")
                hits_files = gr.File(label=ui_report.T["vi"]["export"], file_count="multiple", interactive=False,
                                     elem_id="hits-files")
            ui_report.add_tabs(index, lang)
            ui_compare.add_tab(index, lang)
            with gr.Tab(V["corpus_tab"], id="corpus") as corpus_tab:
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

        filter_inputs = [docs, places, years]
        answer_view, hits_view = gr.State(None), gr.State(None)
        history = gr.State([])
        for trigger in (ask_btn.click, question.submit):
            trigger(ask_html, [question, *filter_inputs, lang, history], [answer, answer_view, history, chat, answer_files],
                    api_visibility="private", show_progress="minimal")
        new_chat.click(lambda: ([], "", "", None), None, [history, chat, answer, answer_files], api_visibility="private")
        for trigger in (search_btn.click, query.submit):
            trigger(search_html, [query, k, *filter_inputs, lang], [hits, hits_view, hits_files],
                    api_visibility="private", show_progress="minimal")
        refreshed = [docs, places, years, articles, pick, counts]
        uploaded = files.upload(upload, [files, lang], [upload_report, files, *refreshed], api_visibility="private",
                                concurrency_limit=1)
        fetch_btn.click(fetch_urls, [urls_box, lang], [upload_report, urls_box, *refreshed], api_visibility="private",
                        concurrency_limit=1)
        controls.wire(lang, pick, files, uploaded, refresh, refreshed)
        demo.load(controls.on_load, [lang], controls.load_outputs, api_visibility="private")
        pick.change(show_article, [pick, lang], viewer, api_visibility="private")
        articles.select(pick_row, [articles], pick, api_visibility="private")
        # A language picked while the page loads must win over the language the load started with.
        demo.load(refresh, [lang], refreshed, api_visibility="private").then(
            counts_html, [lang], counts, api_visibility="private")

        def relabel(lang, shown_answer, shown_hits):
            L = LABELS[_lang(lang)]
            rerender = [render_view(v, lang) if v else gr.update() for v in (shown_answer, shown_hits)]
            return (gr.update(value=f"## {L['title']}"), gr.update(label=L["lang"]), counts_html(lang),
                    gr.update(label=L["filters"]), gr.update(label=L["docs"]), gr.update(label=L["localities"]),
                    gr.update(label=L["years"]), gr.update(label=L["ask_tab"]), gr.update(label=L["search_tab"]),
                    gr.update(label=L["corpus_tab"]), gr.update(label=L["question"], placeholder=L["question_ph"]),
                    gr.update(value=L["ask"]), gr.update(label=L["query"]), gr.update(label=L["k"]),
                    gr.update(value=L["search"]), gr.update(label=upload_label(_lang(lang))),
                    gr.update(value=table(lang), label=L["articles"]), gr.update(label=L["pick"]), *rerender,
                    *(gr.update(label=ui_report.T[_lang(lang)]["export"]) for _ in range(2)),
                    gr.update(value=ui_report.T[_lang(lang)]["new_chat"]), gr.update(label=L["examples"]),
                    gr.update(label=L["paste_urls"]), gr.update(value=L["fetch_urls"]))

        lang.change(relabel, [lang, answer_view, hits_view],
                    [title, lang, counts, filters_box, docs, places, years, ask_tab, search_tab, corpus_tab, question,
                     ask_btn, query, k, search_btn, files, articles, pick, answer, hits, answer_files,
                     hits_files, new_chat, examples.dataset, urls_box, fetch_btn],
                    api_visibility="private")
        gr.api(api_ask, api_name="ask")
        gr.api(api_ask_follow_up, api_name="ask_follow_up")
        gr.api(api_search, api_name="search")
    demo.queue(default_concurrency_limit=4, max_size=64)
    return demo


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
