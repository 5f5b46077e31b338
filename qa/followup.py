"""Follow-up questions: "còn Cần Thơ thì sao?", "what about 2021?" after a first question.

A follow-up keeps what the previous question named — its document, place and year — unless it names
its own of the same kind. An elliptical follow-up ("còn X thì sao?", "what about X?", "và X?") is the
previous question with X put in place of the previous thing of X's kind; a full question that names no
place, document or year gets the previous ones added. The places, documents and years the resolved
question names also become filters, so the answer is about Thanh Xuân, not the nearest article about
Tây Hồ. The answer says what it kept (``FollowUp.note``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from index.records import SearchFilters

from index.text.refs import fold

if TYPE_CHECKING:
    from .records import Answer

__all__ = ["FollowUp", "resolve", "answer_follow_up"]

# Folded openers and closers of an elliptical follow-up.
_ELLIPTIC_RE = re.compile(
    r"^\s*(?:(?:con|va|the con|vay con|con o|con tai)\s+.*?(?:thi sao|the nao|ra sao|nhu the nao|thi)?|"
    r"(?:what|how)\s+about\s+.*|and\s+(?:in\s+|for\s+)?.*|(?:the con|vay con)\s+.*)\s*[?.!]*\s*$"
)
_TAIL_RE = re.compile(r"\b(?:thi sao|the nao|ra sao|nhu the nao)\b")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@dataclass(frozen=True)
class FollowUp:
    question: str  # as typed
    previous: str
    resolved: str  # the question that is answered
    inherited: tuple[tuple[str, str], ...]  # (kind, value) kept from the previous question
    replaced: tuple[tuple[str, str, str], ...]  # (kind, old, new)
    filters: SearchFilters
    language: str = "vi"

    @property
    def note(self) -> str:
        """One line for the person reading the answer: what was asked, what was kept, what changed."""
        en = self.language == "en"
        kinds = ({"document": "document", "place": "place", "year": "year"} if en else
                 {"document": "văn bản", "place": "địa phương", "year": "năm"})
        parts = [f"{kinds[k]} {v}" for k, v in self.inherited]
        for kind, old, new in self.replaced:
            if old:
                parts.append(f"{old} → {new}" if en else f"{old} thay bằng {new}")
            else:
                parts.append(f"+ {kinds[kind]} {new}" if en else f"thêm {kinds[kind]} {new}")
        if en:
            return f"Follow-up of “{self.previous}”, read as: “{self.resolved}” ({'; '.join(parts) or 'nothing kept'})."
        return (f"Câu hỏi tiếp theo của “{self.previous}”, hiểu là: “{self.resolved}” "
                f"({'; '.join(parts) or 'không giữ gì'}).")


def _named(question: str):
    from .analyze import analyze

    a = analyze(question)
    places = [loc for loc in a.localities if loc.start >= 0]
    return a, places, list(a.refs), [m for m in _YEAR_RE.finditer(question)]


def _is_elliptic(question: str, analysis, places, refs, years) -> bool:
    folded = fold(question)
    if _ELLIPTIC_RE.match(folded) and (places or refs or years or _TAIL_RE.search(folded)):
        return True
    # "Thanh Xuân?" / "2021?": nothing but the thing named.
    rest = folded
    for s, e in sorted([(p.start, p.end) for p in places] + [(r.start, r.end) for r in refs] +
                       [(m.start(), m.end()) for m in years], reverse=True):
        rest = rest[:s] + rest[e:]
    return len(re.findall(r"\w+", rest)) <= 2


def _place_text(new, old_surface: str) -> str:
    """The new place as the previous question would have written it: "Quận Tây Hồ" → "Quận Thanh Xuân"."""
    has_unit = fold(old_surface).split()[0] in {"quan", "huyen", "phuong", "xa", "tinh", "thanh", "thi", "tp"}
    if has_unit and fold(new.surface) == fold(new.name):
        full = new.full_name
        return full if old_surface[:1].isupper() else full[:1].lower() + full[1:]
    return new.surface


def resolve(question: str, previous: str) -> FollowUp:
    """The question a follow-up stands for, given the previous one."""
    question, previous = (question or "").strip(), (previous or "").strip()
    qa_, q_places, q_refs, q_years = _named(question)
    pa, p_places, p_refs, p_years = _named(previous)
    inherited: list[tuple[str, str]] = []
    replaced: list[tuple[str, str, str]] = []
    if previous and _is_elliptic(question, qa_, q_places, q_refs, q_years):
        # Edit the previous question from the end, so earlier spans stay valid.
        edits: list[tuple[int, int, str]] = []
        for kind, new_items, old_items, text_of in (
            ("place", q_places, p_places, None), ("document", q_refs, p_refs, None),
            ("year", q_years, p_years, None),
        ):
            if not new_items:
                for old in old_items:
                    inherited.append((kind, old.group(1) if kind == "year" else old.surface))
                continue
            new = new_items[0]
            new_text = new.group(1) if kind == "year" else new.surface
            if old_items:
                old = old_items[0]
                s, e = (old.start(1), old.end(1)) if kind == "year" else (old.start, old.end)
                old_text = previous[s:e]
                if kind == "place":
                    new_text = _place_text(new, old_text)
                edits.append((s, e, new_text))
                replaced.append((kind, old_text, new_text))
            else:
                tail = {"place": (" ở " if pa.language == "vi" else " in ") + new_text,
                        "document": (" theo " if pa.language == "vi" else " under ") + new_text,
                        "year": (" năm " if pa.language == "vi" else " in ") + new_text}[kind]
                edits.append((len(previous.rstrip(" ?.!")), len(previous.rstrip(" ?.!")), tail))
                replaced.append((kind, "", new_text))
        resolved = previous
        for s, e, text in sorted(edits, reverse=True):
            resolved = resolved[:s] + text + resolved[e:]
    else:
        # A question of its own: it keeps only the kinds it does not name.
        additions = []
        if previous and not q_places:
            additions += [("place", p.surface) for p in p_places[:1]]
        if previous and not q_refs:
            additions += [("document", r.surface) for r in p_refs[:1]]
        if previous and not q_years:
            additions += [("year", m.group(1)) for m in p_years[:1]]
        inherited = additions
        resolved = question
        if additions:
            joined = ", ".join(v for _, v in additions)
            resolved = f"{question.rstrip(' ?.!')} ({joined})?"
    final, places, refs, years = _named(resolved)
    filters = SearchFilters(
        docs=tuple(dict.fromkeys(r.canonical if r.issuer else r.surface for r in refs)),
        localities=tuple(dict.fromkeys(p.name for p in places)),
        years=tuple(dict.fromkeys(int(m.group(1)) for m in years)),
    )
    return FollowUp(question=question, previous=previous, resolved=resolved, inherited=tuple(inherited),
                    replaced=tuple(replaced), filters=filters, language=qa_.language if question else pa.language)


def _merge(a: SearchFilters, b: SearchFilters) -> SearchFilters:
    return SearchFilters(docs=a.docs or b.docs, localities=a.localities or b.localities, years=a.years or b.years)


def answer_follow_up(index, question: str, previous: str, *,
                     filters: SearchFilters = SearchFilters()) -> tuple["Answer", FollowUp]:
    """The answer to a follow-up, its text opening with what was kept from the previous question.
    The resolved question's place, document and year filter the articles, unless no article has
    them (then the answer abstains or answers without that filter, as a first question would)."""
    from .answers import answer
    from .retrieve import Corpus

    follow = resolve(question, previous)
    wanted = _merge(filters, follow.filters)
    if wanted and not Corpus(index).docs_matching(wanted):
        wanted = filters
    result = answer(index, follow.resolved, filters=wanted)
    return replace(result, question=question, text=f"{follow.note}\n{result.text}"), follow
