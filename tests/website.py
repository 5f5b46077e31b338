"""A small news site the web-ingest tests serve themselves: http.server on 127.0.0.1 with an ephemeral
port, in a thread. Pages answer conditional GETs (ETag and Last-Modified) with 304, and the site counts
every answer by path and status, so a test can assert what a second run fetched. Never the internet."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Mon, 07 Dec 2026 08:00:00 GMT"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    validators: bool = True  # ETag + Last-Modified, and 304 to a matching conditional GET
    length: bool = True  # send Content-Length (False: the body ends when the connection closes)
    gate: threading.Event | None = None  # answer only once the test sets it (a slow site)


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.answers: Counter = Counter()  # (path, status) → count
        self.agents: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> "Site":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def count(self, status: int, path: str | None = None) -> int:
        return sum(n for (p, s), n in self.answers.items() if s == status and (path is None or p == path)
                   and p != "/robots.txt")

    def page(self, path: str, title: str, date: str | None, paragraphs: list[str], **kw) -> None:
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        meta = f'<meta property="article:published_time" content="{date}T08:00:00+07:00">' if date else ""
        html = (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
                f"{meta}</head><body>"
                f'<nav><a href="/">Trang chủ</a> | <a href="/tin">Tin tức</a></nav>'
                f"<article><h1>{title}</h1>{body}</article><footer>Bản quyền thuộc Cổng thông tin</footer>"
                "</body></html>")
        self.routes[path] = Route(body=html.encode("utf-8"), **kw)


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            site.agents.append(self.headers.get("User-Agent", ""))
            route = site.routes.get(self.path)
            if route is None:
                return self._answer(404, b"<h1>Not found</h1>", "text/html")
            if route.gate is not None:
                route.gate.wait(60)
            etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
            if route.validators and route.status == 200 and (
                    self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == LAST_MODIFIED
                    and self.headers.get("If-None-Match") is None):
                return self._answer(304, b"", None)
            extra = list(route.headers)
            if route.validators and route.status == 200:
                extra += [("ETag", etag), ("Last-Modified", LAST_MODIFIED)]
            self._answer(route.status, route.body, route.content_type, extra, route.length)

        def _answer(self, status, body, content_type, extra=(), length=True) -> None:
            site.answers[(self.path, status)] += 1
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in extra:
                self.send_header(name, value)
            if length or status == 304:
                self.send_header("Content-Length", str(len(body)))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: the size cap at work

        def log_message(self, *args) -> None:
            pass

    return Handler
