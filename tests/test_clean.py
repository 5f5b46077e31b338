"""Cleaning: real seed pages lose their furniture and keep their text; HTML, Markdown and JSONL inputs."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from index.ingest.clean import CleanError, clean, normalize_date
from index.records import SourceDoc
from index.ingest.sources import read_sources

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

# Generic furniture, as patterns on whole lines of the cleaned text.
FURNITURE = [
    r"(?i)^(tìm kiếm|album ảnh|các chuyên mục|sự kiện nổi bật|phiên bản di động|trang chủ)$",
    r"(?i)view count|lượt xem|cỡ chữ|bản in",
    r"(?i)^(các )?tin (khác|liên quan)|^có thể bạn quan tâm|^ý kiến bạn đọc|^nên xem|^xem thêm|^trả lời$",
    r"(?i)email của bạn|trường bắt buộc|thống kê truy cập|^đang truy cập|^hôm nay:|^tổng:",
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",  # GUID
    r"^\d{3,}\s+[0-9a-z]{10,}$|image gallery",  # image ids
    r"<<|>>|^[<>\d\s]+$",  # pagination
    r"\(\d{2}/\d{2}/\d{4}\)$",  # dated teaser headlines
    r"^Ngày đăng",
]


@pytest.fixture(scope="module")
def seeds():
    docs, skipped = read_sources([CORPUS])
    assert not skipped
    return {d.doc_id[:3]: clean(d) for d in docs}


def test_no_furniture_line_left(seeds):
    for key, art in seeds.items():
        for line in art.text.split("\n"):
            for pattern in FURNITURE:
                assert not re.search(pattern, line.strip()), (key, pattern, line)


def test_titles(seeds):
    assert seeds["000"].title.startswith("Hội nghị tổng kết 10 năm thực hiện Quyết định số 290-QĐ/TW")
    assert seeds["001"].title == "Quận Thanh Xuân: Xây dựng và nhân rộng các mô hình “dân vận khéo” trên các lĩnh vực"
    assert seeds["002"].title.startswith("KHỐI DÂN VẬN ĐẢNG ỦY VÀ BAN CHỈ ĐẠO THỰC HIỆN QCDC")  # kept as written
    assert seeds["003"].title == "Tổng kết 10 năm thực hiện Quyết định số 290-QĐ/TW của Bộ Chính trị (khóa X)"
    assert seeds["004"].title == "Hà Nội sẽ kết hợp giữa “diện” và “điểm” trong công tác dân vận"
    for art in seeds.values():
        assert not art.text.startswith(art.title)  # the headline is separate, not repeated in the body


def test_dates_authors_urls(seeds):
    assert seeds["000"].date == "2020-07-03"
    assert seeds["003"].date == "2020-07-16"
    # No publication-date line: the event date in the body is not a publication date.
    assert seeds["002"].date is None and seeds["004"].date is None
    assert seeds["000"].author == "Ban Tuyên giáo quận ủy"
    assert seeds["004"].author == "Hoàng Phúc"
    assert seeds["001"].url and seeds["001"].url.startswith("https://laodongthudo.vn/")


def test_key_facts_and_captions_kept(seeds):
    assert "91 Tổ dân vận" in seeds["000"].text
    assert "5.573" in seeds["000"].text
    assert "9.720" in seeds["003"].text
    assert "10.272" in seeds["004"].text and "27.739" in seeds["004"].text
    assert "13/01/2022" in seeds["002"].text
    assert "Trương Thị Mai" in seeds["004"].text
    assert "Đ/c Phạm Hải Hoa - TUV, Phó Trưởng Ban Thường trực Ban Dân vận Thành ủy trao thưởng tại Hội nghị" in seeds["000"].text
    assert "Các đồng chí lãnh đạo thành phố chủ trì hội nghị." in seeds["003"].text
    assert "Bí thư Thành uỷ Hà Nội Vương Đình Huệ phát biểu tại buổi làm việc." in seeds["004"].text
    assert "Các cá nhân, tập thể có thành tích xuất sắc được khen thưởng" in seeds["001"].text
    assert seeds["000"].text.endswith("trong năm 2020./.")


def test_teasers_and_headline_lists_removed(seeds):
    text = seeds["004"].text
    for teaser in ("Hòa Lạc", "tổ chức bộ máy, biên chế", "bờ sông Hồng", "Myanmar", "hồ Gươm", "New Zealand"):
        assert teaser not in text
    assert "sự kiên tiêu biểu" not in seeds["000"].text
    assert "85.000 người" not in seeds["003"].text


def test_text_is_display_normalised(seeds):
    for art in seeds.values():
        assert "\u00a0" not in art.text and "\r" not in art.text
        assert "\n\n\n" not in art.text and art.text == art.text.strip()
        assert art.content_hash == hashlib.sha256(f"{art.title}\n{art.text}".encode()).hexdigest()


def test_generic_furniture_not_from_the_seeds():
    page = "\n".join([
        "Trang chủ", "Đăng nhập", "Chia sẻ",
        "Thủ tướng kiểm tra công tác phòng chống lụt bão tại miền Trung",
        "Cập nhật: 12/03/2021 08:15 | Lượt xem: 1.234",
        "",
        "Sáng nay, Thủ tướng Chính phủ đã đi kiểm tra công tác phòng chống lụt bão tại các tỉnh miền Trung và làm việc với lãnh đạo địa phương.",
        "Ảnh: Thủ tướng làm việc với lãnh đạo tỉnh.",
        "",
        "9f0c2a44-1b2c-4d5e-8f90-aa11bb22cc33",
        "Theo Thủ tướng, các địa phương cần chủ động sơ tán người dân khỏi vùng nguy hiểm trước khi bão đổ bộ vào đất liền.",
        "",
        "Minh Anh",
        "",
        "Bài liên quan",
        "Hà Nội mưa lớn kéo dài trong nhiều ngày tới",
        "Giá xăng giảm mạnh từ chiều nay",
        "« 1 2 3 »",
    ])
    art = clean(SourceDoc("x.txt", page, "txt", "x.txt"))
    assert art.title == "Thủ tướng kiểm tra công tác phòng chống lụt bão tại miền Trung"
    assert art.date == "2021-03-12"
    assert art.author == "Minh Anh"
    assert art.text.split("\n") == [
        "Sáng nay, Thủ tướng Chính phủ đã đi kiểm tra công tác phòng chống lụt bão tại các tỉnh miền Trung và làm việc với lãnh đạo địa phương.",
        "Ảnh: Thủ tướng làm việc với lãnh đạo tỉnh.",
        "",
        "Theo Thủ tướng, các địa phương cần chủ động sơ tán người dân khỏi vùng nguy hiểm trước khi bão đổ bộ vào đất liền.",
    ]


HTML = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Quận Tây Hồ tổng kết công tác dân vận - Báo Hà Nội</title>
<meta property="og:title" content="Quận Tây Hồ tổng kết công tác dân vận">
<meta property="og:url" content="https://example.vn/tay-ho-dan-van.html">
<meta property="article:published_time" content="2020-07-03T09:58:00+07:00">
<script>var s = "Tìm kiếm trong script";</script><style>body{color:red}</style></head><body>
<header><nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/tin">Tin tức</a></li><li>Tìm kiếm</li></ul></nav></header>
<main><article><h1>Quận Tây Hồ tổng kết công tác dân vận</h1>
<p>Sáng ngày 02/7/2020, Quận ủy Tây Hồ đã tổ chức hội nghị tổng kết 10 năm thực hiện Quyết định số 290-QĐ/TW của Bộ Chính trị về Quy chế công tác dân vận của hệ thống chính trị.</p>
<p>Đến nay toàn quận đã thành lập 91 Tổ dân vận khu dân cư do đồng chí Bí thư Chi bộ làm Tổ trưởng; 8/8 phường đều phân công đồng chí Bí thư cấp ủy trực tiếp phụ trách công tác dân vận.</p>
<p>Tại hội nghị có 7 tập thể được khen thưởng vì có thành tích trong việc thực hiện Quyết định số 290-QĐ/TW và phong trào thi đua “Dân vận khéo” trên địa bàn quận.</p>
</article><section><h3>Tin khác</h3><ul><li><a href="/a">Hà Nội triển khai nhiệm vụ mới năm 2021</a></li></ul></section></main>
<footer><p>Bản quyền © Báo Hà Nội. Phiên bản di động</p></footer><script>console.log("footer")</script>
</body></html>"""


