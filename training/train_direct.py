"""Train the direct-span scorer (qa/direct/weights.json) on the tune parts' gold spans.

For every tune question of xquad_vi_dev and viquad2_dev whose expected kind of span ``qa.direct`` reads
(count, date, duration, person, place, code, amount, percentage), the sentence of its gold paragraph that holds a gold
answer gives the candidate spans; a candidate equal to a gold answer (SQuAD normalisation) is a positive.
A logistic regression (scikit-learn, L2, C chosen by 5-fold cross-validation grouped by article) is fitted
on all of them; the figures printed are out-of-fold EM/F1 of the top span, given the gold sentence.

    python -m training.train_direct [--eval-dir ../shared/eval] [--dry-run] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import splits
from bench.span_metrics import exact, f1, normalise

SETS = ("xquad_vi_dev", "viquad2_dev")
C_GRID = (0.3, 1.0, 3.0, 10.0)


def examples(eval_dir: Path) -> list[dict]:
    """One entry per usable tune question: its article, candidate spans, features, labels and golds."""
    from index.text.sentences import split_sentences
    from qa.analyze import analyze
    from qa.direct.score import candidates

    out = []
    for name in SETS:
        docs = {d["id"]: d for d in _read(eval_dir / f"{name}.docs.jsonl")}
        queries = splits.tune_only(name, _read(eval_dir / f"{name}.queries.jsonl"))
        for q in splits.guard_tune(name, queries):
            text, golds = docs[q["doc_id"]]["text"], [a for a in q.get("answers") or [] if a.strip()]
            sentence = next((text[s:e] for s, e in split_sentences(text)
                             if any(normalise(g) in normalise(text[s:e]) for g in golds)), None)
            if sentence is None:
                continue
            analysis = analyze(q["question"])
            found = candidates(sentence, q["question"], analysis)
            if found is None:
                continue
            spans = [sentence[s:e] for s, e in found.spans]
            out.append({"article": f"{name}:{splits.article_of(name, q['doc_id'])}", "kind": found.kind,
                        "spans": spans, "rows": [list(r) for r in found.rows], "golds": golds,
                        "labels": [exact(s, golds) for s in spans], "sentence": sentence, "analysis": analysis,
                        "offsets": list(found.spans)})
    return out


def cross_validate(data: list[dict], c: float, folds: int = 5) -> dict:
    from sklearn.model_selection import GroupKFold

    groups = [d["article"] for d in data]
    em = f1s = 0.0
    per_kind: dict[str, list[float]] = {}
    for train, test in GroupKFold(n_splits=folds).split(data, groups=groups):
        model = fit([data[i] for i in train], c)
        for i in test:
            pick = top_span(model, data[i])
            e, f = exact(pick, data[i]["golds"]), f1(pick, data[i]["golds"])
            em, f1s = em + e, f1s + f
            per_kind.setdefault(data[i]["kind"], []).append(e)
    n = len(data) or 1
    return {"C": c, "em": round(em / n, 4), "f1": round(f1s / n, 4),
            "em_by_kind": {k: (len(v), round(sum(v) / len(v), 3)) for k, v in sorted(per_kind.items())}}


def fit(data: list[dict], c: float):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    X = np.array([r for d in data for r in d["rows"]], dtype=float)
    y = np.array([lab for d in data for lab in d["labels"]], dtype=int)
    return LogisticRegression(C=c, max_iter=2000).fit(X, y)


def top_span(model, d: dict, constrained: bool = True) -> str | None:
    """The best-scoring span, among those ``qa.direct.constraints`` keeps (as ``qa.direct`` picks)."""
    from qa.direct.constraints import Candidate, kept

    if not d["spans"]:
        return None
    scores = model.decision_function(d["rows"])
    keep = kept(d["kind"], [Candidate(t, r, d["sentence"], d["analysis"], a, b)
                            for t, r, (a, b) in zip(d["spans"], d["rows"], d["offsets"])]) if constrained else range(len(scores))
    return d["spans"][int(max(keep, key=lambda k: scores[k]))]


def main(argv=None) -> int:
    from qa.direct.features import NAMES
    from qa.direct.score import WEIGHTS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "eval"))
    ap.add_argument("--dry-run", action="store_true", help="cross-validate only; write nothing")
    ap.add_argument("--out", default=None, help="where to write the weights (default: the shipped qa/direct/weights.json)")
    args = ap.parse_args(argv)
    data = [d for d in examples(Path(args.eval_dir)) if d["spans"]]
    reachable = sum(any(d["labels"]) for d in data)
    print(f"{len(data)} tune questions with a span kind and candidates; a gold span among them: {reachable}")
    results = [cross_validate(data, c) for c in C_GRID]
    for r in results:
        print(json.dumps(r, ensure_ascii=False))
    best = max(results, key=lambda r: (r["f1"], r["em"]))
    if args.dry_run:
        return 0
    model = fit(data, best["C"])
    out = Path(args.out) if args.out else WEIGHTS
    out.write_text(json.dumps({
        "names": list(NAMES), "coef": [round(float(w), 6) for w in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6), "C": best["C"], "questions": len(data),
        "cv_em": best["em"], "cv_f1": best["f1"]}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} (C={best['C']}, out-of-fold EM {best['em']}, F1 {best['f1']})")
    return 0


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


if __name__ == "__main__":
    raise SystemExit(main())
