"""The web app in a real browser (Debian's chromium through Playwright) on a copy of the seed index.

Run: ``.venv/bin/python -m pytest tests/test_ui.py -q -m browser``. The app is started in-process on
127.0.0.1 with a free port; uploads go to a temporary copy of the index, never to the shared fixture.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from conftest import copy_index

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"
UPLOAD_LIMIT = 64 * 1024  # the test index refuses bigger uploads
EXAMPLE = "which districts reviewed Quyết định 290?"
TIMEOUT_MS = 60_000

NEW_ARTICLE = """Hội thi gói bánh chưng "Dân vận khéo" tại xã Pà Vầy Sủ

Ngày 14/01/2024, Ban Dân vận Đảng ủy xã Pà Vầy Sủ tổ chức Hội thi gói bánh chưng "Dân vận khéo" năm 2024.
Hội thi gói bánh chưng thu hút 137 đội thi đến từ các thôn bản trong xã.
Giải nhất thuộc về đội thôn Cốc Cái với chiếc bánh chưng nặng 42 ki-lô-gam.
"""

HOSTILE_TXT = """Bài viết thử nghiệm Zyxwquark <img src=x onerror="window.__pwned=7"> về an toàn hiển thị

Đoạn này nói về hội nghị Zyxwquark của khu dân cư số 9. <script>window.__pwned=1</script>
Ảnh minh họa Zyxwquark: <img src=x onerror="window.__pwned=2"> và mẫu {{constructor}} ${window.__pwned=3}.
"""

HOSTILE_HTML = """<!doctype html><html><head><title>Trang Qwertzlemon thử nghiệm</title>
<script>window.__pwned=4</script></head><body><article><h1>Trang Qwertzlemon thử nghiệm</h1>
<p>Hội nghị Qwertzlemon của khu dân cư số 7 bàn về công tác dân vận ở cơ sở.</p>
<p>&lt;img src=x onerror="window.__pwned=5"&gt; Qwertzlemon giữ nguyên văn bản này.</p>
<img src=x onerror="window.__pwned=6"></article></body></html>
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(seed_index, tmp_path_factory):
    """(url, index) of the app serving a private copy of the seed index."""
    import index
    import ui
    from index.settings import Settings

    folder = tmp_path_factory.mktemp("ui-index") / "index"
    copy_index(seed_index.root, folder)
    settings = Settings.load(folder, max_upload_bytes=UPLOAD_LIMIT)
    idx = index.open(settings=settings, embedder=seed_index.embedder)
    demo = ui.build_app(idx)
    port = _free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, i18n=ui.i18n())
    try:
        yield f"http://127.0.0.1:{port}/", idx
    finally:
        demo.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(app, browser):
    url, _ = app
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.goto(url)
    pg.locator("#question textarea").wait_for()
    yield pg
    assert pg.evaluate("window.__pwned") is None
    context.close()


def ask(page, question: str):
    page.get_by_role("tab", name="Hỏi đáp").click()
    page.locator("#question textarea").fill(question)
    page.locator("#ask-btn").click()
    page.wait_for_function("q => document.querySelector('#answer .tr-out')?.dataset.q === q", arg=question)
    return page.locator("#answer .tr-out")


def upload(page, paths) -> str:
    page.get_by_role("tab", name="Kho bài viết").click()
    before = page.locator("#upload-report").inner_text()
    page.locator("#upload input[type=file]").set_input_files([str(p) for p in paths])
    page.wait_for_function("b => { const r = document.querySelector('#upload-report .tr-out');"
                           " return r && r.innerText !== b; }", arg=before)
    return page.locator("#upload-report").inner_text()


def test_page_loads(page):
    assert page.title() == "Tra cứu công tác dân vận"
    for tab in ("Hỏi đáp", "Tìm kiếm", "Kho bài viết"):
        assert page.get_by_role("tab", name=tab).is_visible()
    assert page.get_by_text("Hội nghị tổng kết công tác dân vận của phường Thanh Khê Tây").first.is_visible()
    page.get_by_text("5 bài viết").wait_for()


def test_list_answer_cites_each_locality(page):
    out = ask(page, EXAMPLE)
    items = out.locator(".answer li")
    labels = items.all_inner_texts()
    assert len(labels) >= 3, labels
    for place in ("Tây Hồ", "Cần Thơ", "Hà Nội"):
        item = next((t for t in labels if place in t.split(":")[0]), None)
        assert item is not None, (place, labels)
        ns = [int(a.get_attribute("href").split("-")[1]) for a in
              items.filter(has_text=place).first.locator("a.cite").all()]
        assert ns, item
        for n in ns:  # every marker resolves to a visible evidence card with a highlighted quote
            card = page.locator(f"#cite-{n}")
            assert card.is_visible()
            assert card.locator("mark.quote").first.inner_text().strip()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-answer.png"), full_page=True)


def test_marker_scrolls_to_its_card(page):
    out = ask(page, EXAMPLE)
    last = out.locator(".answer a.cite").last
    target = last.get_attribute("href")
    last.click()
    page.wait_for_function("t => location.hash === t", arg=target)
    assert page.evaluate("document.querySelector(':target')?.id") == target[1:]
    box = page.locator(target).bounding_box()
    assert box is not None and 0 <= box["y"] < 900, box
    # the card offers the whole article, opened at the cited passage
    page.locator(f"{target} a.open-full").click()
    assert page.locator(f"{target} details").get_attribute("open") is not None
    passage = page.locator(f"{target}-full")
    assert passage.is_visible() and passage.locator("mark.quote").count() == 1


