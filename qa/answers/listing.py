"""List questions: one item per locality (or article) among *all* articles that satisfy the question's
constraints, each quoting the sentence of its article that states the fact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from index.records import Hit, SearchFilters
from index.text import find_refs, search_text

from ..constraints import place_label, satisfies
from ..rank import sentence_spans
from ..records import Answer, Citation, Item
from .documents import documents_answer
from .wording import LEVEL_NAME, WORDING, misprint_note

if TYPE_CHECKING:
    from ..analyze import QuestionAnalysis
    from ..question import Question
    from ..retrieve import Corpus


def list_answer(corpus: "Corpus", analysis: "Question", filters: SearchFilters) -> Answer | None:
    """One item per locality (or article) among *all* articles that satisfy the question's constraints."""
    question = analysis.text
    lang = analysis.language
    words = WORDING[lang]
    if analysis.refs:
        docs = set(corpus.docs_with("doc", [r.key for r in analysis.refs]))
    else:
        hits = corpus.search(question, 20, filters=filters)
        docs = {h.doc_id for h in hits if (h.dense_rank and h.bm25_rank)}
    if filters:
        docs &= corpus.docs_matching(filters)
    docs = {d for d in docs if satisfies(corpus, d, analysis)}
    if analysis.asks_for_places and not analysis.refs:
        # Without a document to pin the articles down, only those that name a place can answer "which
        # districts …"; the rest merely share words with the question.
        docs = {d for d in docs if corpus.entities(d).primary_locality is not None}
    if not docs:
        return None
    query_vector = corpus.query_vector(question)
    if analysis.asks_documents:
        return documents_answer(corpus, question, analysis, sorted(docs), query_vector)
    citations: list[Citation] = []
    groups: dict[str, list[int]] = {}
    meta: dict[str, tuple[str | None, str]] = {}
    for doc_id in sorted(docs):
        # Every passage of the article competes: the sentence that states the fact may rank low for a
        # question that also names the city ("… ở Hà Nội …").
        cands = corpus.candidates(question, within_docs=[doc_id], depth=200, query_vector=query_vector)
        hits = corpus.hits(cands)
        if not hits:
            continue
        hit, (start, end) = evidence_in(corpus, hits, analysis)
        entities = corpus.entities(doc_id)
        place = entities.primary_locality
        label = place_label(place) if place else hit.title
        n = len(citations) + 1
        citations.append(Citation(n, hit, start, end))
        groups.setdefault(label, []).append(n)
        meta[label] = (place.level if place else None, misprint_note(lang, entities, hit))
    if not citations:
        return None
    items, lines = [], [words.list_intro.format(count=len(groups))]
    asked = analysis.asked_level
    for label, ns in groups.items():
        level, misprint = meta[label]
        note = None
        if asked and level and level != asked:
            note = words.not_level.format(label=label, level=LEVEL_NAME[lang][level], asked=LEVEL_NAME[lang][asked])
        items.append(Item(label, tuple(ns), level, note))
        for n in ns:
            c = citations[n - 1]
            extra = "; ".join(x for x in (note, misprint) if x)
            lines.append(f"- {label}: “{c.quote}” [{n}]" + (f" ({extra})" if extra else ""))
    return Answer(question, "\n".join(lines), False, lang, "list", tuple(citations), tuple(items))


def evidence_in(corpus: "Corpus", hits: Sequence[Hit], analysis: "QuestionAnalysis") -> tuple[Hit, tuple[int, int]]:
    """The sentence of an article that states the fact asked: it names the document (in any form or
    misprint) and the action, else the best-matching sentence of its best passage."""
    keys = {r.key for r in analysis.refs}
    entities = corpus.entities(hits[0].doc_id)
    corrected = {f"{r.kind}:{r.corrected_from}": r.key for r in entities.refs if r.corrected_from}
    terms = [search_text(t) for t in analysis.action_terms]
    best: tuple[int, Hit, tuple[int, int]] | None = None
    for rank, hit in enumerate(hits):
        for start, end in sentence_spans(hit.passage.text):
            sentence = hit.passage.text[start:end]
            found = {corrected.get(r.key, r.key) for r in find_refs(sentence)}
            score = (2 if keys & found else 0) + (1 if any(t in search_text(sentence) for t in terms) else 0)
            score = score * 10 - rank
            if best is None or score > best[0]:
                best = (score, hit, (start, end))
    assert best is not None
    return best[1], best[2]
