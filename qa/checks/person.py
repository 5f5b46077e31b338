"""A person the question names ("đồng chí Nguyễn Văn Thành"): only articles that name them."""

from __future__ import annotations

from dataclasses import dataclass

from ..constraints import names_everyone
from .base import Asked, Unmet, only_articles


@dataclass(frozen=True)
class Persons:
    def __call__(self, asked: Asked, found):
        persons = asked.question.persons
        if not persons:
            return found
        named = frozenset(h.doc_id for h in found.hits if names_everyone(asked.corpus, h.doc_id, persons))
        if not named:
            return Unmet(" + ".join(persons))
        return only_articles(found, named)
