"""Document cards: what each document the articles cite is, as the articles themselves state it (read by
the card answer of ``qa.answer``, the Documents tab, ``tracuu docs`` and REST through ``report.cards``).

A report names a document once in full — "Quyết định số 290-QĐ/TW ngày 25/02/2010 của Bộ Chính trị
(khóa X) về ban hành Quy chế công tác dân vận của hệ thống chính trị" — and then by its code. The card
gathers, for every canonical reference of the index's ``doc`` facet, the words right after each mention:
issue date ("ngày …"), issuing body ("của …"), term ("(khóa X)") and subject ("về …", "“…”"); the value
most mentions agree on wins, so one article's slip does not decide. ``name`` is the fullest mention
copied verbatim (never reassembled), so it can be quoted. A sentence saying one document "thay thế"
another gives ``replaces`` / ``replaced_by``. The subject's head ("Quy chế công tác dân vận") is an
alias: a question naming only the subject finds the document.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol, Sequence

from index.records import Article, ArticleEntities, DocRef

from index.text.refs import find_refs, fold, parse_ref


class CardSource(Protocol):
    """What the registry reads of an index (``index.api.Index``; qa reaches the Index only through
    ``qa.retrieve``, so it is named here by what it offers)."""

    root: object

    def facets(self): ...

    def docs_with(self, facet: str, values: Sequence[str]) -> set[str]: ...

    def article(self, doc_id: str) -> Article | None: ...

    def entities(self, doc_id: str) -> ArticleEntities: ...

    def manifest(self) -> dict | None: ...

    def counts(self): ...

__all__ = ["DocumentCard", "Mention", "Registry", "registry", "build_registry", "mentions_in"]

# What follows a reference, piece by piece; each pattern is anchored where the previous one stopped.
_DATE_RE = re.compile(r"\s*,?\s*(?:ban hành |ký )?ngày\s+(\d{1,2})\s*[/-]\s*(\d{1,2})\s*[/-]\s*((?:19|20)\d\d)\b")
_ISSUER_RE = re.compile(
    r"\s*,?\s*của\s+((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*|bộ|ban|tỉnh|thành|quận|huyện|nhân|dân|trung|ương|đảng|chính|phủ|"
    r"thường|vụ|chấp|hành|quốc|hội|và|ủy|uỷ|[\wÀ-ỹ]+(?=\s+[A-ZĐÀ-Ỹ]))(?:\s+[\wÀ-ỹ]+){0,9}?)"
    r"(?=\s*\(|\s+(?:về|quy định|ban hành|hướng dẫn|phê duyệt|khóa|khoá)\b|\s*[,;.“\"”)]|\s*$)"
)
_TERM_RE = re.compile(r"\s*,?\s*\(?\s*(khóa|khoá|khoa)\s+([IVXLC]+|\d{1,2})\b\s*\)?", re.IGNORECASE)
_SUBJECT_RE = re.compile(r"\s*,?\s*(về việc|về|quy định về|quy định|ban hành|hướng dẫn|phê duyệt)\s+")
_QUOTED_RE = re.compile(r"\s*[“\"]([^”\"\n]{4,300})[”\"]")
# An unquoted subject runs to the end of the clause, or to where the sentence goes on to something else.
_SUBJECT_STOP = re.compile(
    r"\s*[(;”\"]|\.(?:\s|$)|\n|,\s+(?=[A-ZĐ])|\s+(?:và\s+(?:sơ kết|tổng kết|triển khai|kế hoạch|chương trình|"
    r"nghị quyết|quyết định|chỉ thị|kết luận)|làm việc|tổ chức|đã\s|cho biết|nêu rõ|có hiệu lực|được\s)"
)
_REPLACE_RE = re.compile(r"thay\s+thế", re.IGNORECASE)
_KIND_WORD = {"QĐ": "Quyết định", "KL": "Kết luận", "CT": "Chỉ thị", "NQ": "Nghị quyết", "Ctr": "Chương trình",
              "KH": "Kế hoạch", "TB": "Thông báo", "HD": "Hướng dẫn", "QC": "Quy chế", "ĐA": "Đề án",
              "NĐ": "Nghị định", "TT": "Thông tư", "BC": "Báo cáo"}
_SUBJECT_LEAD = re.compile(r"^(?:(?:về|việc|ban hành|quy định)\s+)*", re.IGNORECASE)
# An alias shorter than this many syllables ("Quy chế") would match too much.
_MIN_ALIAS_WORDS = 3


@dataclass(frozen=True)
class Mention:
    """One mention of a document: where, and what the words after it say."""

    doc_id: str
    start: int  # in the article text; -1 for the title
    surface: str  # verbatim, from the reference to the end of what was read after it
    date: str | None = None
    issuer: str | None = None
    term: str | None = None
    subject: str | None = None
    corrected: bool = False  # the printed number was a misprint resolved from context

    @property
    def fields(self) -> int:
        return sum(x is not None for x in (self.date, self.issuer, self.term, self.subject))


@dataclass(frozen=True)
class DocumentCard:
    id: str  # canonical code, "290-QĐ/TW"
    key: str  # issuer-free facet key, "QĐ:290"
    name: str
    subject: str | None
    date: str | None  # ISO
    issuer: str | None
    term: str | None  # "khóa X"
    cited_by: tuple[str, ...]
    replaces: tuple[str, ...] = ()
    replaced_by: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = field(default=(), repr=False)

    def render_text(self) -> str:
        lines = [f"{self.id} — {self.name}"]
        facts = [("ngày ban hành", _vn_date(self.date)), ("cơ quan ban hành", self.issuer), ("khóa", self.term)]
        lines.append("  " + " · ".join(f"{k}: {v}" for k, v in facts if v) if any(v for _, v in facts) else
                     "  (các bài viết không nêu ngày, cơ quan ban hành)")
        if self.subject:
            lines.append(f"  nội dung: {self.subject}")
        if self.replaces:
            lines.append(f"  thay thế: {', '.join(self.replaces)}")
        if self.replaced_by:
            lines.append(f"  được thay thế bởi: {', '.join(self.replaced_by)}")
        lines.append(f"  được {len(self.cited_by)} bài viết trích dẫn: {', '.join(self.cited_by)}")
        return "\n".join(lines)


def _vn_date(iso: str | None) -> str | None:
    return f"{int(iso[8:10])}/{int(iso[5:7])}/{iso[:4]}" if iso else None


def _iso(d: str, m: str, y: str) -> str | None:
    import datetime as dt

    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _roman(term: str) -> str:
    """"12" → "XII": the Party's terms are written both ways; cards use the Roman form."""
    if not term.isdigit():
        return term.upper()
    n, out = int(term), ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _clause_end(text: str, start: int) -> int:
    """End of the sentence that ``start`` lies in (reports run long; 600 characters at most)."""
    m = re.compile(r"\.\s+(?=[A-ZĐÀ-Ỹ])|\n").search(text, start, start + 600)
    return m.start() if m else min(len(text), start + 600)


