"""The REST API (rest.py) on the real seed index, through FastAPI's test client; the load test (20 clients x
10 requests against a real server on 127.0.0.1) is marked slow and also runs as `python -m studies.rest_load`."""

from __future__ import annotations

import pytest

QD290 = "290-QĐ/TW"


@pytest.fixture(scope="module")
def client(seed_index):
    from fastapi.testclient import TestClient

    from rest import create_api

    return TestClient(create_api(seed_index))


def test_openapi_names_ask_and_search(client):
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert any("ask" in p for p in paths) and any("search" in p for p in paths)
    assert {"/api/documents", "/api/timeline", "/api/export"} <= paths


def test_ask_is_the_cli_contract(client):
    out = client.post("/api/ask", json={"question": "which districts reviewed Quyết định 290?"}).json()
    assert set(out) >= {"question", "answer", "abstained", "citations", "items"}
    assert not out["abstained"] and len(out["items"]) == 3


def test_ask_follow_up(client):
    out = client.post("/api/ask", json={"question": "còn Thanh Xuân thì sao?",
                                        "follow_up": "Quận Tây Hồ tổ chức hội nghị tổng kết ngày nào?"}).json()
    assert out["follow_up"]["resolved"] == "Quận Thanh Xuân tổ chức hội nghị tổng kết ngày nào?"
    assert {c["doc_id"] for c in out["citations"]} == {"001_520578ac9f119650.txt"}


def test_search_documents_timeline(client):
    hits = client.post("/api/search", json={"query": "Tổ dân vận Tây Hồ", "k": 3}).json()["hits"]
    assert len(hits) == 3 and set(hits[0]) >= {"doc_id", "passage_id", "title", "text", "score"}
    card = client.get("/api/documents", params={"ref": "QĐ 290"}).json()
    assert (card["id"], card["date"], card["issuer"], card["term"]) == (QD290, "2010-02-25", "Bộ Chính trị", "khóa X")
    assert client.get("/api/documents", params={"ref": "Quyết định 999"}).status_code == 404
    events = client.get("/api/timeline", params={"q": QD290}).json()["events"]
    assert [e["date"] for e in events] == ["2020-07-02", "2020-07-15", "2020-07-15"]


def test_export_returns_the_file(client):
    r = client.post("/api/export", json={"kind": "timeline", "text": QD290, "format": "csv"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    text = r.content.decode("utf-8-sig")
    assert text.startswith("item,quote,title") and "Quận Tây Hồ" in text


def test_limits(client):
    assert client.post("/api/ask", content=b"{" + b" " * 200_000 + b"}",
                       headers={"content-type": "application/json"}).status_code == 413
    assert client.post("/api/search", json={"query": "x", "k": 1000}).status_code == 422
    bad = client.post("/api/search", json={"query": "x", "docs": ["không phải mã"]})
    assert bad.status_code == 422 and "290-QĐ/TW" in bad.json()["detail"]


@pytest.mark.slow
def test_load_20_clients_by_10_requests(seed_index):
    from studies.rest_load import run_load, serve_in_thread

    with serve_in_thread(seed_index) as base:
        result = run_load(base, clients=20, requests=10)
    assert result["errors"] == 0, result
    assert result["requests"] == 200
