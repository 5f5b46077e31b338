"""A name that is not a person's or a place's: "Virgin Media", "Polonia Warsaw", "Astra 2A" — for "tên … là
gì?", "công ty nào …?", "đội nào …?"."""

from __future__ import annotations

import re
from typing import Sequence

from .base import runs
from .tokens import Word, is_capitalised

_NAMED = ("đội|công ty|tổ chức|hãng|tập đoàn|trường|đảng|nhà thờ|tác phẩm|cuốn sách|bộ phim|bài hát|ban nhạc|tàu|"
          "vệ tinh|giải thưởng|cơ quan|tờ báo|nghệ sĩ|nhà văn|tác giả|vị vua|nhà khoa học|ngôn ngữ|tiếng|hệ thống|"
          "chương trình|dự án|câu lạc bộ|sân vận động|tòa nhà|con đường|phong trào|chiến dịch|văn bản|nghị quyết")
_ASKED = re.compile(rf"\b(?:tên|tên gọi|biệt danh|danh hiệu)\b|\b(?:{_NAMED}) nào\b|\bwhat is the name\b|\bwhich "
                    r"(?:company|team|organi[sz]ation|book|film|song|satellite|ship|party|language|system)\b")


def _named(w: Word) -> bool:
    return (is_capitalised(w) and not w.text[0].isdigit()) or (any(c.isdigit() for c in w.text) and any(c.isalpha() for c in w.text))


class Name:
    name = "name"

    def asked(self, folded_question: str, analysis) -> bool:
        question = (getattr(analysis, "question", "") or "").lower()
        return bool(_ASKED.search(question))

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        return runs(words, lambda w: _named(w) or (w.text.isdigit() and len(w.text) <= 3), max_len=5)
