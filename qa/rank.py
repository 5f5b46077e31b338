"""Choosing the sentence to quote: the one that best answers the question *and* holds an answer of the
expected type (a number or an amount for "bao nhiêu", a date for "ngày nào", a name, role or body for "ai").

Features per candidate sentence: e5 cosine to the question of the sentence alone, of the sentence with the
one before it, and of the sentence under its article's title; IDF-weighted coverage of the question's
words and word pairs, discounting words that most candidate sentences share (the article's topic) — a
sentence that opens with "Nó", "Họ", "Tuy nhiên", "Ví dụ" … also inherits what its previous sentence
covers, since the answer often sits right after the sentence that restates the question; whether it
gives a figure for the noun a count question counts; and the rank of its passage. Sentences come from the
top 3 passages, and for "bao nhiêu <noun>" also any sentence of the top 10 that gives a figure for that
noun. Weights were fitted on xquad_vi_dev only (`python -m studies.tune_evidence`, with 5-fold
cross-validation; README has the figures).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from index.text.refs import within_one_edit
from index.text.tokens import pick_variant, tokenize
from index.records import Hit

from .question.counted import counted_noun  # noqa: F401  (the sentence features read it here)

# Weights of the sentence score (fitted on xquad_vi_dev; README has the sweep).
W_DENSE = 1.0
W_LEXICAL = 0.5
W_RANK = 0.08
W_SLOT = 0.5  # "bao nhiêu hội viên" answered by "5.573 hội viên": the number sits next to the counted noun
W_PHRASE = 0.5  # syllable pairs of the question found in the sentence
W_CONTINUES = 1.0  # coverage a continuing sentence inherits from the one before it
W_WINDOW = 3.0  # e5 cosine of this sentence with the one before: resolves "Nó", "Họ", "Công ty" …
W_TITLED = 1.0  # e5 cosine of this sentence with its article's title: the subject, often left implicit
# "Ai …?": a sentence naming someone new over one giving only a role ("Các đồng chí lãnh đạo thành phố chủ
# trì hội nghị"), when the two are this close. The largest value that changes no xquad_vi_dev answer.
W_NAMED = 0.1
POOL_IDF_POWER = 0.5  # how much a word shared by most candidate sentences is discounted (0: not at all)
SENTENCES_FROM_TOP = 3  # passages whose sentences compete
SLOT_FROM_TOP = 10  # passages whose sentences compete if they give the count asked for ("126 chi hội")

_NUMBER = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?:\s?%)?")
# News prints a day as "chiều 10-6" or "5-4-2019" as often as "10/6"; a bare "3-1" is a score or a range.
_HYPHEN_DAY = (r"\b(?:sáng|trưa|chiều|tối|đêm|khuya|rạng sáng|hôm|nay|ngày)\s+\d{1,2}-\d{1,2}(?:-\d{2,4})?\b|"
               r"\b\d{1,2}-\d{1,2}-(?:19|20)\d{2}\b")
_DATE = re.compile(
    _HYPHEN_DAY + "|"
    r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\bngày\s+\d{1,2}\b|\btháng\s+\d{1,2}\b|\bnăm\s+\d{3,4}\b|"
    r"\b(?:1[0-9]|20)\d{2}\b|\b(?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\b",
    re.IGNORECASE,
)
# Counts written as words ("bốn lựa chọn", "hai đội") are as common as digits in running text.
_NUMBER_WORDS = re.compile(
    r"\b(?:một|hai|ba|bốn|tư|năm|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|triệu|tỷ|tỉ|chục|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million)\b",
    re.IGNORECASE,
)
# "Bao nhiêu lần?" is also answered by an amount without a figure: "nhiều lần", "không có hiệp ước nào".
_VAGUE_AMOUNT = re.compile(
    r"(?<!\w)(?:nhiều|vài|một vài|một số|không có|không ai|hầu hết|phần lớn|đa số|số ít|hàng chục|hàng trăm|"
    r"hàng nghìn|hàng ngàn|hàng triệu|several|many|few|most|none|dozens|hundreds|thousands|millions)(?!\w)"
)
# "Ai …?" is also answered by a role, a group or a body rather than a name: "các sinh viên", "mỗi tiểu
# bang", "cán bộ, đảng viên", "Ban Thường vụ". Written in search_text's tone convention ("ủy").
_PEOPLE = re.compile(
    r"(?<!\w)(?:nhân dân|người dân|công dân|cư dân|quần chúng|người lao động|người có uy tín|sinh viên|học sinh|"
    r"giáo viên|giảng viên|giáo sư|bác sĩ|kỹ sư|nhà khoa học|nhà nghiên cứu|tác giả|đại biểu|chủ tịch|bí thư|"
    r"giám đốc|lãnh đạo|cán bộ|công chức|viên chức|nhân viên|đảng viên|hội viên|đoàn viên|thành viên|công nhân|"
    r"nông dân|binh lính|quân đội|chiến sĩ|cựu chiến binh|phụ nữ|thanh niên|già làng|chức sắc|chính phủ|"
    r"nhà nước|chính quyền|quốc hội|tiểu bang|ủy ban|hội đồng|mặt trận|cơ quan|cấp ủy|ban thường vụ|"
    r"ban chấp hành|ban dân vận|vua|hoàng đế|giáo hoàng|linh mục|tổng thống|thủ tướng|bộ trưởng|thống đốc|"
    r"thị trưởng|students|teachers|people|members|officials|government|committee|council|citizens|"
    r"residents|workers|farmers|soldiers|leaders)(?!\w)"
)
_CODE_OR_DATE = re.compile(_HYPHEN_DAY + r"|\d+(?:/\d+)+|\d+-[^\W\d]+(?:/[^\W\d]+)?|\bnăm\s+\d{4}\b",
                           re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<![\w.])[^\W\d_a-zà-ỹđ][\w]+")
# Openings that make a sentence lean on the one before it: pronouns, demonstratives, connectives.
_CONTINUES = re.compile(
    r"^\W*(?:nó|họ|ông|bà|anh ấy|cô ấy|chúng|hắn|điều này|điều đó|việc này|việc đó|đây|đó|cũng|ví dụ|"
    r"chẳng hạn|do đó|vì vậy|vì thế|tuy nhiên|sau đó|ngoài ra|bên cạnh đó|trong đó|thay vào đó|thay vì|"
    r"khi đó|lúc đó|từ đó|tương tự|hơn nữa|mặt khác|cuối cùng|đồng thời|kết quả là|nhờ đó|it|they|he|she|"
    r"this|these|however|for example|then)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ScoredSentence:
    hit_index: int  # index into the hits the sentences came from
    start: int  # span inside hit.passage.text
    end: int
    score: float
    dense: float  # e5 cosine of the sentence alone
    coverage: float


def sentence_spans(text: str) -> list[tuple[int, int]]:
    return list(_sentence_spans(text))


@lru_cache(maxsize=4096)  # the top passages are split by several answer paths, and recur across questions
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    from index.text.sentences import split_sentences

    return tuple((s, e) for s, e in split_sentences(text) if text[s:e].strip())


def fills_slot(sentence: str, noun: str | None) -> bool:
    if not noun:
        return False
    from index.text.normalize import fold_diacritics, has_vietnamese_diacritics, search_text

    text = search_text(sentence)
    if not has_vietnamese_diacritics(noun):  # "bao nhieu hoi vien", typed without tone marks
        text = fold_diacritics(text)
    return re.search(r"\d[\d.,]*\s+(?:\w+\s+){0,2}?" + _words_of(noun), text) is not None


def _words_of(noun: str) -> str:
    """A pattern for the noun's words in a row, as whole words."""
    return r"\s+".join(map(re.escape, noun.split())) + r"\b"


