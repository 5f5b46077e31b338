"""Test doubles shared by the test suite."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Sequence

import numpy as np


class FakeEmbedder:
    """Deterministic stand-in for a real embedder: character trigrams hashed into 384 buckets, L2-normalised.

    Texts sharing many trigrams get similar vectors, so retrieval tests still rank sensibly, with no model,
    no torch and microseconds per text. Queries and passages are embedded alike (a symmetric model)."""

    model_id = "fake/trigram-384"
    dim = 384

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []  # ("query"|"passage", n) per call, for tests that count work

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        padded = f"  {unicodedata.normalize('NFC', text).lower()} "
        for i in range(len(padded) - 2):
            digest = hashlib.blake2b(padded[i : i + 3].encode("utf-8"), digest_size=8).digest()
            h = int.from_bytes(digest, "little")
            vec[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0  # signed hashing keeps collisions unbiased
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:  # only for an empty text; any fixed unit vector will do
            vec[0] = 1.0
            return vec
        return vec / norm

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("pass a list of texts, not a single string")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32, copy=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(("query", len(texts)))
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(("passage", len(texts)))
        return self._encode(texts)
