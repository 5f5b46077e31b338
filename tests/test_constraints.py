"""qa.constraints.pinned on a fake corpus: which named place or document no article meets."""

from __future__ import annotations

from index.records import Article, ArticleEntities
from qa.analyze import analyze
from qa.checks.pins import pinned


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


class PortCorpus(FakeCorpus):
    """Nghi Sơn has its own articles; the fishing story names only "cảng Nghi Sơn", which the entity
    extractor (it wants "thị xã Nghi Sơn") does not take for the town."""

    facets = {("locality", "nghi son"): {"town-news"}}
    texts = {"fishing": "Lúc 1h ngày 5-4, tàu SAR 411 đã đưa 19 ngư dân về cảng Nghi Sơn, Thanh Hoá.",
             "peace": "Hai nước cam kết giữ gìn hòa bình, ổn định trong khu vực."}

    def article(self, doc_id):
        text = self.texts.get(doc_id)
        return Article(doc_id=doc_id, title="Tin", text=text, content_hash="", origin="test") if text else None


def test_a_retrieved_article_printing_the_places_name_meets_it():
    result = pinned(PortCorpus(), analyze("Tàu SAR 411 đã đưa bao nhiêu ngư dân về cảng Nghi Sơn?"), ["fishing"])
    assert result.allowed == {"town-news", "fishing"}


def test_a_common_word_spelled_like_a_place_does_not_meet_it():
    # "hòa bình" (peace) in lower case is not the province Hòa Bình.
    result = pinned(PortCorpus(), analyze("Tỉnh Hòa Bình có bao nhiêu huyện?"), ["peace"])
    assert result.allowed == frozenset() and "Hòa Bình" in result.unmet
