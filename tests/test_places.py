"""Localities against the pre-2025 gazetteer of vietnamadminunits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.text.places import distinct_localities, find_localities, resolve_locality


def units(text: str, **kw) -> list[tuple[str, str, str, str | None]]:
    return [(loc.level, loc.name, loc.province, loc.district) for loc in distinct_localities(find_localities(text, **kw))]


# Sentences copied from the corpus.
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Sáng ngày 02/7/2020, Quận ủy Tây Hồ đã tổ chức hội nghị tổng kết", [("district", "Tây Hồ", "Hà Nội", None)]),
        (
            "tiếp tục đóng góp vào dự thảo các văn kiện Đại hội Đảng bộ Thành phố Hà Nội lần thứ XVII, Đại hội toàn "
            "quốc lần thứ XIII; … kỷ niệm 25 năm thành lập quận Tây Hồ.",
            [("province", "Hà Nội", "Hà Nội", None), ("district", "Tây Hồ", "Hà Nội", None)],
        ),
        ("Quận Thanh Xuân: Xây dựng và nhân rộng các mô hình “dân vận khéo” trên các lĩnh vực",
         [("district", "Thanh Xuân", "Hà Nội", None)]),
        ("Chiều 15/7/2020, Ban Thường vụ Thành ủy Cần Thơ tổ chức Hội nghị tổng kết",
         [("province", "Cần Thơ", "Cần Thơ", None)]),
        (
            "KHỐI DÂN VẬN ĐẢNG ỦY VÀ BAN CHỈ ĐẠO THỰC HIỆN QCDC Ở CƠ SỞ PHƯỜNG THANH KHÊ TÂY TỔ CHỨC HỘI NGHỊ TỔNG KẾT",
            [("ward", "Thanh Khê Tây", "Đà Nẵng", "Thanh Khê")],
        ),
        ("Bệnh viện Mắt thành phố Hà Nội có địa chỉ ở phường Phú Lương, quận Hà Đông.",
         [("province", "Hà Nội", "Hà Nội", None), ("ward", "Phú Lương", "Hà Nội", "Hà Đông"),
          ("district", "Hà Đông", "Hà Nội", None)]),
        ("Huyện Thường Tín đang tập trung đẩy mạnh đầu tư xây dựng cụm công nghiệp",
         [("district", "Thường Tín", "Hà Nội", None)]),
        ("Tại buổi làm việc, Bí thư Thành uỷ Hà Nội Vương Đình Huệ cho biết, Hà Nội có khối lượng công việc lớn",
         [("province", "Hà Nội", "Hà Nội", None)]),
    ],
)
def test_corpus_sentences(sentence: str, expected: list) -> None:
    assert units(sentence) == expected


def test_spans_and_surface() -> None:
    text = "Về phía quận Tây Hồ có đồng chí Nguyễn Anh Tuấn"
    (loc,) = find_localities(text)
    assert loc.surface == "quận Tây Hồ" and text[loc.start : loc.end] == loc.surface
    assert (loc.full_name, loc.level) == ("Quận Tây Hồ", "district")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("quan tay ho thanh lap bao nhieu to dan van", [("district", "Tây Hồ", "Hà Nội", None)]),
        ("Tây Hồ thành lập bao nhiêu tổ dân vận?", [("district", "Tây Hồ", "Hà Nội", None)]),
        ("can tho", [("province", "Cần Thơ", "Cần Thơ", None)]),
        ("ha noi co bao nhieu mo hinh", [("province", "Hà Nội", "Hà Nội", None)]),
        ("How many models were recognized in Hanoi?", [("province", "Hà Nội", "Hà Nội", None)]),
        ("TP. Hồ Chí Minh và TP.HCM", [("province", "Hồ Chí Minh", "Hồ Chí Minh", None)]),
        ("thanh xuan tong ket nhung van ban nao", [("district", "Thanh Xuân", "Hà Nội", None)]),
        ("phường thanh khê tây", [("ward", "Thanh Khê Tây", "Đà Nẵng", "Thanh Khê")]),
        ("Thừa Thiên Huế", [("province", "Thừa Thiên Huế", "Thừa Thiên Huế", None)]),
    ],
)
def test_queries(query: str, expected: list) -> None:
    assert units(query) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ảnh hưởng lớn đến phát triển kinh tế – xã hội của phường.",  # "xã hội" is society
        "Trưởng ban Dân vận Trung ương Trương Thị Mai phát biểu kết luận cuộc làm việc.",
        "Tân",
        "An",
        "Bí thư Thành ủy Vương Đình Huệ chủ trì họp",  # "Huệ" is a person, not Huế
        "tư tưởng Hồ Chí Minh",
        "Thanh Thủy\n\nTrả lời",  # a byline; a district name (Phú Thọ) in long prose needs its unit word
        "Ban Dân vận Quận ủy tập trung xây dựng quy chế dân chủ",
        "Hội Chữ Thập đỏ Thành phố; đồng chí",
        "xa Hà Giang thì",  # "xa" (far) without tone marks is not "xã"... but the province is still named
        "phong trào hòa bình",
    ],
)
def test_common_words_are_not_places(text: str) -> None:
    found = units(text + " " + "x" * 300 if text.startswith("Thanh Thủy") else text)
    assert [u for u in found if u[1] != "Hà Giang"] == []


def test_numbered_units() -> None:
    assert units("Ban Dân vận quận 1, TP. Hồ Chí Minh và phường 12 Quận 10") == [
        ("district", "Quận 1", "Hồ Chí Minh", None),
        ("province", "Hồ Chí Minh", "Hồ Chí Minh", None),
        ("ward", "Phường 12", "Hồ Chí Minh", "Quận 10"),
        ("district", "Quận 10", "Hồ Chí Minh", None),
    ]


def test_ward_disambiguated_by_other_places_in_text_or_context() -> None:
    # Phường Tân Định exists in Quận 1 (Hồ Chí Minh) and in Bến Cát (Bình Dương).
    assert units("Phường Tân Định, TP. Hồ Chí Minh")[0] == ("ward", "Tân Định", "Hồ Chí Minh", "Quận 1")
    ctx = find_localities("thị xã Bến Cát, tỉnh Bình Dương")
    assert units("Đảng ủy phường Tân Định tổ chức hội nghị", context_localities=ctx)[0] == (
        "ward", "Tân Định", "Bình Dương", "Bến Cát")
    # Unresolvable: the name stays searchable, the parent is left empty rather than guessed.
    (loc,) = find_localities("Đảng ủy phường Tân Định tổ chức hội nghị")
    assert (loc.name, loc.province, loc.district) == ("Tân Định", "", None)


def test_district_disambiguated_by_province() -> None:
    assert units("huyện Châu Thành, tỉnh Tiền Giang")[0] == ("district", "Châu Thành", "Tiền Giang", None)


def test_bare_district_in_prose_needs_its_unit_word_elsewhere() -> None:
    prose = "Về phía quận Tây Hồ có đồng chí Nguyễn Anh Tuấn. " + "Công tác dân vận được tăng cường. " * 10
    assert units(prose + "Tây Hồ đạt kết quả tốt.") == [("district", "Tây Hồ", "Hà Nội", None)]
    assert len(find_localities(prose + "Tây Hồ đạt kết quả tốt.")) == 2
    assert units("Công tác dân vận được tăng cường. " * 10 + "Thanh Thủy") == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tây Hồ", [("district", "Tây Hồ", "Hà Nội", None)]),
        ("quận tây hồ", [("district", "Tây Hồ", "Hà Nội", None)]),
        ("can tho", [("province", "Cần Thơ", "Cần Thơ", None)]),
        ("Thanh Khê Tây", [("ward", "Thanh Khê Tây", "Đà Nẵng", "Thanh Khê")]),
        ("Hà Nội", [("province", "Hà Nội", "Hà Nội", None)]),
        ("Trung ương", []),
        ("Tân", []),
    ],
)
def test_resolve_locality(value: str, expected: list) -> None:
    assert [(loc.level, loc.name, loc.province, loc.district) for loc in resolve_locality(value)] == expected


def test_resolve_locality_lists_every_same_named_unit() -> None:
    found = resolve_locality("Châu Thành")
    assert len(found) >= 8 and {loc.level for loc in found} == {"district"} | ({"ward"} & {loc.level for loc in found})


_WORDS = st.sampled_from(
    ["quận", "Quận", "Tây", "Hồ", "phường", "Thanh", "Khê", "xã", "hội", "Hà", "Nội", "TP.", "HCM", "Thành", "ủy",
     "Cần", "Thơ", "1", "huyện", "Châu", ",", "tỉnh", "Tiền", "Giang", "thị", "trấn", "Hanoi", "\u0301", "đ"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(_WORDS, max_size=12).map(" ".join)))
def test_find_localities_never_raises_and_spans_match(text: str) -> None:
    for loc in find_localities(text):
        assert 0 <= loc.start <= loc.end <= len(text)
        assert text[loc.start : loc.end] == loc.surface
