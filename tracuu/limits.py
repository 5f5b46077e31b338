"""One validation layer for every door (REST, the Gradio API, the page's handlers): the same lengths, the
same k range, the same clean-up of control characters, the same refusal of lone surrogates, and errors
that name the field without echoing what was sent or showing a server path.

Pure functions, no web framework here: each door turns ``LimitError`` into its own refusal (422 for REST,
``gr.Error`` for the Gradio API, a message on the page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_REQUEST_BYTES = 64 * 1024  # a question is at most a few kB; nothing larger is ever needed as a question
# Everything else the page posts (its component values) stays far below this; uploads have their own limit.
MAX_PAGE_BODY_BYTES = 2 * 1024 * 1024
MAX_QUESTION_CHARS = 4000
MAX_FILTER_CHARS = 200
MAX_FILTER_VALUES = 20
K_MIN, K_MAX = 1, 100
YEAR_MIN, YEAR_MAX = 1000, 2999

# C0 and C1 controls but tab and newline (which a pasted question may carry), DEL, and the Unicode
# non-characters XML refuses: python-docx, SQLite FTS and the page all choke on them.
_CONTROLS = re.compile(" *[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]+ *")
_SURROGATE = re.compile("[\ud800-\udfff]")
# An absolute path in a message (/work/x/uploads/a.html, C:\x\a.docx): only its last part is shown.
_ABS_PATH = re.compile(r"(?<![\w/.:])(?:/|[A-Za-z]:\\)(?:[^\s/\\'\"<>:]+[/\\])+([^\s/\\'\"<>]*)")

# The one wording table of the refusals (vi first; en).
MESSAGES = {
    "vi": {"surrogate": "{field}: có ký tự không hợp lệ (nửa cặp UTF-16)", "too_long": "{field}: dài quá {limit} ký tự",
           "k": "k phải từ {lo} đến {hi}", "too_many": "{field}: nhiều nhất {limit} giá trị",
           "year": "năm phải từ {lo} đến {hi}", "type": "{field}: kiểu không hợp lệ"},
    "en": {"surrogate": "{field}: contains an invalid character (a lone UTF-16 surrogate)",
           "too_long": "{field}: longer than {limit} characters", "k": "k must be between {lo} and {hi}",
           "too_many": "{field}: at most {limit} values", "year": "a year must be between {lo} and {hi}",
           "type": "{field}: wrong type"},
}


class LimitError(ValueError):
    """Input refused at the door; ``str()`` is a short message that names the field, never the value."""

    def __init__(self, key: str, lang: str = "en", **fields) -> None:
        self.key, self.fields = key, fields
        super().__init__(MESSAGES.get(lang, MESSAGES["en"])[key].format(**fields))

    def message(self, lang: str) -> str:
        return MESSAGES.get(lang, MESSAGES["en"])[self.key].format(**self.fields)


def text(value, field: str = "question", limit: int = MAX_QUESTION_CHARS) -> str:
    """The text with control characters made spaces; lone surrogates and over-long texts refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LimitError("type", field=field)
    if _SURROGATE.search(value):
        raise LimitError("surrogate", field=field)
    if len(value) > limit:
        raise LimitError("too_long", field=field, limit=limit)
    return _CONTROLS.sub(" ", value)


def optional_text(value, field: str, limit: int = MAX_QUESTION_CHARS) -> str | None:
    return None if value is None else text(value, field, limit)


def k_value(value, lo: int = K_MIN, hi: int = K_MAX) -> int:
    try:
        k = int(value)
    except (TypeError, ValueError, OverflowError):
        raise LimitError("k", lo=lo, hi=hi) from None
    if isinstance(value, float) and value != k or not lo <= k <= hi:
        raise LimitError("k", lo=lo, hi=hi)
    return k


def values(items, field: str) -> tuple[str, ...]:
    items = list(items or ())
    if len(items) > MAX_FILTER_VALUES:
        raise LimitError("too_many", field=field, limit=MAX_FILTER_VALUES)
    return tuple(text(v, field, MAX_FILTER_CHARS) for v in items)


def years(items) -> tuple[int, ...]:
    items = list(items or ())
    if len(items) > MAX_FILTER_VALUES:
        raise LimitError("too_many", field="years", limit=MAX_FILTER_VALUES)
    out = []
    for y in items:
        try:
            year = int(y)
        except (TypeError, ValueError, OverflowError):
            raise LimitError("year", lo=YEAR_MIN, hi=YEAR_MAX) from None
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise LimitError("year", lo=YEAR_MIN, hi=YEAR_MAX)
        out.append(year)
    return tuple(out)


@dataclass(frozen=True)
class CleanFilters:
    docs: tuple[str, ...] = ()
    localities: tuple[str, ...] = ()
    years: tuple[int, ...] = ()

    def search_filters(self):
        from index import SearchFilters

        return SearchFilters(docs=self.docs, localities=self.localities, years=self.years)


def filters(docs=None, localities=None, year_values=None) -> CleanFilters:
    """Filter values checked before they reach the index (and its SQLite)."""
    return CleanFilters(values(docs, "docs"), values(localities, "localities"), years(year_values))


def scrub(message: str) -> str:
    """A message safe to show: absolute paths cut to their last part, control characters and lone
    surrogates dropped, and at most 300 characters."""
    out = _ABS_PATH.sub(lambda m: m.group(1) or "…", str(message))
    out = _SURROGATE.sub("", _CONTROLS.sub(" ", out))
    return out if len(out) <= 300 else out[:299] + "…"
