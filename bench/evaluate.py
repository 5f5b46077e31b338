"""``tracuu eval``: retrieval and answer quality on gold data, in a temporary index.

Two gold sets (../shared/eval/README.md):

* ``--docs D --queries Q`` (XQuAD): per-retriever rankings from ``Index.candidates(question, depth=50)``:
  dense alone (candidates ordered by ``dense_rank``), BM25 alone (by ``bm25_rank``) and the fused order,
  each collapsed to article level (first occurrence of every ``doc_id``). Reported: R@1, R@5, R@10, MRR@10
  and nDCG@10 (one relevant article per question, so IDCG = 1). Then every question is answered through
  the product's one door (``tracuu.answering.answer``, as `tracuu ask`, REST and the web app answer it):
  the share whose answer contains one of the gold ``answers``, the abstention rate, and two ceilings for
  an answerer that quotes passages (the best fused passage, or any of the top ten, contains an answer).
* ``--qa FILE [--corpus DIR]`` (seed_qa.jsonl): every question through that door and each of its checks
  (``sources_all``, ``sources_any``, ``not_sources``, ``answer_all``, ``answer_any``; ``kind: none`` must
  abstain), with the reason of every failed check.

The index is built in a temporary folder (the user's index is never touched); the embedding model cache
is shared. Reports go to ``--out`` as JSON (every figure, timings, the machine) and markdown, and the
markdown is printed. A failed gold question is a finding, not an error: the exit status is 0.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from .span_metrics import span_markdown, span_row, span_summary
from .eval_parts import PARTS, RETRIEVERS, part_of, plot_reliability, reliability, selected, split_set_of
from .common import (
    DEFAULT_CORPUS, contains, latency_summary, log, machine_info, md_table, norm_answer, read_jsonl,
    write_json,
)

DEPTH = 50
KS = (1, 5, 10)


# --------------------------------------------------------------------------------------- plumbing


def _settings(folder: Path, model: str | None):
    from index.settings import Settings

    return Settings.load(folder, **({"model": model} if model else {}))


def _temp_index(folder: Path, model: str | None):
    import index

    return index.open(settings=_settings(folder, model))


def _ingest_with_progress(idx, paths: Sequence[str | Path], label: str, batch: int = 16) -> dict:
    """Ingest through ``Index.add_sources`` in batches so that progress can be shown on stderr."""
    from index.ingest.sources import read_sources

    started = time.perf_counter()
    sources, skipped = read_sources(paths)
    for s in skipped:
        log(f"{label}: skipped {s}")
    log(f"{label}: {len(sources)} articles to ingest (loading the embedding model first)")
    t0 = time.perf_counter()
    idx.embedder.encode_passages(["khởi động"])  # model load, outside the ingest figures
    model_load = time.perf_counter() - t0
    passages = embedded = 0
    embed_seconds = 0.0
    for i in range(0, len(sources), batch):
        report = idx.add_sources(sources[i : i + batch], skipped=skipped if i == 0 else ())
        passages += report.passages_added
        embedded += report.passages_embedded
        embed_seconds += report.embed_seconds
        done = min(i + batch, len(sources))
        elapsed = time.perf_counter() - started
        log(f"{label}: {done}/{len(sources)} articles, {passages} passages, {elapsed:.0f}s")
    articles, total_passages = idx.counts()
    return {
        "articles": articles, "passages": total_passages, "skipped": [str(s) for s in skipped],
        "passages_embedded": embedded, "embed_seconds": round(embed_seconds, 3),
        "model_load_seconds": round(model_load, 3),
        "seconds": round(time.perf_counter() - started, 3),
    }


def _pid_docs(idx) -> dict[int, str]:
    from index.store import sqlite as store

    conn = store.connect(idx.db_path)
    try:
        return {int(pid): doc for pid, doc in conn.execute("SELECT pid, doc_id FROM passages")}
    finally:
        conn.close()


def doc_rankings(candidates, pid_doc: dict[int, str]) -> dict[str, list[str]]:
    """Article rankings of the three retrievers from one fused candidate list."""

    def collapse(cands) -> list[str]:
        out: list[str] = []
        seen: set[str] = set()
        for c in cands:
            doc = pid_doc.get(c.pid)
            if doc is not None and doc not in seen:
                seen.add(doc)
                out.append(doc)
        return out

    dense = sorted((c for c in candidates if c.dense_rank is not None), key=lambda c: c.dense_rank)
    bm25 = sorted((c for c in candidates if c.bm25_rank is not None), key=lambda c: c.bm25_rank)
    return {"dense": collapse(dense), "bm25": collapse(bm25), "fused": collapse(candidates)}


def rank_metrics(ranks: Sequence[int | None]) -> dict:
    """R@1/5/10, MRR@10 and nDCG@10 for one relevant item per query; ``ranks`` are 1-based or None."""
    n = len(ranks)
    if not n:
        return {}
    out = {f"R@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in KS}
    out["MRR@10"] = sum(1.0 / r for r in ranks if r is not None and r <= 10) / n
    out["nDCG@10"] = sum(1.0 / math.log2(r + 1) for r in ranks if r is not None and r <= 10) / n
    out[f"found@{DEPTH}"] = sum(1 for r in ranks if r is not None) / n
    return {k: round(v, 4) for k, v in out.items()}


# ------------------------------------------------------------------------------------------ XQuAD


def evaluate_xquad(idx, queries: list[dict], set_name: str | None = None) -> dict:
    """Every question through retrieval (the two retrievers, their plain RRF, and the order qa.answer
    uses: RRF reranked by the learned passage ranker) and the product's door (``tracuu.answering``);
    figures per part of
    bench/splits.json when ``set_name`` is one of its sets."""
    from qa.analyze import analyze
    from qa.retrieve import Corpus, learned_order
    from tracuu.answering import answer

    pid_doc = _pid_docs(idx)
    rows = []
    t_cand: list[float] = []
    t_answer: list[float] = []
    started = time.perf_counter()
    for i, q in enumerate(queries, start=1):
        question, gold, answers = q["question"], q.get("doc_id"), list(q.get("answers") or [])
        t0 = time.perf_counter()
        cands = idx.candidates(question, depth=DEPTH)
        t_cand.append(time.perf_counter() - t0)
        rankings = doc_rankings(cands, pid_doc)
        rankings["rrf"] = rankings["fused"]
        learned, _ = learned_order(Corpus(idx), question, analyze(question), cands)
        rankings["fused"] = doc_rankings(learned, pid_doc)["fused"]
        row_ranks = {name: (docs.index(gold) + 1 if gold in docs else None) for name, docs in rankings.items()}
        top = idx.hits(learned[:10])
        best_has = bool(top) and any(contains(top[0].passage.text, a) for a in answers)
        any_has = any(contains(h.passage.text, a) for h in top for a in answers)
        t0 = time.perf_counter()
        ans, _ = answer(idx, question)
        t_answer.append(time.perf_counter() - t0)
        first = ans.citations[0].quote if ans.citations and not ans.abstained else ""
        tentative = is_tentative(ans)
        rows.append({
            "id": q.get("id"), "part": part_of(set_name, gold), "question": question, "gold_doc": gold,
            "answers": answers, "doc_rank": row_ranks, "answer_hit": any(contains(ans.text, a) for a in answers),
            "top1_hit": any(contains(first, a) for a in answers), "confidence": ans.confidence,
            "tentative": tentative, "abstained": ans.abstained,
            "confident_wrong": not ans.abstained and not tentative and not any(contains(first, a) for a in answers),
            **span_row(question, answers, ans.direct), "best_passage_has_answer": best_has, "top10_passages_have_answer": any_has,
            "cited_docs": [c.hit.passage.doc_id for c in ans.citations], "answer": ans.text,
        })
        if i % 25 == 0 or i == len(queries):
            log(f"xquad: {i}/{len(queries)} questions, {time.perf_counter() - started:.0f}s, "
                f"answer hits so far {sum(r['answer_hit'] for r in rows)}/{i}")
    parts = {part: summarize([r for r in rows if r["part"] == part]) for part in PARTS}
    return {
        "questions": len(queries), "set": set_name, **summarize(rows),
        "parts": {part: summary for part, summary in parts.items() if summary["questions"]},
        "latency": {"candidates": latency_summary(t_cand), "answer": latency_summary(t_answer)},
        "per_question": rows,
        "failures": [{k: r[k] for k in ("id", "part", "question", "answers", "doc_rank", "answer")}
                     for r in rows if not r["answer_hit"]],
    }


def is_tentative(ans) -> bool:
    """A hedged answer: runners-up shown, several quotes, or its own unsure wording anywhere in the text (a
    one-candidate "possibly" answer reads "X [1]. Chưa chắc chắn; …": its direct span comes first)."""
    from qa.answers.wording import hedged

    return bool(ans.candidates) or (ans.kind == "fact" and len(ans.citations) > 1) or \
        (not ans.abstained and hedged(ans.text, ans.language))


def summarize(rows: list[dict]) -> dict:
    """Retrieval and answer figures of some per-question rows."""
    n = len(rows) or 1
    answered = [r for r in rows if not r["abstained"]]

    def rate(key: str, among=rows) -> float:
        return round(sum(bool(r[key]) for r in among) / (len(among) or 1), 4)

    return {
        "questions": len(rows),
        "retrieval": {name: rank_metrics([r["doc_rank"][name] for r in rows]) for name in RETRIEVERS},
        "answers": {
            "answer_hit_rate": rate("answer_hit"),
            "top1_quote_hit_rate": rate("top1_hit"),
            "tentative_rate": rate("tentative"),
            "abstention_rate": rate("abstained"),
            "answer_hit_rate_when_answered": rate("answer_hit", answered),
            "cites_gold_doc_rate": round(sum(r["gold_doc"] in r["cited_docs"][:1] for r in rows) / n, 4),
            "best_passage_contains_answer": rate("best_passage_has_answer"),
            "top10_passages_contain_answer": rate("top10_passages_have_answer"),
            "confident_wrong_rate": rate("confident_wrong"),
        },
        "span": span_summary(rows),
        "reliability": reliability(rows),
    }


def xquad_markdown(result: dict, ingest: dict) -> str:
    cols = ["R@1", "R@5", "R@10", "MRR@10", "nDCG@10"]
    sections = {"all": result, **result.get("parts", {})} if result.get("parts") else {"all": result}
    lines = [f"### Retrieval ({result['questions']} questions, {ingest['articles']} articles, "
             f"{ingest['passages']} passages; article level, candidates depth {DEPTH}; rrf: plain RRF k=60 of "
             f"dense + BM25; fused: that RRF reranked by the learned passage ranker)", ""]
    for label, part in sections.items():
        r = part["retrieval"]
        lines += [f"**{label}** ({part['questions']} questions)", "",
                  md_table(["retriever", *cols], [[name, *(r[name].get(c) for c in cols)] for name in RETRIEVERS]), ""]
    lines += ["### Answers (`tracuu.answering.answer`, as `tracuu ask`)", "",
              md_table(["metric", *sections], [[m, *(p["answers"][m] for p in sections.values())]
                                                for m in result["answers"]]), ""]
    lines += span_markdown(sections)
    for label, part in sections.items():
        lines += [f"Reliability, {label} (accuracy of the quoted sentence by confidence):", "",
                  md_table(["confidence", "n", "mean confidence", "accuracy"],
                           [[b["bin"], b["n"], b["mean_confidence"], b["accuracy"]] for b in part["reliability"]]), ""]
    lines.append(md_table(["latency", "p50 ms", "p95 ms"],
                          [[k, v["p50_ms"], v["p95_ms"]] for k, v in result["latency"].items()]))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------- seed QA


def check_answer(item: dict, contract: dict) -> list[str]:
    """The reasons ``contract`` (an ``ask --json`` object) fails the gold ``item``; empty when it passes."""
    reasons: list[str] = []
    answer = contract.get("answer") or ""
    abstained = bool(contract.get("abstained"))
    cited = [c.get("doc_id") for c in contract.get("citations") or []]
    if item.get("kind") == "none":
        if not abstained:
            reasons.append(f"should have abstained (answered with citations {sorted(set(cited)) or 'none'})")
        return reasons
    if abstained:
        reasons.append("abstained although the corpus answers it")
    for doc in item.get("sources_all") or []:
        if doc not in cited:
            reasons.append(f"missing source {doc}")
    any_of = item.get("sources_any") or []
    if any_of and not any(doc in cited for doc in any_of):
        reasons.append(f"cites none of {any_of} (cited {sorted(set(cited)) or 'nothing'})")
    for doc in item.get("not_sources") or []:
        if doc in cited:
            reasons.append(f"cited forbidden {doc}")
    for s in item.get("answer_all") or []:
        if not contains(answer, s):
            reasons.append(f"missing string {s!r}")
    strings = item.get("answer_any") or []
    if strings and not any(contains(answer, s) for s in strings):
        reasons.append(f"none of {strings} in the answer")
    return reasons


def evaluate_seed_qa(idx, items: list[dict], set_name: str | None = "seed_qa") -> dict:
    from tracuu.answering import ask

    rows = []
    times: list[float] = []
    for item in items:
        t0 = time.perf_counter()
        contract = ask(idx, item["question"], id=item.get("id")).model_dump(mode="json")
        times.append(time.perf_counter() - t0)
        reasons = check_answer(item, contract)
        rows.append({
            "id": item.get("id"), "part": part_of(set_name, str(item.get("id"))), "kind": item.get("kind"),
            "question": item["question"], "pass": not reasons, "confidence": contract["confidence"], "reasons": reasons, "abstained": contract["abstained"],
            "cited_docs": list(dict.fromkeys(c["doc_id"] for c in contract["citations"])),
            "answer": contract["answer"], "seconds": round(times[-1], 3),
        })
        log(f"seed qa {item.get('id')}: {'pass' if not reasons else 'FAIL: ' + '; '.join(reasons)}")
    passed = sum(r["pass"] for r in rows)
    parts = {p: {"questions": sum(r["part"] == p for r in rows), "passed": sum(r["pass"] for r in rows if r["part"] == p)}
             for p in PARTS}
    return {"questions": len(rows), "passed": passed, "failed": len(rows) - passed,
            "pass_rate": round(passed / max(1, len(rows)), 4), "parts": parts, "latency": latency_summary(times),
            "rows": rows, "failures": [r for r in rows if not r["pass"]]}


def qa_markdown(result: dict, ingest: dict) -> str:
    def short(text: str, n: int = 90) -> str:
        text = " ".join(text.split())
        return text if len(text) <= n else text[: n - 1] + "…"

    rows = [[r["id"], r["kind"], "pass" if r["pass"] else "FAIL", "; ".join(r["reasons"]) or "",
             ", ".join(d.split("_")[0] for d in r["cited_docs"]), short(r["answer"])] for r in result["rows"]]
    return "\n".join([
        f"### Seed QA: {result['passed']}/{result['questions']} pass "
        f"({ingest['articles']} articles, {ingest['passages']} passages)",
        "",
        md_table(["id", "kind", "result", "reason", "cited", "answer"], rows),
    ])


# ---------------------------------------------------------------------------------------- command


def run_eval(args) -> int:
    docs, queries_path = getattr(args, "docs", None), getattr(args, "queries", None)
    qa_path = getattr(args, "qa", None)
    if bool(docs) != bool(queries_path):
        print("tracuu eval: --docs and --queries go together", file=sys.stderr)
        return 2
    if not docs and not qa_path:
        print("tracuu eval: give --docs D --queries Q (XQuAD format) and/or --qa FILE (seed_qa format)",
              file=sys.stderr)
        return 2
    for path in (docs, queries_path, qa_path):
        if path and not Path(path).is_file():
            print(f"tracuu eval: no such file: {path}", file=sys.stderr)
            return 2
    out = Path(getattr(args, "out", None) or "bench-results")
    out.mkdir(parents=True, exist_ok=True)
    model = getattr(args, "model", None)
    machine = machine_info()
    printed: list[str] = []

    split = getattr(args, "split", None)
    if docs:
        queries = read_jsonl(queries_path)
        bad = [q.get("id") for q in queries if not isinstance(q.get("question"), str) or "doc_id" not in q]
        if bad:
            print(f"tracuu eval: {queries_path}: queries without question/doc_id: {bad[:5]}", file=sys.stderr)
            return 2
        set_name = split_set_of(queries_path)
        queries = selected(set_name, queries, split, key="doc_id")
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="tracuu-eval-") as tmp:
            idx = _temp_index(Path(tmp) / "index", model)
            ingest = _ingest_with_progress(idx, [docs], "xquad ingest")
            result = evaluate_xquad(idx, queries, set_name)
            model_id = idx.model_id
        report = {
            "kind": "xquad", "docs": str(docs), "queries": str(queries_path), "split": split or "both",
            "model": model_id, "depth": DEPTH, "ingest": ingest, **result,
            "seconds_total": round(time.perf_counter() - started, 2), "machine": machine,
        }
        stem = f"eval-{set_name}" if set_name else "eval-xquad"
        md = f"## tracuu eval: {Path(queries_path).name}\n\n" + xquad_markdown(result, ingest)
        write_json(out / f"{stem}.json", report)
        (out / f"{stem}.md").write_text(md + "\n", encoding="utf-8")
        curves = {f"{label} ({part['questions']} q)": part["reliability"]
                  for label, part in (result.get("parts") or {"all": result}).items()}
        plot_reliability(curves, out / f"{stem}-reliability.png", f"{Path(queries_path).name}: reliability")
        printed.append(md)
        log(f"wrote {out / stem}.json, .md and -reliability.png")

    if qa_path:
        items = selected(split_set_of(qa_path), read_jsonl(qa_path), split, key="id")
        corpus = Path(getattr(args, "corpus", None) or DEFAULT_CORPUS)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="tracuu-eval-") as tmp:
            idx = _temp_index(Path(tmp) / "index", model)
            ingest = _ingest_with_progress(idx, [corpus], "corpus ingest")
            result = evaluate_seed_qa(idx, items, split_set_of(qa_path))
            model_id = idx.model_id
        report = {
            "kind": "seed_qa", "qa": str(qa_path), "corpus": str(corpus), "model": model_id, "ingest": ingest,
            **result, "seconds_total": round(time.perf_counter() - started, 2), "machine": machine,
        }
        md = f"## tracuu eval: {Path(qa_path).name}\n\n" + qa_markdown(result, ingest)
        write_json(out / "eval-qa.json", report)
        (out / "eval-qa.md").write_text(md + "\n", encoding="utf-8")
        printed.append(md)
        log(f"wrote {out / 'eval-qa.json'} and {out / 'eval-qa.md'}")

    sys.stdout.write("\n\n".join(printed) + "\n")
    sys.stdout.flush()
    return 0


__all__ = ["run_eval", "check_answer", "doc_rankings", "rank_metrics", "evaluate_xquad", "evaluate_seed_qa",
           "norm_answer"]
