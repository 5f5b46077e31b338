"""Fact questions: one quoted sentence, cited, or an abstention when the corpus does not talk about what
was asked."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from index.records import SearchFilters
from index.text import tokenize

from ..gloss import Gloss
from ..learned import choose, restrict, shipped_models
from ..constraints import names_everyone, pinned, time_holds
from ..offices import Office, glossed_office, states_office
from ..rank import counted_noun, coverage, idf_weights, pick_variant, unknown_share
from ..organisations import asked_organisations, names_organisation
from ..recency import asks_about_today, dated_today, today_label
from ..records import Answer, Citation
from ..retrieve import fact_evidence
from .abstain import abstain
from .subject import subject_answer
from .who import who_answer
from .yesno import yes_no_answer
from .wording import WORDING, according

if TYPE_CHECKING:
    from ..analyze import QuestionAnalysis
    from ..retrieve import Corpus, FactEvidence

# Abstain when the best passage covers less than this share of the question's (IDF-weighted) words and
# its cosine is below MIN_DENSE: the corpus does not talk about what was asked.
MIN_COVERAGE = 0.35
MIN_DENSE = 0.82
# ...or when half of a Vietnamese question's IDF mass is in words the corpus never uses (xquad_vi_dev's
# answerable questions stay under 0.4; "Giá vàng hôm nay là bao nhiêu?" is at 0.66). For an English
# question: half of its content words neither in the glossary nor in the corpus (qa/gloss.py).
MAX_UNKNOWN = 0.5
RELATED_SHOWN = 3
# A money amount as Vietnamese news prints it: "17 tỷ 145 triệu đồng", "10 triệu đồng", "500.000 VNĐ", "2 tỷ".
MONEY_AMOUNT = re.compile(r"\d[\d.,]*\s*(?:(?:tỷ|triệu|nghìn|ngàn)\b(?:\s*\d[\d.,]*\s*(?:triệu|nghìn|ngàn)\b)*\s*"
                          r"(?:đồng|VNĐ|VND|USD)?|(?:đồng|VNĐ|VND|USD|đ)\b)", re.IGNORECASE)
POSSIBLY_SHOWN = 3  # sentences an answer below the confidence threshold shows
# A time constraint met only by another article scoring under this share of the best (fused) passage's
# score: found by one retriever alone, or far down both (docs/questions.md, fc06/fc11).
OFF_TOPIC = 0.6
# Below this calibrated confidence, for a question that names a place or a document, the corpus holds no
# adequate evidence: abstain (showing related passages) rather than list "possibly" quotes from stories that
# merely mention the place. Among 1,000 news articles all four such answers to questions about absent
# topics sat at 0.31 ("Cần Thơ chi bao nhiêu tiền cho công tác dân vận?" → a Cần Thơ loan-shark story); the
# tune parts' out-of-fold accuracy at that level is 0.31. Not for every question: on viquad2_dev tune an
# unconditional floor abstained on 11 % of the questions, whose three candidates held the answer 58 % of
# the time (answer hit 0.817 → 0.753).
MIN_CONFIDENCE = 0.35


def fact_answer(corpus: "Corpus", question: str, analysis: "QuestionAnalysis", filters: SearchFilters) -> Answer:
    lang = analysis.language
    lexical = corpus.lexical()
    found = fact_evidence(corpus, question, analysis, filters)
    if not found.hits:
        return abstain(question, lang, ())
    if asks_about_today(question):  # only today's news tells today's price, weather or schedule
        fresh = dated_today({h.doc_id for h in found.hits}, lambda d: getattr(corpus.article(d), "date", None))
        if not fresh:
            return abstain(question, lang, found.hits[:RELATED_SHOWN], unmet=today_label(lang))
        found = only_articles(found, frozenset(fresh))
    # A named place or document is a constraint, not a hint: only articles that meet it may be quoted.
    pins = pinned(corpus, analysis, [h.doc_id for h in found.hits])
    if pins.allowed is not None:
        if not pins.allowed:
            return abstain(question, lang, found.hits[:RELATED_SHOWN], unmet=pins.unmet)
        seen = pins.allowed & {h.doc_id for h in found.hits}
        if not seen:  # articles meet it, but none among the retrieved passages
            return abstain(question, lang, (), unmet="")
        # Retrieved again inside the allowed articles that retrieval found: among thousands of other
        # articles the passage of theirs that answers may rank below the first page.
        found = only_articles(fact_evidence(corpus, question, analysis, replace(filters, articles=tuple(sorted(seen)))),
                              pins.allowed)
    organisations = asked_organisations(question)
    if organisations:  # an organisation the question names ("Hội Chữ thập đỏ"): only articles that name it
        naming = frozenset(d for d in {h.doc_id for h in found.hits}
                           if all(names_organisation(_full_text(corpus, d), o) for o in organisations))
        if not naming:
            return abstain(question, lang, found.hits[:RELATED_SHOWN],
                           unmet=" + ".join(o.label for o in organisations))
        found = only_articles(found, naming)
    if analysis.persons:  # a person the question names: only articles that name them
        named = frozenset(h.doc_id for h in found.hits if names_everyone(corpus, h.doc_id, analysis.persons))
        if not named:
            return abstain(question, lang, found.hits[:RELATED_SHOWN], unmet=" + ".join(analysis.persons))
        found = only_articles(found, named)
    if analysis.time is not None:  # a year or month: the article's dates or the passage must put it there
        timed = frozenset(h.passage.passage_id for h in found.hits if in_time(corpus, h, analysis.time))
        if not timed or off_topic(found.hits, timed):
            return abstain(question, lang, found.hits[:RELATED_SHOWN], unmet=analysis.time.label, why="unmet_time")
        found = only_passages(found, timed)
    hits = found.hits
    if analysis.asks_subject:  # what a document is about: its subject clause, quoted where an article gives it
        about = subject_answer(question, analysis, hits)
        if about is not None:
            return about
    weights = idf_weights(found.words, lexical)
    # A question typed without tone marks is matched on folded words, as its weights are.
    folded = pick_variant(found.words) == "folded"
    best_cov = max(coverage(h.passage.text + " " + h.title, weights, folded=folded) for h in hits[:3])
    best_dense = max((c.dense_score or 0.0) for c in found.candidates[:3])
    nearby = " ".join(h.title + " " + h.passage.text for h in hits[:3])
    if found.rendered is None:
        unknown = unknown_share(weights, question, lexical, nearby)
    else:
        unknown = unknown_english(found.rendered, lexical)
    if (best_cov < MIN_COVERAGE and best_dense < MIN_DENSE) or unknown >= MAX_UNKNOWN:
        return abstain(question, lang, hits[:RELATED_SHOWN])
    models = shipped_models()
    choice = choose(found.words, analysis.answer_type, hits, found.query_vector, corpus.encode_sentences, lexical,
                    models, passage_scores=found.passage_scores, given=found.given,
                    wanted=MONEY_AMOUNT.search if analysis.asks_money else None)
    if analysis.asks_money:  # an amount of money is the expected type: only sentences that state one
        choice = restrict(choice, lambda c: bool(MONEY_AMOUNT.search(c.text)), models)
    if not choice.candidates:  # no sentence holds an answer of the expected type
        return abstain(question, lang, hits[:RELATED_SHOWN])
    threshold = models.calibration.threshold if models.calibration is not None else 0.0
    # Too unsure for a question that names a place or document (MIN_CONFIDENCE): only a person named in the
    # asked role, or a literal yes/no verdict, may still stand (each is checked on its quote), not a hedge.
    unsure = (pins.allowed is not None or bool(organisations)) and choice.confidence is not None and choice.confidence < MIN_CONFIDENCE
    if pins.allowed is not None and analysis.answer_type == "count" and not analysis.asks_money and choice.tentative:
        # "Phường Thụy Khuê có bao nhiêu Tổ dân vận?" among the news: a story about that ward holds numbers, but
        # a count of something none of the sentences shown even names is no answer to it. Only for a "possibly"
        # list: news words a count its own way ("8 người tử vong" for "bao nhiêu người chết"), and a confident
        # quote is the calibrated ranker's call.
        unsure = unsure or not names_what_is_counted(question, [c.text for c in choice.candidates[:POSSIBLY_SHOWN]])
    if analysis.asks_office is None and found.rendered is not None and analysis.answer_type == "person" \
            and analysis.asks_role is None:  # an English "who is the <post>": the post as its gloss words it
        analysis = replace(analysis, asks_office=glossed_office(found.rendered.text))
    if analysis.asks_office is not None and only_the_deputy(analysis.asks_office, hits):
        # "Ai là Bí thư Quận ủy Tây Hồ?" where the articles name only the Phó Bí thư: the deputy is not the answer.
        return abstain(question, lang, hits[:RELATED_SHOWN], unmet=analysis.asks_office.label, why="unmet_office")
    if analysis.asks_role or analysis.asks_office:  # who chaired / spoke / led / holds the office: a named person in it
        people = {h.doc_id: {name for name, _ in corpus.entities(h.doc_id).people} for h in hits}
        named = who_answer(question, analysis, choice.candidates, hits, people, choice.confidence, threshold)
        if named is not None and not (unsure and (named.confidence or 0.0) < threshold):
            return named
    if analysis.asks_yes_no:
        corrected = {h.doc_id: {f"{r.kind}:{r.corrected_from}": r.key for r in corpus.entities(h.doc_id).refs
                                if r.corrected_from} for h in hits}
        settled = yes_no_answer(question, analysis, choice.candidates, hits, corrected, WORDING[lang].yes,
                                choice.confidence, threshold)
        if settled is not None:
            return settled
        choice = replace(choice, tentative=True)  # nothing settles it: candidates, never one quote
    if unsure:
        return abstain(question, lang, hits[:RELATED_SHOWN])
    if not choice.tentative:
        best = choice.candidates[0]
        citation = Citation(1, hits[best.hit_index], best.start, best.end)
        return Answer(question, according(lang, citation.hit, citation), False, lang, "fact", (citation,),
                      confidence=choice.confidence)
    # Not sure enough to quote one sentence: the top few, each cited, as "possibly".
    shown = []
    for cand in choice.candidates:
        if all(cand.text != other.text for other in shown):
            shown.append(cand)
        if len(shown) == POSSIBLY_SHOWN:
            break
    citations = tuple(Citation(n, hits[c.hit_index], c.start, c.end) for n, c in enumerate(shown, start=1))
    lines = [WORDING[lang].possibly] + [f"- {according(lang, c.hit, c)}" for c in citations]
    return Answer(question, "\n".join(lines), False, lang, "fact", citations, confidence=choice.confidence,
                  candidates=tuple((c.quote, c.n) for c in citations[1:]))


def names_what_is_counted(question: str, sentences: list[str]) -> bool:
    """Some sentence holds every word of the counted noun ("bao nhiêu cuộc giám sát" → cuộc, giám); True when
    the question names none (typed without tone marks, or English: the glossary's words vary too much)."""
    noun = counted_noun(question)
    if not noun:
        return True
    words = {w for w in tokenize(noun) if "_" not in w}  # its syllables, in any order: "21.000 cuộc … quán triệt"
    return any(words <= set(tokenize(s)) for s in sentences)


def _full_text(corpus: "Corpus", doc_id: str) -> str:
    article = corpus.article(doc_id)
    return f"{article.title}\n{article.text}" if article else ""


def off_topic(hits, timed: frozenset[str]) -> bool:
    """The article that talks about it is of another time, and what is left of the asked time is another
    article that retrieval found far weaker ("how much did Vietnam export in 2016?" where the export
    article is of 2019 and a fraud story mentions 2016): nothing of the asked time answers it."""
    top = hits[0]
    if top.passage.passage_id in timed:
        return False
    kept = [h for h in hits if h.passage.passage_id in timed]
    return all(h.doc_id != top.doc_id for h in kept) and max(h.score for h in kept) < OFF_TOPIC * top.score


def in_time(corpus: "Corpus", hit, ask) -> bool:
    """The passage states the asked time, or its article's stored dates do; an article with no stored date
    (an encyclopaedia's, a news file without one) may state it in another passage, a month by its year."""
    article = corpus.article(hit.doc_id)
    dates = (article.date if article else None, corpus.entities(hit.doc_id).event_date)
    if time_holds(ask, dates, hit.passage.text):
        return True
    if article is None or any(dates):
        return False
    # Undated: the article states the year somewhere (a month may be written out, "tháng Ba năm 1940").
    loose = replace(ask, years=ask.years + tuple(y for y, _ in ask.months), months=())
    return time_holds(loose, (), hit.passage.text) or time_holds(loose, (), article.text)


def only_the_deputy(office: Office, hits) -> bool:
    """The passages give the office's deputy ("Phó Bí thư Thường trực Quận ủy") and never the office itself.
    An office they do not give at all is left to the answer: articles word posts their own way (a translation
    prints "Bộ trưởng cuối cùng" for the asked "Thủ tướng cuối cùng")."""
    if office.head.startswith("pho "):
        return False
    deputy = replace(office, head="pho " + office.head)
    texts = [h.passage.text for h in hits]
    return not any(states_office(t, office) for t in texts) and any(states_office(t, deputy) for t in texts)


def only_articles(found: "FactEvidence", allowed: frozenset[str]) -> "FactEvidence":
    """The evidence restricted to passages of the allowed articles (per-hit lists kept aligned)."""
    return _only(found, lambda h: h.doc_id in allowed)


def only_passages(found: "FactEvidence", allowed: frozenset[str]) -> "FactEvidence":
    return _only(found, lambda h: h.passage.passage_id in allowed)


def _only(found: "FactEvidence", keep_hit) -> "FactEvidence":
    keep = [i for i, h in enumerate(found.hits) if keep_hit(h)]
    pick = lambda values: [values[i] for i in keep] if values else values  # noqa: E731
    return replace(found, hits=pick(found.hits), given=pick(found.given), passage_scores=pick(found.passage_scores))


def unknown_english(rendered: Gloss, lexical) -> float:
    """Share of an English question's content words that the glossary cannot render and the corpus never
    uses: "weather" and "tomorrow" in "What is the weather in Hanoi tomorrow?" (2 of 3)."""
    if not rendered.content_words or lexical is None:
        return 0.0

    unknown = 0
    for word in rendered.unrendered:
        tokens = tokenize(word, folded=True)
        df = lexical.document_frequency(tokens, folded=True) if tokens else {}
        unknown += not tokens or not all(df.get(t) for t in tokens)
    return unknown / rendered.content_words
