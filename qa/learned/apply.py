"""Applying the learned rankers at question time: reorder the fused passages, choose the sentence, and
say how sure the choice is."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from .features import PassageView, SentenceCandidate, passage_features, sentence_candidates
from .model import Models


def views_of(candidates: Sequence, hits: Sequence) -> list[PassageView]:
    """Passage views of fused candidates and their hits (same order, same length)."""
    return [PassageView(h.passage.text, h.title, h.doc_id, c.dense_rank, c.dense_score, c.bm25_rank,
                        c.bm25_score, c.score) for c, h in zip(candidates, hits)]


def rerank(question: str, answer_type: str, candidates: list, hits: list, lexical,
           models: Models) -> tuple[list, list, np.ndarray | None]:
    """Candidates and their hits reordered by the passage ranker over the first ``models.passage_depth``
    (the rest keep their fused order after them), and the ranker's scores of the reordered top; without a
    passage ranker, or when hits and candidates do not line up, everything as it came and None."""
    depth = models.passage_depth
    top, top_hits = candidates[:depth], hits[:depth]
    if models.passage is None or len(top) != len(top_hits) or not top:
        return candidates, hits, None
    scores = models.passage.score(passage_features(question, answer_type, views_of(top, top_hits), lexical))
    order = np.argsort(-scores, kind="stable")
    return ([top[i] for i in order] + list(candidates[depth:]), [top_hits[i] for i in order] + list(hits[depth:]),
            scores[order])


@dataclass(frozen=True)
class Choice:
    """Competing sentences best first, their scores, and the calibrated probability that the first
    holds the answer (None without a calibration)."""

    candidates: tuple[SentenceCandidate, ...]
    scores: tuple[float, ...]
    confidence: float | None
    tentative: bool  # below the calibrated threshold: show the runners-up as "possibly"


def top_probability(scores: Sequence[float], texts: Sequence[str] | None = None, top: int | None = None) -> float:
    """Softmax share of the best candidate (or of candidate ``top``) among all (1.0 for a single one). With
    ``texts``, the share of its *sentence*: passages overlap by a sentence, so the same sentence often
    competes twice (from two neighbouring passages). Only training.train reports it: calibrated on it, the
    answers it made confident on viquad2_dev tune were right 20 times in 27 (the policy asks 85 %)."""
    s = np.asarray(scores, dtype=np.float64)
    if s.size == 0:
        return 0.0
    e = np.exp(s - s.max())
    top = int(np.argmax(s)) if top is None else top
    if texts is None:
        return float(e[top] / e.sum())
    same = np.asarray([t == texts[top] for t in texts])
    return float(e[same].sum() / e.sum())


def choose(question: str, answer_type: str, hits: Sequence, query_vector, encode_sentences, lexical,
           models: Models, *, passage_scores: Sequence[float] | None = None, given: Sequence[str] = (),
           wanted=None) -> Choice:
    cands, matrix = sentence_candidates(question, answer_type, hits, query_vector, encode_sentences, lexical,
                                        passage_scores=passage_scores, given=given, wanted=wanted)
    if not cands:
        return Choice((), (), None, False)
    if models.sentence is not None:
        scores = models.sentence.score(matrix)
    else:  # the hand-fitted score of qa.rank
        from .features import SENTENCE_FEATURES

        scores = matrix[:, SENTENCE_FEATURES.index("hand_score")].astype(np.float64)
    order = np.argsort(-scores, kind="stable")
    ranked = tuple(cands[i] for i in order)
    ranked_scores = tuple(float(scores[i]) for i in order)
    if models.calibration is None:
        return Choice(ranked, ranked_scores, None, False)
    confidence = models.calibration.confidence(top_probability(ranked_scores))
    return Choice(ranked, ranked_scores, confidence, confidence < models.calibration.threshold)


def restrict(choice: Choice, keep, models: Models) -> Choice:
    """The choice among the candidates ``keep`` accepts (an expected answer type). The confidence stays the
    share of the new first among ALL candidates, calibrated: dropping sentences of the wrong type does not
    make the ranker surer of one it placed below them."""
    kept = [(k, c) for k, c in enumerate(choice.candidates) if keep(c)]
    if len(kept) == len(choice.candidates) or not kept or models.calibration is None:
        return replace(choice, candidates=tuple(c for _, c in kept), scores=tuple(choice.scores[k] for k, _ in kept))
    share = top_probability(choice.scores, top=kept[0][0])
    confidence = models.calibration.confidence(share)
    return Choice(tuple(c for _, c in kept), tuple(choice.scores[k] for k, _ in kept), confidence,
                  confidence < models.calibration.threshold)
