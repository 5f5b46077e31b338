"""Every door the same limits (tracuu/limits.py, tracuu/doors.py), probed as a hostile user would against
the real server `tracuu serve` runs (REST + the Gradio app on 127.0.0.1, real model, a copy of the seed
index): control characters, lone surrogates, the Gradio API's k and body size, no internals or server
paths in an error, and no temporary or orphan file left behind."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import httpx
import pytest

import index
from index.settings import Settings

from conftest import copy_index
from serving import serving

QUESTION = "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?"
ARTICLE = ("Hội nghị dân vận xã Tân Lập\n\nNgày 5/3/2023, Ban Dân vận xã Tân Lập tổ chức hội nghị tổng kết công tác "
           "dân vận năm 2022 với 120 đại biểu tham dự. Hội nghị đề ra 7 nhiệm vụ trọng tâm cho năm 2023.\n")


@pytest.fixture(scope="module")
def server(seed_index, tmp_path_factory):
    """(base URL, index) of the real server over a private copy of the seed index, no account defined."""
    folder = tmp_path_factory.mktemp("doors") / "index"
    copy_index(seed_index.root, folder)
    idx = index.open(settings=Settings.load(folder, max_upload_bytes=64 * 1024), embedder=seed_index.embedder)
    with serving(idx) as base:
        yield base, idx


def raw(obj) -> bytes:
    """JSON as a hostile client writes it: a lone surrogate as the escape ``\\ud800`` (httpx refuses to
    encode one itself)."""
    return json.dumps(obj).encode()


def gradio_call(http: httpx.Client, name: str, data: list) -> tuple[str, str]:
    """(event, data) of one Gradio API call, made the way a script would (POST, then read the stream)."""
    r = http.post(f"/gradio_api/call/{name}", content=raw({"data": data}), headers={"content-type": "application/json"})
    if r.status_code != 200:
        return f"http {r.status_code}", r.text
    text = http.get(f"/gradio_api/call/{name}/{r.json()['event_id']}").text
    event = next((line[7:] for line in text.splitlines() if line.startswith("event: ") and line[7:] != "heartbeat"), "")
    data = next((line[6:] for line in text.splitlines() if line.startswith("data: ") and line[6:] != "null"), "")
    return event, data


def test_control_characters_are_stripped_at_every_door(server):
    base, _ = server
    with httpx.Client(base_url=base, timeout=120) as http:
        for bad in ("\x0b", "\x00", "\x1f\x7f"):
            q = QUESTION.replace(" bao", bad + " bao")
            assert http.post("/api/ask", json={"question": q}).status_code == 200
            assert http.post("/api/search", json={"query": q, "k": 3}).status_code == 200
            for fmt in ("docx", "xlsx", "csv"):
                r = http.post("/api/export", json={"kind": "ask", "text": q, "format": fmt})
                assert r.status_code == 200 and r.content, (bad, fmt, r.text[:200])
            event, data = gradio_call(http, "ask", [q, None, None, None])
            answer = json.loads(data)[0]
            assert event == "complete" and answer["question"] == QUESTION and answer["citations"], answer
            event, data = gradio_call(http, "search", [q, 3, None, None, None])
            assert event == "complete" and len(json.loads(data)[0]["hits"]) == 3


SURROGATE_PROBES = [
    ("/api/ask", {"question": "Tây Hồ \ud800"}),
    ("/api/ask", {"question": QUESTION, "follow_up": "x\udfff"}),
    ("/api/search", {"query": "\ud800"}),
    ("/api/search", {"query": "dân vận", "localities": ["Tây Hồ\ud800"]}),
    ("/api/search", {"query": "dân vận", "docs": ["\ud800"]}),
    ("/api/export", {"kind": "ask", "text": "\ud800", "format": "docx"}),
    ("/api/export", {"kind": "search", "text": "dân vận", "localities": ["\udc00"], "format": "csv"}),
]


def test_lone_surrogates_are_refused_with_422_and_the_connection_lives(server):
    base, _ = server
    with httpx.Client(base_url=base, timeout=120) as http:  # one keep-alive connection for every request
        for path, body in SURROGATE_PROBES:
            r = http.post(path, content=raw(body), headers={"content-type": "application/json"})
            assert r.status_code == 422, (path, body, r.status_code, r.text[:300])
            assert "\\ud" not in r.text.lower() and "Traceback" not in r.text
            ok = http.post("/api/search", json={"query": "dân vận", "k": 1})
            assert ok.status_code == 200 and len(ok.json()["hits"]) == 1
        for data in (["\ud800", None, None, None], [QUESTION, None, ["Tây Hồ\ud800"], None]):
            event, message = gradio_call(http, "ask", data)
            assert event == "error" and "surrogate" in message, (event, message)


def test_filter_values_are_checked_before_the_database(server):
    base, _ = server
    with httpx.Client(base_url=base, timeout=60) as http:
        for body in ({"query": "x", "years": [10 ** 30]}, {"query": "x", "years": [-5]},
                     {"query": "x", "localities": ["a" * 5000]}):
            r = http.post("/api/search", json=body)
            assert r.status_code == 422, (body, r.text[:200])
        event, message = gradio_call(http, "search", ["x", 3, None, None, [10 ** 30]])
        assert event == "error" and "year" in message


def test_the_gradio_api_keeps_the_rest_limits(server):
    base, _ = server
    with httpx.Client(base_url=base, timeout=120) as http:
        for k in (1_000_000, -1, 0, 101):
            event, message = gradio_call(http, "search", ["dân vận", k, None, None, None])
            assert event == "error" and "k must be between 1 and 100" in message, (k, event, message[:200])
        event, message = gradio_call(http, "ask", ["x" * 4001, None, None, None])
        assert event == "error" and "4000" in message
        # A 23 MB body is refused before it is read, and the server answers the next request as before.
        r = http.post("/gradio_api/call/ask", content=raw({"data": ["x" * 23_000_000]}),
                      headers={"content-type": "application/json"})
        assert r.status_code == 413
        event, data = gradio_call(http, "search", ["dân vận", 2, None, None, None])
        assert event == "complete" and len(json.loads(data)[0]["hits"]) == 2


def _no_internals(text: str, idx) -> None:
    for leak in (str(idx.root), str(Path(__file__).resolve().parent.parent), "/tmp/", "Traceback", "File \""):
        assert leak not in text, (leak, text[:500])


def test_errors_and_exports_show_no_internals_or_server_paths(server, tmp_path):
    base, idx = server
    with httpx.Client(base_url=base, timeout=120) as http:
        r = http.post("/api/search", json={"query": "x", "docs": ["không phải mã"]})
        assert r.status_code == 422 and "290-QĐ/TW" in r.json()["detail"]
        _no_internals(r.text, idx)
        # An export names each article's file, never the folder on the server.
        r = http.post("/api/export", json={"kind": "search", "text": "Tổ dân vận Tây Hồ", "format": "csv", "k": 5})
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert rows and all("/" not in (row.get("source") or "") for row in rows), rows[:2]
        _no_internals(r.content.decode("utf-8-sig"), idx)
        # A refused upload says why, with the file's name and no server path.
        r = http.post("/api/articles", files={"file": ("nested.html", b"<div>" * 200_000, "text/html")})
        assert r.status_code in (413, 422), r.text[:300]
        _no_internals(r.text, idx)
        r = http.post("/api/articles", files={"file": ("empty.txt", b"   \n", "text/plain")})
        assert r.status_code == 422 and "empty.txt" in r.text, r.text
        _no_internals(r.text, idx)
        event, message = gradio_call(http, "search", ["x", "not a number", None, None, None])
        assert event == "error"
        _no_internals(message, idx)
    assert not any((idx.root / "uploads").glob("empty*")), "a refused upload stays in uploads/"


def test_scrub_cuts_paths_to_their_names():
    from tracuu.limits import scrub

    assert scrub("cannot read /work/wt/x/index/uploads/nested.html: too deep") == "cannot read nested.html: too deep"
    assert scrub("C:\\Users\\x\\a.docx is bad") == "a.docx is bad"
    assert scrub("quận Tây Hồ 1/2023 ok") == "quận Tây Hồ 1/2023 ok"


def test_gradio_temp_files_live_under_the_index(server):
    import ui_report

    _, idx = server
    temp = Path(os.environ["GRADIO_TEMP_DIR"]).resolve()
    assert temp.is_relative_to(idx.root.resolve()), temp
    from report.export import from_hits

    files = ui_report.export_files(idx, from_hits(idx, "dân vận", idx.search("dân vận", 2)), "search")
    assert files and all(Path(f).resolve().is_relative_to(temp) for f in files)


@pytest.fixture
def small_index(seed_index, tmp_path):
    folder = tmp_path / "index"
    copy_index(seed_index.root, folder)
    return folder


    return index.open(settings=Settings.load(folder, **settings), embedder=None)


def test_an_upload_refused_because_the_index_is_busy_leaves_no_file(small_index, seed_index, tmp_path):
    from filelock import FileLock

    from index.store import generations as gen
    from ui_uploads import ingest_uploads

    idx = index.open(settings=Settings.load(small_index), embedder=seed_index.embedder)
    src = tmp_path / "tan-lap.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    with FileLock(str(idx.root / gen.LOCK_NAME)):
        html = ingest_uploads([str(src)], idx, "en")
    assert "being written" in html
    assert not list((idx.root / "uploads").glob("tan-lap*")), "the refused upload stayed in uploads/"


def test_cli_remove_deletes_the_uploaded_file_it_ingested(small_index, seed_index, tmp_path, capsys):
    from tracuu.cli import main
    from ui_uploads import ingest_uploads

    idx = index.open(settings=Settings.load(small_index), embedder=seed_index.embedder)
    src = tmp_path / "tan-lap.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    assert "tan-lap.txt" in ingest_uploads([str(src)], idx, "en")
    saved = idx.root / "uploads" / "tan-lap.txt"
    assert saved.is_file()
    assert main(["remove", "tan-lap.txt", "--index", str(idx.root)]) == 0
    assert not saved.exists(), "tracuu remove left the uploaded file behind"
    audit = [e for e in __import__("index.store.accounts").store.accounts.Accounts(idx.root).audit()]
    assert [(e.action, e.target) for e in audit[:2]] == [("remove", "tan-lap.txt"), ("upload:added", "tan-lap.txt")]


def test_the_upload_budget_refuses_clearly_and_keeps_nothing(small_index, seed_index, tmp_path):
    from ui_uploads import ingest_uploads

    long = tmp_path / "long-report.txt"
    long.write_text("Báo cáo dài\n\n" + "\n\n".join(ARTICLE.splitlines()[2] + f" Đoạn {i}." for i in range(60)),
                    encoding="utf-8")
    idx = index.open(settings=Settings.load(small_index, max_article_passages=3), embedder=seed_index.embedder)
    html = ingest_uploads([str(long)], idx, "en")
    assert "over this server&#x27;s limit of 3 per upload" in html and "long-report.txt" in html, html
    assert idx.article("long-report.txt") is None and not (idx.root / "uploads" / "long-report.txt").exists()
    # The seconds budget: an upload still running past it is stopped, and what it added is removed.
    short = tmp_path / "tan-lap.txt"
    short.write_text(ARTICLE, encoding="utf-8")
    idx = index.open(settings=Settings.load(small_index, upload_max_seconds=1e-9), embedder=seed_index.embedder)
    html = ingest_uploads([str(short)], idx, "en")
    assert "over its budget" in html, html
    assert idx.article("tan-lap.txt") is None and not (idx.root / "uploads" / "tan-lap.txt").exists()
    assert idx.doctor() == []
