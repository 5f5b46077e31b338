"""studies/snippet_questions: short-snippet documents and rule-written questions with weak gold answers,
on a tiny corpus-news-like file written here (issue 25)."""

from __future__ import annotations

import json

from bench.eval_parts import part_of, selected, split_set_of
from studies.snippet_questions import build, form_of, main, score, sentence_questions, snippet_questions

_BODY = ("Theo báo cáo, vụ cháy nhà máy Minh Long tại xã Tân Phú, huyện Đồng Xoài, tỉnh Bình Phước làm 7 người bị thương nặng. "
         "Ngày 12/3, Công an tỉnh Bình Phước đã khởi tố vụ án và bắt giữ Trần Văn Hùng để điều tra. "
         "Công ty Minh Long đã bồi thường 250 triệu đồng cho các gia đình nạn nhân trong vụ việc. "
         "Doanh thu của Công ty Minh Long năm 2019 tăng 15% so với cùng kỳ nhờ mở rộng thị trường Đông Nam Á. "
         "Nhà máy Minh Long được xây dựng năm 2008 tại khu công nghiệp Đồng Xoài với vốn đầu tư lớn.")


def _article(k: int) -> dict:
    place = ("Tân Phú", "Bình An", "Phú Lộc", "Hoà Bình", "Long Hải", "Gia Nghĩa", "Tam Kỳ", "Hội An")[k % 8]
    given = ("Bình", "Hùng", "Dũng", "Tâm", "Lộc", "Phúc", "Thành", "Quang")[k % 8]
    lead = (f"Ông Nguyễn Văn {given}, Chủ tịch UBND xã {place} cho biết chính quyền đã hỗ trợ "
            f"{k + 3} hộ dân bị ảnh hưởng bởi vụ cháy xảy ra sáng 4/{k % 12 + 1} tại thôn {place}.")
    body = _BODY.replace("Minh Long", f"Minh Long {place}").replace("7 người", f"{k + 7} người")
    return {"id": f"vn-{k:03d}", "title": f"Vụ cháy ở {place}", "text": lead + "\n\n" + body + " " + body}


def _lines(n: int = 16) -> list[str]:
    return [json.dumps(_article(k), ensure_ascii=False) + "\n" for k in range(n)]


def test_each_form_has_its_rule():
    questions = {q["form"]: q for s in _BODY.split(". ") for q in sentence_questions(s.rstrip(".") + ".")}
    assert {"count", "date", "place", "money", "percent", "year"} <= set(questions)
    count = questions["count"]
    assert count["answers"] == ["7 người", "7"] and "bao nhiêu người" in count["question"]
    # A scene-setting first clause that holds the date is dropped and its wh-phrase closes the question.
    assert questions["date"]["question"] == ("Công an tỉnh Bình Phước đã khởi tố vụ án và bắt giữ Trần Văn Hùng "
                                             "để điều tra vào ngày nào?")
    assert questions["money"]["answers"][0] == "250 triệu đồng"
    assert questions["percent"]["answers"] == ["15%", "15"]
    for q in questions.values():
        assert q["question"].endswith("?") and q["question"] != q["sentence"]
        assert not any(a.lower() in q["question"].lower() for a in q["answers"])


def test_office_questions_are_reused():
    snippet = {"id": "d1", "text": _article(2)["text"].split("\n")[0]}
    office = [q for q in snippet_questions(snippet) if q["form"] == "office"]
    assert office and office[0]["question"] == "Ai là Chủ tịch UBND xã Phú Lộc?"
    assert office[0]["answers"] == ["Nguyễn Văn Dũng"]


def test_build_gold_is_verbatim_and_unanswerable_point_outside():
    docs, queries = build(_lines(), articles=8, questions=20, seed=3)
    texts = {d["id"]: d["text"] for d in docs}
    assert all(15 <= len(d["text"].split()) <= 120 and d["title"] for d in docs)
    assert len({d["id"] for d in docs}) == len(docs)
    answerable = [q for q in queries if form_of(q["id"]) != "none"]
    unanswerable = [q for q in queries if form_of(q["id"]) == "none"]
    assert answerable and unanswerable
    for q in answerable:
        assert q["doc_id"] in texts and all(a in texts[q["doc_id"]] for a in q["answers"]), q
    docs_articles = {d["id"].rsplit("-s", 1)[0] for d in docs}
    for q in unanswerable:
        assert q["answers"] == [] and q["doc_id"] not in texts
        assert q["doc_id"].rsplit("-s", 1)[0] not in docs_articles
    assert set(queries[0]) == {"id", "question", "answers", "doc_id"}


def test_build_is_deterministic_with_the_seed(tmp_path):
    news = tmp_path / "news.jsonl"
    news.write_text("".join(_lines()), encoding="utf-8")
    outs = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        main(["write", "--news", str(news), "--articles", "8", "--questions", "20", "--seed", str(seed),
              "--samples", "0", "--out", str(tmp_path / name)])
        outs.append([(tmp_path / name / f).read_text(encoding="utf-8")
                     for f in ("snippets.docs.jsonl", "snippets.queries.jsonl")])
    assert outs[0] == outs[1] and outs[0] != outs[2]


def test_score_per_form_and_unanswerable_outcomes():
    rows = [{"id": "snip-count-000", "answer_hit": True, "top1_hit": True, "tentative": False, "abstained": False,
             "confident_wrong": False},
            {"id": "snip-none-date-001", "answer_hit": False, "top1_hit": False, "tentative": False,
             "abstained": False, "confident_wrong": True},
            {"id": "snip-none-year-002", "answer_hit": False, "top1_hit": False, "tentative": False,
             "abstained": True, "confident_wrong": False}]
    figures = score(rows)
    assert figures["all"]["questions"] == 3 and figures["count"]["answer_hit"] == 1
    assert figures["none"] == {"questions": 2, "answer_hit": 0, "top1_hit": 0, "tentative": 0, "abstained": 1,
                               "confident_wrong": 1, "confident": 1}


def test_split_all_takes_every_question_of_a_set_splits_json_does_not_know():
    items = [{"id": "q1", "doc_id": "vn-001-s0"}, {"id": "q2", "doc_id": "vn-002-s1"}]
    name = split_set_of("/tmp/x/snippets.queries.jsonl")
    assert name is None and part_of(name, "vn-001-s0") == "all"
    assert selected(name, items, "all", key="doc_id") == items
    assert selected(name, items, None, key="doc_id") == items
