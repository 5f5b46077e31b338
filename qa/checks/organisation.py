"""An organisation the question names ("Hội Chữ thập đỏ", "MTTQ"): only articles that name it."""

from __future__ import annotations

from dataclasses import dataclass

from ..organisations import names_organisation
from .base import Asked, Unmet, article_text, only_articles


@dataclass(frozen=True)
class Organisations:
    def __call__(self, asked: Asked, found):
        organisations = asked.question.organisations
        if not organisations:
            return found
        naming = frozenset(d for d in {h.doc_id for h in found.hits}
                           if all(names_organisation(article_text(asked.corpus, d), o) for o in organisations))
        if not naming:
            return Unmet(" + ".join(o.label for o in organisations))
        return only_articles(found, naming)
