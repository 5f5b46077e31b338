"""Vietnamese text in the pre-Unicode encodings TCVN3 (ABC, the .Vn fonts), VNI and VIQR: detection with a
confidence, conversion to Unicode NFC, and encoders (for the round-trip tests).

Tables are written from the published charts (VSCII/TCVN 5712 VN3; the VNI Windows chart; RFC 1456 for
VIQR). Text is handled as characters, not bytes: a .txt file is read as Windows-1252, and Word or PDF
text set in a .VnTime or VNI-Times font comes out as those same Windows-1252 characters.

* TCVN3 has one code per lower-case toned vowel and no upper-case toned vowels (documents switched to a
  capitals font such as .VnTimeH), so those come back lower-case: an all-capital word and a word that
  starts a sentence or a line are given their capitals back; elsewhere the case is lost (a warning says so).
* VNI writes a base letter followed by a mark character: it is decoded as Unicode's decomposed form and
  then composed (NFC).
* VIQR writes marks as ASCII after the vowel (``Vie^.t``); a mark meant as punctuation is escaped
  (``\\.``), and an unescaped ``.``/``?`` after a word that already has a tone, or before a capital or
  the end of a line, is punctuation.

Nothing is guessed: ``detect`` gives a confidence (the share of changed words that are valid syllables)
and ``convert_text`` refuses below the caller's threshold, saying why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from .base import RefusedInput
from .vietnamese import is_syllable, syllable_share

LegacyEncoding = Literal["tcvn3", "vni", "viqr"]

# ------------------------------------------------------------------------------------------ TCVN3 (VN3)
_TCVN3_SPEC = (
    "A1Ă A2Â A3Ê A4Ô A5Ơ A6Ư A7Đ A8ă A9â AAê ABô ACơ ADư AEđ "
    "B5à B6ả B7ã B8á B9ạ BBằ BCẳ BDẵ BEắ C6ặ C7ầ C8ẩ C9ẫ CAấ CBậ CCè CEẻ CFẽ D0é D1ẹ "
    "D2ề D3ể D4ễ D5ế D6ệ D7ì D8ỉ DCĩ DDí DEị DFò E1ỏ E2õ E3ó E4ọ E5ồ E6ổ E7ỗ E8ố E9ộ "
    "EAờ EBở ECỡ EDớ EEợ EFù F1ủ F2ũ F3ú F4ụ F5ừ F6ử F7ữ F8ứ F9ự FAỳ FBỷ FCỹ FDý FEỵ"
)
TCVN3_DECODE: dict[int, str] = {int(item[:2], 16): item[2:] for item in _TCVN3_SPEC.split()}
TCVN3_ENCODE: dict[str, int] = {v: k for k, v in TCVN3_DECODE.items()}

# ------------------------------------------------------------------------------------------------- VNI
# Characters that stand for a whole letter (lower-case code, upper-case code).
_VNI_LETTERS = {"ơ": (0xF4, 0xD4), "ư": (0xF6, 0xD6), "đ": (0xF1, 0xD1), "í": (0xED, 0xCD), "ì": (0xEC, 0xCC),
                "ỉ": (0xE6, 0xC6), "ĩ": (0xF3, 0xD3), "ị": (0xF2, 0xD2), "ỵ": (0xEE, 0xCE)}
# Mark characters after a base letter (lower-case code, upper-case code) → combining marks.
_VNI_MARKS = {
    "\u0301": (0xF9, 0xD9), "\u0300": (0xF8, 0xD8), "\u0309": (0xFB, 0xDB), "\u0303": (0xF5, 0xD5),
    "\u0323": (0xEF, 0xCF), "\u0302": (0xE2, 0xC2), "\u0306": (0xEA, 0xCA),
    "\u0302\u0301": (0xE1, 0xC1), "\u0302\u0300": (0xE0, 0xC0), "\u0302\u0309": (0xE5, 0xC5),
    "\u0302\u0303": (0xE3, 0xC3), "\u0302\u0323": (0xE4, 0xC4),
    "\u0306\u0301": (0xE9, 0xC9), "\u0306\u0300": (0xE8, 0xC8), "\u0306\u0309": (0xFA, 0xDA),
    "\u0306\u0303": (0xFC, 0xDC), "\u0306\u0323": (0xEB, 0xCB),
}
VNI_DECODE: dict[int, str] = {}
for _letter, (_lo, _up) in _VNI_LETTERS.items():
    VNI_DECODE[_lo] = unicodedata.normalize("NFD", _letter)
    VNI_DECODE[_up] = unicodedata.normalize("NFD", _letter.upper())
for _marks, (_lo, _up) in _VNI_MARKS.items():
    VNI_DECODE[_lo] = VNI_DECODE[_up] = _marks

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_SHAPES = "\u0302\u0306\u031b"  # circumflex, breve, horn


def _legacy_codes(text: str) -> list[int | None]:
    """Each character's code in the legacy 8-bit space: Latin-1 directly, Windows-1252 specials mapped back,
    None for anything else (already Unicode beyond those)."""
    out: list[int | None] = []
    for ch in text:
        o = ord(ch)
        if o < 0x100:
            out.append(o)
        else:
            try:
                out.append(ch.encode("cp1252")[0])
            except UnicodeEncodeError:
                out.append(None)
    return out


def decode_tcvn3(text: str) -> str:
    chars = [TCVN3_DECODE.get(c, ch) if c is not None else ch for ch, c in zip(text, _legacy_codes(text))]
    return _restore_capitals(unicodedata.normalize("NFC", "".join(chars)))


def decode_vni(text: str) -> str:
    chars = [VNI_DECODE.get(c, ch) if c is not None and c >= 0xC0 else ch for ch, c in zip(text, _legacy_codes(text))]
    return unicodedata.normalize("NFC", "".join(chars))


def encode_tcvn3(text: str) -> str:
    """Unicode → TCVN3 as Windows-1252 characters; upper-case toned vowels take their lower-case code."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = TCVN3_ENCODE.get(ch)
        if code is None and ch.lower() in TCVN3_ENCODE and ch != ch.lower():
            code = TCVN3_ENCODE[ch.lower()]
        out.append(bytes([code]).decode("cp1252", "replace") if code is not None else ch)
    return "".join(out)


