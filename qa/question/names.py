"""The names a question gives that no gazetteer, document pattern or table reads: a capitalised name
("Istanbul", "Nhà Trắng", "Kroger") or a model code ("T-80", "BREM -1", "G20"). An article quoted for the
answer must mention each of them (``qa.checks.names``): an article about a like event elsewhere
(Istanbul → Kabul, T-72 → T-80) is no answer.

Read only for Vietnamese questions (an English question's names are English words: "Hanoi", "the White
House"; the glossary renders too few of them to hold an article to them). Places the gazetteer reads and
document codes are left to ``qa.checks.pins``, which knows their other forms ("TP HCM").
"""

from __future__ import annotations

import re

from index.text import fold, unify_tones
from index.text.refs import has_diacritics

_UPPER = "A-ZĐÁÀẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÉÈẺẼẸÊẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÚÙỦŨỤƯỨỪỬỮỰÝỲỶỸỴ"
# A model code: letters, a hyphen (news prints "T -72") and a number, or letters run into a number ("G20").
_CODE = rf"[{_UPPER}][\w]*\s?[-–]\s?\d+[\w]*|[{_UPPER}]+\d+[\w]*"
# A capitalised word; runs of them separated by single spaces make one name ("Puerto Rico").
_WORD = rf"[{_UPPER}][\w]*"
_NAME = re.compile(rf"(?<![\w-])(?:{_CODE}|{_WORD})(?: (?:{_CODE}|{_WORD}))*(?![\w])")
# Words news capitalises that name no one thing: titles, honorifics, bodies, units, the scene a sentence
# opens with. A name's leading phrases from this table are dropped ("Tổng thống Duterte" → "Duterte",
# "UBND TP Cần Thơ" → "Cần Thơ"); a name made only of them is no name ("Quốc hội", "Tết"). One row a phrase.
GENERIC = tuple(sorted({unify_tones(w) for w in (
    "ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cháu", "ngài", "đồng chí", "mr", "mrs", "ms",
    "tổng thống", "thủ tướng", "chủ tịch", "bộ trưởng", "phó", "ngoại trưởng", "bí thư", "giám đốc", "tổng",
    "thứ trưởng", "thượng tướng", "trung tướng", "đại tướng", "thiếu tướng", "đại tá", "thượng tá", "trung tá",
    "thiếu tá", "tư lệnh", "hoàng đế", "nhà vua", "vua", "nữ hoàng", "hoàng tử", "công chúa", "giáo sư", "tiến sĩ",
    "ubnd", "hđnd", "mttq", "tp", "tp.", "tx", "tt", "tỉnh", "huyện", "quận", "phường", "xã", "thành phố",
    "thị xã", "thị trấn", "ủy ban", "ban", "hội đồng", "hội", "công an", "sở", "cục", "chi cục", "viện",
    "viện kiểm sát", "tòa án", "ngân hàng", "nhà nước", "chính phủ", "quốc hội", "đảng", "trung ương", "tết",
    "đội", "phòng", "cảnh sát", "bệnh viện", "trường", "đại học", "công ty", "tập đoàn", "bộ", "giải thưởng",
    "thế chiến", "chiến tranh", "thế giới", "tổ", "thư viện", "học viện", "viện bảo tàng", "bảo tàng",
    "theo", "tại", "trong", "năm", "ngày", "tháng", "sáng", "chiều", "tối", "đêm", "trưa", "hôm", "khi",
    "sau", "trước", "từ", "đến", "với", "vào", "hiện", "ai", "những", "các", "một", "người", "đây", "đó",
    "nếu", "mỗi", "cách", "biết", "tên lửa", "kênh", "thông tin", "mức", "hồi", "cũng", "chỉ", "kể", "bị",
    "được", "vịnh", "biển", "sông", "núi", "đảo", "cảng", "sân bay", "khu", "cao tốc", "quốc lộ", "đường",
    "cầu", "báo", "đài", "tạp chí", "lực lượng", "quân đội", "hải quân", "không quân", "thủ đô", "ở", "ngoài",
    "việc", "đầu", "cuối", "giữa", "nhiều", "tất cả", "cả", "vì", "do", "bởi", "cho", "và", "hay", "hoặc",
)}, key=len, reverse=True))
GENERIC_REACH = 2  # lower-case words after a name that may end a generic phrase it opens
_GENERIC_FOLDED = tuple(sorted({fold(g) for g in GENERIC}, key=len, reverse=True))  # a question typed without tones
_SPACES = re.compile(r"[^\w]+")


def asked_names(question: str, masked: list[tuple[int, int]] = ()) -> tuple[str, ...]:
    """The names ``question`` gives outside the ``masked`` spans (places, documents read elsewhere), each as
    typed with its generic leading words dropped; a single capitalised word that opens the question is the
    sentence's capital, not a name."""
    text = list(" ".join(question.split()))
    for start, end in masked:
        text[start:end] = " " * (end - start)
    text = "".join(text)
    found = []
    for match in _NAME.finditer(text):
        words = match.group().split(" ")
        if (match.start() == 0 and len(words) == 1 or len(match.group()) < 2) and not re.search(r"\d", match.group()):
            continue
        name = _without_generic(words, text[match.end():].split()[:GENERIC_REACH])
        if name:
            found.append(name)
    return tuple(dict.fromkeys(found))


def _without_generic(words: list[str], after: list[str]) -> str:
    """The name's ``words`` without their leading GENERIC phrases ("" when nothing else is left). A phrase may
    go on in the lower-case ``after`` words: "Thủ tướng" capitalises only its first ("Thủ" is no name)."""
    toned = has_diacritics(" ".join(words))
    table = GENERIC if toned else _GENERIC_FOLDED
    while words:
        said = " ".join(words + after)
        low = unify_tones(said.lower()) if toned else fold(said)
        lead = next((g for g in table if low == g or low.startswith(g + " ")), None)
        if lead is None:
            break
        words = words[len(lead.split()):]
    return " ".join(words)


def name_key(name: str) -> str:
    """A name as articles are searched for it: folded words, punctuation as spaces ("T -72" → "t 72")."""
    return " ".join(_SPACES.sub(" ", fold(name)).split())
