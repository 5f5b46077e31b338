"""What a question asks for: language, answer type, the documents, places and times it names, the
administrative level a list question wants, and its content words.

Everything is matched on the folded question (no tone marks, lower case) so that "quan tay ho thanh lap
bao nhieu to dan van" analyses like its accented form; where folding makes words collide ("xã"/"xa",
"mấy"/"máy", "ai"/"ái") the accented form decides when the question has tone marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.text.places import find_localities
from index.records import DocRef, Locality, LocalityLevel
from index.text.refs import find_refs, fold, fold_with_offsets, has_diacritics

from .question.documents import SUBJECT_RE
from .question.years import YEAR, YEAR_RE
from .question.documents import SUBJECT_RE
from .question.years import YEAR, YEAR_RE
from .forms import Role, TimeAsk, asked_role, asks_yes_no, persons_named, time_asked
from .offices import Office, asked_office

Language = Literal["vi", "en"]
AnswerType = Literal["list", "count", "date", "person", "description"]


@dataclass(frozen=True)
class QuestionAnalysis:
    question: str
    language: Language
    answer_type: AnswerType
    refs: tuple[DocRef, ...] = ()
    localities: tuple[Locality, ...] = ()
    asked_level: LocalityLevel | None = None
    asks_for_places: bool = False  # "những địa phương nào", "which districts": the answer enumerates places
    years: tuple[int, ...] = ()
    months: tuple[tuple[int, int], ...] = ()  # (year, month)
    action_terms: tuple[str, ...] = ()  # canonical Vietnamese: "tổng kết", "thực hiện"
    keywords: tuple[str, ...] = ()  # lower-case content words, tone marks as typed
    has_diacritics: bool = False
    asks_subject: bool = False  # "Quyết định 290 về việc gì?", "what is QĐ 290 about?" (with a document named)
    asks_money: bool = False  # "bao nhiêu tiền", "tổng số tiền", "kinh phí", "how much money": an amount in đồng
    asks_role: Role | None = None  # "ai chủ trì", "who spoke", "ai chỉ đạo": the role a who-question asks about
    role_verbs: tuple[str, ...] = ()  # the folded verbs it uses ("phat bieu", "ket luan")
    asks_office: Office | None = None  # "Ai là Bí thư Quận ủy Tây Hồ?": the post whose holder is asked
    asks_yes_no: bool = False  # "đã … chưa?", "có … không?", "did/is/has …?"
    time: TimeAsk | None = None  # a year or month an answer's article or passage must match (qa.constraints)
    persons: tuple[str, ...] = ()  # full names the question gives: a quoted article must name them
    new_wards: tuple[tuple[str, tuple[Locality, ...]], ...] = ()  # a 2025 ward name, with the old wards merged into it


# ---------------------------------------------------------------- answer type (folded patterns)

_COUNT_RE = re.compile(r"\b(?:bao nhieu|how many|how much|what number|number of)\b")
_DATE_RE = re.compile(
    r"\b(?:khi nao|ngay nao|ngay may|bao gio|luc nao|thoi gian nao|nam nao|thang nao|when|what date|"
    r"which date|what day|what year|which year|ngay (?:ban hanh|ky|thanh lap|to chuc|dien ra|co hieu luc) nao)\b"
)
_PERSON_RE = re.compile(r"\b(?:who|whom|whose|nguoi nao|vi nao|dong chi nao)\b")
_LIST_RE = re.compile(
    r"\b(?:which|list|what are the|name the|nhung\s+(?:\w+\s+){0,3}nao|cac\s+(?:\w+\s+){0,3}nao|"
    r"dia phuong nao|(?:quan|huyen|tinh|phuong|xa|van ban|nghi quyet|quyet dinh)\s+nao|nhung gi|liet ke)\b"
)

# Ways to ask for several places or for any locality ("những quận nào", "các huyện nào", "địa phương nào"),
# folded: a list across articles even when no document is named.
_SEVERAL_RE = re.compile(r"\b(?:(?:nhung|cac)\s+(?:\w+\s+){0,2}nao|dia phuong nao|noi nao)\b")

_MONEY_RE = re.compile(
    r"\b(?:bao nhieu tien|tong so tien|so tien|kinh phi|ngan sach|how much money|amount of money|"
    r"how much funding|funding|budget|how much did .{1,40} cost)\b")
_WHERE_RE = re.compile(r"\b(?:o dau|tai dau|where|in which places|noi nao|nhung noi)\b")

# ---------------------------------------------------------------- asked level

_LEVEL_WORDS: list[tuple[str, LocalityLevel | None]] = [
    ("dia phuong", None), ("localities", None), ("locality", None), ("places", None), ("place", None),
    ("thanh pho", "province"), ("tinh", "province"), ("provinces", "province"), ("province", "province"),
    ("cities", "province"), ("city", "province"),
    ("thi xa", "district"), ("quan", "district"), ("huyen", "district"), ("districts", "district"),
    ("district", "district"),
    ("thi tran", "ward"), ("phuong", "ward"), ("xa", "ward"), ("wards", "ward"), ("ward", "ward"),
    ("communes", "ward"), ("commune", "ward"),
]
_LEVEL_ALT = "|".join(w.replace(" ", r"\s+") for w, _ in _LEVEL_WORDS)
# The level word must be what is asked about: "những quận nào", "các huyện", "bao nhiêu xã",
# "which districts", "how many wards" - not the unit word of a named place ("Quận Tây Hồ").
_ASKED_LEVEL_RE = re.compile(
    rf"\b(?:(?:nhung|cac|bao nhieu|may|which|what|how many|list(?: the)?|all)\s+(?P<a>{_LEVEL_ALT})\b|"
    rf"(?P<b>{_LEVEL_ALT})\s+nao\b)"
)
_LEVEL_OF = {w: lv for w, lv in _LEVEL_WORDS}
# Folded words whose accented form must be checked: "xa" is also "xa" (far), "quan" "quan" (official).
_ACCENTED_LEVEL = {"xa": "xã", "quan": "quận", "tinh": "tỉnh", "huyen": "huyện", "phuong": "phường"}

# ---------------------------------------------------------------- actions (bilingual glossary)

_ACTIONS: list[tuple[str, str]] = [
    (r"tong ket|review(?:ed|s|ing)?|summari[sz](?:ed|e|es|ing)|summed up|sum up|took stock", "tổng kết"),
    (r"so ket|preliminary review|interim review", "sơ kết"),
    (r"thuc hien|implement(?:ed|s|ing|ation)?|carr(?:y|ied) out|execut(?:ed|e|ion)", "thực hiện"),
    (r"trien khai|deploy(?:ed|s|ing|ment)?|roll(?:ed)? out|launch(?:ed)?", "triển khai"),
    (r"ban hanh|issu(?:ed|e|es|ing)|promulgat(?:ed|e|ion)", "ban hành"),
    (r"thanh lap|establish(?:ed|es|ing)?|set up|found(?:ed)|form(?:ed)", "thành lập"),
    (r"khen thuong|reward(?:ed|s)?|commend(?:ed|s)?|award(?:ed|s)?", "khen thưởng"),
    (r"to chuc|organi[sz](?:ed|e|es)|h[eo]ld", "tổ chức"),
    (r"xay dung|buil[dt]|develop(?:ed)?", "xây dựng"),
    (r"cong nhan|recogni[sz](?:ed|e|es)", "công nhận"),
    (r"giam sat|supervis(?:ion|ed|e)|monitor(?:ed|ing)?", "giám sát"),
    (r"doi thoai|dialogue", "đối thoại"),
    (r"kiem tra|inspect(?:ed|ion)?", "kiểm tra"),
    (r"lam viec|work(?:ed|ing)? with", "làm việc"),
    (r"phan bien|social criticism", "phản biện"),
]
_ACTION_RES = [(re.compile(rf"\b(?:{p})\b"), term) for p, term in _ACTIONS]

# ---------------------------------------------------------------- language and keywords

_EN_WORDS = frozenset(
    """which what who whom whose when where why how many much the a an of in on at to for by did does do
    is are was were has have had and or with from that this these those models model districts district
    provinces province wards ward reviewed review implemented issued established list name""".split()
)
_VI_WORDS = frozenset(
    """nao nhung cac bao nhieu ai gi la da duoc co cua trong ngay khi gio may dia phuong quan huyen xa tinh
    thanh lap tong ket thuc hien hoi nghi van ban dan cong tac to chuc nam thang nay hom""".split()
)
# Function words dropped from keywords. Vietnamese ones are compared with tone marks when the question
# has them (folded "to" is both English "to" and "tổ"; "co" is "có" and "cờ").
_STOP_EN = frozenset(
    """which what who whom whose when where why how many much the a an of in on at to for by did does do
    is are was were has have had and or with from that this these those list name tell me please there
    it its be been""".split()
)
_STOP_VI = frozenset(
    """nào những các bao nhiêu ai gì là đã được có của trong khi giờ mấy hãy và với về cho tại ở hôm nay
    đâu sao vậy không chưa rồi sẽ đang bị bởi từ đến mà thì như thế""".split()
)
_STOP_VI_FOLDED = frozenset(fold(w) for w in _STOP_VI)
# Question phrases removed before keywords are taken ("diễn ra ngày nào" keeps "diễn", "ra").
_QUESTION_PHRASE_RE = re.compile(
    r"\b(?:ngay nao|khi nao|bao gio|bao nhieu|nam nao|thang nao|luc nao|how many|how much|what date|"
    r"which date|what year)\b"
)

_MONTHS_EN = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTH_VI_RE = re.compile(rf"\bthang\s+(\d{{1,2}})\s*(?:/|nam|,)\s*({YEAR})\b")
_MONTH_NUM_RE = re.compile(rf"(?<![\d/])(\d{{1,2}})/({YEAR})\b")
_MONTH_EN_RE = re.compile(r"\b(" + "|".join(_MONTHS_EN) + rf")\s+(?:of\s+)?({YEAR})\b")
_TOKEN_RE = re.compile(r"[^\W_]+")
# The languages whose questions name an office in words ``qa.offices`` reads; an English question's office is
# read from its Vietnamese gloss (qa.answers.fact).
_OFFICE_READ_IN = frozenset({"vi"})


def _blank_spans(folded: str, spans: list[tuple[int, int]]) -> str:
    chars = list(folded)
    for s, e in spans:
        for i in range(s, e):
            chars[i] = " "
    return "".join(chars)


def _folded_without(q: str, refs, locs) -> tuple[str, list[int], str, str]:
    """(folded question, its offsets, folded without the named documents and places, folded without the
    documents only): what the patterns read once the names are out of the way."""
    folded, off = fold_with_offsets(q)
    # folded index of each original index, to blank out ref/locality spans
    to_f: dict[int, int] = {}
    for fi, oi in enumerate(off[:-1]):
        to_f.setdefault(oi, fi)
    to_f[len(q)] = len(folded)

    def fspan(s: int, e: int) -> tuple[int, int]:
        return to_f.get(s, 0), to_f.get(e, len(folded))

    ref_spans = [fspan(r.start, r.end) for r in refs]
    loc_spans = [fspan(loc.start, loc.end) for loc in locs]
    return folded, off, _blank_spans(folded, ref_spans + loc_spans), _blank_spans(folded, ref_spans)


def _months_and_years(no_refs: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    months: list[tuple[int, int]] = []
    for m in (*_MONTH_VI_RE.finditer(no_refs), *_MONTH_NUM_RE.finditer(no_refs)):
        ym = (int(m.group(2)), int(m.group(1)))
        if 1 <= ym[1] <= 12 and ym not in months:
            months.append(ym)
    for m in _MONTH_EN_RE.finditer(no_refs):
        ym = (int(m.group(2)), _MONTHS_EN[m.group(1)])
        if ym not in months:
            months.append(ym)
    return tuple(months), tuple(dict.fromkeys(int(y) for y in YEAR_RE.findall(no_refs)))


def analyze(question: str) -> QuestionAnalysis:
    q = " ".join(question.split())
    accented = has_diacritics(q)
    refs = tuple(find_refs(q))
    locs = tuple(find_localities(q))
    folded, off, rest, no_refs = _folded_without(q, refs, locs)  # rest: the question without named things

    named = sorted((r.start, r.end) for r in refs) + sorted((loc.start, loc.end) for loc in locs)
    language = _language(rest, _blank_spans(q, named))
    answer_type = _answer_type(rest, q, off, accented)
    asks_for_places, asked_level = _asked_level(rest, q, off, accented)
    if answer_type == "description" and asked_level is not None and re.search(r"\bnao\b|\bwhich\b", rest):
        answer_type = "list"
    if answer_type == "list" and asked_level is not None and language == "vi" and not refs \
            and not _SEVERAL_RE.search(rest):
        # "Người đàn ông … quê ở tỉnh nào?": the one place of one event, a fact to quote; a list across
        # articles is asked of a document ("Quận nào đã tổng kết Quyết định 290?") or of several places
        # ("những quận nào")
        answer_type, asks_for_places = "description", False
    if refs and answer_type in ("description", "list") and _WHERE_RE.search(rest):
        # "Quyết định 290 được tổng kết ở đâu?": a document is reviewed in many places; every article is
        # one item of a list of localities, never one article's sentence.
        answer_type, asks_for_places = "list", True

    months, years = _months_and_years(no_refs)

    actions = tuple(dict.fromkeys(term for rx, term in _ACTION_RES if rx.search(rest)))
    keywords = _keywords(q, _QUESTION_PHRASE_RE.sub(lambda m: " " * len(m.group()), folded), off, language, accented)

    role, role_verbs = asked_role(rest) if answer_type == "person" else (None, ())
    office = None
    # read beside a role too: "ai giữ cương vị Trưởng Ban Dân vận … và cùng chủ trì" asks for that post's holder
    # among those chairing
    if answer_type == "person" and language in _OFFICE_READ_IN:
        office = asked_office(no_refs, q, off, [(loc.start, loc.end) for loc in locs])
    from index.text.admin2025 import new_wards_in

    return QuestionAnalysis(
        asks_role=role,
        asks_office=office,
        role_verbs=role_verbs,
        asks_yes_no=answer_type in ("description", "list") and asks_yes_no(folded),
        time=time_asked(no_refs, q, years, months, language),
        persons=persons_named(q, [(r.start, r.end) for r in refs] + [(loc.start, loc.end) for loc in locs]),
        new_wards=tuple((name, tuple(olds)) for name, olds in new_wards_in(q)),
        question=question,
        language=language,
        answer_type=answer_type,
        refs=refs,
        localities=locs,
        asked_level=asked_level,
        asks_for_places=asks_for_places,
        years=years,
        months=months,
        action_terms=actions,
        keywords=keywords,
        has_diacritics=accented,
        asks_money=bool(_MONEY_RE.search(rest)),
        asks_subject=bool(refs) and bool(SUBJECT_RE.search(rest)),
    )


def _language(rest: str, original: str = "") -> Language:
    """English if English function words outnumber Vietnamese ones once names are removed: "which
    districts reviewed Quyết định 290?" is English although it quotes Vietnamese.

    ``original`` is the question with the names blanked but its tone marks kept: a word written with
    Vietnamese marks is Vietnamese evidence (half a vote: an English question may quote a Vietnamese
    phrase), and never counts as English, since folded "đó", "tổ", "ỏ" look like "do", "to", "in"."""
    words = _TOKEN_RE.findall(rest)
    if not original:
        en = sum(w in _EN_WORDS for w in words)
        vi = sum(w in _VI_WORDS for w in words)
        return "en" if en > vi else "vi"
    en = vi = 0.0
    for word in _TOKEN_RE.findall(original.lower()):
        if has_diacritics(word):
            vi += 0.5
            continue
        folded = fold(word)
        en += folded in _EN_WORDS
        vi += folded in _VI_WORDS
    return "en" if en > vi else "vi"


# Unaccented "may" is "mấy" (how many) only before a counted noun; otherwise it is "máy" or English.
_MAY_RE = re.compile(r"\bmay\s+(?:nguoi|lan|xa|phuong|quan|huyen|tinh|to|cuoc|mo hinh|nam|ngay|thang|van ban|hoi nghi)\b")


# Accented forms of the Vietnamese date phrases: folded "khi nao" is also "khí nào" (which gas).
_DATE_PHRASES_VI = frozenset(
    {"khi nào", "ngày nào", "ngày mấy", "bao giờ", "lúc nào", "thời gian nào", "năm nào", "tháng nào",
     # "mang ngày ban hành nào": the day of an event named between "ngày" and "nào"
     "ngày ban hành nào", "ngày ký nào", "ngày thành lập nào", "ngày tổ chức nào", "ngày diễn ra nào",
     "ngày có hiệu lực nào"}
)


def _asks_date(rest: str, q: str, off: list[int], accented: bool) -> bool:
    for m in _DATE_RE.finditer(rest):
        printed = q[off[m.start()] : off[m.end()]].lower()
        if not accented or not has_diacritics(printed) or printed in _DATE_PHRASES_VI:
            return True
    return False


def _answer_type(rest: str, q: str, off: list[int], accented: bool) -> AnswerType:
    if _COUNT_RE.search(rest) or (re.search(r"(?<!\w)mấy(?!\w)", q.lower()) if accented else _MAY_RE.search(rest)):
        return "count"
    if _asks_date(rest, q, off, accented):
        return "date"
    if _PERSON_RE.search(rest) or (re.search(r"(?<!\w)ai(?!\w)", q.lower()) if accented else re.search(r"\bai\b", rest)):
        return "person"
    if _LIST_RE.search(rest):
        return "list"
    return "description"


def _asked_level(rest: str, q: str, off: list[int], accented: bool) -> tuple[bool, LocalityLevel | None]:
    """Whether the question asks for places, and at which level ("địa phương nào": places, any level)."""
    for m in _ASKED_LEVEL_RE.finditer(rest):
        group = "a" if m.group("a") else "b"
        word = re.sub(r"\s+", " ", m.group(group))
        if accented and word in _ACCENTED_LEVEL:
            printed = q[off[m.start(group)] : off[m.end(group)]].lower()
            if printed != _ACCENTED_LEVEL[word]:
                continue
        return True, _LEVEL_OF[word]
    return False, None


def _keywords(q: str, folded: str, off: list[int], language: Language, accented: bool) -> tuple[str, ...]:
    out: list[str] = []
    for m in _TOKEN_RE.finditer(folded):
        word = m.group()
        printed = q[off[m.start()] : off[m.end()]].lower()
        if len(word) == 1 and not word.isdigit():
            continue
        if language == "en" and word in _STOP_EN:
            continue
        if (printed in _STOP_VI) if accented else (word in _STOP_VI_FOLDED):
            continue
        if printed not in out:
            out.append(printed)
    return tuple(out)
