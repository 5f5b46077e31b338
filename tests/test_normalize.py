"""Normalisation: display form, one tone convention, length preservation."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.text.normalize import display_text, fold_diacritics, has_vietnamese_diacritics, search_text, unify_tones

VIET = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
ALPHABET = VIET + VIET.upper() + "bcdghklmnpqrstvx 0123456789.,;:!?-/“”\n\r\t\u00a0\u200b\ufeff\u202f\u0301\u0300"
viet_text = st.text(alphabet=ALPHABET, max_size=200)


def test_display_text_cleans_spaces_controls_and_line_ends():
    raw = "\ufeffA\u00a0B\u2007C\u202fD\u3000E\u200bF\r\nG\rH\x07I\tJ"
    assert display_text(raw) == "A B C D EF\nG\nHI\tJ"


def test_display_text_composes_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Quận ủy Tây Hồ")
    assert display_text(decomposed) == "Quận ủy Tây Hồ"


@pytest.mark.parametrize(
    ("old", "new"),
    [("uỷ", "ủy"), ("Uỷ ban", "ủy ban"), ("khoá", "khóa"), ("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"),
     ("tuỳ", "tùy"), ("Thuỵ", "thụy"), ("HOÀ BÌNH", "hòa bình"), ("hoà.", "hòa.")],
)
def test_search_text_moves_old_style_tones(old, new):
    assert search_text(old) == new


@pytest.mark.parametrize(
    "word",
    # Closed syllables and qu + y are written the same in both conventions and must not change.
    ["hoàn", "thuyền", "quý", "quỹ", "quỳ", "khuỷu", "ngoài", "xoáy", "huỳnh", "khuya", "toán", "quà", "hòa", "ủy"],
)
def test_search_text_leaves_standard_spellings(word):
    assert search_text(word) == word.lower()


def test_both_conventions_meet():
    assert search_text("Quận uỷ, Bộ Chính trị (khoá X)") == search_text("Quận ủy, Bộ Chính trị (khóa X)")


def test_unify_tones_keeps_case():
    assert unify_tones("HOÀ Uỷ") == "HÒA Ủy"


def test_fold_diacritics():
    assert fold_diacritics("Đà Nẵng, Tây Hồ, Quận ủy") == "Da Nang, Tay Ho, Quan uy"


def test_has_vietnamese_diacritics():
    assert has_vietnamese_diacritics("Tây Hồ")
    assert has_vietnamese_diacritics("đ")
    assert has_vietnamese_diacritics(unicodedata.normalize("NFD", "Hồ"))
    assert not has_vietnamese_diacritics("Tay Ho 2020")


@settings(max_examples=300, deadline=None)
@given(st.one_of(viet_text, st.text(max_size=100)))
def test_search_text_is_length_preserving(s):
    assert len(search_text(s)) == len(display_text(s))


@settings(max_examples=300, deadline=None)
@given(st.one_of(viet_text, st.text(max_size=100)))
def test_fold_and_unify_are_length_preserving(s):
    assert len(fold_diacritics(s)) == len(s)
    assert len(unify_tones(s)) == len(s)


@settings(max_examples=200, deadline=None)
@given(viet_text)
def test_search_text_is_idempotent_on_vietnamese(s):
    once = search_text(s)
    assert search_text(once) == once
