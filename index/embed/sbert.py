"""Any sentence-transformers model (hub id or local folder); the stock path for the bundled model too."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .base import as_unit_rows, prepare_texts

# Prompt names tried, in order, for each side of an arbitrary sentence-transformers model.
_QUERY_PROMPT_NAMES = ("query",)
_PASSAGE_PROMPT_NAMES = ("passage", "document", "corpus")

class SentenceTransformerEmbedder:
    """Any sentence-transformers model (hub id or local folder), loaded on first use.

    ``model_name_or_path`` may be a callable returning the path, so that an expensive preparation (the bundled
    model's one-off conversion) only happens when passages are actually embedded. Prompts come from the
    model's own configuration (``query`` and ``passage``/``document``/``corpus``) unless given explicitly;
    a model without prompts gets none."""

    def __init__(
        self,
        model_name_or_path: str | Path | Callable[[], str | Path],
        model_id: str | None = None,
        batch_size: int = 16,
        device: str | None = None,
        *,
        dim: int | None = None,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        model_kwargs: dict[str, Any] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self._source = model_name_or_path
        if model_id is None:
            if callable(model_name_or_path):
                raise ValueError("model_id is required when the model path is given as a callable")
            model_id = str(model_name_or_path)
        self._model_id = model_id
        self.batch_size = batch_size
        self.device = device
        self._dim = dim
        self._query_prompt = query_prompt
        self._passage_prompt = passage_prompt
        self._model_kwargs = model_kwargs
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._load()
        assert self._dim is not None
        return self._dim

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _load_sentence_transformer(self._source, self.device, self._model_kwargs)
                self._resolve_prompts_and_dim(self._model)
            return self._model

    def _resolve_prompts_and_dim(self, model: Any) -> None:
        prompts: dict[str, str | None] = dict(getattr(model, "prompts", None) or {})

        def pick(names: tuple[str, ...]) -> str | None:
            return next((p for n in names if (p := prompts.get(n))), None)

        if self._query_prompt is None:
            self._query_prompt = pick(_QUERY_PROMPT_NAMES)
        if self._passage_prompt is None:
            self._passage_prompt = pick(_PASSAGE_PROMPT_NAMES)
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        actual = get_dim()
        if actual is None:  # some module stacks cannot tell without running
            actual = int(model.encode(["a"], convert_to_numpy=True).shape[1])
        if self._dim is not None and self._dim != actual:
            raise ValueError(f"{self._model_id}: expected {self._dim}-d vectors, the model gives {actual}-d")
        self._dim = int(actual)

    def _encode(self, texts: Sequence[str], prompt_side: str) -> np.ndarray:
        items = prepare_texts(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        prompt = self._query_prompt if prompt_side == "query" else self._passage_prompt
        # Longest first, so each batch pads to similar lengths (sentence-transformers does the same inside
        # encode(); doing it here keeps the behaviour whatever its version does).
        order = sorted(range(len(items)), key=lambda i: -len(items[i]))
        vectors = model.encode(
            [items[i] for i in order],
            prompt=prompt or None,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        out = np.empty((len(items), self.dim), dtype=np.float32)
        out[order] = vectors
        return as_unit_rows(out, len(items), self.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage")


def _load_sentence_transformer(
    source: str | Path | Callable[[], str | Path], device: str | None, model_kwargs: dict[str, Any] | None
) -> Any:
    path = source() if callable(source) else source
    local = Path(path).expanduser().is_dir()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise RuntimeError(
            "sentence-transformers is not installed: run `pip install sentence-transformers`."
        ) from exc
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # stderr carries our progress lines, not per-layer weight loading
    except ImportError:
        pass
    try:
        return SentenceTransformer(
            str(Path(path).expanduser()) if local else str(path),
            device=device,
            local_files_only=local,
            model_kwargs=model_kwargs,
        )
    except Exception as exc:
        hint = (
            "the folder is not a sentence-transformers model (it needs modules.json or a transformers config)"
            if local
            else "check the model id; without network access, download it elsewhere and point settings.model "
            "at the local folder"
        )
        raise RuntimeError(f"could not load embedding model {path!s}: {exc} ({hint})") from exc
