"""Which kinds of answer span a question's wording asks for ("số hiệu văn bản nào", "tên … là gì", "tỷ lệ",
"ở đâu"): the patterns ``qa.direct``'s kinds used to apply to the question, read here once (the question
package is the only one that matches patterns against the typed text; tests/test_architecture.py)."""

from __future__ import annotations

import re

from index.text.refs import fold

# code: a document's number or code
_CODE = re.compile(
    r"\b(?:so hieu|ky hieu|ma so|(?:van ban|quyet dinh|nghi quyet|chi thi|ket luan|quy dinh|thong tu|nghi dinh)"
    r" (?:nao|so may|so bao nhieu)|which (?:document|decision|resolution|directive|decree))\b")

# name: a name that is not a person's or a place's
_NAMED = ("đội|công ty|tổ chức|hãng|tập đoàn|trường|đảng|nhà thờ|tác phẩm|cuốn sách|bộ phim|bài hát|ban nhạc|tàu|"
          "vệ tinh|giải thưởng|cơ quan|tờ báo|nghệ sĩ|nhà văn|tác giả|vị vua|nhà khoa học|ngôn ngữ|tiếng|hệ thống|"
          "chương trình|dự án|câu lạc bộ|sân vận động|tòa nhà|con đường|phong trào|chiến dịch|văn bản|nghị quyết|"
          "thương hiệu|thương hiệu xe|nhãn hiệu|hãng xe|công trình")
_NAME = re.compile(rf"\b(?:tên|tên gọi|biệt danh|danh hiệu)\b|\b(?:{_NAMED}) nào\b|\bwhat is the name\b|\bwhich "
                    r"(?:company|team|organi[sz]ation|book|film|song|satellite|ship|party|language|system)\b")

# percent
_PERCENT = re.compile(r"\b(?:phan tram|ty le|ti le|percent(?:age)?|bao nhieu %)|%")

# Read on the question as typed (lower case): folded, "vệ tinh nào" would be "tỉnh nào", "bước sóng nào" "sông nào".
_PLACES = ("ở đâu|tại đâu|đến đâu|từ đâu|nơi nào|nước nào|quốc gia nào|thành phố nào|tỉnh nào|vùng nào|khu vực nào|"
           "địa điểm nào|địa phương nào|quận nào|huyện nào|phường nào|xã nào|sông nào|núi nào|châu lục nào|"
           "where|which (?:city|country|province|district|place|region)")
_PLACE = re.compile(rf"(?<!vệ )(?<!\w)(?:{_PLACES})(?!\w)")
_FOLDED = re.compile(rf"(?<!\w)(?:{fold(_PLACES)})(?!\w)")  # a question typed without tone marks

# person: "nhà thơ người Đức nào", "lãnh đạo Tin lành Châu Âu nào", "nhân vật quan trọng nào" — a noun for a
# person, then at most three words that qualify it, then "nào"; read on the question as typed.
_PERSON_NOUNS = ("lãnh đạo|nhà lãnh đạo|người lãnh đạo|nhà thơ|nhà hóa học|nhà vật lý|nhà toán học|nhà nghiên cứu|"
                 "nhà triết học|nhà sử học|nhà soạn nhạc|nhà phát minh|nhân vật|đại tướng|tướng|vị tướng|"
                 "tổng thống|hoàng đế|giáo hoàng|phi công|ca sĩ|diễn viên|cầu thủ|người con|kiến trúc sư|"
                 "who is the (?:leader|poet|chemist|scientist)")
_PERSON = re.compile(rf"(?<!\w)(?:{_PERSON_NOUNS})(?:\s+[^\s?,.]+){{0,3}}?\s+nào(?!\w)|\bwhich (?:leader|poet|"
                     r"chemist|scientist|general|president|emperor|pope)\b")

# duration ("kéo dài bao lâu", "how long") and frequency ("bao lâu một lần", "mấy năm một lần", "how often"),
# read folded; the answer is a stretch of time or a recurrence, not a count ("sau mỗi 5 năm").
_FREQUENCY = re.compile(r"\b(?:bao lau (?:mot|1) lan|may (?:nam|thang|tuan|ngay) (?:mot|1) lan|how often)\b")
_DURATION = re.compile(r"\b(?:bao lau|how long)\b")


def span_asks(text: str, has_diacritics: bool = True) -> frozenset[str]:
    """The span kinds (``qa.direct`` kind names) the wording of ``text`` asks for."""
    typed = (text or "").lower()
    folded = " ".join(fold(text or "").lower().split())
    found = {kind for kind, pattern, on in (("code", _CODE, folded), ("name", _NAME, typed),
                                             ("percent", _PERCENT, folded)) if pattern.search(on)}
    if (_PLACE.search(typed) if has_diacritics else _FOLDED.search(folded)):
        found.add("place")
    if has_diacritics and _PERSON.search(typed):
        found.add("person")
    if _FREQUENCY.search(folded) or _DURATION.search(folded):
        found.add("duration")
    return frozenset(found)


# Which grain of date a question asks for (folded): "năm nào" a year — "năm 1943", not "7 tháng 1 năm 1943";
# "khi nào", "từ khi nào", "ngày nào" the whole date printed ("tháng 6 năm 1891", not "năm 1891").
_GRAINS = (("year", re.compile(r"\b(?:nam nao|nam may|what year|which year|in what year)\b")),
           ("month", re.compile(r"\b(?:thang nao|thang may|what month|which month)\b")))


def date_grain(text: str) -> str | None:
    """"year" or "month" when the question asks only for that part of a date; None for the whole date."""
    folded = " ".join(fold(text or "").lower().split())
    return next((grain for grain, pattern in _GRAINS if pattern.search(folded)), None)
