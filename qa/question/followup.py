"""Reading a follow-up ("còn Cần Thơ thì sao?", "what about 2021?") as the question it stands for.

A follow-up keeps what the previous question named — its document, place and year — unless it names
its own of the same kind. An elliptical follow-up ("còn X thì sao?", "what about X?", "và X?") is the
previous question with X put in place of the previous thing of X's kind; a full question that names no
place, document or year gets the previous ones added. The places, documents and years the resolved
question names also become filters (``FollowUp.filters``), so the answer is about Thanh Xuân, not the
nearest article about Tây Hồ. ``FollowUp`` records what was kept and changed; the answer opens with
its ``note``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.records import SearchFilters
from index.text.refs import fold

from ..answers.wording import WORDING
from .years import YEAR_RE

__all__ = ["FollowUp", "resolve"]

# Folded openers and closers of an elliptical follow-up.
_ELLIPTIC_RE = re.compile(
    r"^\s*(?:(?:con|va|the con|vay con|con o|con tai)\s+.*?(?:thi sao|the nao|ra sao|nhu the nao|thi)?|"
    r"(?:what|how)\s+about\s+.*|and\s+(?:in\s+|for\s+)?.*|(?:the con|vay con)\s+.*)\s*[?.!]*\s*$"
)
_TAIL_RE = re.compile(r"\b(?:thi sao|the nao|ra sao|nhu the nao)\b")
_UNIT_WORDS = {"quan", "huyen", "phuong", "xa", "tinh", "thanh", "thi", "tp"}


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
        words = WORDING[self.language]
        parts = [f"{words.follow_up_kinds[k]} {v}" for k, v in self.inherited]
        for kind, old, new in self.replaced:
            parts.append(words.follow_up_replaced.format(old=old, new=new) if old else
                         words.follow_up_added.format(kind=words.follow_up_kinds[kind], new=new))
        return words.follow_up.format(previous=self.previous, resolved=self.resolved,
                                      parts="; ".join(parts) or words.follow_up_nothing)


def _named(question: str):
    from ..analyze import analyze

    a = analyze(question)
    places = [loc for loc in a.localities if loc.start >= 0]
    return a, places, list(a.refs), list(YEAR_RE.finditer(question))


def _is_elliptic(question: str, places, refs, years) -> bool:
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
    has_unit = fold(old_surface).split()[0] in _UNIT_WORDS
    if has_unit and fold(new.surface) == fold(new.name):
        full = new.full_name
        return full if old_surface[:1].isupper() else full[:1].lower() + full[1:]
    return new.surface


def _value(kind: str, item) -> str:
    return item.group(1) if kind == "year" else item.surface


def _span(kind: str, item) -> tuple[int, int]:
    return (item.start(1), item.end(1)) if kind == "year" else (item.start, item.end)


def _edit_elliptic(previous: str, language: str, named_now: dict, named_before: dict):
    """(resolved, inherited, replaced): the previous question with each kind the follow-up names put in
    place of the previous one of that kind (or added at its end); the kinds it does not name are kept."""
    inherited: list[tuple[str, str]] = []
    replaced: list[tuple[str, str, str]] = []
    edits: list[tuple[int, int, str]] = []
    for kind in ("place", "document", "year"):
        new_items, old_items = named_now[kind], named_before[kind]
        if not new_items:
            inherited += [(kind, _value(kind, old)) for old in old_items]
            continue
        new_text = _value(kind, new_items[0])
        if old_items:
            s, e = _span(kind, old_items[0])
            old_text = previous[s:e]
            if kind == "place":
                new_text = _place_text(new_items[0], old_text)
            edits.append((s, e, new_text))
            replaced.append((kind, old_text, new_text))
        else:
            end = len(previous.rstrip(" ?.!"))
            edits.append((end, end, WORDING[language].follow_up_joins[kind] + new_text))
            replaced.append((kind, "", new_text))
    resolved = previous
    for s, e, text in sorted(edits, reverse=True):  # from the end, so earlier spans stay valid
        resolved = resolved[:s] + text + resolved[e:]
    return resolved, inherited, replaced


def _keep_unnamed(question: str, named_now: dict, named_before: dict):
    """(resolved, inherited): a question of its own keeps only the first of each kind it does not name."""
    additions = [(kind, _value(kind, named_before[kind][0])) for kind in ("place", "document", "year")
                 if not named_now[kind] and named_before[kind]]
    if not additions:
        return question, []
    return f"{question.rstrip(' ?.!')} ({', '.join(v for _, v in additions)})?", additions


def resolve(question: str, previous: str) -> FollowUp:
    """The question a follow-up stands for, given the previous one."""
    question, previous = (question or "").strip(), (previous or "").strip()
    qa_, q_places, q_refs, q_years = _named(question)
    pa, p_places, p_refs, p_years = _named(previous)
    now = {"place": q_places, "document": q_refs, "year": q_years}
    before = {"place": p_places, "document": p_refs, "year": p_years}
    replaced: list[tuple[str, str, str]] = []
    if previous and _is_elliptic(question, q_places, q_refs, q_years):
        resolved, inherited, replaced = _edit_elliptic(previous, pa.language, now, before)
    elif previous:
        resolved, inherited = _keep_unnamed(question, now, before)
    else:
        resolved, inherited = question, []
    _, places, refs, years = _named(resolved)
    filters = SearchFilters(
        docs=tuple(dict.fromkeys(r.canonical if r.issuer else r.surface for r in refs)),
        localities=tuple(dict.fromkeys(p.name for p in places)),
        years=tuple(dict.fromkeys(int(m.group(1)) for m in years)),
    )
    return FollowUp(question=question, previous=previous, resolved=resolved, inherited=tuple(inherited),
                    replaced=tuple(replaced), filters=filters, language=qa_.language if question else pa.language)
