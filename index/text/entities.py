"""Per-article entities: document refs, localities, the body that held the event, the event date,
people with their titles, and the primary locality (where the reported event happened).

Span convention: refs and localities found in ``article.text`` carry spans into it; those found in
``article.title`` (which the cleaner keeps out of ``text``) carry ``start == end == -1`` and their
printed surface. Both lists keep every mention (so passages can be given their own), title first;
use ``distinct_refs`` / ``distinct_localities`` for one entry per unit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace

from index.text.places import distinct_localities, find_localities
from index.records import Article, ArticleEntities, DocRef, Locality
from index.text.refs import distinct_refs, find_refs, fold, has_diacritics, resolve_misprints

__all__ = ["extract_entities", "passage_entities", "find_event_date", "find_people", "person_names",
           "distinct_refs", "distinct_localities"]

# ---------------------------------------------------------------- event date

# The lead sentence of a Vietnamese news report opens with the time of the event: "Sáng ngày 02/7/2020,"
# "Ngày 22/9," "Chiều 15/7/2020,". "Ngày đăng 03/07/2020" (publication) has a word between.
_LEAD_DATE_RE = re.compile(
    r"(?:^|(?<=\n)|(?<=[.!?]\s))[ \t]*(?:(?:sáng|chiều|tối|trưa|đêm)(?:\s+nay)?\s+)?(?:ngày\s+)?"
    r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?\s*(?:,|\s(?=[A-ZĐÀ-Ỹ]))",
    re.IGNORECASE,
)
# "tổng kết 10 năm thực hiện … ngày 25/2/2010": an anniversary review dates itself.
_ANNIVERSARY_RE = re.compile(r"(\d{1,3})\s+năm\s+(?:thực hiện|triển khai|thi hành)[^.\n]{0,160}?(\d{1,2})/(\d{1,2})/(\d{4})")
_PUBLISHED_RE = re.compile(r"ngày\s+đăng\s*:?\s*(\d{1,2})/(\d{1,2})/(\d{4})", re.IGNORECASE)


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _lead_date(text: str) -> re.Match[str] | None:
    return _LEAD_DATE_RE.search(text)


def find_event_date(text: str, published: str | None = None) -> str | None:
    """ISO date of the event in the lead sentence. A missing year comes from the publication date
    (the event precedes publication), else from an anniversary ("10 năm thực hiện … 2013" → 2023),
    else from a "Ngày đăng" line."""
    m = _lead_date(text)
    if not m:
        return None
    d, mo = int(m.group(1)), int(m.group(2))
    if m.group(3):
        return _iso(int(m.group(3)), mo, d)
    if published and re.match(r"\d{4}-\d\d-\d\d", published):
        py, pm, pd = (int(x) for x in published[:10].split("-"))
        return _iso(py if (mo, d) <= (pm, pd) else py - 1, mo, d)
    sentence = text[m.end() : m.end() + 600].split("\n", 1)[0]
    a = _ANNIVERSARY_RE.search(sentence)
    if a:
        return _iso(int(a.group(4)) + int(a.group(1)), mo, d)
    p = _PUBLISHED_RE.search(text)
    if p:
        return find_event_date(text, _iso(int(p.group(3)), int(p.group(2)), int(p.group(1))))
    return None


# ---------------------------------------------------------------- people

_FAMILY = frozenset(
    """Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Trương Đinh Đoàn Lâm Mai
    Cao Tô Hà Lương Vương Tạ Châu Thái Cầm Kiều Quách Triệu Trịnh Đào Đàm Khúc Lưu Mạc Nông Lò Hứa Âu
    Giang Thân Tăng Chu Doãn La Phùng Tôn Từ Hầu Kim Đồng Lại Thạch Văn Lục Ninh Nghiêm Quan Tống Viên""".split()
)
_HONORIFIC_RE = re.compile(r"(?:(?:các\s+)?đồng\s+chí|đ/c|bà|ông)\s+$", re.IGNORECASE)
_POSITION_RE = re.compile(
    r"(?:Phó |Nguyên )?(?:Bí thư|Chủ tịch|Trưởng|Ủy viên|Uỷ viên|Giám đốc|Bộ trưởng|Thứ trưởng|Chủ nhiệm|"
    r"Tổng Bí thư|Thủ tướng|Chánh|Tổng|Thành ủy viên|Thành uỷ viên|Quận ủy viên|Quận uỷ viên|Tỉnh ủy viên|"
    r"Huyện ủy viên|TUV|UVBTV|Đại biểu|Thượng tướng|Trung tướng|Thiếu tướng|Đại tá|Phó)\b"
)
# Words that end a title and start what the person did.
_VERB_RE = re.compile(
    r"\s(?:đồng chủ trì|chủ trì|phát biểu|đề nghị|cho biết|yêu cầu|nhấn mạnh|đánh giá|trao|tiếp thu|đã|"
    r"khẳng định|báo cáo|kết luận|chúc mừng|ghi nhận|thông tin|chia sẻ|nêu rõ|làm việc|dự|tham dự)\b"
)
_WORD_RE = re.compile(r"[^\W\d_]+")
# A title runs to the end of the clause, or to "và ông …"/"và Nguyễn …" where the next person starts
# ("Trưởng phòng đoàn thể và các hội" is still one title).
_TITLE_END_RE = re.compile(
    r"[.;\n(:]|\s(?:và|với)\s(?=(?:ông|bà|các đồng chí|đồng chí|đ/c)\s|(?:" + "|".join(sorted(_FAMILY)) + r")\s)"
)


def _is_cap(w: str) -> bool:
    return w[:1].isupper() and (len(w) == 1 or w[1:].islower())


def _cap_runs(text: str) -> list[list[re.Match[str]]]:
    """Maximal runs of capitalised words separated by single spaces."""
    runs: list[list[re.Match[str]]] = []
    cur: list[re.Match[str]] = []
    for m in _WORD_RE.finditer(text):
        if _is_cap(m.group()) and cur and text[cur[-1].end() : m.start()] == " ":
            cur.append(m)
        else:
            if cur:
                runs.append(cur)
            cur = [m] if _is_cap(m.group()) else []
    if cur:
        runs.append(cur)
    return runs


def _title_after(text: str, pos: int) -> str:
    """Comma-separated title segments after a name: "- TUV, Phó Trưởng Ban …;"."""
    m = re.match(r"\s*(?:[-–,])\s*", text[pos:])
    if not m:
        return ""
    rest = text[pos + m.end() : pos + m.end() + 400]
    rest = _TITLE_END_RE.split(rest, maxsplit=1)[0]
    segs: list[str] = []
    for seg in re.split(r",\s*", rest):
        seg = seg.strip()
        dash = re.split(r"\s[-–]\s", seg, maxsplit=1)
        verb = _VERB_RE.search(dash[0])
        part = dash[0][: verb.start()].strip() if verb else dash[0]
        if not part or not part[0].isupper() or re.search(r"\d", part) or len(part.split()) > 14:
            break
        if re.match(r"(?:Đồng chí|Đ/c|Bà|Ông)\b", part):
            break
        segs.append(part)
        if verb or len(dash) > 1:
            break
    return ", ".join(segs)


def _title_before(text: str, start: int) -> str:
    """A title printed right before the name, back to the clause start: "Trưởng ban Dân vận Trung ương
    Trương Thị Mai", "…, Chủ tịch Hội đồng nhân dân quận Thanh Xuân Nguyễn Minh Tiến"."""
    if start < 2 or text[start - 1] != " " or not text[start - 2].isalpha():
        return ""
    window_start = max(text.rfind(c, 0, start) for c in ".;:\n“(\"")
    window = text[window_start + 1 : start]
    for m in _POSITION_RE.finditer(window):
        if m.start() == 0 or window[: m.start()].rstrip().endswith(",") or window[: m.start()].strip() == "":
            title = window[m.start() :].strip()
            # A clause opener such as "Kết luận buổi làm việc, " is not part of the title.
            return title if not _VERB_RE.search(" " + title) else ""
    return ""


