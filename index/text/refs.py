"""Party and State document references ("290-QĐ/TW", "16/CT-TTg", "Quyết định 290") as ``DocRef``.

Matching runs on a *folded* copy of the text (lower case, tone marks and đ removed) so that
"quyet dinh 290", "QD 290" and "290-QĐ/TW" are one pattern; an offset map sends every folded match back
to the original text, so ``text[ref.start:ref.end] == ref.surface`` always holds.

The folding helpers live here because this is the lowest recogniser module; places and question
analysis import them from here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from functools import lru_cache

from index.records import DocRef

# ---------------------------------------------------------------- folding


@lru_cache(maxsize=1 << 16)
def _fold_char(ch: str) -> str:
    # Cached: a text uses a few hundred distinct characters, and this runs once per character of every
    # article (a 5 MB article is millions of calls).
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)
    kept = "".join(c for c in base if not unicodedata.combining(c))
    return kept.lower()


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` and return ``(folded, offsets)`` where ``offsets[i]`` is the index in ``text`` of
    folded char ``i`` (plus a final entry == len(text)), so spans found in the folded text map back
    exactly, whatever the input's normalisation form."""
    parts = list(map(_fold_char, text))
    folded = "".join(parts)
    if len(folded) == len(text) and all(len(f) == 1 for f in set(parts)):  # the usual case: one char per char
        return folded, list(range(len(text) + 1))
    offsets: list[int] = []
    for i, f in enumerate(parts):
        offsets.extend([i] * len(f))
    offsets.append(len(text))
    return folded, offsets


def fold(text: str) -> str:
    """Lower case without tone marks: "Quyết Định" -> "quyet dinh"."""
    return "".join(map(_fold_char, text))


def has_diacritics(text: str) -> bool:
    return any(ch in "đĐ" or _fold_char(ch) != ch.lower() for ch in text if ch.isalpha())


# ---------------------------------------------------------------- kinds

# Folded code -> canonical code. Codes are the short forms used inside full references.
_CODE_CANON: dict[str, str] = {
    "qd": "QĐ", "kl": "KL", "ct": "CT", "nq": "NQ", "ctr": "Ctr", "kh": "KH", "tb": "TB",
    "hd": "HD", "qc": "QC", "da": "ĐA", "nd": "NĐ", "tt": "TT", "bc": "BC",
}
# Folded kind words -> canonical code (longest first in the regex). "quy định" is a Party document
# whose code is also QĐ ("Quy định số 205-QĐ/TW").
_WORD_CANON: dict[str, str] = {
    "quyet dinh": "QĐ", "quy dinh": "QĐ", "qui dinh": "QĐ", "ket luan": "KL", "chi thi": "CT",
    "nghi quyet": "NQ", "chuong trinh hanh dong": "Ctr", "chuong trinh": "Ctr", "ke hoach": "KH",
    "thong bao": "TB", "huong dan": "HD", "quy che": "QC", "qui che": "QC", "de an": "ĐA",
    "nghi dinh": "NĐ", "thong tu": "TT", "bao cao": "BC",
    # English questions name Vietnamese documents by their translated kind ("Decision 290").
    "decision": "QĐ", "regulation": "QĐ", "resolution": "NQ", "directive": "CT", "conclusion": "KL",
    "decree": "NĐ", "circular": "TT",
}
# Abbreviations that may stand alone before a number ("QĐ 290", "qd 290"). The rest are common
# Vietnamese abbreviations for other things (TT = thị trấn, TB = trung bình), so they count only when
# written in capitals.
_ABBR_ANY_CASE = {"qd", "nq", "kl", "ct", "nd"}
_ABBR_UPPER_ONLY = {"kh", "tb", "hd", "qc", "da", "tt", "bc", "ctr"}

_CODES = "|".join(sorted(_CODE_CANON, key=len, reverse=True))
_WORDS = "|".join(w.replace(" ", r"\s+") + (r"(?:\s+no\.?)?" if " " not in w and len(w) > 6 else "")
                  for w in sorted(_WORD_CANON, key=len, reverse=True))

