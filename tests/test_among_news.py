"""The seed articles hidden among other news: questions about them still find their passage, and a
question whose named place has only unrelated stories is not answered from those with confidence.
The distractors are written here (never copied from corpus-news): stories about the same places, with
amounts of money and counts, on other subjects."""

from __future__ import annotations


import numpy as np
import pytest

import qa
from qa.answers.fact import MIN_CONFIDENCE
from index.records import SearchFilters
from qa.learned import Calibration, Choice, Models, restrict, shipped_models
from qa.learned.features import SentenceCandidate

from conftest import CORPUS

DISTRACTORS = [
    ("news-cantho-loan", "Cần Thơ: Tạm giữ hai đối tượng cho vay nặng lãi",
     "Công an TP. Cần Thơ vừa tạm giữ hai đối tượng cho vay nặng lãi trên địa bàn quận Ninh Kiều.\n\n"
     "Hai đối tượng thừa nhận đã cho 13 người vay với tổng số tiền khoảng 70 triệu đồng, lãi suất 15%/tháng. "
     "Vụ việc đang được điều tra làm rõ."),
    ("news-tayho-fire", "Cháy nhà hàng trên đường Lạc Long Quân, quận Tây Hồ",
     "Tối 12/3, một nhà hàng trên đường Lạc Long Quân, quận Tây Hồ, Hà Nội bốc cháy dữ dội.\n\n"
     "Lực lượng cứu hỏa quận Tây Hồ đã điều 5 xe chữa cháy tới hiện trường. Thiệt hại ước tính 2 tỷ đồng, "
     "không có thương vong về người."),
    ("news-gold-robbery", "Bắt đối tượng cướp tiệm vàng ở Nghệ An",
     "Công an huyện Hưng Nguyên, tỉnh Nghệ An đã bắt giữ đối tượng dùng dao cướp tiệm vàng.\n\n"
     "Tài sản bị cướp gồm trang sức trị giá khoảng 500 triệu đồng và 70 triệu đồng tiền mặt. Đối tượng khai "
     "đã bán một phần số vàng cho một tiệm vàng khác."),
    ("news-dongda-theft", "Bắt đối tượng trộm 51 máy tính ở quận Đống Đa",
     "Công an phường Ô Chợ Dừa, quận Đống Đa, Hà Nội vừa bắt đối tượng trộm 51 máy tính xách tay.\n\n"
     "Tổng giá trị tài sản bị trộm khoảng 1 tỷ đồng; đối tượng có 3 tiền án về tội trộm cắp."),
    ("news-thuykhue-search", "Khám xét nơi ở của lãnh đạo một công ty điện thoại",
     "Sáng 9/5, Công an phường Thụy Khuê, quận Tây Hồ phối hợp khám xét nơi ở của một lãnh đạo công ty.\n\n"
     "Lực lượng chức năng đã thu giữ 2 ô tô và 15 thùng tài liệu. Công ty có 9 cửa hàng tại Hà Nội."),
]


@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory):
    from conftest import index_of_articles

    return index_of_articles(tmp_path_factory.mktemp("mixed"), DISTRACTORS, "2019-03-13", also=[CORPUS])


def test_the_seed_answer_is_found_beside_a_story_about_the_same_district(mixed_index):
    answer = qa.answer(mixed_index, "Quận Tây Hồ hỗ trợ tổng số tiền bao nhiêu?")
    assert not answer.abstained and "17 tỷ 145 triệu" in answer.text
    assert answer.citations[0].hit.doc_id.startswith("000")


def test_unrelated_money_in_the_named_city_is_not_a_confident_answer(mixed_index):
    answer = qa.answer(mixed_index, "Cần Thơ chi bao nhiêu tiền cho công tác dân vận?")
    assert answer.abstained or answer.confidence < shipped_models().calibration.threshold, answer.text


