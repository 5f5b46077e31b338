"""Sixteen questions about the seed articles written after qa.direct worked (issue 25), each with the span its
answer must lead with: counts, dates, people, a percentage, an amount. Asked once before any further fix:
12/16 right; then "356/382 xã" and "11/50 đảng bộ" became counts (a part of a whole that cannot be a day and
month), 14/16. The two left fail for reasons outside the span extractor and are marked."""

from __future__ import annotations


import pytest
from conftest import written_questions

import qa

KNOWN = {
    "d02": "two counts in one sentence, by level ('cấp quận … 144', 'cấp xã, phường, thị trấn … 2.048'): the "
           "scorer's features do not read which level a figure belongs to",
    "d14": "the whole answer abstains before the span step (the eye-hospital note sits in the Hà Nội article's "
           "page furniture); not investigated",
}


@pytest.mark.parametrize("item", written_questions("direct_seed.jsonl", KNOWN, strict=False))
def test_direct_holds_the_expected_span(seed_index, item):
    out = _contract(qa.answer(seed_index, item["question"]))
    assert out["direct"] and item["direct_contains"] in out["direct"], (out["direct"], out["answer"][:200])
    cited = {c["n"]: c["text"] for c in out["citations"]}
    assert out["direct"] in cited[out["direct_citation"]]


def _contract(answer) -> dict:
    """The answer as every door prints it (tracuu.contract)."""
    from tracuu.contract import AskResponse

    return AskResponse.of(answer).model_dump(mode="json")
