"""Features of the two learned decisions: which passages come first, and which sentence answers.

Both are cheap to compute at question time: the passage features read only what retrieval already holds
(ranks and scores of the two retrievers, the passages' words, the index's IDF); the sentence features
are today's hand scorer's parts (``qa.rank``: e5 cosines of the sentence, of the sentence with the
one before it and with its title, IDF coverage of words and word pairs discounted for the article's
topic, the count slot, passage rank) plus where the sentence sits, its passage's learned score, and each
part relative to the best candidate of the same question — a pointwise model then sees what a ranking
sees. The feature names are stored with the weights; a model whose names differ is refused on load.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from index.text.tokens import pick_variant, tokenize

ANSWER_TYPES = ("count", "date", "person", "description", "list")
MISSING_RANK = 60.0  # a retriever that did not return the passage in its top 50

PASSAGE_FEATURES = (
    "fused_pos", "rrf", "dense_rank", "dense_score", "dense_gap", "bm25_rank", "bm25_norm", "in_both",
    "cov_words", "cov_pairs", "cov_title", "cov_pool", "best_sent_words", "best_sent_pairs",
    "numbers", "names", "holds_type", "log_chars", "doc_share",
    *(f"type_{t}" for t in ANSWER_TYPES),
)

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"(?<![\w.])[^\W\d_a-zà-ỹđ]\w+")


@dataclass(frozen=True)
class PassageView:
    """What the passage features read of one fused candidate: its text, title, article and the two
    retrievers' ranks and scores (None: that retriever did not return it)."""

    text: str
    title: str
    doc_id: str
    dense_rank: int | None
    dense_score: float | None
    bm25_rank: int | None
    bm25_score: float | None
    rrf: float


def _type_onehot(answer_type: str) -> list[float]:
    return [float(answer_type == t) for t in ANSWER_TYPES]


def _share(needles: set[str], haystack: str) -> float:
    return sum(n in haystack for n in needles) / len(needles) if needles else 0.0


@lru_cache(maxsize=8192)
def _token_sets(text: str, folded: bool) -> tuple[tuple[frozenset, ...], frozenset]:
    """Tokens (syllables and syllable pairs) of each sentence of a passage, and of the whole: tokenising
    is most of the features' cost, and the same passages come back question after question."""
    sentences = tuple(frozenset(tokenize(s, folded=folded)) for s in _SENTENCE_END.split(text))
    return sentences, frozenset().union(*sentences)


def passage_features(question: str, answer_type: str, views: Sequence[PassageView], lexical) -> np.ndarray:
    """One row per fused candidate (in fused order), columns PASSAGE_FEATURES."""
    from index.text import search_text

    from ..rank import _covered, _pool_weights, holds_expected, idf_weights

    if not views:
        return np.zeros((0, len(PASSAGE_FEATURES)), dtype=np.float32)
    folded = pick_variant(question) == "folded"
    weights = idf_weights(question, lexical)
    pair_weights = idf_weights(question, lexical, phrases=True)
    token_sets = [_token_sets(v.text, folded) for v in views]
    pool = _pool_weights(weights, [whole for _, whole in token_sets])
    dense_scores = [v.dense_score for v in views if v.dense_score is not None]
    top_dense = max(dense_scores) if dense_scores else 0.0
    low_dense = min(dense_scores) if dense_scores else 0.0
    bm25_scores = [v.bm25_score for v in views if v.bm25_score is not None]
    top_bm25 = max(bm25_scores) if bm25_scores else 1.0
    numbers = set(_NUMBER.findall(question))
    names = {w.lower() for w in _CAPITALISED.findall(question[1:])}
    docs = [v.doc_id for v in views]
    type_row = _type_onehot(answer_type)
    rows = []
    for pos, (v, (sentences, words)) in enumerate(zip(views, token_sets)):
        # Unigram weights only name unigrams and pair weights only pairs, so one token set serves both.
        pairs = words
        sentence_words = max((_covered(t, weights) for t in sentences), default=0.0)
        sentence_pairs = max((_covered(t, pair_weights) for t in sentences), default=0.0)
        lowered = search_text(v.text)
        dense = v.dense_score if v.dense_score is not None else low_dense - 0.01
        rows.append([
            float(pos), v.rrf * 60.0,
            float(v.dense_rank or MISSING_RANK), dense, top_dense - dense,
            float(v.bm25_rank or MISSING_RANK), (v.bm25_score or 0.0) / (top_bm25 or 1.0),
            float(v.dense_rank is not None and v.bm25_rank is not None),
            _covered(words, weights), _covered(pairs, pair_weights),
            _covered(_token_sets(v.title, folded)[1], weights), _covered(words, pool),
            sentence_words, sentence_pairs,
            _share(numbers, v.text), _share(names, lowered),
            float(holds_expected(v.text, answer_type, question)), math.log1p(len(v.text)),
            docs.count(v.doc_id) / len(docs),
            *type_row,
        ])
    return np.asarray(rows, dtype=np.float32)


