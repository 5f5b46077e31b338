"""Accounts and roles (index/store/accounts.py, tracuu/users_cli.py, tracuu/doors.py): the `tracuu users`
and `tracuu audit` commands, hashed secrets, 401 without a hint of which part was wrong, 403 for a
reader's changes, the audit trail from every door, serving beyond loopback only with accounts, and the
offline try-it page. Against the real REST app and CLI on a copy of the seed index."""

from __future__ import annotations

import io
import json
import re
import sqlite3

import pytest

import index
from index.settings import Settings

from conftest import copy_index

ARTICLE = ("Hội nghị dân vận xã Tân Lập\n\nNgày 5/3/2023, Ban Dân vận xã Tân Lập tổ chức hội nghị tổng kết công tác "
           "dân vận năm 2022 với 120 đại biểu tham dự. Hội nghị đề ra 7 nhiệm vụ trọng tâm cho năm 2023.\n")
PASSWORDS = {"rita": "reader-pass-1", "ed": "editor-pass-1", "ann": "admin-pass-1"}


def cli(monkeypatch, capsys, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    from tracuu.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))  # not a terminal: the password is read from it
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(seed_index, tmp_path):
    dst = tmp_path / "index"
    copy_index(seed_index.root, dst)
    return dst


@pytest.fixture
def team(folder, monkeypatch, capsys):
    """The index with a reader, an editor and an admin; (folder, tokens by name)."""
    tokens = {}
    for name, role in (("rita", "reader"), ("ed", "editor"), ("ann", "admin")):
        code, _, err = cli(monkeypatch, capsys, "users", "add", name, "--role", role, "--index", str(folder),
                           stdin=PASSWORDS[name] + "\n")
        assert code == 0, err
        code, out, _ = cli(monkeypatch, capsys, "users", "token", name, "--index", str(folder))
        assert code == 0
        tokens[name] = out.strip().splitlines()[-1]
    return folder, tokens


def test_users_commands_keep_only_hashes(team, monkeypatch, capsys):
    folder, tokens = team
    code, out, _ = cli(monkeypatch, capsys, "users", "list", "--index", str(folder))
    assert code == 0 and [line.split()[:2] for line in out.splitlines()] == [
        ["ann", "admin"], ["ed", "editor"], ["rita", "reader"]]
    raw = (folder / "tracuu.sqlite").read_bytes()
    for secret in (*PASSWORDS.values(), *tokens.values()):
        assert secret.encode() not in raw
    with sqlite3.connect(folder / "tracuu.sqlite") as conn:
        salts = [row[0] for row in conn.execute("SELECT salt FROM users")]
    assert len(set(salts)) == 3, "each user has their own salt"
    code, _, err = cli(monkeypatch, capsys, "users", "add", "ed", "--role", "reader", "--index", str(folder),
                       stdin="another-pass\n")
    assert code == 2 and "exists" in err
    code, _, err = cli(monkeypatch, capsys, "users", "add", "bob", "--role", "reader", "--index", str(folder), stdin="short\n")
    assert code == 2 and "at least 8" in err
    assert cli(monkeypatch, capsys, "users", "remove", "rita", "--index", str(folder))[0] == 0
    from index.store.accounts import Accounts

    accounts = Accounts(folder)
    assert accounts.check_token(tokens["rita"]) is None and accounts.check_password("rita", PASSWORDS["rita"]) is None
    assert accounts.check_password("ed", PASSWORDS["ed"]).role == "editor"
    assert accounts.check_password("ed", "wrong-password") is None and accounts.check_password("nobody", "x") is None


def test_an_index_built_before_accounts_gains_the_tables_and_keeps_its_rows(folder, seed_index):
    from index.store.accounts import Accounts

    before = index.open(settings=Settings.load(folder), embedder=seed_index.embedder).counts()
    assert not Accounts(folder).any_users()
    Accounts(folder).add("ann", "admin", "admin-pass-1")
    idx = index.open(settings=Settings.load(folder), embedder=seed_index.embedder)
    assert idx.counts() == before and idx.doctor() == []


@pytest.fixture
def client(team, seed_index):
    from fastapi.testclient import TestClient

    from rest import create_api

    folder, tokens = team
    idx = index.open(settings=Settings.load(folder), embedder=seed_index.embedder)
    return TestClient(create_api(idx)), tokens, idx


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_401_without_a_hint_of_which_part_was_wrong(client):
    http, tokens, _ = client
    body = {"query": "dân vận", "k": 1}
    answers = [http.post("/api/search", json=body),
               http.post("/api/search", json=body, headers=bearer("trc_not-a-token")),
               http.post("/api/search", json=body, headers=bearer(tokens["ed"][:-1] + "x")),
               http.post("/api/search", json=body, headers={"Authorization": tokens["ed"]}),
               http.get("/api/documents", headers={"Authorization": "Basic ZWQ6ZWRpdG9yLXBhc3MtMQ=="})]
    assert {r.status_code for r in answers} == {401}
    assert len({r.text for r in answers}) == 1, "every refusal reads the same"
    assert http.post("/api/search", json=body, headers=bearer(tokens["rita"])).status_code == 200