def test_upload_then_ask(page, app, tmp_path):
    path = tmp_path / "hoi thi Pa Vay Su.txt"
    path.write_text(NEW_ARTICLE, encoding="utf-8")
    report = upload(page, [path])
    assert "Đã thêm" in report and "hoi_thi_Pa_Vay_Su.txt" in report, report
    _, idx = app
    assert (idx.root / "uploads" / "hoi_thi_Pa_Vay_Su.txt").is_file()
    # the facets were refreshed: the table lists the new article
    page.locator("#articles").get_by_text("Hội thi gói bánh chưng").first.wait_for()
    out = ask(page, "Hội thi gói bánh chưng ở xã Pà Vầy Sủ thu hút bao nhiêu đội thi?")
    assert "137" in out.locator(".answer").inner_text()
    assert "hoi_thi_Pa_Vay_Su.txt#" in out.locator("#cite-1 .meta").inner_text()


def test_hostile_article_renders_as_text(page, tmp_path):
    txt, htm = tmp_path / "hostile.txt", tmp_path / "hostile.html"
    txt.write_text(HOSTILE_TXT, encoding="utf-8")
    htm.write_text(HOSTILE_HTML, encoding="utf-8")
    report = upload(page, [txt, htm])
    assert "hostile.txt" in report and "hostile.html" in report, report
    # in the corpus viewer
    page.locator("#articles").get_by_text("Zyxwquark").first.click()
    viewer = page.locator("#viewer .fulltext")
    viewer.wait_for()
    text = viewer.inner_text()
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=2">' in text and "${window.__pwned=3}" in text
    assert page.locator("#viewer img, #viewer script, #articles img, #pick img").count() == 0
    assert '<img src=x onerror="window.__pwned=7">' in page.locator("#viewer .card-head").inner_text()
    # and as evidence in search results
    page.get_by_role("tab", name="Tìm kiếm").click()
    for term in ("Zyxwquark", "Qwertzlemon"):
        page.locator("#query textarea, #query input").first.fill(term)
        page.locator("#search-btn").click()
        page.wait_for_function("q => document.querySelector('#hits .tr-out')?.dataset.q === q", arg=term)
        page.locator("#hit-1 summary").click()
        assert page.locator("#hits img, #hits script").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_oversized_upload_is_refused(page, app, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Công tác dân vận. " * (UPLOAD_LIMIT // 10), encoding="utf-8")
    report = upload(page, [big])
    assert "Từ chối" in report and "big.txt" in report and "vượt giới hạn" in report, report
    assert not (app[1].root / "uploads" / "big.txt").exists()


def test_filters_restrict_search(page):
    page.get_by_text("Bộ lọc").click()
    page.locator("#f-localities input").fill("Cần Thơ")
    page.get_by_role("option", name="Thành phố Cần Thơ").click()
    page.get_by_role("tab", name="Tìm kiếm").click()
    page.locator("#query textarea").fill("tổng kết công tác dân vận")
    page.locator("#search-btn").click()
    page.wait_for_function("q => document.querySelector('#hits .tr-out')?.dataset.q === q",
                           arg="tổng kết công tác dân vận")
    places = page.locator("#hits .card .meta .place").all_inner_texts()
    assert places and set(places) == {"Thành phố Cần Thơ"}, places
    assert page.locator("#hits .badge.r-dense, #hits .badge.r-bm25").count() >= 1


def test_language_switch(page):
    out = ask(page, "Hội Chữ thập đỏ quận Tây Hồ có bao nhiêu hội viên?")
    assert out.locator("h3").first.inner_text() == "Bằng chứng"
    page.get_by_text("English", exact=True).click()
    page.get_by_role("button", name="Ask", exact=True).wait_for()
    page.get_by_role("tab", name="Corpus").wait_for()
    # the answer already on screen is re-rendered in the new language, its quote unchanged
    page.wait_for_function("() => document.querySelector('#answer h3')?.innerText === 'Evidence'")
    assert "5.573" in page.locator("#answer .answer").inner_text()


def test_api_ask_and_search(app):
    from gradio_client import Client

    url, _ = app
    client = Client(url, verbose=False)
    result = client.predict("Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?", api_name="/ask")
    assert {"question", "answer", "abstained", "citations", "items"} <= set(result)
    for c in result["citations"]:
        assert {"n", "doc_id", "passage_id", "title", "text", "url", "date"} <= set(c)
    found = client.predict("Tổ dân vận Tây Hồ", api_name="/search")
    assert found["hits"] and {"doc_id", "passage_id", "score"} <= set(found["hits"][0])


def test_upload_names_stay_inside_uploads(app, tmp_path):
    import ui

    assert ui.safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert ui.safe_name("..\\..\\x.HTML") == "x.html"
    assert ui.safe_name(".bashrc") == "bashrc"
    _, idx = app
    evil = tmp_path / "..%2F..%2Fescape.txt"
    evil.write_text("Bài viết thử.", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(evil)
    accepted, refused = ui.save_uploads([str(evil), str(link)], idx)
    assert [d.parent for _, d in accepted] == [idx.root / "uploads"]
    assert refused and refused[0][0] == "link.txt"


def test_refusal_reasons_are_reported(app, tmp_path):
    import ui

    _, idx = app
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Réunion générale à Genève, déjà prévue.".encode("latin-1"))
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    report = ui.ingest_uploads([str(empty), str(latin), str(exe)], idx, "en")
    assert report.count("Refused") == 3, report
    assert "empty" in report and "UTF-8" in report and ".exe" in report
    assert not (idx.root / "uploads" / "empty.txt").exists()  # refused files are not kept
