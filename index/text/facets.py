"""Facet values (document references, localities, years) of an article, and filter values canonicalised
the same way, so "QĐ 290", "Quyết định số 290" and "290-QĐ/TW" select the same articles, and
"Tay Ho", "quận Tây Hồ" and "Tây Hồ" the same locality."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from index.records import Article, ArticleEntities, Locality

class FilterError(ValueError):
    """A filter value that names nothing the index can match (an unreadable document reference)."""


_PREFIX = re.compile(
    r"^(?:thanh pho|tp\.?|tinh|quan|huyen|thi xa|thi tran|phuong|xa|city|province|district|ward)\s+",
)


@lru_cache(maxsize=8192)  # answers compare every candidate article's places with the question's (~200 a question)
def locality_key(name: str) -> str:
    """Diacritic-free, lower-case, without the unit word: 'Quận Tây Hồ' → 'tay ho'."""
    from .normalize import fold_diacritics, search_text

    key = fold_diacritics(search_text(name)).strip()
    key = re.sub(r"\s+", " ", key)
    return _PREFIX.sub("", key).strip()


def article_facets(article: Article, entities: ArticleEntities) -> list[tuple[str, str, str]]:
    """(facet, value, label) rows; article-level, since a filter asks which *articles* match."""
    rows: dict[tuple[str, str], str] = {}
    for ref in entities.refs:
        if ref.issuer or ("doc", ref.key) not in rows:  # the full code is the better label
            rows[("doc", ref.key)] = ref.canonical
    places: list[Locality] = list(entities.localities)
    if entities.primary_locality is not None:
        places.append(entities.primary_locality)
    for place in places:
        rows.setdefault(("locality", locality_key(place.name)), place.full_name)
        # A ward or district also belongs to its parents: filtering on "Hà Nội" finds Tây Hồ's articles.
        for parent in (place.district, place.province):
            if parent and parent != place.name:
                rows.setdefault(("locality", locality_key(parent)), parent)
    years = {d[:4] for d in (article.date, entities.event_date) if d and d[:4].isdigit()}
    for year in years:
        rows[("year", year)] = year
    return [(facet, value, label) for (facet, value), label in sorted(rows.items())]


def doc_values(filters: Iterable[str]) -> list[str]:
    from .refs import parse_ref

    values = []
    for raw in filters:
        ref = parse_ref(raw)
        if ref is None:
            raise FilterError(
                f"'{raw}' is not a document reference I can read; write it like 290-QĐ/TW, "
                "'Quyết định 290' or 'QĐ 290'"
            )
        values.append(ref.key)
    return values


def locality_values(filters: Iterable[str]) -> list[str]:
    """Facet keys a locality filter selects: its own, and, for a unit created on 1 July 2025, those of the
    old units merged into it ("Phường Thanh Khê" selects Thanh Khê Tây's articles)."""
    from .admin2025 import filter_expansion

    keys: list[str] = []
    for raw in filters:
        if raw.strip():
            keys.append(locality_key(raw))
            keys.extend(locality_key(old.name) for old in filter_expansion(raw))
    return list(dict.fromkeys(keys))
