"""The contract (../shared/CONTRACT.md) as pydantic models: what every door prints or returns.

Inside the pipeline answers, hits, cards and timelines are frozen dataclasses; they become these models
here, and only here (each model's ``of``). The CLI prints ``model_dump(mode="json")``, FastAPI uses the
models as ``response_model`` (so ``/openapi.json`` publishes them), the Gradio API returns the same dicts,
and ``tracuu schema`` prints their JSON Schema (:func:`schemas`).

Field order is output order. A field listed in a model's ``_omit_when_none`` is left out of the JSON when
it is None (``id`` of a single question, ``sources`` of an article with one source, ``follow_up`` of a
question that follows nothing up), as the contract has always printed them; every other field is always
present, null or not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_serializer

from tracuu import limits

if TYPE_CHECKING:
    from index.records import Hit as HitRecord
    from qa.followup import FollowUp as FollowUpRecord
    from qa.records import Answer, Citation as CitationRecord, Item as ItemRecord
    from report.cards import DocumentCard
    from report.timeline import Event as EventRecord, Timeline as TimelineRecord

__all__ = ["AskRequest", "SearchRequest", "ExportRequest", "Filters", "Source", "Hit", "Citation", "Item",
           "Candidate", "FollowUp", "AskResponse", "SearchResponse", "SearchBatchLine", "Card",
           "DocumentsResponse", "Event", "Timeline", "CompareResponse", "RESPONSES", "schemas",
           "MAX_QUESTION_CHARS"]

MAX_QUESTION_CHARS = limits.MAX_QUESTION_CHARS
QuestionId = Union[str, int, None]  # as the --questions/--queries line gave it


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)
    _omit_when_none: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _leave_out_absent(self, handler):
        out = handler(self)
        for key in self._omit_when_none:
            if key in out and out[key] is None:
                del out[key]
        return out


# --- requests (REST bodies) --------------------------------------------------------------------------


class Filters(BaseModel):
    docs: list[str] = Field(default=[], max_length=20, description="document references, e.g. 290-QĐ/TW")
    localities: list[str] = Field(default=[], max_length=20, description="locality names, diacritics optional")
    years: list[int] = Field(default=[], max_length=20)

    # Every door checks its input in tracuu/limits.py: controls made spaces, lone surrogates refused.
    _docs = field_validator("docs", "localities")(lambda v, info: list(limits.values(v, info.field_name)))
    _years = field_validator("years")(lambda v: list(limits.years(v)))
    _texts = field_validator("question", "query", "text", "follow_up", check_fields=False)(
        lambda v, info: limits.optional_text(v, info.field_name))


class AskRequest(Filters):
    question: str = Field(max_length=MAX_QUESTION_CHARS, examples=["which districts reviewed Quyết định 290?"])
    follow_up: str | None = Field(default=None, max_length=MAX_QUESTION_CHARS,
                                  description="the previous question, when this one follows it up")


class SearchRequest(Filters):
    query: str = Field(max_length=MAX_QUESTION_CHARS, examples=["Tổ dân vận Tây Hồ"])
    k: int = Field(default=10, ge=1, le=100)
    rank: Literal["learned", "rrf"] = Field(
        default="learned", description="learned: the passage ranker answers use; rrf: plain fusion of dense + BM25")


class ExportRequest(Filters):
    kind: Literal["ask", "search", "timeline", "compare"] = "ask"
    text: str = Field(max_length=MAX_QUESTION_CHARS, description="the question, query or timeline subject")
    follow_up: str | None = Field(default=None, max_length=MAX_QUESTION_CHARS)
    format: Literal["csv", "xlsx", "docx", "md"] = "csv"
    k: int = Field(default=10, ge=1, le=100)


# --- passages --------------------------------------------------------------------------------------


class Source(_Model):
    """One source of a merged article: its own file first, then each republished copy's."""

    doc_id: str
    path: str
    line: int | None
    url: str | None
    date: str | None
    title: str
    synced_at: str | None

    @classmethod
    def of(cls, record) -> "Source":
        return cls(doc_id=record.doc_id, path=record.path, line=record.line, url=record.url, date=record.date,
                   title=record.title, synced_at=record.synced_at)


