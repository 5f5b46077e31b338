"""Yes/no questions ("Quận Tây Hồ đã tổng kết Quyết định 290 chưa?", "Cần Thơ có … không?", "Did Can Tho
review Decision 290?"): the quoted sentence that settles it, with "Có —"/"Yes —" in front only when it
literally does — it states every action the question asks (tổng kết, tổ chức …) without a negation or a
future before it ("sẽ nghiên cứu để ban hành" settles nothing), names every asked document (a misprint
resolved by the article's entities counts), and carries most of the question's other content words. The
asked place and persons are checked on the article before (``qa.constraints``). Anything less: the
candidates as "possibly", never a verdict. No other word is added to a quote."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from index.records import Hit
from index.text import find_refs, fold, search_text

from ..records import Answer, Citation
from .wording import according

if TYPE_CHECKING:
    from ..analyze import QuestionAnalysis

NEGATION = re.compile(r"(?<!\w)(?:không|chưa|chẳng|sẽ|dự kiến|chuẩn bị|kế hoạch|nhằm|để)(?!\w)")
DENIAL = re.compile(r"(?<!\w)(?:không|chưa|chẳng|sẽ)(?!\w)")  # anywhere, when no action word anchors it
NEGATION_REACH = 30  # characters before the action where a negation or a future governs it
MIN_WORDS = 0.75  # share of the question's other content words the sentence must carry
MIN_PAIRS = 0.6  # ...and of their adjacent pairs, in the question's order
CHECKED = 8  # candidates looked at, best first


def settles(sentence: str, analysis: "QuestionAnalysis", corrected: dict[str, str]) -> bool:
    low = search_text(sentence)
    for term in analysis.action_terms:
        at = low.find(search_text(term))
        if at < 0 or NEGATION.search(low[max(0, at - NEGATION_REACH): at]):
            return False
    if analysis.refs:
        found = {corrected.get(r.key, r.key) for r in find_refs(sentence)}
        if not {r.key for r in analysis.refs} <= found:
            return False
    if analysis.language == "en":  # its words are English; the action and the document must do
        return bool(analysis.action_terms or analysis.refs)
    named = " ".join([p.surface for p in analysis.localities] + list(analysis.persons)
                     + [r.surface for r in analysis.refs] + list(analysis.action_terms))
    skip = set(fold(named).lower().split())
    words = [fold(w) for w in analysis.keywords if fold(w) not in skip and not w.isdigit()]
    if not words:
        return bool(analysis.action_terms or analysis.refs)
    if not analysis.action_terms and DENIAL.search(low):
        return False
    tokens = re.findall(r"\w+", fold(sentence).lower())
    have, pairs = set(tokens), set(zip(tokens, tokens[1:]))
    asked_pairs = list(zip(words, words[1:]))  # word order: "tình nguyện viên", not the three anywhere
    if asked_pairs and sum(p in pairs for p in asked_pairs) / len(asked_pairs) < MIN_PAIRS:
        return False
    return sum(w in have for w in words) / len(words) >= MIN_WORDS


def yes_no_answer(question: str, analysis: "QuestionAnalysis", candidates: Sequence, hits: Sequence[Hit],
                  corrected_of: dict[str, dict[str, str]], verdict: str, confidence: float | None,
                  threshold: float) -> Answer | None:
    """The verdict and the settling quote, or None (the caller shows the candidates as "possibly").
    ``corrected_of``: per article, misprinted ref keys → the keys its entities resolve them to."""
    for cand in list(candidates)[:CHECKED]:
        hit = hits[cand.hit_index]
        if settles(cand.text, analysis, corrected_of.get(hit.doc_id, {})):
            citation = Citation(1, hit, cand.start, cand.end)
            text = f"{verdict} — {according(analysis.language, hit, citation)}"
            return Answer(question, text, False, analysis.language, "fact", (citation,),
                          confidence=max(confidence or 0.0, threshold))
    return None
