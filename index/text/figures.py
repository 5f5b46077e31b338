"""Figures as reports print them: a number, the noun it counts, and the sentence that says so.

"Đến nay đã thành lập 91 Tổ dân vận khu dân cư" gives (91, "Tổ dân vận khu dân cư"); "khen thưởng 7 tập
thể, 7 cá nhân" gives (7, "tập thể được khen thưởng") and (7, "cá nhân được khen thưởng"); "Với 39.427 mô
hình “Dân vận khéo” được đăng ký đã có 10.272 mô hình được công nhận" gives 10.272 of 39.427 "mô hình Dân
vận khéo". Dates, document codes, durations ("10 năm"), percentages and money are not counts and are
skipped. The value is kept as printed ("9.720", "07", "hơn 21.000", "8/8"), never re-typed.

Text only (no model, no index): ``report.compare`` groups the nouns into columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from index.text.refs import fold, has_diacritics

__all__ = ["Figure", "figures_in", "noun_key", "COMMENDED"]

COMMENDED = "được khen thưởng"  # the one wording every commendation tail is normalised to

# A count: "91", "9.720", "07"; a share "8/8", "356/382". Not part of a code, a decimal or a date.
_NUMBER = re.compile(r"(?<![\w/.,–-])(\d{1,3}(?:\.\d{3})+|\d+)(?:/(\d{1,3}(?:\.\d{3})+|\d+))?(?![\w/–-]|[.,]\d)")
_WORD = re.compile(r"[^\W\d_]+")
# Words right before a number that make it a date, an ordinal or a code, folded: "ngày 15", "số 1".
_NOT_COUNT_BEFORE = re.compile(
    r"(?<![a-z])(?:ngay|sang|chieu|toi|trua|dem|hom|nam|thang|quy|so|khoa|thu|lan thu|ky|giai doan|tuan|phong|"
    r"muc|dieu|khoan|chuong|phan|tap|trang|nghi dinh|quyet dinh|nghi quyet|chi thi|ket luan|ke hoach|"
    r"thong tu|de an|chuong trinh|cong van|luat|covid|lop|tang|tuyen|duong|pho|hem|km|quoc lo|phuong|"
    r"quan|xa|huyen|to dan pho|thon|ap|khu pho|khu|doi|to|q\.|p\.)\s*$")
# The same, where only the marks tell the word ("độ 2" is a degree, "do 3 đơn vị" a count): lower case.
# "giảm 5 xã", "tăng 12 chi hội" give a change, not how many there are.
_NOT_COUNT_BEFORE_MARKED = re.compile(r"(?<!\w)(?:độ|loại|hạng|bậc|cấp|nhóm|mức|tuổi|mỗi|hạng mục|giảm|tăng|thêm|bớt)\s*$")
# "Mỗi hội viên mua 1 hộp": a figure in a clause about each one ("mỗi") is a rate, not a total.
_PER_UNIT = re.compile(r"(?<!\w)mỗi\s")
# "hơn 21.000 cuộc": the approximation is part of the figure as printed.
_APPROX = re.compile(r"(?:(?<=\s)|^)(hơn|trên|dưới|gần|khoảng|tới|đến|hàng|gần như|ít nhất|tổng cộng|tổng số)\s+$",
                     re.IGNORECASE)
# Units that make a number a duration, a rate, a size or an amount of money, not a count (folded words).
_NOT_COUNTS = frozenset(
    "nam thang ngay gio tuan phut giay quy % phan tram dong usd vnd euro km km2 m m2 m3 ha tan kg ta lit ty ti trieu "
    "tuoi do kw mw".split())
_MAGNITUDES = frozenset("nghin ngan trieu ty ti van chuc tram".split())
_MONEY = frozenset("dong usd vnd".split())
# Words that end a counted noun phrase (lower case, with their marks: folded, "giảm" would stop "giám sát").
_STOP = frozenset("""và với do có của trong tại đã để cho là từ đến trên so tăng giảm đạt gồm thuộc theo về
    nhằm bằng mà như ở khi sau trước còn nay đang sẽ đều vào ra hoặc hay mỗi những các thì nên vì tuy cũng
    bị phải cần làm thực tham chiếm lên xuống qua toàn tổng nhưng không rất vẫn nếu""".split())
# Classifiers and quantity words: not what is counted ("cuộc giám sát" counts supervisions).
_CLASSIFIERS = frozenset("cuoc luot chiec con cai ban bo cac nhung so tong".split())
# Commendation: a verb before the figures, or a tail after the noun, that both mean "được khen thưởng".
_COMMEND_VERB = re.compile(
    r"\b(?:khen thuong|bieu duong|tuyen duong|vinh danh|tang bang khen|tang giay khen|trao thuong|trao bang khen|"
    r"trao giay khen)\b")
_COMMEND_TAIL = re.compile(
    r"^(?:duoc|nhan|dat)\s+(?:khen thuong|bieu duong|tuyen duong|vinh danh|tang bang khen|tang giay khen|"
    r"bieu duong,? khen thuong|trao thuong|khen)\b")
# Who is commended: heads whose figure after a commendation verb counts the commended.
_AWARDEES = frozenset(["tap the", "ca nhan", "don vi", "ho", "gia dinh", "to chuc", "dang vien", "chi bo",
                       "dang bo", "hoi vien", "doan vien", "can bo", "hoc sinh", "guong", "dien hinh", "mo hinh",
                       "co so", "khu dan cu", "to dan pho", "thon", "ban", "nguoi"])
# Units a report lists after a counted noun, all counted by one figure ("365.847 đoàn viên, hội viên").
_LISTABLE = frozenset(["thon", "to dan pho", "xa", "phuong", "thi tran", "dang bo", "chi bo", "chi bo co so",
                       "can bo", "dang vien", "doan vien", "hoi vien", "cong chuc", "vien chuc", "nguoi lao dong",
                       "ban", "ap", "khu pho", "to dan cu", "khu dan cu", "ho", "ho gia dinh", "doanh nghiep",
                       "co quan", "don vi", "to chuc", "chi hoi", "hoc sinh", "sinh vien", "chien si", "co so",
                       "can ngheo", "ho can ngheo", "trung cap", "cao dang", "mo hinh", "cong trinh", "phan viec",
                       "diem", "ca nhan", "tap the"])
_MAX_NOUN_WORDS = 6


@dataclass(frozen=True)
class Figure:
    value: str  # as printed: "9.720", "07", "hơn 21.000", "8/8"
    noun: str  # the counted noun phrase as printed, quotes dropped: "điển hình dân vận khéo"
    start: int  # span of value and noun in the text
    end: int
    sentence_start: int  # the sentence that prints it
    sentence_end: int
    of: str | None = None  # the total it is part of, as printed: 10.272 "of" 39.427
    tail: str = ""  # "được công nhận": what the noun's own participle says (kept in ``noun`` too)

    @property
    def shown(self) -> str:
        return f"{self.value}/{self.of}" if self.of else self.value


def noun_key(noun: str) -> str:
    """The noun folded, without quotes, leading classifiers or quantity words: "các cuộc giám sát" →
    "giam sat"; two spellings of one kind of figure meet here before any model is asked. A list keeps its
    commas ("thon, to dan pho"): it counts several kinds at once."""
    items = []
    for item in fold(noun).split(","):
        words = _WORD.findall(item)
        while len(words) > 1 and words[0] in _CLASSIFIERS:
            words = words[1:]
        if words:
            items.append(" ".join(words))
    return ", ".join(items)


def _words_after(text: str, pos: int, limit: int) -> list[re.Match[str]]:
    """The words of the noun phrase after a number: letters and quotes only, up to a stop. A capitalised
    name after the noun's first word ends it ("3 bản Chôm Lôm" counts "bản"), unless quoted ("mô hình
    “Dân vận khéo”"), an abbreviation ("CTĐ") or "Đảng"."""
    out: list[re.Match[str]] = []
    i, quoted = pos, False
    while i < limit and len(out) <= _MAX_NOUN_WORDS:
        gap = re.match(r"[\s“”\"'‘’«»]*", text[i:limit]).end()
        m = _WORD.match(text, i + gap, limit)
        if not m or (gap == 0 and out):
            break
        between = text[i : i + gap]
        if out and "\n" in between:
            break
        if not quoted and re.search(r"[“\"‘«]", between):
            quoted = True
        elif quoted and re.search(r"[”\"’»]", between):
            quoted = False
        w = m.group()
        if out and w[:1].isupper() and not quoted and not w.isupper() and w not in ("Đảng",):
            break
        out.append(m)
        i = m.end()
    return out


