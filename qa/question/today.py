"""Whether a question asks about today ("Giá vàng hôm nay là bao nhiêu?", "What is the gold price
today?"): only an article dated today can answer it (``qa.checks.today``)."""

from __future__ import annotations

import re

from index.text import fold

# Matched folded (no tone marks, lower case). Not "bây giờ" / "hiện nay" / "now": "what is the city now
# called?" asks for the present state an encyclopaedia article gives, not for today's news.
_TODAY = re.compile(r"\b(?:hom nay|today|tonight|toi nay)\b")


def asks_about_today(question: str) -> bool:
    return bool(_TODAY.search(fold(question)))
