"""URLs as article keys: one normal form (so the same page is one article however it was written), the
readable ``doc_id`` derived from it, and the public-address check the web page applies before fetching."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that only say where a reader came from: dropped, so a shared link is the same page.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|zarsrc|zalo_\w+)$", re.IGNORECASE)


class BadUrl(ValueError):
    """Text that cannot be fetched as a web page; the message says why."""


def is_url(text: str) -> bool:
    return bool(re.match(r"^https?://", str(text).strip(), re.IGNORECASE))


def normalize_url(url: str) -> str:
    """Scheme and host lower-cased, default port and fragment dropped, tracking parameters removed, an
    empty path written ``/`` (so an origin never ends in ``:PORT``, which would read as a JSONL line)."""
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise BadUrl(f"not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise BadUrl(f"only http:// and https:// addresses can be fetched, not {scheme or 'this'!r}")
    host = (parts.hostname or "").lower()
    if not host:
        raise BadUrl("the address names no host")
    if any(c.isspace() for c in raw):
        raise BadUrl("the address contains spaces; copy it again from the browser's address bar")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise BadUrl(f"the host {host!r} is not a valid name") from None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(_TRACKING.match(k) for k, _ in pairs):  # rewritten only then: "?123" must stay "?123"
        query = urlencode([(k, v) for k, v in pairs if not _TRACKING.match(k)])
    # Non-ASCII (a path pasted as the browser shows it) percent-encoded as UTF-8: what goes on the wire,
    # and one form for both spellings; what is already encoded stays as it is.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(query, safe="=&%+/?:@!$'()*,;-._~")
    out = urlunsplit((scheme, netloc, path, query, ""))
    if re.search(r":\d+$", out):  # ".../tin:5" would read as line 5 of a file ".../tin" (provenance)
        out = out[: out.rindex(":")] + "%3A" + out[out.rindex(":") + 1:]
    return out


def doc_id_for(url: str) -> str:
    """``host_path-slug_hash8``: readable in lists and stable (the same URL always gives the same id);
    the hash keeps two pages whose slugs collide apart. No ``/``, so it fits a REST path."""
    norm = normalize_url(url)
    parts = urlsplit(norm)
    host = (parts.hostname or "").removeprefix("www.")
    if parts.port:
        host += f"-{parts.port}"
    path = unicodedata.normalize("NFKD", unquote(f"{parts.path} {parts.query}"))
    path = "".join(c for c in path if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")
    path = re.sub(r"\.(html?|php|aspx?|jsp)\b", "", path.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", path).strip("-")
    if len(slug) > 60:
        slug = slug[-60:].lstrip("-")  # the end of a news path is the article's own slug
    digest = hashlib.sha256(norm.encode("utf-8")).hexdigest()[:8]
    return f"{host}_{slug}_{digest}" if slug else f"{host}_{digest}"


def check_public(url: str) -> None:
    """Refuse a host that resolves to a loopback, private, link-local or otherwise non-public address: a
    server that fetches what its users paste must not become their way into its own network."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        raise BadUrl(f"the host {host!r} cannot be found; check the address") from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        addr = getattr(addr, "ipv4_mapped", None) or addr
        if not addr.is_global:
            raise BadUrl(f"the host {host!r} is not a public address; the server fetches public pages only")
