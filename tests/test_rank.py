"""Sentence choice (qa/rank.py): expected-type checks, continuing sentences, context vectors; and
which questions get a list across articles (qa/answers/router.py)."""

from __future__ import annotations

import numpy as np
import pytest

import qa
from index.records import Hit, Passage
from qa import rank


@pytest.mark.parametrize(
    "sentence, continues",
    [
        ("Nó được tái lập vào tháng 4 năm 1991.", True),
        ("Họ cũng đã giành được chức vô địch quốc gia vào năm 1946.", True),
        ("Tuy nhiên, vai trò của Mặt trận chưa rõ.", True),
        ("Ví dụ, phường Thanh Khê Tây đã tổ chức 12 buổi đối thoại.", True),
        ("“Đó là kết quả của cả hệ thống chính trị”, ông nói.", True),  # a quote mark before the opening word
        ("Quận Tây Hồ đã thành lập 91 Tổ dân vận.", False),
        ("Đóng góp của nhân dân đạt 5 tỷ đồng.", False),  # "Đó" must be a whole word
        ("Hoạt động dân vận được đẩy mạnh.", False),
    ],
)
def test_continuing_sentences(sentence: str, continues: bool) -> None:
    assert rank.continues_previous(sentence) is continues


def test_a_date_the_question_gives_is_no_answer() -> None:
    question = "Hội nghị tổng kết công tác dân vận năm 2021 diễn ra khi nào?"
    assert not rank.holds_expected("Hội nghị tổng kết công tác dân vận năm 2021 thành công tốt đẹp.",
                                       "date", question)
    assert rank.holds_expected("Hội nghị diễn ra ngày 13/01/2022 tại hội trường phường.", "date", question)


@pytest.mark.parametrize(
    "sentence, is_date",
    [
        ("Chiều 10-6 giờ Quebec, Thủ tướng đã hội đàm với Thủ tướng Canada.", True),  # news prints d-m
        ("Tàu SAR 411 về cảng lúc rạng sáng 5-4.", True),
        ("Vụ việc xảy ra 30-4-2019 tại quận Tây Hồ.", True),
        ("Đội tuyển thắng 3-1 trong trận đấu cuối.", False),  # a score, not a day
        ("Gió mạnh cấp 6-7, sóng cao 2-3 m.", False),  # a range
    ],
)
def test_days_printed_with_a_hyphen(sentence: str, is_date: bool) -> None:
    assert rank.holds_expected(sentence, "date", "Thủ tướng hội đàm vào ngày nào?") is is_date


def test_a_day_printed_with_a_hyphen_is_no_count() -> None:
    question = "Có bao nhiêu ngư dân được đưa về?"
    assert not rank.holds_expected("Chiều 5-4, tàu về cảng an toàn.", "count", question)
    assert not rank.holds_expected("Vụ việc xảy ra hôm 30-4-2019 tại quận Tây Hồ.", "count", question)
    assert rank.holds_expected("Chiều 5-4, tàu đưa 19 ngư dân về cảng.", "count", question)


@pytest.mark.parametrize(
    "sentence, holds",
    [
        ("Phó Bí thư Thường trực Quận ủy Nguyễn Minh Tiến yêu cầu các cấp ủy Đảng tập trung thực hiện.", True),
        # No capitalised word after the first: who acts is a set of bodies (a corpus sentence), a group.
        ("Một số cấp ủy, chính quyền chưa phát huy đúng mức vai trò lãnh đạo, chỉ đạo.", True),
        ("Các sinh viên đổ về thị trấn để nghe ông giảng.", True),
        ("Hội nghị diễn ra trong không khí dân chủ.", False),  # neither a name nor a role
        ("Trong năm, đoàn viên thanh niên tham gia tích cực.", False),  # only the roles the question names
    ],
)
def test_who_is_answered_by_a_name_a_role_or_a_body(sentence: str, holds: bool) -> None:
    assert rank.holds_expected(sentence, "person", "Ai vận động đoàn viên thanh niên tham gia?") is holds


@pytest.mark.parametrize(
    "sentence, holds",
    [
        ("Toàn quận có 126 chi hội.", True),
        ("Lạt-ma được cho là đã đồng ý tái sinh nhiều lần.", True),  # an amount without a figure
        ("Không có hiệp ước nào ban đầu đề cập đến quyền cơ bản.", True),
        ("Hội nghị được tổ chức ngày 13/01/2022.", False),  # a date is no count
        ("Hội nghị đánh giá cao công tác dân vận.", False),
    ],
)
def test_how_many_is_answered_by_a_figure_or_an_amount(sentence: str, holds: bool) -> None:
    assert rank.holds_expected(sentence, "count", "Có bao nhiêu lần?") is holds


