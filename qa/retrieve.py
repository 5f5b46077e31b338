"""Everything an answer is chosen from, gathered in one place: the only module of ``qa`` that talks to the
index. ``Corpus`` is the index as one question sees it (articles' entities read once per question);
``fact_evidence`` gathers a fact answer's candidates as ``qa.answer`` and ``studies.tune_evidence`` both use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from index.records import Article, ArticleEntities, Candidate, Hit, Passage, SearchFilters

from .constraints import article_place_keys, place_key
from .gloss import Gloss, gloss

if TYPE_CHECKING:
    import numpy as np

    from index.api import Index

    from .analyze import QuestionAnalysis
    from .cards import Registry
    from .learned import Models


@dataclass
class Corpus:
    """The index as one question reads it. Entities, articles and query vectors are read once each."""

    index: "Index"
    _entities: dict[str, ArticleEntities] = field(default_factory=dict)
    _articles: dict[str, Article | None] = field(default_factory=dict)
    _query_vectors: dict[str, "np.ndarray"] = field(default_factory=dict)

    def query_vector(self, question: str) -> "np.ndarray":
        # A list question that falls back to a fact answer asks for the same vector twice (40–90 ms each).
        if question not in self._query_vectors:
            self._query_vectors[question] = self.index.query_vector(question)
        return self._query_vectors[question]

    def candidates(self, query: str, **kwargs) -> list[Candidate]:
        return self.index.candidates(query, **kwargs)

    def candidates_of(self, question: str, query: str, **kwargs) -> tuple[list[Candidate], "np.ndarray"]:
        """Candidates for ``query`` and ``question``'s vector, embedded while BM25 scores when not yet known."""
        found, vector = self.index.candidates_and_vector(query, embed=question,
                                                         query_vector=self._query_vectors.get(question), **kwargs)
        if vector is None:  # nothing to search (an empty index): the vector is still the question's
            vector = self.query_vector(question)
        self._query_vectors[question] = vector
        return found, vector

    def hits(self, candidates: Sequence[Candidate]) -> list[Hit]:
        return self.index.hits(candidates)

    def search(self, query: str, k: int, *, filters: SearchFilters = SearchFilters()) -> list[Hit]:
        return self.index.search(query, k, filters=filters, query_vector=self.query_vector(query))

    def docs_with(self, facet: str, values: Sequence[str]) -> set[str]:
        return self.index.docs_with(facet, values)

    def docs_matching(self, filters: SearchFilters) -> set[str]:
        return self.index.docs_matching(filters)

    def entities(self, doc_id: str) -> ArticleEntities:
        if doc_id not in self._entities:
            self._entities[doc_id] = self.index.entities(doc_id)
        return self._entities[doc_id]

    def article(self, doc_id: str) -> Article | None:
        if doc_id not in self._articles:
            self._articles[doc_id] = self.index.article(doc_id)
        return self._articles[doc_id]

    def lexical(self):
        return self.index.lexical()

    def passages(self, doc_id: str) -> list[Passage]:
        return self.index.passages(doc_id)

    def cards(self) -> "Registry":
        """The document cards of the index's committed generation (``qa.cards``)."""
        from .cards import registry

        return registry(self.index)

    def encode_sentences(self, texts: Sequence[str]) -> "np.ndarray":
        return self.index.encode_sentences(texts)


@dataclass(frozen=True)
class FactEvidence:
    """What a fact answer is chosen from, gathered as ``qa.answer`` does (``studies.tune_evidence`` reuses it)."""

    words: str  # the question's words in Vietnamese: itself, or an English question's rendering
    rendered: Gloss | None  # the rendering, for an English question
    query_vector: object
    candidates: list
    hits: list[Hit]  # the top 10, constrained articles first
    given: list[str]  # per hit: the question's places and documents its article is about
    passage_scores: list[float] | None = None  # per hit: the learned passage ranker's score (None: no ranker)


