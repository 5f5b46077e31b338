"""Composing answers: a quoted sentence for fact questions, one item per article (locality) for list
questions, and an explicit "not in the corpus" with the nearest passages when the evidence is weak.

Nothing here writes a claim of its own: every sentence of an answer is a verbatim quote, or a frame
("Theo bài …:") around one, followed by the marker of the passage the quote comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Sequence

from index.records import Hit, SearchFilters

from .evidence import coverage, idf_weights, rank_sentences, sentence_spans, unknown_share
from .gloss import Gloss, gloss
from .records import Answer, Citation, Item

if TYPE_CHECKING:
    from index.api import Index

    from .analyze import QuestionAnalysis

# Abstain when the best passage covers less than this share of the question's (IDF-weighted) words and
# its cosine is below MIN_DENSE: the corpus does not talk about what was asked.
MIN_COVERAGE = 0.35
MIN_DENSE = 0.82
# ...or when half of a Vietnamese question's IDF mass is in words the corpus never uses (xquad_vi_dev's
# answerable questions stay under 0.4; "Giá vàng hôm nay là bao nhiêu?" is at 0.66). For an English
# question: half of its content words neither in the glossary nor in the corpus (qa/gloss.py).
MAX_UNKNOWN = 0.5
RELATED_SHOWN = 3
MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class Wording:
    according: str
    none_found: str
    list_intro: str
    not_level: str
    misprint: str


_WORDING = {
    "vi": Wording(
        according="Theo bài “{title}”{date}: “{quote}” [{n}]",
        none_found="Không tìm thấy thông tin trả lời câu hỏi này trong các bài viết đã lập chỉ mục.",
        list_intro="Tìm thấy {count} kết quả trong các bài viết:",
        not_level="{label} là đơn vị cấp {level}, không phải {asked}.",
        misprint="bài viết in “{printed}”, đã đối chiếu với tiêu đề là {canonical}",
    ),
    "en": Wording(
        according="According to “{title}”{date}: “{quote}” [{n}]",
        none_found="The indexed articles do not contain an answer to this question.",
        list_intro="Found {count} matching results in the articles:",
        not_level="{label} is a {level}-level unit, not a {asked}.",
        misprint="the article prints “{printed}”; its title gives {canonical}",
    ),
}
_LEVEL_NAME = {
    "vi": {"province": "tỉnh/thành phố", "district": "quận/huyện", "ward": "phường/xã"},
    "en": {"province": "province/city", "district": "district", "ward": "ward/commune"},
}


def answer(index: "Index", question: str, *, filters: SearchFilters = SearchFilters()) -> Answer:
    from .analyze import analyze

    question = (question or "").strip()
    # Analysis, retrieval and scoring read at most MAX_QUESTION_CHARS: no real question is longer, and a
    # pasted 100 kB "question" must not hold a worker for minutes. The answer still echoes it whole.
    asked = question[:MAX_QUESTION_CHARS]
    analysis = analyze(asked)
    if not asked or not any(ch.isalnum() for ch in asked):
        result = _abstain(asked, analysis.language, ())
    else:
        listed = _list_answer(index, asked, analysis, filters) if _enumerates(asked, analysis) else None
        result = listed or _fact_answer(index, asked, analysis, filters)
    return replace(result, question=question) if asked != question else result


def _enumerates(question: str, analysis: "QuestionAnalysis") -> bool:
    """A list across articles needs something to enumerate: the articles on a document, places, or
    documents. "Những gì đã được sản xuất tại công ty của Tesla?" asks about one topic; its answer is one
    sentence (often itself a list), not one item per article that happens to match."""
    if analysis.answer_type != "list":
        return False
    return bool(analysis.refs or analysis.localities or analysis.asks_for_places or _asks_for_documents(question))


@dataclass(frozen=True)
class FactEvidence:
    """What a fact answer is chosen from, gathered as ``qa.answer`` does (``bench.tune_evidence`` reuses it)."""

    words: str  # the question's words in Vietnamese: itself, or an English question's rendering
    rendered: Gloss | None  # the rendering, for an English question
    query_vector: object
    candidates: list
    hits: list[Hit]  # the top 10, constrained articles first
    given: list[str]  # per hit: the question's places and documents its article is about


def fact_evidence(index: "Index", question: str, analysis: "QuestionAnalysis",
                  filters: SearchFilters = SearchFilters()) -> FactEvidence:
    # Words are matched in Vietnamese: an English question through its glossary rendering (qa/gloss.py),
    # while the query vector stays the question's own (e5 matches across languages).
    rendered = gloss(question, analysis) if analysis.language == "en" else None
    words = rendered.text if rendered and rendered.text else question
    query_vector = index.query_vector(question)
    candidates = index.candidates(f"{question} {words}" if rendered else question, filters=filters,
                                  query_vector=query_vector)
    hits = _naming_the_documents_first(index, candidates, analysis)
    constrained = bool(analysis.refs or analysis.localities)
    entities_of = {doc_id: index.entities(doc_id) for doc_id in {h.doc_id for h in hits}} if constrained else {}
    hits = _prefer_constrained(hits, analysis, entities_of)
    return FactEvidence(words, rendered, query_vector, candidates, hits,
                        _given_by_article(hits, analysis, entities_of))


def _fact_answer(index: "Index", question: str, analysis: "QuestionAnalysis", filters: SearchFilters) -> Answer:
    lang = analysis.language
    lexical = index.lexical()
    found = fact_evidence(index, question, analysis, filters)
    hits = found.hits
    if not hits:
        return _abstain(question, lang, ())
    weights = idf_weights(found.words, lexical)
    best_cov = max(coverage(h.passage.text + " " + h.title, weights, folded=False) for h in hits[:3])
    best_dense = max((c.dense_score or 0.0) for c in found.candidates[:3])
    nearby = " ".join(h.title + " " + h.passage.text for h in hits[:3])
    if found.rendered is None:
        unknown = unknown_share(weights, question, lexical, nearby)
    else:
        unknown = _unknown_english(found.rendered, lexical)
    if (best_cov < MIN_COVERAGE and best_dense < MIN_DENSE) or unknown >= MAX_UNKNOWN:
        return _abstain(question, lang, hits[:RELATED_SHOWN])
    ranked = rank_sentences(found.words, analysis.answer_type, hits, found.query_vector, index.encode_sentences,
                            lexical, given=found.given)
    if not ranked:  # no sentence holds an answer of the expected type
        return _abstain(question, lang, hits[:RELATED_SHOWN])
    best = ranked[0]
    hit = hits[best.hit_index]
    citation = Citation(1, hit, best.start, best.end)
    text = _according(lang, hit, citation)
    return Answer(question, text, False, lang, "fact", (citation,))


def _unknown_english(rendered: Gloss, lexical) -> float:
    """Share of an English question's content words that the glossary cannot render and the corpus never
    uses: "weather" and "tomorrow" in "What is the weather in Hanoi tomorrow?" (2 of 3)."""
    if not rendered.content_words or lexical is None:
        return 0.0
    from index.lexical import tokenize

    unknown = 0
    for word in rendered.unrendered:
        tokens = tokenize(word, folded=True)
        df = lexical.document_frequency(tokens, folded=True) if tokens else {}
        unknown += not tokens or not all(df.get(t) for t in tokens)
    return unknown / rendered.content_words


def _prefer_constrained(hits: list[Hit], analysis: "QuestionAnalysis", entities_of: dict) -> list[Hit]:
    """Move passages of articles that match the question's document references and localities first:
    an exact "290" outranks a semantically close "218" (dense vectors blur numbers). ``entities_of``: each
    hit's article entities (read once per article by the caller)."""
    if not analysis.refs and not analysis.localities:
        return hits
    ref_keys = {r.key for r in analysis.refs}
    place_keys = {_place_key(p.name) for p in analysis.localities}

    def matches(hit: Hit) -> int:
        entities = entities_of[hit.doc_id]
        score = 0
        if ref_keys and ref_keys & {r.key for r in entities.refs}:
            score += 1
        if place_keys and place_keys & _article_place_keys(entities):
            score += 1
        return score

    return sorted(hits, key=lambda h: -matches(h))  # stable: keeps retrieval order within a group


