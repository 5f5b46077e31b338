"""A place the question names, a 2025 ward included: the articles about it (the gazetteer hierarchy — an
article about a ward is about its district and city, never the reverse; the locality facet holds an
article's place with its parents), or that print its name (``names_place``). Rows of ``qa.checks.pins``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..constraints import article_place_keys, names_place, place_key

if TYPE_CHECKING:
    from ..question import Question


def places_named(corpus, question: "Question", seen: Sequence[str]) -> list[tuple[str, set[str]]]:
    """(the place as the abstention names it, the articles about it) for each place the question names;
    ``seen``: the retrieved articles, also checked on their stored entities."""
    out = []
    for place in question.localities:
        key = place_key(place.name)
        docs = set(corpus.docs_with("locality", [key]))
        docs |= {d for d in seen if key in article_place_keys(corpus.entities(d)) or names_place(corpus, d, place)}
        out.append((place.surface or place.full_name, docs))
    return out


def wards_named(corpus, question: "Question", seen: Sequence[str]) -> list[tuple[str, set[str]]]:
    """A ward created on 1 July 2025: the articles about any old ward merged into it."""
    out = []
    for name, olds in question.new_wards:
        keys = [place_key(o.name) for o in olds]
        docs = set(corpus.docs_with("locality", keys))
        docs |= {d for d in seen if set(keys) & article_place_keys(corpus.entities(d))}
        out.append((name, docs))
    return out
