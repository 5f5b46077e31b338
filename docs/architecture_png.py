"""Draws docs/architecture.png (the picture of docs/architecture.md) with matplotlib: the way a question
travels, left, and the layers of the house, right. Rerun after a change to either:

    python docs/architecture_png.py [--out docs/architecture.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

# The question's path, top to bottom: (box text, module). One row per step, in the order qa.answer runs them.
PATH = [
    ("door: CLI · REST · Gradio · chat · tracuu eval", "tracuu/answering.py"),
    ("qa.answer(index, question, filters, previous)", "qa/answers/router.py"),
    ("question read once → Question", "qa/question/"),
    ("route: follow-up · card · 2025 ward · list · fact", "qa/answers/"),
    ("retrieval: FAISS + BM25 fused (Corpus)", "qa/retrieve.py → index/api.py"),
    ("learned passage order", "qa/retrieve.learned_order, qa/learned/"),
    ("evidence checks: one protocol, in order", "qa/checks/ EVIDENCE_CHECKS"),
    ("sentence choice (+ answer checks)", "qa/learned.choose, qa/rank.py, ANSWER_CHECKS"),
    ("finish: counted · one card per passage · direct span", "qa/answers/finish.py, qa/direct/"),
    ("Answer (frozen dataclasses)", "qa/records.py"),
    ("contract: pydantic AskResponse …", "tracuu/contract.py"),
    ("JSON out: CLI · REST · Gradio", "tracuu/cli.py, rest.py, ui.py"),
]

# The layers, bottom (ground) to top; an arrow may only point down (tests/test_architecture.py).
LAYERS = [
    ("ground", "index/settings.py  (Settings; imports nothing of the project)", "#d9d9d9"),
    ("index", "index/  text · ingest · embed · store · api.Index", "#c6dbef"),
    ("qa", "qa/  question · answers · checks · direct · learned · retrieve", "#c7e9c0"),
    ("report", "report/  cards · timeline · export · compare", "#fdd0a2"),
    ("top", "tracuu/ (cli, answering, contract, doors)  ·  ui*.py  ·  rest.py  ·  bench/", "#dadaeb"),
    ("dev only", "training/ · studies/ · tests/  (never in the wheel)", "#ffffff"),
]


def draw(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 8.2), gridspec_kw={"width_ratios": [1.05, 1]})
    for ax in (left, right):
        ax.set_xlim(0, 10)
        ax.set_axis_off()

    left.set_ylim(-0.6, len(PATH) + 0.3)
    left.set_title("The way a question travels", fontsize=14, fontweight="bold")
    for i, (text, module) in enumerate(PATH):
        y = len(PATH) - 1 - i
        left.add_patch(FancyBboxPatch((0.3, y + 0.12), 9.4, 0.66, boxstyle="round,pad=0.02",
                                      facecolor="#eef3fb" if i not in (0, 11) else "#dadaeb", edgecolor="#3b5b92"))
        left.text(0.5, y + 0.55, text, fontsize=10.5, va="center")
        left.text(0.5, y + 0.27, module, fontsize=8.5, va="center", color="#555555", family="monospace")
        if i:
            left.add_patch(FancyArrowPatch((5, y + 1.12), (5, y + 0.78), arrowstyle="-|>", mutation_scale=12,
                                           color="#3b5b92"))

    right.set_ylim(-0.5, len(LAYERS) * 1.25 + 0.6)
    right.set_title("The layers (imports point down only)", fontsize=14, fontweight="bold")
    for i, (name, text, colour) in enumerate(LAYERS):
        y = i * 1.25
        dashed = name == "dev only"
        right.add_patch(FancyBboxPatch((0.3, y), 9.4, 0.95, boxstyle="round,pad=0.02", facecolor=colour,
                                       edgecolor="#444444", linestyle="--" if dashed else "-"))
        right.text(0.5, y + 0.66, name, fontsize=11, fontweight="bold", va="center")
        right.text(0.5, y + 0.3, text, fontsize=8.8, va="center")
        if 0 < i < len(LAYERS) - 1:
            right.add_patch(FancyArrowPatch((8.9, y - 0.02), (8.9, y - 0.28), arrowstyle="-|>", mutation_scale=12,
                                            color="#444444"))
    right.text(5, -0.35, "tests/test_architecture.py: no upward arrow, no circle, no module over 400 lines",
               fontsize=8.5, ha="center", color="#555555")

    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=80)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python docs/architecture_png.py", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "architecture.png")
    draw(parser.parse_args(argv).out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
