"""Which figures of an article a compare row may hold (``report.compare``): each rule says why.

- the article must be about the row's locality (its primary locality): a figure in an article about Hà
  Nội is never Cần Thơ's;
- a figure whose sentence names another locality ("huyện Mê Linh có 12 mô hình"), counts units as large
  as the row's ("34 tỉnh" in a province's row) or speaks for the whole country is not the row's;
- an article reporting from several places gives a figure only in a sentence naming the row's place; a
  round-up without a host body or a place in its title, only after it last named the row's place;
- when a document is compared, a clause naming only other documents counts their work, not this one's.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from index.text.figures import Figure, figures_in, noun_key
from index.text.refs import fold

if TYPE_CHECKING:
    from index.records import Article, ArticleEntities, Locality

__all__ = ["figures_of"]

# A sentence about the whole country, or a level above every locality, is no locality's figure.
_NATIONAL = re.compile(r"\b(?:ca nuoc|toan quoc|chinh phu|thu tuong|quoc hoi)\b")
# Units a locality of each level cannot hold: "34 tỉnh" in a province's row counts other provinces, so
# the sentence is about a wider area (folded heads).
_WIDER_UNITS = {
    "province": ("tinh", "thanh pho", "tinh, thanh", "tinh, thanh pho", "quoc gia", "nuoc", "bo, nganh", "bo"),
    "district": ("huyen", "quan", "thi xa"),
    "ward": ("xa", "phuong", "thi tran"),
}


def _sentence_places(entities: "ArticleEntities", f: Figure) -> list["Locality"]:
    return [loc for loc in entities.localities if f.sentence_start <= loc.start < f.sentence_end]


def _other_place(place: "Locality", loc: "Locality") -> bool:
    """Whether ``loc`` is a unit other than the row's and not one containing it."""
    if fold(loc.name) == fold(place.name) and loc.level == place.level:
        return False
    if loc.level == "province" and fold(loc.name) == fold(place.province):
        return False
    return not (loc.level == "district" and place.district and fold(loc.name) == fold(place.district))


def _clause(text: str, f: Figure) -> tuple[int, int]:
    s, e = f.sentence_start, f.sentence_end
    a = text.rfind(";", s, f.start)
    b = text.find(";", f.end, e)
    return (a + 1 if a >= 0 else s), (b if b >= 0 else e)


def _doc_rank(entities: "ArticleEntities", text: str, f: Figure, scope_key: str | None) -> int | None:
    """0: the clause names the compared document; 1: it names none; None: only other documents."""
    if scope_key is None:
        return 1
    a, b = _clause(text, f)
    named = {r.key for r in entities.refs if r.start >= 0 and a <= r.start < b}
    return 0 if scope_key in named else (1 if not named else None)


def _wider(place: "Locality", f: Figure) -> bool:
    """Whether the figure counts units at the row's level or above ("34 tỉnh" for a province)."""
    levels = ("province", "district", "ward")
    held = [u for lv in levels[: levels.index(place.level) + 1] if lv in _WIDER_UNITS for u in _WIDER_UNITS[lv]]
    first = noun_key(f.noun).split(", ")[0]  # "tỉnh, thành" → "tinh"; "tình nguyện viên" is no "tỉnh"
    return first in held


def _within(place: "Locality", loc: "Locality") -> bool:
    """The row's unit itself, or a unit inside it."""
    if fold(loc.name) == fold(place.name) and loc.level == place.level:
        return True
    if place.level == "province":
        return fold(loc.province) == fold(place.name)
    return place.level == "district" and fold(loc.district or "") == fold(place.name)


def _several_places(entities: "ArticleEntities") -> bool:
    """An article reporting from several places: another unit, neither inside the primary one nor
    containing it, is named at least half as often. Its figures count only where the sentence names the
    primary place. A host body in the lead sentence settles where the event was."""
    place = entities.primary_locality
    if entities.bodies:
        return False
    counts = Counter((loc.level, fold(loc.name), fold(loc.province)) for loc in entities.localities)
    own = sum(n for (lv, name, _), n in counts.items() if lv == place.level and name == fold(place.name))
    others = [n for loc in {(l.level, fold(l.name), fold(l.province)): l for l in entities.localities}.values()
              if not _within(place, loc) and _other_place(place, loc)
              for n in [counts[(loc.level, fold(loc.name), fold(loc.province))]]]
    return any(2 * n >= own for n in others)


def _weakly_placed(article: "Article", entities: "ArticleEntities") -> bool:
    """No host body in the lead and no place in the title: the primary place is only the one named most.
    Such an article (a round-up, a feature) gives a row a figure only where the place it last named, up
    to the figure's sentence, is the row's (or lies inside it, or contains it)."""
    place = entities.primary_locality
    return not entities.bodies and not any(loc.start < 0 and _within(place, loc) for loc in entities.localities)


def _last_named_is_own(entities: "ArticleEntities", f: Figure) -> bool:
    before = [loc for loc in entities.localities if 0 <= loc.start < f.sentence_end]
    if not before:
        return False
    last = max(before, key=lambda loc: loc.start)
    return _within(entities.primary_locality, last) or not _other_place(entities.primary_locality, last)


def figures_of(article: "Article", entities: "ArticleEntities", scope_key: str | None) -> list[tuple[Figure, int]]:
    place = entities.primary_locality
    skip = [(r.start, r.end) for r in entities.refs if r.start >= 0]
    figures = figures_in(article.text, skip)
    wider = {f.sentence_start for f in figures if _wider(place, f)}
    several, weak = _several_places(entities), _weakly_placed(article, entities)
    out = []
    for f in figures:
        named = _sentence_places(entities, f)
        # A unit inside the row's named with the figure ("huyện Mê Linh có 12 mô hình") owns it.
        if f.sentence_start in wider or any(_other_place(place, loc) for loc in named):
            continue
        if several and not any(fold(loc.name) == fold(place.name) and loc.level == place.level for loc in named):
            continue
        if weak and not _last_named_is_own(entities, f):
            continue
        if _NATIONAL.search(fold(article.text[f.sentence_start : f.sentence_end])):
            continue
        rank = _doc_rank(entities, article.text, f, scope_key)
        if rank is not None:
            out.append((f, rank))
    return out
