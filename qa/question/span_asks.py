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
          "chương trình|dự án|câu lạc bộ|sân vận động|tòa nhà|con đường|phong trào|chiến dịch|văn bản|nghị quyết")
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


def span_asks(text: str, has_diacritics: bool = True) -> frozenset[str]:
    """The span kinds (``qa.direct`` kind names) the wording of ``text`` asks for."""
    typed = (text or "").lower()
    folded = " ".join(fold(text or "").lower().split())
    found = {kind for kind, pattern, on in (("code", _CODE, folded), ("name", _NAME, typed),
                                             ("percent", _PERCENT, folded)) if pattern.search(on)}
    if (_PLACE.search(typed) if has_diacritics else _FOLDED.search(folded)):
        found.add("place")
    return frozenset(found)
