"""Republished copies: a MinHash signature per article over its word 3-grams, and LSH band keys to find
the few stored articles worth comparing with a new one.

The same report is republished on several portals with other menus, footers, a reworded headline and
small edits; its 3-gram set still overlaps the original's far more than any other article on the same
topic does (measured in tests/test_dedup.py: copies ≥ 0.6, different articles on one topic ≤ 0.2).
Hashes are our own (blake2b, fixed seeds) so a signature stored today matches one computed next year.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

PERMUTATIONS = 128
BANDS = 32  # 32 bands of 4 rows: a pair with Jaccard 0.5 shares a band with probability 0.87, 0.3 → 0.23
ROWS = PERMUTATIONS // BANDS
SHINGLE_WORDS = 3
_EMPTY = np.uint64((1 << 32) - 1)
_rng = np.random.default_rng(20260601)
# Multiply-shift hashing: h ↦ ((a·h + b) mod 2**64) >> 32 with random odd a is a universal family, and
# numpy's uint64 arithmetic wraps mod 2**64 by itself. (a·h + b mod a prime, with no wrap, would keep
# one order for every permutation: all minima on the same shingle.)
_A = _rng.integers(0, np.iinfo(np.uint64).max, PERMUTATIONS, dtype=np.uint64, endpoint=True) | np.uint64(1)
_B = _rng.integers(0, np.iinfo(np.uint64).max, PERMUTATIONS, dtype=np.uint64, endpoint=True)
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-cased words with tone marks kept (two syllables differing only by tone are different words)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def shingles(text: str) -> set[int]:
    tokens = words(text)
    if len(tokens) < SHINGLE_WORDS:
        tokens = tokens + [""] * (SHINGLE_WORDS - len(tokens))
    grams = {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}
    return {int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=4).digest(), "little") for g in grams}


def signature(text: str) -> np.ndarray:
    """The article's MinHash signature (PERMUTATIONS uint64 values)."""
    hashes = np.fromiter(shingles(text), dtype=np.uint64)
    if hashes.size == 0:
        return np.full(PERMUTATIONS, _EMPTY, dtype=np.uint64)
    with np.errstate(over="ignore"):
        values = (hashes[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return values.min(axis=0)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 63-bit key per band (an SQLite INTEGER); two articles sharing a key are candidates."""
    out = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        out.append(int.from_bytes(digest, "little", signed=True) >> 1)
    return out


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two articles' 3-gram sets."""
    return float(np.mean(a == b))


def jaccard(text_a: str, text_b: str) -> float:
    """The exact Jaccard similarity (for measuring the estimate and the threshold)."""
    a, b = shingles(text_a), shingles(text_b)
    return len(a & b) / len(a | b) if a | b else 1.0


# A figure with the word before it ("số 12", "ngày 3/4/2023", "với 120"): a count's meaning is its context.
_FIGURE = re.compile(r"(\w+)\s+(\d+(?:[.,/]\d+)*)")


def figures(text: str) -> set[str]:
    return {f"{word.lower()} {number}" for word, number in _FIGURE.findall(unicodedata.normalize("NFC", text))}


def same_figures(text_a: str, text_b: str, *, share: float = 0.5) -> bool:
    """Whether the two texts quote the same figures: a republished copy keeps most of the report's numbers
    and dates in their places (it may add a portal's own, or drop a sentence), while reports written from
    one template — same words, other counts, years and codes — share few (measured in studies/dedup.py).
    A text with no figure gives no evidence; otherwise over ``share`` of the smaller set must be shared."""
    a, b = figures(text_a), figures(text_b)
    smaller = min(len(a), len(b))
    if smaller == 0:
        return True
    return len(a & b) > share * smaller


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype(np.uint64).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.uint64)