def test_html_page_cleans_to_its_body():
    art = clean(SourceDoc("page.html", HTML, "html", "page.html"))
    assert art.title == "Quận Tây Hồ tổng kết công tác dân vận"
    assert art.date == "2020-07-03"
    assert art.url == "https://example.vn/tay-ho-dan-van.html"
    assert art.text.startswith("Sáng ngày 02/7/2020, Quận ủy Tây Hồ")
    assert "91 Tổ dân vận" in art.text and "“Dân vận khéo”" in art.text
    for junk in ("Trang chủ", "Tìm kiếm", "script", "console", "color", "Tin khác", "nhiệm vụ mới", "Bản quyền"):
        assert junk not in art.text


def test_markdown():
    md = (
        "---\ndate: 16/07/2020\nurl: https://example.vn/md\n---\n"
        "# Tổng kết **10 năm** thực hiện Quyết định 290\n\n"
        "Chiều 15/7/2020, *Ban Thường vụ* Thành ủy Cần Thơ tổ chức [hội nghị](https://x.vn) tổng kết.\n\n"
        "## Kết quả\n\n- Có 9.720 điển hình “dân vận khéo”.\n\n---\n"
    )
    art = clean(SourceDoc("a.md", md, "md", "a.md"))
    assert art.title == "Tổng kết 10 năm thực hiện Quyết định 290"
    assert art.date == "2020-07-16" and art.url == "https://example.vn/md"
    assert art.text == (
        "Chiều 15/7/2020, Ban Thường vụ Thành ủy Cần Thơ tổ chức hội nghị tổng kết.\n\nKết quả\n\n"
        "- Có 9.720 điển hình “dân vận khéo”."
    )


