"""Turning a scraped page into an ``Article``: the headline, the publication date and the body text, with
site furniture (menus, counters, related-news lists, comment forms, pagination, image ids) removed.

The rules are line-level and generic, not strings copied from particular sites:

* a line that is a menu/toolbar label, a metadata line (date, view counter), an id (GUID, hex image id),
  a pagination row or a bare URL is dropped wherever it is;
* a heading that news sites put before their trailing blocks ("Tin khác", "Có thể bạn quan tâm",
  "Ý kiến bạn đọc", comment forms...) ends the article once the body has started;
* three or more consecutive short headline-like lines inside a paragraph block are a teaser list;
* lines that repeat an earlier line or the headline are dropped;
* for plain text the headline is the substantial line just before the date line, or else the longest
  short line before the first real paragraph; what comes before it is site header.

``Article.text`` does not repeat the headline: the headline is ``Article.title`` and callers show it
separately (and may prefix it when embedding). Short lines that are real text, such as photo captions,
are kept.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import hashlib
import re
from dataclasses import dataclass

from index.records import Article, SourceDoc
from index.text.normalize import display_text, search_text

from .markup import Body, from_html, from_markdown


class CleanError(ValueError):
    """An input that holds no article text once page furniture is removed."""


# Single-line menu and toolbar labels of Vietnamese news sites (compared in search form, no trailing ':').
_MENU_LABELS = frozenset(
    label.strip()
    for label in """
    tìm kiếm|album ảnh|thư viện ảnh|các chuyên mục|chuyên mục|danh mục|sự kiện nổi bật|tin nổi bật|tiêu điểm
    trang chủ|trang nhất|đăng nhập|đăng ký|đăng xuất|liên hệ|giới thiệu|sơ đồ trang|sitemap|rss|menu
    chia sẻ|chia sẻ bài viết|bản in|in bài|in bài viết|gửi bài|gửi email|gửi cho bạn bè|lưu bài|lưu tin
    phiên bản di động|phiên bản máy tính|về đầu trang|lên đầu trang|quay lại|trở lại|quay về
    video|ảnh|multimedia|podcast|infographics|emagazine|quảng cáo|thông báo|bình chọn|thăm dò ý kiến
    facebook|zalo|twitter|youtube|like|share|tweet|copy link|sao chép liên kết|theo dõi|theo dõi chúng tôi
    """.replace("\n", "|").split("|")
    if label.strip()
)

# Headings that introduce the blocks after an article: related news, teasers, comments, statistics.
_TRAILING_HEADINGS = frozenset(
    label.strip()
    for label in """
    tin khác|các tin khác|tin liên quan|các tin liên quan|bài liên quan|bài viết liên quan|tin bài liên quan
    tin cùng chuyên mục|tin cùng loại|bài cùng chuyên mục|tin đã đưa|các tin đã đưa|tin trước|tin sau
    tin mới|tin mới nhất|tin mới hơn|tin cũ hơn|bài mới|bài mới nhất|đọc nhiều|đọc nhiều nhất|tin đọc nhiều
    xem nhiều|xem nhiều nhất|tin xem nhiều|tin tiêu điểm|tin nổi bật|có thể bạn quan tâm|bạn có thể quan tâm
    có thể bạn chưa đọc|nên xem|xem thêm|đọc thêm|xem tiếp|ý kiến bạn đọc|ý kiến của bạn|bình luận|gửi bình luận
    viết bình luận|các bình luận|để lại bình luận|để lại một bình luận|gửi ý kiến|ý kiến|trả lời|gửi phản hồi
    thống kê truy cập|lượt truy cập|từ khóa|từ khoá|tags|tag|chủ đề|leave a reply|related|related posts
    """.replace("\n", "|").split("|")
    if label.strip()
)
_TRAILING_PREFIXES = (
    "email của bạn sẽ không được",
    "địa chỉ email của bạn sẽ không được",
    "bạn cần đăng nhập",
    "your email address will not be published",
)

_WORD = re.compile(r"\w+")
_KEY_STRIP = re.compile(r"[\s:.\-–—|>»›•*#]+$|^[\s\-–—|<«‹•*#]+")
_SENT_END = re.compile(r"[.!?…;](?:[\"'”’»)\]]*)$|\.\.\.[\"'”’»)\]]*$|/\.$")
_LIST_ITEM = re.compile(r"^(?:[-+•*–—]\s|\(?[0-9a-zđ]{1,2}[).]\s)", re.IGNORECASE)
_DATE_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_DATE_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_TIME = re.compile(r"\b\d{1,2}\s*[:h]\s*\d{2}\b")
_DATE_CUES = re.compile(
    r"^(?:ngày đăng|ngày cập nhật|cập nhật|cập nhật lúc|đăng ngày|đăng lúc|ngày xuất bản|xuất bản|thời gian đăng|"
    r"thời gian|ngày|published|posted|updated|date)\b",
)
_WEEKDAY = re.compile(r"^(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ nhật)\b")
_COUNTER = re.compile(r"\b(?:view count|views?|lượt xem|lượt đọc|số lượt xem|lượt truy cập|đã xem)\b\s*:?\s*[\d.,]+")
_TOOLBAR = re.compile(r"^(?:cỡ chữ|font size|kích thước chữ|chia sẻ|share)\b|[+\-]a\s*\|")
_GUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_HEXID = re.compile(r"^(?=[0-9a-z]*\d)(?=[0-9a-z]*[a-z])[0-9a-z]{10,}$")
_PAGER_TOKENS = frozenset("<< < > >> « » ‹ › … ... | trang trước sau tiếp đầu cuối next prev previous first last".split())
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_TEASER_DATE = re.compile(r"\(\s*\d{1,2}/\d{1,2}/\d{4}\s*\)$")
_LONG_LINE = 300  # characters; no menu, counter, id or teaser line is this long


@dataclass
class _Line:
    pos: int  # line number in the normalised source, to know which kept lines were adjacent
    text: str
    key: str  # search form without edge punctuation, for cue and duplicate matching


def clean(source: SourceDoc) -> Article:
    """Clean one source document into an ``Article``; raises ``CleanError`` when no body text remains."""
    if source.kind == "html":
        body = from_html(source)
    elif source.kind == "md":
        body = from_markdown(source)
    else:
        body = Body(display_text(source.raw_text), source.title, source.date, None, source.url)
    title, text, date, author, url, line_starts = _clean_lines(body)
    if not text:
        raise CleanError(
            f"{source.origin}: no article text left after removing page furniture; check that it is a news "
            "article, not a list or navigation page"
        )
    title = title or _fallback_title(text, source.doc_id)
    digest = hashlib.sha256(f"{title}\n{text}".encode("utf-8")).hexdigest()
    return Article(
        doc_id=source.doc_id,
        title=title,
        text=text,
        content_hash=digest,
        origin=source.origin,
        date=normalize_date(source.date) or normalize_date(body.date) or date,
        author=body.author or author,
        url=source.url or body.url or url,
        pages=_page_map(source, line_starts),
        converted_from=source.converted_from,
    )


def _page_map(source: SourceDoc, line_starts: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Where each page's text begins in the cleaned text: the reader's page offsets become source line
    numbers (cleaning keeps whole lines and their numbers), and each kept line takes its line's page."""
    if not source.page_starts or source.kind in ("html", "md"):
        return ()
    raw = source.raw_text
    first_lines: list[int] = []
    lines_before, prev = 0, 0
    for start in source.page_starts:
        lines_before += raw.count("\n", prev, start)
        prev = start
        first_lines.append(lines_before)
    out: list[tuple[int, int]] = []
    for offset, pos in line_starts:
        page = bisect.bisect_right(first_lines, pos)
        if not out or out[-1][1] != page:
            out.append((offset, max(page, 1)))
    return tuple(out)