_ISSUE_DATE = re.compile(r"\s*,?\s*(?:(?:được\s+)?ban hành\s+)?ngày\s+\d", re.IGNORECASE)


def dates_the_document(sentence: str, asked_refs: set[str]) -> bool:
    """Whether the sentence cites a document the question names with its date right after the code:
    "Nghị quyết số 25-NQ/TW ngày 3/6/2013" — how Vietnamese texts give the date a document was issued."""
    if not asked_refs:
        return False
    from index.text.refs import find_refs

    return any(ref.key in asked_refs and _ISSUE_DATE.match(sentence, ref.end) for ref in find_refs(sentence))


def _ratio_of(sentence: str, noun: str | None) -> bool:
    """A share of the counted noun, "8/8 phường", which otherwise reads as a date or a code. Its head word is
    enough: the noun is read as up to two words, and "bao nhiêu phường phân công …" counts "phường"."""
    if not noun:
        return False
    from index.text.normalize import search_text

    return re.search(r"(?<![\w/])\d+/\d+\s+" + _words_of(noun.split()[0]), search_text(sentence)) is not None


def holds_expected(sentence: str, answer_type: str, question: str) -> bool:
    if answer_type == "count":
        if _ratio_of(sentence, counted_noun(question)):  # "8/8 phường" answers "bao nhiêu phường"
            return True
        asked = set(_NUMBER.findall(question))
        # Dates and document codes hold digits but are no counts: blank them before looking.
        plain = _CODE_OR_DATE.sub(" ", sentence)
        if any(n not in asked for n in _NUMBER.findall(plain)):
            return True
        asked_words = {w.lower() for w in _NUMBER_WORDS.findall(question)}
        if any(w.lower() not in asked_words for w in _NUMBER_WORDS.findall(plain)):
            return True
        return _adds_term(_VAGUE_AMOUNT, sentence, question)
    if answer_type == "date":
        # "vào năm nào trước năm 2000?": the year the question gives is no answer to it.
        asked = {m.group().lower() for m in _DATE.finditer(question)}
        return any(m.group().lower() not in asked for m in _DATE.finditer(sentence))
    if answer_type == "person":
        # A capitalised word the question does not already contain: a name the sentence adds.
        return _names_someone_new(sentence, question) or _adds_term(_PEOPLE, sentence, question)
    return True


