"""Sentence-aware passage windows with offsets.

Every passage indexes the article's display text: ``article.text[p.start:p.end] == p.text``.
"""

from __future__ import annotations

from collections.abc import Iterator

from index.records import Article, Passage
from index.text.sentences import estimate_tokens, split_sentences


def chunk_article(
    article: Article,
    target_tokens: int = 160,
    max_tokens: int = 220,
    overlap_sentences: int = 1,
) -> list[Passage]:
    """Windows of whole sentences of about ``target_tokens`` (never above ``max_tokens``); consecutive
    windows share ``overlap_sentences`` sentences so a fact split across a boundary is in one passage.
    Only a single sentence longer than ``max_tokens`` is cut, at whitespace."""
    if max_tokens < target_tokens:
        raise ValueError(f"max_tokens ({max_tokens}) must be at least target_tokens ({target_tokens})")
    text = article.text
    units: list[tuple[int, int, int]] = []  # (start, end, tokens)
    for s, e in split_sentences(text):
        n = estimate_tokens(text[s:e])
        if n <= max_tokens:
            units.append((s, e, n))
        else:
            units.extend(_cut_long(text, s, e, max_tokens))

    passages: list[Passage] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and (j == i or (total < target_tokens and total + units[j][2] <= max_tokens)):
            total += units[j][2]
            j += 1
        start, end = units[i][0], units[j - 1][1]
        ordinal = len(passages)
        passages.append(Passage(f"{article.doc_id}#{ordinal}", article.doc_id, ordinal, start, end, text[start:end],
                                page=article.page_at(start)))
        if j >= len(units):
            break
        # Overlap only small sentences: repeating a long one would make near-duplicate passages.
        back = j
        for _ in range(overlap_sentences):
            if back - 1 > i and units[back - 1][2] <= target_tokens // 2:
                back -= 1
        i = back
    return passages


def _cut_long(text: str, start: int, end: int, max_tokens: int) -> Iterator[tuple[int, int, int]]:
    """Cut one over-long sentence into pieces of at most ``max_tokens`` at whitespace (hard cut if none)."""
    pos = start
    while pos < end:
        # Grow by a character budget from the measured ~3.9 chars/token, then shrink until it fits.
        limit = min(end, pos + max_tokens * 3)
        cut = limit
        if limit < end:
            space = text.rfind(" ", pos + 1, limit + 1)
            cut = space if space > pos else limit
        while cut - pos > 1 and estimate_tokens(text[pos:cut]) > max_tokens:
            shorter = text.rfind(" ", pos + 1, pos + (cut - pos) * 3 // 4 + 1)
            cut = shorter if shorter > pos else pos + (cut - pos) * 3 // 4
        piece_end = cut
        while piece_end > pos and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_end > pos:
            yield pos, piece_end, estimate_tokens(text[pos:piece_end])
        pos = cut
        while pos < end and text[pos].isspace():
            pos += 1