def normalize_date(value: str | None) -> str | None:
    """``dd/mm/yyyy``, ``yyyy-mm-dd`` (with or without a time) → ISO ``yyyy-mm-dd``; None if not a date."""
    if not value:
        return None
    m = _DATE_YMD.search(value)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _DATE_DMY.search(value)
        if not m:
            return None
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return _dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------- line rules


def _key(text: str) -> str:
    return _KEY_STRIP.sub("", " ".join(search_text(text).split()))


def _words(text: str) -> int:
    return len(text.split())


def _is_paragraph(line: _Line) -> bool:
    n = _words(line.text)
    return (n >= 12 and bool(_SENT_END.search(line.text))) or n >= 80


def _metadata_date(key: str) -> str | None:
    """The date of a short publication-date line ("Ngày đăng 03/07/2020 | 09:58"), else None."""
    if len(key) > 120:
        return None
    m = _DATE_DMY.search(key) or _DATE_YMD.search(key)
    if not m:
        return None
    if _DATE_CUES.match(key) or _WEEKDAY.match(key) or m.start() == 0:
        rest = _DATE_DMY.sub(" ", _DATE_YMD.sub(" ", key))
        rest = _COUNTER.sub(" ", _TIME.sub(" ", rest))
        # What is left must be labels and separators, not a sentence that happens to start with a date.
        if _words(re.sub(r"[^\w\s]", " ", rest)) <= 8:
            return normalize_date(m.group(0))
    return None


