"""Search ranked as answers rank: the fused (RRF) candidates reordered by the learned passage ranker that
fact answers use (qa.learned), so `tracuu search`, `/api/search` and the Search tab put first the passage an
answer would quote. ``rank="rrf"`` keeps the plain reciprocal-rank fusion of the two retrievers, for
comparison. Measured on the tune parts, article-level R@1 (`tracuu eval`): xquad_vi_dev 0.975 against plain
RRF 0.933, viquad2_dev 0.913 against 0.815 (the ranker was fitted on those parts: docs/model-card.md)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Literal

from index.records import SearchFilters

if TYPE_CHECKING:
    from index.records import Hit

Rank = Literal["learned", "rrf"]
RANKS: tuple[str, ...] = ("learned", "rrf")


def search(index, query: str, k: int = 10, *, filters: SearchFilters = SearchFilters(),
           rank: Rank = "learned") -> list["Hit"]:
    """The top ``k`` passages for ``query`` in ``index`` (an index.Index). Learned order: each reordered hit's ``score`` is the ranker's
    (higher first); hits below the ranker's depth follow in fused order with scores below it."""
    if rank not in RANKS:
        raise ValueError(f"rank must be one of {', '.join(RANKS)}, not {rank!r}")
    from .retrieve import Corpus, learned_order

    corpus = Corpus(index)  # the one door of qa to the index (tests/test_architecture.py)
    if rank == "rrf" or not (query or "").strip():
        return corpus.search(query, k, filters=filters) if (query or "").strip() else []
    from .analyze import analyze

    candidates = corpus.candidates(query, depth=max(k, index.settings.candidates), filters=filters)
    ordered, scores = learned_order(corpus, query, analyze(query), candidates)
    hits = corpus.hits(ordered[:k])
    if not scores:
        return hits
    floor = min(scores.values())
    out = []
    for i, hit in enumerate(hits):
        learned = scores.get(hit.passage.passage_id)
        out.append(replace(hit, score=learned if learned is not None else floor - 0.001 * (i + 1)))
    return out