def _read_after(text: str, pos: int, end: int) -> tuple[dict, int]:
    """Date, issuer, term and subject in the words right after a reference; returns where reading stopped."""
    out: dict = {}
    for name, pattern in (("date", _DATE_RE), ("issuer", _ISSUER_RE), ("term", _TERM_RE), ("issuer", _ISSUER_RE),
                          ("term", _TERM_RE)):
        if name in out:
            continue
        m = pattern.match(text, pos, end)
        if not m:
            continue
        if name == "date":
            out["date"] = _iso(*m.groups())
        elif name == "issuer":
            issuer = re.sub(r"\s+", " ", m.group(1)).strip()
            if len(issuer.split()) > 10 or not issuer[:1].isupper():
                continue
            out["issuer"] = issuer
        else:
            out["term"] = f"khóa {_roman(m.group(2))}"
        pos = m.end()
    q = _QUOTED_RE.match(text, pos, end)
    lead = _SUBJECT_RE.match(text, pos, end)
    if lead:
        q = _QUOTED_RE.match(text, lead.end(), end) or q
    if q:
        out["subject"] = q.group(1).strip()
        pos = q.end()
    elif lead:
        stop = _SUBJECT_STOP.search(text, lead.end(), end)
        stop_at = stop.start() if stop else end
        subject = text[lead.start(1) : stop_at].strip(" ,")
        if len(subject.split()) >= 3:
            out["subject"] = re.sub(r"\s+", " ", subject)
            pos = stop_at
    return out, pos


