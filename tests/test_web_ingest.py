"""Articles from the web (issue 27 part 3): pages by URL, a sitemap, RSS and Atom feeds, fetched from a
site the tests serve on 127.0.0.1 (tests/website.py; never the internet) — conditional GET, robots.txt,
the per-host rate, redirect loops, huge pages, 404s, feeds mirrored by `sync --feeds`. The library tests
use the fake embedder; the command-line test runs the real `tracuu` with the bundled model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import index
from index.ingest.web import (Fetcher, FetchError, ListingError, WebRequest, doc_id_for, feed_date,
                              normalize_url, parse_listing)
from tracuu.contract import Hit
from index.settings import Settings

from fakes import FakeEmbedder
from test_ui import browser  # noqa: F401 (the browser fixture)
from website import Route, Site

ROOT = Path(__file__).resolve().parent.parent

ARTICLES = {
    "/tin/tay-ho-tong-ket.html": ("Quận Tây Hồ tổng kết công tác dân vận năm 2026", "2026-11-20", [
        "Chiều 20/11, Quận ủy Tây Hồ tổ chức hội nghị tổng kết công tác dân vận năm 2026.",
        "Toàn quận hiện có 91 Tổ dân vận khu dân cư hoạt động thường xuyên, nắm bắt tâm tư của nhân dân.",
        "Hội nghị biểu dương 25 tập thể và 40 cá nhân có thành tích xuất sắc trong phong trào Dân vận khéo."]),
    "/tin/can-tho-dan-van-kheo.html": ("Cần Thơ nhân rộng mô hình Dân vận khéo", "2026-11-25", [
        "Ngày 25/11, Thành ủy Cần Thơ sơ kết phong trào thi đua Dân vận khéo giai đoạn 2021-2026.",
        "Thành phố đã xây dựng 1.250 mô hình Dân vận khéo trên các lĩnh vực kinh tế, văn hóa, xã hội.",
        "Ban Dân vận Thành ủy đề nghị tiếp tục nhân rộng các mô hình có hiệu quả ở cơ sở."]),
    "/tin/thanh-khe-tay-doi-thoai.html": ("Phường Thanh Khê Tây đối thoại với nhân dân", "2026-12-01", [
        "Sáng 1/12, Đảng ủy phường Thanh Khê Tây tổ chức hội nghị đối thoại giữa người đứng đầu cấp ủy với nhân dân.",
        "Tại hội nghị, 17 ý kiến của người dân về trật tự đô thị và vệ sinh môi trường đã được giải đáp.",
        "Bí thư Đảng ủy phường cam kết giải quyết dứt điểm các kiến nghị trong quý I năm 2027."]),
}


def _rss(site: Site, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{ARTICLES[p][0]}</title><link>{site.url(p)}</link>"
        f"<pubDate>{time.strftime('%a, %d %b %Y', time.strptime(ARTICLES[p][1], '%Y-%m-%d'))} 09:00:00 +0700</pubDate></item>"
        for p in paths)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin dân vận</title>'
            f"<link>{site.base}/</link>{items}</channel></rss>").encode("utf-8")


def _atom(site: Site, paths: list[str]) -> bytes:
    entries = "".join(
        f'<entry><title>{ARTICLES[p][0]}</title><link rel="alternate" href="{p}"/>'
        f"<id>tag:{p}</id><published>{ARTICLES[p][1]}T09:00:00+07:00</published></entry>" for p in paths)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Tin</title>{entries}</feed>").encode("utf-8")


@pytest.fixture()
def site():
    s = Site()
    for path, (title, date, paragraphs) in ARTICLES.items():
        s.page(path, title, date, paragraphs)
    s.routes["/robots.txt"] = Route(body=b"User-agent: *\nDisallow: /noi-bo/\n", content_type="text/plain",
                                    validators=False)
    s.routes["/feed.xml"] = Route(body=_rss(s, list(ARTICLES)), content_type="application/rss+xml")
    s.routes["/atom.xml"] = Route(body=_atom(s, list(ARTICLES)[:2]), content_type="application/atom+xml")
    s.routes["/sitemap.xml"] = Route(body=(
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{s.url('/sitemap-tin.xml')}</loc></sitemap></sitemapindex>").encode(), content_type="application/xml")
    s.routes["/sitemap-tin.xml"] = Route(body=(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{s.url(p)}</loc></url>" for p in ARTICLES) + "</urlset>").encode(),
        content_type="application/xml")
    s.routes["/vong-a"] = Route(status=302, headers=(("Location", "/vong-b"),), validators=False)
    s.routes["/vong-b"] = Route(status=301, headers=(("Location", "/vong-a"),), validators=False)
    s.routes["/qua-lon"] = Route(body=b"<html><body><p>" + b"x" * 400_000 + b"</p></body></html>", validators=False,
                                 length=False)
    s.page("/noi-bo/bao-cao.html", "Báo cáo nội bộ", "2026-12-02", ["Nội dung không được phép thu thập."])
    yield s.start()
    s.stop()


def _settings(folder: Path, **kw) -> Settings:
    return Settings.load(folder, web_host_delay_s=0.0, **kw)


def _open(folder: Path, **kw):
    return index.open(settings=_settings(folder, **kw), embedder=FakeEmbedder())


# --- URLs and listings --------------------------------------------------------------------------------


def test_urls_have_one_normal_form_and_a_readable_stable_doc_id():
    a = "HTTPS://WWW.Baodantoc.vn:443/Tin-Tức/Quận-ủy-Tây-Hồ.html?utm_source=zalo&id=7#binh-luan"
    assert normalize_url(a) == "https://www.baodantoc.vn/Tin-T%E1%BB%A9c/Qu%E1%BA%ADn-%E1%BB%A7y-T%C3%A2y-H%E1%BB%93.html?id=7"
    assert doc_id_for(a) == "baodantoc.vn_tin-tuc-quan-uy-tay-ho-id-7_" + doc_id_for(a)[-8:]
    assert normalize_url(a) == normalize_url(normalize_url(a))
    assert doc_id_for(a) == doc_id_for("https://www.baodantoc.vn/Tin-Tức/Quận-ủy-Tây-Hồ.html?id=7")
    assert doc_id_for(a).startswith("baodantoc.vn_") and "/" not in doc_id_for(a)
    assert doc_id_for("http://127.0.0.1:8080") == doc_id_for("http://127.0.0.1:8080/")
    assert normalize_url("http://h/tin:5").endswith("%3A5")  # never read back as "line 5 of http://h/tin"
    assert doc_id_for("http://a.vn/x?id=1") != doc_id_for("http://a.vn/x?id=2")


def test_feeds_and_sitemaps_parse_with_links_and_dates(site):
    rss = parse_listing(site.routes["/feed.xml"].body, site.url("/feed.xml"), limit=100)
    assert rss.kind == "rss" and [i.url for i in rss.items] == [site.url(p) for p in ARTICLES]
    assert [i.date for i in rss.items] == [d for _, d, _ in ARTICLES.values()]
    atom = parse_listing(site.routes["/atom.xml"].body, site.url("/atom.xml"), limit=100)
    assert atom.kind == "atom" and [i.url for i in atom.items] == [site.url(p) for p in list(ARTICLES)[:2]]
    assert atom.items[0].date == "2026-11-20" and atom.items[0].title.startswith("Quận Tây Hồ")
    index_map = parse_listing(site.routes["/sitemap.xml"].body, site.url("/sitemap.xml"), limit=100)
    assert index_map.sitemaps == (site.url("/sitemap-tin.xml"),) and index_map.items == ()
    assert len(parse_listing(b"http://a.vn/1\nhttp://a.vn/2\n", "http://a.vn/s.txt", limit=100).items) == 2
    assert len(parse_listing(site.routes["/feed.xml"].body, site.url("/feed.xml"), limit=2).items) == 2
    assert feed_date("Tue, 01 Dec 2026 23:30:00 +0700") == "2026-12-01" and feed_date("hôm qua") is None
    with pytest.raises(ListingError, match="not a feed or a sitemap"):
        parse_listing(b"<html><body>trang chu</body></html>", "http://a.vn/", limit=10)
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b"<rss><channel><item><title>&b;</title><link>http://a.vn/x</link></item></channel></rss>")
    assert "aaaa" not in (parse_listing(bomb, "http://a.vn/", limit=10).items[0].title or "")


# --- fetching -----------------------------------------------------------------------------------------


def test_fetch_refuses_404_loops_huge_pages_and_robots_with_a_reason_each(site, tmp_path):
    fetcher = Fetcher(_settings(tmp_path, web_max_page_bytes=100_000))
    reasons = {}
    for path in ("/khong-co.html", "/vong-a", "/qua-lon", "/noi-bo/bao-cao.html"):
        with pytest.raises(FetchError) as err:
            fetcher.get(site.url(path))
        reasons[path] = str(err.value)
    assert reasons["/khong-co.html"].startswith("HTTP 404") and "check the address" in reasons["/khong-co.html"]
    assert reasons["/vong-a"].startswith("redirect loop") and "/vong-b" in reasons["/vong-a"]
    assert "over the 100,000-byte limit" in reasons["/qua-lon"]
    assert "robots.txt" in reasons["/noi-bo/bao-cao.html"]
    assert site.count(200, "/noi-bo/bao-cao.html") == 0  # refused before asking
    big = Fetcher(_settings(tmp_path, web_max_page_bytes=500))  # declared length: refused before reading
    with pytest.raises(FetchError, match="bytes, over the 500-byte limit"):
        big.get(site.url("/tin/tay-ho-tong-ket.html"))
    assert all(agent.startswith("tracuu/") for agent in site.agents)
    import gzip

    site.routes["/sitemap.xml.gz"] = Route(body=gzip.compress(site.routes["/sitemap-tin.xml"].body),
                                           content_type="application/x-gzip")
    packed = fetcher.get(site.url("/sitemap.xml.gz")).body
    assert len(parse_listing(packed, site.url("/sitemap.xml.gz"), limit=10).items) == 3
    site.routes["/bom.gz"] = Route(body=gzip.compress(b"<p>" + b"a" * 300_000), content_type="text/html")
    with pytest.raises(FetchError, match="unpacks to over the 100,000-byte limit"):
        fetcher.get(site.url("/bom.gz"))


def test_fetch_is_conditional_and_spaced_per_host(site, tmp_path):
    fetcher = Fetcher(Settings.load(tmp_path, web_host_delay_s=0.3))
    started = time.monotonic()
    first = fetcher.get(site.url("/tin/tay-ho-tong-ket.html"))  # after robots.txt: one turn waited
    again = fetcher.get(site.url("/tin/tay-ho-tong-ket.html"), etag=first.etag)
    assert first.status == 200 and first.etag and first.last_modified and again.not_modified
    assert time.monotonic() - started >= 0.6  # robots, page, page: two gaps of 0.3 s
    by_date = fetcher.get(site.url("/tin/tay-ho-tong-ket.html"), last_modified=first.last_modified)
    assert by_date.not_modified and site.count(304) == 2 and site.count(200) == 1


def test_the_page_side_refuses_private_hosts(site, tmp_path):
    with pytest.raises(FetchError, match="not a public address"):
        Fetcher(_settings(tmp_path), allow_private=False).get(site.url("/tin/tay-ho-tong-ket.html"))
    assert site.count(200) == 0 and not site.answers


# --- ingest -------------------------------------------------------------------------------------------


def test_urls_and_a_sitemap_ingest_once_and_errors_name_each_url(site, tmp_path):
    idx = _open(tmp_path / "idx", web_max_page_bytes=100_000)
    bad = [site.url(p) for p in ("/khong-co.html", "/vong-a", "/qua-lon", "/noi-bo/bao-cao.html")]
    report = idx.ingest_web(WebRequest(urls=(site.url("/tin/tay-ho-tong-ket.html"), *bad, "ftp://a.vn/x")))
    doc_id = doc_id_for(site.url("/tin/tay-ho-tong-ket.html"))
    assert report.ingest.added == (doc_id,)
    assert [s.origin for s in report.skipped] == ["ftp://a.vn/x", *bad]
    article = idx.article(doc_id)
    assert article.url == site.url("/tin/tay-ho-tong-ket.html") and article.date == "2026-11-20"
    assert article.title == ARTICLES["/tin/tay-ho-tong-ket.html"][0] and "91 Tổ dân vận" in article.text
    assert "Trang chủ" not in article.text and "Bản quyền" not in article.text
    assert idx.sources([doc_id])[doc_id][0].path == site.url("/tin/tay-ho-tong-ket.html")
    assert Hit.of(idx.search("91 Tổ dân vận khu dân cư", k=1)[0]).model_dump()["url"] == article.url

    mapped = idx.ingest_web(WebRequest(sitemaps=(site.url("/sitemap.xml"),)))
    assert len(mapped.ingest.added) == 2 and mapped.fetched == 4  # two sitemaps, two new pages
    assert mapped.not_modified == 1  # the page ingested above: 304
    quiet = idx.ingest_web(WebRequest(sitemaps=(site.url("/sitemap.xml"),)))
    assert quiet.fetched == 0 and quiet.ingest.added == quiet.ingest.updated == () and idx.counts()[0] == 3

    # A changed page is replaced; a removed article is fetched whole again, not answered from a 304.
    title, date, paragraphs = ARTICLES["/tin/can-tho-dan-van-kheo.html"]
    site.page("/tin/can-tho-dan-van-kheo.html", title, date, [*paragraphs, "Mã theo dõi mới QZ7781K."])
    idx.remove([doc_id])
    again = idx.ingest_web(WebRequest(urls=(site.url("/tin/tay-ho-tong-ket.html"), site.url("/tin/can-tho-dan-van-kheo.html"))))
    assert again.ingest.added == (doc_id,) and again.ingest.updated == (doc_id_for(site.url("/tin/can-tho-dan-van-kheo.html")),)
    assert idx.search("QZ7781K", k=1)[0].doc_id == doc_id_for(site.url("/tin/can-tho-dan-van-kheo.html"))
    assert idx.doctor() == []


def test_the_feed_gives_the_date_a_page_lacks(site, tmp_path):
    title, _, paragraphs = ARTICLES["/tin/thanh-khe-tay-doi-thoai.html"]
    site.page("/tin/khong-ngay.html", title, None, paragraphs)
    site.routes["/ngay.xml"] = Route(body=(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>{title}</title>'
        f"<link>/tin/khong-ngay.html</link><pubDate>Tue, 01 Dec 2026 23:30:00 +0700</pubDate></item>"
        "</channel></rss>").encode("utf-8"), content_type="text/xml")
    bare = _open(tmp_path / "bare")
    bare.ingest_web(WebRequest(urls=(site.url("/tin/khong-ngay.html"),)))
    assert bare.article(doc_id_for(site.url("/tin/khong-ngay.html"))).date is None  # the page names none
    fed = _open(tmp_path / "fed")
    fed.ingest_web(WebRequest(feeds=(site.url("/ngay.xml"),)))
    assert fed.article(doc_id_for(site.url("/tin/khong-ngay.html"))).date == "2026-12-01"  # the publisher's day


def test_a_slow_site_does_not_hold_the_write_lock(site, tmp_path):
    import threading

    slow, gate = site.url("/cham.html"), threading.Event()
    site.routes["/cham.html"] = Route(body=site.routes["/tin/tay-ho-tong-ket.html"].body, gate=gate)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bai.txt").write_text("Bài từ tệp\n\nXã Tân Lập có 12 Tổ dân vận, mã QZ4411K.\n", encoding="utf-8")
    web, files = _open(tmp_path / "idx"), _open(tmp_path / "idx")
    files.ingest([tmp_path / "in"])  # the index exists; the web pass reads its state first
    done = []
    worker = threading.Thread(target=lambda: done.append(web.ingest_web(WebRequest(urls=(slow,)))))
    worker.start()
    try:
        time.sleep(0.3)  # the web pass is waiting for the slow page now
        (tmp_path / "in" / "bai.txt").write_text("Bài từ tệp\n\nXã Tân Lập có 14 Tổ dân vận, mã QZ4411K.\n", encoding="utf-8")
        # Had the fetch held the write lock, this would raise IndexBusyError.
        assert files.ingest([tmp_path / "in"]).updated == ("bai.txt",) and not done
    finally:
        gate.set()
        worker.join(60)
    assert done[0].ingest.added == (doc_id_for(slow),) and web.doctor() == []


def test_an_atom_feed_mirrored_by_sync_removes_only_what_left_it(site, tmp_path):
    idx = _open(tmp_path / "idx")
    direct = site.url("/tin/thanh-khe-tay-doi-thoai.html")
    idx.ingest_web(WebRequest(urls=(direct,)))  # asked for by name: a feed sync never removes it
    first = idx.ingest_web(WebRequest(feeds=(site.url("/atom.xml"),), mirror=True))
    ids = [doc_id_for(site.url(p)) for p in list(ARTICLES)[:2]]
    assert first.ingest.added == tuple(ids) and idx.article(ids[1]).date == "2026-11-25"
    site.routes["/atom.xml"] = Route(body=_atom(site, [list(ARTICLES)[1], list(ARTICLES)[2]]),
                                     content_type="application/atom+xml")
    second = idx.ingest_web(WebRequest(feeds=(site.url("/atom.xml"),), mirror=True))
    assert second.removed == (ids[0],) and second.ingest.added == ()
    assert {s.article.doc_id for s in idx.articles()} == {ids[1], doc_id_for(direct)}
    site.routes["/atom.xml"] = Route(body=_atom(site, []), content_type="application/atom+xml")
    third = idx.ingest_web(WebRequest(feeds=(site.url("/atom.xml"),), mirror=True))
    assert third.removed == (ids[1],) and idx.article(doc_id_for(direct)) is not None and idx.doctor() == []


def test_sync_feeds_watch_picks_up_a_new_item(site, tmp_path):
    from index.ingest.sync import watch

    idx = _open(tmp_path / "idx")
    site.routes["/feed.xml"] = Route(body=_rss(site, list(ARTICLES)[:1]), content_type="application/rss+xml")
    passes = []

    def on_pass(result):
        passes.append(result)
        if len(passes) == 1:
            site.routes["/feed.xml"] = Route(body=_rss(site, list(ARTICLES)[:2]), content_type="application/rss+xml")

    watch(lambda: idx.ingest_web(WebRequest(feeds=(site.url("/feed.xml"),), mirror=True)), interval=0.05,
          on_pass=on_pass, stop=lambda: len(passes) >= 3)
    assert [len(p.ingest.added) for p in passes] == [1, 1, 0] and passes[2].fetched == 0


# --- the command line, real model -----------------------------------------------------------------------


def _tracuu(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_WAIT_POLICY": "PASSIVE", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "tracuu.cli", *args], capture_output=True, text=True,
                          timeout=600, env=env, cwd=ROOT)


def test_cli_ingests_a_feed_then_fetches_nothing_new_and_sync_removes_a_dropped_item(site, tmp_path):
    idx = str(tmp_path / "idx")
    feed = site.url("/feed.xml")
    first = _tracuu("ingest", "--feed", feed, site.url("/khong-co.html"), "--index", idx, "--delay", "0")
    assert first.returncode == 3, first.stderr[-2000:]  # one URL skipped, the rest ingested
    assert f"tracuu: skipped {site.url('/khong-co.html')}: HTTP 404 Not Found; check the address" in first.stderr
    assert "web: 4 fetched, 0 not modified; added 3, updated 0, unchanged 0, skipped 1" in first.stderr
    csv = tmp_path / "hits.csv"
    found = _tracuu("search", "Tổ dân vận khu dân cư Tây Hồ", "-k", "1", "--json", "--index", idx, "--out", str(csv))
    hits = json.loads(found.stdout)["hits"]
    assert hits[0]["url"] == site.url("/tin/tay-ho-tong-ket.html") and hits[0]["date"] == "2026-11-20"
    assert hits[0]["doc_id"] == doc_id_for(hits[0]["url"])
    assert site.url("/tin/tay-ho-tong-ket.html") in csv.read_text(encoding="utf-8-sig")  # the export cites it
    pages_fetched = site.count(200)
    second = _tracuu("ingest", "--feed", feed, "--index", idx, "--delay", "0")
    assert second.returncode == 0 and "web: 0 fetched" in second.stderr and "added 0" in second.stderr, second.stderr
    assert site.count(200) == pages_fetched and site.count(304, "/feed.xml") == 1  # conditional GET: 304

    site.routes["/feed.xml"] = Route(body=_rss(site, list(ARTICLES)[1:]), content_type="application/rss+xml")
    (tmp_path / "feeds.txt").write_text(f"# nguồn tin\n{feed}\n\n", encoding="utf-8")
    synced = _tracuu("sync", "--feeds", str(tmp_path / "feeds.txt"), "--index", idx, "--delay", "0")
    assert synced.returncode == 0 and "1 articles removed" in synced.stderr, synced.stderr[-2000:]
    listed = json.loads(_tracuu("info", "--index", idx).stdout)["counts"]
    assert listed["articles"] == 2
    (tmp_path / "bad.txt").write_text(f"{feed}\nfeed.xml\n", encoding="utf-8")
    bad = _tracuu("sync", "--feeds", str(tmp_path / "bad.txt"), "--index", idx)
    assert bad.returncode != 0 and "bad.txt:2: only http:// and https://" in bad.stderr


# --- the page ------------------------------------------------------------------------------------------


def test_pasted_urls_are_fetched_from_public_hosts_only_unless_allowed(site, tmp_path):
    from ui_uploads import ingest_urls

    page = site.url("/tin/can-tho-dan-van-kheo.html")
    shut = ingest_urls(f"{page}\n", _open(tmp_path / "a"), "vi")
    assert "Từ chối" in shut and "not a public address" in shut and site.count(200) == 0
    idx = _open(tmp_path / "b", web_page_private_hosts=True, web_paste_limit=2)
    html = ingest_urls(f"  {page}\n\nkhong-phai-url\n{site.url('/khong-co.html')}\n{site.url('/x')}", idx, "en")
    assert "Added" in html and "Cần Thơ nhân rộng mô hình Dân vận khéo" in html and f'href="{page}"' in html
    assert "khong-phai-url" in html and "only http:// and https://" in html
    assert "at most 2 addresses" in html and "HTTP 404" not in html  # the third line was never fetched
    again = ingest_urls(page, idx, "en")
    assert "Unchanged" in again and "Added" not in again and site.count(304) == 1


@pytest.fixture()
def web_app(seed_index, site, tmp_path):
    """(url, index) of the app on a copy of the seed index that may fetch from the loopback test site."""
    import ui
    from conftest import copy_index
    from test_ui import _free_port

    copy_index(seed_index.root, tmp_path / "index")
    idx = index.open(settings=_settings(tmp_path / "index", web_page_private_hosts=True), embedder=seed_index.embedder)
    demo = ui.build_app(idx)
    port = _free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/", idx
    finally:
        demo.close()


@pytest.mark.browser
def test_the_corpus_tab_fetches_pasted_urls(web_app, browser, site):
    url, idx = web_app
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.get_by_role("tab", name="Kho bài viết").click()
    article = site.url("/tin/thanh-khe-tay-doi-thoai.html")
    page.locator("#paste-urls textarea").fill(f"{article}\n{site.url('/vong-a')}")
    page.locator("#fetch-urls").click()
    page.wait_for_function("() => document.querySelector('#upload-report .tr-out')")
    report = page.locator("#upload-report").inner_text()
    assert "Đã thêm" in report and "Phường Thanh Khê Tây đối thoại với nhân dân" in report, report
    assert "redirect loop" in report and page.locator("#paste-urls textarea").input_value() == ""
    page.locator("#articles").get_by_text("Phường Thanh Khê Tây đối thoại với nhân dân").first.wait_for()
    assert page.locator(f'#upload-report a[href="{article}"]').count() == 1
    assert idx.article(doc_id_for(article)).url == article
    context.close()
