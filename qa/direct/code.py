"""A document code: "290-QĐ/TW", "Nghị quyết số 25-NQ/TW"."""

from __future__ import annotations

import re
from typing import Sequence

from .base import covering
from .tokens import Word

_ASKED = re.compile(
    r"\b(?:so hieu|ky hieu|ma so|(?:van ban|quyet dinh|nghi quyet|chi thi|ket luan|quy dinh|thong tu|nghi dinh)"
    r" (?:nao|so may|so bao nhieu)|which (?:document|decision|resolution|directive|decree))\b")


class Code:
    name = "code"

    def asked(self, folded_question: str, analysis) -> bool:
        return bool(_ASKED.search(folded_question))

    def spans(self, sentence: str, words: Sequence[Word]) -> list[tuple[int, int]]:
        from index.text.refs import find_refs

        out = []
        for ref in find_refs(sentence):
            cover = covering(words, ref.start, ref.end)
            if cover is not None:
                out.append(cover)
        return out
