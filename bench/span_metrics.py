"""SQuAD-style exact match and F1 of a predicted span against gold answers, on syllables.

The official SQuAD v1.1 normalisation, adapted to Vietnamese: Unicode NFC, lower case, punctuation removed,
white space collapsed; Vietnamese has no articles to drop. Tokens are the space-separated syllables, so F1
is the harmonic mean of syllable precision and recall (the max over the gold answers, as SQuAD does)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Iterable, Sequence

_PUNCT = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    text = unicodedata.normalize("NFC", text or "").lower()
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


def exact(prediction: str | None, golds: Iterable[str]) -> float:
    p = normalise(prediction)
    return float(any(p == normalise(g) for g in golds)) if prediction else 0.0


def f1(prediction: str | None, golds: Iterable[str]) -> float:
    if not prediction:
        return 0.0
    return max((_f1(normalise(prediction).split(), normalise(g).split()) for g in golds), default=0.0)


def _f1(pred: Sequence[str], gold: Sequence[str]) -> float:
    common = sum((Counter(pred) & Counter(gold)).values())
    if not common:
        return 0.0
    precision, recall = common / len(pred), common / len(gold)
    return 2 * precision * recall / (precision + recall)