def _sources(hit: "HitRecord") -> list[Source] | None:
    return [Source.of(s) for s in hit.sources] if hit.sources else None


class Hit(_Model):
    _omit_when_none = frozenset({"sources"})

    doc_id: str
    passage_id: str
    title: str
    text: str
    score: float = Field(description="fused score, rounded to 6 places")
    url: str | None
    date: str | None
    page: int | None = Field(description="the page of a PDF or image passage; null for unpaged sources")
    sources: list[Source] | None = Field(default=None, description="present only for a merged article")

    @classmethod
    def of(cls, hit: "HitRecord") -> "Hit":
        p = hit.passage
        return cls(doc_id=p.doc_id, passage_id=p.passage_id, title=hit.title, text=p.text,
                   score=round(float(hit.score), 6), url=hit.url, date=hit.date, page=p.page, sources=_sources(hit))


class SearchResponse(_Model):
    query: str
    hits: list[Hit]


class SearchBatchLine(_Model):
    """One line of ``tracuu search --queries FILE --json``."""

    id: QuestionId
    hits: list[Hit]


# --- answers ---------------------------------------------------------------------------------------


class Citation(_Model):
    _omit_when_none = frozenset({"sources"})

    n: int = Field(description="the number of the [n] markers in the answer that refer to this passage")
    doc_id: str
    passage_id: str
    title: str
    text: str = Field(description="the whole cited passage")
    url: str | None
    date: str | None
    page: int | None
    sources: list[Source] | None = None

    @classmethod
    def of(cls, citation: "CitationRecord") -> "Citation":
        hit, p = citation.hit, citation.hit.passage
        return cls(n=citation.n, doc_id=p.doc_id, passage_id=p.passage_id, title=hit.title, text=p.text,
                   url=hit.url, date=hit.date, page=p.page, sources=_sources(hit))


class Item(_Model):
    label: str = Field(description="one element of a list answer, e.g. a locality")
    citations: list[int]

    @classmethod
    def of(cls, item: "ItemRecord") -> "Item":
        return cls(label=item.label, citations=list(item.citations))


class Candidate(_Model):
    text: str = Field(description="a runner-up quote")
    n: int = Field(description="the citation it comes from")


class Inherited(_Model):
    kind: str
    value: str


class Replaced(_Model):
    kind: str
    old: str
    new: str


class FollowUp(_Model):
    previous: str
    resolved: str = Field(description="the question as answered, with what it kept from the previous one")
    inherited: list[Inherited]
    replaced: list[Replaced]

    @classmethod
    def of(cls, follow: "FollowUpRecord") -> "FollowUp":
        return cls(previous=follow.previous, resolved=follow.resolved,
                   inherited=[Inherited(kind=k, value=v) for k, v in follow.inherited],
                   replaced=[Replaced(kind=k, old=o, new=n) for k, o, n in follow.replaced])


class AskResponse(_Model):
    _omit_when_none = frozenset({"id", "follow_up"})

    id: QuestionId = None
    question: str
    answer: str = Field(description="the text shown to a person, with [n] markers referring to citations[].n")
    abstained: bool
    citations: list[Citation]
    items: list[Item]
    confidence: float = Field(ge=0, le=1, description="calibrated; rounded to 4 places")
    candidates: list[Candidate]
    direct: str | None = Field(description="the answer span cut from the quoted sentence, or null")
    direct_citation: int | None = Field(description="the citation `direct` comes from, or null")
    follow_up: FollowUp | None = None

    @classmethod
    def of(cls, answer: "Answer", follow: "FollowUpRecord | None" = None, id: QuestionId = None) -> "AskResponse":
        confidence = answer.confidence if answer.confidence is not None else (0.0 if answer.abstained else 1.0)
        return cls(
            id=id, question=answer.question, answer=answer.text, abstained=answer.abstained,
            citations=[Citation.of(c) for c in answer.citations], items=[Item.of(i) for i in answer.items],
            confidence=round(float(confidence), 4),
            candidates=[Candidate(text=text, n=n) for text, n in answer.candidates],
            # Filled by the pipeline once it cuts direct answers (CONTRACT.md, third round); null until then.
            direct=getattr(answer, "direct", None), direct_citation=getattr(answer, "direct_citation", None),
            follow_up=FollowUp.of(follow) if follow is not None else None)


