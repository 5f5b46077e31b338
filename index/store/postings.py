"""BM25 over immutable segments with corpus-wide statistics.

A segment stores raw term frequencies (token → rows, tf) and document lengths, not finished BM25 scores
(which is what bm25s stores, with the IDF and the average length of *its* documents baked in). Scores are
computed at query time from statistics summed over the live segments — document frequency without the
tombstoned rows, the live passage count, the live average length — so a passage gets the same score
whichever segment it fell into, and a deletion changes the statistics at once (tested against one segment
holding everything). The formula is bm25s's default (Lucene's): idf = ln(1 + (N − df + ½)/(df + ½)),
tf / (tf + k1·(1 − b + b·len/avglen)), k1 1.5, b 0.75; a query token given twice counts twice, as there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from index.text.tokens import tokenize

from .npyfiles import load_array

K1 = 1.5
B = 0.75
VARIANTS = ("exact", "folded")
# Weights of posting lists this long are kept per generation, up to this many bytes per variant.
CACHE_MIN_POSTINGS = 256
CACHE_BYTES = 64 << 20


@dataclass
class Postings:
    """Term frequencies of one segment for one token variant, as compressed columns per token."""

    vocab: dict[str, int]
    indptr: np.ndarray  # int64, len(vocab) + 1
    rows: np.ndarray    # int32 row of the segment (its pid order)
    tfs: np.ndarray     # float32 term frequency
    lengths: np.ndarray  # int32 tokens per row

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]]) -> "Postings":
        vocab: dict[str, int] = {}
        ids: list[int] = []
        lengths: list[int] = []
        for tokens in token_lists:  # the one pass in Python: token → id; counting is numpy's
            lengths.append(len(tokens))
            ids.extend([vocab.setdefault(t, len(vocab)) for t in tokens])
        tids = np.asarray(ids, dtype=np.int64)
        rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        keys, tfs = np.unique(tids * max(len(lengths), 1) + rows, return_counts=True)  # sorted by token, row
        token_of = keys // max(len(lengths), 1)
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(token_of, minlength=len(vocab)), out=indptr[1:])
        return cls(vocab, indptr, (keys % max(len(lengths), 1)).astype(np.int32), tfs.astype(np.float32),
                   np.asarray(lengths, dtype=np.int32))

    @classmethod
    def merge(cls, parts: Sequence[tuple["Postings", np.ndarray]], n_rows: int) -> "Postings":
        """The postings ``build`` gives for the texts of several segments' kept rows, without tokenising
        again: ``parts`` are (postings, new row of each old row, -1 for a dropped one). Columns come out
        sorted by row and tokens no kept row holds are dropped, so every score equals a fresh build's
        (token ids differ; nothing depends on them). A merge of 1M passages costs seconds, not the hour
        of tokenising a rebuild from the texts costs here."""
        vocab: dict[str, int] = {}
        token_parts, row_parts, tf_parts = [], [], []
        lengths = np.zeros(n_rows, dtype=np.int32)
        for postings, new_row in parts:
            tokens = sorted(postings.vocab, key=postings.vocab.__getitem__)
            merged_id = np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int64,
                                    count=len(tokens))
            rows = new_row[postings.rows]
            kept = rows >= 0
            token_parts.append(np.repeat(merged_id, np.diff(postings.indptr))[kept])
            row_parts.append(rows[kept])
            tf_parts.append(np.asarray(postings.tfs)[kept])
            alive = new_row >= 0
            lengths[new_row[alive]] = postings.lengths[alive]
        token_of = np.concatenate(token_parts) if token_parts else np.empty(0, dtype=np.int64)
        rows = np.concatenate(row_parts) if row_parts else np.empty(0, dtype=np.int64)
        tfs = np.concatenate(tf_parts) if tf_parts else np.empty(0, dtype=np.float32)
        del token_parts, row_parts, tf_parts
        counts = np.bincount(token_of, minlength=len(vocab))
        used = np.flatnonzero(counts)  # renumber: tokens left only in dropped rows go
        renumber = np.full(len(vocab), -1, dtype=np.int64)
        renumber[used] = np.arange(len(used))
        order = np.argsort(renumber[token_of] * max(n_rows, 1) + rows, kind="stable")
        indptr = np.zeros(len(used) + 1, dtype=np.int64)
        np.cumsum(counts[used], out=indptr[1:])
        names = sorted(vocab, key=vocab.__getitem__)
        return cls({names[old]: new for new, old in enumerate(used.tolist())}, indptr,
                   rows[order].astype(np.int32), tfs[order].astype(np.float32), lengths)

    def save(self, folder: Path, name: str) -> None:
        for part in ("indptr", "rows", "tfs", "lengths"):
            np.save(folder / f"{name}.{part}.npy", getattr(self, part))
        # The vocabulary in id order: a JSON list loads several times faster than a dict.
        tokens = sorted(self.vocab, key=self.vocab.__getitem__)
        (folder / f"{name}.vocab.json").write_text(json.dumps(tokens, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, name: str, *, mmap: bool = True) -> "Postings":
        # Plain ndarray views of the mapped files: slicing a np.memmap builds a memmap object each time
        # (~8 µs; ~60 slices a query), the view slices like any array and still reads the mapping.
        arrays = {part: load_array(folder / f"{name}.{part}.npy", mmap=mmap).view(np.ndarray)
                  for part in ("indptr", "rows", "tfs", "lengths")}
        tokens = json.loads((folder / f"{name}.vocab.json").read_text(encoding="utf-8"))
        return cls({t: i for i, t in enumerate(tokens)}, **arrays)

    def column(self, token: str) -> tuple[np.ndarray, np.ndarray] | None:
        tid = self.vocab.get(token)
        if tid is None:
            return None
        start, end = int(self.indptr[tid]), int(self.indptr[tid + 1])
        return self.rows[start:end], self.tfs[start:end]


def build_variants(texts: Iterable[str]) -> dict[str, Postings]:
    texts = list(texts)
    return {
        "exact": Postings.build(tokenize(t) for t in texts),
        "folded": Postings.build(tokenize(t, folded=True) for t in texts),
    }


def length_norms(lengths: np.ndarray, avg_length: float) -> np.ndarray:
    """k1·(1 − b + b·len/avglen) of each row, float32 (the per-row part of every BM25 weight)."""
    return (K1 * ((1 - B) + B * np.asarray(lengths, dtype=np.float32) / np.float32(avg_length or 1.0))) \
        .astype(np.float32)


class CorpusBM25:
    """BM25 for one token variant over live segments: ``parts`` are (postings, deleted row mask or None)."""

    def __init__(self, parts: Sequence[tuple[Postings, np.ndarray | None]]):
        self.parts = list(parts)
        live = 0
        total = 0
        for postings, deleted in self.parts:
            lengths = np.asarray(postings.lengths, dtype=np.int64)
            if deleted is not None:
                lengths = lengths[~deleted]
            live += len(lengths)
            total += int(lengths.sum())
        self.n_live = live
        self.avg_length = total / live if live else 0.0
        # The length normalisation of each row, once per generation (avg_length is corpus-wide).
        self._norms = [length_norms(p.lengths, self.avg_length) for p, _ in self.parts]
        self._cache: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}
        self._cached_bytes = 0
        self._df: dict[str, int] = {}  # per generation, like the weights

    def _contribution(self, part: int, token: str, idf: np.float32) -> tuple[np.ndarray, np.ndarray] | None:
        """(rows, idf·tf-part) of ``token`` in one part. Long posting lists (frequent words, the costly ones)
        are kept per generation — what bm25s precomputes at build time, here exact for the live corpus.
        At 20k passages scoring is still 2-3x bm25s (0.9-1.3 ms against 0.4-0.6 ms p50, load 4-7): Python
        per query token; not measured at 1M."""
        key = (part, token)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        column = self.parts[part][0].column(token)
        if column is None:
            return None
        rows, tfs = column
        found = (rows, idf * (tfs / (self._norms[part][rows] + tfs)))
        if len(rows) >= CACHE_MIN_POSTINGS and self._cached_bytes < CACHE_BYTES:
            self._cache[key] = found
            self._cached_bytes += found[1].nbytes
        return found

    def document_frequency(self, token: str) -> int:
        df = self._df.get(token)
        if df is None:
            df = self._df[token] = self._count_df(token)
        return df

    def _count_df(self, token: str) -> int:
        df = 0
        for postings, deleted in self.parts:
            column = postings.column(token)
            if column is None:
                continue
            rows = column[0]
            df += len(rows) - (int(np.count_nonzero(deleted[rows])) if deleted is not None else 0)
        return df

    def idf(self, df: int) -> float:
        return float(np.log(1 + (self.n_live - df + 0.5) / (df + 0.5)))

    def idfs(self, tokens: Sequence[str]) -> dict[str, np.float32]:
        """float32 IDF of each distinct token (0 for one no live passage holds)."""
        out: dict[str, np.float32] = {}
        for token in tokens:
            if token not in out:
                df = self.document_frequency(token)
                out[token] = np.float32(self.idf(df)) if df else np.float32(0)
        return out

    def scores(self, tokens: Sequence[str]) -> list[np.ndarray | None]:
        """Per part, the BM25 score of every row (None for a part no query token occurs in)."""
        idf_of = self.idfs(tokens)
        out = [self.part_scores(i, tokens, idf_of) for i in range(len(self.parts))]
        for i, (_, deleted) in enumerate(self.parts):
            if out[i] is not None and deleted is not None:
                out[i][deleted] = 0.0
        return out

    def part_scores(self, part: int, tokens: Sequence[str], idf_of: dict[str, np.float32]) -> np.ndarray | None:
        """The score of every row of one part, tombstoned rows included (None: no query token in it)."""
        out: np.ndarray | None = None
        for token in tokens:
            idf = idf_of[token]
            if not idf:
                continue
            found = self._contribution(part, token, idf)
            if found is None:
                continue
            rows, weights = found
            if out is None:  # the first token's weights are its rows' scores so far (0 + w is w)
                out = np.zeros(len(self.parts[part][0].lengths), dtype=np.float32)
                out[rows] = weights
            else:
                # add.at: bit for bit what out[rows] += weights gives (a column's rows are distinct), and
                # half its time at 1M passages (one pass, no gathered copy): 6 against 12 ms for 1.6M postings
                np.add.at(out, rows, weights)
        return out

    def top(self, part: int, tokens: Sequence[str], idf_of: dict[str, np.float32], k: int,
            allowed_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the part's best ``k`` live rows, best first (``allowed_rows``: among those)."""
        from .bm25top import top_k

        return top_k(self, part, tokens, idf_of, k, allowed_rows)
