"""The command-line contract (../shared/CONTRACT.md) on the seed corpus, with the real bundled model,
driven as an outside check would: through the `tracuu` command, reading only its JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

from bench.evaluate import check_answer
from conftest import CORPUS, EVAL


def tracuu(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "tracuu.cli", *args], capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"tracuu {' '.join(args)} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("cli-index")
    proc = tracuu("ingest", str(CORPUS), "--index", str(folder))
    assert "added 5" in proc.stderr
    return str(folder)


def test_help_is_instant_and_loads_no_model():
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, tracuu.cli as c; c.build_parser();"
                               "print(sorted(m for m in ('torch', 'gradio', 'faiss') if m in sys.modules))"],
        capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
    assert time.perf_counter() - started < 10


def test_search_json_single(cli_index):
    proc = tracuu("search", "Tổ dân vận khu dân cư", "--index", cli_index, "-k", "3", "--json")
    out = json.loads(proc.stdout)
    assert out["query"] == "Tổ dân vận khu dân cư"
    assert 1 <= len(out["hits"]) <= 3
    hit = out["hits"][0]
    # "page" was added in the second round (null for unpaged sources); nothing else may appear.
    assert set(hit) == {"doc_id", "passage_id", "title", "text", "score", "url", "date", "page"}
    assert hit["page"] is None
    assert hit["doc_id"] == "000_ac480bf2e3db7916.txt" and "91 Tổ dân vận" in hit["text"]
    scores = [h["score"] for h in out["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_output_cut_short_by_its_reader_is_no_error(cli_index, tmp_path):
    # `… --json | head -c 100`: a closed pipe ends the command quietly, without a traceback.
    queries = tmp_path / "many.jsonl"
    queries.write_text("".join(json.dumps({"id": i, "question": "dân vận"}) + "\n" for i in range(200)),
                       encoding="utf-8")
    proc = subprocess.run(
        f"{sys.executable} -m tracuu.cli search --queries {queries} --index {cli_index} --json | head -c 100",
        shell=True, capture_output=True, text=True, timeout=600)
    assert len(proc.stdout) == 100 and "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_search_batch_keeps_order(cli_index, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text("\n".join(json.dumps({"id": i, "question": q}, ensure_ascii=False) for i, q in [
        ("a", "Hội Chữ thập đỏ quận Tây Hồ"), ("b", "phuong thanh khe tay"), ("c", "Cần Thơ điển hình dân vận khéo"),
    ]) + "\n", encoding="utf-8")
    proc = tracuu("search", "--queries", str(queries), "--index", cli_index, "--json")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", "c"]
    assert lines[1]["hits"][0]["doc_id"] == "002_c9b5cf354f6206ed.txt"  # typed without diacritics
    assert lines[2]["hits"][0]["doc_id"] == "003_ea7666a5d156f620.txt"


def test_search_filters(cli_index):
    proc = tracuu("search", "tổng kết", "--index", cli_index, "--json", "-k", "50", "--doc", "quyet dinh 290",
                  "--locality", "Ha Noi")
    docs = {h["doc_id"] for h in json.loads(proc.stdout)["hits"]}
    assert docs == {"000_ac480bf2e3db7916.txt", "004_9467f64f0288784b.txt"}
    bad = tracuu("search", "x", "--index", cli_index, "--doc", "hello", check=False)
    assert bad.returncode == 2 and "document reference" in bad.stderr


def test_ask_list_question_of_the_user(cli_index):
    proc = tracuu("ask", "which districts reviewed Quyết định 290?", "--index", cli_index, "--json")
    out = json.loads(proc.stdout)
    # direct/direct_citation: the third round's fields, null where no span is cut (CONTRACT.md)
    assert set(out) == {"question", "answer", "abstained", "citations", "items", "confidence", "candidates",
                        "direct", "direct_citation"}
    assert not out["abstained"]
    cited = {c["doc_id"] for c in out["citations"]}
    assert cited == {"000_ac480bf2e3db7916.txt", "003_ea7666a5d156f620.txt", "004_9467f64f0288784b.txt"}
    labels = " ".join(i["label"] for i in out["items"])
    for place in ("Tây Hồ", "Cần Thơ", "Hà Nội"):
        assert place in labels
    assert "Thanh Xuân" not in out["answer"] and "Thanh Khê Tây" not in out["answer"]
    numbers = {c["n"] for c in out["citations"]}
    assert all(set(i["citations"]) <= numbers for i in out["items"])
    for c in out["citations"]:
        assert f"[{c['n']}]" in out["answer"]


def test_seed_questions_all_pass(cli_index):
    proc = tracuu("ask", "--questions", str(EVAL / "seed_qa.jsonl"), "--index", cli_index, "--json")
    outputs = [json.loads(line) for line in proc.stdout.splitlines()]
    golds = [json.loads(line) for line in (EVAL / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in outputs] == [g["id"] for g in golds]
    failures = {g["id"]: p for g, o in zip(golds, outputs) if (p := check_answer(g, o))}
    assert not failures, failures
    for out in outputs:  # every marker resolves to a citation, and every citation is used
        numbers = {c["n"] for c in out["citations"]}
        assert numbers == {int(n) for n in re.findall(r"\[(\d+)\]", out["answer"])}


def test_ingest_reports_skipped_files_and_keeps_the_rest(cli_index, tmp_path):
    import shutil

    index_copy = tmp_path / "idx"
    shutil.copytree(cli_index, index_copy)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "empty.txt").write_text("", encoding="utf-8")
    (inbox / "good.md").write_text("# Tin mới\n\nXã Tân Lập tổ chức hội nghị dân vận ngày 5/3/2023 với 120 đại biểu.\n",
                                   encoding="utf-8")
    (inbox / "batch.jsonl").write_text('{"id": "j1", "text": "Phường Cống Vị có 14 tổ dân phố."}\nnot json\n',
                                       encoding="utf-8")
    proc = tracuu("ingest", str(inbox), "--index", str(index_copy), check=False)
    assert proc.returncode == 3
    assert "empty.txt" in proc.stderr and "batch.jsonl:2" in proc.stderr
    out = json.loads(tracuu("search", "Phường Cống Vị tổ dân phố", "--index", str(index_copy), "--json").stdout)
    assert out["hits"][0]["doc_id"] == "j1"
    assert tracuu("doctor", "--index", str(index_copy)).returncode == 0
    info = json.loads(tracuu("info", "--index", str(index_copy)).stdout)
    assert info["counts"]["articles"] == 7
    removed = tracuu("remove", "j1", "good.md", "--index", str(index_copy))
    assert "removed 2" in removed.stderr
    assert json.loads(tracuu("info", "--index", str(index_copy)).stdout)["counts"]["articles"] == 5