def _naming_the_documents_first(index: "Index", candidates: list, analysis: "QuestionAnalysis") -> list[Hit]:
    """The top 10 passages, those of articles that cite a document the question names first, drawn from
    the whole candidate depth: for "Quyết định 218-QĐ/TW được ban hành ngày nào?" BM25 ranks the 218
    passage first, but the dense side blurs 218 with 290 and fusion left it 12th."""
    docs = set(index.docs_with("doc", [r.key for r in analysis.refs])) if analysis.refs else set()
    if not docs:
        return index.hits(candidates[:10])
    hits = index.hits(candidates)
    return sorted(hits, key=lambda h: h.doc_id not in docs)[:10]  # stable: retrieval order otherwise


def _given_by_article(hits: Sequence[Hit], analysis: "QuestionAnalysis", entities_of: dict) -> list[str]:
    """Per hit: the question's places and documents that the hit's article is about, as the question
    writes them (and by their Vietnamese names, for an English question)."""
    if not analysis.refs and not analysis.localities:
        return []
    given = []
    for hit in hits:
        entities = entities_of[hit.doc_id]
        places = _article_place_keys(entities)
        refs = {r.key for r in entities.refs}
        words = [f"{p.surface} {p.name}" for p in analysis.localities if _place_key(p.name) in places]
        words += [r.surface for r in analysis.refs if r.key in refs]
        given.append(" ".join(words))
    return given


