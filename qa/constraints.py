"""What a question pins down — the places it names — checked against an article's stored entities and the
gazetteer's hierarchy (an article about Tây Hồ is also about Hà Nội), and its time and action."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol, Sequence

from index.records import Article, ArticleEntities
from index.text import fold, locality_key, search_text, unify_tones

if TYPE_CHECKING:
    from .analyze import QuestionAnalysis
    from .forms import TimeAsk


class ArticleReader(Protocol):
    """What the checks read of the corpus (``retrieve.Corpus`` is one)."""

    def article(self, doc_id: str) -> Article | None: ...

    def entities(self, doc_id: str) -> ArticleEntities: ...


def satisfies(corpus: ArticleReader, doc_id: str, analysis: "QuestionAnalysis") -> bool:
    """Place, time and action constraints of the question, checked on the article itself."""
    article = corpus.article(doc_id)
    if article is None:
        return False
    entities = corpus.entities(doc_id)
    if analysis.localities:
        names = article_place_keys(entities)
        if not all(place_key(p.name) in names for p in analysis.localities):
            return False
    if analysis.years:
        years = {int(d[:4]) for d in (article.date, entities.event_date) if d}
        if not years & set(analysis.years):
            return False
    if analysis.action_terms:
        haystack = search_text(article.title + "\n" + article.text)
        if not any(search_text(term) in haystack for term in analysis.action_terms):
            return False
    return True


def place_label(place) -> str:
    parent = place.province if place.level != "province" else None
    return f"{place.full_name}, {parent}" if parent and parent not in place.full_name else place.full_name


def article_place_keys(entities) -> set[str]:
    """Every locality an article names, with the parents of its primary one (Tây Hồ → Hà Nội)."""
    names = {place_key(p.name) for p in entities.localities}
    place = entities.primary_locality
    if place is not None:
        names |= {place_key(n) for n in (place.name, place.province, place.district or "") if n}
    return names


def place_key(name: str) -> str:
    return locality_key(name)


def names_place(corpus: ArticleReader, doc_id: str, place) -> bool:
    """The article prints the place's proper name, capitalised ("cảng Nghi Sơn, Thanh Hoá"), where the
    entity extractor, which needs a unit word before a district or ward ("thị xã Nghi Sơn") so as not to
    read "hòa bình" (peace) as Hòa Bình, found none. The question named the place bare, so the bare name
    in the article's text is the same evidence; the capitals keep the common-word reading out."""
    article = corpus.article(doc_id)
    if article is None or not place.name:
        return False
    name = unify_tones(place.name)
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    text = article.title + "\n" + article.text[:_NAME_SCAN_CHARS]
    return bool(pattern.search(text)) or bool(pattern.search(unify_tones(text)))  # "Thanh Hoá" = "Thanh Hóa"


# Where a report names its place: well within its first pages; a book-length file is not read to the end.
_NAME_SCAN_CHARS = 200_000


# ---------------------------------------------------------------- time and persons, checked per passage

# A date printed right after a document's number is the document's, not the event's: "Nghị quyết số
# 25-NQ/TW ngày 3/6/2013", "Kế hoạch số 92-KH/QU, ngày 1/8/2013"; "SN 1985" is a birth year.
_DOC_DATE = re.compile(r"\d+\s*[-/]\s*[A-Za-zĐđ]+(?:/[A-Za-zĐđ-]+)*\s*,?\s*(?:ngày\s+)?\d{1,2}/\d{1,2}/(?:19|20)\d\d")
_BIRTH = re.compile(r"(?:SN|sinh năm|sinh)\s+(?:19|20)\d\d", re.IGNORECASE)
# "tăng 12,2% so với năm 2010": a comparison's base year, not the time the figure is of.
_COMPARED = re.compile(r"so với\s+(?:cùng kỳ\s+)?(?:năm\s+)?(?:19|20)\d\d", re.IGNORECASE)


def time_holds(ask: "TimeAsk", dates: Sequence[str | None], passage_text: str) -> bool:
    """The article's stored dates (publication, event; ISO) or the passage itself put it in an asked year
    or month. The passage counts only for what it states of its own: not a cited document's date, not a
    birth year, not a comparison's base ("so với năm 2010")."""
    stored = [d for d in dates if d]
    if any(d[:4] == str(y) for d in stored for y in ask.years):
        return True
    if any(d[:7] == f"{y:04d}-{m:02d}" for d in stored for y, m in ask.months):
        return True
    text = _COMPARED.sub(" ", _BIRTH.sub(" ", _DOC_DATE.sub(" ", passage_text)))
    if any(re.search(rf"(?<![\d.,]){y}(?!\d)", text) for y in ask.years):
        return True
    return any(re.search(rf"(?<!\d)0?{m}\s*/\s*{y}(?!\d)|tháng\s+0?{m}\s+năm\s+{y}(?!\d)", text, re.IGNORECASE)
               for y, m in ask.months)


def names_everyone(corpus: ArticleReader, doc_id: str, persons: Sequence[str]) -> bool:
    """The article names every person the question gives (tone marks optional, as typed)."""
    article = corpus.article(doc_id)
    if article is None:
        return False
    text = fold(article.title + " " + article.text).lower()
    return all(fold(p).lower() in text for p in persons)
