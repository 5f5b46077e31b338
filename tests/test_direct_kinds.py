"""More typed questions get a ``direct`` span (issue 25): the rows added to the question's kind table
(a duration "kéo dài bao lâu", a recurrence "bao lâu một lần", a person asked by a noun "nhà thơ người Pháp
nào", a brand "thương hiệu xe nào"), the span shapes (a whole date, a name with its initials, no name opened
by a function word) and, end to end, questions asked through the door on a tiny index written here."""

from __future__ import annotations


import pytest
from conftest import written_questions

from qa.analyze import analyze
from qa.direct import best_span
from qa.direct.date import Date
from qa.direct.duration import Duration
from qa.direct.person import Person
from qa.direct.tokens import words
from qa.question.span_asks import date_grain, span_asks

ASKS = [
    ("Lễ hội hoa kéo dài bao lâu?", "duration"),
    ("Đại hội được tổ chức bao lâu một lần?", "duration"),
    ("Dai hoi duoc to chuc may nam mot lan?", "duration"),
    ("How long did the march last?", "duration"),
    ("Nhà thơ người Pháp nào đã viết tập thơ này?", "person"),
    ("Lãnh đạo nào chủ trì hội nghị?", "person"),
    ("Nhân vật quan trọng nào có mặt?", "person"),
    ("Thương hiệu xe nào được lắp ráp ở Vĩnh Phúc?", "name"),
    ("Hãng xe nào mở nhà máy ở Hải Phòng?", "name"),
]


@pytest.mark.parametrize("question,kind", ASKS, ids=[a[0] for a in ASKS])
def test_each_new_row_reads_its_kind(question, kind):
    analysis = analyze(question)
    assert kind in span_asks(question, analysis.has_diacritics)


@pytest.mark.parametrize("question", ["Vì sao lễ hội được tổ chức?", "Ông làm gì ở Luân Đôn?",
                                      "Trong trường hợp nào thì được miễn thuế?"])
def test_free_form_questions_stay_free_form(question):
    assert not span_asks(question) & {"duration", "person", "name"}


@pytest.mark.parametrize("question,grain", [("Ông mất năm nào?", "year"), ("Dự án khởi công tháng nào?", "month"),
                                            ("Ông trở về từ khi nào?", None), ("Hội nghị họp ngày nào?", None)])
def test_the_date_grain_a_question_asks(question, grain):
    assert date_grain(question) == grain


# (question, sentence, the span expected): sentences written for this test, one per new row or shape.
SPANS = [
    ("Lễ hội hoa kéo dài bao lâu?",
     "Lễ hội hoa Đà Lạt năm nay kéo dài từ 20 tháng 12 đến 24 tháng 12 năm 2024 tại quảng trường Lâm Viên.",
     "20 tháng 12 đến 24 tháng 12 năm 2024"),
    ("Đại hội Đảng bộ thành phố được tổ chức bao lâu một lần?",
     "Theo điều lệ, Đại hội Đảng bộ thành phố được tổ chức sau mỗi 5 năm, lần gần nhất vào tháng 10 năm 2020.",
     "sau mỗi 5 năm"),
    ("Nhà máy mở cửa trở lại khi nào?",  # the whole date, not "năm 1991", nor "… sau ba" of "sau ba năm"
     "Nhà máy được mở cửa trở lại vào tháng 4 năm 1991 sau ba năm sửa chữa.", "tháng 4 năm 1991"),
    ("Ai đã đánh bại ông trong cuộc bầu cử sơ bộ?",  # the initial's full stop is inside the name
     "Trong cuộc bầu cử sơ bộ năm 1914, ông bị James W. Gerard đánh bại.", "James W. Gerard"),
    ("Nhà thơ người Pháp nào đã viết tập thơ này?",
     "Tập thơ được nhà thơ Paul Verlaine viết trong thời gian ở Luân Đôn.", "Paul Verlaine"),
    ("Thương hiệu xe nào được lắp ráp tại nhà máy Vĩnh Phúc?",
     "Nhà máy ở Vĩnh Phúc lắp ráp xe Toyota từ năm 1996.", "Toyota"),
    ("Ai là người đầu tiên gửi tín hiệu qua eo biển?",  # not "Khi Guglielmo Marconi"
     "Khi Guglielmo Marconi gửi tín hiệu qua eo biển năm 1899, nhiều người đã hoài nghi.", "Guglielmo Marconi"),
]


@pytest.mark.parametrize("question,sentence,expected", SPANS, ids=[s[2] for s in SPANS])
def test_span_of_each_new_row_and_shape(question, sentence, expected):
    span = best_span(sentence, question, analyze(question))
    assert span is not None and sentence[span.start : span.end] == expected


