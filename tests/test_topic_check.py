"""Two faults the native snippet questions showed (docs/model-card.md, "Native questions over news
snippets"): a quote from another event stated as the confident answer ("Vụ nổ tàu chở dầu ở Bến Tre …" answered
from a Bến Tre karaoke stabbing), and "quê ở tỉnh nào?" about one event read as a list of localities across
articles. On a real index of articles written here (the bundled model, FAISS, BM25, SQLite)."""

from __future__ import annotations

import pytest

import qa
from qa.analyze import analyze

# (id, title, text): only the karaoke story is set in Bến Tre; the tanker exploded in Quảng Ninh
KARAOKE = ("karaoke", "Hát karaoke quay loa sang nhà người khác, một thanh niên bị đâm tử vong",
           "Bực tức vì tiếng hát karaoke quá ồn, người đàn ông ở Bến Tre đã dùng dao đâm nhóm hát khiến một người "
           "tử vong. Công an huyện Châu Thành đã bắt giữ nghi phạm ngay trong đêm.")
ARTICLES = (
    KARAOKE,
    ("crash", "Xe khách tông xe tải đang đậu bên đường, một người tử vong",
     "Rạng sáng nay, một xe khách chạy tuyến Cà Mau – TP.HCM đã tông vào đuôi xe tải đang đậu bên đường ở Long "
     "An. Người tử vong là ông Nguyễn Văn Tám, 45 tuổi, quê ở tỉnh Cà Mau."),
    ("fire", "Cháy xưởng gỗ ở Bình Dương",
     "Một vụ cháy lớn đã thiêu rụi xưởng gỗ rộng 2.000 m2 ở thị xã Tân Uyên, tỉnh Bình Dương. Lực lượng cứu hỏa "
     "mất ba giờ mới khống chế được đám cháy, không có thiệt hại về người."),
    ("tanker", "Nổ tàu chở dầu ở Quảng Ninh, hai thuyền viên mất tích",
     "Một tàu chở dầu neo đậu tại cảng Cái Lân, tỉnh Quảng Ninh bất ngờ phát nổ và bốc cháy dữ dội. Vụ nổ khiến "
     "hai thuyền viên mất tích, lực lượng cứu hộ đang tìm kiếm."),
)


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    from conftest import index_of_articles

    return index_of_articles(tmp_path_factory.mktemp("topic"), ARTICLES, "2024-05-01")


@pytest.mark.parametrize("question", [
    "Vụ nổ tàu chở dầu ở Bến Tre khiến bao nhiêu người chết?",
    "Vụ cháy tàu chở dầu ở Bến Tre làm bao nhiêu người tử vong?",
])
def test_a_quote_from_another_event_is_not_the_confident_answer(news, question):
    # only the karaoke story is set in Bến Tre, and it says "khiến một người tử vong": before the check,
    # "một người" at confidence 0.94
    answer = qa.answer(news, question)
    assert answer.abstained or "Chưa chắc chắn" in answer.text, answer.text


def test_the_event_the_article_tells_is_answered_with_its_span(news):
    answer = qa.answer(news, "Vụ đâm người vì hát karaoke quá ồn ở Bến Tre khiến bao nhiêu người tử vong?")
    assert not answer.abstained and "Chưa chắc chắn" not in answer.text, answer.text
    assert answer.citations[0].hit.doc_id == "karaoke" and "một người" in (answer.direct or "")


def test_the_missing_share_weighs_rare_words(news):
    from qa.checks.topic import MISSING_SHARE, missing_share

    lexical = news.lexical()
    karaoke = f"{KARAOKE[1]}\n{KARAOKE[2]}"
    absent = missing_share(analyze("Vụ nổ tàu chở dầu ở Bến Tre khiến bao nhiêu người chết?").keywords, karaoke, lexical)
    told = missing_share(analyze("Vụ đâm người vì hát karaoke ở Bến Tre khiến bao nhiêu người tử vong?").keywords,
                         karaoke, lexical)
    assert absent >= MISSING_SHARE > told, (absent, told)


QUE = "Người đàn ông tử vong trong vụ xe khách tông xe tải đang đậu quê ở tỉnh nào?"


def test_the_place_of_one_event_is_a_fact_not_a_list(news):
    answer = qa.answer(news, QUE)
    assert answer.kind == "fact" and answer.citations[0].hit.doc_id == "crash" and answer.direct, answer.text


@pytest.mark.xfail(strict=True, reason="the sentence that tells the event ('xe khách … tông vào đuôi xe tải đang "
                   "đậu … ở Long An') outscores the one that says what is asked ('quê ở tỉnh Cà Mau'); weighing "
                   "the words next to the wh-word lost on the tune parts (docs/model-card.md)")
def test_the_place_of_one_event_is_the_one_asked(news):
    assert "Cà Mau" in (qa.answer(news, QUE).direct or "")


@pytest.mark.parametrize("question, expected", [
    ("Người đàn ông tử vong trong vụ tai nạn quê ở tỉnh nào?", "description"),  # one place of one event
    ("Những bãi tắm bỏ hoang ở Bà Rịa - Vũng Tàu nằm ở huyện nào?", "description"),  # "những" of the beaches
    ("Quận nào đã tổng kết Quyết định 290?", "list"),  # a document reviewed in many places
    ("Những huyện nào tổng kết Chỉ thị 43?", "list"),
    ("Các quận nào đã sơ kết?", "list"),  # several, asked as several
    ("Những thành phố nào đã tổng kết?", "list"),
    ("Địa phương nào đã tổng kết công tác dân vận?", "list"),  # any locality: the product's list form
])
def test_a_place_question_is_a_list_only_when_asked_as_one(question, expected):
    assert analyze(question).answer_type == expected


def test_the_threshold_study_counts_hedges_and_picks_the_best_net():
    from studies.topic_check import table

    # (missing share, right): two wrong answers above 0.6, one right one at 0.45
    rows = table({"set": [(0.65, False), (0.7, False), (0.45, True), (0.1, True)]}, cost=3.0)
    at = {r.split(" | ")[0].strip("| "): r for r in rows if r.startswith("| 0.")}
    assert "3 (2)" in at["0.4"] and "2 (2)" in at["0.6"] and "1 (1)" in at["0.7"]
    assert rows[-1].startswith("best net at 0.5")  # 0.5 and 0.6 tie at +6: the first (lower) one
