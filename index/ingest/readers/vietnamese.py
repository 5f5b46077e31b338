"""Is a token a possible Vietnamese syllable? Used to judge a legacy-encoding guess and to rejoin syllables
that a PDF's text layer split into loose glyphs ("Th ườ ng v ụ" → "Thường vụ").

The test is structural, not a dictionary: an optional onset, a vowel cluster that Vietnamese writes, an
optional coda, and at most one tone mark. Wrongly decoded text fails it almost everywhere: it leaves
symbols inside words (``B¶o``) or stacks marks no syllable carries (``aứ``).
"""

from __future__ import annotations

import re
import unicodedata

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_CLUSTERS = (
    "a ă â e ê i o ô ơ u ư y "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "iêu yêu oai oao oay oeo uây uôi ươi ươu uyê uya uyu"
).split()
_CODA = "ch|nh|ng|c|m|n|p|t"
_SYLLABLE = re.compile(
    rf"^(?:{_ONSET})?(?:{'|'.join(sorted(_CLUSTERS, key=len, reverse=True))})(?:{_CODA})?$"
)
# "ơ" never closes with c/ch/ng/nh unless it is "ươ": such a word is text that lost its "ư" (TCVN3 writes
# "ư" with the soft-hyphen code, which some converters drop).
_BARE_O_HORN = re.compile(r"(?<!ư)ơ(?:c|ch|ng|nh)$")
_VOWELS = frozenset("aăâeêioôơuưy")
_WORD = re.compile(r"[^\W\d_]+")


def base_and_tones(token: str) -> tuple[str, int]:
    """The lower-cased token without tone marks (vowel shapes kept), and how many tone marks it had."""
    nfd = unicodedata.normalize("NFD", token.lower())
    tones = sum(1 for c in nfd if c in TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONE_MARKS))
    return base, tones


def is_syllable(token: str) -> bool:
    base, tones = base_and_tones(token)
    if tones > 1:
        return False
    # A tone needs a vowel; the onset 'gi'/'qu' may hold the only vowel ("gì", "quả" handled by clusters).
    if _BARE_O_HORN.search(base):
        return False
    return bool(_SYLLABLE.match(base)) or base in ("gi", "gin", "gim", "git", "gip")


def has_vowel(token: str) -> bool:
    base, _ = base_and_tones(token)
    return any(c in _VOWELS for c in base)


def is_vietnamese_word(token: str) -> bool:
    """A token that carries Vietnamese-only letters or tone marks (so an ASCII word never counts)."""
    return any(not c.isascii() for c in token)


def syllable_share(text: str, *, only_marked: bool = True) -> tuple[float, int]:
    """Share of words that are valid syllables, over words with non-ASCII letters (all words when
    ``only_marked`` is False), and how many words were judged."""
    judged = valid = 0
    for m in re.finditer(r"\S+", text):
        token = m.group(0).strip(".,;:!?\"'()[]{}«»“”‘’…-–—/")
        if not token:
            continue
        if only_marked and token.isascii():
            continue
        judged += 1
        if _WORD.fullmatch(token) and is_syllable(token):
            valid += 1
        elif "-" in token and all(_WORD.fullmatch(p) and is_syllable(p) for p in token.split("-") if p):
            valid += 1
    return (valid / judged if judged else 0.0), judged


def _fragment(token: str) -> bool:
    """A piece of a split syllable: letters only, and either no vowel (an onset or coda left alone) or
    not a syllable by itself."""
    return bool(_WORD.fullmatch(token)) and (not has_vowel(token) or not is_syllable(token))


def rejoin_loose_glyphs(line: str) -> str:
    """Rejoin syllables split by spaces inside a line ("Th ườ ng" → "Thường"): where a token is a fragment,
    the longest run of up to 4 following tokens that forms one valid syllable is merged."""
    tokens = line.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok and _fragment(tok):
            best = None
            for j in range(i + 1, min(i + 5, len(tokens))):
                piece = tokens[j]
                if not piece or not _WORD.fullmatch(piece):
                    break
                # A lone consonant followed by a piece that starts with a vowel begins that next syllable
                # ("ch ức h ội" is "chức hội", not "chứch ội").
                nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
                if not has_vowel(piece) and nxt[:1] and base_and_tones(nxt[:1])[0] in _VOWELS:
                    break
                merged = "".join(tokens[i:j + 1])
                if is_syllable(merged):
                    best = j
            if best is not None:
                out.append("".join(tokens[i:best + 1]))
                i = best + 1
                continue
        out.append(tok)
        i += 1
    return " ".join(out)


def loose_glyph_share(text: str) -> float:
    """Share of Vietnamese-marked or vowel-less letter tokens that are fragments; near 0 in clean text."""
    tokens = [t for t in re.findall(r"[^\W\d_]+", text)]
    marked = [t for t in tokens if is_vietnamese_word(t) or not has_vowel(t)]
    if len(marked) < 20:
        return 0.0
    return sum(1 for t in marked if _fragment(t)) / len(marked)