def test_a_count_of_what_no_shown_sentence_names_is_not_offered(mixed_index):
    # The ward's only story counts cars and shops; the question counts Tổ dân vận (docs/questions.md, u04).
    answer = qa.answer(mixed_index, "Phường Thụy Khuê có bao nhiêu Tổ dân vận?")
    assert answer.abstained, answer.text
    from qa.answers.fact import names_what_is_counted

    question = "Cần Thơ đã tổ chức bao nhiêu cuộc quán triệt?"
    assert names_what_is_counted(question, ["các cấp đã tổ chức hơn 21.000 cuộc, với 550.000 người dự quán triệt"])
    assert not names_what_is_counted(question, ["từ nay đến năm 2030 sẽ di dời 500 hộ dân"])
    assert names_what_is_counted("How many members?", [])  # no counted noun read: nothing to check


def test_no_adequate_evidence_abstains_instead_of_listing_guesses(mixed_index):
    answer = qa.answer(mixed_index, "Giá vàng hôm nay là bao nhiêu?")
    assert answer.abstained, answer.text


def _choice(scores, texts):
    cands = tuple(SentenceCandidate(0, 0, len(t), t) for t in texts)
    return Choice(cands, tuple(scores), None, False)


def test_restricting_to_an_answer_type_keeps_the_share_among_all_candidates():
    calibration = Calibration(np.array([0.0, 1.0]), np.array([0.0, 1.0]), threshold=0.5)
    models = Models(None, None, calibration)
    choice = _choice([3.0, 1.0, 0.5], ["không có số", "chi 70 triệu đồng", "5 tỷ đồng"])
    kept = restrict(choice, lambda c: "đồng" in c.text, models)
    assert [c.text for c in kept.candidates] == ["chi 70 triệu đồng", "5 tỷ đồng"]
    e = np.exp(np.array([3.0, 1.0, 0.5]) - 3.0)
    assert kept.confidence == pytest.approx(e[1] / e.sum())  # not its share among the two kept
    assert kept.tentative
    same = restrict(choice, lambda c: True, models)
    assert same.candidates == choice.candidates


def test_min_confidence_sits_below_the_tentative_threshold():
    assert 0.0 < MIN_CONFIDENCE < shipped_models().calibration.threshold


def test_a_search_can_be_confined_to_articles(mixed_index):
    hits = mixed_index.search("tổng số tiền", k=10, filters=SearchFilters(articles=("news-tayho-fire", "news-cantho-loan")))
    assert hits and {h.doc_id for h in hits} <= {"news-tayho-fire", "news-cantho-loan"}
    assert {h.doc_id for h in mixed_index.search("tổng số tiền", k=10)} - {"news-tayho-fire", "news-cantho-loan"}


def test_today_is_a_checked_time(mixed_index, monkeypatch):
    import datetime as dt

    from qa import recency

    assert recency.asks_about_today("Giá vàng hôm nay là bao nhiêu?") and recency.asks_about_today("gold price today?")
    assert not recency.asks_about_today("Thành phố bây giờ được gọi là gì?")
    answer = qa.answer(mixed_index, "Giá vàng hôm nay là bao nhiêu?")
    assert answer.abstained and "hôm nay" in answer.text
    monkeypatch.setattr(recency, "today", lambda: dt.date(2019, 3, 13))  # the distractors' date
    assert recency.dated_today(["news-gold-robbery", "000"], lambda d: "2019-03-13" if d.startswith("news") else None) \
        == {"news-gold-robbery"}
    later = qa.answer(mixed_index, "Giá vàng hôm nay là bao nhiêu?")
    assert all(c.hit.doc_id.startswith("news-") for c in later.citations)


def test_an_organisation_the_question_names_is_checked(mixed_index):
    from qa.organisations import names_organisation
    from qa.question.organisations import asked_organisations

    (red_cross,) = asked_organisations("How many members does the Red Cross of Dong Da have?")
    assert names_organisation("Quận ủy chỉ đạo Hội CTĐ từ quận đến cơ sở", red_cross)
    assert not asked_organisations("Hội An có bao nhiêu di tích?")
    absent = qa.answer(mixed_index, "Hội Chữ thập đỏ quận Đống Đa có bao nhiêu hội viên?")
    assert absent.abstained and "Hội Chữ thập đỏ" in absent.text, absent.text
    present = qa.answer(mixed_index, "Hội Chữ thập đỏ quận Tây Hồ có bao nhiêu hội viên?")
    assert not present.abstained and all(c.hit.doc_id.startswith("000") for c in present.citations)
