"""The phrases of a question worth marking in the passages shown with its answer (the web page's
highlighting, ``ui_render``): read here, with the rest of the question."""

from __future__ import annotations

import re
import unicodedata

_STOP = set("""của và các những đã đang sẽ là có cho với trong được này nào gì bao nhiêu khi ở tại về theo
một thì mà không ra lên đến từ do bị như năm ngày nào ai đâu sao thế hay hoặc cũng rất vào nên ấy đó
which what when where who whom whose how many much the a an of did does do have has had in on to and for
is are was were be been by at from with about this that these those any""".split())

_UBIQUITOUS = {"dân vận", "công tác", "công tác dân", "tác dân", "tác dân vận", "công tác dân vận"}


def query_terms(question: str) -> list[str]:
    """Phrases of the question worth marking in passages, longest first: every run of two or more
    consecutive content words (Vietnamese words are mostly two syllables, so single syllables would mark
    half the text), minus phrases that every article of this corpus repeats, plus numbers ("290")."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", question or "").casefold())
    runs, run = [], []
    for w in words + [""]:
        if w and w not in _STOP:
            run.append(w)
        else:
            runs.append(run)
            run = []
    terms = {w for w in words if any(ch.isdigit() for ch in w)}
    for run in runs:
        for size in range(2, len(run) + 1):
            for i in range(len(run) - size + 1):
                phrase = " ".join(run[i : i + size])
                if phrase not in _UBIQUITOUS:
                    terms.add(phrase)
    return sorted(terms, key=lambda w: (-len(w), w))