def _lead_start(text: str, ref: DocRef) -> int:
    """Where the mention starts: the reference's surface already includes "Quyết định số" when printed."""
    return ref.start


def mentions_in(doc_id: str, title: str, text: str, refs: tuple[DocRef, ...] | list[DocRef]) -> dict[str, list[Mention]]:
    """Mentions per facet key (``QĐ:290``). ``refs`` are the article's stored refs (body spans into
    ``text``, misprints resolved); the title's are found again to read the words after them."""
    out: dict[str, list[Mention]] = {}
    located = [(text, r) for r in refs if r.start >= 0] + [(title, r) for r in find_refs(title)]
    for source, ref in located:
        end = _clause_end(source, ref.end)
        info, stop = _read_after(source, ref.end, end)
        surface = re.sub(r"\s+", " ", source[_lead_start(source, ref) : stop]).strip(" ,;")
        out.setdefault(ref.key, []).append(Mention(
            doc_id=doc_id, start=ref.start if source is text else -1, surface=surface,
            corrected=ref.corrected_from is not None, **info))
    return out


def _vote(values: list[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    best = max(counts.values())
    # Ties: the first written wins (the lead sentence usually gives the full name).
    return next(v for v in values if v and counts[v] == best)


def _subject_core(subject: str) -> str:
    return _SUBJECT_LEAD.sub("", subject).strip()


def _aliases(subject: str | None) -> tuple[str, ...]:
    """The subject without "việc ban hành", and its head before "của/đối với/trong" — "Quy chế công
    tác dân vận của hệ thống chính trị" and "Quy chế công tác dân vận"."""
    if not subject:
        return ()
    core = _subject_core(subject)
    out = [core]
    head = re.split(r"\s+(?:của|đối với|trong|trên|tại|cho)\s+", core, maxsplit=1)[0]
    if head != core:
        out.append(head)
    return tuple(a for a in dict.fromkeys(out) if len(a.split()) >= _MIN_ALIAS_WORDS)


def _replacements(doc_id: str, text: str, refs: list[DocRef]) -> list[tuple[str, str]]:
    """(new key, old key) pairs from sentences like "A (thay thế cho B)", "A thay thế B", "A (nay được
    thay thế bằng B)". Both documents must be named: "dự thảo thay thế Nghị định 86" names no new one."""
    body = sorted((r for r in refs if r.start >= 0), key=lambda r: r.start)
    pairs = []
    for m in _REPLACE_RE.finditer(text):
        sentence_start = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        before = [r for r in body if sentence_start <= r.start and r.end <= m.start()]
        after = [r for r in body if m.end() <= r.start <= m.end() + 30]
        if not before or not after:
            continue
        a, b = before[-1], after[0]
        # Between A and "thay thế" only A's own description (date, issuer, term) and a few words about the
        # replacement ("(nay được", "đã được") may stand.
        _, described_to = _read_after(text, a.end, m.start())
        between = text[described_to : m.start()]
        if len(between.strip()) > 20:
            continue
        passive = bool(re.search(r"\b(?:được|bị)\s*$", between.strip()) or
                       re.match(r"\s+(?:bằng|bởi)\b", text[m.end() : b.start]))
        pairs.append((b.key, a.key) if passive else (a.key, b.key))
    return pairs


@dataclass
class Registry:
    """All cards of one committed index generation."""

    cards: dict[str, DocumentCard]  # by id
    by_key: dict[str, str]  # facet key -> id

    def get(self, ref: str) -> DocumentCard | None:
        """A card by a reference in any written form ("QĐ 290", "290-QĐ/TW", "quyet dinh 290")."""
        if ref in self.cards:
            return self.cards[ref]
        parsed = parse_ref(ref)
        if parsed is None:
            return None
        card_id = self.by_key.get(parsed.key)
        return self.cards.get(card_id) if card_id else None

    def find(self, text: str) -> list[DocumentCard]:
        """Cards a question or phrase names: by reference, else by subject alias (folded, so
        "quy che cong tac dan van" also finds QĐ 290). Longest alias first."""
        found = [c for r in find_refs(text) if (c := self.get(r.canonical) or self.get(f"{r.kind} {r.number}"))]
        if found:
            return list(dict.fromkeys(found))
        q = " " + " ".join(re.findall(r"\w+", fold(text))) + " "
        scored = []
        for card in self.cards.values():
            for alias in card.aliases:
                a = " " + " ".join(re.findall(r"\w+", fold(alias))) + " "
                if a in q or (len(q.split()) >= _MIN_ALIAS_WORDS and q in a):
                    scored.append((len(a), len(card.cited_by), card))
                    break
        return [c for _, _, c in sorted(scored, key=lambda t: (-t[0], -t[1], t[2].id))]

    def all(self) -> list[DocumentCard]:
        """Most cited first."""
        return sorted(self.cards.values(), key=lambda c: (-len(c.cited_by), c.key))


def build_registry(index: CardSource) -> Registry:
    facets = index.facets()
    per_key: dict[str, list[Mention]] = {}
    cited: dict[str, set[str]] = {}
    pairs: list[tuple[str, str]] = []
    labels = {value: label for value, label, _ in facets.docs}
    doc_ids = sorted(index.docs_with("doc", list(labels)) if labels else set())
    for doc_id in doc_ids:
        article = index.article(doc_id)
        if article is None:
            continue
        refs = index.entities(doc_id).refs
        for key, ms in mentions_in(doc_id, article.title or "", article.text, refs).items():
            per_key.setdefault(key, []).extend(ms)
        for r in refs:
            cited.setdefault(r.key, set()).add(doc_id)
        pairs.extend(_replacements(doc_id, article.text, list(refs)))

    by_key = {key: label for key, label in labels.items()}
    cards: dict[str, DocumentCard] = {}
    for key, card_id in by_key.items():
        ms = per_key.get(key, [])
        # A resolved misprint says "209" where the document is 290: never quote it as the name.
        printed = [m for m in ms if not m.corrected] or ms
        subject = _vote([m.subject for m in printed])
        fullest = max(printed, key=lambda m: (m.fields, m.subject == subject and subject is not None, -len(m.surface)),
                      default=None)
        kind = key.split(":", 1)[0]
        name = fullest.surface if fullest and fullest.fields else f"{_KIND_WORD.get(kind, kind)} {card_id}"
        cards[card_id] = DocumentCard(
            id=card_id, key=key, name=name, subject=_subject_core(subject) if subject else None,
            date=_vote([m.date for m in printed]), issuer=_vote([m.issuer for m in printed]),
            term=_vote([m.term for m in printed]), cited_by=tuple(sorted(cited.get(key, ()))),
            replaces=tuple(sorted({by_key[old] for new, old in pairs if new == key and old in by_key and old != key})),
            replaced_by=tuple(sorted({by_key[new] for new, old in pairs if old == key and new in by_key and new != key})),
            aliases=_aliases(subject), mentions=tuple(ms))
    return Registry(cards=cards, by_key=by_key)


_CACHE: dict[str, tuple[object, Registry]] = {}
_CACHE_LOCK = threading.Lock()


def registry(index: CardSource) -> Registry:
    """The registry of the index's committed generation, built once per generation and process."""
    manifest = index.manifest() or {}
    stamp = (manifest.get("generation"), manifest.get("updated_at"), index.counts())
    root = str(index.root)
    with _CACHE_LOCK:
        cached = _CACHE.get(root)
        if cached and cached[0] == stamp:
            return cached[1]
    built = build_registry(index)
    with _CACHE_LOCK:
        _CACHE[root] = (stamp, built)
    return built