def _list_answer(index: "Index", question: str, analysis: "QuestionAnalysis", filters: SearchFilters) -> Answer | None:
    """One item per locality (or article) among *all* articles that satisfy the question's constraints."""
    lang = analysis.language
    words = _WORDING[lang]
    if analysis.refs:
        docs = set(index.docs_with("doc", [r.key for r in analysis.refs]))
    else:
        hits = index.search(question, 20, filters=filters)
        docs = {h.doc_id for h in hits if (h.dense_rank and h.bm25_rank)}
    if filters:
        docs &= index.docs_matching(filters)
    docs = {d for d in docs if _satisfies(index, d, analysis)}
    if analysis.asks_for_places and not analysis.refs:
        # Without a document to pin the articles down, only those that name a place can answer "which
        # districts …"; the rest merely share words with the question.
        docs = {d for d in docs if index.entities(d).primary_locality is not None}
    if not docs:
        return None
    query_vector = index.query_vector(question)
    if _asks_for_documents(question):
        return _documents_answer(index, question, analysis, sorted(docs), query_vector)
    citations: list[Citation] = []
    groups: dict[str, list[int]] = {}
    meta: dict[str, tuple[str | None, str]] = {}
    for doc_id in sorted(docs):
        # Every passage of the article competes: the sentence that states the fact may rank low for a
        # question that also names the city ("… ở Hà Nội …").
        cands = index.candidates(question, within_docs=[doc_id], depth=200, query_vector=query_vector)
        hits = index.hits(cands)
        if not hits:
            continue
        hit, (start, end) = _evidence_in(index, hits, analysis)
        entities = index.entities(doc_id)
        place = entities.primary_locality
        label = _place_label(place) if place else hit.title
        n = len(citations) + 1
        citations.append(Citation(n, hit, start, end))
        groups.setdefault(label, []).append(n)
        meta[label] = (place.level if place else None, _misprint_note(lang, entities, hit))
    if not citations:
        return None
    items, lines = [], [words.list_intro.format(count=len(groups))]
    asked = analysis.asked_level
    for label, ns in groups.items():
        level, misprint = meta[label]
        note = None
        if asked and level and level != asked:
            note = words.not_level.format(label=label, level=_LEVEL_NAME[lang][level], asked=_LEVEL_NAME[lang][asked])
        items.append(Item(label, tuple(ns), level, note))
        for n in ns:
            c = citations[n - 1]
            extra = "; ".join(x for x in (note, misprint) if x)
            lines.append(f"- {label}: “{c.quote}” [{n}]" + (f" ({extra})" if extra else ""))
    return Answer(question, "\n".join(lines), False, lang, "list", tuple(citations), tuple(items))


_DOCUMENT_WORDS = re.compile(
    r"\b(?:văn bản|nghị quyết|quyết định|chỉ thị|kết luận|chương trình|kế hoạch)\s+(?:nào|gì)\b|"
    r"\bwhich\s+(?:documents?|resolutions?|decisions?|directives?|conclusions?)\b|"
    r"\bwhat\s+(?:documents?|resolutions?|decisions?|directives?)\b"
)


