"""The BM25 top-k of one segment: the whole segment scored as ``CorpusBM25.scores`` does, or, under a
filter that keeps few rows (a list answer looks inside one article, a search filtered by document or
place), just those rows, each with bit-for-bit the score ``scores`` gives it (same float32 operations, in
query-token order) at a cost that grows with the filter, not the index. Ties at the k-th score go to the
lower row (pid order), where ``argpartition`` chose arbitrarily.

Tried and not kept: MaxScore pruning (score only the rows of the query's rarest tokens once their k-th
score beats what the frequent tokens can add). It is exact, but on the bench's synthetic corpus, where
every word is frequent, it fell back to the full scoring for 97 % of xquad_vi_dev questions at 100k
passages and made the median query 4x slower (7.9 against 1.9 ms, load 10).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

# A filter keeping fewer than 1/FILTER_SHARE of a segment's rows is scored row by row.
FILTER_SHARE = 8
# The top-k selection of a segment this large first finds a floor from every SAMPLE_STRIDE-th score.
SAMPLE_MIN_ROWS = 1 << 16
SAMPLE_STRIDE = 16


def _floor(scores: np.ndarray, k: int) -> np.float32:
    """A score no greater than the k-th highest: the k-th highest of every SAMPLE_STRIDE-th row (a subset's
    k-th best cannot beat the whole's). Rows below it cannot be in the top k, so the selection below
    sorts a few hundred rows instead of every positive one (most rows, for a question with common words)."""
    if len(scores) < SAMPLE_MIN_ROWS:
        return np.float32(0)
    sample = scores[::SAMPLE_STRIDE]
    if len(sample) <= k:
        return np.float32(0)
    kth = np.partition(sample, len(sample) - k)[len(sample) - k]
    return np.float32(kth) if kth > 0 else np.float32(0)


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest positive ``scores``, best first, ties to the lower index."""
    floor = _floor(scores, k) if k > 0 else np.float32(0)
    pos = np.flatnonzero(scores >= floor) if floor > 0 else np.flatnonzero(scores > 0)
    if k <= 0 or not len(pos):
        return pos[:0]
    if len(pos) > k:
        values = scores[pos]
        kth = values[np.argpartition(-values, k - 1)[k - 1]]
        above = pos[values > kth]
        pos = np.concatenate([above, pos[values == kth][: k - len(above)]])
    return pos[np.lexsort((pos, -scores[pos]))]


def score_rows(bm25, part: int, tokens: Sequence[str], idf_of: dict, rows: np.ndarray) -> np.ndarray:
    """The BM25 score of each of ``rows`` (sorted) of one part: ``bm25.scores(tokens)[part][rows]``, exactly."""
    postings = bm25.parts[part][0]
    norms = bm25._norms[part]
    acc = np.zeros(len(rows), dtype=np.float32)
    if not len(rows):
        return acc
    for token in tokens:
        idf = idf_of[token]
        if not idf:
            continue
        column = postings.column(token)
        if column is None:
            continue
        t_rows, tfs = column
        if len(t_rows) <= len(rows):  # walk the short list, find its rows among the candidates
            at = np.searchsorted(rows, t_rows)
            at[at == len(rows)] = 0
            hit = rows[at] == t_rows
            where, found_rows, found_tfs = at[hit], t_rows[hit], tfs[hit]
        else:  # look the candidates up in the long list
            at = np.searchsorted(t_rows, rows)
            at[at == len(t_rows)] = 0
            hit = t_rows[at] == rows
            where, found_rows, found_tfs = np.flatnonzero(hit), rows[hit], tfs[at[hit]]
        # The same float32 operations, element by element, as CorpusBM25._contribution.
        acc[where] += idf * (found_tfs / (norms[found_rows] + found_tfs))
    return acc


def top_k(bm25, part: int, tokens: Sequence[str], idf_of: dict, k: int,
          allowed_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the part's best ``k`` live rows with a positive score, best first (ties: lower
    row); ``allowed_rows`` (sorted) restricts to those rows."""
    postings, deleted = bm25.parts[part]
    n = len(postings.lengths)
    if allowed_rows is not None:
        rows = allowed_rows if deleted is None else allowed_rows[~deleted[allowed_rows]]
        if len(rows) * FILTER_SHARE < n:
            acc = score_rows(bm25, part, tokens, idf_of, rows)
            best = top_rows(acc, k)
            return rows[best], acc[best]
    return _full(bm25, part, tokens, idf_of, k, allowed_rows)


def _full(bm25, part, tokens, idf_of, k, allowed_rows) -> tuple[np.ndarray, np.ndarray]:
    scores = bm25.part_scores(part, tokens, idf_of)
    if scores is None:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    if allowed_rows is not None:
        kept = np.zeros_like(scores)
        kept[allowed_rows] = scores[allowed_rows]
        scores = kept
    deleted = bm25.parts[part][1]
    if deleted is not None:
        scores[deleted] = 0.0
    best = top_rows(scores, k)
    return best, scores[best]
