"""The sentence cross-encoder experiment of issue 25: the bundled e5-small reading a question and one competing
sentence together, with low-rank adapters on its top layers and a linear head (``training.cross_model``),
trained on the TUNE parts only, and compared with the hand score that chooses the sentence today.

    python -m training.train_cross [--folds 3] [--epochs 4] [--lr 3e-3] [--rank 16] [--probe] [--cv-only]
                                   [--cache /tmp/tracuu-train] [--out /tmp/tracuu-cross]

Data: every tune question goes through retrieval and the shipped passage order (``training.rank_data``); its
competing sentences (``qa.learned.features.sentence_candidates``) are cut to the ``TOP`` best by the hand
score — the only ones a cross-encoder would re-score at question time — and labelled by whether they contain
a gold answer. The bottom layers stay frozen, so their output is computed once per pair (cached); the
adapters and the head are trained with a listwise softmax plus a pointwise logistic loss. Folds grouped by
article give out-of-fold scores; the report compares hand score, cross score and their mixes (top-1 hit),
and the calibration of the best mix (``cross-cv.json``; ``--probe``: the first fold only). Without
``--cv-only`` the adapters are also fitted on every tune question and written to ``--out``.

Result (docs/model-card.md): not shipped — on the first fold's 332 held-out questions the hand score chose
the answer's sentence 0.747 of the time, the cross-encoder 0.675, and every mix at most 0.747.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import rank_data
from .train import CONFIDENT_PRECISION, TRAINABLE, auc, choose_threshold, group_folds, isotonic_knots, log, reliability

CROSS_JSON, CROSS_NPZ = "cross.json", "cross.npz"
TOP = 6  # sentences re-scored per question (the hand score's best)
SEED = 13
HEAD_LR = 20  # the head's learning rate, in multiples of the adapters'


@dataclass
class Item:
    group: str
    question: str
    texts: list[str]  # "title. sentence" of the TOP candidates, hand order
    hand: np.ndarray
    y: np.ndarray


def gather(sets: dict[str, tuple[Path, Path]], cache: Path) -> list[Item]:
    from qa.learned import shipped_models
    from qa.learned.features import SENTENCE_FEATURES

    from .cross_model import sentence_side

    hand_col = SENTENCE_FEATURES.index("hand_score")
    models = shipped_models()
    items: list[Item] = []
    for name, (docs, queries) in sets.items():
        idx, encoder, questions = rank_data.load_set(name, docs, queries, cache, log=log)
        lexical = idx.lexical()
        for q in questions:
            cands, x, y = rank_data.sentence_rows(q, models.passage.score(q.passage_x), encoder, lexical)
            if not cands:
                continue
            hand = x[:, hand_col].astype(np.float64)
            order = np.argsort(-hand, kind="stable")[:TOP]
            titles = [q.hits[cands[k].hit_index].title.replace("_", " ") for k in order]
            items.append(Item(q.group, q.question, [sentence_side(t, cands[k].text) for t, k in zip(titles, order)],
                              hand[order], y[order]))
        encoder.save()
        log(f"{name}: {len(questions)} questions")
    return items


def frozen_states(items: list[Item], model_dir: Path, model, layers: int, batch: int = 48) -> list:
    """Per pair: the output of ``model``'s last frozen layer (fp16, its own length)."""
    import torch
    from transformers import AutoTokenizer
    from .cross_model import MAX_TOKENS, question_side

    tok = AutoTokenizer.from_pretrained(str(model_dir))
    pairs = [(question_side(it.question), t) for it in items for t in it.texts]
    enc = tok([a for a, _ in pairs], [b for _, b in pairs], truncation="only_second", max_length=MAX_TOKENS)
    lengths = [len(ids) for ids in enc["input_ids"]]
    order = np.argsort(lengths)
    states: list = [None] * len(pairs)
    cut = model.config.num_hidden_layers - layers
    started = time.perf_counter()
    with torch.no_grad():
        for n, start in enumerate(range(0, len(order), batch)):
            rows = order[start:start + batch]
            width = max(lengths[r] for r in rows)
            ids = torch.ones((len(rows), width), dtype=torch.long)  # 1 = <pad>
            mask = torch.zeros((len(rows), width), dtype=torch.long)
            for i, r in enumerate(rows):
                ids[i, : lengths[r]] = torch.tensor(enc["input_ids"][r])
                mask[i, : lengths[r]] = 1
            out = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
            hidden = out.hidden_states[cut]
            for i, r in enumerate(rows):
                states[r] = hidden[i, : lengths[r]].to(torch.float16).clone()
            if n % 20 == 0:
                log(f"frozen layers: {start + len(rows)}/{len(pairs)} pairs, {time.perf_counter() - started:.0f} s")
    return states


