"""Sign-in and roles on the page, in a real browser (Debian's chromium through Playwright) against the real
server `tracuu serve` runs (REST + Gradio, 127.0.0.1) on a copy of the seed index with a reader and an
editor: the reader can neither upload nor remove (page and REST 403), the editor can, the audit shows
both, wrong passwords and tokens get the same refusal, and an upload's temporary copies are deleted."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import index
from index.settings import Settings

from conftest import copy_index
from serving import serving
from test_ui import NEW_ARTICLE, TIMEOUT_MS, browser  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.browser

USERS = {"rita": ("reader", "reader-pass-1"), "ed": ("editor", "editor-pass-1")}


@pytest.fixture(scope="module")
def site(seed_index, tmp_path_factory):
    """(base URL, index, tokens by user) of the real server with a reader and an editor."""
    from index.store.accounts import Accounts

    folder = tmp_path_factory.mktemp("accounts-ui") / "index"
    copy_index(seed_index.root, folder)
    accounts = Accounts(folder)
    for name, (role, password) in USERS.items():
        accounts.add(name, role, password)
    tokens = {name: accounts.new_token(name) for name in USERS}
    idx = index.open(settings=Settings.load(folder, max_upload_bytes=64 * 1024), embedder=seed_index.embedder)
    with serving(idx) as base:
        yield base, idx, tokens


def sign_in(browser, base: str, name: str, password: str):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(base + "/")
    page.locator("input[type=text]").first.fill(name)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Login").click()
    return page


def refusal_text(page) -> str:
    page.get_by_text("Incorrect Credentials").wait_for()
    return page.locator("body").inner_text()


def test_wrong_password_and_wrong_name_read_the_same(site, browser):
    base, _, _ = site
    wrong_password = sign_in(browser, base, "ed", "not-the-password")
    wrong_name = sign_in(browser, base, "nobody", USERS["ed"][1])
    assert refusal_text(wrong_password) == refusal_text(wrong_name)
    assert wrong_password.locator("#question").count() == 0
    for page in (wrong_password, wrong_name):
        page.context.close()


def test_reader_reads_but_cannot_change_the_corpus(site, browser):
    base, idx, tokens = site
    page = sign_in(browser, base, "rita", USERS["rita"][1])
    page.locator("#question textarea").wait_for()
    # Control characters in a question (pasted from a PDF) are made spaces, not an "Error" badge.
    page.locator("#question textarea").fill("Quận Tây Hồ đã thành lập\x0b bao nhiêu Tổ dân vận\x00 khu dân cư?")
    page.locator("#ask-btn").click()
    page.locator("#answer .tr-out").wait_for()
    assert "Tây Hồ" in page.locator("#answer").inner_text()
    page.locator("#answer-files a, #answer-files .file-preview").first.wait_for()
    page.get_by_role("tab", name="Kho bài viết").click()
    page.locator("#articles").wait_for()
    assert not page.locator("#upload input[type=file]").count() or not page.locator("#upload").is_visible()
    assert page.locator("#remove-btn").count() == 0 or not page.locator("#remove-btn").is_visible()
    page.context.close()
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tokens['rita']}"}, timeout=60) as http:
        r = http.post("/api/articles", files={"file": ("x.txt", NEW_ARTICLE.encode(), "text/plain")})
        assert r.status_code == 403
        assert http.delete("/api/articles/000_ac480bf2e3db7916.txt").status_code == 403
        assert http.post("/api/search", json={"query": "dân vận", "k": 1}).status_code == 200
    assert idx.article("000_ac480bf2e3db7916.txt") is not None


def test_editor_uploads_and_removes_and_the_audit_shows_it(site, browser, tmp_path):
    base, idx, tokens = site
    good, bad = tmp_path / "hoi-thi-pa-vay-su.txt", tmp_path / "refused-zzq.txt"
    good.write_text(NEW_ARTICLE, encoding="utf-8")
    bad.write_text("   \n", encoding="utf-8")  # empty: refused by the reader
    page = sign_in(browser, base, "ed", USERS["ed"][1])
    page.locator("#question textarea").wait_for()
    page.get_by_role("tab", name="Kho bài viết").click()
    page.locator("#upload input[type=file]").set_input_files([str(good), str(bad)])
    page.wait_for_function("() => document.querySelector('#upload-report .tr-out')")
    report = page.locator("#upload-report").inner_text()
    assert "hoi-thi-pa-vay-su.txt" in report and "refused-zzq.txt" in report and "Từ chối" in report, report
    assert idx.article("hoi-thi-pa-vay-su.txt") is not None
    # Neither file stays in Gradio's temporary folder (where it could be downloaded), nor the refused one in uploads/.
    temp = idx.root / "tmp" / "gradio"
    assert not [p for p in temp.rglob("*") if p.name in (good.name, bad.name)]
    assert not [p for p in Path("/tmp/gradio").rglob("refused-zzq*")] if Path("/tmp/gradio").is_dir() else True
    assert not (idx.root / "uploads" / bad.name).exists()

    page.locator("#pick input").fill("Hội thi gói bánh chưng")
    page.get_by_role("option").filter(has_text="Hội thi gói bánh chưng").first.click()
    page.locator("#remove-btn").click()
    page.wait_for_function("() => document.querySelector('#remove-status .tr-out')")
    assert "hoi-thi-pa-vay-su.txt" in page.locator("#remove-status").inner_text()
    assert idx.article("hoi-thi-pa-vay-su.txt") is None
    assert not (idx.root / "uploads" / good.name).exists()
    page.locator("#audit").click()
    audit = page.locator("#audit-html").inner_text()
    assert "ed\tremove\thoi-thi-pa-vay-su.txt" in audit and "ed\tupload:added\thoi-thi-pa-vay-su.txt" in audit, audit
    page.context.close()
    with httpx.Client(base_url=base, timeout=60) as http:
        refusals = [http.post("/api/search", json={"query": "x"}, headers={"Authorization": f"Bearer {t}"})
                    for t in ("-", "trc_wrong", tokens["ed"] + "x")]
        assert {r.status_code for r in refusals} == {401} and len({r.text for r in refusals}) == 1
