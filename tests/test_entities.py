"""Entities of the five real articles: refs (with the 000 misprint resolved), localities, the body that
held the event, its date, people, and the primary locality.

Articles are built straight from the corpus files (title cut out, page furniture after it left in), so
these tests do not depend on the cleaner; one test runs the real cleaner when it is importable."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.text.entities import extract_entities, find_event_date, find_people, passage_entities
from index.text.places import distinct_localities
from index.records import Article, ArticleEntities
from index.text.refs import distinct_refs

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TITLES = {
    "000": "Hội nghị tổng kết 10 năm thực hiện Quyết định số 290-QĐ/TW, Kết luận 66-KL/TW, Chỉ thị 43-CT/TW; sơ kết "
    "công tác Dân vận và Dân vận chính quyền 6 tháng đầu năm, triển khai nhiệm vụ 6 tháng cuối năm 2020",
    "001": "Quận Thanh Xuân: Xây dựng và nhân rộng các mô hình “dân vận khéo” trên các lĩnh vực",
    "002": "KHỐI DÂN VẬN ĐẢNG ỦY VÀ BAN CHỈ ĐẠO THỰC HIỆN QCDC Ở CƠ SỞ PHƯỜNG THANH KHÊ TÂY TỔ CHỨC HỘI NGHỊ TỔNG KẾT "
    "CÔNG TÁC DÂN VẬN VÀ THỰC HIỆN QCDC Ở CƠ SỞ NĂM 2021, TRIỂN KHAI NHIỆM VỤ NĂM 2022",
    "003": "Tổng kết 10 năm thực hiện Quyết định số 290-QĐ/TW của Bộ Chính trị (khóa X)",
    "004": "Hà Nội sẽ kết hợp giữa “diện” và “điểm” trong công tác dân vận",
}
DATES = {"000": "2020-07-03", "003": "2020-07-16"}  # the others print no publication date


def article(prefix: str) -> Article:
    path = next(CORPUS.glob(f"{prefix}_*.txt"))
    raw = path.read_text(encoding="utf-8")
    title = TITLES[prefix]
    text = raw[raw.index(title) + len(title) :].strip()
    return Article(path.name, title, text, "hash", str(path), date=DATES.get(prefix))


@pytest.fixture(scope="module")
def ents() -> dict[str, ArticleEntities]:
    return {p: extract_entities(article(p)) for p in TITLES}


def ref_set(e: ArticleEntities) -> set[str]:
    return {r.canonical for r in distinct_refs(e.refs)}


def test_refs_000_misprint_resolved(ents: dict[str, ArticleEntities]) -> None:
    e = ents["000"]
    assert ref_set(e) == {"290-QĐ/TW", "66-KL/TW", "43-CT/TW", "9-NQ", "114-KL", "212-ĐA"}
    corrected = [r for r in e.refs if r.corrected_from]
    assert len(corrected) == 2 and {(r.canonical, r.corrected_from) for r in corrected} == {("290-QĐ/TW", "209")}
    text = article("000").text
    for r in e.refs:
        if r.start >= 0:
            assert text[r.start : r.end] == r.surface
    assert all(r.start == r.end == -1 for r in e.refs[:3])  # the title's refs come first, without spans
    assert not any(r.number == "209" for r in e.refs)


def test_refs_001_has_no_290(ents: dict[str, ArticleEntities]) -> None:
    assert ref_set(ents["001"]) == {"25-NQ/TW", "218-QĐ/TW", "23-Ctr/TU", "92-KH/QU"}


def test_refs_002_none_and_003_004(ents: dict[str, ArticleEntities]) -> None:
    assert ref_set(ents["002"]) == set()
    assert ref_set(ents["003"]) == {"290-QĐ/TW", "114-KL/TW", "16-CT/TTg"}
    assert ref_set(ents["004"]) == {"290-QĐ/TW", "15-NQ", "15-CT"}


@pytest.mark.parametrize(
    ("prefix", "primary", "body", "date"),
    [
        ("000", ("district", "Tây Hồ", "Hà Nội", None), "Quận ủy Tây Hồ", "2020-07-02"),
        ("001", ("district", "Thanh Xuân", "Hà Nội", None), "Ban Thường vụ Quận ủy Thanh Xuân", "2023-09-22"),
        ("002", ("ward", "Thanh Khê Tây", "Đà Nẵng", "Thanh Khê"), "Khối Dân vận Đảng ủy phường Thanh Khê Tây", "2022-01-13"),
        ("003", ("province", "Cần Thơ", "Cần Thơ", None), "Ban Thường vụ Thành ủy Cần Thơ", "2020-07-15"),
        ("004", ("province", "Hà Nội", "Hà Nội", None), "Ban Thường vụ Thành ủy Hà Nội", "2020-07-15"),
    ],
)
def test_event(ents: dict[str, ArticleEntities], prefix: str, primary: tuple, body: str, date: str) -> None:
    e = ents[prefix]
    p = e.primary_locality
    assert p is not None and (p.level, p.name, p.province, p.district) == primary
    assert e.bodies[0] == body
    assert e.event_date == date


def test_localities(ents: dict[str, ArticleEntities]) -> None:
    def names(p: str) -> set[str]:
        return {loc.name for loc in distinct_localities(ents[p].localities)}

    assert names("000") == {"Tây Hồ", "Hà Nội"}
    assert names("001") == {"Thanh Xuân", "Hà Nội"}
    assert names("002") == {"Thanh Khê Tây"}
    assert names("003") == {"Cần Thơ"}
    assert {"Hà Nội"} <= names("004")


def test_people(ents: dict[str, ArticleEntities]) -> None:
    p4 = dict(ents["004"].people)
    assert p4["Trương Thị Mai"] == "Ủy viên Bộ Chính trị, Bí thư Trung ương Đảng, Trưởng ban Dân vận Trung ương"
    assert p4["Vương Đình Huệ"] == "Ủy viên Bộ Chính trị, Bí thư Thành ủy Hà Nội"
    assert p4["Nguyễn Thị Tuyến"].startswith("Ủy viên Ban Thường vụ Thành ủy, Trưởng Ban Dân vận Thành ủy")
    p0 = dict(ents["000"].people)
    assert p0["Phạm Hải Hoa"] == "TUV, Phó Trưởng Ban Thường trực Ban Dân vận Thành ủy"
    assert p0["Nguyễn Anh Tuấn"] == "Phó Bí thư Thường trực Quận ủy"
    p1 = dict(ents["001"].people)
    assert p1["Nguyễn Minh Tiến"] == "Phó Bí thư Thường trực Quận ủy, Chủ tịch Hội đồng nhân dân quận Thanh Xuân"
    p3 = dict(ents["003"].people)
    assert p3["Trương Quang Hoài Nam"] == "Thành ủy viên, Phó Chủ tịch UBND thành phố"
    p2 = dict(ents["002"].people)
    assert p2["Lê Văn Cương"] == "Quận ủy viên, Bí thư Đảng ủy phường"
    everyone = {n for e in ents.values() for n, _ in e.people}
    assert not everyone & {"Hà Nội", "Thanh Thủy", "Hoàng Phúc", "Cầm Thi Giang", "Bí thư"}  # places, bylines


def test_event_date_year_rules() -> None:
    assert find_event_date("Chiều 15/7/2020, Ban Thường vụ Thành ủy Cần Thơ tổ chức") == "2020-07-15"
    assert find_event_date("Ngày 22/9, Ban Thường vụ tổ chức hội nghị", "2023-09-23") == "2023-09-22"
    assert find_event_date("Ngày 28/12, Ban Thường vụ tổ chức hội nghị", "2024-01-02") == "2023-12-28"
    assert find_event_date("Tìm kiếm\nNgày đăng 03/07/2020 | 09:58\n\nSáng nay, Quận ủy họp") is None
    assert find_event_date("Ngày đăng 03/07/2020\nChiều 1/7, Quận ủy họp") == "2020-07-01"
    assert find_event_date("Đội ngũ 31/12/2020 tăng") is None


def test_find_people_title_forms() -> None:
    text = ("Dự hội có đồng chí Đinh Thị Phước - Phó Chủ thịch Hội Chữ Thập đỏ Thành phố; đồng chí Hồ Minh Tâm - "
            "Trưởng phòng đoàn thể và các hội Ban Dận vận Thành ủy; các đồng chí Bí thư, Chủ tịch UBND phường.")
    assert find_people(text) == [
        ("Đinh Thị Phước", "Phó Chủ thịch Hội Chữ Thập đỏ Thành phố"),
        ("Hồ Minh Tâm", "Trưởng phòng đoàn thể và các hội Ban Dận vận Thành ủy"),
    ]


def test_passage_entities_by_span(ents: dict[str, ArticleEntities]) -> None:
    a = article("000")
    e = ents["000"]
    end_first = a.text.index("\n\n", a.text.index("Sáng ngày 02/7/2020"))
    first = passage_entities(e, 0, end_first)
    assert {r.canonical for r in first.refs} == {"290-QĐ/TW", "66-KL/TW", "43-CT/TW"}
    assert all(r.start >= 0 for r in first.refs)
    assert [loc.name for loc in first.localities] == ["Tây Hồ"]
    assert first.event_date == e.event_date and first.primary_locality == e.primary_locality
    with_title = passage_entities(e, 0, end_first, include_title=True)
    assert len(with_title.refs) == len(first.refs) + 3


def test_entities_through_the_real_cleaner() -> None:
    clean_mod = pytest.importorskip("index.ingest.clean")
    sources = pytest.importorskip("index.ingest.sources")
    try:
        docs, _ = sources.read_sources([CORPUS])
        arts = {d.doc_id[:3]: clean_mod.clean(d) for d in docs}
    except Exception as exc:  # the cleaner is another module's work; don't fail here for its changes
        pytest.skip(f"cleaner unavailable: {exc}")
    got = {p: extract_entities(a) for p, a in arts.items()}
    assert ref_set(got["000"]) >= {"290-QĐ/TW", "66-KL/TW", "43-CT/TW"} and "209-QĐ/TW" not in ref_set(got["000"])
    assert "290-QĐ/TW" not in ref_set(got["001"]) and "290-QĐ/TW" not in ref_set(got["002"])
    expected = {"000": "Tây Hồ", "001": "Thanh Xuân", "002": "Thanh Khê Tây", "003": "Cần Thơ", "004": "Hà Nội"}
    for p, name in expected.items():
        assert got[p].primary_locality is not None and got[p].primary_locality.name == name
