"""Sixteen questions over the seed articles written after the round-5 code (tests/data/direct_seed_round5.jsonl:
person, organisation, place, date, count, percentage and code spans, each verbatim in one article). Asked first,
`direct` held the gold for 10/16; the fixes they led to are tested below on their own: a date asked as
"ngày ban hành nào", and an office's holder never read across the ";" that ends another person's entry (12/16);
then q07's "quận nào" with no document code became one place of one event instead of a list (13/16,
tests/test_topic_check.py)."""

from __future__ import annotations


import pytest
from conftest import written_questions

import qa

KNOWN = {
    "q04": "an organisation printed the Vietnamese way, capitalising each compound's first syllable only ('Ban "
           "Dân vận Thành uỷ'): name runs stop at 'vận'; candidates with such tails were tried and lost on the "
           "tune parts (docs/model-card.md)",
    "q05": "'thành phố nào' reads as a list question: answered across articles, with no direct span",
    "q06": "'quận nào' reads as a list question: a list of one, with no direct span",
}


@pytest.mark.parametrize("item", written_questions("direct_seed_round5.jsonl", KNOWN, strict=True))
def test_round5_question_has_its_span_in_direct(seed_index, item):
    from tracuu.contract import AskResponse

    out = AskResponse.of(qa.answer(seed_index, item["question"])).model_dump(mode="json")  # as `ask --json` says it
    assert out["direct"] and item["gold"].lower() in out["direct"].lower(), (out["direct"], out["answer"][:200])
    quoted = {c["n"]: c["text"] for c in out["citations"]}[out["direct_citation"]]
    assert out["direct"] in quoted  # cut from its quoted sentence


@pytest.mark.parametrize("question", [
    "Kết luận số 66 của Ban Bí thư mang ngày ban hành nào?",
    "Ket luan so 66 cua Ban Bi thu mang ngay ban hanh nao?",
    "Quyết định 290 có ngày ký nào?",
])
def test_a_date_named_by_its_event_is_a_date_question(question):
    from qa.analyze import analyze

    assert analyze(question).answer_type == "date"


def test_the_date_of_a_document_is_not_read_as_a_description():
    from qa.analyze import analyze

    assert analyze("Kết luận số 66 nói về nội dung nào?").answer_type != "date"


SENTENCE = ("Chủ trì hội nghị có các đồng chí Phạm Văn Hiểu, Phó Bí thư Thường trực Thành ủy, Chủ tịch HĐND thành "
            "phố; Nguyễn Trung Nhân, Ủy viên Ban Thường vụ, Trưởng Ban Dân vận Thành ủy; Trương Quang Hoài Nam, "
            "Thành ủy viên, Phó Chủ tịch UBND thành phố.")


def test_an_office_holder_is_not_read_across_a_semicolon():
    from qa.analyze import analyze
    from qa.offices import holder_named

    office = analyze("Ai là Trưởng Ban Dân vận Thành ủy?").asks_office
    assert office is not None
    assert holder_named(SENTENCE, office, ["Nguyễn Trung Nhân"])
    assert not holder_named(SENTENCE, office, ["Trương Quang Hoài Nam"])  # the next entry, after the ";"
    # a name printed right after its office and place, with no list mark between, still holds it
    assert holder_named("Chủ tịch UBND tỉnh Trà Vinh Đồng Văn Lâm phát biểu.",
                        analyze("Ai là Chủ tịch UBND tỉnh Trà Vinh?").asks_office, ["Đồng Văn Lâm"])


def test_an_office_is_read_beside_a_role():
    from qa.analyze import analyze

    a = analyze("Ai đang giữ cương vị Trưởng Ban Dân vận Thành ủy và cùng chủ trì hội nghị?")
    assert a.asks_role == "chair" and a.asks_office is not None and a.asks_office.head == "truong ban"
