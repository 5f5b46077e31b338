"""Twelve questions about the seed articles written by the lead after this round's code was merged, before
any of their answers was read (dates of meetings and of documents, who chaired, who holds an office, a
count asked in English, one the articles cannot answer). Asked first: 10/12 — two confident wrong leads:
s01 ("… tổ chức hội nghị tổng kết … Nghị quyết 25-NQ/TW vào ngày nào?") led with the resolution's own date
printed after its code, and s06 ("Ai chủ trì …?") with the first attendee listed. Two rows of
``qa.direct.constraints`` fixed both kinds (an event's date is not the one after a code; the person asked for
a role is the name printed as doing it): 12/12."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import qa

DATA = Path(__file__).parent / "data" / "direct_seed_round3.jsonl"
ITEMS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("item", ITEMS, ids=[i["id"] for i in ITEMS])
def test_round3_question_leads_with_its_fact(seed_index, item):
    from tracuu.contract import AskResponse

    out = AskResponse.of(qa.answer(seed_index, item["question"])).model_dump(mode="json")
    if item.get("abstains"):
        assert out["abstained"] and out["direct"] is None
        return
    assert out["direct"] and item["direct_contains"] in out["direct"], (out["direct"], out["answer"][:200])
    cited = {c["n"]: c["text"] for c in out["citations"]}
    assert out["direct"] in cited[out["direct_citation"]]
    assert out["answer"].startswith(out["direct"])