def _noun_phrase(text: str, pos: int, limit: int) -> tuple[list[str], str, int, int]:
    """(noun words, its participle tail as printed, where the noun ends, where the tail ends) after a
    number. The noun stops at a stop word ("trên" only where it is not "cấp trên"); a tail opens with
    "được" and runs up to three more words, never into a repeat of the noun's head. A phrase that runs
    past ``_MAX_NOUN_WORDS`` has run into the clause's verb: only its first two words are kept."""
    words = _words_after(text, pos, limit)
    noun: list[str] = []
    end = pos
    for m in words:
        w = m.group().lower()
        if w == "được" and not noun:
            break
        if w == "được":
            tail = [m]
            for t in _words_after(text, m.end(), limit)[:3]:
                if t.group().lower() in _STOP or t.group().lower() == noun[0].lower():
                    break
                tail.append(t)
            return noun, " ".join(t.group() for t in tail), end, tail[-1].end()
        if w in _STOP and not (w == "trên" and noun and noun[-1].lower() == "cấp"):
            break
        if len(noun) == _MAX_NOUN_WORDS:
            noun, end = noun[:2], words[1].end()
            break
        noun.append(m.group())
        end = m.end()
    # "31 học sinh lớp 1, 2, 3": a word right before a number names that number ("lớp 1"), not the count.
    if len(noun) > 1 and re.match(r"\s*\d", text[end:limit]):
        noun = noun[:-1]
        end = words[len(noun) - 1].end()
    return noun, "", end, end


