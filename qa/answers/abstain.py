"""The honest answer when the corpus holds no adequate evidence: it says so, and shows the nearest passages
as related reading, never as an answer."""

from __future__ import annotations

from typing import Sequence

from index.records import Hit

from ..records import Answer
from .wording import WORDING


def abstain(question: str, lang: str, related: Sequence[Hit], unmet: str = "", *, why: str = "unmet") -> Answer:
    """``unmet``: the place or document (or their combination), the time or the person that no
    article satisfies, named in the answer so the reader knows why nothing was quoted; the related
    passages follow as "nearest". ``why``: the wording that names it ("unmet", "unmet_time")."""
    text = getattr(WORDING[lang], why).format(what=unmet, role=unmet) if unmet else WORDING[lang].none_found
    return Answer(question, text, True, lang, "none", (), (), tuple(related))
