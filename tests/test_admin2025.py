"""Localities after 1 July 2025 (index/text/admin2025.py) on real sentences of the seed articles and of
../shared/corpus-news (read from there, never copied; skipped with the reason when absent)."""

from __future__ import annotations

import pytest

from conftest import SHARED

NEWS = SHARED / "corpus-news" / "vietnews_val.articles.jsonl"

from index.text.places import find_localities


def _news_sentence(fragment: str) -> str:
    if not NEWS.exists():
        pytest.skip(f"{NEWS} is absent: corpus-news sentences are read from ../shared, never copied here")
    import json

    with NEWS.open(encoding="utf-8") as fh:
        for line in fh:
            if fragment in line:
                text = json.loads(line)["text"]
                at = text.index(fragment)
                return text[max(0, at - 60) : at + len(fragment) + 60]
    pytest.fail(f"no corpus-news article holds {fragment!r}")


def test_the_seed_ward_now_lies_in_a_merged_ward(seed_index):
    from index.text.admin2025 import label, now_of

    place = seed_index.entities("002_c9b5cf354f6206ed.txt").primary_locality
    assert now_of(place).ward == "Phường Thanh Khê" and now_of(place).province == "Thành phố Đà Nẵng"
    assert label(place) == "Phường Thanh Khê Tây (nay thuộc Phường Thanh Khê, Thành phố Đà Nẵng)"
    # A district is gone: it now lies in its province; a province that kept its name is left alone.
    assert label(seed_index.entities("000_ac480bf2e3db7916.txt").primary_locality) == \
        "Quận Tây Hồ (nay thuộc Thành phố Hà Nội)"
    assert label(seed_index.entities("004_9467f64f0288784b.txt").primary_locality) == "Thành phố Hà Nội"


@pytest.mark.parametrize("fragment, expected", [
    ("phường Nhật Tân, quận Tây Hồ, Hà Nội) sắp", "Phường Nhật Tân (nay thuộc Phường Tây Hồ, Thành phố Hà Nội)"),
    ("phường Trà Nóc, quận Bình Thuỷ", "Phường Trà Nóc (nay thuộc Phường Thới An Đông, Thành phố Cần Thơ)"),
])
def test_wards_of_news_sentences(fragment, expected):
    from index.text.admin2025 import label

    labels = [label(loc) for loc in find_localities(_news_sentence(fragment))]
    assert expected in labels


def test_a_merged_province():
    from index.text.admin2025 import label, old_units_of

    (hau_giang,) = [loc for loc in find_localities("tỉnh Hậu Giang") if loc.level == "province"]
    assert label(hau_giang) == "Tỉnh Hậu Giang (nay thuộc Thành phố Cần Thơ)"
    assert {loc.name for loc in old_units_of("Cần Thơ")} == {"Cần Thơ", "Hậu Giang", "Sóc Trăng"}


def test_a_new_ward_selects_the_old_wards_merged_into_it():
    from index.text.admin2025 import filter_expansion

    olds = {loc.full_name for loc in filter_expansion("Phường Thanh Khê")}
    assert {"Phường Thanh Khê Tây", "Phường Thanh Khê Đông", "Phường Xuân Hà"} <= olds
    # Bare "Tây Hồ" is the old district the articles mean: no expansion into the new ward's parts.
    assert filter_expansion("Tây Hồ") == []
    assert "Phường Quảng An" in {loc.full_name for loc in filter_expansion("phường Tây Hồ")}


def test_filtering_by_the_new_ward_finds_the_old_wards_articles(seed_index):
    from index.records import SearchFilters

    thanh_khe_tay = "002_c9b5cf354f6206ed.txt"
    assert seed_index.docs_matching(SearchFilters(localities=("Phường Thanh Khê",))) == {thanh_khe_tay}
    hits = seed_index.search("hội nghị tổng kết công tác dân vận", 3,
                             filters=SearchFilters(localities=("phường Thanh Khê",)))
    assert hits and {h.doc_id for h in hits} == {thanh_khe_tay}


def test_exports_and_timelines_name_the_unit_now(seed_index):
    from report.export import from_timeline
    from report.timeline import timeline

    t = timeline(seed_index, "290-QĐ/TW")
    assert [e.locality_now for e in t.events] == ["Thành phố Hà Nội", "", ""]
    rows = from_timeline(seed_index, t).rows
    assert rows[0].locality == "Quận Tây Hồ (nay thuộc Thành phố Hà Nội)"
    assert rows[1].locality == "Thành phố Cần Thơ"


def test_the_locality_filter_list_says_where_each_unit_lies_now(seed_index):
    import ui

    labels = dict((value, shown) for shown, value in ui._facet_choices(seed_index)[1])
    assert labels["Quận Tây Hồ"] == "Quận Tây Hồ (nay thuộc Thành phố Hà Nội) (1)"
    assert labels["Phường Thanh Khê Tây"].startswith("Phường Thanh Khê Tây (nay thuộc Phường Thanh Khê")
    assert labels["Thành phố Cần Thơ"] == "Thành phố Cần Thơ (1)"


def test_asking_by_the_new_ward_answers_from_the_old_wards_article_and_names_it(seed_index):
    from report.ask import answer, new_unit_named

    assert new_unit_named("phường Thanh Khê Tây tổ chức gì?") is None  # a pre-2025 ward: qa reads it already
    result, _ = answer(seed_index, "Phường Thanh Khê tổ chức hội nghị tổng kết công tác dân vận ngày nào?")
    assert [c.hit.doc_id for c in result.citations] == ["002_c9b5cf354f6206ed.txt"]
    assert result.text.splitlines()[0] == ("Phường Thanh Khê (từ 1/7/2025) gồm: Phường Thanh Khê Tây "
                                           "(nay thuộc Phường Thanh Khê, Thành phố Đà Nẵng).")
