"""The researcher views in a real browser (Debian's chromium through Playwright): Enter to ask and a
follow-up, the document card opened from a reference in a passage, the timeline table and chart, and a
download of each export format. Screenshots of the card and the timeline go to test-artifacts/."""

from __future__ import annotations

import csv

import pytest

from test_ui import ARTIFACTS, EXAMPLE, app, browser  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
SLOW_MS = 180_000  # two shared cores: a cold first answer has taken 30 s here


@pytest.fixture
def page(app, browser):  # noqa: F811
    url, _ = app
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(SLOW_MS)
    pg.goto(url)
    pg.locator("#question textarea").wait_for()
    pg.wait_for_function("() => window.__tracuuDocref === true")  # the page's key and click handlers
    yield pg
    assert pg.evaluate("window.__pwned") is None
    context.close()


def _enter(page, question: str):
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("q => document.querySelector('#answer .tr-out')?.dataset.q === q", arg=question)
    return page.locator("#answer .tr-out")


def _downloads(page, files_id: str, tmp_path) -> dict:
    out = {}
    links = page.locator(f"#{files_id} a")
    page.wait_for_function("id => document.querySelectorAll('#' + id + ' a').length >= 4", arg=files_id)
    for i in range(links.count()):
        with page.expect_download() as info:
            links.nth(i).click()
        name = info.value.suggested_filename
        path = tmp_path / name
        info.value.save_as(path)
        out[name.rsplit(".", 1)[-1]] = path
    return out


def test_enter_asks_shift_enter_breaks_the_line_and_a_follow_up_keeps_the_question(page):
    box = page.locator("#question textarea")
    box.fill("dòng một")
    box.press("Shift+Enter")
    box.type("dòng hai")
    assert box.input_value() == "dòng một\ndòng hai"  # a new line, nothing asked
    _enter(page, "Quận Tây Hồ tổ chức hội nghị tổng kết ngày nào?")
    out = _enter(page, "còn Thanh Xuân thì sao?")
    text = out.inner_text()
    assert "Quận Thanh Xuân tổ chức hội nghị tổng kết ngày nào?" in text and "Quận Tây Hồ" in text
    assert "Quận Thanh Xuân: Xây dựng và nhân rộng" in text  # the cited article is Thanh Xuân's
    chat = page.locator("#chat").inner_text()
    assert "Quận Tây Hồ tổ chức" in chat and "Quận Thanh Xuân tổ chức" in chat
    page.locator("#new-chat").click()
    page.wait_for_function("() => !document.querySelector('#chat').innerText.trim()")


def test_document_card_opens_from_a_reference_in_a_passage(page, tmp_path):
    _enter(page, EXAMPLE)
    page.locator('#answer a.docref[data-ref="290-QĐ/TW"]').first.click()
    card = page.locator("#doc-card .tr-card")
    page.wait_for_function("() => document.querySelector('#doc-card .tr-card')?.dataset.doc === '290-QĐ/TW'")
    text = card.inner_text()
    for expected in ("Quy chế công tác dân vận của hệ thống chính trị", "25/2/2010", "Bộ Chính trị", "khóa X",
                     "(3)"):
        assert expected in text, (expected, text)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "document-card.png"), full_page=True)
    # The answer's exports download, Vietnamese intact.
    page.get_by_role("tab", name="Hỏi đáp").click()
    files = _downloads(page, "answer-files", tmp_path)
    assert set(files) == {"csv", "xlsx", "docx", "md"}
    with files["csv"].open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {"Thành phố Cần Thơ", "Thành phố Hà Nội"} <= {r["item"] for r in rows}


def test_a_subject_alone_opens_the_card(page):
    page.get_by_role("tab", name="Văn bản").click()
    box = page.locator("#doc-ref textarea, #doc-ref input").first
    box.fill("Quy chế công tác dân vận")
    page.locator("#doc-btn").click()
    page.wait_for_function("() => document.querySelector('#doc-card .tr-card')?.dataset.doc === '290-QĐ/TW'")


def test_timeline_table_chart_and_every_export(page, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    page.get_by_role("tab", name="Dòng thời gian").click()
    page.locator("#tl-q textarea, #tl-q input").first.fill("290-QĐ/TW")
    page.locator("#tl-btn").click()
    page.wait_for_function("() => /2020-07-02[\\s\\S]*2020-07-15[\\s\\S]*2020-07-15/"
                           ".test(document.querySelector('#tl-table')?.innerText || '')")
    table = page.locator("#tl-table").inner_text()
    for place in ("Quận Tây Hồ", "Thành phố Cần Thơ", "Thành phố Hà Nội"):
        assert place in table
    page.locator("#tl-chart img").first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "timeline.png"), full_page=True)
    files = _downloads(page, "tl-files", tmp_path)
    assert set(files) == {"csv", "xlsx", "docx", "md"}
    ws = load_workbook(files["xlsx"]).active
    assert [c.value for c in ws["E"]][1:] == ["2020-07-02", "2020-07-15", "2020-07-15"]
    assert "Quận Tây Hồ (nay thuộc Thành phố Hà Nội)" in Document(str(files["docx"])).tables[0].rows[1].cells[3].text
    assert "Quận Tây Hồ: tổng kết" in files["md"].read_text(encoding="utf-8")


def test_english_names_the_researcher_tabs_their_columns_and_levels(page):
    page.get_by_text("English", exact=True).click()
    page.get_by_role("tab", name="Timeline").click()
    page.get_by_role("button", name="Build timeline").wait_for()
    page.locator("#tl-q textarea, #tl-q input").first.fill("290-QĐ/TW")
    page.locator("#tl-btn").click()
    page.wait_for_function("() => /Quận Tây Hồ/.test(document.querySelector('#tl-table')?.innerText || '')")
    table = page.locator("#tl-table").inner_text()
    assert "Now in" in table and "Level" in table and "Nay thuộc" not in table
    assert "district" in table and "quận/huyện" not in table
    page.get_by_role("tab", name="Documents").click()
    page.get_by_role("button", name="Show document card").wait_for()