def _is_furniture(key: str) -> bool:
    if not key:
        return False
    if key in _MENU_LABELS or _TOOLBAR.search(key) or _COUNTER.search(key) and len(key) < 80:
        return True
    if _GUID.search(key) and _words(key) <= 3:
        return True
    tokens = key.split()
    if len(tokens) <= 6 and any(_HEXID.match(t) for t in tokens) and all(_HEXID.match(t) or t.isdigit() for t in tokens):
        return True
    # "4203 image gallery 5": an image id followed by widget words, no Vietnamese, no sentence.
    if len(tokens) <= 5 and tokens[0].isdigit() and len(tokens[0]) >= 3 and key.isascii() and not _SENT_END.search(key):
        return True
    if all(t in _PAGER_TOKENS or t.isdigit() for t in tokens) and (len(tokens) >= 3 or not tokens[0].isdigit()):
        return True
    return not _WORD.search(key)  # separators and decorations


def _headline_like(line: _Line) -> bool:
    n = _words(line.text)
    return 3 <= n <= 30 and not _SENT_END.search(line.text) and not line.text.endswith(":") and not _LIST_ITEM.match(line.text)


# ------------------------------------------------------------------------------------------ the cleaner


def _clean_lines(body: Body) -> tuple[str | None, str, str | None, str | None, str | None, list[tuple[int, int]]]:
    """Title, text, date, author, url, and (offset in the text, source line number) of each kept line."""
    raw_lines = body.text.split("\n")
    lines: list[_Line] = []
    date: str | None = None
    url: str | None = None
    for pos, raw in enumerate(raw_lines):
        text = " ".join(raw.split())
        if not text:
            continue
        if len(text) > _LONG_LINE:
            # Every furniture rule is about short lines; a long line is body text. Its exact text serves
            # as the duplicate key, which keeps a 50 MB article linear and cheap.
            lines.append(_Line(pos, text, text))
            continue
        key = _KEY_STRIP.sub("", search_text(text))
        if _URL_LINE.match(text):
            url = url or text
            continue
        found = _metadata_date(key)
        if found:
            date = date or found
            lines.append(_Line(pos, "", "date"))  # a marker for headline detection; never output
            continue
        if _is_furniture(key) or _TEASER_DATE.search(text):
            continue
        if raw.rstrip().endswith(":") and _words(text) <= 3 and _next_is_label_or_end(raw_lines, pos):
            continue  # "Hôm nay:" in a run of empty statistic labels
        lines.append(_Line(pos, text, key))

    title = body.title
    first_para = next((i for i, ln in enumerate(lines) if ln.text and _is_paragraph(ln)), None)
    if title is None and first_para is not None:
        t = _find_headline(lines, first_para)
        if t is not None:
            title = lines[t].text
            lines = lines[t + 1:]
            first_para -= t + 1
    lines = [ln for ln in lines if ln.text]
    first_para = next((i for i, ln in enumerate(lines) if _is_paragraph(ln)), len(lines))

    # Everything from a trailing-block heading on is not the article; before the body it is just a menu.
    kept: list[_Line] = []
    for i, ln in enumerate(lines):
        if _is_trailing_heading(ln.key):
            if i > first_para:
                break
            continue
        kept.append(ln)

    kept = _drop_headline_runs(kept)
    kept = _drop_repeats(kept, title)
    author = None
    if len(kept) >= 2 and _is_signature(kept[-1]) and (_is_paragraph(kept[-2]) or _SENT_END.search(kept[-2].text)):
        author = kept.pop().text

    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    size = 0
    for i, ln in enumerate(kept):
        if i:
            parts.append("\n" if ln.pos == kept[i - 1].pos + 1 else "\n\n")
            size += len(parts[-1])
        starts.append((size, ln.pos))
        parts.append(ln.text)
        size += len(ln.text)
    return title, "".join(parts), date, author, url, starts


