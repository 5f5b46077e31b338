"""The last steps every answer goes through, whatever path made it (a typed question or a resolved
follow-up): a count answer must count what was asked, a passage is cited once, the fact leads (qa.direct),
and an abstention names its nearest articles instead of ending on "gần nhất:" with nothing after it."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..direct import with_direct
from ..direct.attach import short_title
from index.text.refs import has_diacritics

from ..direct.score import candidates, counted_words
from ..records import Answer
from .abstain import abstain
from .wording import WORDING

if TYPE_CHECKING:
    from ..analyze import QuestionAnalysis

NEAREST_NAMED = 3  # articles an abstention names as nearest


def finish(answer: Answer, analysis: "QuestionAnalysis") -> Answer:
    return nearest_named(with_direct(one_card_per_passage(counts_what_was_asked(answer, analysis)), analysis))


def counts_what_was_asked(answer: Answer, analysis: "QuestionAnalysis") -> Answer:
    """A quoted answer to "<place/document> … bao nhiêu <noun>?" whose quoted sentence gives no figure of that
    noun (the Thanh Xuân article's "khen thưởng 7 tập thể" for "bao nhiêu Tổ dân vận") abstains, naming the
    noun. Only where the question names a place or document (as fact.MIN_CONFIDENCE) and is Vietnamese: the
    counted noun is then the reports' own word. "8 người tử vong" still counts "bao nhiêu người chết"."""
    if answer.abstained or answer.kind != "fact" or len(answer.citations) != 1 or analysis.answer_type != "count" \
            or analysis.language != "vi" or not (analysis.localities or analysis.refs) or analysis.asks_money:
        return answer
    question = analysis.question or answer.question
    noun = counted_words(question, has_diacritics(question))
    found = candidates(answer.citations[0].quote, question, analysis)
    if not noun or found is None or found.kind != "count":
        return answer
    from ..direct.features import NAMES

    k = NAMES.index("counts_noun")
    if any(row[k] for row in found.rows):
        return answer
    return abstain(answer.question, answer.language, tuple(c.hit for c in answer.citations),
                   unmet=question[noun[0].start : noun[-1].end], why="uncounted")


def nearest_named(answer: Answer) -> Answer:
    """An abstention whose wording ends on "…; gần nhất:" gets its nearest articles' short titles there (the
    passages themselves are in ``related``, which the JSON does not carry), or a full stop when it has none."""
    words = WORDING[answer.language]
    if not answer.abstained or not answer.text.endswith(":") or answer.text == words.none_found:
        return answer
    titles = list(dict.fromkeys(short_title(h.title) for h in answer.related if h.title))[:NEAREST_NAMED]
    if titles:
        text = answer.text + " " + "; ".join(f"“{t}”" for t in titles) + "."
    else:
        text = answer.text.rsplit(";", 1)[0] + "."
    return replace(answer, text=text)


def one_card_per_passage(answer: Answer) -> Answer:
    """A "possibly" answer quoting two sentences of one passage cites it once: both quotes carry its number,
    and its evidence card is shown once (the README's Tổ dân vận question showed one card twice)."""
    if answer.kind != "fact" or len(answer.citations) < 2:
        return answer
    first_of: dict[str, int] = {}
    renumber: dict[int, int] = {}
    kept = []
    for c in answer.citations:
        pid = c.hit.passage.passage_id
        if pid not in first_of:
            first_of[pid] = len(kept) + 1
            kept.append(replace(c, n=len(kept) + 1))
        renumber[c.n] = first_of[pid]
    if len(kept) == len(answer.citations):
        return answer
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber.get(int(m.group(1)), int(m.group(1)))}]", answer.text)
    return replace(answer, text=text, citations=tuple(kept),
                   candidates=tuple((quote, renumber.get(n, n)) for quote, n in answer.candidates))
