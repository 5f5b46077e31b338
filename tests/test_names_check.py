"""A name the question gives that the quoted article never mentions (issue 25: "BREM-1 on a T-72" answered
from a T-80 story, Istanbul → Kabul): the answer is not one confident quote. On a real index of two
articles written here (the bundled model, FAISS, BM25, SQLite); the money pattern's "đồng hồ" row; the
evaluator's hedge reading."""

from __future__ import annotations

import json

import pytest

import qa
from index.records import SearchFilters
from qa.checks import QUOTE_CHECKS, Asked, Unmet, run_checks
from qa.checks.base import only_articles
from qa.checks.names import Names, mentions
from qa.question import read
from qa.question.names import asked_names

T80 = {"id": "t80", "title": "Xe tăng T-80 của Nga biểu diễn xoay 180 độ",
       "text": "Xe tăng T-80 được đưa vào biên chế quân đội Liên Xô năm 1976. Đây là mẫu xe tăng sản xuất hàng "
               "loạt đầu tiên trên thế giới được trang bị động cơ tuabin khí. Nga hiện còn hàng nghìn chiếc T-80 "
               "trong kho dự trữ."}
BREM = {"id": "brem", "title": "Xe cứu kéo BREM-1 của quân đội Nga",
        "text": "Xe cứu kéo bọc thép BREM-1 được phát triển từ khung gầm xe tăng T-72 và được đưa vào biên chế "
                "năm 1984. Xe có cần cẩu nâng được 12 tấn và tời kéo 25 tấn."}


@pytest.fixture(scope="module")
def two_articles(tmp_path_factory):
    from index.api import Index
    from index.settings import Settings

    folder = tmp_path_factory.mktemp("names")
    (folder / "tanks.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in (T80, BREM)),
                                        encoding="utf-8")
    idx = Index(Settings.load(folder / "index"))
    idx.ingest([folder / "tanks.jsonl"])
    return idx


def _check_on(idx, question: str, doc_id: str):
    """The names check on one article's passages, as the fact answer runs it on the quoted article."""
    from qa.retrieve import Corpus, fact_evidence

    corpus, q = Corpus(idx), read(question)
    found = fact_evidence(corpus, q.text, q, SearchFilters())
    _, unmet = run_checks(QUOTE_CHECKS, Asked(corpus, q, SearchFilters()), only_articles(found, frozenset({doc_id})))
    return unmet


def test_a_name_only_one_article_has_holds_there_and_fails_in_the_other(two_articles):
    question = "BREM-1 được phát triển từ xe tăng T-72 và đưa vào biên chế năm nào?"
    assert read(question).names == ("BREM-1", "T-72")
    assert _check_on(two_articles, question, "brem") is None
    unmet = _check_on(two_articles, question, "t80")
    assert isinstance(unmet, Unmet) and unmet.label == "BREM-1 + T-72"


@pytest.mark.parametrize("question", [
    "Xe tăng T-90 được trang bị động cơ tuabin khí và đưa vào biên chế năm nào?",  # 1976 of the T-80 without it
    "Xe cứu kéo BREM-3 có cần cẩu nâng được bao nhiêu tấn?",  # 12 tấn of the BREM-1 without it
])
def test_a_name_no_article_has_makes_the_answer_unconfident(two_articles, question):
    answer = qa.answer(two_articles, question)
    assert answer.abstained or "Chưa chắc chắn" in answer.text, answer.text


@pytest.mark.parametrize("question, doc_id, span", [
    ("Xe tăng T-80 được đưa vào biên chế quân đội Liên Xô năm nào?", "t80", "1976"),
    ("Xe cứu kéo BREM-1 có cần cẩu nâng được bao nhiêu tấn?", "brem", "12 tấn"),
])
def test_the_named_article_answers_with_its_span(two_articles, question, doc_id, span):
    answer = qa.answer(two_articles, question)
    assert not answer.abstained and answer.citations[0].hit.doc_id == doc_id
    assert span in (answer.direct or "") and "Chưa chắc chắn" not in answer.text, answer.text


