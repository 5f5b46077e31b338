"""``tracuu eval``: metrics on a small XQuAD slice, and the seed QA check with a reason per failed check."""

from __future__ import annotations

import json
from argparse import Namespace

import pytest

from bench.evaluate import check_answer, doc_rankings, rank_metrics, run_eval
from index.store.fusion import Candidate

from conftest import EVAL

XQUAD_DOCS = EVAL / "xquad_vi_dev.docs.jsonl"
XQUAD_QUERIES = EVAL / "xquad_vi_dev.queries.jsonl"
SEED_QA = EVAL / "seed_qa.jsonl"


def _args(tmp_path, **kw) -> Namespace:
    base = {"docs": None, "queries": None, "qa": None, "corpus": None, "out": str(tmp_path / "out"), "model": None}
    base.update(kw)
    return Namespace(**base)


def test_rank_metrics_single_relevant():
    m = rank_metrics([1, 2, None, 11])
    assert m["R@1"] == 0.25 and m["R@5"] == 0.5 and m["R@10"] == 0.5
    assert m["MRR@10"] == pytest.approx((1 + 0.5) / 4, abs=1e-4)
    assert m["nDCG@10"] == pytest.approx((1 + 1 / 1.5849625) / 4, abs=1e-4)


def test_doc_rankings_collapse_to_first_occurrence():
    cands = [Candidate(1, 0.03, 2, 1, 0.8, 5.0), Candidate(2, 0.02, 1, None, 0.9, None),
             Candidate(3, 0.01, None, 2, None, 4.0)]
    ranks = doc_rankings(cands, {1: "a", 2: "a", 3: "b"})
    assert ranks == {"dense": ["a"], "bm25": ["a", "b"], "fused": ["a", "b"]}


def test_check_answer_reasons():
    item = {"kind": "list", "sources_all": ["x", "y"], "not_sources": ["z"], "answer_all": ["Tây Hồ"],
            "answer_any": ["91", "92"]}
    answer = {"answer": "Quận  TÂY hồ [1]", "abstained": False, "citations": [{"doc_id": "x"}, {"doc_id": "z"}]}
    reasons = check_answer(item, answer)
    assert "missing source y" in reasons
    assert "cited forbidden z" in reasons
    assert not any("Tây Hồ" in r for r in reasons)  # NFC, case and white space are ignored
    assert any("none of" in r for r in reasons)
    assert check_answer({"kind": "none"}, {"answer": "", "abstained": True, "citations": []}) == []
    assert "should have abstained" in check_answer({"kind": "none"}, answer)[0]


def test_eval_xquad_slice(tmp_path, capsys):
    docs = [json.loads(line) for line in XQUAD_DOCS.read_text(encoding="utf-8").splitlines()[:5]]
    ids = {d["id"] for d in docs}
    queries = [json.loads(line) for line in XQUAD_QUERIES.read_text(encoding="utf-8").splitlines()]
    queries = [q for q in queries if q["doc_id"] in ids][:10]
    assert len(queries) == 10
    d, q = tmp_path / "docs.jsonl", tmp_path / "queries.jsonl"
    d.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in docs), encoding="utf-8")
    q.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in queries), encoding="utf-8")

    assert run_eval(_args(tmp_path, docs=str(d), queries=str(q))) == 0
    report = json.loads((tmp_path / "out" / "eval-xquad.json").read_text(encoding="utf-8"))
    assert report["questions"] == 10 and report["ingest"]["articles"] == 5
    for name in ("dense", "bm25", "fused"):
        for metric in ("R@1", "R@5", "R@10", "MRR@10", "nDCG@10"):
            assert 0.0 <= report["retrieval"][name][metric] <= 1.0
        assert report["retrieval"][name]["R@1"] <= report["retrieval"][name]["R@5"] <= report["retrieval"][name]["R@10"]
    for metric in ("answer_hit_rate", "abstention_rate", "best_passage_contains_answer"):
        assert 0.0 <= report["answers"][metric] <= 1.0
    assert report["machine"]["cpu_model"] and report["machine"]["logical_cores"]
    assert len(report["per_question"]) == 10
    out = capsys.readouterr().out
    assert "| fused |" in out and (tmp_path / "out" / "eval-xquad.md").is_file()


def test_seed_qa_rows_on_seed_index(seed_index):
    from bench.common import read_jsonl
    from bench.evaluate import evaluate_seed_qa

    result = evaluate_seed_qa(seed_index, read_jsonl(SEED_QA))
    assert result["questions"] == 12 and len(result["rows"]) == 12
    assert all(row["pass"] == (not row["reasons"]) for row in result["rows"])


@pytest.mark.slow
def test_seed_qa_reports_every_question(tmp_path, capsys):
    assert run_eval(_args(tmp_path, qa=str(SEED_QA))) == 0
    report = json.loads((tmp_path / "out" / "eval-qa.json").read_text(encoding="utf-8"))
    rows = report["rows"]
    assert len(rows) == 12
    for row in rows:
        assert isinstance(row["pass"], bool)
        assert row["pass"] == (not row["reasons"])
    assert report["passed"] + report["failed"] == 12
    assert "Seed QA" in capsys.readouterr().out


def test_eval_needs_inputs(tmp_path):
    assert run_eval(_args(tmp_path)) == 2
    assert run_eval(_args(tmp_path, docs=str(XQUAD_DOCS))) == 2
