"""Instant start (issue 26): the one-time preparation and the light default path.

- ``tracuu prepare`` makes the bundled model's two files without torch or transformers, the same bytes as
  the reference route (sentence-transformers folder → torch export → fusion → quantize_dynamic), says so
  on stderr, keeps no fp32 copy, and does nothing the second time;
- the product tokenises through ``tokenizers`` alone, with the ids transformers gives;
- ``tracuu ask`` and ``tracuu search`` on the bundled model import neither torch, transformers nor
  sentence-transformers (nor the web stack);
- ``tracuu shell`` answers one question per stdin line with ``ask --json`` lines.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "transformers", "sentence_transformers", "gradio", "fastapi", "uvicorn", "matplotlib", "pandas")
QUESTION = "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?"


def run_cli(args: list[str], cache: Path, stdin: str | None = None) -> tuple[subprocess.CompletedProcess, set[str]]:
    """``tracuu ARGS`` in a fresh interpreter; also returns the top-level modules it had imported at exit."""
    code = ("import json, sys\nfrom tracuu.cli import main\nrc = main(sys.argv[1:])\nsys.stdout.flush()\n"
            "print('MODULES ' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
            "sys.exit(rc)")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRACUU_CACHE": str(cache), "TRACUU_LANG": "vi"}
    proc = subprocess.run([sys.executable, "-c", code, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    line = next(l for l in proc.stderr.splitlines() if l.startswith("MODULES "))
    return proc, set(json.loads(line[len("MODULES "):]))


@pytest.fixture(scope="module")
def prepared(cache_dir: Path) -> Path:
    from index.embed.prepare import prepare_bundled_model

    return prepare_bundled_model(cache_dir)


def test_prepare_from_scratch_is_light_idempotent_and_gives_the_product_files(tmp_path, prepared):
    from index.embed.onnx_int8 import onnx_path

    proc, modules = run_cli(["prepare"], tmp_path)
    assert "chuẩn bị mô hình lần đầu" in proc.stderr and "sẵn sàng" in proc.stderr
    assert not modules & {"torch", "transformers", "sentence_transformers"}
    (folder,) = (tmp_path / "models").iterdir()
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name[0] != ".")
    compact = f"tokenizer.pieces.{sys.implementation.cache_tag}.marshal"
    assert files == sorted(["onnx/model.int8.v1.onnx", "tokenizer.json", compact])  # no fp32 copy, no temporary
    assert sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) < 300e6
    for name in ("onnx/model.int8.v1.onnx", "tokenizer.json"):  # the same bytes as every other test's cache
        assert (folder / name).read_bytes() == (prepared / name).read_bytes(), name
    before = onnx_path(folder, "int8").stat().st_mtime_ns
    again, _ = run_cli(["prepare"], tmp_path)
    assert "chuẩn bị" not in again.stderr and "sẵn sàng" in again.stderr
    assert onnx_path(folder, "int8").stat().st_mtime_ns == before


def test_tokenizer_json_is_the_reference_routes_file(tmp_path):
    """What tokenizers alone writes equals what transformers' save_pretrained writes for the ST folder."""
    from index.embed.e5convert import bundled_model_file, read_e5_file
    from index.embed.e5tokenizer import tokenizer_json, tokenizer_of

    f = read_e5_file(bundled_model_file(), lazy=True)
    tokenizer_of(f).save_pretrained(tmp_path)
    assert tokenizer_json(f).encode("utf-8") == (tmp_path / "tokenizer.json").read_bytes()


def test_product_tokenizer_gives_the_transformers_ids(model_dir: Path):
    from transformers import AutoTokenizer

    from index.embed.onnx_int8 import load_tokenizer

    ours, pad = load_tokenizer(model_dir)
    reference = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    texts = ["passage: " + QUESTION, "query: which districts reviewed QĐ 290-QĐ/TW?", "",
             "tab\there, zero\u200bwidth, line\u2028sep, emoji 🙂 and ﬁ ligature ①",
             "passage: " + " ".join(["Hội nghị tổng kết công tác dân vận năm 2022."] * 80)]  # > 512 tokens
    got = ours.encode_ids(texts)
    want = reference(texts, truncation=True, max_length=512)["input_ids"]
    assert got == want
    assert len(got[-1]) == 512 and pad == reference.pad_token_id