# ------------------------------------------------------------------------------------- sentences

SENTENCE_FEATURES = (
    "alone", "window", "titled", "cov_words", "cov_pairs", "inherited", "slot", "passage_pos", "named",
    "hand_score", "passage_score", "passage_gap", "sent_pos", "first", "last", "log_chars", "continues",
    "raw_overlap", "rel_alone", "rel_window", "rel_titled", "rel_words", "rel_pairs", "rel_hand",
    "next_words", *(f"type_{t}" for t in ANSWER_TYPES),
)


@dataclass(frozen=True)
class SentenceCandidate:
    hit_index: int  # index into the hits the sentences came from
    start: int  # span inside hit.passage.text
    end: int
    text: str


def _follows(sentences: Sequence[tuple], k: int) -> bool:
    """Whether sentence ``k`` comes right after sentence ``k - 1`` of the same passage."""
    return k > 0 and sentences[k - 1][0] == sentences[k][0] and sentences[k - 1][2] == sentences[k][2] - 1


def _vectors_needed(holds: Sequence[bool], passages: Sequence[tuple], sentences: Sequence[tuple],
                    encode_sentences) -> tuple[np.ndarray, np.ndarray]:
    """(title rows, sentence rows) of e5 vectors; only what a feature reads is embedded — the sentences that
    hold an answer of the expected type, the sentence before each (its window) and their passages' titles
    — the other rows stay zero. Each text gets its own vector whatever else is embedded with it
    (index/embed/cache.py), so the features are those of embedding everything; a count, date or person
    question skips the sentences without a number, date or name. ``holds``: per sentence, whether it holds
    an answer of the expected type."""
    needed = [holds[k] or (k + 1 < len(sentences) and holds[k + 1] and _follows(sentences, k + 1))
              for k in range(len(sentences))]
    answering = {sentences[k][0] for k in range(len(sentences)) if holds[k]}
    titled = [row for row, (i, _, _) in enumerate(passages) if i in answering]
    wanted = [k for k in range(len(sentences)) if needed[k]]
    texts = [passages[row][1].title.replace("_", " ") for row in titled] + [sentences[k][6] for k in wanted]
    # No sentence holds an answer: no row is read, and no model call is made.
    vectors = (np.asarray(encode_sentences(texts), dtype=np.float32) if texts
               else np.zeros((0, 0), dtype=np.float32))
    title_vectors = np.zeros((len(passages), vectors.shape[1]), dtype=np.float32)
    title_vectors[titled] = vectors[: len(titled)]
    sentence_vectors = np.zeros((len(sentences), vectors.shape[1]), dtype=np.float32)
    sentence_vectors[wanted] = vectors[len(titled):]
    return title_vectors, sentence_vectors


