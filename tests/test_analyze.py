"""Question analysis on the 12 seed questions and on unaccented / English variants."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from qa.analyze import QuestionAnalysis, analyze

SEED = Path("/work/shared/eval/seed_qa.jsonl")

# id -> (language, answer_type, ref keys, locality names, asked_level, action_terms ⊇)
EXPECTED: dict[str, tuple] = {
    "p01": ("vi", "list", ["QĐ:290"], [], None, {"tổng kết", "thực hiện"}),
    "p02": ("vi", "count", [], ["Tây Hồ"], None, {"thành lập"}),
    "p03": ("vi", "count", [], ["Cần Thơ"], None, {"xây dựng"}),
    "p04": ("en", "count", [], ["Hà Nội"], None, {"công nhận"}),
    "p05": ("vi", "date", [], ["Thanh Khê Tây"], None, {"tổng kết"}),
    "p06": ("vi", "list", [], ["Thanh Xuân"], None, {"tổng kết"}),
    "p07": ("vi", "person", [], [], None, set()),
    "p08": ("vi", "date", ["QĐ:290"], [], None, {"ban hành"}),
    "p09": ("vi", "count", [], [], None, set()),
    "p10": ("vi", "count", [], ["Hà Nội"], None, {"tổ chức", "giám sát"}),
    "p11": ("en", "list", ["QĐ:290"], [], "district", {"tổng kết"}),
    "p12": ("vi", "count", [], ["Tây Hồ"], None, set()),
}


def seed_questions() -> dict[str, str]:
    if SEED.exists():
        return {row["id"]: row["question"] for row in map(json.loads, SEED.read_text(encoding="utf-8").splitlines())}
    pytest.skip("seed questions not available")


@pytest.mark.parametrize("qid", sorted(EXPECTED))
def test_seed_questions(qid: str) -> None:
    a = analyze(seed_questions()[qid])
    language, answer_type, refs, locs, level, actions = EXPECTED[qid]
    assert a.language == language
    assert a.answer_type == answer_type
    assert [r.key for r in a.refs] == refs
    assert [loc.name for loc in a.localities] == locs
    assert a.asked_level == level
    assert actions <= set(a.action_terms)
    assert a.has_diacritics is True


def test_p11_details() -> None:
    a = analyze("which districts reviewed Quyết định 290?")
    assert a.refs[0].issuer is None and a.action_terms == ("tổng kết",)
    assert "which" not in a.keywords and "290" in a.keywords


def test_p09_out_of_domain_has_nothing_to_filter() -> None:
    a = analyze("Giá vàng hôm nay là bao nhiêu?")
    assert (a.refs, a.localities, a.years, a.months, a.action_terms) == ((), (), (), (), ())
    assert a.keywords == ("giá", "vàng")


def test_unaccented_question() -> None:
    a = analyze("quan tay ho thanh lap bao nhieu to dan van")
    assert (a.language, a.answer_type, a.has_diacritics) == ("vi", "count", False)
    assert [(loc.name, loc.level) for loc in a.localities] == [("Tây Hồ", "district")]
    assert a.action_terms == ("thành lập",)
    assert "bao" not in a.keywords and "to" in a.keywords  # "tổ" typed without its mark stays


def test_keywords_keep_tone_marks_and_drop_question_words() -> None:
    a = analyze("Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?")
    assert a.keywords == ("quận", "tây", "hồ", "thành", "lập", "tổ", "dân", "vận", "khu", "cư")
    b = analyze("Hội nghị tổng kết công tác dân vận của phường Thanh Khê Tây diễn ra ngày nào?")
    assert "nào" not in b.keywords and "ngày" not in b.keywords and "diễn" in b.keywords


@pytest.mark.parametrize(
    ("question", "answer_type", "level"),
    [
        ("Những huyện nào tổng kết Chỉ thị 43?", "list", "district"),
        ("Các quận nào đã sơ kết?", "list", "district"),
        ("Có mấy xã đạt chuẩn nông thôn mới?", "count", "ward"),
        ("How many wards held conferences?", "count", "ward"),
        ("Which provinces implemented Decision 290?", "list", "province"),
        ("Tỉnh nào tổng kết Quyết định 290?", "list", "province"),
        ("Những địa phương nào tổng kết?", "list", None),
        ("List the localities that reviewed Directive 43", "list", None),
        ("Khi nào Cần Thơ tổng kết QĐ 290?", "date", None),
        ("When did Tay Ho review decision 290-QD/TW?", "date", None),
        ("Hội nghị diễn ra bao giờ?", "date", None),
        ("Who chaired the meeting?", "person", None),
        ("Quyết định 290 nói về điều gì?", "description", None),
        ("Công tác dân vận quan trọng thế nào", "description", None),  # "quan" (important) is no level
        ("Ông ấy xa quê bao lâu", "description", None),
        ("Loại khí nào đã làm lửa bùng phát trong cabin?", "description", None),  # "khí nào" is no "khi nào"
        ("loai khi nao lam lua bung phat", "date", None),  # unaccented: the date reading is the likelier
        ("Những gì đã được sản xuất tại công ty của Tesla?", "list", None),
    ],
)
def test_answer_type_and_level(question: str, answer_type: str, level: str | None) -> None:
    a = analyze(question)
    assert (a.answer_type, a.asked_level) == (answer_type, level)


def test_asks_for_places_at_any_level() -> None:
    assert analyze("Những địa phương nào tổng kết?").asks_for_places
    assert analyze("which districts reviewed Quyết định 290?").asks_for_places
    assert not analyze("Những gì đã được sản xuất tại công ty của Tesla?").asks_for_places
    assert not analyze("Quận Tây Hồ có bao nhiêu hội viên?").asks_for_places  # a named place, not a question


def test_years_and_months() -> None:
    a = analyze("Những huyện nào tổng kết Chỉ thị 43 trong tháng 7/2020?")
    assert a.months == ((2020, 7),) and a.years == (2020,)
    b = analyze("How many wards held conferences in July 2020 and in 2021?")
    assert b.months == ((2020, 7),) and b.years == (2020, 2021)
    c = analyze("Hà Nội có bao nhiêu mô hình năm 2021")
    assert c.years == (2021,) and c.months == ()
    d = analyze("Nghị định 34/2018/NĐ-CP quy định gì?")  # a year inside a document number is not a filter
    assert d.years == () and [r.key for r in d.refs] == ["NĐ:34/2018"]


def test_english_actions_map_to_vietnamese_terms() -> None:
    a = analyze("Which districts summarised and implemented Resolution 25?")
    assert a.action_terms == ("tổng kết", "thực hiện")
    assert analyze("which wards reviewed Nghị quyết 25-NQ/TW").refs[0].canonical == "25-NQ/TW"


def test_result_is_frozen() -> None:
    a = analyze("Ai là Trưởng ban Dân vận Trung ương?")
    assert isinstance(a, QuestionAnalysis)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.answer_type = "list"  # type: ignore[misc]


def test_where_about_a_document_asks_for_a_list_of_places():
    for q in ("Quyết định 290 được tổng kết ở đâu?", "quyet dinh 290 duoc tong ket o dau", "Where was Decision 290 reviewed?"):
        a = analyze(q)
        assert a.answer_type == "list" and a.asks_for_places and a.refs, q
    assert analyze("Nhân viên công ty bị khởi tố ở đâu?").answer_type != "list"  # no document: one fact


def test_money_questions_and_refs_before_a_date_question():
    assert all(analyze(q).asks_money for q in ("Quận Tây Hồ hỗ trợ tổng số tiền bao nhiêu?", "quan tay ho ho tro bao nhieu tien",
                                              "How much money was given in support?", "Kinh phí là bao nhiêu?"))
    assert not analyze("Quận Tây Hồ có bao nhiêu Tổ dân vận?").asks_money
    assert [r.key for r in analyze("Quận Thanh Xuân tổng kết Quyết định 290 ngày nào?").refs] == ["QĐ:290"]


def test_what_a_document_is_about():
    for q in ("Quyết định 290 về việc gì?", "What is QĐ 290 about?", "quyet dinh 218 ve viec gi"):
        assert analyze(q).asks_subject, q
    assert not analyze("Quyết định 290-QĐ/TW được ban hành ngày nào?").asks_subject
    assert not analyze("Hội nghị về việc gì?").asks_subject  # no document named
