"""Typed records passed between the stages of the index: read → clean → chunk → embed → store → search.

Every stage takes and returns these frozen dataclasses, never loose dicts, so a field that one stage
forgets to fill is a type error, not a silent ``None`` three stages later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .store.provenance import SourceRecord

SourceKind = Literal["txt", "md", "html", "jsonl", "pdf", "docx", "odt", "doc", "rtf", "image"]
LocalityLevel = Literal["province", "district", "ward"]
Retriever = Literal["dense", "bm25"]


@dataclass(frozen=True)
class SourceDoc:
    """One article as read from disk, before cleaning. ``origin`` names the file (and line for JSONL)."""

    doc_id: str
    raw_text: str
    kind: SourceKind
    origin: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    # Offsets in raw_text where page 1, 2, ... begin (PDF and images); empty for unpaged formats.
    page_starts: tuple[int, ...] = ()
    converted_from: str | None = None  # "tcvn3" | "vni" | "viqr" when read from a legacy encoding


@dataclass(frozen=True)
class Article:
    """A cleaned article. ``text`` is the display text: page furniture removed, Unicode NFC, non-breaking
    spaces made plain, but wording and tone marks as the source wrote them, so quotes stay verbatim."""

    doc_id: str
    title: str
    text: str
    content_hash: str
    origin: str
    date: str | None = None  # ISO yyyy-mm-dd publication date
    author: str | None = None
    url: str | None = None
    # (offset in text, page) where the text of each page begins, for paged sources; survives cleaning.
    pages: tuple[tuple[int, int], ...] = ()
    converted_from: str | None = None

    def page_at(self, offset: int) -> int | None:
        """The page that ``text[offset]`` was printed on; None for unpaged sources."""
        page = None
        for start, number in self.pages:
            if start > offset:
                break
            page = number
        return page if page is not None or not self.pages else self.pages[0][1]


@dataclass(frozen=True)
class Passage:
    """A window of whole sentences of one article: ``article.text[start:end] == text``."""

    passage_id: str  # f"{doc_id}#{ordinal}"
    doc_id: str
    ordinal: int
    start: int
    end: int
    text: str
    page: int | None = None  # the first page its text comes from (paged sources only)


@dataclass(frozen=True)
class DocRef:
    """A Party or State document reference such as ``290-QĐ/TW``, in canonical form.

    ``issuer`` is None when the text gives only a loose form ("Quyết định 290"); ``corrected_from`` holds
    the number as printed when a misprint was resolved from the article's context."""

    kind: str  # canonical short kind: QĐ, KL, CT, NQ, Ctr, KH, TB, HD, ...
    number: str
    issuer: str | None
    surface: str
    start: int
    end: int
    corrected_from: str | None = None

    @property
    def canonical(self) -> str:
        base = f"{self.number}-{self.kind}"
        return f"{base}/{self.issuer}" if self.issuer else base

    @property
    def key(self) -> str:
        """Issuer-free key that loose and full forms share: ``QĐ:290``."""
        return f"{self.kind}:{self.number}"


@dataclass(frozen=True)
class Locality:
    """An administrative unit named in text, resolved against the pre-2025 gazetteer."""

    name: str  # "Tây Hồ"
    level: LocalityLevel
    full_name: str  # "Quận Tây Hồ"
    province: str  # "Hà Nội" (the unit itself for a province)
    district: str | None = None  # for wards
    surface: str = ""
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class ArticleEntities:
    """What the recognisers found in one article, stored per article and per passage."""

    refs: tuple[DocRef, ...] = ()
    localities: tuple[Locality, ...] = ()
    bodies: tuple[str, ...] = ()  # "Quận ủy Tây Hồ", "Ban Thường vụ Thành ủy Cần Thơ"
    event_date: str | None = None  # ISO date of the event the article reports
    people: tuple[tuple[str, str], ...] = ()  # (name, title)
    primary_locality: Locality | None = None  # where the reported event happened


@dataclass(frozen=True)
class SearchFilters:
    """Every given filter must hold. Values are as the user wrote them; the index canonicalises them."""

    docs: tuple[str, ...] = ()
    localities: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    # Article ids the search is confined to (what the QA layer's checked constraints allow); not a user filter.
    articles: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.docs or self.localities or self.years or self.articles)


@dataclass(frozen=True)
class Hit:
    """One ranked passage. ``retrievers`` says which retrievers found it (for the search-only view)."""

    passage: Passage
    title: str
    score: float
    url: str | None = None
    date: str | None = None
    dense_rank: int | None = None
    bm25_rank: int | None = None
    retrievers: frozenset[str] = field(default_factory=frozenset)
    # Every source of a merged article (its own, then its republished copies'); empty when the article
    # has one source.
    sources: tuple["SourceRecord", ...] = field(default=(), hash=False, compare=False)

    @property
    def doc_id(self) -> str:
        return self.passage.doc_id


@dataclass(frozen=True)
class Candidate:
    """One passage fused from the dense and BM25 lists: its fused score and where each retriever ranked it."""

    pid: int
    score: float
    dense_rank: int | None
    bm25_rank: int | None
    dense_score: float | None
    bm25_score: float | None

    @property
    def retrievers(self) -> frozenset[str]:
        found = set()
        if self.dense_rank is not None:
            found.add("dense")
        if self.bm25_rank is not None:
            found.add("bm25")
        return frozenset(found)