def _asked_refs(question: str) -> set[str]:
    from index.text.refs import find_refs

    return {ref.key for ref in find_refs(question)}


def _names_someone_new(sentence: str, question: str) -> bool:
    """A capitalised word the question does not already contain: a name the sentence adds."""
    asked = {w.lower() for w in _CAPITALISED.findall(question)}
    return any(w.lower() not in asked for w in _CAPITALISED.findall(sentence[1:]))


def _adds_term(pattern: re.Pattern[str], sentence: str, question: str) -> bool:
    """Whether the sentence holds a term of ``pattern`` that the question does not already contain."""
    from index.text.normalize import search_text

    asked = {m.group() for m in pattern.finditer(search_text(question))}
    return any(m.group() not in asked for m in pattern.finditer(search_text(sentence)))


def idf_weights(question: str, lexical, *, phrases: bool = False) -> dict[str, float]:
    """IDF of the question's tokens in the whole index (rare words say more): syllables, or with
    ``phrases`` the syllable pairs, which carry word order ("số lần vật ngã")."""
    folded = pick_variant(question) == "folded"
    tokens = tokenize(question, folded=folded, bigrams=phrases)
    if phrases:
        tokens = [t for t in tokens if "_" in t]
    if lexical is None or not tokens:
        return {t: 1.0 for t in tokens}
    df = lexical.document_frequency(tokens, folded=folded)
    n = max(len(lexical), 1)
    return {t: math.log(1 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in tokens}


def unknown_share(weights: dict[str, float], question: str, lexical, nearby: str = "") -> float:
    """Share of the question's IDF mass in words that occur nowhere in the index: "giá vàng" in a corpus
    about dân vận. A Vietnamese question whose key words are unknown to the corpus cannot be answered by it.

    A name one letter away from a word of ``nearby`` (the retrieved passages) is a misspelling of it, not an
    unknown word: "Bedigo" for "Bendigo", "Bronco" for "Broncos". Only for words of five or more letters
    without tone marks: Vietnamese syllables one mark apart ("giá"/"gia", "vàng"/"vang") are other words."""
    total = sum(weights.values())
    if lexical is None or not total:
        return 0.0
    folded = pick_variant(question) == "folded"
    df = lexical.document_frequency(list(weights), folded=folded)
    unknown = [t for t in weights if not df.get(t)]
    if unknown and nearby:
        seen = {t for t in tokenize(nearby, folded=folded) if len(t) >= 4 and t.isascii()}
        unknown = [t for t in unknown
                   if len(t) < 5 or not t.isascii() or not any(t != s and within_one_edit(t, s) for s in seen)]
    return sum(weights[t] for t in unknown) / total


def coverage(text: str, weights: dict[str, float], *, folded: bool) -> float:
    if not weights:
        return 0.0
    return _covered(set(tokenize(text, folded=folded, bigrams=any("_" in t for t in weights))), weights)


def hand_score(cover: tuple[float, float], inherited: float, slot: float, passage_rank: int, named: float,
               alone: float, window: float, titled: float) -> float:
    """The hand-fitted sentence score: ``cover`` from ``sentence_covers``; the three cosines of the e5 vectors
    (the sentence alone, with the one before, with its title) with the question's."""
    return (W_LEXICAL * cover[0] + W_PHRASE * cover[1] + W_CONTINUES * inherited
            + W_SLOT * slot - W_RANK * passage_rank + W_NAMED * named
            + W_DENSE * alone + W_WINDOW * window + W_TITLED * titled)


def continues_previous(sentence: str) -> bool:
    return _CONTINUES.match(sentence) is not None


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _pool_weights(weights: dict[str, float], token_sets: Sequence[set[str]]) -> dict[str, float]:
    """Discount question words that most candidate sentences share: the article's topic ("Luther", "Super
    Bowl") cannot tell its sentences apart, the words around the question word can. Global IDF times the
    IDF among the candidates (relative to its maximum) to the power POOL_IDF_POWER."""
    n = len(token_sets)
    top = math.log(1 + n / 0.5)
    return {t: w * (math.log(1 + n / (sum(t in s for s in token_sets) + 0.5)) / top) ** POOL_IDF_POWER
            for t, w in weights.items()}


def _covered(tokens: set[str], weights: dict[str, float]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in tokens) / total if total else 0.0


def competing_passages(hits: Sequence[Hit], top_passages: int, fills) -> list[tuple[int, Hit, list[tuple[int, int]]]]:
    """(hit index, hit, sentence spans) of the passages whose sentences compete: every sentence of the top
    ones, and of the lower ones (down to SLOT_FROM_TOP) those ``fills`` accepts — the count of the noun
    asked about, or what the caller wants (an amount of money)."""
    passages = [(i, hit, list(sentence_spans(hit.passage.text))) for i, hit in enumerate(hits[:top_passages])]
    if fills:
        for i, hit in enumerate(hits[top_passages:SLOT_FROM_TOP], start=top_passages):
            spans = [(s, e) for s, e in sentence_spans(hit.passage.text) if fills(hit.passage.text[s:e])]
            if spans:
                passages.append((i, hit, spans))
    return passages


def sentence_covers(question: str, lexical, passages, sentences, given: Sequence[str],
                    folded: bool) -> list[tuple[float, float]]:
    """(words, word pairs) of the question each sentence covers, IDF-weighted; the words its article
    satisfies as a whole (``given``) count as covered. ``sentences``: tuples whose first item is the hit
    index and last the text."""
    given_words = {i: set(tokenize(given[i], folded=folded, bigrams=True)) for i, _, _ in passages if i < len(given)}
    words = [set(tokenize(text, folded=folded)) | given_words.get(i, set()) for i, *_, text in sentences]
    pairs = [set(tokenize(text, folded=folded, bigrams=True)) | given_words.get(i, set())
             for i, *_, text in sentences]
    weights = _pool_weights(idf_weights(question, lexical), words)
    pair_weights = _pool_weights(idf_weights(question, lexical, phrases=True), pairs)
    return [(_covered(w, weights), _covered(p, pair_weights)) for w, p in zip(words, pairs)]


def rank_sentences(
    question: str,
    answer_type: str,
    hits: Sequence[Hit],
    query_vector: np.ndarray,
    encode_sentences,
    lexical,
    *,
    top_passages: int = SENTENCES_FROM_TOP,
    given: Sequence[str] = (),
) -> list[ScoredSentence]:
    """Score the sentences of the top passages that hold an answer of the expected type, best first (an
    empty list: none does).

    Every sentence of those passages and their titles is embedded (~25 short texts); a sentence's context
    vectors are sums of unit vectors (sentence + previous sentence, sentence + title) rather than
    embeddings of the joined text: on the tuning set the sums choose as well, at a third of the tokens, so
    no cheap pre-filter has to guess which sentences deserve the model.

    ``given[i]``: words of the question that the article of ``hits[i]`` satisfies as a whole — the place
    or document the question names, which a report states once in its lead ("Chủ trì hội nghị có …" in
    the Cần Thơ article answers "Ai chủ trì hội nghị ở Cần Thơ?"); they count as covered by its sentences."""
    folded = pick_variant(question) == "folded"
    noun = counted_noun(question) if answer_type == "count" else None
    asked_refs = _asked_refs(question) if answer_type == "date" else set()
    # "126 chi hội" answers "bao nhiêu chi hội" wherever retrieval ranked its passage: such sentences
    # of the lower passages compete too (their rank still counts against them).
    passages = competing_passages(hits, top_passages, (lambda t: fills_slot(t, noun)) if noun else None)
    sentences = [(i, hit, s, e, hit.passage.text[s:e]) for i, hit, spans in passages for s, e in spans]
    if not sentences:
        return []
    covers = sentence_covers(question, lexical, passages, sentences, given, folded)
    titles = [hit.title.replace("_", " ") for _, hit, _ in passages]  # file-name titles read as words
    title_of = {i: k for k, (i, _, _) in enumerate(passages)}
    vectors = np.asarray(encode_sentences(titles + [text for *_, text in sentences]), dtype=np.float32)
    query = np.asarray(query_vector, dtype=np.float32)
    title_vectors, sentence_vectors = vectors[: len(titles)], vectors[len(titles) :]
    scored: list[ScoredSentence] = []
    for k, (i, hit, s, e, text) in enumerate(sentences):
        vector = sentence_vectors[k]
        cover = covers[k]
        # The previous sentence of the same passage, if any: its context, and what a "Nó …" leans on.
        has_previous = k > 0 and sentences[k - 1][0] == i
        inherited = 0.0
        if has_previous and continues_previous(text):
            before = covers[k - 1]
            inherited = 0.5 * (max(0.0, before[0] - cover[0]) + max(0.0, before[1] - cover[1]))
        if not holds_expected(text, answer_type, question):
            continue
        window = _unit(vector + sentence_vectors[k - 1]) if has_previous else vector
        alone = float(vector @ query)
        score = hand_score(cover, inherited, float(fills_slot(text, noun) or dates_the_document(text, asked_refs)),
                           i, float(answer_type == "person" and _names_someone_new(text, question)), alone,
                           float(window @ query), float(_unit(vector + title_vectors[title_of[i]]) @ query))
        scored.append(ScoredSentence(i, s, e, score, alone, cover[0]))
    scored.sort(key=lambda x: -x.score)
    return scored
