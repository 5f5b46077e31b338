"""The learned span scorer: a logistic regression over ``features`` of every candidate span the asked
kind proposes in a sentence; the best-scoring span is the answer. Weights in weights.json, made by
``python -m training.train_direct`` from the tune parts' gold spans (docs/model-card.md)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .constraints import Candidate, kept_and_met
from .features import NAMES, features
from .base import SpanKind
from .kinds import kind_asked
from .tokens import is_number, question_words, words

from index.text.entities import person_names
from index.text.refs import has_diacritics

WEIGHTS = Path(__file__).with_name("weights.json")


@dataclass(frozen=True)
class Span:
    start: int  # character offsets inside the sentence
    end: int
    kind: str
    probability: float
    fits: bool = True  # meets every constraint row of its kind (qa.direct.constraints)


@dataclass(frozen=True)
class Candidates:
    kind: str
    spans: tuple[tuple[int, int], ...]  # character offsets inside the sentence
    rows: tuple[tuple[float, ...], ...]  # features, aligned with spans


@dataclass(frozen=True)
class Asked:
    """What a question asks of a span, read once per answer rather than once per quoted sentence."""

    kind: SpanKind
    said: str  # the question as the articles word it (an English one with its gloss before it)
    accented: bool
    words: frozenset[str]  # the question's own words: a span made only of them answers nothing
    counted: tuple[str, ...]  # the noun phrase a count question counts
    grain: str | None = None  # "year" or "month" when a date question asks only for that part of the date


def asked_of(question: str, analysis) -> Asked | None:
    """The span the question asks for; None when it asks for no kind of span (why, how, what is)."""
    kind = kind_asked(question, analysis)
    if kind is None:
        return None
    from ..question.span_asks import date_grain

    said = _question_text(question, analysis)
    accented = has_diacritics(said)
    return Asked(kind, said, accented, question_words(said, accented), counted_phrase(said, accented),
                 date_grain(said))


def candidates(sentence: str, question: str, analysis) -> Candidates | None:
    """Every span the asked kind proposes that is not made only of the question's own words; None when
    the question asks for no kind of span."""
    wanted = asked_of(question, analysis)
    return None if wanted is None else candidates_for(sentence, wanted)


def candidates_for(sentence: str, wanted: Asked) -> Candidates:
    kind, accented = wanted.kind, wanted.accented
    ws = words(sentence)
    proposed = frozenset(kind.spans(sentence, ws))
    names = frozenset(person_names(sentence)) if kind.name == "person" else frozenset()
    seen: dict[tuple[int, int], tuple[float, ...]] = {}
    for s, e in sorted(proposed):
        if not all(w.key(accented) in wanted.words for w in ws[s:e]):
            seen[(s, e)] = tuple(features(ws, (s, e), wanted.words, kind.name, wanted.counted, proposed, accented,
                                          names, wanted.grain))
    spans = tuple((ws[s].start, ws[e - 1].end) for s, e in seen)
    return Candidates(kind.name, spans, tuple(seen.values()))


def best_span(sentence: str, question: str, analysis) -> Span | None:
    wanted = asked_of(question, analysis)
    return None if wanted is None else best_span_for(sentence, wanted, analysis)


def best_span_for(sentence: str, wanted: Asked, analysis) -> Span | None:
    found = candidates_for(sentence, wanted)
    if not found.spans:
        return None
    model = _model()
    probs = [_probability(model, row) for row in found.rows]
    keep, fits = kept_and_met(found.kind, [Candidate(sentence[a:b], row, sentence, analysis, a, b)
                                           for (a, b), row in zip(found.spans, found.rows)])
    k = max(keep, key=probs.__getitem__)
    start, end = found.spans[k]
    if found.kind == "count":  # the count with its noun, as the question counts it: "126 chi hội"
        end = with_noun(sentence, start, end, wanted.counted)
    return Span(start, end, found.kind, probs[k], fits)


def with_noun(sentence: str, start: int, end: int, counted: tuple[str, ...]) -> int:
    """The span's end moved past the words of the counted noun phrase that the sentence prints right after the
    span's last figure ("91" → "91 Tổ dân vận khu dân cư"; any order, for an English question's gloss)."""
    ws = [w for w in words(sentence) if start <= w.start]
    figures = [k for k, w in enumerate(ws) if w.end <= end and is_number(w)]
    if not counted or not figures:
        return end
    best, wanted = end, set(counted)
    for k in range(figures[-1] + 1, min(len(ws), figures[-1] + 1 + len(counted))):
        if ws[k].start - ws[k - 1].end != 1 or not wanted & {ws[k].lower, ws[k].folded}:
            break
        best = max(best, ws[k].end)
    return best


def _probability(model: dict, row) -> float:
    z = model["intercept"] + sum(w * x for w, x in zip(model["coef"], row))
    return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def _model() -> dict:
    model = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    if tuple(model["names"]) != NAMES:  # a feature added or moved without retraining
        raise RuntimeError(f"{WEIGHTS.name} was trained on other features: run `python -m training.train_direct`")
    return model


# What ends the counted noun phrase after "bao nhiêu"/"mấy" (folded): a verb, a preposition, the question's end.
_NOUN_END = frozenset("da duoc co la trong tai o cua vao nam khi cho tu den va nhu thi dang se moi hien tren".split())


def counted_phrase(question: str, accented: bool) -> tuple[str, ...]:
    """The noun phrase a count question counts, as words (tone marks kept when it has them): "Quận Tây Hồ
    đã thành lập bao nhiêu Tổ dân vận khu dân cư?" → tổ dân vận khu dân cư."""
    return tuple(x.key(accented) for x in counted_words(question, accented))


def counted_words(question: str, accented: bool) -> tuple:
    """The words of that noun phrase as the question prints them (at most 6)."""
    ws = words(question)
    for k, w in enumerate(ws):
        nxt = ws[k + 1].folded if k + 1 < len(ws) else ""
        if (w.folded, nxt) == ("bao", "nhieu") or w.folded == "may" and (not accented or w.lower == "mấy"):
            first = k + 2 if w.folded == "bao" else k + 1
            out: list = []
            for x in ws[first:]:
                if x.folded in _NOUN_END or (out and x.start - out[-1].end > 1):
                    break
                out.append(x)
            return tuple(out[:6])
    return ()


def _question_text(question: str, analysis) -> str:
    """The question as the articles word it: an English one with its gloss (qa.gloss) before it."""
    if getattr(analysis, "language", "vi") != "en":
        return question
    from ..gloss import gloss

    rendered = gloss(question, analysis)
    return f"{rendered.text} {question}" if rendered and rendered.text else question