def test_issue_date_right_after_the_asked_code() -> None:
    sentence = ("Báo cáo cho biết, sau 10 năm thực hiện Nghị quyết số 25-NQ/TW và Chương trình hành động số "
                "23-Ctr/TU ngày 15/7/2013 của Thành ủy Hà Nội.")
    assert not rank.dates_the_document(sentence, {"NQ:25"})
    assert rank.dates_the_document(sentence, {"Ctr:23"})
    assert rank.dates_the_document("Nghị quyết số 25-NQ/TW ngày 3/6/2013 của Ban Chấp hành.", {"NQ:25"})


def test_a_share_of_the_counted_noun_is_a_count() -> None:
    question = "Tây Hồ có bao nhiêu phường?"
    assert rank.holds_expected("Hiện nay, 8/8 phường đều phân công đồng chí Bí thư.", "count", question)
    assert not rank.holds_expected("Hội nghị ngày 8/8 tại phường Nhật Tân.", "count", question)


def _passage(doc: str, sentences: list[str]) -> Hit:
    text = " ".join(sentences)
    return Hit(Passage(f"{doc}#0", doc, 0, 0, len(text), text), title=doc, score=1.0)


def test_a_sentence_after_one_that_restates_the_question_gains_from_it() -> None:
    # Hand-made vectors: the question points along e0; "restates" matches it; the two answer candidates
    # match it equally little on their own. Only the one that follows "restates" should win.
    e = np.eye(8, dtype=np.float32)
    vectors = {
        "Tổ dân vận khu dân cư được thành lập ở mọi phường.": 0.8 * e[0] + 0.6 * e[1],
        "Nó họp mỗi tháng một lần.": 0.3 * e[0] + 0.95 * e[2],
        "Phong trào thi đua được phát động.": 0.3 * e[0] + 0.95 * e[3],
        "Kết quả được báo cáo lên quận.": 0.1 * e[0] + 0.99 * e[4],
    }

    def encode(texts):
        return np.stack([vectors.get(t, e[7]) / np.linalg.norm(vectors.get(t, e[7])) for t in texts])

    restated, follows, unrelated, other = list(vectors)
    hits = [_passage("a", [other, unrelated]), _passage("b", [restated, follows])]
    ranked = rank.rank_sentences("Tổ dân vận khu dân cư làm gì?", "description", hits, e[0], encode, None)
    quotes = [hits[s.hit_index].passage.text[s.start : s.end] for s in ranked]
    assert quotes.index(follows) < quotes.index(unrelated)


def test_no_sentence_of_the_expected_type_means_no_candidates() -> None:
    hits = [_passage("a", ["Hoạt động dân vận được đẩy mạnh."])]
    ranked = rank.rank_sentences("Có bao nhiêu tổ?", "count", hits, np.ones(4, dtype=np.float32) / 2,
                                     lambda texts: np.ones((len(texts), 4), dtype=np.float32) / 2, None)
    assert ranked == []


def test_a_which_question_about_one_topic_is_answered_by_one_sentence(seed_index) -> None:
    # "Những … nào" with no document, place or document kind to enumerate: a fact, not a list of every
    # article that shares a word with it.
    answer = qa.answer(seed_index, "Những hoạt động nào được Hội Chữ thập đỏ tổ chức?")
    # One quote, or (below the confidence threshold) the top few as "possibly": the runners-up.
    assert answer.kind == "fact" and not answer.items and len(answer.citations) == 1 + len(answer.candidates)
    places = qa.answer(seed_index, "Những địa phương nào đã tổng kết Quyết định 290?")
    assert places.kind == "list" and len(places.items) == 3


class _Vocabulary:
    """The one method unknown_share reads from the lexical index."""

    def __init__(self, words: set[str]) -> None:
        self.words = words

    def document_frequency(self, tokens, *, folded: bool):
        return {t: 1 for t in tokens if t in self.words}


def test_a_misspelt_name_is_not_an_unknown_word() -> None:
    vocabulary = _Vocabulary({"đảng", "nào", "được", "ưa", "chuộng", "ở", "và", "geelong", "bendigo"})
    question = "Đảng nào được ưa chuộng ở Bedigo và Geelong?"
    weights = {t: 1.0 for t in ("đảng", "nào", "được", "ưa", "chuộng", "ở", "bedigo", "và", "geelong")}
    assert rank.unknown_share(weights, question, vocabulary) == pytest.approx(1 / 9)
    nearby = "Đảng Lao động mạnh ở Ballarat, Bendigo và Geelong."
    assert rank.unknown_share(weights, question, vocabulary, nearby) == 0.0


def test_vietnamese_syllables_one_mark_apart_are_different_words() -> None:
    vocabulary = _Vocabulary({"là", "bao", "nhiêu", "hôm", "nay", "gia", "vang"})
    question = "Giá vàng hôm nay là bao nhiêu?"
    weights = {t: 1.0 for t in ("giá", "vàng", "hôm", "nay", "là", "bao", "nhiêu")}
    nearby = "Gia đình anh vang danh khắp vùng."
    assert rank.unknown_share(weights, question, vocabulary, nearby) == pytest.approx(2 / 7)