def _listed(text: str, pos: int, limit: int) -> tuple[str, int]:
    """", tổ dân phố", ", cơ sở dạy nghề": units listed after the counted noun, counted together with it
    ("7.968 thôn, tổ dân phố"). An item is a known unit (``_LISTABLE``), or up to four lower-case words
    without a stop word or a figure that a comma, semicolon or full stop closes — never a clause."""
    out, end = "", pos
    while True:
        m = re.match(r"\s*,\s*((?:[^\W\d_]+ ?){1,5})", text[end:limit])
        if not m:
            return out, end
        words = m.group(1).split()
        n = next((k for k in range(len(words), 0, -1) if fold(" ".join(words[:k])) in _LISTABLE), 0)
        closes = re.match(r"\s*(?:[,;.)]|$)", text[end + m.end(1) : limit] if len(words) <= 4 else "x")
        if not n and closes and all(w[:1].islower() and w not in _STOP for w in words):
            n = len(words)
        if not n:
            return out, end
        out += ", " + " ".join(words[:n])
        last = end + m.start(1)
        for w in words[:n]:
            last = text.index(w, last) + len(w)
        end = last


def _is_count(text: str, m: re.Match[str], noun: list[str], sentence_start: int) -> bool:
    if not noun:
        return False
    first = fold(noun[0])
    if first in _NOT_COUNTS and not (first in _MAGNITUDES and len(noun) > 1 and fold(noun[1]) not in _MONEY):
        return False
    if not has_diacritics(" ".join(noun)):  # "image gallery", a code's letters: not Vietnamese counting
        return False
    before = fold(text[max(0, m.start() - 14) : m.start()])
    raw_before = text[max(0, m.start() - 14) : m.start()].lower()
    if _NOT_COUNT_BEFORE.search(before) or _NOT_COUNT_BEFORE_MARKED.search(raw_before):
        return False
    if _opens_a_name(text, m.start(), sentence_start):
        return False
    clause = re.split(r"[,;:(]", text[sentence_start : m.start()])[-1]
    if _PER_UNIT.search(clause.lower()):
        return False
    if m.group(2):  # a share "8/8": never a date ("ngày 15/7" was refused above), the part no more than the whole
        # "2/3 con đường": a whole of 4 or less is a fraction of one thing, not a count of units.
        return _as_int(m.group(1)) <= _as_int(m.group(2)) and _as_int(m.group(2)) > 4
    return True


def _opens_a_name(text: str, pos: int, sentence_start: int) -> bool:
    """"SEA Games 31", "Quận 3", a quoted slogan "“2 gặp, 4 biết”": the number is part of a name."""
    lead = text[sentence_start:pos]
    opened = max(lead.rfind("“"), lead.rfind('"') if lead.count('"') % 2 else -1)
    if opened >= 0 and lead.rfind("”") < opened and len(lead[opened:].split()) <= 3:  # a short quote: a name
        return True
    words = lead.split()
    return len(words) > 1 and words[-1][:1].isupper() and words[-1][-1:].isalnum() and lead.endswith(" ")


def _as_int(value: str) -> int:
    return int(value.replace(".", ""))


