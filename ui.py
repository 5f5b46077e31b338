"""The web app: ask (cited answers), search (ranked passages), browse and upload articles.

``build_app(index)`` returns a Gradio Blocks app that holds no per-request state (every handler is a pure
function of its inputs and the index); ``launch`` serves it on 127.0.0.1 unless told otherwise;
``ensure_corpus`` fills an empty index from the bundled ``corpus/``. Gradio is imported lazily, so
``import ui`` stays cheap. HTML is produced by ``ui_render`` (everything escaped there).
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import sys
import unicodedata
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Sequence

try:
    from ui_render import CSS, LABELS, article_rows, esc, render_answer, render_article, render_hits
except ModuleNotFoundError:  # an editable install made before ui_render was listed in pyproject's py-modules
    import importlib.util

    _spec = importlib.util.spec_from_file_location("ui_render", Path(__file__).with_name("ui_render.py"))
    _render = importlib.util.module_from_spec(_spec)
    sys.modules["ui_render"] = _render
    _spec.loader.exec_module(_render)
    from ui_render import CSS, LABELS, article_rows, esc, render_answer, render_article, render_hits

if TYPE_CHECKING:
    import gradio as gr

    from index.api import Index, IngestReport

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
UPLOAD_TYPES = (".txt", ".md", ".html", ".htm", ".jsonl", ".pdf", ".docx", ".odt", ".doc", ".rtf",
                ".png", ".jpg", ".jpeg", ".tif", ".tiff")
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
    files = [p for p in sorted(CORPUS_DIR.iterdir()) if p.suffix.lower() in UPLOAD_TYPES]
    print(f"tracuu: the index {index.root} is empty; ingesting {len(files)} bundled file(s) from {CORPUS_DIR} "
          "(the first run loads the embedding model)…", file=sys.stderr, flush=True)
    report = index.ingest([CORPUS_DIR])
    print(f"tracuu: added {len(report.added)} article(s), {report.passages_added} passage(s) in "
          f"{report.seconds:.1f}s", file=sys.stderr, flush=True)
    for skipped in report.skipped:
        print(f"tracuu: skipped {skipped}", file=sys.stderr)
    return report


def safe_name(name: str) -> str:
    """A base name that cannot leave the uploads folder: no directories, no leading dots, word characters."""
    base = PurePosixPath(unicodedata.normalize("NFC", str(name)).replace("\\", "/")).name
    stem, ext = os.path.splitext(base)
    stem = re.sub(r"[^\w.\-]+", "_", stem).strip("._-")[:100] or "upload"
    ext = ext.lower() if re.fullmatch(r"\.[a-z0-9]{1,8}", ext.lower()) else ""
    return stem + ext


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


def save_uploads(files: Sequence[str], index: "Index", lang: str = "vi") -> tuple[list[tuple[str, Path]], list[tuple[str, str]]]:
    """Copy acceptable uploads into ``<index>/uploads/``: (accepted (shown name, saved path), refused (name, why)).

    The size is checked from ``lstat`` before anything is read, the copy stops at the limit anyway, and the
    destination is written with O_NOFOLLOW then renamed over (a rename never follows a symlink)."""
    L = LABELS[lang]
    limit = index.settings.max_upload_bytes
    folder = index.root / "uploads"
    accepted: list[tuple[str, Path]] = []
    refused: list[tuple[str, str]] = []
    if folder.is_symlink():
        return [], [(Path(f).name, f"{folder} is a symlink; refusing to write through it") for f in files]
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for src in files:
        shown = Path(src).name
        name = safe_name(shown)
        ext = os.path.splitext(name)[1]
        if ext not in UPLOAD_TYPES:
            refused.append((shown, L["bad_type"].format(ext=ext or "(none)")))
            continue
        try:
            st = os.lstat(src)
        except OSError as exc:
            refused.append((shown, str(exc.strerror or exc)))
            continue
        if not stat.S_ISREG(st.st_mode):
            refused.append((shown, L["not_file"]))
            continue
        if st.st_size > limit:
            refused.append((shown, L["too_big"].format(size=_size(st.st_size), limit=_size(limit))))
            continue
        stem, n = os.path.splitext(name)[0], 2
        while name in used:
            name, n = f"{stem}-{n}{ext}", n + 1
        used.add(name)
        dest = folder / name
        if dest.resolve().parent != folder.resolve():  # belt and braces: safe_name already forbids it
            refused.append((shown, "unsafe file name"))
            continue
        try:
            _copy_limited(src, dest, limit)
        except _TooBig:
            refused.append((shown, L["too_big"].format(size=f"> {_size(limit)}", limit=_size(limit))))
            continue
        except OSError as exc:
            refused.append((shown, f"cannot save ({exc.strerror or exc})"))
            continue
        accepted.append((shown, dest))
    return accepted, refused


class _TooBig(Exception):
    pass


def _copy_limited(src: str, dest: Path, limit: int) -> None:
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(6)}.part")
    fd_in = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        fd_out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            total = 0
            while chunk := os.read(fd_in, 1 << 20):
                total += len(chunk)
                if total > limit:
                    raise _TooBig
                os.write(fd_out, chunk)
        finally:
            os.close(fd_out)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd_in)


def ingest_uploads(files: Sequence[str] | None, index: "Index", lang: str = "vi") -> str:
    """Save, ingest and describe uploads as HTML (what was added, or why each file was refused)."""
    from index import IndexBusyError

    L = LABELS[lang]
    accepted, refused = save_uploads(list(files or []), index, lang)
    report = None
    if accepted:
        try:
            report = index.ingest([dest for _, dest in accepted])
        except IndexBusyError:
            return f'<div class="tr-out"><p class="bad">{esc(L["busy"])}</p></div>'
        shown = {str(dest): name for name, dest in accepted}
        for s in report.skipped:
            if s.origin in shown:  # the whole file was refused: do not keep it among the uploads
                refused.append((shown[s.origin], s.reason))
                Path(s.origin).unlink(missing_ok=True)
            else:  # one JSONL line, "<path>:<line>"
                path, _, line = s.origin.rpartition(":")
                refused.append((f"{shown.get(path, Path(path).name)}:{line}", s.reason))
    items = []
    if report is not None:
        for key, ids in (("added", report.added), ("updated", report.updated), ("unchanged", report.unchanged)):
            for doc_id in ids:
                article = index.article(doc_id)
                title = article.title if article else doc_id
                items.append(f'<li class="ok">✓ {esc(L[key])}: <strong>{esc(title)}</strong> '
                             f"(<code>{esc(doc_id)}</code>, {len(index.passages(doc_id))} {esc(L['passages'])})</li>")
    for name, why in refused:
        items.append(f'<li class="bad">✗ {esc(L["refused"])}: <strong>{esc(name)}</strong> — {esc(why)}</li>')
    hint = f"<p>{esc(L['ask_now'])}</p>" if report is not None and (report.added or report.updated) else ""
    return f'<div class="tr-out"><ul class="report">{"".join(items)}</ul>{hint}</div>'


# --- handlers (pure functions of inputs and the index) --------------------------------------------


def _filters(docs, localities, years):
    from index import SearchFilters

    return SearchFilters(docs=tuple(docs or ()), localities=tuple(localities or ()),
                         years=tuple(int(y) for y in (years or ())))


def _facet_choices(index: "Index"):
    facets = index.facets()
    docs = [(f"{label} ({n})", label) for _, label, n in facets.docs]
    places = [(f"{label} ({n})", label) for _, label, n in facets.localities]
    years = [(f"{label} ({n})", int(value)) for value, label, n in facets.years if str(value).isdigit()]
    return docs, places, years


def _lang(value) -> str:
    return value if value in LABELS else "vi"


def build_app(index: "Index") -> "gr.Blocks":
    import warnings

    import gradio as gr

    import qa
    from index import FilterError

    V = LABELS["vi"]

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
        return f'<div class="tr-out"><p class="bad">{esc(LABELS[lang]["filter_error"].format(msg=payload))}</p></div>'

    def ask_html(question, docs, localities, years, lang):
        if not (question or "").strip():
            view = ("empty", None)
        else:
            try:
                view = ("answer", qa.answer(index, question, filters=_filters(docs, localities, years)))
            except FilterError as exc:
                view = ("filter_error", str(exc))
        return render_view(view, lang), view

    def search_html(query, k, docs, localities, years, lang):
        try:
            view = ("hits", (query or "", index.search(query or "", int(k or 10),
                                                        filters=_filters(docs, localities, years))))
        except FilterError as exc:
            view = ("filter_error", str(exc))
        return render_view(view, lang), view

    def api_ask(question: str, docs: list[str] | None = None, localities: list[str] | None = None,
                years: list[int] | None = None) -> dict:
        """Answer a question with citations; returns the `tracuu ask --json` contract object."""
        try:
            return qa.answer(index, question, filters=_filters(docs, localities, years)).to_contract()
        except FilterError as exc:
            raise gr.Error(str(exc)) from None

    def api_search(query: str, k: int = 10, docs: list[str] | None = None, localities: list[str] | None = None,
                   years: list[int] | None = None) -> dict:
        """Ranked passages; returns the `tracuu search --json` contract object."""
        try:
            hits = index.search(query, int(k), filters=_filters(docs, localities, years))
        except FilterError as exc:
            raise gr.Error(str(exc)) from None
        return {"query": query, "hits": [h.to_contract() for h in hits]}

    def counts_html(lang):
        a, p = index.counts()
        return f'<div class="tr-out meta">{esc(LABELS[_lang(lang)]["counts"].format(a=a, p=p))}</div>'

    def table(lang):
        import pandas as pd

        return pd.DataFrame(article_rows(index.articles()), columns=LABELS[_lang(lang)]["cols"])

    def refresh(lang):
        docs, places, years = _facet_choices(index)
        picks = [(f"{s.article.title[:90]} — {s.article.date or ''}", s.article.doc_id) for s in index.articles()]
        return (gr.update(choices=docs), gr.update(choices=places), gr.update(choices=years), table(lang),
                gr.update(choices=picks), counts_html(lang))

    def show_article(doc_id, lang):
        if not doc_id:
            return ""
        place = getattr(index.entities(doc_id).primary_locality, "full_name", None)
        return render_article(index.article(doc_id), place, _lang(lang))

    def pick_row(data, evt):
        try:
            row = evt.index[0]
            return gr.update(value=data.iloc[row, 5] if hasattr(data, "iloc") else data[row][5])
        except (IndexError, KeyError, TypeError):
            return gr.update()

    pick_row.__annotations__["evt"] = gr.SelectData  # a real class: Gradio injects the event by annotation

    def upload(files, lang):
        report = ingest_uploads(files, index, _lang(lang))
        return (report, gr.update(value=None), *refresh(lang))

    with warnings.catch_warnings():  # css on Blocks still works in Gradio 6 (launch() reads it) but warns
        warnings.simplefilter("ignore")
        demo = gr.Blocks(title=V["title"], css=CSS, analytics_enabled=False)
    with demo:
        with gr.Row(equal_height=True, elem_id="header-row"):
            title = gr.Markdown(f"## {V['title']}", elem_id="app-title")
            lang = gr.Radio([("Tiếng Việt", "vi"), ("English", "en")], value="vi", label=V["lang"], scale=0,
                            min_width=230, show_label=False, container=False, elem_id="lang")
        counts = gr.HTML(js_on_load=None, elem_id="counts")
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
                ask_btn = gr.Button(V["ask"], variant="primary", elem_id="ask-btn")
                gr.Examples(EXAMPLES, inputs=[question], label="Câu hỏi mẫu · Examples")
                answer = gr.HTML(js_on_load=None, elem_id="answer")
            with gr.Tab(V["search_tab"], id="search") as search_tab:
                with gr.Row():
                    query = gr.Textbox(label=V["query"], elem_id="query", scale=4, min_width=200)
                    k = gr.Slider(1, 30, value=10, step=1, label=V["k"], scale=1, min_width=140)
                search_btn = gr.Button(V["search"], variant="primary", elem_id="search-btn")
                hits = gr.HTML(js_on_load=None, elem_id="hits")
            with gr.Tab(V["corpus_tab"], id="corpus") as corpus_tab:
                files = gr.File(file_count="multiple", file_types=list(UPLOAD_TYPES), label=V["upload"],
                                elem_id="upload", height=150)
                upload_report = gr.HTML(js_on_load=None, elem_id="upload-report")
                articles = gr.Dataframe(headers=V["cols"], label=V["articles"], interactive=False, wrap=True,
                                        elem_id="articles", column_widths=["40%", "11%", "14%", "17%", "7%", "11%"])
                pick = gr.Dropdown([], label=V["pick"], elem_id="pick")
                viewer = gr.HTML(js_on_load=None, elem_id="viewer")

        filter_inputs = [docs, places, years]
        answer_view, hits_view = gr.State(None), gr.State(None)
        for trigger in (ask_btn.click, question.submit):
            trigger(ask_html, [question, *filter_inputs, lang], [answer, answer_view], api_visibility="private",
                    show_progress="minimal")
        for trigger in (search_btn.click, query.submit):
            trigger(search_html, [query, k, *filter_inputs, lang], [hits, hits_view], api_visibility="private",
                    show_progress="minimal")
        refreshed = [docs, places, years, articles, pick, counts]
        files.upload(upload, [files, lang], [upload_report, files, *refreshed], api_visibility="private",
                     concurrency_limit=1)
        pick.change(show_article, [pick, lang], viewer, api_visibility="private")
        articles.select(pick_row, [articles], pick, api_visibility="private")
        demo.load(refresh, [lang], refreshed, api_visibility="private")

        def relabel(lang, shown_answer, shown_hits):
            L = LABELS[_lang(lang)]
            rerender = [render_view(v, lang) if v else gr.update() for v in (shown_answer, shown_hits)]
            return (gr.update(value=f"## {L['title']}"), gr.update(label=L["lang"]), counts_html(lang),
                    gr.update(label=L["filters"]), gr.update(label=L["docs"]), gr.update(label=L["localities"]),
                    gr.update(label=L["years"]), gr.update(label=L["ask_tab"]), gr.update(label=L["search_tab"]),
                    gr.update(label=L["corpus_tab"]), gr.update(label=L["question"], placeholder=L["question_ph"]),
                    gr.update(value=L["ask"]), gr.update(label=L["query"]), gr.update(label=L["k"]),
                    gr.update(value=L["search"]), gr.update(label=L["upload"]), table(lang), gr.update(label=L["pick"]),
                    *rerender)

        lang.change(relabel, [lang, answer_view, hits_view],
                    [title, lang, counts, filters_box, docs, places, years, ask_tab, search_tab, corpus_tab, question,
                     ask_btn, query, k, search_btn, files, articles, pick, answer, hits],
                    api_visibility="private")
        gr.api(api_ask, api_name="ask")
        gr.api(api_search, api_name="search")
    demo.queue(default_concurrency_limit=4, max_size=64)
    return demo


def launch(index: "Index", host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve the app (blocking). The embedding model is loaded first so the first question is fast."""
    app = build_app(index)
    try:  # warm-up: loads the models, the search files and the question analyser before the first user
        import qa

        qa.answer(index, "Hội nghị tổng kết công tác dân vận diễn ra ngày nào?")
    except Exception as exc:  # the app still starts; the error will show on the first query
        print(f"tracuu: warm-up search failed: {exc}", file=sys.stderr)
    cap = max(index.settings.max_upload_bytes * 4, 20 * 1024 * 1024)  # Gradio's own cap; ours is checked per file
    from rest import serve  # the REST API and this app from one server

    serve(index, app, host=host, port=port, max_file_size=cap, show_error=True, css=CSS)
