"""The REST API: ask, search, document cards, timeline and export as plain JSON endpoints under ``/api/``,
with their OpenAPI schema at ``/openapi.json`` (interactive page at ``/api/docs-ui``).

``create_api(index)`` builds the FastAPI app; ``ui.launch`` mounts the Gradio app under it, so one
server on 127.0.0.1 (unless ``--host`` says otherwise) serves both. Bodies over ``max_request_bytes``
are refused with 413 before they are read whole; the heavy work (embedding, answering) runs at most
``workers`` at a time, like the web app's queue, so 20 clients at once queue instead of thrashing two
cores.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Literal

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import Response

from tracuu import limits
from tracuu.contract import (MAX_QUESTION_CHARS, AskRequest, AskResponse, Card, CompareResponse, DocumentsResponse,
                             ExportRequest, Filters, SearchRequest, SearchResponse, Timeline)

if TYPE_CHECKING:
    from index.api import Index

__all__ = ["create_api", "MAX_REQUEST_BYTES"]

MAX_REQUEST_BYTES = limits.MAX_REQUEST_BYTES  # the same limits at every door (tracuu/limits.py)
_MEDIA = {"csv": "text/csv; charset=utf-8",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "md": "text/markdown; charset=utf-8"}


def create_api(index: "Index", *, max_request_bytes: int = MAX_REQUEST_BYTES, workers: int = 4) -> FastAPI:
    from index import FilterError, SearchFilters
    from tracuu import doors

    api = FastAPI(title="tracuu", version="1", docs_url=None, redoc_url=None, dependencies=doors.bearer_docs(),
                  description="Cited search and question answering over Vietnamese news articles "
                              "(the JSON of `tracuu ask|search|docs|timeline --json`).")
    gate = threading.BoundedSemaphore(workers)

    def filters(req: Filters) -> SearchFilters:
        return SearchFilters(docs=tuple(req.docs), localities=tuple(req.localities), years=tuple(req.years))

    def guarded(fn):
        with gate:
            try:
                return fn()
            except (FilterError, limits.LimitError) as exc:
                raise HTTPException(status_code=422, detail=limits.scrub(str(exc))) from None

    # Every path answers through the door the CLI and the Gradio API use (tracuu.answering), and returns
    # the contract's models, so /openapi.json publishes each response's schema.
    @api.post("/api/ask", summary="A cited answer (as `tracuu ask --json`)", response_model=AskResponse)
    def ask(req: AskRequest) -> AskResponse:
        from tracuu.answering import ask as door

        return guarded(lambda: door(index, req.question, filters=filters(req), previous=req.follow_up))

    @api.post("/api/search", summary="Ranked passages (as `tracuu search --json`)", response_model=SearchResponse)
    def search(req: SearchRequest) -> SearchResponse:
        from tracuu.answering import search as door

        return guarded(lambda: door(index, req.query, req.k, filters=filters(req), rank=req.rank))

    @api.get("/api/documents", summary="Document cards (as `tracuu docs --json`): one card for `ref`, else all",
             response_model=Card | DocumentsResponse)
    def documents(ref: str | None = Query(default=None, max_length=200,
                                          description="a reference or a subject; all cards when absent")):
        from report.cards import registry

        ref = guarded(lambda: limits.optional_text(ref, "ref", 200))
        reg = guarded(lambda: registry(index))
        if not ref:
            return DocumentsResponse(documents=[Card.of(c) for c in reg.all()])
        found = reg.find(ref)
        if not found:
            raise HTTPException(status_code=404, detail=f"no document in the index matches {ref!r}")
        return Card.of(found[0])

    @api.get("/api/timeline", summary="Reported events in date order (as `tracuu timeline --json`)",
             response_model=Timeline)
    def timeline(q: str = Query(max_length=MAX_QUESTION_CHARS, description="a reference, subject, place or query")):
        from report.timeline import timeline as build

        return Timeline.of(guarded(lambda: build(index, limits.text(q, "q"))))

    @api.get("/api/compare", summary="Figures across localities side by side (as `tracuu compare --json`)",
             response_model=CompareResponse)
    def compare(q: str = Query(max_length=MAX_QUESTION_CHARS, description="a reference, subject, place or topic"),
                by: Literal["locality", "year"] = Query(default="locality", description="one row per locality or year")):
        from report.compare import compare as build

        return CompareResponse.model_validate(guarded(lambda: build(index, limits.text(q, "q"), by)).to_contract())

    @api.post("/api/export", summary="An answer, search result, timeline or comparison as CSV, XLSX, DOCX or Markdown",
              response_class=Response, responses={200: {"content": {m: {} for m in _MEDIA.values()},
                                                        "description": "the file, as an attachment"}})
    def export(req: ExportRequest) -> Response:
        from report import export as ex
        from tracuu.answering import answer, hits

        def table():
            if req.kind == "ask":
                return ex.from_answer(index, answer(index, req.text, filters=filters(req), previous=req.follow_up)[0])
            if req.kind == "search":
                return ex.from_hits(index, req.text, hits(index, req.text, req.k, filters=filters(req)))
            if req.kind == "compare":
                from report.compare import compare, to_table

                return to_table(compare(index, req.text))
            from report.timeline import timeline as build

            return ex.from_timeline(index, build(index, req.text))

        data = ex.to_bytes(guarded(table), req.format)
        return Response(data, media_type=_MEDIA[req.format],
                        headers={"Content-Disposition": f'attachment; filename="tracuu-{req.kind}.{req.format}"'})

    from tracuu.rest_articles import install

    install(api, index, max_request_bytes)  # articles, try-it page, errors, sign-in, body limits
    return api


def build_server(index: "Index", blocks, *, host: str = "127.0.0.1", port: int = 7860, **gradio_kwargs) -> FastAPI:
    """The REST API with the Gradio app mounted at "/": one app, the same limits and sign-in at every door."""
    import gradio as gr

    from index.store.accounts import Accounts

    accounts = Accounts(index.root)
    auth = (lambda name, password: accounts.check_password(name, password) is not None) if accounts.any_users() else None
    api = create_api(index)
    gr.mount_gradio_app(api, blocks, path="/", server_name=host, server_port=port, auth=auth,
                        auth_message="tracuu: đăng nhập · sign in", **gradio_kwargs)
    return api


def serve(index: "Index", blocks, *, host: str = "127.0.0.1", port: int = 7860, on_listening=None,
          **gradio_kwargs) -> None:
    """Serve the REST API and the Gradio app (mounted at "/") from one server (blocking). ``on_listening``
    runs on a thread once the app has started (the model's warm-up: requests are answered meanwhile, a
    question waits for the model it needs)."""
    import uvicorn

    api = build_server(index, blocks, host=host, port=port, **gradio_kwargs)
    if on_listening is not None:
        _after_startup(api, on_listening)
    print(f"tracuu: serving http://{host}:{port}/ (REST API under /api/, schema at /openapi.json)",
          file=sys.stderr, flush=True)
    uvicorn.run(api, host=host, port=port, log_level="warning")


def _after_startup(api, work) -> None:
    """Run ``work`` on a daemon thread when the app's lifespan has started (after Gradio's own startup)."""
    import contextlib

    inner = api.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app):
        async with inner(app) as state:
            threading.Thread(target=work, name="tracuu-warm-up", daemon=True).start()
            yield state

    api.router.lifespan_context = lifespan
