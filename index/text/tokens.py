"""The BM25 tokens of Vietnamese text: syllable unigrams + bigrams, exact or diacritic-folded.

Vietnamese writes one syllable per space-separated token and most words are two syllables, so adjacent
syllable pairs approximate words without a segmenter (measured against pyvi words on xquad_vi_dev: see
README). Document codes ("290-qđ/tw") and grouped numbers ("9.720") are kept whole as well as split, so an
exact code scores higher than its parts. The index and the answer scorer tokenise alike.
"""

from __future__ import annotations

import re
from typing import Literal

from .normalize import fold_diacritics, has_vietnamese_diacritics, search_text

Variant = Literal["exact", "folded"]

# A compound token: word chars joined by . / - (codes, grouped numbers, dates); parts are emitted too.
_TOKEN = re.compile(r"\w+(?:[./\-]\w+)*")
_SPLIT = re.compile(r"[./\-]")

# Frequent function words carry no topic; dropping them as unigrams (not inside bigrams, where they
# disambiguate) keeps BM25 from rewarding "của"/"và" matches.
_STOP = frozenset(
    "và của các những là có được cho với trong đã để một này đó thì mà ở tại từ về theo như khi "
    "cũng nên nhưng hay hoặc rất đến bị vì do nào gì ai sao đâu bao nhiêu không the of and a an to in is "
    "was were what which who how when".split()
)


def tokenize(text: str, *, folded: bool = False, bigrams: bool = True) -> list[str]:
    norm = search_text(text)
    if folded:
        norm = fold_diacritics(norm)
    words = _TOKEN.findall(norm)
    out: list[str] = []
    syllables: list[str] = []
    for word in words:
        if _SPLIT.search(word):
            out.append(word)
            parts = [p for p in _SPLIT.split(word) if p]
            syllables.extend(parts)
        else:
            syllables.append(word)
    out.extend(s for s in syllables if s not in _STOP)
    if bigrams:
        out.extend(f"{a}_{b}" for a, b in zip(syllables, syllables[1:]))
    return out


def pick_variant(query: str) -> Variant:
    """Queries without any Vietnamese diacritic go to the folded index; otherwise accents are evidence."""
    letters = re.sub(r"[^\w]", "", query)
    if letters and not has_vietnamese_diacritics(query) and not letters.isdigit():
        return "folded"
    return "exact"
