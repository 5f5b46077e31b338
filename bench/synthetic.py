"""Synthetic corpora for the speed benchmark, built from real passages so that index cost is honest.

* Text: every synthetic passage is a sequence of real sentences (from the ingested corpus and XQuAD
  paragraphs), with as many sentences as a randomly drawn real passage has, joined by a space. Word and
  bigram statistics are therefore those of real Vietnamese news/Wikipedia text.
* Vectors: a random mixture of the real e5 vectors of the passages its sentences come from (Gamma(MIX_ALPHA)
  weights per sentence, so one or two sources usually dominate, as a passage has one topic), normalised,
  plus isotropic Gaussian noise of norm ``NOISE`` (cosine ≈ 1/sqrt(1 + NOISE²) to the mixture),
  renormalised. No model runs: the point is index and fusion cost, not embedding. With these constants the
  mean pairwise cosine is close to that of real passages (~0.8); the isotropic noise makes nearest
  neighbours harder to find than in real embeddings, so the HNSW recall measured on them is conservative.
* BM25 for large sizes (``build_lexical_fast``): the project's ``LexicalIndex`` tokenises every passage
  in Python (~0.8 ms per passage for both variants) and bm25s builds its matrix in Python loops, which
  would take tens of minutes at 1M passages on 2 cores. A synthetic passage's tokens are exactly the
  tokens of its sentences plus the syllable bigrams across sentence joins, so each distinct sentence is
  tokenised once with the project's own ``tokenize`` and the bm25s score matrix (same formula: Lucene
  BM25, bm25s's k1/b, float32 scores, CSC layout, empty token) is assembled with sparse-matrix
  arithmetic. The result is an ordinary ``LexicalIndex`` whose query-time cost is exactly the
  project's; ``check_fast_tokens`` and the benchmark's score comparison against ``LexicalIndex.build``
  verify the equivalence.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

NOISE = 0.25
MIX_ALPHA = 0.3
SEED = 20240229


@dataclass
class Pool:
    """Real material: passages (text, title, vector) and their sentences."""

    texts: list[str]
    titles: list[str]
    vectors: np.ndarray  # (n_real, dim) float32, unit rows
    sentences: list[str]
    sentence_source: np.ndarray  # index of the real passage each sentence comes from
    sentences_per_passage: np.ndarray  # distribution to draw synthetic lengths from
    pids: np.ndarray | None = None  # the real passages' pids in their index
    notes: list[str] = field(default_factory=list)

    @property
    def n_real(self) -> int:
        return len(self.texts)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])


def make_pool(texts: Sequence[str], titles: Sequence[str], vectors: np.ndarray, pids=None) -> Pool:
    from index.text.sentences import split_sentences
    from index.text.tokens import tokenize

    sentences: list[str] = []
    source: list[int] = []
    counts: list[int] = []
    seen: set[str] = set()
    for i, text in enumerate(texts):
        spans = split_sentences(text)
        kept = 0
        for start, end in spans:
            s = " ".join(text[start:end].split())
            # At least three syllables, and each distinct sentence once (a bigram needs syllables).
            if len(s.split()) < 3 or s in seen or not tokenize(s):
                continue
            seen.add(s)
            sentences.append(s)
            source.append(i)
            kept += 1
        counts.append(max(1, len(spans)))
    if pids is None:
        pids = np.arange(1, len(texts) + 1, dtype=np.int64)
    return Pool(list(texts), list(titles), np.ascontiguousarray(vectors, dtype=np.float32), sentences,
                np.asarray(source, dtype=np.int64), np.asarray(counts, dtype=np.int64),
                np.asarray(pids, dtype=np.int64))


@dataclass
class Plan:
    """Synthetic passages as sequences of units: unit u < n_real is real passage u, else sentence u - n_real."""

    n_real_used: int
    units: np.ndarray  # flat int64 unit ids, all passages (real ones first)
    ptr: np.ndarray  # (n + 1) offsets into units

    def __len__(self) -> int:
        return len(self.ptr) - 1


def plan(pool: Pool, size: int, seed: int = SEED) -> Plan:
    """``size`` passages: the real ones first (as many as fit), then synthetic ones."""
    rng = np.random.default_rng(seed + size)
    n_real = min(pool.n_real, size)
    n_syn = size - n_real
    lengths = rng.choice(pool.sentences_per_passage, size=n_syn) if n_syn else np.zeros(0, dtype=np.int64)
    lengths = np.clip(lengths, 1, 30)
    sentence_units = rng.integers(0, len(pool.sentences), size=int(lengths.sum())) + pool.n_real
    units = np.concatenate([np.arange(n_real, dtype=np.int64), sentence_units.astype(np.int64)])
    ptr = np.zeros(size + 1, dtype=np.int64)
    ptr[1 : n_real + 1] = np.arange(1, n_real + 1)
    ptr[n_real + 1 :] = n_real + np.cumsum(lengths)
    return Plan(n_real, units, ptr)


def unit_text(pool: Pool, u: int) -> str:
    return pool.texts[u] if u < pool.n_real else pool.sentences[u - pool.n_real]


def passage_text(pool: Pool, p: Plan, i: int) -> str:
    return " ".join(unit_text(pool, int(u)) for u in p.units[p.ptr[i] : p.ptr[i + 1]])


def passage_title(pool: Pool, p: Plan, i: int) -> str:
    u = int(p.units[p.ptr[i]])
    return pool.titles[u if u < pool.n_real else int(pool.sentence_source[u - pool.n_real])]


def vectors(pool: Pool, p: Plan, seed: int = SEED, chunk: int = 50_000) -> np.ndarray:
    """Unit vectors for every passage of the plan (real vectors for the real passages)."""
    rng = np.random.default_rng(seed + 7 * len(p))
    out = np.empty((len(p), pool.dim), dtype=np.float32)
    out[: p.n_real_used] = pool.vectors[: p.n_real_used]
    # the real passage each unit's vector comes from
    source_of_unit = np.concatenate([np.arange(pool.n_real), pool.sentence_source])
    import scipy.sparse as sp

    for start in range(p.n_real_used, len(p), chunk):
        end = min(start + chunk, len(p))
        seg = p.units[p.ptr[start] : p.ptr[end]]
        # (passages x real passages) weights times the real vectors: a weighted sum over its sentences' sources
        weights = rng.gamma(MIX_ALPHA, 1.0, len(seg)).astype(np.float32) + 1e-6
        counts = sp.csr_matrix((weights, source_of_unit[seg],
                                p.ptr[start : end + 1] - p.ptr[start]), shape=(end - start, pool.n_real))
        sums = np.asarray(counts @ pool.vectors, dtype=np.float32)
        sums /= np.linalg.norm(sums, axis=1, keepdims=True)
        noise = rng.standard_normal(sums.shape, dtype=np.float32) * (NOISE / np.sqrt(pool.dim))
        block = sums + noise
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:end] = block
    return out


def fresh_query_vectors(pool: Pool, n: int, seed: int = SEED + 1) -> np.ndarray:
    """Vectors drawn like synthetic passages but not indexed: in-distribution queries for recall."""
    p = plan(pool, pool.n_real + n, seed=seed)
    return vectors(pool, p, seed=seed)[pool.n_real :]


# --------------------------------------------------------------------------------------- lexical


def _syllables(text: str, folded: bool) -> list[str]:
    """The syllable sequence ``index.text.tokens.tokenize`` builds its bigrams from."""
    from index.text.tokens import _SPLIT, _TOKEN
    from index.text.normalize import fold_diacritics, search_text

    norm = search_text(text)
    if folded:
        norm = fold_diacritics(norm)
    out: list[str] = []
    for word in _TOKEN.findall(norm):
        if _SPLIT.search(word):
            out.extend(x for x in _SPLIT.split(word) if x)
        else:
            out.append(word)
    return out


class _Units:
    """Per-unit token counts (as vocabulary ids) for one variant."""

    def __init__(self, pool: Pool, used_units: np.ndarray, folded: bool):
        from index.text.tokens import tokenize

        self.vocab: dict[str, int] = {}
        n_units = pool.n_real + len(pool.sentences)
        self.ptr = np.zeros(n_units + 1, dtype=np.int64)
        self.length = np.zeros(n_units, dtype=np.int64)
        self.first: list[str | None] = [None] * n_units
        self.last: list[str | None] = [None] * n_units
        ids: list[int] = []
        cnts: list[int] = []
        used = set(int(u) for u in used_units)
        nnz = np.zeros(n_units, dtype=np.int64)
        for u in range(n_units):
            if u not in used:
                continue
            text = unit_text(pool, u)
            tokens = tokenize(text, folded=folded)
            counter = Counter(tokens)
            for tok, c in counter.items():
                ids.append(self.vocab.setdefault(tok, len(self.vocab)))
                cnts.append(c)
            nnz[u] = len(counter)
            self.length[u] = len(tokens)
            syl = _syllables(text, folded)
            if syl:
                self.first[u], self.last[u] = syl[0], syl[-1]
        self.ptr[1:] = np.cumsum(nnz)
        self.nnz = nnz
        self.ids = np.asarray(ids, dtype=np.int64)
        self.counts = np.asarray(cnts, dtype=np.float32)


def tf_blocks(pool: Pool, p: Plan, folded: bool, chunk: int = 100_000):
    """Term frequencies of the plan's passages for one variant: (CSR blocks of ``chunk`` passages ×
    vocabulary, tokens per passage, vocabulary), as ``tokenize`` of each passage's joined text counts them."""
    import scipy.sparse as sp

    units = _Units(pool, np.unique(p.units), folded)
    n = len(p)
    per_passage = np.diff(p.ptr)
    # syllable bigrams across the joins of consecutive units
    joins = np.ones(len(p.units), dtype=bool)
    joins[p.ptr[1:] - 1] = False  # the last unit of a passage joins nothing
    a = p.units[joins]
    bnext = p.units[np.flatnonzero(joins) + 1]
    join_row = np.repeat(np.arange(n), per_passage)[joins]
    n_units = len(units.length)
    keys = a * n_units + bnext
    uniq, inverse = np.unique(keys, return_inverse=True)
    join_tok_of_uniq = np.full(len(uniq), -1, dtype=np.int64)
    for j, key in enumerate(uniq.tolist()):
        left, right = units.last[key // n_units], units.first[key % n_units]
        if left is not None and right is not None:
            join_tok_of_uniq[j] = units.vocab.setdefault(f"{left}_{right}", len(units.vocab))
    join_tok = join_tok_of_uniq[inverse]
    keep = join_tok >= 0
    join_row, join_tok = join_row[keep], join_tok[keep]
    vocab_size = len(units.vocab)

    doc_len = np.add.reduceat(units.length[p.units], p.ptr[:-1]).astype(np.float64)
    np.add.at(doc_len, join_row, 1.0)
    avg_len = float(doc_len.mean())

    blocks = []
    for start in range(0, n, chunk):
        end = min(start + chunk, n)
        seg = p.units[p.ptr[start] : p.ptr[end]]
        seg_row = np.repeat(np.arange(end - start), per_passage[start:end])
        lengths = units.nnz[seg]
        total = int(lengths.sum())
        offsets = np.repeat(units.ptr[seg] - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
        lo, hi = np.searchsorted(join_row, [start, end])
        rows = np.concatenate([np.repeat(seg_row, lengths), join_row[lo:hi] - start])
        cols = np.concatenate([units.ids[offsets], join_tok[lo:hi]])
        vals = np.concatenate([units.counts[offsets], np.ones(hi - lo, dtype=np.float32)])
        tf = sp.coo_matrix((vals, (rows, cols)), shape=(end - start, vocab_size)).tocsr()  # sums duplicates
        tf.sum_duplicates()
        blocks.append(tf)
    return blocks, doc_len, units


def _variant(pool: Pool, p: Plan, folded: bool, k1: float, b: float, chunk: int = 100_000):
    """The bm25s score matrix (CSC arrays) and vocabulary for one variant."""
    import scipy.sparse as sp

    blocks, doc_len, units = tf_blocks(pool, p, folded, chunk)
    n = len(p)
    vocab_size = len(units.vocab)
    df = np.zeros(vocab_size, dtype=np.int64)
    for tf in blocks:
        df += np.bincount(tf.indices, minlength=vocab_size)
    avg_len = float(doc_len.mean())
    # bm25s: idf (Lucene) stored as float32; tf component in float64; scores stored as float32
    idf = np.zeros(vocab_size, dtype=np.float32)
    present = df > 0
    idf[present] = np.log(1.0 + (n - df[present] + 0.5) / (df[present] + 0.5))
    for i, tf in enumerate(blocks):
        start = i * chunk
        rows = np.repeat(np.arange(tf.shape[0]), np.diff(tf.indptr)) + start
        tfv = tf.data.astype(np.float32)
        norm = k1 * ((1 - b) + b * doc_len[rows] / avg_len)
        tf.data = (idf[tf.indices] * (tfv / (norm + tfv))).astype(np.float32)
    matrix = sp.vstack(blocks, format="csr")
    del blocks
    csc = matrix.tocsc()
    del matrix
    csc.sort_indices()
    scores = {
        "data": np.ascontiguousarray(csc.data, dtype=np.float32),
        "indices": np.ascontiguousarray(csc.indices, dtype=np.int32),
        "indptr": np.ascontiguousarray(csc.indptr, dtype=np.int64),
        "num_docs": n,
    }
    vocab = units.vocab
    vocab[""] = max(vocab.values()) + 1  # bm25s's create_empty_token
    return scores, vocab, {"vocab": vocab_size, "distinct_units_tokenised": int(np.count_nonzero(units.nnz)),
                           "avg_doc_tokens": round(avg_len, 1), "nnz": int(len(scores["data"]))}


def build_lexical_fast(pool: Pool, p: Plan, pids: np.ndarray):
    """A ``LexicalIndex`` over the plan's passages, identical in content to ``LexicalIndex.build``."""
    import bm25s

    from index.store.lexical import LexicalIndex

    stats = {}
    retrievers = []
    for folded in (False, True):
        t0 = time.perf_counter()
        bm = bm25s.BM25()
        if bm.method != "lucene" or bm.idf_method != "lucene":
            raise RuntimeError(f"bm25s default method changed to {bm.method}/{bm.idf_method}")
        scores, vocab, info = _variant(pool, p, folded, float(bm.k1), float(bm.b))
        bm.scores = scores
        bm.vocab_dict = vocab
        bm.unique_token_ids_set = set(vocab.values())
        bm.nonoccurrence_array = None
        retrievers.append(bm)
        info["seconds"] = round(time.perf_counter() - t0, 2)
        stats["folded" if folded else "exact"] = info
    return LexicalIndex(retrievers[0], retrievers[1], np.asarray(pids, dtype=np.int64)), stats


def check_fast_tokens(pool: Pool, p: Plan, sample: int = 200, seed: int = SEED) -> dict:
    """Token multisets of composed passages vs ``tokenize`` of their joined text, on a sample."""
    from index.text.tokens import tokenize

    rng = np.random.default_rng(seed)
    idx = rng.choice(len(p), size=min(sample, len(p)), replace=False)
    mismatches = 0
    for i in idx.tolist():
        text = passage_text(pool, p, i)
        us = [int(u) for u in p.units[p.ptr[i] : p.ptr[i + 1]]]
        for folded in (False, True):
            composed: Counter = Counter()
            sylls = []
            for u in us:
                composed.update(tokenize(unit_text(pool, u), folded=folded))
                sylls.append(_syllables(unit_text(pool, u), folded))
            for left, right in zip(sylls, sylls[1:]):
                if left and right:
                    composed[f"{left[-1]}_{right[0]}"] += 1
            if composed != Counter(tokenize(text, folded=folded)):
                mismatches += 1
    return {"passages_checked": int(len(idx)), "variant_mismatches": mismatches}