def fact_evidence(corpus: Corpus, question: str, analysis: "QuestionAnalysis",
                  filters: SearchFilters = SearchFilters(), models: "Models | None" = None) -> FactEvidence:
    # Words are matched in Vietnamese: an English question through its glossary rendering (qa/gloss.py),
    # while the query vector stays the question's own (e5 matches across languages).
    rendered = gloss(question, analysis) if analysis.language == "en" else None
    words = rendered.text if rendered and rendered.text else question
    candidates, query_vector = corpus.candidates_of(question, f"{question} {words}" if rendered else question,
                                                    filters=filters)
    candidates, score_of = learned_order(corpus, words, analysis, candidates, models)
    hits = naming_the_documents_first(corpus, candidates, analysis)
    constrained = bool(analysis.refs or analysis.localities)
    entities_of = {doc_id: corpus.entities(doc_id) for doc_id in {h.doc_id for h in hits}} if constrained else {}
    hits = prefer_constrained(hits, analysis, entities_of)
    scores = None
    if score_of:  # passages from below the reranked depth (documents-first) score as the lowest reranked
        low = min(score_of.values())
        scores = [score_of.get(h.passage.passage_id, low) for h in hits]
    return FactEvidence(words, rendered, query_vector, candidates, hits,
                        given_by_article(hits, analysis, entities_of), scores)


def learned_order(corpus: Corpus, words: str, analysis: "QuestionAnalysis", candidates: list,
                  models: "Models | None" = None) -> tuple[list, dict[str, float]]:
    """The fused candidates with their top reordered by the learned passage ranker (qa.learned), and its
    score per passage id; as they came and {} without a ranker."""
    from .learned import rerank, shipped_models

    models = models or shipped_models()
    if models.passage is None or not candidates:
        return candidates, {}
    top_hits = corpus.hits(candidates[: models.passage_depth])
    ordered, hits, scores = rerank(words, analysis.answer_type, candidates, top_hits, corpus.lexical(), models)
    if scores is None:
        return candidates, {}
    return ordered, {h.passage.passage_id: float(s) for h, s in zip(hits, scores)}


def prefer_constrained(hits: list[Hit], analysis: "QuestionAnalysis", entities_of: dict) -> list[Hit]:
    """Move passages of articles that match the question's document references and localities first:
    an exact "290" outranks a semantically close "218" (dense vectors blur numbers). ``entities_of``: each
    hit's article entities (read once per article by the caller)."""
    if not analysis.refs and not analysis.localities:
        return hits
    ref_keys = {r.key for r in analysis.refs}
    place_keys = {place_key(p.name) for p in analysis.localities}

    def matches(hit: Hit) -> int:
        entities = entities_of[hit.doc_id]
        score = 0
        if ref_keys and ref_keys & {r.key for r in entities.refs}:
            score += 1
        if place_keys and place_keys & article_place_keys(entities):
            score += 1
        return score

    return sorted(hits, key=lambda h: -matches(h))  # stable: keeps retrieval order within a group


def naming_the_documents_first(corpus: "Corpus", candidates: list, analysis: "QuestionAnalysis") -> list[Hit]:
    """The top 10 passages, those of articles that cite a document the question names first, drawn from
    the whole candidate depth: for "Quyết định 218-QĐ/TW được ban hành ngày nào?" BM25 ranks the 218
    passage first, but the dense side blurs 218 with 290 and fusion left it 12th."""
    docs = set(corpus.docs_with("doc", [r.key for r in analysis.refs])) if analysis.refs else set()
    if not docs:
        return corpus.hits(candidates[:10])
    hits = corpus.hits(candidates)
    return sorted(hits, key=lambda h: h.doc_id not in docs)[:10]  # stable: retrieval order otherwise


def given_by_article(hits: Sequence[Hit], analysis: "QuestionAnalysis", entities_of: dict) -> list[str]:
    """Per hit: the question's places and documents that the hit's article is about, as the question
    writes them (and by their Vietnamese names, for an English question)."""
    if not analysis.refs and not analysis.localities:
        return []
    given = []
    for hit in hits:
        entities = entities_of[hit.doc_id]
        places = article_place_keys(entities)
        refs = {r.key for r in entities.refs}
        words = [f"{p.surface} {p.name}" for p in analysis.localities if place_key(p.name) in places]
        words += [r.surface for r in analysis.refs if r.key in refs]
        given.append(" ".join(words))
    return given
