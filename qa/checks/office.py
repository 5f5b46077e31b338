"""An office the question asks the holder of ("Ai là Bí thư Quận ủy Tây Hồ?") where the passages name only
its deputy ("Phó Bí thư Thường trực Quận ủy"): the deputy is not the answer."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..offices import Office, states_office
from .base import Asked, Unmet


@dataclass(frozen=True)
class NotTheDeputy:
    def __call__(self, asked: Asked, found):
        office = asked.question.asks_office
        if office is not None and only_the_deputy(office, found.hits):
            return Unmet(office.label, why="unmet_office")
        return found


def only_the_deputy(office: Office, hits) -> bool:
    """The passages give the office's deputy and never the office itself. An office they do not give at
    all is left to the answer: articles word posts their own way (a translation prints "Bộ trưởng cuối
    cùng" for the asked "Thủ tướng cuối cùng")."""
    if office.head.startswith("pho "):
        return False
    deputy = replace(office, head="pho " + office.head)
    texts = [h.passage.text for h in hits]
    return not any(states_office(t, office) for t in texts) and any(states_office(t, deputy) for t in texts)
