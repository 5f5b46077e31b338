"""Fetching web pages politely and defensively, with the standard library only.

trafilatura's own downloader cannot send ``If-None-Match``/``If-Modified-Since``, reports failures to a
log rather than to the caller, and refuses loopback hosts outright; here every request is conditional
when a validator is known, each failure is a ``FetchError`` whose message says what to do, and:

* robots.txt is read once per host (``urllib.robotparser``) and obeyed, its Crawl-delay included;
* requests to one host are spaced by ``Settings.web_host_delay_s`` (a polite per-host rate);
* redirects are followed by hand, at most ``Settings.web_max_redirects``, each hop checked like the
  first; a loop is refused as one;
* a body past ``Settings.web_max_page_bytes`` is refused (from Content-Length before reading, or when
  the read crosses the cap), and a response slower than ``Settings.web_timeout_s`` per read is dropped.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable
from urllib.parse import urljoin, urlsplit

from .urls import BadUrl, check_public, normalize_url

if TYPE_CHECKING:
    from index.settings import Settings

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ROBOTS_MAX_BYTES = 512 * 1024


class FetchError(Exception):
    """A URL that gave nothing to ingest; ``str()`` is the reason shown next to the URL."""


@dataclass(frozen=True)
class Page:
    """One answered request: 200 with the body, or 304 (the copy stored is current; no body)."""

    url: str  # the URL asked for (normal form)
    final_url: str  # where the redirects ended
    status: int
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 - urllib's hook
        return None  # a 3xx then surfaces as HTTPError, and Fetcher.get follows it itself


class Fetcher:
    """One polite client for a whole run: per-host spacing and robots.txt verdicts are shared by its
    requests. ``counts`` tallies the answers (200, 304, and "error")."""

    def __init__(self, settings: "Settings", *, allow_private: bool = True,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        from index.settings import package_version

        version = package_version()
        self.settings = settings
        self.allow_private = allow_private
        self.agent = f"tracuu/{version} (+{settings.web_contact})" if settings.web_contact else f"tracuu/{version}"
        self.counts: Counter = Counter()
        self._sleep, self._clock = sleep, clock
        self._next_at: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._opener = urllib.request.build_opener(_NoRedirect)

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Page:
        """GET ``url`` (conditional when a validator is given), following redirects; raises ``FetchError``."""
        try:
            asked = current = normalize_url(url)
        except BadUrl as exc:
            raise FetchError(str(exc)) from None
        chain = [asked]
        for _ in range(self.settings.web_max_redirects + 1):
            self._check_allowed(current)
            headers = {"If-None-Match": etag, "If-Modified-Since": last_modified}
            status, response = self._request(current, {k: v for k, v in headers.items() if v})
            if status not in _REDIRECTS:
                return self._page(asked, current, status, response)
            current = self._redirect_target(current, response, chain)
            chain.append(current)
        raise FetchError(f"more than {self.settings.web_max_redirects} redirects ({' → '.join(chain[:4])} …); "
                         "open the address in a browser to find where the page lives now")

    # --- steps ----------------------------------------------------------------------------------

    def _check_allowed(self, url: str) -> None:
        if not self.allow_private:
            try:
                check_public(url)
            except BadUrl as exc:
                raise FetchError(str(exc)) from None
        robots = self._robots_for(url)
        if robots is not None and not robots.can_fetch(self.agent, url):
            raise FetchError("the site's robots.txt does not allow fetching this page; save it from a browser "
                             "and ingest the file instead")

    def _redirect_target(self, current: str, response, chain: list[str]) -> str:
        location = response.headers.get("Location")
        response.close()
        if not location:
            raise FetchError("the server sent a redirect without a target")
        try:
            target = normalize_url(urljoin(current, location))
        except BadUrl as exc:
            raise FetchError(f"redirected to an address that cannot be fetched: {exc}") from None
        if target in chain:
            raise FetchError(f"redirect loop ({' → '.join([*chain[chain.index(target):], target])}); the site "
                             "is misconfigured, try again later")
        return target

    def _page(self, asked: str, final: str, status: int, response) -> Page:
        with response:
            if status == 304:
                self.counts[304] += 1
                return Page(asked, final, 304)
            if status != 200:
                self.counts["error"] += 1
                reason = getattr(response, "reason", "") or ""
                raise FetchError(f"HTTP {status} {reason}".strip() + _STATUS_HINTS.get(status // 100, ""))
            body = self._read_capped(response)
            headers = response.headers
            if body[:2] == b"\x1f\x8b":  # gzip sent anyway, or a sitemap.xml.gz: unpacked under the same cap
                body = _gunzip(body, self.settings.web_max_page_bytes)
            self.counts[200] += 1
            return Page(asked, final, 200, body, headers.get_content_type(), headers.get_content_charset(),
                        headers.get("ETag"), headers.get("Last-Modified"))

    def _read_capped(self, response) -> bytes:
        cap = self.settings.web_max_page_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            self.counts["error"] += 1
            raise FetchError(f"the page is {int(declared):,} bytes, over the {cap:,}-byte limit "
                             "(Settings.web_max_page_bytes); it is not a news article")
        chunks, total = [], 0
        deadline = self._clock() + 4 * self.settings.web_timeout_s  # a server dripping bytes stops here
        try:
            while chunk := response.read(1 << 16):
                total += len(chunk)
                if total > cap:
                    self.counts["error"] += 1
                    raise FetchError(f"the page is over the {cap:,}-byte limit (Settings.web_max_page_bytes); "
                                     "it is not a news article")
                if self._clock() > deadline:
                    raise FetchError("the server sends the page too slowly; try again later")
                chunks.append(chunk)
        except (OSError, socket.timeout) as exc:
            raise FetchError(_network_reason(exc, self.settings.web_timeout_s)) from None
        return b"".join(chunks)

    def _request(self, url: str, headers: dict[str, str]):
        """(status, response) for one request after the host's turn comes; 3xx/4xx/5xx are answers too."""
        host = urlsplit(url).netloc
        self._wait_turn(host)
        request = urllib.request.Request(url, headers={"User-Agent": self.agent, "Accept-Encoding": "identity",
                                                       **headers})
        try:
            response = self._opener.open(request, timeout=self.settings.web_timeout_s)
            return response.status, response
        except urllib.error.HTTPError as exc:
            return exc.code, exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            self.counts["error"] += 1
            raise FetchError(_network_reason(exc, self.settings.web_timeout_s)) from None
        finally:
            self._next_at[host] = self._clock() + self._delay.get(host, self.settings.web_host_delay_s)

    def _wait_turn(self, host: str) -> None:
        wait = self._next_at.get(host, 0.0) - self._clock()
        if wait > 0:
            self._sleep(wait)

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        """The host's robots.txt rules (None: no rules). RFC 9309: a 4xx answer means no rules; a 5xx or
        no answer means the whole site is off limits until it answers."""
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key in self._robots:
            return self._robots[key]
        parser = urllib.robotparser.RobotFileParser(key + "/robots.txt")
        try:
            status, response = self._request(key + "/robots.txt", {})
            with response:
                text = response.read(_ROBOTS_MAX_BYTES).decode("utf-8", "replace") if status == 200 else ""
        except (FetchError, OSError):
            status, text = 503, ""
        if status == 200:
            parser.parse(text.splitlines())
            delay = parser.crawl_delay(self.agent)
            if delay:
                self._delay[parts.netloc] = max(self.settings.web_host_delay_s, min(float(delay), 60.0))
        elif 400 <= status < 500 or status in _REDIRECTS:
            parser = None
        else:
            parser.disallow_all = True
        self._robots[key] = parser
        return parser


def _gunzip(data: bytes, cap: int) -> bytes:
    import zlib

    unpack = zlib.decompressobj(wbits=31)
    try:
        out = unpack.decompress(data, cap + 1)
    except zlib.error:
        raise FetchError("the page is damaged (gzip data that does not unpack)") from None
    if len(out) > cap or unpack.unconsumed_tail:
        raise FetchError(f"the page unpacks to over the {cap:,}-byte limit (Settings.web_max_page_bytes); "
                         "it is not a news article")
    return out


_STATUS_HINTS = {4: "; check the address (the page may have moved or been removed)",
                 5: "; the site has a problem, try again later"}


def _network_reason(exc: BaseException, timeout: float) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
        return f"no answer within {timeout:g} s (Settings.web_timeout_s); try again later"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused; check the address and that the site is up"
    if isinstance(reason, socket.gaierror):
        return "the host cannot be found; check the address"
    return f"cannot fetch ({type(reason).__name__}: {str(reason)[:120]})"