def test_subset_tokenizer_gives_the_full_tokenizers_ids(model_dir: Path, tmp_path: Path):
    """Each batch runs with only the pieces it can use (index/embed/subset_tokenizer.py): the ids must be
    the full model's, on the evaluation texts, the seed corpus and input meant to break it (special tokens
    inside words, control and zero-width characters, unknown characters, truncation)."""
    import unicodedata

    from tokenizers import Tokenizer

    from index.embed.subset_tokenizer import SubsetTokenizer, write_compact

    full = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    full.enable_truncation(max_length=512)
    # From the JSON, and from the compact vocabulary prepare writes (a copy here: the cache is shared).
    shutil.copyfile(model_dir / "tokenizer.json", tmp_path / "tokenizer.json")
    write_compact(tmp_path / "tokenizer.json")
    from_compact = SubsetTokenizer(tmp_path / "tokenizer.json", 512)
    ours = SubsetTokenizer(model_dir / "tokenizer.json", 512)
    assert from_compact._scores == ours._scores and from_compact._index == ours._index
    # Each score reaches tokenizers as the text the file holds (serde's float parsing is not always the
    # nearest double: any other text could land an ulp away and tip the segmentation).
    raw = (model_dir / "tokenizer.json").read_text(encoding="utf-8")
    written = re.findall(r"\n\s*(-?[0-9][0-9.eE+-]*)\n\s*\]", raw[raw.index('"vocab"'):])
    assert written == [repr(score) for score in ours._scores]
    texts = ["", "x", "a<mask>b<s>c</s>d<pad>e<unk>f", "<s><s>", "tab\there zero\u200bwidth 🙂 ﬁ ① \x01 \ufffd 𝔘",
             "ấấấ ꙮ 𓀀 Ω", "x" * 3000, "Việt Nam " * 400, "passage: " + "QĐ290-QĐ/TW" * 50]
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        texts += ["passage: " + line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    from bench.splits import tune_only

    eval_dir = ROOT.parent / "shared" / "eval"
    for name, key in (("xquad_vi_dev.queries.jsonl", "doc_id"), ("viquad2_dev.queries.jsonl", "doc_id"),
                      ("xquad_vi_dev.docs.jsonl", "id")):
        if (eval_dir / name).is_file():  # the tune parts only (bench/splits.json)
            items = [json.loads(line) for line in (eval_dir / name).read_text(encoding="utf-8").splitlines()]
            for item in tune_only(name.split(".")[0], items, key=key)[:300]:
                texts.append(("query: " + item["question"]) if "question" in item else ("passage: " + item["text"]))
    texts = [unicodedata.normalize("NFC", t) for t in texts]
    ours._calls = ours._texts = -10**9  # never switch to the full model here: the subset path is under test
    for start in range(0, len(texts), 25):  # batches, as the embedder calls it
        batch = texts[start:start + 25]
        want = [e.ids for e in full.encode_batch(batch)]
        assert ours.encode_ids(batch) == want, batch
        if start % 100 == 0:
            assert from_compact.encode_ids(batch) == want
    assert ours._full is None
    ours._calls = 10**9  # past the threshold: the full model, the same ids
    assert ours.encode_ids(texts[:25]) == [e.ids for e in full.encode_batch(texts[:25])] and ours._full is not None


def test_shipped_skeleton_is_the_prepared_graph_emptied(tmp_path, prepared):
    """The skeleton holds nothing of the weights: emptying the prepared graph gives it back, byte for byte,
    and every initializer it keeps is a small constant of the graph (shapes, axes, position ids)."""
    import onnx

    from index.embed.e5convert import bundled_model_file
    from index.embed.int8_graph import SKELETON, write_skeleton
    from index.embed.onnx_int8 import onnx_path

    out = tmp_path / "skeleton.onnx"
    write_skeleton(onnx_path(prepared, "int8"), bundled_model_file(), out)
    assert out.read_bytes() == SKELETON.read_bytes()
    kept = [i for i in onnx.load(str(SKELETON)).graph.initializer if i.raw_data or i.float_data or i.int32_data]
    assert max(len(i.raw_data) for i in kept) <= 4112  # onnx::Expand_217: position ids 0..513 (int64)


def test_ask_and_search_on_the_bundled_model_import_nothing_heavy(seed_index, cache_dir: Path):
    for args in (["ask", QUESTION], ["search", QUESTION, "-k", "3", "--json"]):
        proc, modules = run_cli([*args, "--index", str(seed_index.root)], cache_dir)
        assert proc.stdout.strip()
        assert not modules & set(HEAVY), (args[0], sorted(modules & set(HEAVY)))
        assert {"onnxruntime", "tokenizers"} <= modules


def test_shell_answers_each_line_as_ask_json(seed_index, cache_dir: Path):
    from tracuu.answering import ask

    questions = [QUESTION, "which districts reviewed Quyết định 290?"]
    proc, modules = run_cli(["shell", "--index", str(seed_index.root)], cache_dir,
                            stdin="\n".join([questions[0], "", questions[1]]) + "\n")
    lines = proc.stdout.splitlines()
    assert len(lines) == 2  # the blank line is skipped
    for line, question in zip(lines, questions):
        assert json.loads(line) == ask(seed_index, question).model_dump(mode="json")
    assert "torch" not in modules


@pytest.mark.slow
def test_reference_route_gives_the_same_graph(tmp_path, prepared):
    """The torch route (export → fusion → quantize_dynamic, ~45 s and ~5 GB) against the skeleton route."""
    from index.embed.e5convert import bundled_model_file
    from index.embed.onnx_int8 import onnx_path
    from index.embed.prepare import _build_reference

    (tmp_path / "onnx").mkdir()
    _build_reference(tmp_path, bundled_model_file())
    assert onnx_path(tmp_path, "int8").read_bytes() == onnx_path(prepared, "int8").read_bytes()
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["model.int8.v1.onnx"]


def test_materialising_the_reference_folder_keeps_the_prepared_files(tmp_path, monkeypatch):
    """The sentence-transformers folder (tests, --model-style reference runs) is built into the folder the
    product's files already live in: its files join them, the prepared graph is never touched."""
    from index.embed import e5convert
    from index.embed.onnx_int8 import onnx_path
    from index.embed.prepare import bundled_dir

    folder = bundled_dir(tmp_path)
    onnx_path(folder, "int8").parent.mkdir(parents=True)
    onnx_path(folder, "int8").write_bytes(b"prepared graph")
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")

    def build(target: Path) -> None:
        (target / "model.safetensors").write_bytes(b"weights")
        (target / "tokenizer.json").write_text('{"same": "bytes"}', encoding="utf-8")
        (target / "1_Pooling").mkdir()

    monkeypatch.setattr(e5convert, "_build", build)
    assert e5convert.materialise_bundled_model(tmp_path) == folder
    assert onnx_path(folder, "int8").read_bytes() == b"prepared graph"
    assert (folder / "model.safetensors").is_file() and (folder / "1_Pooling").is_dir()
    assert (folder / "tokenizer.json").read_text(encoding="utf-8") == '{"same": "bytes"}'
    assert (folder / "tracuu-materialised.json").is_file()
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temporary folder left