def encode_vni(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        lower = ch.lower()
        upper = ch != lower
        if lower in _VNI_LETTERS:
            out.append(bytes([_VNI_LETTERS[lower][upper]]).decode("cp1252"))
            continue
        nfd = unicodedata.normalize("NFD", ch)
        if len(nfd) == 1 or not nfd[0].isascii():
            out.append(ch)
            continue
        base, marks = nfd[0], nfd[1:]
        if "\u031b" in marks:  # ơ/ư with a tone: the horn letter's own code, then the tone
            out.append(bytes([_VNI_LETTERS[unicodedata.normalize("NFC", base.lower() + "\u031b")][upper]]).decode("cp1252"))
            marks = marks.replace("\u031b", "")
            base = ""
        shape = "".join(m for m in marks if m in _SHAPES)
        tone = "".join(m for m in marks if m in _TONES)
        key = shape + tone
        if key not in _VNI_MARKS:
            out.append(ch)
            continue
        out.append(base + bytes([_VNI_MARKS[key][upper]]).decode("cp1252"))
    return "".join(out)


# ------------------------------------------------------------------------------------------------ VIQR
_VIQR_SHAPE = {"\u0302": "^", "\u0306": "(", "\u031b": "+"}
_VIQR_TONE = {"\u0301": "'", "\u0300": "`", "\u0309": "?", "\u0303": "~", "\u0323": "."}
_VIQR_SHAPE_IN = {v: k for k, v in _VIQR_SHAPE.items()}
_VIQR_TONE_IN = {v: k for k, v in _VIQR_TONE.items()}
_VIQR_MARKS = set("^(+'`?~.")
_VIQR_VOWELS = set("aeiouyAEIOUY")
_SHAPE_OK = {("a", "^"), ("a", "("), ("e", "^"), ("o", "^"), ("o", "+"), ("u", "+")}


def encode_viqr(text: str) -> str:
    out: list[str] = []
    text = unicodedata.normalize("NFC", text)
    for i, ch in enumerate(text):
        if ch in "đĐ":
            out.append("dd" if ch == "đ" else "DD")
            continue
        nfd = unicodedata.normalize("NFD", ch)
        if nfd[0] in _VIQR_VOWELS and len(nfd) > 1 and all(m in _VIQR_SHAPE or m in _VIQR_TONE for m in nfd[1:]):
            marks = nfd[1:]
            out.append(nfd[0] + "".join(_VIQR_SHAPE[m] for m in marks if m in _VIQR_SHAPE)
                       + "".join(_VIQR_TONE[m] for m in marks if m in _VIQR_TONE))
        elif ch == "\\":
            out.append("\\\\")
        else:
            prev = out[-1][-1:] if out else ""
            # A literal mark after a vowel (or after a mark), or a literal d after d, is escaped.
            if (ch in _VIQR_MARKS and (prev in _VIQR_VOWELS or prev in _VIQR_MARKS)) or (ch in "dD" and prev in "dD" and out[-1] not in ("dd", "DD")):
                out.append("\\" + ch)
            else:
                out.append(ch)
    return "".join(out)


def decode_viqr(text: str) -> str:
    # A text that escapes literal marks (RFC 1456: "\\.") means every unescaped mark after a vowel is one.
    strict = bool(re.search(r"\\[.?'`~^(+]", text))
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and (text[i + 1] in _VIQR_MARKS or text[i + 1] in "dD\\"):
            out.append(text[i + 1])
            i += 2
            continue
        if ch in "dD" and i + 1 < n and text[i + 1] in "dD":
            out.append("đ" if ch == "d" else "Đ")
            i += 2
            continue
        if ch in _VIQR_VOWELS:
            letter = ch
            j = i + 1
            if j < n and text[j] in "^(+" and (ch.lower(), text[j]) in _SHAPE_OK:
                letter += _VIQR_SHAPE_IN[text[j]]
                j += 1
            if j < n and text[j] in _VIQR_TONE_IN and (strict or _tone_here(text, out, letter, j)):
                letter += _VIQR_TONE_IN[text[j]]
                j += 1
            out.append(unicodedata.normalize("NFC", letter))
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _tone_here(text: str, out: list[str], letter: str, j: int) -> bool:
    mark = text[j]
    if mark not in ".?":
        return True
    nxt = text[j + 1] if j + 1 < len(text) else ""
    if nxt.isalpha() or nxt in _VIQR_MARKS:
        return True  # inside the word: "ba.n"
    # At the end of a word: punctuation when the word already has a tone, or before a capital / line end.
    word = "".join(out[-6:]).split()[-1:] if out else []
    if word and any(c in _TONES for c in unicodedata.normalize("NFD", word[0])):
        return False
    rest = text[j + 1:j + 3]
    return not (rest == "" or rest.startswith("\n") or (rest[:1] == " " and rest[1:2].isupper()))


# ------------------------------------------------------------------------------------------- detection
# Letters that Western European languages write: text full of them is French or German, not TCVN3.
_WESTERN = frozenset("àâäçéèêëîïôöùûüÿœæáíóúñåøßãõÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆÁÍÓÚÑÅØÃÕ")
_TCVN3_HINTS = frozenset(bytes([c]).decode("cp1252", "replace") for c in TCVN3_DECODE) - _WESTERN
# VNI puts a mark character right after a vowel ("aø", "oâ") or writes ơ/ư/đ as ô/ö/ñ between letters.
_VNI_WORD = re.compile(r"[aeiouyAEIOUY][ùøûõïâêáàåãäéèúüëÙØÛÕÏÂÊÁÀÅÃÄÉÈÚÜË]|[a-zA-Z][ôöñÔÖÑ]|[ñÑ][a-zA-Z]")
_VIQR_TOKEN = re.compile(r"[A-Za-z]*[aeiouyAEIOUY][\^\(\+]?[`'?~.][A-Za-z]+|[A-Za-z]*(?:dd|DD)[A-Za-z]*|[A-Za-z]*[aeiouyAEIOUY][\^\(\+][`'?~.]?[A-Za-z]*")


@dataclass(frozen=True)
class Detection:
    """``encoding`` None means: not legacy-encoded Vietnamese (leave the text alone). ``share`` is the part
    of words that look legacy-encoded; ``confidence`` the share of converted words that are syllables."""

    encoding: LegacyEncoding | None
    confidence: float
    share: float
    reason: str


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\S+", text[:200_000]) if any(c.isalpha() for c in w)]


def detect(text: str) -> Detection:
    words = _words(text)
    if not words:
        return Detection(None, 1.0, 0.0, "no words")
    native = sum(1 for w in words if any(_is_unicode_vietnamese(c) for c in w))
    if native / len(words) > 0.2:
        return Detection(None, 1.0, 0.0, "already Unicode Vietnamese")
    if sum(1 for w in words if w.isascii()) >= 0.95 * len(words):
        share = sum(1 for w in words if _VIQR_TOKEN.search(w)) / len(words)
        if share < 0.25:
            return Detection(None, 1.0, share, "plain ASCII")
        conf, judged = syllable_share(decode_viqr(text[:200_000]))
        return Detection("viqr", conf if judged >= 10 else 0.0, share, f"{judged} VIQR words")
    best: Detection | None = None
    for name, looks, decoder in (("tcvn3", _looks_tcvn3, decode_tcvn3), ("vni", _VNI_WORD.search, decode_vni)):
        share = sum(1 for w in words if looks(w)) / len(words)
        conf, judged = syllable_share(decoder(text[:200_000]))
        cand = Detection(name, conf if judged >= 10 else 0.0, share, f"{judged} converted words")  # type: ignore[arg-type]
        if best is None or (cand.confidence, cand.share) > (best.confidence, best.share):
            best = cand
    assert best is not None
    if best.confidence >= 0.9 and best.share >= 0.1:
        return best
    if best.share < 0.25:
        return Detection(None, 1.0, best.share, "few words look legacy-encoded; left as it is")
    if best.confidence < 0.5:
        # Not Vietnamese in any of these encodings (Cyrillic in Windows-1251, random bytes): the caller's
        # other decoders judge it; a refusal here would blame the wrong cause.
        return Detection(None, 1.0 - best.confidence, best.share, "does not decode to Vietnamese")
    return best


def _looks_tcvn3(word: str) -> bool:
    return any(c in _TCVN3_HINTS for c in word)


def _is_unicode_vietnamese(ch: str) -> bool:
    # Only letters outside Latin-1: â ê ô are Latin-1 and so also TCVN3/VNI codes.
    return ch in "ăơưđĂƠƯĐ" or "\u1ea0" <= ch <= "\u1ef9" or "\u0300" <= ch <= "\u0323"


def decode(text: str, encoding: LegacyEncoding) -> str:
    return {"tcvn3": decode_tcvn3, "vni": decode_vni, "viqr": decode_viqr}[encoding](text)


def encode(text: str, encoding: LegacyEncoding) -> str:
    return {"tcvn3": encode_tcvn3, "vni": encode_vni, "viqr": encode_viqr}[encoding](text)


def convert_text(text: str, *, min_confidence: float) -> tuple[str, LegacyEncoding | None]:
    """The text in Unicode NFC and the legacy encoding it was in (None when it was not legacy-encoded).
    Raises ``RefusedInput`` when it looks legacy-encoded but no decoding is confident enough."""
    found = detect(text)
    if found.encoding is None:
        return text, None
    if found.confidence < min_confidence:
        raise RefusedInput(
            f"looks like legacy-encoded Vietnamese ({found.share:.0%} of words), best guess {found.encoding.upper()}, "
            f"but only {found.confidence:.0%} of its words decode to Vietnamese syllables (need {min_confidence:.0%}); "
            "convert it to Unicode with UniKey's converter or `iconv`, then ingest the result"
        )
    decoded = decode(text, found.encoding)
    if found.encoding == "tcvn3":
        lost = [w for w in re.findall(r"[^\W\d_]+", decoded[:200_000]) if _LOST_U_HORN.search(w.lower())]
        if len(lost) >= 3:
            raise RefusedInput(
                f"TCVN3 text that has lost its 'ư' letters ({len(lost)} words like {lost[0]!r}): the program that "
                "extracted it dropped the soft-hyphen code TCVN3 uses for 'ư'; open the file in LibreOffice or Word, "
                "save it as .docx and ingest that"
            )
    return decoded, found.encoding


# "ơ" closed by c/ch/ng/nh exists only as "ươ": without the "ư" the word lost it.
_LOST_U_HORN = re.compile(r"(?<!ư)[ơờớởỡợ](?:c|ch|ng|nh)$")


def convert_bytes(data: bytes, *, min_confidence: float) -> tuple[str, LegacyEncoding] | None:
    """Bytes that are not UTF-8, tried as TCVN3/VNI (read as Windows-1252) and VIQR; None when they do not
    look like any of them. Raises ``RefusedInput`` when they do but too uncertainly."""
    text = data.decode("cp1252", errors="replace").replace("\r\n", "\n")
    # Windows-1258 Vietnamese (tones as combining marks) also shows vowels followed by accented letters;
    # when it reads as Vietnamese syllables, it is Windows-1258, which the caller decodes.
    try:
        as_1258 = unicodedata.normalize("NFC", data[:200_000].decode("cp1258"))
    except UnicodeDecodeError:
        as_1258 = ""
    share_1258, judged_1258 = syllable_share(as_1258)
    if judged_1258 >= 10 and share_1258 >= min_confidence:
        return None
    converted, enc = convert_text(text, min_confidence=min_confidence)
    return (converted, enc) if enc else None


# ---------------------------------------------------------------------------------------- capitals


def _restore_capitals(text: str) -> str:
    """TCVN3 has no upper-case toned vowels: capitalise one that starts a sentence or line, and the toned
    vowels of a capital word: one with two or more other capitals ("HộI" → "HỘI"), or any word of
    capitals and toned vowels between two all-capital words ("TÂY Hồ ĐÃ" → "TÂY HỒ ĐÃ", "QCDC ở CƠ" →
    "QCDC Ở CƠ"; "Tây Hồ" stays)."""
    parts = re.split(r"([^\W\d_]+)", text)  # odd indices are words

    def capital(w: str) -> bool:
        return len(w) > 1 and all(c.isupper() for c in w if c.isalpha())

    def lossy_word(w: str) -> bool:
        return any(_lossy(c) for c in w) and all(c.isupper() or _lossy(c) for c in w if c.isalpha())

    for i in range(1, len(parts), 2):
        w = parts[i]
        if lossy_word(w) and sum(c.isupper() for c in w) >= 2:
            parts[i] = w.upper()
    changed = True
    while changed:  # "ĐẢNG ủy Và BAN": each capitalised word may complete its neighbour's context
        changed = False
        for i in range(1, len(parts), 2):
            w = parts[i]
            if lossy_word(w):
                before = parts[i - 2] if i >= 2 else ""
                after = parts[i + 2] if i + 2 < len(parts) else ""
                if (capital(before) or lossy_word(before)) and (capital(after) or lossy_word(after)) and (capital(before) or capital(after)):
                    parts[i] = w.upper()
                    changed = True
    text = "".join(parts)
    return re.sub(r"(^|[.!?:]\s+|\n\s*)([^\W\d_])", lambda m: m.group(1) + (m.group(2).upper() if _lossy(m.group(2)) else m.group(2)), text)


def _lossy(ch: str) -> bool:
    """A lower-case letter whose capital TCVN3 cannot write (a toned vowel)."""
    return ch.islower() and ch in TCVN3_ENCODE and ch.upper() not in TCVN3_ENCODE


def tcvn3_case_loss(text: str) -> str:
    """What a TCVN3 round trip gives back for ``text``: toned capitals lower-cased, then restored where
    the rules above can tell (for tests and the warning's count)."""
    lowered = "".join(c.lower() if c.isupper() and c.lower() in TCVN3_ENCODE and c not in TCVN3_ENCODE else c for c in text)
    return _restore_capitals(lowered)


__all__ = ["Detection", "LegacyEncoding", "convert_bytes", "convert_text", "decode", "detect", "encode", "is_syllable", "tcvn3_case_loss"]
