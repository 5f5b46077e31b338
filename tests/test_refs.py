"""Document references: full codes, loose wording, filter values, and misprint resolution."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.text.refs import distinct_refs, find_refs, fold, fold_with_offsets, is_likely_typo, parse_ref, resolve_misprints


def canon(text: str) -> list[str]:
    return [r.canonical for r in find_refs(text)]


# Sentences copied from the corpus.
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Hội nghị tổng kết 10 năm thực hiện Quyết định số 290-QĐ/TW, Kết luận 66-KL/TW, Chỉ thị 43-CT/TW; "
            "sơ kết công tác Dân vận",
            ["290-QĐ/TW", "66-KL/TW", "43-CT/TW"],
        ),
        (
            "Ngày 22/9, Ban Thường vụ Quận ủy Thanh Xuân tổ chức hội nghị tổng kết 10 năm thực hiện Nghị quyết số "
            "25-NQ/TW ngày 3/6/2013 của Ban Chấp hành Trung ương Đảng (khóa XI)",
            ["25-NQ/TW"],
        ),
        (
            "sau 10 năm thực hiện Nghị quyết số 25-NQ/TW và Chương trình hành động số 23-Ctr/TU ngày 15/7/2013 "
            "của Thành ủy Hà Nội; Kế hoạch số 92-KH/QU, ngày 1/8/2013 của Quận ủy Thanh Xuân",
            ["25-NQ/TW", "23-Ctr/TU", "92-KH/QU"],
        ),
        ("tổng kết 10 năm thực hiện Quyết định số 218-QĐ/TW ngày 12/12/2013 của Bộ Chính trị (khóa XI)", ["218-QĐ/TW"]),
        (
            "theo Kết luận số 114-KL/TW của Ban Bí thư và Chỉ thị số 16/CT-TTg của Thủ tướng Chính phủ",
            ["114-KL/TW", "16-CT/TTg"],
        ),
        (
            "7 tập thể và 5 cá nhân được khen thưởng trong thực hiện 10 năm thực hiện Kết luận số 66, ngày "
            "04/03/2010 của Ban Bí thư về tiếp tục thực hiện Nghị quyết số 09 của Bộ Chính trị (khóa IX)",
            ["66-KL", "9-NQ"],
        ),
        ("sơ tổng kết các văn bản của Đảng về công tác dân vận, Kết luận 114; củng cố", ["114-KL"]),
        ("công tác tôn giáo, Đề án 212; đổi mới nội dung", ["212-ĐA"]),
        ("Hà Nội đã ban hành Nghị quyết 15, Chỉ thị 15 và đây là “đặc sản” của Hà Nội.", ["15-NQ", "15-CT"]),
        ("Nghị định số 34/2018/NĐ-CP của Chính phủ", ["34/2018-NĐ/CP"]),
    ],
)
def test_corpus_sentences(sentence: str, expected: list[str]) -> None:
    assert canon(sentence) == expected


def test_kind_words_join_the_full_code_surface() -> None:
    text = "thực hiện Quyết định số 290-QĐ/TW ngày 25/02/2010"
    (ref,) = find_refs(text)
    assert ref.surface == "Quyết định số 290-QĐ/TW"
    assert (ref.kind, ref.number, ref.issuer, ref.key) == ("QĐ", "290", "TW", "QĐ:290")
    assert text[ref.start : ref.end] == ref.surface


@pytest.mark.parametrize(
    "text",
    ["Quyết định 290", "Quyết định số 290", "QĐ 290", "quyet dinh 290", "QD 290", "qd so 290", "quyết định 290",
     "QUYẾT ĐỊNH SỐ 290"],
)
def test_loose_forms(text: str) -> None:
    (ref,) = find_refs(text)
    assert (ref.key, ref.issuer) == ("QĐ:290", None)


@pytest.mark.parametrize(
    ("text", "key"),
    [("Nghị quyết 25", "NQ:25"), ("Kết luận 114", "KL:114"), ("Chỉ thị 43", "CT:43"), ("Chỉ thị số 43", "CT:43"),
     ("nghi quyet 25", "NQ:25"), ("chi thi so 43", "CT:43"), ("Kế hoạch 92", "KH:92")],
)
def test_loose_kinds(text: str, key: str) -> None:
    assert [r.key for r in find_refs(text)] == [key]


@pytest.mark.parametrize("text", ["290-QD/TW", "290-qđ/tw", "290 - QĐ / TW", "Quyết định 290-QĐ/TW"])
def test_full_code_variants(text: str) -> None:
    assert canon(text) == ["290-QĐ/TW"]


@pytest.mark.parametrize(
    "text",
    [
        "Sau 10 năm thực hiện",
        "Quyết định số 290-QĐ/TW ngày 25/02/2010 của Bộ Chính trị (khóa X)",  # only the code, not the date
        "Đại hội toàn quốc lần thứ XIII, nhiệm kỳ 2020-2025",
        "phòng chống dịch COVID-19",
        "Ban Chấp hành quyết định 3 vấn đề lớn",
        "Báo cáo 10 năm thực hiện",
        "đã thành lập 91 Tổ dân vận",
        "khóa X",
        "25/02/2010",
        "Tính đến ngày 30/6/2020, đã có 2.310/2.310 đảng bộ",
        "TT 5 tầng",  # a capitalised abbreviation with a count noun is still no document
    ],
)
def test_no_ref_from_numbers_or_dates(text: str) -> None:
    refs = find_refs(text)
    assert [r.canonical for r in refs if r.canonical != "290-QĐ/TW"] == []


def test_full_code_and_its_wording_are_one_ref() -> None:
    assert len(find_refs("Quyết định số 290-QĐ/TW")) == 1
    assert len(find_refs("Chương trình hành động số 23-Ctr/TU")) == 1


def test_lowercase_abbreviations_that_are_words_are_not_refs() -> None:
    assert find_refs("đã 3 lần") == []
    assert find_refs("tt 5") == []


@pytest.mark.parametrize("value", ["290-QĐ/TW", "QĐ 290", "quyet dinh 290", "Quyết định số 290", "290-QD/TW", " qđ 290 "])
def test_parse_ref(value: str) -> None:
    ref = parse_ref(value)
    assert ref is not None and ref.key == "QĐ:290"


def test_parse_ref_rejects_non_refs() -> None:
    assert parse_ref("Tây Hồ") is None
    assert parse_ref("290") is None


def test_distinct_refs_merges_loose_into_full() -> None:
    refs = find_refs("Kết luận 66-KL/TW ... Kết luận số 66, ngày 04/03/2010 ... Kết luận 114")
    assert [r.canonical for r in distinct_refs(refs)] == ["66-KL/TW", "114-KL"]


# ---------------------------------------------------------------- misprints

TITLE_000 = (
    "Hội nghị tổng kết 10 năm thực hiện Quyết định số 290-QĐ/TW, Kết luận 66-KL/TW, Chỉ thị 43-CT/TW; sơ kết "
    "công tác Dân vận và Dân vận chính quyền 6 tháng đầu năm, triển khai nhiệm vụ 6 tháng cuối năm 2020"
)
BODY_000 = (
    "Sáng ngày 02/7/2020, Quận ủy Tây Hồ đã tổ chức hội nghị tổng kết 10 năm thực hiện Quyết định số 209-QĐ/TW, "
    "Kết luận 66-KL/TW, Chỉ thị 43-CT/TW; sơ kết công tác Dân vận.\n\n"
    "Sau 10 năm thực hiện Quyết định số 209-QĐ/TW, Kết luận 66-KL/TW, Chỉ thị 43-CT/TW, công tác nâng cao chất "
    "lượng đội ngũ cán bộ làm công tác dân vận được tăng cường.\n\n"
    "Tại hội nghị có 7 tập thể được khen thưởng có thành tích trong việc thực hiện Quyết định số 290-QĐ/TW của "
    "Bộ Chính trị (khoá X)"
)


def test_misprint_in_article_000_is_resolved_from_the_title() -> None:
    refs = resolve_misprints(TITLE_000, BODY_000, find_refs(BODY_000))
    qd = [r for r in refs if r.kind == "QĐ"]
    assert [r.canonical for r in qd] == ["290-QĐ/TW"] * 3
    assert [r.corrected_from for r in qd] == ["209", "209", None]
    for r in qd:  # spans and surface stay as printed, so citations quote the page
        assert BODY_000[r.start : r.end] == r.surface
    assert "209" in qd[0].surface


def test_other_real_documents_are_not_corrected() -> None:
    body = "thực hiện Quyết định số 218-QĐ/TW và Quyết định số 209-QĐ/TW; Kết luận 66-KL/TW"
    title = "Tổng kết Quyết định 290-QĐ/TW"
    refs = resolve_misprints(title, body, find_refs(body))
    assert [(r.canonical, r.corrected_from) for r in refs] == [
        ("218-QĐ/TW", None),  # not a typo of 290 (two digits differ)
        ("290-QĐ/TW", "209"),
        ("66-KL/TW", None),  # other kind
    ]


def test_printed_number_present_in_title_is_never_corrected() -> None:
    title = "Tổng kết Quyết định 290-QĐ/TW và Quyết định 209-QĐ/TW"
    body = "thực hiện Quyết định số 209-QĐ/TW"
    (ref,) = resolve_misprints(title, body, find_refs(body))
    assert (ref.number, ref.corrected_from) == ("209", None)


def test_different_issuer_is_not_corrected() -> None:
    refs = resolve_misprints("Quyết định 290-QĐ/TW", "Quyết định 209-QĐ/TU", find_refs("Quyết định 209-QĐ/TU"))
    assert refs[0].corrected_from is None


def test_frequency_fallback_needs_a_strong_majority() -> None:
    body = "Nghị quyết 25-NQ/TW. Nghị quyết 25-NQ/TW. Nghị quyết 25-NQ/TW. Nghị quyết 52-NQ/TW."
    refs = resolve_misprints("Hội nghị dân vận", body, find_refs(body))
    assert [r.canonical for r in refs] == ["25-NQ/TW"] * 4 and refs[-1].corrected_from == "52"
    few = "Nghị quyết 25-NQ/TW. Nghị quyết 25-NQ/TW. Nghị quyết 52-NQ/TW."
    assert resolve_misprints("Hội nghị", few, find_refs(few))[-1].corrected_from is None


@pytest.mark.parametrize(
    ("printed", "intended", "expected"),
    [("209", "290", True), ("291", "290", True), ("29", "290", True), ("218", "290", False), ("290", "290", False)],
)
def test_is_likely_typo(printed: str, intended: str, expected: bool) -> None:
    assert is_likely_typo(printed, intended) is expected


# ---------------------------------------------------------------- folding and properties


def test_fold_offsets_map_back_for_decomposed_text() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "Quyết định số 290-QĐ/TW")
    folded, off = fold_with_offsets(text)
    assert folded == "quyet dinh so 290-qd/tw" and len(off) == len(folded) + 1
    (ref,) = find_refs(text)
    assert text[ref.start : ref.end] == ref.surface and ref.key == "QĐ:290"
    assert fold("Đảng ủy") == "dang uy"


_ALPHABET = st.sampled_from(list("0123456789-/ .,;QĐDqđdKLCTNWUHRtrwuhABsốịnhquyếtđịKếluậnChỉthị\n\u0301"))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(_ALPHABET, max_size=60).map("".join)))
def test_find_refs_never_raises_and_spans_match(text: str) -> None:
    for r in find_refs(text):
        assert 0 <= r.start <= r.end <= len(text)
        assert text[r.start : r.end] == r.surface
    parse_ref(text)


@pytest.mark.parametrize(
    ("text", "key"),
    [("Decision 290", "QĐ:290"), ("decision No. 290", "QĐ:290"), ("Resolution 25", "NQ:25"),
     ("Directive 43", "CT:43"), ("Conclusion 114", "KL:114"), ("Decree 34/2018", "NĐ:34/2018")],
)
def test_english_kind_words(text: str, key: str) -> None:
    assert [r.key for r in find_refs(text)] == [key]


def test_a_date_question_after_the_number_keeps_the_ref():
    # "ngày nào" asks when; "290 ngày" alone would be a duration ("quyết định 290 ngày" is not a document).
    assert [r.number for r in find_refs("Quận Thanh Xuân tổng kết Quyết định 290 ngày nào?")] == ["290"]
    assert [r.number for r in find_refs("Quyết định 290 năm nào được ban hành?")] == ["290"]
