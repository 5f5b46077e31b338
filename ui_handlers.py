"""The web app's handlers: what each button, box and endpoint of ``ui.build_app`` does.

Every handler is a pure function of its inputs and the index (``Handlers`` holds only the index), so the app
keeps no per-request state. Gradio is imported inside the handlers that need it, so ``import ui_handlers``
stays cheap. ``gradio_entries`` gives the three handlers Gradio injects arguments into (by annotation or by a
``gr.Progress`` default), which need the real Gradio classes at definition time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import ui_report
from ui_render import LABELS, article_rows, esc, render_answer, render_article, render_hits
from ui_uploads import ingest_uploads, ingest_urls, refusal_html

if TYPE_CHECKING:
    from index.api import Index


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


def _refused() -> tuple[type[Exception], ...]:
    """Both errors that mean the user's input was refused: a filter the index rejects, a limit at the door."""
    from index import FilterError
    from tracuu import limits

    return (FilterError, limits.LimitError)


@dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, as the closures it replaces were
class Handlers:
    index: "Index"

    # What the answer and search panels show is kept per session as a language-free view, so that switching
    # the interface language re-renders it instead of leaving the old language on screen.
    def render_view(self, view, lang) -> str:
        lang = _lang(lang)
        kind, payload = view
        if kind == "answer":
            return render_answer(self.index, payload, lang)
        if kind == "hits":
            query, found = payload
            return render_hits(self.index, found, query, lang)
        if kind == "empty":
            return f'<div class="tr-out"><p>{esc(LABELS[lang]["empty_q"])}</p></div>'
        return refusal_html(LABELS[lang]["filter_error"].format(msg=payload))

    def ask_html(self, question, docs, localities, years, lang, history):
        """One turn of the conversation: a question after another one follows it up (ui_report.ask_turn)."""
        from tracuu import limits

        files, view = None, None
        try:
            question = limits.text(question)
        except limits.LimitError as exc:
            question, view = "", ("filter_error", exc.message(_lang(lang)))
        if view is None and not question.strip():
            view = ("empty", None)
        elif view is None:
            try:
                answer, _, history = ui_report.ask_turn(self.index, question, _filters(docs, localities, years),
                                                        history)
                view, files = ("answer", answer), ui_report.answer_exports(self.index, answer)
            except _refused() as exc:
                view = ("filter_error", limits.scrub(exc))
        return self.render_view(view, lang), view, history, ui_report.render_history(history, _lang(lang)), files

    def search_html(self, query, k, docs, localities, years, lang):
        from tracuu import answering as door  # the one door every transport asks through
        from tracuu import limits

        try:
            query = limits.text(query, "query")
            view = ("hits", (query, door.hits(self.index, query, limits.k_value(k or 10),
                                              filters=_filters(docs, localities, years))))
        except _refused() as exc:
            view = ("filter_error", exc.message(_lang(lang)) if isinstance(exc, limits.LimitError) else limits.scrub(exc))
        files = ui_report.hits_exports(self.index, *view[1]) if view[0] == "hits" and view[1][1] else None
        return self.render_view(view, lang), view, files

    def api_ask(self, question: str, docs: list[str] | None = None, localities: list[str] | None = None,
                years: list[int] | None = None) -> dict:
        """Answer a question with citations; returns the `tracuu ask --json` contract object."""
        return self.api_ask_follow_up(question, "", docs, localities, years)

    # A separate endpoint, not a fifth argument of /ask: callers of the raw Gradio route send exactly
    # /ask's four values, and Gradio refuses a call with fewer values than the function has inputs.
    def api_ask_follow_up(self, question: str, follow_up: str = "", docs: list[str] | None = None,
                          localities: list[str] | None = None, years: list[int] | None = None) -> dict:
        """A question that follows up ``follow_up`` (the previous question); as `tracuu ask --follow-up`."""
        import gradio as gr

        from tracuu import answering as door
        from tracuu import limits

        try:
            return door.ask(self.index, limits.text(question), filters=_filters(docs, localities, years),
                            previous=limits.optional_text(follow_up, "follow_up") or None).model_dump(mode="json")
        except _refused() as exc:
            raise gr.Error(limits.scrub(exc)) from None

    def api_search(self, query: str, k: int = 10, docs: list[str] | None = None,
                   localities: list[str] | None = None, years: list[int] | None = None) -> dict:
        """Ranked passages; returns the `tracuu search --json` contract object."""
        import gradio as gr

        from tracuu import answering as door
        from tracuu import limits

        try:
            query = limits.text(query, "query")
            return door.search(self.index, query, limits.k_value(k),
                               filters=_filters(docs, localities, years)).model_dump(mode="json")
        except _refused() as exc:
            raise gr.Error(limits.scrub(exc)) from None

    def counts_html(self, lang):
        a, p = self.index.counts()
        return f'<div class="tr-out meta">{esc(LABELS[_lang(lang)]["counts"].format(a=a, p=p))}</div>'

    def table(self, lang):
        import pandas as pd

        summaries = self.index.articles()
        sources = self.index.sources(s.article.doc_id for s in summaries)
        return pd.DataFrame(article_rows(summaries, sources), columns=LABELS[_lang(lang)]["cols"])

    def refresh(self, lang):
        import gradio as gr

        docs, places, years = _facet_choices(self.index)
        picks = [(f"{s.article.title[:90]} — {s.article.date or s.entities.event_date or ''}", s.article.doc_id)
                 for s in self.index.articles()]
        return (gr.update(choices=docs), gr.update(choices=places), gr.update(choices=years), self.table(lang),
                gr.update(choices=picks), self.counts_html(lang))

    def show_article(self, doc_id, lang):
        if not doc_id:
            return ""
        from dataclasses import replace

        entities, article = self.index.entities(doc_id), self.index.article(doc_id)
        if article is not None and not article.date:  # no dateline: the event's date, as the corpus table shows
            article = replace(article, date=entities.event_date)
        return render_article(article, getattr(entities.primary_locality, "full_name", None), _lang(lang))

    def pick_row(self, data, evt):
        import gradio as gr

        try:
            row = evt.index[0]
            return gr.update(value=data.iloc[row, 5] if hasattr(data, "iloc") else data[row][5])
        except (IndexError, KeyError, TypeError):
            return gr.update()

    def upload(self, files, lang, request, progress):
        import gradio as gr

        from tracuu import web_accounts
        from tracuu.progress import render

        try:
            if not web_accounts.may_write(self.index, request):
                report = refusal_html(web_accounts.T[_lang(lang)]["no_right"])
            else:
                report = ingest_uploads(files, self.index, _lang(lang), lambda p: progress(
                    (p.articles, p.total) if p.total else None, desc=render(p)),
                    user=web_accounts.actor(self.index, request))
        finally:
            web_accounts.forget(files)  # Gradio's copies: never left to download, refused or not
        return (report, gr.update(value=None), *self.refresh(lang))

    def fetch_urls(self, text, lang, request, progress):  # the pasted URLs: ui_uploads.ingest_urls
        import gradio as gr

        from tracuu import web_accounts
        from tracuu.progress import render

        if not web_accounts.may_write(self.index, request):  # fetching adds articles: editors only, as uploads
            report = refusal_html(web_accounts.T[_lang(lang)]["no_right"])
        else:
            report = ingest_urls(text, self.index, _lang(lang), lambda p: progress(None, desc=render(p)))
        return (report, gr.update(value=""), *self.refresh(lang))

    # Every label in the new language, in the order of ui._wire's ``relabel`` outputs list (no docstring:
    # the closure it replaces had none, and Gradio reads a handler's docstring).
    def relabel(self, lang, shown_answer, shown_hits):
        import gradio as gr

        from ui_uploads import upload_label

        L, R = LABELS[_lang(lang)], ui_report.T[_lang(lang)]
        rerender = [self.render_view(v, lang) if v else gr.update() for v in (shown_answer, shown_hits)]
        return (gr.update(value=f"## {L['title']}"), gr.update(label=L["lang"]), self.counts_html(lang),
                gr.update(label=L["filters"]), gr.update(label=L["docs"]), gr.update(label=L["localities"]),
                gr.update(label=L["years"]), gr.update(label=L["ask_tab"]), gr.update(label=L["search_tab"]),
                gr.update(label=L["corpus_tab"]), gr.update(label=L["question"], placeholder=L["question_ph"]),
                gr.update(value=L["ask"]), gr.update(label=L["query"]), gr.update(label=L["k"]),
                gr.update(value=L["search"]), gr.update(label=upload_label(_lang(lang))),
                gr.update(value=self.table(lang), label=L["articles"]), gr.update(label=L["pick"]), *rerender,
                *(gr.update(label=R["export"]) for _ in range(2)),
                gr.update(value=R["new_chat"]), gr.update(label=L["examples"]),
                gr.update(label=L["paste_urls"]), gr.update(value=L["fetch_urls"]))


def gradio_entries(h: Handlers):
    """``(pick_row, upload, fetch_urls)`` as Gradio must see them: it injects the select event and the request
    by their annotations (real classes, as this module's annotations are strings) and a progress tracker by
    its ``gr.Progress()`` default."""
    import gradio as gr

    def pick_row(data, evt):
        return h.pick_row(data, evt)

    def upload(files, lang, request: gr.Request, progress=gr.Progress()):
        return h.upload(files, lang, request, progress)

    def fetch_urls(text, lang, request: gr.Request, progress=gr.Progress()):
        return h.fetch_urls(text, lang, request, progress)

    pick_row.__annotations__["evt"] = gr.SelectData
    upload.__annotations__["request"] = fetch_urls.__annotations__["request"] = gr.Request
    return pick_row, upload, fetch_urls