def cached_states(items: list[Item], model_dir: Path, layers: int, cache: Path):
    """``frozen_states`` (kept under ``cache`` by the pairs' text and the layer count) and the base model."""
    import hashlib
    import pickle

    from transformers import AutoModel

    key = hashlib.sha1(json.dumps([layers, [(it.question, it.texts) for it in items]]).encode()).hexdigest()[:10]
    path = cache / f"cross-states-{key}.pkl"
    base = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    if path.is_file():
        return pickle.loads(path.read_bytes()), base
    states = frozen_states(items, model_dir, base, layers)
    path.write_bytes(pickle.dumps(states))
    return states, base


def _batches(question_ids: list[int], per_step: int, rng):
    ids = list(question_ids)
    rng.shuffle(ids)
    for start in range(0, len(ids), per_step):
        yield ids[start:start + per_step]


def _offsets(items: list[Item]) -> list[int]:
    """Where each question's pairs start in the flat list of pairs (and, last, where they end)."""
    return np.cumsum([0] + [len(it.texts) for it in items]).tolist()


def _per_question(qs: list[int], offsets: list[int], scores):
    """The flat scores of the questions ``qs`` (their pairs in order), cut back into one slice per question."""
    for q in qs:
        n = offsets[q + 1] - offsets[q]
        yield q, scores[:n]
        scores = scores[n:]


def _padded(states, rows):
    import torch

    width = max(states[r].shape[0] for r in rows)
    h = torch.zeros((len(rows), width, states[rows[0]].shape[1]), dtype=torch.float32)
    mask = torch.zeros((len(rows), width), dtype=torch.float32)
    for i, r in enumerate(rows):
        n = states[r].shape[0]
        h[i, :n] = states[r].float()
        mask[i, :n] = 1.0
    return h, mask


def fit(items: list[Item], states, base_model, train_ids: list[int], *, layers: int, rank: int, epochs: int,
        lr: float, per_step: int = 8):
    """Adapters + head trained on the questions ``train_ids`` (listwise softmax over each question's pairs
    plus a pointwise logistic term, so scores are comparable across questions)."""
    import torch
    from .cross_model import TopLayers

    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    offsets = _offsets(items)
    top = TopLayers.from_model(base_model, layers=layers, rank=rank)
    top.train()
    adapters = [p for n, p in top.named_parameters() if p.requires_grad and not n.startswith("head.")]
    # The head reads a unit vector: its weights must grow to ~1 per dimension, far from where adapters go.
    groups = [{"params": adapters, "lr": lr}, {"params": list(top.head.parameters()), "lr": lr * HEAD_LR}]
    opt = torch.optim.AdamW(groups, lr=lr, weight_decay=0.01)
    steps = epochs * ((len(train_ids) + per_step - 1) // per_step)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[lr, lr * HEAD_LR], total_steps=steps, pct_start=0.1)
    for epoch in range(epochs):
        total = 0.0
        for qs in _batches(train_ids, per_step, rng):
            rows = [r for q in qs for r in range(offsets[q], offsets[q + 1])]
            h, mask = _padded(states, rows)
            scores = top(h, mask)
            labels = torch.tensor(np.concatenate([items[q].y for q in qs]), dtype=torch.float32)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(scores, labels)
            for q, s in _per_question(qs, offsets, scores):
                y = torch.from_numpy(items[q].y).float()
                if y.sum() > 0:
                    loss = loss - (torch.log_softmax(s, 0) * (y / y.sum())).sum() / len(qs)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach())
        log(f"  epoch {epoch + 1}/{epochs}: loss {total:.2f}")
    top.eval()
    return top


def score(top, items: list[Item], states, ids: list[int]) -> dict[int, np.ndarray]:
    import torch

    offsets = _offsets(items)
    out = {}
    with torch.no_grad():
        for start in range(0, len(ids), 32):
            qs = ids[start:start + 32]
            rows = [r for q in qs for r in range(offsets[q], offsets[q + 1])]
            h, mask = _padded(states, rows)
            out.update(_per_question(qs, offsets, top(h, mask).numpy().astype(np.float64)))
    return out


