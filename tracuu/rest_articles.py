"""What ``rest.create_api`` adds around its read-only routes (``install``: sign-in, body limits, error
handlers, the offline try-it page), and the REST doors that change the corpus: ``POST /api/articles``
(multipart field ``file``, the formats of ``tracuu ingest``) and ``DELETE /api/articles/{doc_id}``.
Editors and admins only; every change is audited.
"""

# No `from __future__ import annotations`: FastAPI reads the routes' annotations, imported inside add_routes.

import os
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.api import Index


def install(api, index, max_request_bytes: int) -> None:
    """The corpus-changing routes, the try-it page, the error handlers, sign-in and body limits."""
    from index.store.accounts import Accounts
    from tracuu import doors

    add_routes(api, index)
    doors.mount_docs_ui(api)
    doors.install_errors(api)
    rules = tuple((p, max_request_bytes if p == "/api/" else n)
                  for p, n in doors.body_limits(index.settings.max_upload_bytes))
    api.add_middleware(doors.Gate, accounts=Accounts(index.root))
    api.add_middleware(doors.BodyLimit, rules=rules)  # added last: outermost, so a big body is refused before sign-in


def add_routes(api, index: "Index") -> None:
    from fastapi import File, HTTPException, Request, UploadFile
    from fastapi.responses import JSONResponse

    from tracuu import corpus_ops, doors
    from tracuu.limits import scrub
    from ui_uploads import save_uploads

    def who(user) -> str:
        return user.name if user is not None else "anonymous"

    @api.post("/api/articles", summary="Add an article file (editors and admins; as `tracuu ingest`)",
              status_code=201)
    def add_article(request: Request, file: UploadFile = File(...)) -> JSONResponse:
        user = doors.require(request, "write")
        with tempfile.TemporaryDirectory(prefix="upload-", dir=_tmp(index)) as folder:
            # The client's name only names the copy; save_uploads makes it safe and checks the size.
            src = os.path.join(folder, os.path.basename((file.filename or "upload").replace("\\", "/")) or "upload")
            with open(src, "wb") as out:
                while chunk := file.file.read(1 << 20):
                    out.write(chunk)
            accepted, refused = save_uploads([src], index, "en")
            outcome = corpus_ops.ingest_uploads(index, accepted, refused, user=who(user), via="api")
        if outcome.failed == "busy":
            raise HTTPException(status_code=503, detail="the index is being written; try again in a moment")
        if outcome.failed == "budget":
            raise HTTPException(status_code=413, detail=(
                f"the upload went over its budget ({index.settings.upload_max_passages} passages or "
                f"{index.settings.upload_max_seconds:g} s); nothing was kept: split the file"))
        body = outcome.to_contract(index)
        if outcome.report is None or not (outcome.report.added or outcome.report.updated or outcome.report.unchanged):
            reasons = "; ".join(f"{r['file']}: {r['reason']}" for r in body["refused"]) or "nothing to ingest"
            raise HTTPException(status_code=422, detail=scrub(reasons))
        return JSONResponse(body, status_code=201 if outcome.report.added else 200)

    @api.delete("/api/articles/{doc_id}", summary="Remove an article (editors and admins; as `tracuu remove`)")
    def remove_article(doc_id: str, request: Request) -> JSONResponse:
        user = doors.require(request, "write")
        removed = corpus_ops.remove(index, [doc_id], user=who(user), via="api")
        if not removed:
            raise HTTPException(status_code=404, detail="no such article; GET /api/documents or the page lists them")
        return JSONResponse({"removed": removed})


def _tmp(index: "Index") -> str:
    folder = index.root / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)
