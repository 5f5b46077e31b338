"""Words of a sentence with their offsets, as the span extractor reads them: a figure keeps its separators
("5.573", "25/02/2010", "290-QĐ/TW", "12,5%") so that a span never cuts one in half."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# A word: letters/digits joined by . , / - (inside a figure or a code) and a trailing % sign.
_WORD = re.compile(r"\w+(?:[.,/\-]\w+)*%?")


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int
    lower: str  # lower case, tone marks kept: "Trương" and "trưởng" differ
    folded: str  # lower case, no tone marks: for a question typed without them, and for the word tables

    def key(self, accented: bool) -> str:
        return self.lower if accented else self.folded


def words(text: str) -> tuple[Word, ...]:
    from index.text.refs import fold

    return tuple(Word(m.group(), m.start(), m.end(), unicodedata.normalize("NFC", m.group()).lower(),
                      fold(m.group()).lower()) for m in _WORD.finditer(text))


@lru_cache(maxsize=256)
def question_words(question: str, accented: bool) -> frozenset[str]:
    """The question's words and their syllables (with tone marks when it has them): a span made of these
    only says nothing new."""
    out: set[str] = set()
    for w in words(question):
        key = w.key(accented)
        out.add(key)
        out.update(p for p in re.split(r"[.,/\-%]", key) if p)
    return frozenset(out)


def is_number(word: Word) -> bool:
    """A figure ("126", "5.573", "12,5%") or a number word ("sáu"); not a date ("13/01/2022") nor a code
    ("209-QĐ/TW"), which other kinds read."""
    if word.text[0].isdigit():
        part = _PART.match(word.text)
        return bool(_FIGURE.match(word.text)) or bool(part and (int(part[1]) <= int(part[2]) or int(part[1]) > 31
                                                                or int(part[2]) > 12))
    return word.lower in NUMBER_WORDS


_FIGURE = re.compile(r"^\d+(?:[.,]\d+)*%?$")
# "356/382 xã", "8/8 phường": a part of a whole (no more than the whole, or no day and month: "22/9" is a date).
_PART = re.compile(r"^(\d{1,6})/(\d{1,6})$")


def is_capitalised(word: Word) -> bool:
    return word.text[0].isupper()


# Vietnamese number words as printed (with tone marks: folded, "chục" would be "chức", "năm" also a year).
NUMBER_WORDS = frozenset("một hai ba bốn tư năm sáu bảy tám chín mười mươi chục trăm nghìn ngàn triệu tỷ tỉ".split())
# Words before a figure that belong to the span (folded): "khoảng sáu năm", "hơn 200 người".
MODIFIERS = frozenset("khoang hon gan tren duoi toi chung xap xi".split())


# Words (lower case, tone marks kept) that a sentence opens with, capitalised only for that, and that never
# start a name: "Khi Guglielmo Marconi …", "Các đồng chí lãnh đạo …", "Còn James …".
FUNCTION_WORDS = frozenset("""các những khi còn việc trong sau trước theo với tuy nhưng nếu vì do tại ở từ đến
    cho và hay hoặc là của đã được có này đó họ nó cả mỗi hiện ngoài qua bên dù mặc để""".split())


def opens_name(word: Word) -> bool:
    """The word may start a name: not a function word capitalised because it opens the sentence."""
    return word.lower not in FUNCTION_WORDS
