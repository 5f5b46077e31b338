"""One answer for one question, whatever the door (CONTRACT.md, third round): the same questions asked through
the command line (`tracuu ask --json`, a subprocess), `POST /api/ask` and the Gradio API `/ask` of one real
server on 127.0.0.1 (the REST API with the Gradio app mounted, as `tracuu serve` runs them), and Python
(``tracuu.answering.ask``) give the same JSON. Search likewise."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tracuu import answering

QD290 = "290-QĐ/TW"
LIST_Q = "Những địa phương nào đã tổng kết 10 năm thực hiện Quyết định 290?"
# (id, question, previous question, filters): a document card, a list, a fact, an abstention, a follow-up,
# an English question, and one with every filter.
QUESTIONS = [
    ("card", "Quyết định 290 là gì?", None, {}),
    ("list", LIST_Q, None, {}),
    ("fact", "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?", None, {}),
    ("none", "Giá vàng hôm nay là bao nhiêu?", None, {}),
    ("follow", "còn Thanh Xuân thì sao?", "Quận Tây Hồ tổ chức hội nghị tổng kết ngày nào?", {}),
    ("english", "which districts reviewed Quyết định 290?", None, {}),
    ("filtered", LIST_Q, None, {"docs": [QD290], "localities": ["Hà Nội"], "years": [2020]}),
]


@pytest.fixture(scope="module")
def served(seed_index):
    """The base URL of what `tracuu serve` runs (the REST API with the Gradio app mounted at "/")."""
    from serving import serving

    with serving(seed_index) as url:
        yield url


def _filters(f: dict):
    from index import SearchFilters

    return SearchFilters(docs=tuple(f.get("docs", ())), localities=tuple(f.get("localities", ())),
                         years=tuple(f.get("years", ())))


def _cli(seed_index, tmp_path) -> dict[str, dict]:
    """Every question through `tracuu ask`: the unfiltered ones as one --questions batch (the follow-up as
    its line's follow_up), the filtered one with --doc/--locality/--year."""
    batch = tmp_path / "questions.jsonl"
    batch.write_text("".join(json.dumps({"id": qid, "question": q, **({"follow_up": prev} if prev else {})},
                                        ensure_ascii=False) + "\n" for qid, q, prev, f in QUESTIONS if not f),
                     encoding="utf-8")
    base = [sys.executable, "-m", "tracuu.cli", "ask", "--index", str(seed_index.root), "--json"]
    out = {}
    proc = subprocess.run(base + ["--questions", str(batch)], capture_output=True, text=True, timeout=600, check=True)
    for line in proc.stdout.splitlines():
        found = json.loads(line)
        out[found.pop("id")] = found
    for qid, q, _, f in QUESTIONS:
        if f:
            flags = [x for d in f["docs"] for x in ("--doc", d)] + [x for p in f["localities"] for x in ("--locality", p)]
            flags += [x for y in f["years"] for x in ("--year", str(y))]
            proc = subprocess.run(base + [q, *flags], capture_output=True, text=True, timeout=600, check=True)
            out[qid] = json.loads(proc.stdout)
    return out


def test_four_doors_give_the_same_json(seed_index, served, tmp_path):
    import httpx
    from gradio_client import Client

    python = {qid: answering.ask(seed_index, q, filters=_filters(f), previous=prev).model_dump(mode="json")
              for qid, q, prev, f in QUESTIONS}
    rest, gradio = {}, {}
    client = Client(served + "/", verbose=False)
    with httpx.Client(base_url=served, timeout=300) as http:
        for qid, q, prev, f in QUESTIONS:
            r = http.post("/api/ask", json={"question": q, "follow_up": prev, **f})
            assert r.status_code == 200, r.text
            rest[qid] = r.json()
            gradio[qid] = (client.predict(q, prev, f.get("docs", []), f.get("localities", []), f.get("years", []),
                                          api_name="/ask_follow_up") if prev else
                           client.predict(q, f.get("docs", []), f.get("localities", []), f.get("years", []),
                                          api_name="/ask"))
    cli = _cli(seed_index, tmp_path)
    for qid, *_ in QUESTIONS:
        assert rest[qid] == python[qid], f"{qid}: REST differs from Python"
        assert gradio[qid] == python[qid], f"{qid}: the Gradio API differs from Python"
        assert cli[qid] == python[qid], f"{qid}: `tracuu ask --json` differs from Python"
    # ... and each door reached the whole path, not just qa: the card, the follow-up, the abstention.
    assert python["card"]["answer"].startswith(f"{QD290} là ") and python["card"]["citations"]
    assert python["follow"]["follow_up"]["resolved"] == "Quận Thanh Xuân tổ chức hội nghị tổng kết ngày nào?"
    assert python["none"]["abstained"] and not python["none"]["citations"]
    assert len(python["list"]["items"]) == 3 and "Cần Thơ" in python["list"]["answer"]
    assert len(python["filtered"]["items"]) < len(python["list"]["items"])
    # The fact first (issue 25): a span cut verbatim from the passage of the citation it names.
    assert python["fact"]["direct"] and python["fact"]["direct_citation"] is not None
    for a in python.values():
        if a["direct"] is not None:
            cited = {c["n"]: c["text"] for c in a["citations"]}
            assert a["direct"] in cited[a["direct_citation"]]


def test_search_doors_give_the_same_json(seed_index, served):
    import httpx
    from gradio_client import Client

    query, f = "Tổ dân vận Tây Hồ", {"localities": ["Hà Nội"]}
    python = answering.search(seed_index, query, 5, filters=_filters(f)).model_dump(mode="json")
    with httpx.Client(base_url=served, timeout=300) as http:
        rest = http.post("/api/search", json={"query": query, "k": 5, **f}).json()
    gradio = Client(served + "/", verbose=False).predict(query, 5, [], f["localities"], [], api_name="/search")
    proc = subprocess.run([sys.executable, "-m", "tracuu.cli", "search", query, "-k", "5", "--locality", "Hà Nội",
                           "--index", str(seed_index.root), "--json"], capture_output=True, text=True, timeout=600,
                          check=True)
    assert python["hits"] and rest == python and gradio == python and json.loads(proc.stdout) == python
