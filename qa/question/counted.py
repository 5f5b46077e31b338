"""The noun a count question counts: "có bao nhiêu hội viên?" → "hội viên" (``qa.checks.counted`` and the
sentence ranker's slot filling read it)."""

from __future__ import annotations

import re

_COUNTED = re.compile(r"(?:bao nhiêu|mấy)\s+(?:là\s+)?(\w+(?:\s+\w+)?)")


def counted_noun(question: str) -> str | None:
    from index.text.normalize import search_text

    match = _COUNTED.search(search_text(question))
    return match.group(1) if match else None
