"""The cross-encoder experiment of issue 25 (training/train_cross.py, training/cross_model.py; not shipped):
its adapters start from e5 itself, training moves them, and the mix it reports is chosen on out-of-fold
top-1 hits."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np


def test_adapted_top_layers_start_as_e5_and_training_moves_them(model_dir):
    import torch
    from transformers import AutoModel, AutoTokenizer

    from training.cross_model import TopLayers, question_side, sentence_side

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    enc = tok([question_side("Quận Tây Hồ có bao nhiêu Tổ dân vận?")] * 2,
              [sentence_side("Dân vận Tây Hồ", "Toàn quận đã thành lập 91 Tổ dân vận."),
               sentence_side("", "Hội nghị diễn ra sáng 02/7/2020.")], padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model(**enc, output_hidden_states=True)
    cut = model.config.num_hidden_layers - 2
    top = TopLayers.from_model(model, layers=2, rank=4).eval()
    mask = enc["attention_mask"].float()
    hidden = out.hidden_states[cut]
    additive = (1.0 - mask[:, None, None, :]) * torch.finfo(hidden.dtype).min
    with torch.no_grad():
        through = hidden
        for layer in top.layers:
            through = layer(through, attention_mask=additive)
    # B starts at zero: the adapted layers compute what e5's own top layers compute
    assert torch.allclose(through, out.last_hidden_state, atol=1e-4)
    trainable = [n for n, p in top.named_parameters() if p.requires_grad]
    assert trainable and all(".a" in n or ".b" in n or n.startswith("head.") for n in trainable)
    top.train()
    opt = torch.optim.AdamW([p for p in top.parameters() if p.requires_grad], lr=1e-2)
    for _ in range(3):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(top(hidden, mask), torch.tensor([1.0, 0.0]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert any(np.abs(v).max() > 0 for k, v in top.adapters().items() if k.endswith(".b"))


def _mix_report(seed: int, hand_of, cross_of) -> dict:
    """``choose_mix`` over 200 questions of 6 sentences (one right), the hand and cross scores drawn by the
    given functions of the labels."""
    from training.train_cross import Item, choose_mix

    rng = np.random.default_rng(seed)
    items, oof = [], {}
    for k in range(200):
        y = np.zeros(6)
        y[rng.integers(6)] = 1.0
        items.append(Item(f"a{k % 10}", "q", ["s"] * 6, hand_of(y, rng), y))
        oof[k] = cross_of(y, rng)
    return choose_mix(items, oof, SimpleNamespace(layers=2, rank=8, epochs=1, lr=1e-3))


def test_choose_mix_prefers_the_cross_score_where_it_orders_better():
    # the hand score knows nothing, the cross score mostly does
    report = _mix_report(0, lambda y, rng: rng.normal(size=6), lambda y, rng: y * 3.0 + rng.normal(scale=0.5, size=6))
    assert report["mix"] >= 1.0
    assert report["cv_top1_hit"][f"hand+{report['mix']}*cross"] > report["cv_top1_hit"]["hand"] + 0.3
    assert report["confident_right"] >= 0.85


def test_choose_mix_keeps_the_hand_score_when_the_cross_score_adds_nothing():
    report = _mix_report(1, lambda y, rng: y * 2.0 + rng.normal(scale=0.5, size=6), lambda y, rng: rng.normal(size=6))
    assert report["mix"] == 0.0


def test_fit_learns_what_marks_the_right_sentence_and_score_returns_one_row_per_question(model_dir):
    """The training loop on 12 questions of 3 sentences whose right sentence has a marked state; scored on
    12 other questions marked the same way, the right sentence comes first (unmarked: about 1 in 3)."""
    import torch
    from transformers import AutoModel

    from training.train_cross import Item, fit, score, top1

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    gen = torch.Generator().manual_seed(0)
    items, states = [], []
    for k in range(24):
        y = np.zeros(3)
        y[k % 3] = 1.0
        items.append(Item(f"a{k % 4}", "q", ["s"] * 3, np.zeros(3), y))
        for j in range(3):
            h = torch.randn(5 + j, 384, generator=gen) * 0.1
            h[:, :8] += 2.0 * y[j]  # the right sentence's states lean one way
            states.append(h.to(torch.float16))
    top = fit(items, states, model, list(range(12)), layers=1, rank=2, epochs=3, lr=3e-3, per_step=4)
    scored = score(top, items, states, list(range(12, 24)))
    assert sorted(scored) == list(range(12, 24)) and all(len(v) == 3 for v in scored.values())
    assert top1(items, scored) >= 0.75