def test_names_read_from_the_question():
    assert asked_names("Tổng thống Duterte gặp Thủ tướng Shinzo Abe vào ngày nào?") == ("Duterte", "Shinzo Abe")
    assert asked_names("Mức phạt mà UBND TP Cần Thơ quyết định đối với tiệm vàng Thảo Lực là bao nhiêu?") == \
        ("Cần Thơ", "Thảo Lực")
    assert asked_names("Năm 2019 có bao nhiêu người chết?") == ()  # the sentence's capital, no name
    assert asked_names("Quốc hội họp vào ngày nào?") == ()  # only generic words
    assert read("Who is the Secretary of Tay Ho district?").names == ()  # English: not read
    assert read("Quận Tây Hồ có bao nhiêu hội viên?").names == ()  # a gazetteer place: qa.checks.pins reads it


@pytest.mark.parametrize("text, name, found", [
    ("Xe tăng T -72 của Liên Xô", "T-72", True),  # news prints "T -72"
    ("Tổng thống Mỹ Franklin D. Roosevelt", "Franklin Delano Roosevelt", True),  # one word of three missing
    ("Hiệp ước Maastricht được ký năm 1992", "Maastrich", True),  # one slip in a long word
    ("Nền kinh tế Hoa Kỳ", "Mĩ", True),  # a country by its other name
    ("Tiệm vàng Thao Luc bị phạt", "Thảo Lực", False),  # typed with tone marks: the article must have them
    ("Một vụ nổ súng xảy ra ở Kabul", "Istanbul", False),
    ("Xe tăng T-80 của Nga", "T-72", False),
])
def test_mentions_is_lenient_on_form_only(text, name, found):
    assert mentions(text, name) is found


def test_names_check_keeps_evidence_without_names():
    from types import SimpleNamespace

    found = SimpleNamespace(hits=[])
    assert Names()(SimpleNamespace(question=read("Có bao nhiêu người chết?")), found) is found


def test_money_is_not_read_inside_dong_ho():
    from qa.answers.fact import MONEY_AMOUNT

    text = "anh H. bị mất 1 đồng hồ, 1 xe gắn máy, 2 đồng chí và hơn 3 triệu đồng tiền mặt"
    assert [m.group().strip() for m in MONEY_AMOUNT.finditer(text)] == ["3 triệu đồng"]
    assert [m.group() for m in MONEY_AMOUNT.finditer("nộp phạt 500.000 đồng.")] == ["500.000 đồng"]


def test_where_is_never_answered_with_a_function_word():
    from qa.direct.score import asked_of, best_span_for

    question = "Không chỉ BOT Cai Lậy nóng, BOT Ninh An ở đâu?"
    sentence = "Trong lần thu phí trở lại lúc 23g ngày 3-12, trạm thu phí BOT Cai Lậy dù mở hết các cửa."
    analysis = read(question)
    span = best_span_for(sentence, asked_of(question, analysis), analysis)
    assert span is None or sentence[span.start : span.end] != "Trong"


def test_evaluator_counts_a_hedge_wherever_it_stands():
    from bench.evaluate import is_tentative
    from qa.records import Answer

    def fact(text: str, lang: str = "vi") -> Answer:
        return Answer("q", text, False, lang, "fact")

    assert is_tentative(fact("1 đồng [1]. Chưa chắc chắn; có thể là một trong các câu sau:\n- Theo bài …"))
    assert is_tentative(fact("Chưa chắc chắn; có thể là 126 chi hội [1]:\n- Theo bài …"))
    assert is_tentative(fact("1976 [1]. Not certain; possibly one of these:\n- According to …", "en"))
    assert not is_tentative(fact("126 chi hội [1]. Theo bài “Tây Hồ”: “… 126 chi hội …” [1]"))
