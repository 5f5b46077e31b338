"""The question read once (qa.question), its checks through one protocol (qa.checks) and the one door
(qa.answer): on the real seed index."""

from __future__ import annotations

import pytest

from index.records import SearchFilters

TAY_HO_DATE = "Quận Tây Hồ tổ chức hội nghị tổng kết ngày nào?"


@pytest.mark.parametrize("text, field, value", [
    ("Giá vàng hôm nay là bao nhiêu?", "asks_today", True),
    ("Thành phố bây giờ được gọi là gì?", "asks_today", False),
    ("Quận Thanh Xuân tổng kết những văn bản nào?", "asks_documents", True),
    ("Quyết định 290 là gì?", "asks_what_it_is", True),
    ("who issued Decision 290?", "asks_what_it_is", True),
    ("Quyết định 218 ban hành ngày nào?", "asks_what_it_is", False),
    ("Quận Tây Hồ có bao nhiêu hội viên Chữ thập đỏ?", "counted", "hội viên"),
    ("Quận Tây Hồ có bao nhiêu hội viên Chữ thập đỏ?", "form", "count"),
    ("Phường Thanh Khê tổ chức hội nghị ngày nào?", "new_ward", "Phường Thanh Khê"),
    ("phường Thanh Khê Tây tổ chức gì?", "new_ward", None),  # a pre-2025 ward
])
def test_a_question_is_read_once_into_its_fields(text, field, value):
    from qa.question import read

    got = getattr(read(text), field)
    assert (got[0] if field == "new_ward" and got else got) == value


def test_the_organisations_a_question_names_are_read_with_it():
    from qa.question import read

    assert [o.label for o in read("Hội Chữ thập đỏ quận Đống Đa có bao nhiêu hội viên?").organisations] == ["Hội Chữ thập đỏ"]
    assert read("Tây Hồ có bao nhiêu Tổ dân vận?").organisations == ()


def test_every_check_has_one_signature_and_an_unmet_one_names_the_abstention(seed_index):
    from qa.checks import EVIDENCE_CHECKS, Asked, Unmet, run_checks
    from qa.question import read
    from qa.retrieve import Corpus, fact_evidence

    corpus = Corpus(seed_index)
    question = read("Quận Tây Hồ tổ chức hội nghị tổng kết năm 2015 vào ngày nào?")
    found = fact_evidence(corpus, question.text, question, SearchFilters())
    kept, unmet = run_checks(EVIDENCE_CHECKS, Asked(corpus, question, SearchFilters()), found)
    assert unmet == Unmet("năm 2015", why="unmet_time") and kept.hits  # the evidence before the failing check
    import qa

    answer = qa.answer(seed_index, question.text)
    assert answer.abstained and "năm 2015" in answer.text.splitlines()[0]


def test_the_door_answers_what_a_document_is_from_its_card(seed_index):
    import qa
    from report.ask import answer

    card = qa.answer(seed_index, "Quyết định 290 là gì?")
    assert not card.abstained and "Bộ Chính trị (khóa X)" in card.text and card.follow_up is None
    assert answer(seed_index, "Quyết định 290 là gì?") == (card, None)  # the deprecated alias is the same door
    # A filter is the reader's own pin: the card is not used then.
    filtered = qa.answer(seed_index, "Quyết định 290 là gì?", filters=SearchFilters(localities=("Tây Hồ",)))
    assert "được 3 bài viết" not in filtered.text


def test_the_door_answers_a_follow_up_and_keeps_its_record(seed_index):
    import qa

    answer = qa.answer(seed_index, "còn Thanh Xuân thì sao?", previous=TAY_HO_DATE)
    assert answer.question == "còn Thanh Xuân thì sao?" and not answer.abstained
    assert answer.follow_up.resolved == "Quận Thanh Xuân tổ chức hội nghị tổng kết ngày nào?"
    from tracuu.contract import FollowUp

    assert FollowUp.of(answer.follow_up).model_dump(mode="json")["replaced"] == [{"kind": "place", "old": "Quận Tây Hồ", "new": "Quận Thanh Xuân"}]
    assert answer.text.startswith(answer.follow_up.note + "\n")


def test_the_door_answers_a_2025_ward_from_its_old_wards(seed_index):
    import qa

    answer = qa.answer(seed_index, "Phường Thanh Khê tổ chức hội nghị tổng kết công tác dân vận ngày nào?")
    assert answer.text.splitlines()[0].startswith("Phường Thanh Khê (từ 1/7/2025) gồm: Phường Thanh Khê Tây")
    assert [c.hit.doc_id for c in answer.citations] == ["002_c9b5cf354f6206ed.txt"]
