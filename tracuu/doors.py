"""What stands at the server's doors, for the REST API and the Gradio app alike: the body-size limit on
every path, sign-in (API tokens under ``/api/``, the page's own sign-in form), roles, short error
messages that never echo the input or show internals, and the offline try-it page.

Loopback with no account defined stays open as before; once any account exists, every ``/api/`` request
needs ``Authorization: Bearer TOKEN`` and the page asks to sign in.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from . import limits

DOCS_UI = "/api/docs-ui"
ASSETS = DOCS_UI + "/assets"
UNAUTHORIZED = "sign in: send 'Authorization: Bearer TOKEN' (an admin makes one with `tracuu users token NAME`)"
FORBIDDEN = "your role may not do this (editors and admins add and remove articles)"
# Body limits by path prefix, first match wins; the page's uploads and POST /api/articles carry files.
UPLOAD_PATHS = ("/gradio_api/upload", "/api/articles")


def body_limits(upload_bytes: int) -> tuple[tuple[str, int], ...]:
    # Gradio's own cap for several files at once (ui.launch), plus the form around them; each file is then
    # checked alone against the upload limit, with a refusal that names it.
    files = max(upload_bytes * 4, 20 * 1024 * 1024) + 64 * 1024
    return (*((p, files) for p in UPLOAD_PATHS), ("/api/", limits.MAX_REQUEST_BYTES), ("/", limits.MAX_PAGE_BODY_BYTES))


async def _send_json(send, status: int, detail: str, headers: tuple = ()) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: 413 for a body over its path's limit, by Content-Length or while it streams in."""

    def __init__(self, app, rules) -> None:
        self.app, self.rules = app, tuple(rules)

    def limit(self, path: str) -> int:
        return next((n for prefix, n in self.rules if path.startswith(prefix)), limits.MAX_PAGE_BODY_BYTES)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _send_json(send, 413, f"request body over {limit} bytes")
        seen, started = 0, False

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        async def sending(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, sending)
        except _TooLarge:
            if not started:
                await _send_json(send, 413, f"request body over {limit} bytes")


class Gate:
    """ASGI middleware: with any account defined, ``/api/`` (but the try-it page) needs a valid token.
    The signed-in user rides in ``scope["state"]["user"]`` (None on an open server)."""

    def __init__(self, app, accounts) -> None:
        self.app, self.accounts = app, accounts
        self._lock = threading.Lock()
        self._known: tuple[float, bool] = (0.0, False)

    def closed(self) -> bool:
        """Whether any account exists (looked up at most once a second: `tracuu users add` on a running
        server takes effect within a second)."""
        now = time.monotonic()
        with self._lock:
            if now - self._known[0] > 1.0:
                self._known = (now, self.accounts.any_users())
            return self._known[1]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/api/") or scope["path"].startswith(DOCS_UI):
            return await self.app(scope, receive, send)
        scope.setdefault("state", {})["user"] = None
        if self.closed():
            header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
            scheme, _, token = header.partition(" ")
            user = self.accounts.check_token(token.strip()) if scheme.lower() == "bearer" and token else None
            if user is None:
                return await _send_json(send, 401, UNAUTHORIZED, ((b"www-authenticate", b"Bearer"),))
            scope["state"]["user"] = user
        return await self.app(scope, receive, send)


def user_of(request):
    return getattr(request.state, "user", None)


def require(request, action: str):
    """The signed-in user when they may do ``action`` (anyone on an open server); 403 otherwise."""
    from fastapi import HTTPException

    user = user_of(request)
    if user is not None and not user.may(action):
        raise HTTPException(status_code=403, detail=FORBIDDEN)
    return user


def install_errors(api) -> None:
    """422s that name the field without echoing the input (a lone surrogate cannot even be encoded), and
    a 500 that shows no internals."""
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse

    async def invalid(request, exc: RequestValidationError):
        detail = [{"loc": [limits.scrub(str(part)) for part in e.get("loc", ())],
                   "msg": limits.scrub(str(e.get("msg", "invalid")).removeprefix("Value error, ")),
                   "type": str(e.get("type", "value_error"))} for e in exc.errors()[:10]]
        return JSONResponse({"detail": detail}, status_code=422)

    async def failed(request, exc: Exception):
        return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)

    api.add_exception_handler(RequestValidationError, invalid)
    api.add_exception_handler(Exception, failed)


def mount_docs_ui(api) -> None:
    """The try-it page at /api/docs-ui from the swagger-ui-bundle package's files: no CDN, works offline."""
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    api.mount(ASSETS, StaticFiles(directory=Path(swagger_ui_path)), name="swagger-assets")

    @api.get(DOCS_UI, include_in_schema=False)
    def docs_ui() -> HTMLResponse:
        return HTMLResponse(f"""<!doctype html><html><head><meta charset="utf-8"><title>tracuu API</title>
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({{url: "/openapi.json", dom_id: "#swagger-ui", persistAuthorization: true}});</script>
</body></html>""")


def bearer_docs() -> list:
    """The bearer scheme in the schema: it only documents the token (the try-it page's Authorize button);
    ``Gate`` checks it."""
    from fastapi import Depends
    from fastapi.security import HTTPBearer

    return [Depends(HTTPBearer(auto_error=False, description="`tracuu users token NAME`"))]