# --- documents and timelines -------------------------------------------------------------------------


class Card(_Model):
    id: str = Field(description="canonical code, e.g. 290-QĐ/TW")
    name: str
    date: str | None = Field(description="ISO date of issue")
    issuer: str | None
    term: str | None
    cited_by: list[str]
    replaces: list[str]
    replaced_by: list[str]
    subject: str | None
    aliases: list[str]

    @classmethod
    def of(cls, card: "DocumentCard") -> "Card":
        return cls(id=card.id, name=card.name, date=card.date, issuer=card.issuer, term=card.term,
                   cited_by=list(card.cited_by), replaces=list(card.replaces), replaced_by=list(card.replaced_by),
                   subject=card.subject, aliases=list(card.aliases))


class DocumentsResponse(_Model):
    documents: list[Card]


class Event(_Model):
    date: str = Field(description="ISO date of the event (not of publication)")
    locality: str
    level: str
    body: str | None
    action: str
    doc_id: str
    passage_id: str
    title: str
    quote: str
    actions: list[str]
    url: str | None
    locality_now: str

    @classmethod
    def of(cls, e: "EventRecord") -> "Event":
        return cls(date=e.date, locality=e.locality, level=e.level, body=e.body, action=e.action, doc_id=e.doc_id,
                   passage_id=e.passage_id, title=e.title, quote=e.sentence, actions=list(e.actions), url=e.url,
                   locality_now=e.locality_now)


class Timeline(_Model):
    query: str
    scope: Literal["document", "locality", "search", "none"]
    label: str
    events: list[Event]
    undated: list[str]

    @classmethod
    def of(cls, t: "TimelineRecord") -> "Timeline":
        return cls(query=t.query, scope=t.scope, label=t.label, events=[Event.of(e) for e in t.events],
                   undated=list(t.undated))


# --- compare (CONTRACT.md, third round) ----------------------------------------------------------------


class Column(_Model):
    key: str
    label: str


class Cell(_Model):
    _omit_when_none: ClassVar[frozenset[str]] = frozenset({"of"})
    value: str = Field(description="the figure as printed")
    n: int
    doc_id: str
    passage_id: str
    noun: str = Field(default="", description="the counted noun as this sentence prints it")
    of: str | None = Field(default=None, description="the total it is part of, as printed (10.272 of 39.427)")


class CompareRow(_Model):
    label: str
    locality: str
    date: str | None
    cells: dict[str, Cell] = Field(description="by column key; a missing figure is absent")
    locality_2025: str = Field(default="", description="where the locality lies since 1 July 2025, when that changed")
    level: str = ""
    doc_ids: list[str] = []


class CompareQuote(_Model):
    """A cited sentence: the ``n`` of a cell."""
    n: int
    doc_id: str
    passage_id: str
    title: str
    text: str = Field(description="the sentence that prints the figure, verbatim")
    url: str | None
    date: str | None


class CompareResponse(_Model):
    columns: list[Column]
    rows: list[CompareRow]
    citations: list[CompareQuote] = []
    query: str = ""
    scope: str = ""
    label: str = ""
    by: str = "locality"
    left_out: list[str] = Field(default=[], description="articles in scope with no known locality (or date)")


RESPONSES: tuple[type[BaseModel], ...] = (AskResponse, SearchResponse, SearchBatchLine, Card, DocumentsResponse,
                                          Timeline, CompareResponse)


def schemas() -> dict[str, Any]:
    """The JSON Schema of every response, keyed by name (``tracuu schema``)."""
    return {model.__name__: model.model_json_schema(mode="serialization") for model in RESPONSES}
