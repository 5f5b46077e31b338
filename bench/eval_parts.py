"""``tracuu eval`` figures per part of bench/splits.json (tune, heldout), and the reliability curve.

The per-question rows of ``bench.evaluate`` carry their part; every figure is computed per part from
those rows, so the heldout figures are never mixed with the tune ones. Reliability: accuracy of the
quoted sentence (does it hold a gold answer) per bin of the answer's calibrated confidence, on the
heldout part, drawn next to the JSON as a PNG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from . import splits as split_file

PARTS = ("tune", "heldout")
RETRIEVERS = ("dense", "bm25", "rrf", "fused")


def part_of(set_name: str | None, row_key: str) -> str:
    if set_name is None:
        return "all"
    try:
        return split_file.part_of(set_name, row_key)
    except KeyError:
        return "all"


def split_set_of(path) -> str | None:
    """The public set a gold file belongs to (by its name), or None for any other file."""
    return split_file.set_name_of(path)


def selected(set_name: str | None, items: Sequence[dict], split: str | None, *, key: str) -> list[dict]:
    """The items of the asked part (``split`` tune | heldout | all; None: all, reported per part)."""
    if split in (None, "all") or set_name is None:
        return list(items)
    return [item for item in items if part_of(set_name, item[key]) == split]


def reliability(rows: Sequence[dict], bins: int = 5) -> list[dict]:
    """Accuracy of the top quote per confidence bin (rows with a confidence only)."""
    scored = [(r["confidence"], bool(r["top1_hit"])) for r in rows
              if r.get("confidence") is not None and not r.get("abstained")]
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [ok for c, ok in scored if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        mean_c = [c for c, _ in scored if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        out.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": len(inside),
                    "mean_confidence": round(sum(mean_c) / len(mean_c), 4) if mean_c else None,
                    "accuracy": round(sum(inside) / len(inside), 4) if inside else None})
    return out


def plot_reliability(curves: dict[str, list[dict]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="0.7", linestyle="--", label="perfectly calibrated")
    for label, rows in curves.items():
        pts = [(r["mean_confidence"], r["accuracy"], r["n"]) for r in rows if r["n"]]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
            for x, y, n in pts:
                ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy of the quoted sentence")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