def find_people(text: str, *, exclude: set[str] | None = None) -> list[tuple[str, str]]:
    """(name, title) for people named with a title, in order of first mention. A title printed after
    the name (after an honorific or in a ";"-separated list) wins over one printed before it."""
    exclude = exclude or set()
    after: dict[str, tuple[int, str]] = {}
    before: dict[str, tuple[int, str]] = {}
    for run in _cap_runs(text):
        words = [m.group() for m in run]
        for k, w in enumerate(words):
            n = len(words) - k
            if w not in _FAMILY or not 2 <= n <= 4:
                continue
            name = " ".join(words[k:])
            if fold(name) in exclude:
                break
            start, end = run[k].start(), run[-1].end()
            lead = text[max(0, start - 20) : start]
            # "Bà"/"Ông" open a sentence capitalised and so join the run.
            honorific = (k == 0 and bool(_HONORIFIC_RE.search(lead))) or (k == 1 and words[0] in ("Bà", "Ông"))
            listed = bool(re.search(r"[;:]\s*$|^\s*$", lead)) and k == 0
            if honorific or (listed and n >= 3):
                t = _title_after(text, end)
                if t and name not in after:
                    after[name] = (start, t)
            if n >= 3 and name not in before:
                t = _title_before(text, start)
                if t:
                    before[name] = (start, t)
            break
    merged = dict(before)
    merged.update(after)
    first = {name: min(pos for pos, _ in (d[name] for d in (after, before) if name in d)) for name in merged}
    return [(name, merged[name][1]) for name in sorted(merged, key=lambda n: first[n])]