def test_jsonl_fields_are_used_and_normalised():
    text = "Quận ủy Tây Hồ tổng kết\n\nSáng ngày 02/7/2020,\u00a0Quận ủy Tây Hồ đã tổ chức hội nghị tổng kết công tác dân vận năm 2020.\r\n"
    src = SourceDoc("t1", text, "jsonl", "b.jsonl:1", title="Quận ủy Tây Hồ tổng kết", url="https://x.vn/1", date="16/07/2020")
    art = clean(src)
    assert (art.title, art.url, art.date) == ("Quận ủy Tây Hồ tổng kết", "https://x.vn/1", "2020-07-16")
    assert art.text == "Sáng ngày 02/7/2020, Quận ủy Tây Hồ đã tổ chức hội nghị tổng kết công tác dân vận năm 2020."


def test_short_given_title_is_not_repeated_in_text():
    art = clean(SourceDoc("t3", "Tin vắn\nHội nghị tổng kết công tác dân vận diễn ra sáng nay tại quận Tây Hồ.", "jsonl", "b:3", title="Tin vắn"))
    assert art.text == "Hội nghị tổng kết công tác dân vận diễn ra sáng nay tại quận Tây Hồ."


def test_jsonl_without_title_gets_one():
    art = clean(SourceDoc("t2", "Một câu ngắn về công tác dân vận.", "jsonl", "b.jsonl:2"))
    assert art.title == "Một câu ngắn về công tác dân vận." and art.text == art.title


def test_only_furniture_raises():
    with pytest.raises(CleanError, match="no article text"):
        clean(SourceDoc("m.txt", "Tìm kiếm\n\nAlbum Ảnh\n\nView count: 5\n", "txt", "m.txt"))


@pytest.mark.parametrize(
    ("raw", "iso"),
    [("03/07/2020", "2020-07-03"), ("2020-07-03T09:58:00+07:00", "2020-07-03"), ("Ngày 1/4/2025", "2025-04-01"),
     ("31/02/2020", None), ("", None), (None, None)],
)
def test_normalize_date(raw, iso):
    assert normalize_date(raw) == iso