def top1(items, scores) -> float:
    return float(np.mean([items[q].y[int(np.argmax(s))] for q, s in scores.items()]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "eval"))
    parser.add_argument("--cache", default="/tmp/tracuu-train")
    parser.add_argument("--out", default="/tmp/tracuu-cross")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument("--probe", action="store_true", help="the first fold only (a quick look)")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(2)
    from index.embed.e5convert import materialise_bundled_model
    from index.settings import default_cache_dir

    eval_dir = Path(args.eval_dir)
    sets = {n: (eval_dir / f"{n}.docs.jsonl", eval_dir / f"{n}.queries.jsonl") for n in TRAINABLE}
    items = gather(sets, Path(args.cache))
    log(f"{len(items)} questions, {sum(len(i.texts) for i in items)} pairs; "
        f"a right one among the top {TOP}: {np.mean([i.y.any() for i in items]):.3f}")
    states, base = cached_states(items, materialise_bundled_model(default_cache_dir()), args.layers, Path(args.cache))
    folds = group_folds([it.group for it in items], args.folds)
    oof: dict[int, np.ndarray] = {}
    for f in range(args.folds):
        train_ids = [q for q in range(len(items)) if folds[q] != f]
        test_ids = [q for q in range(len(items)) if folds[q] == f]
        log(f"fold {f + 1}/{args.folds}: {len(train_ids)} train, {len(test_ids)} held out")
        top = fit(items, states, base, train_ids, layers=args.layers, rank=args.rank, epochs=args.epochs, lr=args.lr)
        held = score(top, items, states, test_ids)
        oof.update(held)
        log(f"fold {f + 1}: top-1 hit on its held-out questions: hand {top1(items, {q: items[q].hand for q in held}):.3f}, "
            f"cross {top1(items, held):.3f}, hand+cross {top1(items, {q: items[q].hand + held[q] for q in held}):.3f}")
        if args.probe:
            break
    report = choose_mix(items, oof, args)
    log(json.dumps(report["cv_top1_hit"]))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.cv_only:
        (out / "cross-cv.json").write_text(json.dumps(report, indent=1) + "\n")
        return
    log("fitting on every tune question")
    top = fit(items, states, base, list(range(len(items))), layers=args.layers, rank=args.rank,
              epochs=args.epochs, lr=args.lr)
    np.savez_compressed(out / CROSS_NPZ, **{k: v.astype(np.float32) for k, v in top.adapters().items()})
    meta = {"layers": args.layers, "top": TOP, "mix": report["mix"], "temperature": report["temperature"],
            "calibration": report.pop("calibration_json")}
    (out / CROSS_JSON).write_text(json.dumps(meta) + "\n")
    report["written_bytes"] = {f: (out / f).stat().st_size for f in (CROSS_NPZ, CROSS_JSON)}
    (out / "cross-report.json").write_text(json.dumps(report, indent=1) + "\n")
    log(f"wrote {report['written_bytes']}")


MIXES = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0)
TEMPERATURES = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)


def choose_mix(items: list[Item], oof: dict[int, np.ndarray], args) -> dict:
    """The weight of the cross score beside the hand score (out-of-fold top-1 hit; ties: the smaller), the
    softmax temperature of the mix (out-of-fold likelihood of the right sentences) and the isotonic
    calibration + "possibly" threshold of its share, as ``training.train`` calibrates the hand score."""
    from qa.learned.apply import top_probability
    from qa.learned.model import Calibration

    ids = sorted(oof)
    hand = {q: items[q].hand for q in ids}
    report = {"questions": len(items), "top": TOP, "layers": args.layers, "rank": args.rank, "epochs": args.epochs,
              "lr": args.lr, "cv_top1_hit": {"hand": round(top1(items, hand), 4), "cross": round(top1(items, oof), 4)}}
    mixed_hits = {w: top1(items, {q: items[q].hand + w * oof[q] for q in ids}) for w in MIXES}
    report["cv_top1_hit"].update({f"hand+{w}*cross": round(v, 4) for w, v in mixed_hits.items()})
    mix = max(MIXES, key=lambda w: (round(mixed_hits[w], 4), -w))
    mixed = {q: items[q].hand + mix * oof[q] for q in ids}

    def loglik(t: float) -> float:
        total = 0.0
        for q in ids:
            if items[q].y.any():
                z = mixed[q] * t
                z = z - z.max()
                total += float(np.log((np.exp(z) * items[q].y).sum() / np.exp(z).sum()))
        return total

    temperature = max(TEMPERATURES, key=loglik)
    has = [q for q in ids if len(items[q].y)]
    share = np.asarray([top_probability(mixed[q] * temperature) for q in has])
    right = np.asarray([float(items[q].y[int(np.argmax(mixed[q]))]) for q in has])
    hand_share = np.asarray([top_probability(items[q].hand) for q in has])
    hand_right = np.asarray([float(items[q].y[int(np.argmax(items[q].hand))]) for q in has])
    kx, ky = isotonic_knots(share, right)
    confidence = np.asarray([Calibration(kx, ky, 0.0).confidence(v) for v in share])
    threshold = choose_threshold(confidence, right)
    report.update({"mix": mix, "temperature": temperature,
                   "share_auc": {"mixed": round(auc(share, right), 4), "hand_top6": round(auc(hand_share, hand_right), 4)},
                   "threshold": threshold, "precision": CONFIDENT_PRECISION,
                   "tentative_share": round(float((confidence < threshold).mean()), 4),
                   "confident_right": round(float(right[confidence >= threshold].mean()), 4),
                   "reliability_tune_oof": reliability(confidence, right),
                   "calibration_json": Calibration(kx, ky, threshold).to_json()})
    return report


if __name__ == "__main__":
    main()
