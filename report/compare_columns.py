"""Columns of the compare table: counted nouns grouped by meaning, not by spelling.

Two steps, each measured (``python -m studies.compare_precision pairs``):
1. ``figures.noun_key`` folds a noun and strips classifiers ("cuộc giám sát" and "giám sát" meet);
   commendation wordings are already one ("được khen thưởng") when the figures are read.
2. The bundled e5 model embeds each key's printed noun (passage side, as the index embeds sentences), and
   keys join a column only when their cosine to *every* key already in it reaches ``THRESHOLD``
   (complete linkage: one loose pair never chains two kinds together). The threshold is the one that
   classifies the hand-labelled noun-phrase pairs of ``studies/compare_pairs.tsv`` best (ties: the
   higher, since two kinds in one column mislead where one kind in two columns only splits).
   Two nouns one article counts side by side ("hội nghị tiếp xúc" 22, "hội nghị đối thoại" 144) are
   two kinds whatever the model says.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from index.text.refs import fold

__all__ = ["Column", "group", "THRESHOLD", "slug"]

# Chosen on studies/compare_pairs.tsv (74 pairs): 62/74 right at 0.950, the best of 0.900–0.985 by 0.005
# (`python -m studies.compare_precision pairs`).
THRESHOLD = 0.95


@dataclass(frozen=True)
class Column:
    key: str  # "to-dan-van-khu-dan-cu": stable, ASCII
    label: str  # the printed noun most figures use: "Tổ dân vận khu dân cư"
    nouns: tuple[str, ...]  # every noun key grouped here


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "figure"


def _label(printed: Counter) -> str:
    """The wording most figures print; among equals the shortest (the plainest name of the kind)."""
    return min(printed, key=lambda p: (-printed[p], len(p), p))


def _same_items(a: str, b: str) -> bool:
    """A list ("thon, to dan pho") is one kind only with a list of the same units, however close the
    model finds "xã, phường" and "phường"."""
    if "," not in a and "," not in b:
        return True
    return set(a.split(", ")) == set(b.split(", "))


def group(nouns: dict[str, Counter], apart: Iterable[tuple[str, str]],
          embed: Callable[[Sequence[str]], "object"] | None, threshold: float = THRESHOLD) -> list[Column]:
    """Columns over ``nouns`` (noun key → printed forms counted). ``apart``: key pairs that must stay in
    different columns. ``embed``: texts → unit vectors (None: group by key alone). Most counted first."""
    import numpy as np

    order = sorted(nouns, key=lambda k: (-sum(nouns[k].values()), k))
    labels = [_label(nouns[k]) for k in order]
    vectors = np.asarray(embed(labels)) if embed is not None and len(order) > 1 else None
    cannot = {frozenset(p) for p in apart if p[0] != p[1]}
    cannot |= {frozenset((a, b)) for a in order for b in order if a < b and not _same_items(a, b)}
    clusters: list[list[int]] = []
    for i, key in enumerate(order):
        best, best_cos = None, threshold
        for c, members in enumerate(clusters):
            if vectors is None or any(frozenset((key, order[m])) in cannot for m in members):
                continue
            cos = min(float(vectors[i] @ vectors[m]) for m in members)
            if cos >= best_cos:
                best, best_cos = c, cos
        if best is None:
            clusters.append([i])
        else:
            clusters[best].append(i)
    columns, used = [], set()
    for members in clusters:
        printed = sum((nouns[order[m]] for m in members), Counter())
        label = _label(printed)
        key = slug(label)
        while key in used:
            key += "-2"
        used.add(key)
        columns.append(Column(key=key, label=label, nouns=tuple(order[m] for m in members)))
    return columns