_FAMILY_FOLDED = frozenset(fold(f) for f in _FAMILY)
# Words before a capitalised run that make it a place or a body, not a person: "Thành phố Hồ Chí Minh".
_NOT_PERSON_BEFORE = re.compile(r"(?:phố|tỉnh|quận|huyện|phường|xã|thị trấn|tư tưởng|đường|city|of)\s+$", re.IGNORECASE)


_OPENERS = frozenset("was were is are did does do has have had when where who how what which why ông bà mr mrs ms".split())


def person_names(text: str, *, run_start: bool = False) -> list[str]:
    """Names as Vietnamese print them, without a title needed: a run of 2–4 capitalised words opening
    with a family name ("Nguyễn Tiến Sữ", "Trương Thị Mai"; "Doan Anh Vu" typed without tone marks).
    ``run_start``: the family name must open its capitalised run (after an English question word at
    most): "the Tay Ho Red Cross" holds no "Ho Red Cross"."""
    out: list[str] = []
    for run in _cap_runs(text):
        words = [m.group() for m in run]
        for k, w in enumerate(words):
            if run_start and k > 0 and not all(x.lower() in _OPENERS for x in words[:k]):
                break
            family = w in _FAMILY if has_diacritics(w) else fold(w) in _FAMILY_FOLDED  # "Trân Châu Cảng" is a place
            if family and 2 <= len(words) - k <= 4:
                if _NOT_PERSON_BEFORE.search(text[max(0, run[k].start() - 12) : run[k].start()]):
                    break
                name = " ".join(words[k:])
                if name not in out and not _is_place(name):
                    out.append(name)
                break
    return out


def _is_place(name: str) -> bool:
    """"Hà Nội", "Hồ Chí Minh", "Đồng Tháp": a run opening with a family name that is a place's whole name."""
    return any(loc.start == 0 and loc.end == len(name) for loc in find_localities(name))


# ---------------------------------------------------------------- bodies and the event's host

_COMMITTEE_RE = re.compile(r"(?:Thành|Tỉnh|Quận|Huyện|Thị) [uủ][yỷ]\b", re.IGNORECASE)
_BODY_HEAD_RE = re.compile(
    r"(?:(?:Ban Thường vụ|Ban Chấp hành|Ban Dân vận|Ban Tuyên giáo|Khối Dân vận|Ủy ban Kiểm tra) )?"
    r"(?:Đảng [uủ][yỷ] )?$"
)
_UNNAMED_HOST_RE = re.compile(
    r"^((?:Ban Thường vụ |Ban Chấp hành |Khối Dân vận |Ban Dân vận )?(Đảng|Quận|Huyện|Thành|Tỉnh|Thị) [uủ][yỷ])"
    r"(?:\s+(phường|xã|thị trấn|quận|huyện|thị xã))?\b"
)
_HOST_VERB_RE = re.compile(r"\s(?:đã\s+|long trọng\s+|phối hợp\s+)?(?:tổ chức|họp|tiến hành|khai mạc|làm việc)\b")
_COMMITTEE_LEVEL = {"đảng": "ward", "quận": "district", "huyện": "district", "thị": "district",
                    "thành": "province", "tỉnh": "province"}


def _uy(s: str) -> str:
    return s.replace("uỷ", "ủy").replace("Uỷ", "Ủy")


