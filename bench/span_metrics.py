"""SQuAD-style exact match and F1 of a predicted span against gold answers, on syllables.

The official SQuAD v1.1 normalisation, adapted to Vietnamese: Unicode NFC, lower case, punctuation removed,
white space collapsed; Vietnamese has no articles to drop. Tokens are the space-separated syllables, so F1
is the harmonic mean of syllable precision and recall (the max over the gold answers, as SQuAD does)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Iterable, Sequence

from .common import md_table

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


# What a gold answer is, for the span figures per type (the targets are on number, date, name, place).
_DATE_GOLD = re.compile(r"\b(?:ngày|tháng|năm|thế kỷ|thế kỉ|thập niên)\s+\S*\d|\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|^\d{3,4}$",
                        re.IGNORECASE)
TYPED = ("number", "date", "name", "place")


def gold_type(golds: Sequence[str], asked_kind: str | None) -> str:
    """number | date | name | place | other, read on the first gold answer (and the kind asked, to tell a
    place from a name: both are capitalised words)."""
    gold = (golds or [""])[0].strip()
    if not gold:
        return "other"
    if _DATE_GOLD.search(gold) and asked_kind in ("date", None) or asked_kind == "date" and any(c.isdigit() for c in gold):
        return "date"
    if any(c.isdigit() for c in gold) and len(gold.split()) <= 4:
        return "number"
    words = gold.split()
    if len(words) <= 5 and all(w[0].isupper() for w in words if w[0].isalpha()) and gold[0].isupper():
        return "place" if asked_kind == "place" else "name"
    return "other"


def span_summary(rows: Sequence[dict]) -> dict:
    """EM and F1 of ``direct`` per gold type and per asked kind, and over the typed questions (number, date,
    name, place). A question with no ``direct`` scores 0."""
    def figures(among: Sequence[dict]) -> dict:
        n = len(among)
        return {"questions": n,
                "direct_rate": round(sum(bool(r["direct"]) for r in among) / n, 4) if n else None,
                "em": round(sum(r["direct_em"] for r in among) / n, 4) if n else None,
                "f1": round(sum(r["direct_f1"] for r in among) / n, 4) if n else None}

    by_type = {t: figures([r for r in rows if r["gold_type"] == t]) for t in (*TYPED, "other")}
    kinds = sorted({r["asked_kind"] or "free-form" for r in rows})
    return {"typed": figures([r for r in rows if r["gold_type"] in TYPED]), "by_gold_type": by_type,
            "by_asked_kind": {k: figures([r for r in rows if (r["asked_kind"] or "free-form") == k]) for k in kinds}}


def span_row(question: str, answers: list[str], direct: str | None) -> dict:
    """The answer span's figures for one question (SQuAD EM/F1 on syllables, bench.span_metrics)."""
    from qa.analyze import analyze
    from qa.direct.kinds import kind_asked

    kind = kind_asked(question, analyze(question))
    asked = kind.name if kind is not None else None
    return {"direct": direct, "asked_kind": asked, "gold_type": gold_type(answers, asked),
            "direct_em": exact(direct, answers), "direct_f1": round(f1(direct, answers), 4)}


def span_markdown(sections: dict) -> list[str]:
    """EM/F1 of ``direct`` per gold type, one column per part."""
    out = ["### Answer span (`direct`): SQuAD EM / F1 on syllables (no span scores 0)", ""]
    rows = []
    for label in ("typed", *TYPED, "other"):
        cells = []
        for part in sections.values():
            fig = part["span"]["typed"] if label == "typed" else part["span"]["by_gold_type"][label]
            cells.append(f"{fig['em']} / {fig['f1']} (n={fig['questions']}, with span {fig['direct_rate']})"
                         if fig["questions"] else "–")
        rows.append([label, *cells])
    return out + [md_table(["gold type", *sections], rows), ""]