# Party form: 290-QĐ/TW. Issuer: letters only (TW, TU, QU, HU, ĐU, BCĐ, BTGTW ...).
_PARTY_RE = re.compile(rf"(?<![\w/.-])0*(\d{{1,5}})\s?[-–]\s?({_CODES})\s?/\s?([a-z]{{1,8}})(?![\w/])")
# State form: 16/CT-TTg, 34/2018/NĐ-CP, 1234/QĐ-UBND.
_STATE_RE = re.compile(
    rf"(?<![\w/.-])0*(\d{{1,5}})/(?:((?:19|20)\d\d)/)?({_CODES})\s?[-–]\s?([a-z]{{1,8}})(?![\w/-])"
)
# A kind word (and "số") right before a full code joins the code's surface: "Quyết định số 290-QĐ/TW".
_LEAD_RE = re.compile(rf"(?:{_WORDS})(?:\s+so)?\s*$")
# Loose form: kind word or abbreviation, optional "số", a number that is not the start of a date,
# a decimal or a code.
_LOOSE_RE = re.compile(
    rf"(?<!\w)(?:(?P<word>{_WORDS})|(?P<abbr>{_CODES}))\.?(?:\s+so)?\s*0*(?P<num>\d{{1,5}})"
    r"(?:/(?P<year>(?:19|20)\d\d))?(?![\d/.,]\d|\d|\s?[-–]\s?[a-z]|/|%)"
)
# A count noun after the number means "quyết định 3 vấn đề" (decided three issues), not a document.
_COUNT_NOUNS = re.compile(
    r"\s+(?:nam|thang|ngay|tuan|gio|nguoi|lan|tap the|ca nhan|van de|noi dung|nhiem vu|du an|diem|"
    r"muc|chi tieu|ty|trieu|nghin|ngan|dong|cuoc|hoi nghi|don vi|xa|phuong|huyen|quan|tinh|ho|tang|phut|km|ha)\b(?!\s+nao\b)"
)

# Issuers printed in mixed case that the canonical form keeps ("TTg").
_ISSUER_CANON = {"ttg": "TTg"}


def _canon_issuer(raw: str) -> str:
    f = fold(raw)
    if f in _ISSUER_CANON:
        return _ISSUER_CANON[f]
    # Keep Đ where it was printed (ĐU, BCĐ); upper-case the rest.
    return raw.upper()


def _strip_zeros(num: str) -> str:
    return num.lstrip("0") or "0"


def find_refs(text: str) -> list[DocRef]:
    """All document references in ``text``, in order of position. Full codes win over loose wording
    that overlaps them, and a kind word right before a full code becomes part of its surface."""
    folded, off = fold_with_offsets(text)
    spans: list[tuple[int, int, DocRef]] = []  # folded spans, to test overlap

    def add(fs: int, fe: int, kind: str, number: str, issuer: str | None) -> None:
        s, e = off[fs], off[fe]
        spans.append((fs, fe, DocRef(kind, number, issuer, text[s:e], s, e)))

    def overlaps(fs: int, fe: int) -> bool:
        return any(fs < e and s < fe for s, e, _ in spans)

    def lead_start(fs: int) -> int:
        window_start = max(0, fs - 40)
        m = _LEAD_RE.search(folded, window_start, fs)
        if m and (m.start() == 0 or not folded[m.start() - 1].isalnum()):
            return m.start()
        return fs

    for m in _PARTY_RE.finditer(folded):
        raw_issuer = text[off[m.start(3)] : off[m.end(3)]]
        add(lead_start(m.start()), m.end(), _CODE_CANON[m.group(2)], _strip_zeros(m.group(1)), _canon_issuer(raw_issuer))
    for m in _STATE_RE.finditer(folded):
        if overlaps(m.start(), m.end()):
            continue
        number = _strip_zeros(m.group(1)) + (f"/{m.group(2)}" if m.group(2) else "")
        raw_issuer = text[off[m.start(4)] : off[m.end(4)]]
        add(lead_start(m.start()), m.end(), _CODE_CANON[m.group(3)], number, _canon_issuer(raw_issuer))
    for m in _LOOSE_RE.finditer(folded):
        if overlaps(m.start(), m.end()) or _COUNT_NOUNS.match(folded, m.end()):
            continue
        if m.group("word"):
            kind = _WORD_CANON[re.sub(r"\s+no\.?$", "", re.sub(r"\s+", " ", m.group("word")))]
        else:
            abbr = m.group("abbr")
            printed = text[off[m.start("abbr")] : off[m.end("abbr")]]
            if abbr in _ABBR_UPPER_ONLY and not printed.isupper():
                continue
            if abbr not in _ABBR_ANY_CASE and abbr not in _ABBR_UPPER_ONLY:
                continue
            kind = _CODE_CANON[abbr]
        number = _strip_zeros(m.group("num")) + (f"/{m.group('year')}" if m.group("year") else "")
        add(m.start(), m.end(), kind, number, None)
    return [r for _, _, r in sorted(spans, key=lambda t: t[0])]


