"""The one year pattern a question is read with: a year from 1900 to 2099 standing alone ("năm 2020",
"in 2021"), not inside a number ("1.2020", "12020"). ``qa.analyze`` builds its month patterns from it and
``qa.question.followup`` finds the year a follow-up replaces with it."""

from __future__ import annotations

import re

YEAR = r"(?:19|20)\d\d"
YEAR_RE = re.compile(rf"(?<![\d.,])({YEAR})(?![\d])")