def _asks_for_documents(question: str) -> bool:
    from index.normalize import search_text

    return _DOCUMENT_WORDS.search(search_text(question)) is not None


def _documents_answer(index: "Index", question: str, analysis: "QuestionAnalysis", docs: Sequence[str],
                      query_vector) -> Answer | None:
    """'Quận Thanh Xuân tổng kết những văn bản nào?': one item per document reference found in a sentence
    that also states the asked action, each citing that sentence."""
    from index.normalize import search_text
    from index.refs import find_refs

    lang = analysis.language
    terms = [search_text(t) for t in analysis.action_terms]
    citations: list[Citation] = []
    items: dict[str, list[int]] = {}
    for doc_id in docs:
        # A misprinted number reads as its corrected document (000 prints 209-QĐ/TW for 290-QĐ/TW).
        corrected = {f"{r.kind}:{r.corrected_from}": r for r in index.entities(doc_id).refs if r.corrected_from}
        for passage_hit in index.hits(index.candidates(question, within_docs=[doc_id], depth=200,
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
    lines = [_WORDING[lang].list_intro.format(count=len(items))]
    for label, ns in items.items():
        lines.append(f"- {label} [{', '.join(map(str, ns))}]")
    for c in citations:
        lines.append(f"[{c.n}] “{c.quote}”")
    return Answer(question, "\n".join(lines), False, lang, "list", tuple(citations),
                  tuple(Item(label, tuple(ns)) for label, ns in items.items()))


def _satisfies(index: "Index", doc_id: str, analysis: "QuestionAnalysis") -> bool:
    """Place, time and action constraints of the question, checked on the article itself."""
    article = index.article(doc_id)
    if article is None:
        return False
    entities = index.entities(doc_id)
    if analysis.localities:
        names = _article_place_keys(entities)
        if not all(_place_key(p.name) in names for p in analysis.localities):
            return False
    if analysis.years:
        years = {int(d[:4]) for d in (article.date, entities.event_date) if d}
        if not years & set(analysis.years):
            return False
    if analysis.action_terms:
        from index.normalize import search_text

        haystack = search_text(article.title + "\n" + article.text)
        if not any(search_text(term) in haystack for term in analysis.action_terms):
            return False
    return True


def _evidence_in(index: "Index", hits: Sequence[Hit], analysis: "QuestionAnalysis") -> tuple[Hit, tuple[int, int]]:
    """The sentence of an article that states the fact asked: it names the document (in any form or
    misprint) and the action, else the best-matching sentence of its best passage."""
    from index.normalize import search_text
    from index.refs import find_refs

    keys = {r.key for r in analysis.refs}
    entities = index.entities(hits[0].doc_id)
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


def _misprint_note(lang: str, entities, hit: Hit) -> str:
    notes = []
    for ref in entities.refs:
        if ref.corrected_from and f"{ref.corrected_from}-{ref.kind}" in hit.passage.text:
            notes.append(_WORDING[lang].misprint.format(
                printed=f"{ref.corrected_from}-{ref.kind}" + (f"/{ref.issuer}" if ref.issuer else ""),
                canonical=ref.canonical))
    return "; ".join(dict.fromkeys(notes))


def _place_label(place) -> str:
    parent = place.province if place.level != "province" else None
    return f"{place.full_name}, {parent}" if parent and parent not in place.full_name else place.full_name


def _article_place_keys(entities) -> set[str]:
    """Every locality an article names, with the parents of its primary one (Tây Hồ → Hà Nội)."""
    names = {_place_key(p.name) for p in entities.localities}
    place = entities.primary_locality
    if place is not None:
        names |= {_place_key(n) for n in (place.name, place.province, place.district or "") if n}
    return names


def _place_key(name: str) -> str:
    from index.facets import locality_key

    return locality_key(name)


def _according(lang: str, hit: Hit, citation: Citation) -> str:
    date = f" ({hit.date})" if hit.date else ""
    return _WORDING[lang].according.format(title=hit.title, date=date, quote=citation.quote, n=citation.n)


def _abstain(question: str, lang: str, related: Sequence[Hit]) -> Answer:
    return Answer(question, _WORDING[lang].none_found, True, lang, "none", (), (), tuple(related))
