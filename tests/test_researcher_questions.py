"""Researcher questions written for issue 12 (tests/data/qa_*.jsonl, seed_qa format), asked end to end with
the real model: constraints are checked (a place, body or document no article meets abstains and is named),
"ở đâu / where" about a document lists localities. Questions the code still fails are listed in
docs/questions.md and marked xfail here, so a fix shows up as XPASS and a regression as a failure."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import qa
from bench.evaluate import check_answer
from tracuu.contract import AskResponse

from conftest import CORPUS

DATA = Path(__file__).parent / "data"
# Known failures (docs/questions.md "after"): money and name questions the sentence choice still misses.
KNOWN_FAILURES = {"r17", "n04", "n05"}


def _items(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _params(name: str, failures: set[str] = KNOWN_FAILURES):
    return [pytest.param(item, id=item["id"], marks=[pytest.mark.xfail(strict=False)] if item["id"] in failures else [])
            for item in _items(name)]


@pytest.mark.slow
@pytest.mark.parametrize("item", _params("qa_researcher.jsonl") + _params("qa_untouched.jsonl"))
def test_seed_question(seed_index, item):
    contract = AskResponse.of(qa.answer(seed_index, item["question"]), id=item["id"]).model_dump(mode="json")
    assert not check_answer(item, contract), (check_answer(item, contract), contract["answer"][:300])


def test_an_absent_place_is_named_in_the_abstention(seed_index):
    answer = qa.answer(seed_index, "Quận Hoàn Kiếm tổng kết Quyết định 290 khi nào?")
    assert answer.abstained and "Hoàn Kiếm" in answer.text and answer.related
    answer = qa.answer(seed_index, "When did Ho Chi Minh City review QĐ 290?")
    assert answer.abstained and "Ho Chi Minh" in answer.text


def test_a_place_with_articles_but_not_on_the_document_abstains(seed_index):
    answer = qa.answer(seed_index, "Quận Thanh Xuân tổng kết Quyết định 290 ngày nào?")
    assert answer.abstained and "Thanh Xuân" in answer.text and "290" in answer.text


def test_where_about_a_document_lists_every_locality(seed_index):
    answer = qa.answer(seed_index, "Where was Decision 290 reviewed?")
    cited = {c.hit.doc_id[:3] for c in answer.citations}
    assert cited == {"000", "003", "004"} and all(p in answer.text for p in ("Tây Hồ", "Cần Thơ", "Hà Nội"))


NEWS = Path(os.environ.get("TRACUU_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared")) / \
    "corpus-news" / "vietnews_val.articles.jsonl"


@pytest.fixture(scope="module")
def news_index(tmp_path_factory):
    if not NEWS.exists():
        pytest.skip(f"{NEWS} is absent (the shared corpus-news set is not in the repository)")
    from index.api import Index
    from index.settings import Settings

    folder = tmp_path_factory.mktemp("news")
    with NEWS.open(encoding="utf-8") as src:
        (folder / "news300.jsonl").write_text("".join(next(src) for _ in range(300)), encoding="utf-8")
    idx = Index(Settings.load(folder / "index"))
    idx.ingest([folder / "news300.jsonl"])
    return idx


@pytest.mark.slow
@pytest.mark.parametrize("item", _params("qa_news.jsonl"))
def test_news_question(news_index, item):
    contract = AskResponse.of(qa.answer(news_index, item["question"]), id=item["id"]).model_dump(mode="json")
    assert not check_answer(item, contract), (check_answer(item, contract), contract["answer"][:300])


# Written after the code, on articles past line 2,000 of corpus-news (no check had read them) and on the
# seed articles; asked first on an index of the seed corpus + all 10,000 corpus-news articles (k01–k18: 15/18
# before any fix; m01–m12, written after those fixes: 11/12; b01–b14 after the next: 11/14; q01–q22, seed facts
# written in the next session: 20/22, here and among the 10,000; docs/questions.md).
# Here: the seed corpus + the articles they cite, so it runs in the default suite.
# k09: an English question about a Vietnamese story, its words have no gloss here; b13: a false premise
# (Opportunity "on Jupiter") answered with "possibly" quotes about Mars. k14 (English, "who is the head of
# Hanoi's … Mass Mobilization Board") passes since the office it asks is read from its gloss.
NEWS10K_FAILURES = {"k09", "b13"}


@pytest.fixture(scope="module")
def seed_and_cited_news(tmp_path_factory):
    if not NEWS.exists():
        pytest.skip(f"{NEWS} is absent (the shared corpus-news set is not in the repository)")
    import index
    from index.settings import Settings

    cited = {d for item in _items("qa_news10k.jsonl") for d in item.get("sources_any", ()) if d.startswith("vietnews")}
    folder = tmp_path_factory.mktemp("news10k")
    with NEWS.open(encoding="utf-8") as src:
        rows = [line for line in src if json.loads(line)["id"] in cited]
    assert len(rows) == len(cited)
    (folder / "cited.jsonl").write_text("".join(rows), encoding="utf-8")
    idx, report = index.build([CORPUS, folder / "cited.jsonl"],
                              settings=Settings.load(folder / "index"))
    assert not report.skipped, report.skipped
    return idx


@pytest.mark.parametrize("item", _params("qa_news10k.jsonl", NEWS10K_FAILURES))
def test_question_written_after_the_code(seed_and_cited_news, item):
    contract = AskResponse.of(qa.answer(seed_and_cited_news, item["question"]), id=item["id"]).model_dump(mode="json")
    assert not check_answer(item, contract), (check_answer(item, contract), contract["answer"][:300])
