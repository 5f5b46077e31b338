"""Search ranks like answers (issue 25): qa.search orders passages with the learned passage ranker that fact
answers use; plain RRF stays available (rank="rrf", `tracuu search --rank rrf`, /api/search "rank")."""

from __future__ import annotations

import pytest

import qa

QUERY = "Hội Chữ thập đỏ quận Tây Hồ có bao nhiêu hội viên?"


def test_search_orders_as_the_answers_ranker_does(seed_index):
    from qa.analyze import analyze
    from qa.retrieve import Corpus, learned_order

    hits = qa.search(seed_index, QUERY, 10)
    candidates = seed_index.candidates(QUERY, depth=seed_index.settings.candidates)
    ordered, _ = learned_order(Corpus(seed_index), QUERY, analyze(QUERY), candidates)
    assert [h.passage.passage_id for h in hits] == [h.passage.passage_id for h in seed_index.hits(ordered[:10])]
    plain = [h.passage.passage_id for h in qa.search(seed_index, QUERY, 10, rank="rrf")]
    assert [h.passage.passage_id for h in hits] != plain  # the ranker reorders: not plain fusion again
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_plain_rrf_is_the_index_order(seed_index):
    plain = qa.search(seed_index, QUERY, 5, rank="rrf")
    assert [h.passage.passage_id for h in plain] == [h.passage.passage_id for h in seed_index.search(QUERY, 5)]
    learned = qa.search(seed_index, QUERY, 5)
    assert {h.passage.passage_id for h in learned} <= {h.passage.passage_id for h in seed_index.search(QUERY, 30)}


def test_bad_rank_and_empty_query(seed_index):
    with pytest.raises(ValueError, match="learned, rrf"):
        qa.search(seed_index, QUERY, 5, rank="bm25")
    assert qa.search(seed_index, "   ", 5) == []


def test_rest_search_takes_the_rank(seed_index):
    from fastapi.testclient import TestClient

    from rest import create_api

    client = TestClient(create_api(seed_index))
    learned = client.post("/api/search", json={"query": QUERY, "k": 3}).json()["hits"]
    plain = client.post("/api/search", json={"query": QUERY, "k": 3, "rank": "rrf"}).json()["hits"]
    assert [h["passage_id"] for h in learned] == [h.passage.passage_id for h in qa.search(seed_index, QUERY, 3)]
    assert [h["passage_id"] for h in plain] == [h.passage.passage_id for h in seed_index.search(QUERY, 3)]
    assert client.post("/api/search", json={"query": QUERY, "rank": "nope"}).status_code == 422