def test_readers_read_editors_change_and_the_audit_says_who(client, monkeypatch, capsys):
    http, tokens, idx = client
    reader, editor = bearer(tokens["rita"]), bearer(tokens["ed"])
    assert http.post("/api/ask", json={"question": "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận?"},
                     headers=reader).status_code == 200
    assert http.post("/api/export", json={"kind": "search", "text": "dân vận", "format": "csv"},
                     headers=reader).status_code == 200
    upload = {"file": ("tan-lap.txt", ARTICLE.encode(), "text/plain")}
    r = http.post("/api/articles", files=upload, headers=reader)
    assert r.status_code == 403 and "role" in r.json()["detail"]
    assert http.delete("/api/articles/000_ac480bf2e3db7916.txt", headers=reader).status_code == 403
    assert idx.article("tan-lap.txt") is None and idx.article("000_ac480bf2e3db7916.txt") is not None

    r = http.post("/api/articles", files=upload, headers=editor)
    assert r.status_code == 201 and r.json()["added"] == ["tan-lap.txt"], r.text
    assert http.post("/api/articles", files=upload, headers=editor).json()["unchanged"] == ["tan-lap.txt"]
    hits = http.post("/api/search", json={"query": "Tân Lập 120 đại biểu", "k": 1}, headers=reader).json()["hits"]
    assert hits[0]["doc_id"] == "tan-lap.txt"
    r = http.delete("/api/articles/tan-lap.txt", headers=editor)
    assert r.status_code == 200 and r.json() == {"removed": ["tan-lap.txt"]}
    assert not (idx.root / "uploads" / "tan-lap.txt").exists()
    assert http.delete("/api/articles/tan-lap.txt", headers=editor).status_code == 404

    code, out, _ = cli(monkeypatch, capsys, "audit", "--json", "--index", str(idx.root))
    entries = json.loads(out)["audit"]
    changes = [(e["user"], e["action"], e["target"]) for e in entries if not e["action"].startswith("users:")]
    assert changes == [("ed", "remove", "tan-lap.txt"), ("ed", "upload:added", "tan-lap.txt")], changes
    assert entries[1]["source"] == "tan-lap.txt" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entries[0]["at"])


def test_command_line_changes_are_audited_as_the_os_user(folder, seed_index, tmp_path, monkeypatch, capsys):
    from tracuu.corpus_ops import cli_user

    src = tmp_path / "new"
    src.mkdir()
    (src / "tan-lap.txt").write_text(ARTICLE, encoding="utf-8")
    assert cli(monkeypatch, capsys, "ingest", str(src), "--quiet", "--index", str(folder))[0] == 0
    assert cli(monkeypatch, capsys, "remove", "tan-lap.txt", "--index", str(folder))[0] == 0
    code, out, _ = cli(monkeypatch, capsys, "audit", "--index", str(folder))
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].split()[1:4] == [cli_user(), "remove", "tan-lap.txt"]
    assert lines[1].split()[1:3] == [cli_user(), "ingest"] and str(src) in lines[1]


def test_serving_beyond_loopback_needs_an_account(folder, monkeypatch, capsys):
    from tracuu.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["serve", "--host", "0.0.0.0", "--index", str(folder)])
    assert stop.value.code not in (0, None) and "tracuu users add" in str(stop.value.code)


def test_the_try_it_page_works_offline(seed_index):
    from fastapi.testclient import TestClient

    from rest import create_api

    http = TestClient(create_api(seed_index))
    page = http.get("/api/docs-ui")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(urls) >= 2 and all(u.startswith("/api/docs-ui/") for u in urls), urls
    for url in urls:
        r = http.get(url)
        assert r.status_code == 200 and len(r.content) > 1000, url
    assert "cdn" not in page.text.lower()


@pytest.mark.slow
def test_load_20_signed_in_clients(team, seed_index):
    """20 clients with their own tokens (readers, an editor, an admin) against the REST API on loopback."""
    from studies.rest_load import run_load, serve_in_thread
    from index.store.accounts import Accounts

    folder, tokens = team
    accounts = Accounts(folder)
    for n in range(17):
        accounts.add(f"reader{n}", "reader", f"reader-pass-{n:03d}")
    all_tokens = [*tokens.values(), *(accounts.new_token(f"reader{n}") for n in range(17))]
    idx = index.open(settings=Settings.load(folder), embedder=seed_index.embedder)
    with serve_in_thread(idx) as base:
        result = run_load(base, clients=20, requests=5, tokens=all_tokens)
    print(f"\nsigned-in load: {json.dumps(result, ensure_ascii=False)}")
    assert result["errors"] == 0, result
    assert result["requests"] == 100
