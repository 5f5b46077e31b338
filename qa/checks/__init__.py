"""The checks a fact answer's evidence goes through, in order (``qa.checks.base.Check``): the first
unmet one names the abstention. ``ANSWER_CHECKS`` run on the passages an answer would quote, after its
sentence is chosen; ``QUOTE_CHECKS`` on the one article its first quote is from, and an unmet one hedges
the answer ("possibly") instead of abstaining."""

from __future__ import annotations

from .base import Asked, Check, Unmet
from .office import NotTheDeputy
from .names import Names
from .organisation import Organisations
from .person import Persons
from .pins import PlacesAndDocuments
from .time import Time
from .today import Today
from .topic import Topic

EVIDENCE_CHECKS: tuple[Check, ...] = (Today(), PlacesAndDocuments(), Organisations(), Persons(), Time())
ANSWER_CHECKS: tuple[Check, ...] = (NotTheDeputy(),)
QUOTE_CHECKS: tuple[Check, ...] = (Names(), Topic())


def run_checks(checks, asked: Asked, found):
    """(the evidence the checks kept, the first ``Unmet`` or None): on an unmet check, the evidence as it
    stood before it, whose nearest passages the abstention shows."""
    for check in checks:
        kept = check(asked, found)
        if isinstance(kept, Unmet):
            return found, kept
        found = kept
    return found, None


__all__ = ["ANSWER_CHECKS", "EVIDENCE_CHECKS", "QUOTE_CHECKS", "Asked", "Check", "Unmet", "run_checks"]
