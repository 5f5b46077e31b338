"""Vietnamese-aware BM25 (bm25s) over the tokens of ``index.text.tokens``, with a diacritic-folded twin
index that answers queries typed without accents ("quyet dinh 290")."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from index.text.tokens import Variant, pick_variant, tokenize

from .npyfiles import load_array


class LexicalIndex:
    """A pair of bm25s indexes (exact and folded) over passages identified by int64 pids."""

    def __init__(self, exact, folded, pids: np.ndarray):
        self._exact = exact
        self._folded = folded
        self.pids = pids
        self._row_of = {int(p): i for i, p in enumerate(pids)}

    @classmethod
    def build(cls, pids: Sequence[int], texts: Iterable[str]) -> "LexicalIndex":
        import logging

        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # its per-build DEBUG line is noise on stderr

        pid_array = np.asarray(list(pids), dtype=np.int64)
        texts = list(texts)
        exact = bm25s.BM25()
        folded = bm25s.BM25()
        if len(texts):
            exact.index([tokenize(t) for t in texts], show_progress=False)
            folded.index([tokenize(t, folded=True) for t in texts], show_progress=False)
        return cls(exact if len(texts) else None, folded if len(texts) else None, pid_array)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "pids.npy", self.pids)
        if self._exact is not None:
            self._exact.save(str(folder / "exact"), show_progress=False)
            self._folded.save(str(folder / "folded"), show_progress=False)

    @classmethod
    def load(cls, folder: Path, *, mmap: bool = False) -> "LexicalIndex":
        import bm25s

        pids = load_array(folder / "pids.npy")
        if not len(pids):
            return cls(None, None, pids)
        exact = bm25s.BM25.load(str(folder / "exact"), mmap=mmap, show_progress=False)
        folded = bm25s.BM25.load(str(folder / "folded"), mmap=mmap, show_progress=False)
        return cls(exact, folded, pids)

    def __len__(self) -> int:
        return len(self.pids)

    def search(
        self, query: str, k: int, *, allowed: np.ndarray | None = None, variant: Variant | None = None
    ) -> list[tuple[int, float]]:
        """Top-k (pid, score) with score > 0. ``allowed`` is a boolean mask over rows (filters)."""
        if self._exact is None or k <= 0:
            return []
        variant = variant or pick_variant(query)
        index = self._folded if variant == "folded" else self._exact
        tokens = tokenize(query, folded=variant == "folded")
        ids = index.get_tokens_ids(tokens)
        if not ids:
            return []
        scores = index.get_scores(ids)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.pids[i]), float(scores[i])) for i in top if scores[i] > 0]

    def document_frequency(self, tokens: Iterable[str], *, folded: bool = False) -> dict[str, int]:
        """How many passages contain each token (for IDF weights outside BM25 scoring)."""
        index = self._folded if folded else self._exact
        if index is None:
            return {}
        indptr = index.scores["indptr"]
        out = {}
        for token in tokens:
            tid = index.vocab_dict.get(token)
            out[token] = int(indptr[tid + 1] - indptr[tid]) if tid is not None else 0
        return out

    def mask_for(self, pids: Iterable[int]) -> np.ndarray:
        mask = np.zeros(len(self.pids), dtype=bool)
        for pid in pids:
            row = self._row_of.get(int(pid))
            if row is not None:
                mask[row] = True
        return mask
