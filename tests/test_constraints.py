"""qa.constraints.pinned on a fake corpus: which named place or document no article meets."""

from __future__ import annotations

from index.records import ArticleEntities
from qa.analyze import analyze
from qa.constraints import pinned


class FakeCorpus:
    """Facets as the index stores them: an article's locality with its parents, the documents it cites."""

    facets = {("locality", "tay ho"): {"000"}, ("locality", "ha noi"): {"000", "004"},
              ("locality", "can tho"): {"003"}, ("doc", "QĐ:290"): {"000", "003", "004"},
              ("doc", "NQ:25"): {"001"}, ("locality", "thanh xuan"): {"001"}}

    def docs_with(self, facet, values):
        return set().union(*(self.facets.get((facet, v), set()) for v in values))

    def entities(self, doc_id):
        return ArticleEntities()

    def article(self, doc_id):
        return None


def test_a_question_that_names_nothing_is_not_pinned():
    assert pinned(FakeCorpus(), analyze("Giá vàng hôm nay là bao nhiêu?"), ["000"]).allowed is None


def test_a_district_is_not_met_by_its_citys_article():
    result = pinned(FakeCorpus(), analyze("Quận Hoàn Kiếm tổng kết Quyết định 290 khi nào?"), ["004"])
    assert result.allowed == frozenset() and "Hoàn Kiếm" in result.unmet


def test_a_city_is_met_by_its_districts_articles():
    assert pinned(FakeCorpus(), analyze("Hà Nội tổng kết Quyết định 290 khi nào?"), []).allowed == {"000", "004"}


def test_place_and_document_must_meet_in_one_article():
    result = pinned(FakeCorpus(), analyze("Quận Thanh Xuân tổng kết Quyết định 290 ngày nào?"), ["001"])
    assert result.allowed == frozenset() and "Thanh Xuân" in result.unmet and "290" in result.unmet


def test_an_absent_document_is_named():
    result = pinned(FakeCorpus(), analyze("Quyết định 999-QĐ/TW về việc gì?"), ["003"])
    assert result.allowed == frozenset() and "999" in result.unmet