def _texts(kind, sentence: str) -> set[str]:
    ws = words(sentence)
    return {sentence[ws[s].start : ws[e - 1].end] for s, e in kind.spans(sentence, ws)}


def test_a_date_is_never_torn_from_its_month_nor_a_count_of_years():
    found = _texts(Date(), "Ford sẽ đóng cửa vào tháng 10 năm 2016, sau 10 năm thua lỗ.")
    assert "tháng 10 năm 2016" in found
    assert not {"10 năm 2016", "10 năm", "sau 10 năm"} & found


def test_a_duration_counts_units_of_time_or_names_its_two_ends():
    found = _texts(Duration(), "Nhà hát hoạt động từ năm 1870 đến 1939, có 114 ghế và mở cửa ngày 02/7/2020.")
    assert "từ năm 1870 đến 1939" in found
    assert not {"114", "ngày 02/7/2020"} & found
    assert "ba tuần" in _texts(Duration(), "Ông tuyệt thực ba tuần.")


def test_a_name_never_opens_with_a_function_word():
    found = _texts(Person(), "Các đồng chí lãnh đạo chủ trì. Khi Guglielmo Marconi đến, Còn James thì đi.")
    assert "Guglielmo Marconi" in found and "James" in found
    assert not {t for t in found if t.split()[0] in ("Các", "Khi", "Còn")}


# A tiny corpus written here (never copied from the eval sets): each article answers one new row's question.
ARTICLES = [
    ("kinds-festival", "Lễ hội hoa Đà Lạt 2024",
     "Lễ hội hoa Đà Lạt lần thứ 10 đã khai mạc tại quảng trường Lâm Viên.\n\n"
     "Lễ hội hoa Đà Lạt năm nay kéo dài từ 20 tháng 12 đến 24 tháng 12 năm 2024, với hơn 200 hoạt động. "
     "Theo ban tổ chức, lễ hội được tổ chức sau mỗi 2 năm, xen kẽ với Festival hoa."),
    ("kinds-factory", "Nhà máy ô tô ở Vĩnh Phúc tăng sản lượng",
     "Nhà máy ô tô ở Vĩnh Phúc lắp ráp xe Toyota từ năm 1996 và hiện có 2.000 công nhân.\n\n"
     "Nhà máy được mở cửa trở lại vào tháng 4 năm 2021 sau ba tháng tạm dừng vì dịch bệnh."),
]
QUESTIONS = [
    ("Lễ hội hoa Đà Lạt năm nay kéo dài bao lâu?", "20 tháng 12 đến 24 tháng 12 năm 2024"),
    ("Lễ hội hoa Đà Lạt được tổ chức bao lâu một lần?", "2 năm"),
    ("Thương hiệu xe nào được lắp ráp tại nhà máy ở Vĩnh Phúc?", "Toyota"),
    ("Nhà máy ô tô ở Vĩnh Phúc mở cửa trở lại khi nào?", "tháng 4 năm 2021"),
]


@pytest.fixture(scope="module")
def kinds_index(tmp_path_factory):
    from conftest import index_of_articles

    return index_of_articles(tmp_path_factory.mktemp("kinds"), ARTICLES, "2024-12-20")


@pytest.mark.parametrize("question,expected", QUESTIONS, ids=[q[1] for q in QUESTIONS])
def test_the_door_leads_with_the_span_of_a_new_row(kinds_index, question, expected):
    from tracuu.answering import answer
    from tracuu.contract import AskResponse

    found, _ = answer(kinds_index, question)
    out = AskResponse.of(found).model_dump(mode="json")
    assert out["direct"] and expected in out["direct"], (out["direct"], out["answer"][:200])
    cited = {c["n"]: c["text"] for c in out["citations"]}
    assert out["direct"] in cited[out["direct_citation"]]  # cut from the quoted sentence, never generated


KNOWN = {
    "k05": "the quoted sentence ('Các đồng chí lãnh đạo thành phố chủ trì hội nghị.') names nobody; the one "
           "after it does: sentence choice (qa/rank.py, qa/learned), not the span",
    "k06": "the whole answer abstains before the span step; not investigated",
    "k08": "a 'possibly' answer whose first sentence ('25 năm') is not the one that says '6 tháng': sentence choice",
}


@pytest.mark.parametrize("item", written_questions("direct_seed_kinds.jsonl", KNOWN, strict=False))
def test_seed_questions_written_after_the_code(seed_index, item):
    import qa

    found = qa.answer(seed_index, item["question"])
    assert found.direct and item["direct_contains"] in found.direct, (found.direct, found.text[:200])
