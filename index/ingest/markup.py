"""Markup → plain lines for the common line cleaner: HTML through trafilatura (with an lxml fallback for
pages too small for it) and Markdown (front matter, headings, inline marks)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.records import SourceDoc
from index.text.normalize import display_text

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Body:
    """What a format reader hands to the common line cleaner: display text plus any metadata it found."""

    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None


def from_html(source: SourceDoc) -> Body:
    import trafilatura  # heavy; only HTML needs it

    doc = trafilatura.bare_extraction(
        source.raw_text,
        url=source.url,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        # Without this htmldate may take any date in the body; a missing publication date must stay None.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is not None and (doc.text or "").strip():
        return Body(display_text(doc.text), _opt(doc.title), _opt(doc.date), _opt(doc.author), _opt(doc.url))
    return Body(display_text(_html_fallback_text(source.raw_text)), _html_title(source.raw_text))


def _opt(value: object) -> str | None:
    text = display_text(str(value)).strip() if value else ""
    return text or None


def _html_fallback_text(html: str) -> str:
    # trafilatura gives up on tiny pages; keep the visible body text minus obvious page chrome.
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # lxml raises several types on junk; the page then simply has no text
        return ""
    for bad in tree.xpath("//script|//style|//noscript|//nav|//header|//footer|//aside|//form|//title"):
        bad.drop_tree()
    blocks = tree.xpath("//p|//h1|//h2|//h3|//h4|//li|//figcaption|//blockquote|//td")
    if not blocks:
        return tree.text_content()
    return "\n".join(" ".join(b.text_content().split()) for b in blocks)


def _html_title(html: str) -> str | None:
    m = re.search(r"<h1[^>]*>(.*?)</h1>|<title[^>]*>(.*?)</title>", html, re.IGNORECASE | re.DOTALL)
    if not m:
        return None
    import html as _html

    return _opt(re.sub(r"<[^>]+>", " ", _html.unescape(m.group(1) or m.group(2))).strip())


def from_markdown(source: SourceDoc) -> Body:
    text = display_text(source.raw_text)
    meta: dict[str, str] = {}
    fm = re.match(r"^---\n(.*?)\n---\n", text, re.DOTALL)
    if fm:  # YAML front matter: read the simple key: value lines, not a YAML parser's worth
        for line in fm.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[fm.end():]
    title = meta.get("title") or source.title
    lines = []
    for line in text.split("\n"):
        m = _MD_HEADING.match(line)
        if m:
            if title is None:
                title = _md_inline(m.group(1))
                line = ""
            else:
                line = m.group(1)
        elif re.match(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", line) or line.strip().startswith("```"):
            line = ""
        line = re.sub(r"^\s{0,3}>\s?", "", line)
        line = re.sub(r"^(\s*)[*+]\s+", r"\1- ", line)
        lines.append(_md_inline(line))
    return Body("\n".join(lines), title, meta.get("date") or source.date, meta.get("author"), meta.get("url") or source.url)


def _md_inline(s: str) -> str:
    s = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", s)
    s = re.sub(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1", s)
    s = re.sub(r"`([^`]+)`", r"\1", s)
    return s
