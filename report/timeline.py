"""A timeline of what the articles report: who did what, where, and when the event happened.

The date is the event's (the lead sentence's "Sáng ngày 02/7/2020," that the index already reads into
``ArticleEntities.event_date``), never the publication date: Tây Hồ's review was held on 2 July and
published on 3 July. The locality and body are the event's host (``primary_locality``, ``bodies[0]``),
the action the first report verb of the lead sentence ("tổng kết", "sơ kết", "kiểm tra" …), the passage
the one holding that sentence, so each row can be cited.

What a timeline covers: a document reference or a subject alias (the articles citing it), a locality
(the articles about it), or else any query (the articles its best passages come from).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from index.records import SearchFilters

from index.text.admin2025 import now_of
from index.text.places import find_localities

if TYPE_CHECKING:
    from index.api import Index

__all__ = ["Event", "Timeline", "timeline", "events_of", "scope_of", "ACTIONS", "LEVELS"]
# A unit's level as a person reads it (the contract's ``level`` stays the English key).
LEVELS = {"vi": {"province": "tỉnh/thành phố", "district": "quận/huyện", "ward": "phường/xã"},
          "en": {"province": "province", "district": "district", "ward": "ward/commune"}}

Scope = Literal["document", "locality", "search", "none"]

# Report verbs, most specific first where one contains another; the earliest in the sentence names it.
ACTIONS = ("tổng kết", "sơ kết", "kiểm tra", "giám sát", "triển khai", "quán triệt", "ký kết", "phát động",
           "tuyên dương", "khen thưởng", "đối thoại", "tiếp xúc", "tập huấn", "hội thảo", "tọa đàm", "làm việc",
           "hội nghị", "hội thi", "ra mắt", "thành lập", "khánh thành", "trao")
_ACTION_RE = re.compile(r"(?<!\w)(" + "|".join(a.replace(" ", r"\s+") for a in ACTIONS) + r")(?!\w)", re.IGNORECASE)
# "hội nghị" / "làm việc" say only that people met: the action is what the meeting did, when named.
_GENERIC = frozenset({"hội nghị", "làm việc", "hội thảo", "tọa đàm", "trao"})
_SEARCH_DEPTH = 30  # passages read for a free query; their articles make the timeline


@dataclass(frozen=True)
class Event:
    date: str  # ISO date of the event
    locality: str  # "Quận Tây Hồ"
    level: str  # province | district | ward | "" when the article names no place
    body: str | None  # "Quận ủy Tây Hồ"
    action: str  # "tổng kết"
    doc_id: str
    passage_id: str
    title: str = ""
    sentence: str = ""  # the lead sentence, verbatim: the row's quote
    actions: tuple[str, ...] = ()  # every report verb of the lead sentence, in order
    url: str | None = None
    province: str = ""
    locality_now: str = ""  # where the place lies after 1 July 2025, when that changed


@dataclass(frozen=True)
class Timeline:
    query: str
    scope: Scope
    label: str  # what the timeline is of: "290-QĐ/TW", "Tây Hồ", the query
    events: tuple[Event, ...]
    undated: tuple[str, ...] = ()  # articles in scope whose event date the text does not give

    def render_text(self) -> str:
        head = {"document": "văn bản", "locality": "địa phương", "search": "tìm kiếm", "none": "không tìm thấy"}
        lines = [f"Dòng thời gian ({head[self.scope]}): {self.label} — {len(self.events)} sự kiện"]
        for e in self.events:
            level = LEVELS["vi"].get(e.level, e.level)
            where = f"{e.locality} ({level})" if e.locality else "(không rõ địa phương)"
            lines.append(f"  {e.date}  {where:<34} {e.action or '-':<12} {e.body or ''}  [{e.passage_id}]")
        if self.undated:
            lines.append(f"  không rõ ngày diễn ra: {', '.join(self.undated)}")
        return "\n".join(lines)


def _lead_sentence(text: str, iso: str) -> tuple[int, int]:
    """Span of the sentence that dates the event (the first one printing its day and month)."""
    _, month, day = (int(x) for x in iso.split("-"))
    for m in re.finditer(r"(?<!\d)0?(\d{1,2})\s*/\s*0?(\d{1,2})(?!\d)", text):
        if int(m.group(1)) == day and int(m.group(2)) == month:
            dot = text.rfind(". ", 0, m.start())
            start = max(dot + 2 if dot >= 0 else 0, text.rfind("\n", 0, m.start()) + 1)
            stop = re.compile(r"\.(?:\s|$)|\n").search(text, m.end())
            return start, stop.end() if stop else len(text)
    return 0, 0


def _now(place) -> str:
    now = now_of(place) if place else None
    return now.text if now and now.changed else ""


def events_of(index: "Index", doc_ids) -> tuple[list[Event], list[str]]:
    """One event per article: its lead event. Articles without an event date come back as undated."""
    events, undated = [], []
    for doc_id in doc_ids:
        article, entities = index.article(doc_id), index.entities(doc_id)
        if article is None:
            continue
        if not entities.event_date:
            undated.append(doc_id)
            continue
        start, end = _lead_sentence(article.text, entities.event_date)
        sentence = article.text[start:end].strip()
        actions = tuple(dict.fromkeys(re.sub(r"\s+", " ", m.group(1).lower()) for m in _ACTION_RE.finditer(sentence)))
        specific = [a for a in actions if a not in _GENERIC]
        passages = index.passages(doc_id)
        passage = next((p for p in passages if p.start <= start < p.end), passages[0] if passages else None)
        place = entities.primary_locality
        events.append(Event(
            date=entities.event_date, locality=place.full_name if place else "", level=place.level if place else "",
            body=entities.bodies[0] if entities.bodies else None, action=(specific or actions or ("",))[0],
            doc_id=doc_id, passage_id=passage.passage_id if passage else f"{doc_id}#0", title=article.title,
            sentence=sentence, actions=actions, url=article.url, province=place.province if place else "",
            locality_now=_now(place)))
    events.sort(key=lambda e: (e.date, e.locality, e.doc_id))
    return events, sorted(undated)


def scope_of(index: "Index", query: str) -> tuple[Scope, str, set[str]]:
    """What a query covers: a document (the articles citing it), a locality (the articles about it), or the
    articles its best passages come from."""
    from .cards import registry

    cards = registry(index).find(query)
    if cards:
        card = cards[0]
        return "document", card.id, set(card.cited_by)
    places = find_localities(query)
    if places:
        place = places[0]
        docs = index.docs_matching(SearchFilters(localities=(place.name,)))
        if docs:
            return "locality", place.full_name, docs
    hits = index.search(query, _SEARCH_DEPTH)
    docs = {h.doc_id for h in hits}
    return ("search" if docs else "none"), query, docs


def timeline(index: "Index", query: str) -> Timeline:
    """The events of the articles a document reference, subject, locality or query names, by date."""
    scope, label, docs = scope_of(index, query.strip())
    events, undated = events_of(index, sorted(docs))
    return Timeline(query=query, scope=scope, label=label, events=tuple(events), undated=tuple(undated))