def parse_ref(s: str) -> DocRef | None:
    """A filter value the user typed ("290-QĐ/TW", "QĐ 290", "quyet dinh 290") as a DocRef, or None."""
    refs = find_refs(s.strip())
    return refs[0] if refs else None


# ---------------------------------------------------------------- misprints


def within_one_edit(a: str, b: str) -> bool:
    """The same string, or one character inserted, deleted or replaced."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def is_likely_typo(printed: str, intended: str) -> bool:
    """Transposed digits (209 for 290) or one digit wrong, added or dropped."""
    if printed == intended or not printed.isdigit() or not intended.isdigit():
        return False
    same_digits = len(printed) == len(intended) and sorted(printed) == sorted(intended)
    return same_digits or within_one_edit(printed, intended)


def _compatible(r: DocRef, target: DocRef) -> bool:
    return r.kind == target.kind and (r.issuer is None or target.issuer is None or r.issuer == target.issuer)


def resolve_misprints(
    title: str, text: str, refs: list[DocRef], *, frequency_fallback: bool = True
) -> list[DocRef]:
    """Correct body numbers that are misprints of a document the article is about.

    A ref is corrected to ``N`` when (1) its printed number appears nowhere in the title, (2) the title
    names a document of the same kind and issuer whose number ``N`` is a likely typo away (transposed
    digits or edit distance 1). Article 000 prints "290-QĐ/TW" in its title and "209-QĐ/TW" twice in its
    body. A different real document next to it (218-QĐ/TW) is left alone: it is not a typo away.

    ``frequency_fallback``: when the title names no document of that kind, a number may still be
    corrected to one that the article prints at least 3 times and 3x as often, again only if a typo
    away and absent from the title. ``text`` is used only to check that the printed number is absent
    from the title wording; spans are kept as printed.
    """
    title_refs = find_refs(title)
    title_folded = fold(title)
    counts = Counter((r.kind, r.number) for r in refs)
    out: list[DocRef] = []
    for r in refs:
        if r.corrected_from is not None or re.search(rf"(?<!\d){re.escape(r.number)}(?!\d)", title_folded):
            out.append(r)
            continue
        same_kind_title = [t for t in title_refs if _compatible(r, t)]
        targets = [t.number for t in same_kind_title if is_likely_typo(r.number, t.number)]
        if not targets and frequency_fallback and not any(t.kind == r.kind for t in title_refs):
            targets = [
                n
                for (k, n), c in counts.items()
                if k == r.kind and c >= 3 and c >= 3 * counts[(r.kind, r.number)] and is_likely_typo(r.number, n)
            ]
        if len(set(targets)) == 1:
            out.append(replace(r, number=targets[0], corrected_from=r.number))
        else:
            out.append(r)
    return out


def distinct_refs(refs: list[DocRef] | tuple[DocRef, ...]) -> list[DocRef]:
    """One ref per document, first mention kept; a loose ref (issuer None) folds into a full ref with
    the same key, so {290-QĐ/TW, Quyết định 290} is one document."""
    full_keys = {r.key for r in refs if r.issuer}
    seen: set[tuple[str, str | None]] = set()
    out: list[DocRef] = []
    for r in refs:
        if r.issuer is None and r.key in full_keys:
            continue
        ident = (r.key, r.issuer)
        if ident not in seen:
            seen.add(ident)
            out.append(r)
    return out