def sentence_candidates(
    question: str,
    answer_type: str,
    hits: Sequence,
    query_vector: np.ndarray,
    encode_sentences,
    lexical,
    *,
    passage_scores: Sequence[float] | None = None,
    top_passages: int = 3,
    given: Sequence[str] = (),
    wanted: Callable[[str], object] | None = None,
) -> tuple[list[SentenceCandidate], np.ndarray]:
    """The sentences that compete (those of the top passages holding an answer of the expected type, as
    ``qa.rank.rank_sentences`` draws them) and their feature rows, columns SENTENCE_FEATURES."""
    from .. import rank as ev

    folded = pick_variant(question) == "folded"
    noun = ev.counted_noun(question) if answer_type == "count" else None
    asked_refs = ev._asked_refs(question) if answer_type == "date" else set()
    # Lower passages compete with the sentences that hold what was asked: the count of the noun asked
    # about ("126 chi hội"), or what ``wanted`` accepts (an amount of money).
    passages = ev.competing_passages(hits, top_passages, (lambda t: ev.fills_slot(t, noun)) if noun else wanted)
    sentences = [(i, hit, j, len(spans), s, e, hit.passage.text[s:e])
                 for i, hit, spans in passages for j, (s, e) in enumerate(spans)]
    if not sentences:
        return [], np.zeros((0, len(SENTENCE_FEATURES)), dtype=np.float32)
    covers = ev.sentence_covers(question, lexical, passages, sentences, given, folded)
    question_syllables = set(tokenize(question, folded=folded, bigrams=False))
    title_of = {i: k for k, (i, _, _) in enumerate(passages)}
    holds = [ev.holds_expected(t, answer_type, question) for *_, t in sentences]
    title_vectors, sentence_vectors = _vectors_needed(holds, passages, sentences, encode_sentences)
    query = np.asarray(query_vector, dtype=np.float32)
    scores = list(passage_scores) if passage_scores is not None else [-float(i) for i in range(len(hits))]
    top_score = max(scores[: max(1, top_passages)]) if scores else 0.0
    type_row = _type_onehot(answer_type)
    out: list[SentenceCandidate] = []
    rows = []
    for k, (i, hit, j, n_in_passage, s, e, text) in enumerate(sentences):
        vector = sentence_vectors[k]
        cover = covers[k]
        has_previous = _follows(sentences, k)
        has_next = k + 1 < len(sentences) and _follows(sentences, k + 1)
        continues = ev.continues_previous(text)
        inherited = 0.0
        if has_previous and continues:
            before = covers[k - 1]
            inherited = 0.5 * (max(0.0, before[0] - cover[0]) + max(0.0, before[1] - cover[1]))
        if not holds[k]:
            continue
        window = ev._unit(vector + sentence_vectors[k - 1]) if has_previous else vector
        alone = float(vector @ query)
        window_cos = float(window @ query)
        titled = float(ev._unit(vector + title_vectors[title_of[i]]) @ query)
        slot = float(ev.fills_slot(text, noun) or ev.dates_the_document(text, asked_refs))
        named = float(answer_type == "person" and ev._names_someone_new(text, question))
        hand = ev.hand_score(cover, inherited, slot, i, named, alone, window_cos, titled)
        own = set(tokenize(text, folded=folded, bigrams=False))
        passage_score = scores[i] if i < len(scores) else min(scores, default=0.0)
        out.append(SentenceCandidate(i, s, e, text))
        rows.append([
            alone, window_cos, titled, cover[0], cover[1], inherited, slot, float(i), named, hand,
            passage_score, top_score - passage_score, float(j), float(j == 0), float(j == n_in_passage - 1),
            math.log1p(len(text)), float(continues),
            len(question_syllables & own) / max(1, len(question_syllables)),
            0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
            covers[k + 1][0] if has_next else 0.0,
            *type_row,
        ])
    if not rows:
        return [], np.zeros((0, len(SENTENCE_FEATURES)), dtype=np.float32)
    matrix = np.asarray(rows, dtype=np.float32)
    names = list(SENTENCE_FEATURES)
    for base in ("alone", "window", "titled", "cov_words", "cov_pairs", "hand_score"):
        col, rel = names.index(base), names.index("rel_" + {"cov_words": "words", "cov_pairs": "pairs",
                                                             "hand_score": "hand"}.get(base, base))
        matrix[:, rel] = matrix[:, col] - matrix[:, col].max()
    return out, matrix
