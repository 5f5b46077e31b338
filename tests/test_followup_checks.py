"""Follow-ups that hold (issue 25): the resolved question goes through the same checks as a typed one —
the counted noun, the place, the document — one test per follow-up form, on the real seed index."""

from __future__ import annotations

import json

import qa
from qa.followup import answer_follow_up

TO_DAN_VAN = "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?"


def test_elliptical_follow_up_abstains_where_the_article_gives_no_such_count(seed_index):
    # The Thanh Xuân article counts commended collectives ("khen thưởng 7 tập thể"), never Tổ dân vận.
    answer, follow = answer_follow_up(seed_index, "còn Thanh Xuân thì sao?", TO_DAN_VAN)
    assert follow.resolved == "Quận Thanh Xuân đã thành lập bao nhiêu Tổ dân vận khu dân cư?"
    assert answer.abstained and answer.direct is None and not answer.citations
    assert "Tổ dân vận khu dân cư" in answer.text and "7 tập thể" not in answer.text
    assert not answer.text.rstrip().endswith(":")  # names its nearest articles instead of ending on "gần nhất:"


def test_the_same_question_typed_abstains_the_same_way(seed_index):
    typed = qa.answer(seed_index, "Quận Thanh Xuân đã thành lập bao nhiêu Tổ dân vận khu dân cư?")
    followed, _ = answer_follow_up(seed_index, "còn Thanh Xuân thì sao?", TO_DAN_VAN)
    assert typed.abstained and followed.abstained
    assert followed.text.endswith(typed.text)  # the follow-up only adds the line saying what it kept


def test_bare_place_follow_up_is_checked_too(seed_index):
    answer, follow = answer_follow_up(seed_index, "Cần Thơ?", TO_DAN_VAN)
    assert "Cần Thơ" in follow.resolved and answer.abstained


def test_follow_up_where_the_article_gives_the_count_answers_with_its_span(seed_index):
    answer, follow = answer_follow_up(seed_index, "còn Tây Hồ thì sao?",
                                      "Hội Chữ thập đỏ quận Thanh Xuân có bao nhiêu hội viên?")
    assert "Tây Hồ" in follow.resolved and not answer.abstained
    assert answer.direct == "5.573 hội viên" and "5.573 hội viên" in answer.citations[0].quote


def test_full_question_keeping_the_place_is_checked(seed_index):
    # "Có bao nhiêu chi hội?" keeps Tây Hồ from the question before: the count of chi hội, not of hội viên.
    answer, follow = answer_follow_up(seed_index, "Có bao nhiêu chi hội Chữ thập đỏ?",
                                      "Hội Chữ thập đỏ quận Tây Hồ có bao nhiêu hội viên?")
    assert ("place", "quận Tây Hồ") in follow.inherited
    assert not answer.abstained and answer.direct == "126 chi hội"


def test_english_follow_up(seed_index):
    answer, follow = answer_follow_up(seed_index, "what about Thanh Xuan?",
                                      "How many Red Cross members does Tay Ho district have?")
    assert "Thanh Xuan" in follow.resolved
    out = _contract(answer)
    json.dumps(out)
    assert "5.573" not in out["answer"]  # Tây Hồ's figure is no answer about Thanh Xuân


def _contract(answer) -> dict:
    """The answer as every door prints it (tracuu.contract)."""
    from tracuu.contract import AskResponse

    return AskResponse.of(answer).model_dump(mode="json")
