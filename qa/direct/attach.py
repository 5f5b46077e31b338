"""The fact first: the answer span of a quoted answer, cut verbatim from its quoted sentence, leads the
answer text ("126 chi hội [1]. Theo bài “…” (2022-01-13): “…” [1]"); a "possibly" answer lists the spans of
its candidates ("có thể là 126 chi hội [1] hoặc 5.573 hội viên [2]"). Never generated: ``direct`` is a
substring of the quote of citation ``direct_citation``. Articles are named by a short title."""

from __future__ import annotations

import re
from dataclasses import replace

from ..records import Answer
from .score import asked_of, best_span_for

SHORT_TITLE_WORDS = 12  # an article's title in the answer text: its head, at most this many words
# Where a headline's head ends: "Tây Hồ: tổng kết …", "… - Báo Hà Nội mới", "… | Cổng thông tin".
_TITLE_BREAK = re.compile(r"\s+[-–|]\s+|:\s+")


def with_direct(answer: Answer, analysis) -> Answer:
    """The answer with its span (``direct``) leading the text; unchanged when it is no fact answer, or its
    question asks for no span, or no quoted sentence holds one."""
    if answer.abstained or answer.kind != "fact" or not answer.citations:
        return answer
    question = getattr(analysis, "question", None) or answer.question
    wanted = asked_of(question, analysis)
    if wanted is None:
        return answer
    found = [(c, best_span_for(c.quote, wanted, analysis)) for c in answer.citations]
    found = [(c, span) for c, span in found if span is not None]
    if any(span.fits for _, span in found):  # "possibly 91 Tổ dân vận", not "or 25 năm" beside it
        found = [(c, span) for c, span in found if span.fits]
    spans = [(c, c.quote[span.start : span.end]) for c, span in found]
    if not spans:
        return answer
    first, direct = spans[0]
    text = _short_titles(answer.text, answer.citations)
    from ..answers.wording import WORDING

    words = WORDING[answer.language]
    if len(answer.citations) == 1 and not answer.candidates:
        text = f"{words.direct.format(span=direct, n=first.n)} {text}"
    elif text.split("\n", 1)[0] == words.possibly:
        listed = list({_key(t): (t, c.n) for c, t in reversed(spans)}.values())[::-1]  # one per span text
        head = words.possibly_spans.format(spans=words.either.join(f"{t} [{n}]" for t, n in listed))
        text = "\n".join([head, *text.split("\n")[1:]])
    return replace(answer, text=text, direct=direct, direct_citation=first.n)


def _key(span: str) -> str:
    return " ".join(span.lower().split())


def short_title(title: str) -> str:
    """A headline's head, at most SHORT_TITLE_WORDS words ("…" where cut): the answer names the article,
    the evidence card shows it whole."""
    head = _TITLE_BREAK.split(title.strip(), maxsplit=1)[0]
    if len(head.split()) < 4:  # "Tây Hồ: …" — the part before the break is no title of its own
        head = title.strip()
    words = head.split()
    return head if len(words) <= SHORT_TITLE_WORDS else " ".join(words[:SHORT_TITLE_WORDS]) + "…"


def _short_titles(text: str, citations) -> str:
    for c in citations:
        title = c.hit.title or ""
        if title:
            text = text.replace(f"“{title}”", f"“{short_title(title)}”")
    return text