def _bodies_in(text: str, locs: list[Locality]) -> list[tuple[int, int, str, Locality]]:
    """Committee names with a place: "Ban Thường vụ Quận ủy Thanh Xuân", "Đảng ủy phường Thanh Khê Tây"."""
    out = []
    for loc in locs:
        if loc.start < 0:
            continue
        head = _BODY_HEAD_RE.search(text, max(0, loc.start - 40), loc.start)
        is_committee = bool(_COMMITTEE_RE.match(loc.surface))
        if not is_committee and not (head and "ng " in head.group() and head.group().strip()):
            continue
        start = head.start() if head and head.group() else loc.start
        out.append((start, loc.end, _uy(text[start : loc.end]), loc))
    return out


def _host(text: str, bodies: list[tuple[int, int, str, Locality]], title_locs: list[Locality]) -> tuple[str, Locality] | None:
    """The body that held the event: the subject of the dated lead sentence, or whom a visiting
    delegation "làm việc với"."""
    m = _lead_date(text)
    if not m:
        return None
    stop = min((i for i in (text.find(". ", m.end()), text.find("\n", m.end())) if i > 0), default=len(text))
    sentence_start, sentence_end = m.end(), stop
    sentence = text[sentence_start:sentence_end]
    with_ = re.search(r"\slàm việc với\s", sentence)
    if with_:
        span = (sentence_start + with_.end(), sentence_end)
    else:
        verb = _HOST_VERB_RE.search(sentence)
        span = (sentence_start, sentence_start + (verb.start() if verb else len(sentence)))
    for start, end, name, loc in bodies:
        if span[0] <= start and end <= span[1] + 1:
            return name, loc
    # An unnamed committee ("Khối Dân vận Đảng ủy … phường"): the place is the one the title names.
    phrase = text[span[0] : span[1]].strip()
    u = _UNNAMED_HOST_RE.match(phrase)
    if not u:
        return None
    level = _COMMITTEE_LEVEL[u.group(2).lower()]
    cands = [loc for loc in title_locs if loc.level == level] or (title_locs if level == "ward" else [])
    if not cands:
        return None
    loc = cands[0]
    unit_word = loc.full_name[: len(loc.full_name) - len(loc.name)].strip().lower()
    name = f"{_uy(u.group(1))} {unit_word} {loc.name}" if loc.level != "province" else f"{_uy(u.group(1))} {loc.name}"
    return name, loc


# ---------------------------------------------------------------- article


def _title_only(items: list, **fields) -> list:
    return [replace(x, start=-1, end=-1, **fields) for x in items]


def extract_entities(article: Article) -> ArticleEntities:
    title, text = article.title or "", article.text or ""
    title_refs = _title_only(find_refs(title))
    body_refs = resolve_misprints(title, text, find_refs(text))
    title_locs = _title_only(find_localities(title))
    body_locs = find_localities(text, context_localities=title_locs)
    places = {fold(loc.name) for loc in (*title_locs, *body_locs)}

    bodies = _bodies_in(text, body_locs)
    host = _host(text, bodies, title_locs)
    names: list[str] = [host[0]] if host else []
    for _, _, name, _ in bodies:
        if not any(name in other for other in names):
            names.append(name)

    if host:
        primary: Locality | None = host[1]
    elif title_locs:
        order = {"ward": 0, "district": 1, "province": 2}
        primary = min(title_locs, key=lambda loc: order[loc.level])
    elif body_locs:
        counts = Counter((loc.level, loc.name, loc.province) for loc in body_locs)
        top = counts.most_common(1)[0][0]
        primary = next(loc for loc in body_locs if (loc.level, loc.name, loc.province) == top)
    else:
        primary = None
    if primary is not None:
        primary = replace(primary, surface="", start=-1, end=-1)

    return ArticleEntities(
        refs=tuple(title_refs + body_refs),
        localities=tuple(title_locs + body_locs),
        bodies=tuple(names),
        event_date=find_event_date(text, article.date),
        people=tuple(find_people(text, exclude=places)),
        primary_locality=primary,
    )


def passage_entities(
    entities: ArticleEntities, passage_start: int, passage_end: int, *, include_title: bool = False
) -> ArticleEntities:
    """The refs and localities whose spans lie in ``[passage_start, passage_end)`` of ``article.text``
    (plus the title's with ``include_title``). Bodies, event date, people and primary locality
    describe the article's event and are carried over unchanged."""

    def inside(x: DocRef | Locality) -> bool:
        if x.start < 0:
            return include_title
        return passage_start <= x.start and x.end <= passage_end

    return replace(
        entities,
        refs=tuple(r for r in entities.refs if inside(r)),
        localities=tuple(loc for loc in entities.localities if inside(loc)),
    )
