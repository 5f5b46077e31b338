"""What a document is about ("Quyết định 290 về việc gì?", "what is QĐ 290 about?"): the sentence of a
retrieved article that names the document and goes on to its subject clause — "… 290-QĐ/TW … về ban hành
Quy chế công tác dân vận …" or a quoted title "… 218-QĐ/TW … “Ban hành quy định về việc …”" — quoted and
cited. None such: the caller answers as a fact (or abstains)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from index.records import Hit
from index.text import find_refs

from ..rank import sentence_spans
from ..records import Answer, Citation
from .wording import according

if TYPE_CHECKING:
    from ..analyze import QuestionAnalysis

# After the document's mention, within this many characters: "về" (its subject) or an opening quote (its title).
REACH = 160
_ABOUT = re.compile(r"\svề\s|\s[“\"]", re.IGNORECASE)


def subject_answer(question: str, analysis: "QuestionAnalysis", hits: Sequence[Hit]) -> Answer | None:
    keys = {r.key for r in analysis.refs}
    found: list[tuple[int, int, Hit, int, int]] = []  # (kind rank, hit order, hit, start, end)
    for order, hit in enumerate(hits):
        text = hit.passage.text
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            for ref in find_refs(sentence):
                if ref.key not in keys:
                    continue
                after = sentence[ref.end: ref.end + REACH]
                m = _ABOUT.search(after)
                if m:
                    found.append((0 if "về" in m.group().lower() else 1, order, hit, start, end))
                    break
    if not found:
        return None
    _, _, hit, start, end = min(found, key=lambda f: (f[0], f[1]))
    citation = Citation(1, hit, start, end)
    return Answer(question, according(analysis.language, hit, citation), False, analysis.language, "fact",
                  (citation,))
