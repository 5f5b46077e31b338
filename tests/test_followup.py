"""Follow-up questions (qa/followup.py): what a follow-up keeps from the previous question, on the real
seed index."""

from __future__ import annotations

import pytest

from tracuu.contract import FollowUp

TAY_HO_DATE = "Quận Tây Hồ tổ chức hội nghị tổng kết ngày nào?"


@pytest.mark.parametrize("follow, previous, resolved", [
    ("còn Thanh Xuân thì sao?", TAY_HO_DATE, "Quận Thanh Xuân tổ chức hội nghị tổng kết ngày nào?"),
    ("Cần Thơ?", TAY_HO_DATE, "Thành phố Cần Thơ tổ chức hội nghị tổng kết ngày nào?"),
    ("what about 2021?", "How many Red Cross members did Tay Ho have in 2020?",
     "How many Red Cross members did Tay Ho have in 2021?"),
    ("what about Can Tho?", "When did Tay Ho review Decision 290?", "When did Can Tho review Decision 290?"),
])
def test_an_elliptical_follow_up_replaces_what_it_names(follow, previous, resolved):
    from qa.followup import resolve

    assert resolve(follow, previous).resolved == resolved


def test_a_full_question_keeps_the_place_it_does_not_name():
    from qa.followup import resolve

    f = resolve("Ai chủ trì hội nghị?", TAY_HO_DATE)
    assert f.inherited == (("place", "Quận Tây Hồ"),)
    assert "Tây Hồ" in f.resolved and f.filters.localities == ("Tây Hồ",)
    assert "Quận Tây Hồ" in f.note


def test_follow_up_with_nothing_before_is_the_question_itself():
    from qa.followup import resolve

    f = resolve("Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận?", "")
    assert f.resolved == "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận?" and f.inherited == ()


def test_thanh_xuan_after_tay_ho_answers_about_thanh_xuan(seed_index):
    from qa.followup import answer_follow_up

    answer, follow = answer_follow_up(seed_index, "còn Thanh Xuân thì sao?", TAY_HO_DATE)
    assert not answer.abstained
    assert {c.hit.doc_id for c in answer.citations} == {"001_520578ac9f119650.txt"}
    assert "22/9" in answer.citations[0].quote
    first_line = answer.text.splitlines()[0]
    assert "Quận Thanh Xuân" in first_line and "Quận Tây Hồ" in first_line  # says what it kept and changed
    assert FollowUp.of(follow).model_dump()["replaced"] == [{"kind": "place", "old": "Quận Tây Hồ", "new": "Quận Thanh Xuân"}]


def test_a_follow_up_keeps_the_document(seed_index):
    from qa.followup import answer_follow_up

    answer, follow = answer_follow_up(seed_index, "còn Cần Thơ thì sao?",
                                      "Quận Tây Hồ tổ chức hội nghị tổng kết Quyết định 290 vào ngày nào?")
    assert ("document", "Quyết định 290") in follow.inherited
    assert [c.hit.doc_id for c in answer.citations] == ["003_ea7666a5d156f620.txt"]
    assert "15/7/2020" in answer.citations[0].quote
