"""Train the learned rankers and the confidence calibration from the TUNE parts of the public sets.

    python -m training.train [--eval-dir ../shared/eval] [--out qa/learned/weights] [--cache /tmp/tracuu-train]

1. passages: for every tune question the fused top 30 (``training.rank_data``); candidates compared by
   grouped cross-validation (folds by article, so no paragraph's questions are on both sides): plain RRF
   order, logistic regression, LightGBM lambdarank. Scored by article-level R@1 after reranking.
2. sentences: the competing sentences of the top passages, the passages ordered by the *out-of-fold*
   passage scores (what the sentence ranker will see at question time); compared: today's hand-fitted
   score, logistic regression, LightGBM lambdarank. Scored by how often the chosen sentence holds an answer.
3. calibration: isotonic regression of "the top sentence holds an answer" on the softmax share of the
   top out-of-fold sentence score; the threshold below which answers show their candidates is the
   lowest confidence at which the answers kept (at or above it) are right 85 % of the time on tune.

The better of each pair (by cross-validation) is refit on all tune questions and written to ``--out``
with a report (``train-report.json``) of every figure. Heldout ids are refused (``bench.splits``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from . import rank_data
from bench.splits import SPLITS_FILE

FOLDS = 5
CONFIDENT_PRECISION = 0.85
TRAINABLE = ("xquad_vi_dev", "viquad2_dev")


def auc(score: np.ndarray, label: np.ndarray) -> float:
    """Probability that a random right answer scores above a random wrong one (ties count half)."""
    pos, neg = score[label > 0.5], score[label <= 0.5]
    if not len(pos) or not len(neg):
        return float("nan")
    above = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(above / (len(pos) * len(neg)))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def group_folds(groups: list[str], folds: int) -> np.ndarray:
    """Fold number per item: whole groups (articles) per fold, assigned round-robin in sha1 order."""
    unique = sorted(set(groups), key=lambda g: hashlib.sha1(g.encode()).hexdigest())
    fold_of = {g: k % folds for k, g in enumerate(unique)}
    return np.asarray([fold_of[g] for g in groups])


# ------------------------------------------------------------------------------------------ models


def fit_model(kind: str, xs: list[np.ndarray], ys: list[np.ndarray], features: tuple[str, ...]):
    """A ``qa.learned.model.Ranker`` fitted on per-question matrices ``xs`` and labels ``ys``."""
    from qa.learned.model import Ranker

    x = np.concatenate(xs).astype(np.float64)
    y = np.concatenate(ys)
    if kind == "linear":
        from sklearn.linear_model import LogisticRegression

        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale < 1e-9] = 1.0
        model = LogisticRegression(C=0.5, max_iter=2000).fit((x - mean) / scale, y)
        return Ranker("linear", features, mean, scale, model.coef_[0], float(model.intercept_[0]))
    if kind == "softmax":
        return _fit_softmax(xs, ys, features)
    if kind == "hand":  # qa.rank's hand-fitted sentence score, with a learned temperature for its softmax
        col = features.index("hand_score")
        one = _fit_softmax([x[:, [col]] for x in xs], ys, ("hand_score",), l2=0.01)
        mean, scale, coef = np.zeros(len(features)), np.ones(len(features)), np.zeros(len(features))
        mean[col], scale[col], coef[col] = one.mean[0], one.scale[0], one.coef[0]
        return Ranker("linear", features, mean, scale, coef, 0.0)
    if kind == "lightgbm":
        import lightgbm

        keep = [k for k, yy in enumerate(ys) if len(yy) > 1 and 0 < yy.sum() < len(yy)]
        data = lightgbm.Dataset(np.concatenate([xs[k] for k in keep]).astype(np.float64),
                                np.concatenate([ys[k] for k in keep]), group=[len(ys[k]) for k in keep],
                                feature_name=[f.replace(" ", "_") for f in features], free_raw_data=False)
        params = {"objective": "lambdarank", "metric": "ndcg", "eval_at": [1], "learning_rate": 0.05,
                  "num_leaves": 15, "min_data_in_leaf": 20, "feature_fraction": 0.8, "bagging_fraction": 0.8,
                  "bagging_freq": 1, "lambdarank_truncation_level": 10, "verbose": -1, "num_threads": 2,
                  "seed": 7, "deterministic": True, "force_row_wise": True}
        booster = lightgbm.train(params, data, num_boost_round=200)
        return Ranker("lightgbm", features, booster=booster)
    raise ValueError(kind)


def _fit_softmax(xs, ys, features, l2: float = 1.0):
    """A linear score trained listwise: per question, the softmax over its candidates should put its mass
    on those with the label (conditional logit, L2-regularised; questions without both kinds are skipped)."""
    from scipy.optimize import minimize

    from qa.learned.model import Ranker

    keep = [k for k, y in enumerate(ys) if len(y) > 1 and 0 < y.sum() < len(y)]
    x_all = np.concatenate(xs).astype(np.float64)
    mean = x_all.mean(axis=0)
    scale = x_all.std(axis=0)
    scale[scale < 1e-9] = 1.0
    groups = [((xs[k] - mean) / scale, ys[k] > 0) for k in keep]

    def loss(w):
        total, grad = 0.5 * l2 * w @ w, l2 * w
        for x, pos in groups:
            s = x @ w
            s = s - s.max()
            e = np.exp(s)
            p_all = e / e.sum()
            p_pos = np.where(pos, e, 0.0) / e[pos].sum()
            total -= np.log(e[pos].sum() / e.sum())
            grad = grad + x.T @ (p_all - p_pos)
        return total, grad

    w = minimize(loss, np.zeros(x_all.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    return Ranker("linear", features, mean, scale, w, 0.0)


def cross_validate(kind: str, xs, ys, folds: np.ndarray, features) -> list[np.ndarray]:
    """Out-of-fold scores per question."""
    out: list[np.ndarray] = [np.zeros(len(y)) for y in ys]
    for fold in sorted(set(folds.tolist())):
        train = [k for k in range(len(xs)) if folds[k] != fold]
        model = fit_model(kind, [xs[k] for k in train], [ys[k] for k in train], features)
        for k in np.flatnonzero(folds == fold):
            out[k] = model.score(xs[k])
    return out


# ----------------------------------------------------------------------------------------- metrics


def article_r1(questions, scores) -> float:
    """Share of questions whose top passage after ordering by ``scores`` belongs to the gold paragraph."""
    right = 0
    for q, s in zip(questions, scores):
        right += bool(len(s)) and q.hits[int(np.argmax(s))].doc_id == q.gold  # argmax: the first best
    return right / max(1, len(questions))


def top1_hit(ys, scores) -> float:
    return sum(bool(len(y)) and bool(y[int(np.argmax(s))]) for y, s in zip(ys, scores)) / max(1, len(ys))


def isotonic_knots(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y)
    return np.asarray(iso.X_thresholds_, dtype=np.float64), np.asarray(iso.y_thresholds_, dtype=np.float64)


def choose_threshold(confidence: np.ndarray, right: np.ndarray, precision: float = CONFIDENT_PRECISION) -> float:
    """The lowest confidence at which answers at or above it are right ``precision`` of the time."""
    for t in np.unique(confidence):
        kept = confidence >= t
        if kept.any() and right[kept].mean() >= precision:
            return float(t)
    return 1.0


def reliability(confidence: np.ndarray, right: np.ndarray, bins: int = 5) -> list[dict]:
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence >= lo) & ((confidence < hi) if hi < 1 else (confidence <= hi))
        rows.append({"bin": f"{lo:.1f}–{hi:.1f}", "n": int(inside.sum()),
                     "mean_confidence": round(float(confidence[inside].mean()), 4) if inside.any() else None,
                     "accuracy": round(float(right[inside].mean()), 4) if inside.any() else None})
    return rows


# ------------------------------------------------------------------------------------------ driver


def train(sets: dict[str, tuple[Path, Path]], out: Path, cache: Path, *, splits_path: Path | None = None,
          folds: int = FOLDS, kinds: tuple[str, ...] = ("linear", "softmax", "lightgbm")) -> dict:
    from qa.learned.features import PASSAGE_FEATURES, SENTENCE_FEATURES
    from qa.learned.model import Calibration, save_json

    started = time.perf_counter()
    questions, lexicals, encoders = [], [], []
    for name, (docs, queries) in sets.items():
        idx, encoder, items = rank_data.load_set(name, docs, queries, cache, splits_path=splits_path, log=log)
        questions += items
        lexicals += [idx.lexical()] * len(items)
        encoders += [encoder] * len(items)
        log(f"{name}: {len(items)} tune questions")
    fold_of = group_folds([q.group for q in questions], folds)
    report: dict = {"questions": len(questions), "sets": list(sets), "folds": folds, "passage": {}, "sentence": {}}

    # 1. passages
    xs = [q.passage_x for q in questions]
    ys = [q.passage_y for q in questions]
    oof = {"rrf": [-np.arange(len(y), dtype=np.float64) for y in ys]}
    for kind in kinds:
        oof[kind] = cross_validate(kind, xs, ys, fold_of, PASSAGE_FEATURES)
    report["passage"]["cv_article_r1"] = {k: round(article_r1(questions, s), 4) for k, s in oof.items()}
    best = max(kinds, key=lambda k: article_r1(questions, oof[k]))
    report["passage"]["chosen"] = best
    log(f"passages, cross-validated article R@1: {report['passage']['cv_article_r1']} → {best}")
    model = fit_model(best, xs, ys, PASSAGE_FEATURES)
    save_json(out / "passage.json", {**model.to_json(), "depth": rank_data.DEPTH})
    passage_oof = oof[best]

    # 2. sentences (passages in out-of-fold learned order)
    sx, sy, stexts = [], [], []
    for k, q in enumerate(questions):
        cands, x, y = rank_data.sentence_rows(q, passage_oof[k], encoders[k], lexicals[k])
        sx.append(x)
        sy.append(y)
        stexts.append([c.text for c in cands])
    for encoder in set(encoders):
        encoder.save()
    soof = {kind: cross_validate(kind, sx, sy, fold_of, SENTENCE_FEATURES) for kind in ("hand", *kinds)}
    report["sentence"]["cv_top1_hit"] = {k: round(top1_hit(sy, s), 4) for k, s in soof.items()}
    report["sentence"]["ceiling_any_candidate"] = round(sum(bool(y.sum()) for y in sy) / len(sy), 4)
    best_s = max(soof, key=lambda k: top1_hit(sy, soof[k]))  # ties: the first, the hand score
    report["sentence"]["chosen"] = best_s
    log(f"sentences, cross-validated top-1 hit: {report['sentence']['cv_top1_hit']} → {best_s}")
    save_json(out / "sentence.json", fit_model(best_s, sx, sy, SENTENCE_FEATURES).to_json())

    # 3. calibration on the out-of-fold sentence scores
    from qa.learned.apply import top_probability

    has = [k for k in range(len(sy)) if len(sy[k])]
    p = np.asarray([top_probability(soof[best_s][k]) for k in has])  # as qa.learned.choose does
    right = np.asarray([float(sy[k][int(np.argmax(soof[best_s][k]))]) for k in has])
    # How well the share alone orders right above wrong answers, and the same with a sentence's copies (from
    # overlapping passages) summed: 0.7455 against 0.7486 at the last training — not worth its extra
    # confident answers (docs/model-card.md).
    summed = np.asarray([top_probability(soof[best_s][k], stexts[k]) for k in has])
    report["share_auc"] = {"best_copy_only": round(auc(p, right), 4), "sentence_copies_summed": round(auc(summed, right), 4)}
    kx, ky = isotonic_knots(p, right)
    calibration = Calibration(kx, ky, 0.0)
    confidence = np.asarray([calibration.confidence(v) for v in p])
    threshold = choose_threshold(confidence, right)
    save_json(out / "calibration.json", Calibration(kx, ky, threshold).to_json())
    report["calibration"] = {"threshold": threshold, "tentative_share": round(float((confidence < threshold).mean()), 4),
                             "reliability_tune_oof": reliability(confidence, right)}
    report["seconds"] = round(time.perf_counter() - started, 1)
    sizes = {f.name: f.stat().st_size for f in sorted(out.glob("*.json"))}
    report["shipped_bytes"] = sizes
    save_json(out / "train-report.json", report)
    log(f"calibration threshold {threshold:.3f}; wrote {sizes} in {report['seconds']} s")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "eval"))
    parser.add_argument("--sets", nargs="+", default=list(TRAINABLE))
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "qa" / "learned" / "weights"))
    parser.add_argument("--cache", default="/tmp/tracuu-train")
    parser.add_argument("--splits", default=str(SPLITS_FILE))
    parser.add_argument("--folds", type=int, default=FOLDS)
    args = parser.parse_args(argv)
    eval_dir = Path(args.eval_dir)
    sets = {name: (eval_dir / f"{name}.docs.jsonl", eval_dir / f"{name}.queries.jsonl") for name in args.sets}
    report = train(sets, Path(args.out), Path(args.cache), splits_path=Path(args.splits), folds=args.folds)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
