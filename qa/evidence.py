"""Choosing the sentence to quote: the one that best answers the question *and* holds an answer of the
expected type (a number for "bao nhiêu", a date for "ngày nào", a name for "ai").

Features per candidate sentence: e5 cosine to the question, IDF-weighted coverage of the question's
words, whether it holds a value of the expected type that the question does not already contain, and the
rank of its passage. Weights were fitted on xquad_vi_dev only (see README).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index.lexical import pick_variant, tokenize
from index.records import Hit

# Weights of the sentence score (fitted on xquad_vi_dev; README has the sweep).
W_DENSE = 1.0
W_LEXICAL = 0.5
W_TYPE = 0.25
W_RANK = 0.08
W_SLOT = 0.5  # "bao nhiêu hội viên" answered by "5.573 hội viên": the number sits next to the counted noun
W_PHRASE = 0.5  # syllable pairs of the question found in the sentence
SENTENCES_FROM_TOP = 3  # passages whose sentences compete
DENSE_RESCORED = 4  # sentences re-scored with e5 after the cheap pass

_NUMBER = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?:\s?%)?")
_DATE = re.compile(
    r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bngày\s+\d{1,2}\b|\btháng\s+\d{1,2}\b|\bnăm\s+\d{3,4}\b|"
    r"\b(?:1[0-9]|20)\d{2}\b|\b(?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\b",
    re.IGNORECASE,
)
# Counts written as words ("bốn lựa chọn", "hai đội") are as common as digits in running text.
_NUMBER_WORDS = re.compile(
    r"\b(?:một|hai|ba|bốn|tư|năm|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|triệu|tỷ|tỉ|chục|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million)\b",
    re.IGNORECASE,
)
_CODE_OR_DATE = re.compile(r"\d+(?:/\d+)+|\d+-[^\W\d]+(?:/[^\W\d]+)?|\bnăm\s+\d{4}\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<![\w.])[^\W\d_a-zà-ỹđ][\w]+")


@dataclass(frozen=True)
class ScoredSentence:
    hit_index: int  # index into the hits the sentences came from
    start: int  # span inside hit.passage.text
    end: int
    score: float
    dense: float
    coverage: float
    typed: bool


def sentence_spans(text: str) -> list[tuple[int, int]]:
    from index.chunk import split_sentences

    return [(s, e) for s, e in split_sentences(text) if text[s:e].strip()]


_COUNTED = re.compile(r"(?:bao nhiêu|mấy)\s+(?:là\s+)?(\w+(?:\s+\w+)?)")


def counted_noun(question: str) -> str | None:
    """The noun a count question counts: 'có bao nhiêu hội viên?' → 'hội viên'."""
    from index.normalize import search_text

    match = _COUNTED.search(search_text(question))
    return match.group(1) if match else None


def fills_slot(sentence: str, noun: str | None) -> bool:
    if not noun:
        return False
    from index.normalize import search_text

    pattern = r"\d[\d.,]*\s+(?:\w+\s+){0,2}?" + r"\s+".join(map(re.escape, noun.split())) + r"\b"
    return re.search(pattern, search_text(sentence)) is not None


def holds_expected(sentence: str, answer_type: str, question: str) -> bool:
    if answer_type == "count":
        asked = set(_NUMBER.findall(question))
        # Dates and document codes hold digits but are no counts: blank them before looking.
        plain = _CODE_OR_DATE.sub(" ", sentence)
        if any(n not in asked for n in _NUMBER.findall(plain)):
            return True
        asked_words = {w.lower() for w in _NUMBER_WORDS.findall(question)}
        return any(w.lower() not in asked_words for w in _NUMBER_WORDS.findall(plain))
    if answer_type == "date":
        return bool(_DATE.search(sentence))
    if answer_type == "person":
        # A capitalised word the question does not already contain: a name the sentence adds.
        asked = {w.lower() for w in _CAPITALISED.findall(question)}
        return any(w.lower() not in asked for w in _CAPITALISED.findall(sentence[1:]))
    return True


def idf_weights(question: str, lexical, *, phrases: bool = False) -> dict[str, float]:
    """IDF of the question's tokens in the whole index (rare words say more): syllables, or with
    ``phrases`` the syllable pairs, which carry word order ("số lần vật ngã")."""
    folded = pick_variant(question) == "folded"
    tokens = tokenize(question, folded=folded, bigrams=phrases)
    if phrases:
        tokens = [t for t in tokens if "_" in t]
    if lexical is None or not tokens:
        return {t: 1.0 for t in tokens}
    df = lexical.document_frequency(tokens, folded=folded)
    n = max(len(lexical), 1)
    return {t: math.log(1 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in tokens}


def unknown_share(weights: dict[str, float], question: str, lexical) -> float:
    """Share of the question's IDF mass in words that occur nowhere in the index: "giá vàng" in a corpus
    about dân vận. A Vietnamese question whose key words are unknown to the corpus cannot be answered by it."""
    total = sum(weights.values())
    if lexical is None or not total:
        return 0.0
    df = lexical.document_frequency(list(weights), folded=pick_variant(question) == "folded")
    return sum(w for t, w in weights.items() if not df.get(t)) / total


def coverage(text: str, weights: dict[str, float], *, folded: bool) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    present = set(tokenize(text, folded=folded, bigrams=any("_" in t for t in weights)))
    return sum(w for t, w in weights.items() if t in present) / total


def rank_sentences(
    question: str,
    answer_type: str,
    hits: Sequence[Hit],
    query_vector: np.ndarray,
    encode_sentences,
    lexical,
    *,
    top_passages: int = SENTENCES_FROM_TOP,
) -> list[ScoredSentence]:
    """Score the sentences of the top passages, best first, in two stages: cheap word features for all,
    then e5 cosine for the few best (embedding every sentence cost ~2 s a question under load; the tuning
    set showed the same choice with the top 3 re-scored as with all)."""
    weights = idf_weights(question, lexical)
    pair_weights = idf_weights(question, lexical, phrases=True)
    folded = pick_variant(question) == "folded"
    noun = counted_noun(question) if answer_type == "count" else None
    cheap: list[tuple[float, int, int, int, float, bool]] = []
    for i, hit in enumerate(hits[:top_passages]):
        for s, e in sentence_spans(hit.passage.text):
            text = hit.passage.text[s:e]
            cov = coverage(text, weights, folded=folded)
            typed = holds_expected(text, answer_type, question)
            score = (W_LEXICAL * cov + W_PHRASE * coverage(text, pair_weights, folded=folded)
                     + (W_TYPE if typed else 0.0) + (W_SLOT if fills_slot(text, noun) else 0.0) - W_RANK * i)
            cheap.append((score, i, s, e, cov, typed))
    if not cheap:
        return []
    cheap.sort(key=lambda x: -x[0])
    # Keep the best typed and untyped sentences so callers can still tell "no sentence of the right type".
    head = [c for c in cheap if c[5]][:DENSE_RESCORED] + [c for c in cheap if not c[5]][:DENSE_RESCORED]
    vectors = encode_sentences([hits[i].passage.text[s:e] for _, i, s, e, _, _ in head])
    dense = vectors @ np.asarray(query_vector, dtype=np.float32)
    scored = [ScoredSentence(i, s, e, score + W_DENSE * float(cos), float(cos), cov, typed)
              for (score, i, s, e, cov, typed), cos in zip(head, dense)]
    scored.sort(key=lambda x: -x.score)
    return scored
