"""The "So sánh / Compare" tab in a real browser (Debian's chromium through Playwright): the table of
figures for 290-QĐ/TW, a citation marker that jumps to its sentence, the bar chart, the four downloads,
and the tab's English labels. A screenshot goes to test-artifacts/compare.png."""

from __future__ import annotations

import pytest

from test_ui import ARTIFACTS, app, browser  # noqa: F401 (fixtures)
from test_ui_report import SLOW_MS, _downloads

pytestmark = pytest.mark.browser


@pytest.fixture
def page(app, browser):  # noqa: F811
    url, _ = app
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(SLOW_MS)
    pg.goto(url)
    pg.locator("#question textarea").wait_for()
    yield pg
    context.close()


def _compare(page, subject: str) -> str:
    page.locator("#cmp-q textarea, #cmp-q input").first.fill(subject)
    page.locator("#cmp-btn").click()
    page.wait_for_function("() => /9\\.720/.test(document.querySelector('#cmp-table')?.innerText || '')")
    return page.locator("#cmp-table").inner_text()


def test_compare_table_citation_chart_and_exports(page, tmp_path):
    from openpyxl import load_workbook

    page.get_by_role("tab", name="So sánh").click()
    table = _compare(page, "290-QĐ/TW")
    for expected in ("Quận Tây Hồ", "Thành phố Cần Thơ", "Thành phố Hà Nội", "91", "10.272 / 39.427", "Tổ dân vận"):
        assert expected in table
    link = page.locator("#cmp-table td a.cite").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_function("h => location.hash === h", arg=target)
    assert page.locator(f"#cmp-table li{target}").inner_text().strip()  # the quoted sentence it points at
    page.locator("#cmp-chart img").first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "compare.png"), full_page=True)
    files = _downloads(page, "cmp-files", tmp_path)
    assert set(files) == {"csv", "xlsx", "docx", "md"}
    rows = [[c.value for c in row] for row in load_workbook(files["xlsx"]).active.iter_rows()]
    assert rows[0][:3] == ["Địa phương", "Nay thuộc", "Ngày"] and any("9.720 [" in str(v) for r in rows for v in r)


def test_compare_tab_in_english(page):
    page.get_by_text("English", exact=True).click()
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("button", name="Compare figures").wait_for()
    table = _compare(page, "QĐ 290")
    assert "Figures compared" in table and "Quoted sentences" in table and "So sánh số liệu" not in table