def _figure(text: str, m: re.Match[str], sentence: tuple[int, int]) -> Figure | None:
    noun_words, tail, end, tail_end = _noun_phrase(text, m.end(), sentence[1])
    if not _is_count(text, m, noun_words, sentence[0]):
        return None
    # "600 nghìn dân": the magnitude belongs to the value.
    value = m.group()
    if fold(noun_words[0]) in _MAGNITUDES and len(noun_words) > 1:
        value, noun_words = f"{value} {noun_words[0]}", noun_words[1:]
    approx = _APPROX.search(text, max(sentence[0], m.start() - 14), m.start())
    start = approx.start(1) if approx else m.start()
    if approx:
        value = f"{approx.group(1)} {value}"
    if tail and _COMMEND_TAIL.match(fold(tail)):
        tail = COMMENDED
    noun = " ".join(noun_words)
    if noun_key(noun) in _CLASSIFIERS:  # "hơn 21.000 cuộc": a classifier alone says not what is counted
        return None
    if not tail:
        listed, list_end = _listed(text, end, sentence[1])
        noun, tail_end = noun + listed, max(tail_end, list_end)
    return Figure(value=value, noun=f"{noun} {tail}".strip(), start=start, end=tail_end,
                  sentence_start=sentence[0], sentence_end=sentence[1], tail=tail)


def _commended_after_verb(text: str, figs: list[Figure]) -> list[Figure]:
    """"khen thưởng 7 tập thể, 7 cá nhân …; 7 tập thể, 7 cá nhân …": a commendation verb earlier in the
    sentence makes each figure of those who can be commended (``_AWARDEES``) a count of the commended."""
    out = []
    for f in figs:
        lead = fold(text[f.sentence_start : f.start])
        if not f.tail and noun_key(f.noun) in _AWARDEES and _COMMEND_VERB.search(lead):
            f = replace(f, noun=f"{f.noun} {COMMENDED}", tail=COMMENDED)
        out.append(f)
    return out


def _shared_tails(text: str, figs: list[Figure]) -> list[Figure]:
    """"7 tập thể và 5 cá nhân được khen thưởng", "6 tập thể, 4 cá nhân được khen thưởng": figures joined
    by "và" or a comma share the tail the last of them prints."""
    out = list(figs)
    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        joined = re.fullmatch(r"\s*(?:,\s*(?:và\s+)?|và\s+)", text[a.end : b.start])
        if joined and b.tail and not a.tail:
            out[i] = replace(a, noun=f"{a.noun} {b.tail}", tail=b.tail)
    return out


def _parts_of_totals(text: str, figs: list[Figure]) -> list[Figure]:
    """"Với 39.427 mô hình “Dân vận khéo” được đăng ký đã có 10.272 mô hình được công nhận": a later
    figure whose bare noun repeats an earlier one's head, smaller, after "có", is a part of that total —
    one figure "10.272 of 39.427", named by the total's noun."""
    out = list(figs)
    for j in range(1, len(out)):
        b = out[j]
        bare = noun_key(b.noun.removesuffix(b.tail).strip())
        for i in range(j - 1, -1, -1):
            a = out[i]
            if a is None or a.of or not bare:
                continue
            a_noun = a.noun.removesuffix(a.tail).strip()
            between = fold(text[a.end : b.start])
            if (noun_key(a_noun).startswith(bare) and noun_key(a_noun) != bare and "/" not in a.value + b.value
                    and re.search(r"\bco\s*$", between) and _as_int(_digits(b.value)) < _as_int(_digits(a.value))):
                out[j] = replace(b, noun=f"{a_noun} {b.tail}".strip(), of=_digits(a.value), start=a.start)
                out[i] = None
                break
    return [f for f in out if f is not None]


def _digits(value: str) -> str:
    """"hơn 21.000" → "21.000"."""
    return re.search(r"\d[\d.]*", value).group()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    from index.text.sentences import split_sentences

    return [(s, e) for s, e in split_sentences(text) if text[s:e].strip()]


def figures_in(text: str, skip: list[tuple[int, int]] = (), spans: list[tuple[int, int]] | None = None) -> list[Figure]:
    """Every counted figure of ``text``, in order. ``skip``: spans (document references) whose digits are
    never counts; ``spans``: the text's sentences when the caller has them."""
    out: list[Figure] = []
    for s, e in spans if spans is not None else sentence_spans(text):
        figs = []
        for m in _NUMBER.finditer(text, s, e):
            if any(a <= m.start() < b for a, b in skip):
                continue
            f = _figure(text, m, (s, e))
            if f is not None:
                figs.append(f)
        figs = _parts_of_totals(text, _commended_after_verb(text, _shared_tails(text, figs)))
        out.extend(figs)
    return out