def _next_is_label_or_end(raw_lines: list[str], pos: int) -> bool:
    for nxt in raw_lines[pos + 1: pos + 20]:
        s = nxt.strip()
        if s:
            return s.endswith(":") and _words(s) <= 3
    return True


def _find_headline(lines: list[_Line], first_para: int) -> int | None:
    head = lines[:first_para]
    dates = [i for i, ln in enumerate(head) if not ln.text]
    if dates:
        for i in range(dates[0] - 1, -1, -1):
            if head[i].text and _words(head[i].text) >= 3:
                return i
    candidates = [i for i, ln in enumerate(head) if ln.text and _words(ln.text) >= 3 and not _SENT_END.search(ln.text)]
    if not candidates:
        return None
    return max(candidates, key=lambda i: (_words(head[i].text), i))


def _is_trailing_heading(key: str) -> bool:
    return key in _TRAILING_HEADINGS or key.startswith(_TRAILING_PREFIXES)


def _drop_headline_runs(lines: list[_Line]) -> list[_Line]:
    """Drop runs of 3+ adjacent headline-like lines: a related-news list set inside the article."""
    drop: set[int] = set()
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _headline_like(lines[j]) and (j == i or lines[j].pos == lines[j - 1].pos + 1):
            j += 1
        if j - i >= 3:
            drop.update(range(i, j))
        i = max(j, i + 1)
    return [ln for k, ln in enumerate(lines) if k not in drop]


def _drop_repeats(lines: list[_Line], title: str | None) -> list[_Line]:
    title_key = _key(title) if title else ""
    seen: set[str] = set()
    out: list[_Line] = []
    for ln in lines:
        k = " ".join(ln.key.split())
        if k in seen:
            continue
        # The headline again (an image alt or breadcrumb), possibly without its "Place:" prefix.
        if title_key and (k == title_key or (4 <= _words(k) < _words(title_key) and title_key.endswith(k))):
            continue
        seen.add(k)
        out.append(ln)
    return out


def _is_signature(line: _Line) -> bool:
    text = line.text
    n = _words(text)
    return (
        2 <= n <= 6
        and len(text) <= 60
        and text[0].isupper()
        and not any(c.isdigit() for c in text)
        and not _SENT_END.search(text)
        and not text.endswith(":")
        and not line.key.startswith(("ảnh", "video", "clip", "nguồn ảnh"))
    )


def _fallback_title(text: str, doc_id: str) -> str:
    first = text.split("\n", 1)[0].strip()
    if not first:
        return doc_id
    if len(first) <= 120:
        return first
    cut = first[:120].rsplit(" ", 1)[0]
    return cut + "…"
