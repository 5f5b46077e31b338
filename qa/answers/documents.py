"""'Which documents …?' answers (``Question.asks_documents``): one item per document reference found in a sentence that also states the
asked action, each citing that sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from index.text import find_refs, search_text

from ..rank import sentence_spans
from ..records import Answer, Citation, Item
from .wording import WORDING

if TYPE_CHECKING:
    from ..analyze import QuestionAnalysis
    from ..retrieve import Corpus

def documents_answer(corpus: "Corpus", question: str, analysis: "QuestionAnalysis", docs: Sequence[str],
                      query_vector) -> Answer | None:
    """'Quận Thanh Xuân tổng kết những văn bản nào?': one item per document reference found in a sentence
    that also states the asked action, each citing that sentence."""
    lang = analysis.language
    terms = [search_text(t) for t in analysis.action_terms]
    citations: list[Citation] = []
    items: dict[str, list[int]] = {}
    for doc_id in docs:
        # A misprinted number reads as its corrected document (000 prints 209-QĐ/TW for 290-QĐ/TW).
        corrected = {f"{r.kind}:{r.corrected_from}": r for r in corpus.entities(doc_id).refs if r.corrected_from}
        for passage_hit in corpus.hits(corpus.candidates(question, within_docs=[doc_id], depth=200,
                                                       query_vector=query_vector)):
            for start, end in sentence_spans(passage_hit.passage.text):
                sentence = passage_hit.passage.text[start:end]
                if terms and not any(t in search_text(sentence) for t in terms):
                    continue
                refs = [corrected.get(r.key, r) for r in find_refs(sentence) if r.issuer]
                new = [r for r in refs if r.canonical not in items]
                if not new:
                    continue
                n = len(citations) + 1
                citations.append(Citation(n, passage_hit, start, end))
                for ref in new:
                    items.setdefault(ref.canonical, []).append(n)
    if not citations:
        return None
    lines = [WORDING[lang].list_intro.format(count=len(items))]
    for label, ns in items.items():
        lines.append(f"- {label} [{', '.join(map(str, ns))}]")
    for c in citations:
        lines.append(f"[{c.n}] “{c.quote}”")
    return Answer(question, "\n".join(lines), False, lang, "list", tuple(citations),
                  tuple(Item(label, tuple(ns)) for label, ns in items.items()))
