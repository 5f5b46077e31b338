"""A name the question gives ("Istanbul", "T-80", "Kroger"; ``Question.names``) that the quoted article
never mentions: the quote is from another article about a like event (Istanbul → Kabul, BREM-1 on a T-72
→ a T-80 story), so the answer may not stand as one confident quote. A ``QUOTE_CHECKS`` row: it reads
only the article the answer would quote, and its ``Unmet`` hedges the answer ("possibly" with the
candidates) rather than abstaining — a name typed another way than the article prints it (a name in
another paragraph, a translation's spelling) then costs a hedge, never the answer.

Lenient on form: case is ignored (tone marks are not, where the question types them), each word of the
name may stand anywhere in the article, a word of five letters or more within one typing slip
("Maastrich", "Roosevlet"), a long name may lack one word, and a country goes by its other names
(``ALIASES``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text import fold, unify_tones, within_one_edit
from index.text.refs import has_diacritics

from ..question.names import name_key
from .base import Asked, Unmet, article_text

# Other names of one thing, folded: any one of a row stands for the others.
ALIASES = (
    ("my", "mi", "hoa ky", "hoa ki", "usa"),
    ("anh", "anh quoc", "vuong quoc anh"),
    ("lien xo", "xo viet"),
    ("trieu tien", "cchdcnd trieu tien"),
    ("tp hcm", "tphcm", "hcm", "ho chi minh", "sai gon"),
)
_WORD = re.compile(r"[^\W_]+")
SLIP_MIN = 5  # a word this long may be typed one slip off the article's spelling
LONG_NAME = 3  # a name this long may lack one word there ("Franklin D. Roosevelt" for "Franklin Delano Roosevelt")


@dataclass(frozen=True)
class Names:
    def __call__(self, asked: Asked, found):
        names = asked.question.names
        if not names:
            return found
        for doc_id in dict.fromkeys(h.doc_id for h in found.hits):
            text = article_text(asked.corpus, doc_id)
            absent = [n for n in names if not mentions(text, n)]
            if absent:
                return Unmet(" + ".join(absent))  # "Không có bài viết nào về …" if it ever abstains
        return found


def mentions(text: str, name: str) -> bool:
    """``text`` mentions ``name``: every word of it, or of one of its ``ALIASES``, in any case. A word typed
    with tone marks must stand in ``text`` with them ("Thảo Lực", not "thao luc"); one without them, folded;
    a long word may be one slip off."""
    toned = has_diacritics(name)
    words = set(_words(text, toned))
    folded = set(_words(text, False)) if toned else words
    key = name_key(name)
    row = next((row for row in ALIASES if key in row), None)
    if row is not None:
        return any(all(w in folded for w in form.split()) for form in row)
    asked = _words(name, toned)
    missing = sum(not (w in words or _slip(folded, fold(w))) for w in asked)
    return missing == 0 or (missing == 1 and len(asked) >= LONG_NAME)


def _words(text: str, toned: bool) -> list[str]:
    return _WORD.findall(unify_tones(text.lower())) if toned else name_key(text).split()


def _slip(words: set[str], word: str) -> bool:
    if len(word) < SLIP_MIN:
        return False
    return word in words or any(abs(len(w) - len(word)) <= 1 and (within_one_edit(w, word) or _swapped(w, word))
                                for w in words)


def _swapped(a: str, b: str) -> bool:
    """Two neighbouring letters swapped ("Roosevlet")."""
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return len(a) == len(b) and len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
        and a[diff[1]] == b[diff[0]]
