"""The bundled tokenizer run with only the pieces a batch of texts can use: the ids of the full tokenizer,
without building its 250,002-piece unigram model on every start.

``tokenizers`` spends ~0.7 s (2 cores, quiet; 1.1 s CPU under load) building the full model from
``tokenizer.json`` — half of a cold ``tracuu ask`` once torch is gone — and holds the GIL meanwhile, so
nothing can overlap it. The unigram Viterbi only ever looks at pieces that occur in the text being
tokenised, plus the unknown piece, whose penalty derives from the vocabulary's lowest score. So each
batch gets a small model of exactly those pieces (every substring of the normalised, pre-tokenised text
that is a piece, up to the longest piece's length; the special tokens; the lowest-scored piece), built
by ``tokenizers`` from the same ``tokenizer.json`` with the vocabulary cut, and its ids are mapped back.
The same code (``tokenizers``' own) segments, normalises, truncates and adds ``<s> … </s>``: only the
candidate set is smaller, and no candidate is missing. tests/test_prepare.py checks the ids against the
full tokenizer on the evaluation texts and odd input. A process that keeps tokenising (server, shell,
large ingest) switches to the full model after a while: same ids, less Python per batch.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from pathlib import Path
from typing import Any, Sequence

# Calls or texts after which the process builds the full model (see SubsetTokenizer._full_when_due).
FULL_AFTER_CALLS = 24
FULL_AFTER_TEXTS = 400


def _loads(raw: bytes) -> dict:
    try:
        import orjson  # ~2x faster on the 17 MB file when installed (gradio brings it)

        return orjson.loads(raw)
    except ImportError:  # pragma: no cover - depends on the environment
        return json.loads(raw)


def compact_path(path: Path) -> Path:
    """``tokenizer.pieces.<python>.marshal`` beside ``tokenizer.json`` (marshal's format is per Python)."""
    return Path(path).with_name(f"tokenizer.pieces.{sys.implementation.cache_tag}.marshal")


def _stamp(path: Path) -> list[int]:
    st = Path(path).stat()
    return [st.st_size, st.st_mtime_ns]


def _from_json(path: Path) -> dict:
    spec = _loads(Path(path).read_bytes())
    model = spec["model"]
    if model.get("type") != "Unigram":
        raise ValueError(f"{path}: a unigram tokenizer was expected, not {model.get('type')}")
    pieces = [piece for piece, _ in model["vocab"]]
    scores = [float(score) for _, score in model["vocab"]]
    return {"spec": {**spec, "model": {**model, "vocab": []}}, "pieces": pieces, "scores": scores,
            "index": {piece: i for i, piece in enumerate(pieces)}, "longest": max(map(len, pieces)),
            "lowest": min(range(len(scores)), key=scores.__getitem__), "source": _stamp(path)}


def write_compact(path: Path) -> Path:
    """The vocabulary of ``tokenizer.json`` as one marshal file (dict and lists built in C on load: ~0.1 s
    instead of ~0.5 s of JSON parsing and dict building). ``prepare`` writes it; without it (or when
    ``tokenizer.json`` changed since) the JSON is read."""
    import marshal
    import os

    target = compact_path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(marshal.dumps(_from_json(path)))
    os.replace(tmp, target)
    return target


def _read_vocabulary(path: Path) -> dict:
    compact = compact_path(path)
    if compact.is_file():
        import marshal

        try:
            data = marshal.loads(compact.read_bytes())
            if data.get("source") == _stamp(path):
                return data
        except (EOFError, ValueError, TypeError):  # a damaged file: the JSON is the source of truth
            pass
    return _from_json(path)


class SubsetTokenizer:
    """``encode_ids(texts)``: token ids as ``Tokenizer.from_file(path)`` with truncation gives them."""

    def __init__(self, path: Path, max_tokens: int) -> None:
        from tokenizers import Tokenizer

        vocab = _read_vocabulary(Path(path))
        self._spec, self.max_tokens = vocab["spec"], max_tokens
        self._pieces_of, self._scores = vocab["pieces"], vocab["scores"]
        self._index, self._longest = vocab["index"], vocab["longest"]
        model = self._spec["model"]
        added = {t["content"]: t["id"] for t in self._spec.get("added_tokens", [])}
        self._always = {model["unk_id"], vocab["lowest"], *added.values()}
        self._added = re.compile("|".join(map(re.escape, sorted(added, key=len, reverse=True)))) if added else None
        # The pipeline without its model: the same normaliser and pre-tokeniser, for finding the pieces.
        shell = {**self._spec, "model": {**model, "vocab": self._entries([model["unk_id"]]), "unk_id": 0},
                 "added_tokens": [], "post_processor": None}
        pipeline = Tokenizer.from_str(json.dumps(shell))
        self._normalise, self._pre_tokenise = pipeline.normalizer, pipeline.pre_tokenizer
        self.pad_id = self._index.get("<pad>", 1)
        self._path, self._full, self._calls, self._texts = Path(path), None, 0, 0
        self._lock = threading.Lock()

    def _entries(self, ids: list[int]) -> list[list]:
        return [[self._pieces_of[i], self._scores[i]] for i in ids]

    def _segments(self, text: str) -> list[str]:
        """The text as ``tokenizers`` normalises it: split at the special tokens first, and also whole (a
        superset of the pieces either way can use costs nothing)."""
        return [text, *(self._added.split(text) if self._added else [])]

    def _pieces(self, texts: Sequence[str]) -> list[int]:
        keep = set(self._always)
        index, longest = self._index, self._longest
        for text in texts:
            for segment in self._segments(text):
                for word, _ in self._pre_tokenise.pre_tokenize_str(self._normalise.normalize_str(segment)):
                    n = len(word)
                    for i in range(n):
                        for j in range(i + 1, min(n, i + longest) + 1):
                            k = index.get(word[i:j])
                            if k is not None:
                                keep.add(k)
        return sorted(keep)

    def _model_for(self, ids: list[int]) -> Any:
        from tokenizers import Tokenizer

        position = {orig: k for k, orig in enumerate(ids)}
        spec, model = self._spec, self._spec["model"]
        special = [i for t in (spec.get("post_processor") or {}).get("special_tokens", {}).values() for i in t["ids"]]
        if any(position.get(i) != i for i in special):  # the template's ids must keep their numbers
            raise ValueError("the post-processor's special ids are not the first pieces of the vocabulary")
        cut = {**spec, "model": {**model, "vocab": self._entries(ids), "unk_id": position[model["unk_id"]]},
               "added_tokens": [{**t, "id": position[t["id"]]} for t in spec.get("added_tokens", [])]}
        tokenizer = Tokenizer.from_str(json.dumps(cut))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=self.max_tokens)
        return tokenizer

    def encode_ids(self, texts: Sequence[str]) -> list[list[int]]:
        texts = list(texts)
        if not texts:
            return []
        full = self._full_when_due(len(texts))
        if full is not None:
            return [e.ids for e in full.encode_batch(texts)]
        ids = self._pieces(texts)
        return [[ids[k] for k in e.ids] for e in self._model_for(ids).encode_batch(texts)]

    def _full_when_due(self, n: int) -> Any:
        """The full model once this process has tokenised enough to amortise it (a server, a shell, a large
        ingest): finding the pieces costs ~10 ms a batch in Python, the full model ~1 ms — and the ids are
        the same either way. A one-question command never gets there."""
        with self._lock:
            self._calls, self._texts = self._calls + 1, self._texts + n
            if self._full is None and (self._calls > FULL_AFTER_CALLS or self._texts > FULL_AFTER_TEXTS):
                from tokenizers import Tokenizer

                full = Tokenizer.from_file(str(self._path))
                full.no_padding()
                full.enable_truncation(max_length=self.max_tokens)
                self._full = full
            return self._full
