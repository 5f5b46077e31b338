"""What a feed (RSS 2.0, RSS 1.0/RDF, Atom) or a sitemap (urlset, sitemap index, plain text list) lists.

A plain lxml parser rather than trafilatura's feed and sitemap helpers: those fetch by themselves (no
conditional GET, no robots.txt or rate control of ours), drop links to hosts other than the listing's
(and so every loopback test server), and give no publication dates; here the listing is fetched by
``fetch.Fetcher`` and only parsed. The parser never resolves entities nor reaches the network (no XXE,
no billion laughs)."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from .urls import BadUrl, normalize_url


class ListingError(ValueError):
    """A feed or sitemap that cannot be read; the message says why."""


@dataclass(frozen=True)
class Item:
    """One page a listing names: its URL (normal form), and the title and ISO date the listing gives."""

    url: str
    title: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Listing:
    items: tuple[Item, ...]
    sitemaps: tuple[str, ...] = ()  # a sitemap index's child sitemaps (to fetch in turn)
    kind: str = "feed"  # "rss" | "atom" | "rdf" | "urlset" | "sitemapindex" | "text"


def parse_listing(data: bytes, base_url: str, *, limit: int) -> Listing:
    """Parse a feed or a sitemap; relative links are resolved against ``base_url``; at most ``limit`` items."""
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ListingError("the listing is empty")
    if not stripped.startswith(b"<"):
        return _text_sitemap(stripped, base_url, limit)
    root = _xml_root(stripped)
    kind = _local(root.tag).lower()
    if kind in ("rss", "rdf"):
        return Listing(_items(root, base_url, limit, "item", _rss_link), kind=kind)
    if kind == "feed":
        return Listing(_items(root, base_url, limit, "entry", _atom_link), kind="atom")
    if kind in ("urlset", "sitemapindex"):
        locs = _urls([_text(e) for e in root.iter() if _local(e.tag) == "loc"], base_url, limit)
        if kind == "sitemapindex":
            return Listing((), sitemaps=tuple(i.url for i in locs), kind=kind)
        return Listing(tuple(locs), kind=kind)
    raise ListingError(f"not a feed or a sitemap (its root element is <{_local(root.tag)}>); give the address "
                       "of an RSS or Atom feed, or of a sitemap.xml")


def _xml_root(data: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ListingError(f"not well-formed XML ({exc.msg}, line {exc.lineno}); is it a feed or sitemap?") from None
    if root is None:
        raise ListingError("not well-formed XML")
    return root


def _items(root, base_url: str, limit: int, tag: str, link_of) -> tuple[Item, ...]:
    out: dict[str, Item] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or _local(node.tag) != tag:
            continue
        link = link_of(node)
        if not link:
            continue
        try:
            url = normalize_url(urljoin(base_url, link))
        except BadUrl:
            continue
        fields = {_local(c.tag): _text(c) for c in node if isinstance(c.tag, str)}
        date = next((d for k in ("pubDate", "published", "date", "issued", "updated", "modified")
                     if (d := feed_date(fields.get(k)))), None)
        out.setdefault(url, Item(url, fields.get("title") or None, date))
        if len(out) >= limit:
            break
    return tuple(out.values())


def _rss_link(node) -> str | None:
    children = {_local(c.tag): c for c in node if isinstance(c.tag, str)}
    link = _text(children["link"]) if "link" in children else ""
    if not link and "guid" in children and children["guid"].get("isPermaLink", "true") != "false":
        link = _text(children["guid"])
    return link or node.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")


def _atom_link(node) -> str | None:
    links = [c for c in node if isinstance(c.tag, str) and _local(c.tag) == "link"]
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return links[0].get("href") if links else None


def _text_sitemap(data: bytes, base_url: str, limit: int) -> Listing:
    text = data.decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or not all(re.match(r"^https?://\S+$", line) for line in lines[:20]):
        raise ListingError("not a feed or a sitemap; give the address of an RSS or Atom feed, or of a sitemap.xml")
    return Listing(tuple(_urls(lines, base_url, limit)), kind="text")


def _urls(values: list[str], base_url: str, limit: int) -> list[Item]:
    out: dict[str, Item] = {}
    for value in values:
        try:
            url = normalize_url(urljoin(base_url, value))
        except BadUrl:
            continue
        out.setdefault(url, Item(url))
        if len(out) >= limit:
            break
    return list(out.values())


def feed_date(value: str | None) -> str | None:
    """A feed's date (RFC 822 as RSS writes it, or ISO 8601 as Atom does) → ISO ``yyyy-mm-dd``, the
    day as the publisher wrote it (its own time zone, not UTC)."""
    if not value:
        return None
    value = value.strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _text(node) -> str:
    return " ".join((node.text or "").split())
