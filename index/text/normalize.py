"""Text normalisation: the display form users read and quote, and the search form retrieval matches on.

``search_text`` and ``fold_diacritics`` are length-preserving (one code point in, one out) so that a span
found in the search form is the same span in the display form; anything that would change the length
(NFC composition, dropping zero-width characters) happens once, in ``display_text``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Spaces that look like a space but are not U+0020; scraped pages are full of U+00A0.
_ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Invisible characters that break word matching and quoting; removed outright.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"

_REPLACEMENTS: dict[str, str] = {c: " " for c in _ODD_SPACES}
_REPLACEMENTS.update({c: "" for c in _ZERO_WIDTH})
# C0/C1 controls other than \t and \n (\r is handled before, as a line break).
_REPLACEMENTS.update({chr(c): "" for c in range(0x00, 0x20) if c not in (0x09, 0x0A)})
_REPLACEMENTS.update({chr(c): "" for c in range(0x7F, 0xA0)})
# Line/paragraph separators are line breaks, not noise.
_REPLACEMENTS["\u2028"] = "\n"
_REPLACEMENTS["\u2029"] = "\n"
# A regex finds the rare characters to replace much faster than str.translate walks every character.
_ODD_CHARS = re.compile("[" + "".join(re.escape(c) for c in _REPLACEMENTS) + "]")


def display_text(s: str) -> str:
    """NFC, ``\\r\\n``/``\\r`` → ``\\n``, odd spaces → ``' '``, zero-width characters, BOM and controls removed."""
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _ODD_CHARS.sub(lambda m: _REPLACEMENTS[m.group(0)], s)
    # Normalise after removing zero-width joiners: they can sit between a letter and its combining mark.
    return unicodedata.normalize("NFC", s)


# Vietnamese tone marks as combining characters (NFD): grave, acute, hook above, tilde, dot below.
_TONES = "\u0300\u0301\u0309\u0303\u0323"
_TONED_A = "àáảãạ"
_TONED_E = "èéẻẽẹ"
_TONED_Y = "ỳýỷỹỵ"

# Open syllables ending in oa / oe / uy carry the tone on the second vowel in the older typesetting
# ("hoà", "khoẻ", "uỷ") and on the first in the form most of the corpus uses ("hòa", "khỏe", "ủy").
# Only the open syllable varies: with a final letter ("hoàn", "thuyền", "khuỷu", "ngoài") both conventions
# agree, so the lookahead refuses any following letter. "qu" + y ("quý", "quỹ") is the vowel y after the
# onset qu, not the cluster uy, so a preceding q is refused too.
_OLD_TONE = re.compile(rf"(?<!q)([ou])([{_TONED_A}{_TONED_E}{_TONED_Y}])(?![^\W\d_])")


def _tone_of(ch: str) -> str:
    return next(c for c in unicodedata.normalize("NFD", ch) if c in _TONES)


def _strip_tone(ch: str) -> str:
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", ch) if c not in _TONES))


def _move_tone(m: re.Match[str]) -> str:
    first, second = m.group(1), m.group(2)
    plain = _strip_tone(second)
    # o pairs only with a/e, u only with y: "uà" or "oỳ" are not the clusters in question.
    if (first == "o" and plain not in "ae") or (first == "u" and plain != "y"):
        return m.group(0)
    return unicodedata.normalize("NFC", first + _tone_of(second)) + plain


def _lower_same_length(s: str) -> str:
    low = s.lower()
    if len(low) == len(s):
        return low
    # A few code points lower-case to two ("İ" → "i̇"); keep those as they are to preserve offsets.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def unify_tones(s: str) -> str:
    """Move the tone of open oa/oe/uy syllables to the first vowel (``hoà`` → ``hòa``), any case kept.
    Length-preserving."""
    low = _lower_same_length(s)
    if low == s:
        return _OLD_TONE.sub(_move_tone, s)
    out = list(s)
    for m in _OLD_TONE.finditer(low):
        new = _move_tone(m)
        for k, ch in enumerate(new):
            i = m.start() + k
            out[i] = ch.upper() if s[i].isupper() else ch
    return "".join(out)


def search_text(s: str) -> str:
    """The form retrieval matches on: ``display_text``, one tone-mark convention, lower case.

    ``len(search_text(s)) == len(display_text(s))`` always."""
    # A question's features look at the same passages and sentences many times, and the same passages come
    # back question after question (~360 calls a question); texts up to a passage's size are remembered.
    return _search_text_cached(s) if len(s) <= _CACHED_CHARS else _search_text(s)


_CACHED_CHARS = 4096


def _search_text(s: str) -> str:
    return _OLD_TONE.sub(_move_tone, _lower_same_length(display_text(s)))


_search_text_cached = lru_cache(maxsize=16384)(_search_text)


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for cp in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        decomposed = unicodedata.normalize("NFD", ch)
        if len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
            table[cp] = decomposed[0]
    return table


def fold_diacritics(s: str) -> str:
    """Remove Vietnamese (and other Latin) diacritics from precomposed letters: ``Đà Nẵng`` → ``Da Nang``.
    Length-preserving; expects NFC input (as ``display_text`` gives) — stray combining marks are kept."""
    return s.translate(_fold_table())


@lru_cache(maxsize=1)
def _vietnamese_letters() -> re.Pattern[str]:
    # Letters whose diacritics are Vietnamese: đ, ă, â, ê, ô, ơ, ư and the five tones on any vowel.
    letters = {"đ", "Đ"}
    for cp, base in _fold_table().items():
        ch = chr(cp)
        if base.lower() in "aeiouy":
            marks = set(unicodedata.normalize("NFD", ch)[1:])
            if marks <= set(_TONES) | {"\u0306", "\u0302", "\u031b"}:
                letters.add(ch)
    return re.compile("[" + "".join(sorted(letters)) + "]")


def has_vietnamese_diacritics(s: str) -> bool:
    """True when ``s`` holds at least one letter with a Vietnamese diacritic (NFC or decomposed)."""
    pattern = _vietnamese_letters()
    return bool(pattern.search(s) or pattern.search(unicodedata.normalize("NFC", s)))
