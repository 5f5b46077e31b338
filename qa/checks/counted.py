"""The counted noun ("bao nhiêu cuộc giám sát"): a "possibly" list of counts for a pinned question must
show a sentence that names what is counted, or the answer is too unsure to stand."""

from __future__ import annotations

from index.text import tokenize

from ..question.counted import counted_noun


def names_counted(noun: str | None, sentences: list[str]) -> bool:
    """Some sentence holds every word of the counted noun (cuộc, giám); True when there is none (a question
    typed without tone marks, or English: the glossary's words vary too much)."""
    if not noun:
        return True
    words = {w for w in tokenize(noun) if "_" not in w}  # its syllables, in any order: "21.000 cuộc … quán triệt"
    return any(words <= set(tokenize(s)) for s in sentences)


def names_what_is_counted(question: str, sentences: list[str]) -> bool:
    """``names_counted`` for a question's text (tests and studies; the answer path reads ``Question.counted``)."""
    return names_counted(counted_noun(question), sentences)
