"""Legacy Vietnamese encodings: every seed article encoded to TCVN3, VNI and VIQR by our own encoders,
then detected and decoded back; unsure or damaged input is refused, ordinary text left alone."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

# Until the index/ingest package exists (issue 11's layout) these tests have nothing to test.
pytest.importorskip("index.ingest.readers", reason="needs the index/ingest package layout")
from index.ingest.readers import RefusedInput, read_document
from index.ingest.readers import legacy_encodings as L

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def seed_texts() -> list[str]:
    # U+00D0 (Icelandic eth) is typed for Đ in one article; no legacy encoding has it, so it is made the
    # letter it stands for before the round trip.
    return [unicodedata.normalize("NFC", p.read_text(encoding="utf-8")).replace("Ð", "Đ") for p in sorted(CORPUS.glob("*.txt"))]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viqr"])
def test_round_trip_of_every_seed_article(encoding):
    for text in seed_texts():
        legacy = L.encode(text, encoding)
        found = L.detect(legacy)
        assert found.encoding == encoding and found.confidence >= 0.95, found
        back, enc = L.convert_text(legacy, min_confidence=0.9)
        assert enc == encoding
        # TCVN3 has no capital toned vowels: what comes back is the text with those restored where a rule can tell.
        assert back == (L.tcvn3_case_loss(text) if encoding == "tcvn3" else text)


def test_tcvn3_capitals_come_back_at_sentence_starts_and_in_capital_words():
    text = "Ủy ban nhân dân. Ở đây HỘI NGHỊ TỔNG KẾT đã họp"
    assert L.decode(L.encode(text, "tcvn3"), "tcvn3") == text


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_bytes_of_a_text_file(encoding):
    text = seed_texts()[1]
    data = L.encode(text, encoding).encode("cp1252")
    converted = L.convert_bytes(data, min_confidence=0.9)
    assert converted is not None and converted[1] == encoding
    assert converted[0] == (L.tcvn3_case_loss(text) if encoding == "tcvn3" else text)


@pytest.mark.parametrize(
    "text",
    [
        "The committee met on Tuesday to review the plan. It's done; see www.example.org for details. " * 20,
        "Le comité s'est réuni à Genève; été, élève, où, déjà, français, garçon, hôtel, forêt. " * 20,
        "Quận ủy Tây Hồ đã tổ chức hội nghị tổng kết công tác dân vận. " * 20,
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert L.convert_text(text, min_confidence=0.9) == (text, None)


def test_damaged_legacy_text_is_refused_with_the_reason():
    legacy = list(L.encode(seed_texts()[0], "tcvn3"))
    codes = [c for c in set(legacy) if not c.isascii()]
    rng = random.Random(7)
    for i, ch in enumerate(legacy):
        if not ch.isascii() and rng.random() < 0.5:
            legacy[i] = rng.choice(codes)
    with pytest.raises(RefusedInput, match="TCVN3.*convert it to Unicode"):
        L.convert_text("".join(legacy), min_confidence=0.9)


def test_tcvn3_doc_whose_converter_dropped_the_u_horn_is_refused():
    # Made by LibreOffice from a .docx in .VnTime: it stores TCVN3's 'ư' (the soft-hyphen code) as Word's
    # optional hyphen, which antiword and catdoc drop. Converting would give "Trởng", so it is refused.
    with pytest.raises(RefusedInput, match="lost its 'ư'"):
        read_document(FIXTURES / "tcvn3_lost_u.doc")


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viqr"])
def test_text_file_bytes_in_each_encoding(encoding):
    from index.ingest.readers.text import decode_legacy_text

    text = seed_texts()[3]
    legacy = L.encode(text, encoding)
    for data in (legacy.encode("cp1252", "replace"), legacy.encode("utf-8")):
        got = decode_legacy_text(data)
        assert got is not None and got[1] == encoding
        assert got[0] == (L.tcvn3_case_loss(text) if encoding == "tcvn3" else text)


def test_utf8_vietnamese_and_windows_1258_are_not_legacy():
    from index.ingest.readers.text import decode_legacy_text

    text = seed_texts()[0]
    assert decode_legacy_text(text.encode("utf-8")) == (text, None)
    # Windows-1258 (not UTF-8, not TCVN3/VNI-shaped): left to the caller.
    # Windows-1258 writes the vowel shape precomposed and the tone as a combining mark.
    def cp1258(ch: str) -> str:
        nfd = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in nfd if c in "\u0300\u0301\u0303\u0309\u0323")
        return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones)) + tones

    data = "".join(cp1258(c) for c in "Hà Nội và Cần Thơ tổ chức hội nghị. " * 50).encode("cp1258")
    assert decode_legacy_text(data) is None
