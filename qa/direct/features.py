"""Features of one candidate span inside its sentence, for the learned span scorer (``qa.direct.score``).
Cheap and local: the span's shape (length, figures, capitals), how much of it the question already says,
how close it sits to the question's words, and where it starts and ends (a clause edge, a name cut short)."""

from __future__ import annotations

import math
from typing import Sequence

from .kinds import KIND_NAMES
from .tokens import MODIFIERS, Word, is_capitalised, is_number

# Words printed right before a name (folded): a span right after them is likely the person.
_TITLES = frozenset("ong ba dong chi anh chi vua hoang de tuong tong thong thu tuong chu tich bi thu".split())
# Words before a time or place that SQuAD-style answers usually leave out: "vào năm 1998", "tại Hà Nội".
_PREPOSITIONS = frozenset("vao tu trong luc khi tai o den cho boi la".split())
_LEN_BINS = (1, 2, 3, 4)
NAMES: tuple[str, ...] = (
    *(f"len{n}" for n in _LEN_BINS), "len5p", "q_frac", "q_any", "has_digit", "starts_number", "ends_number",
    "starts_modifier", "all_cap", "first_cap", "sentence_start", "prev_q", "next_q", "near_q", "q_window",
    "rel_pos", "has_counted", "ends_counted", "edge_after", "edge_before", "prev_title", "next_cap", "prev_cap",
    "next_number", "extends_left", "extends_right", "starts_prep", "lone_opener", "starts_title", "q_left3", "q_right3", "counts_noun", "is_name", "after_q_code",
    "after_naming", "after_people", "cuts_date", "year_only", "cuts_date_year_asked", "year_only_year_asked",
    *(f"kind_{k}" for k in KIND_NAMES), *(f"kind_{k}_len" for k in KIND_NAMES),
    *(f"kind_{k}_qfrac" for k in KIND_NAMES),
)


def features(words: Sequence[Word], span: tuple[int, int], asked: frozenset[str], kind: str,
             counted: tuple[str, ...] = (), others: frozenset[tuple[int, int]] = frozenset(),
             accented: bool = True, names: frozenset[str] = frozenset(), grain: str | None = None) -> list[float]:
    """``others``: every candidate span of the sentence — one that extends this span by a word says it
    may be cut short ("ngày 9" of "ngày 9 tháng 8 năm 1942"); ``grain``: "year" when the question asks only
    for a date's year ("năm nào": "năm 1943" of "7 tháng 1 năm 1943" is its answer, cut or not)."""
    s, e = span
    inside = words[s:e]
    n = e - s
    in_q = [w.key(accented) in asked for w in inside]
    prev = words[s - 1] if s > 0 else None
    nxt = words[e] if e < len(words) else None
    q_pos = [k for k, w in enumerate(words) if w.key(accented) in asked and not (s <= k < e)]
    dist = min((s - k if k < s else k - e + 1) for k in q_pos) if q_pos else 30
    window = words[max(0, s - 5) : e + 5]
    nxt_words = tuple(w.key(accented) for w in words[e : e + 2])
    f = {
        **{f"len{b}": float(n == b) for b in _LEN_BINS}, "len5p": float(n >= 5),
        "q_frac": sum(in_q) / n, "q_any": float(any(in_q)),
        "has_digit": float(any(ch.isdigit() for w in inside for ch in w.text)),
        "starts_number": float(is_number(inside[0])), "ends_number": float(is_number(inside[-1])),
        "starts_modifier": float(inside[0].folded in MODIFIERS),
        "all_cap": float(all(is_capitalised(w) for w in inside)), "first_cap": float(is_capitalised(inside[0])),
        "sentence_start": float(s == 0), "prev_q": float(prev is not None and prev.key(accented) in asked),
        "next_q": float(nxt is not None and nxt.key(accented) in asked), "near_q": 1.0 / (1.0 + math.log1p(dist)),
        "q_window": sum(w.key(accented) in asked for w in window) / max(1, len(window)),
        "rel_pos": s / max(1, len(words)),
        "has_counted": float(bool(counted) and counted[0] in {w.key(accented) for w in inside}),
        "ends_counted": float(bool(counted) and nxt_words[:1] == counted[:1]),  # the counted noun follows
        "edge_after": float(nxt is None or nxt.start - inside[-1].end != 1),
        "edge_before": float(prev is None or inside[0].start - prev.end != 1),
        "prev_title": float(prev is not None and prev.folded in _TITLES),
        "next_cap": float(nxt is not None and is_capitalised(nxt) and nxt.start - inside[-1].end == 1),
        "prev_cap": float(prev is not None and is_capitalised(prev) and inside[0].start - prev.end == 1),
        "next_number": float(nxt is not None and is_number(nxt)),
        "extends_left": float((s - 1, e) in others), "extends_right": float((s, e + 1) in others),
        "starts_prep": float(inside[0].folded in _PREPOSITIONS and n > 1),
        "lone_opener": float(s == 0 and n == 1),  # "Một", "Năm": capitalised only because it opens the sentence
        "starts_title": float(inside[0].folded in _TITLES and n > 1),  # "Bà Trương Thị Mai": the name is after
        "q_left3": sum(w.key(accented) in asked for w in words[max(0, s - 3) : s]) / 3,
        "q_right3": sum(w.key(accented) in asked for w in words[e : e + 3]) / 3,
        # the word after the span's last figure is of the counted noun: "126 chi hội" for "bao nhiêu chi hội"
        "counts_noun": float(_after_last_figure(words, s, e, accented) in counted),
        "is_name": float(" ".join(w.text for w in inside) in names),
        # right after a code or figure the question names: "290-QĐ/TW ngày 25/02/2010" for "290-QĐ/TW ban hành ngày nào"
        "after_q_code": float(any(w.key(accented) in asked and any(ch.isdigit() for ch in w.text)
                                  for w in words[max(0, s - 2) : s])),
    }
    cut, year = _cuts_date(words, s, prev), _year_only(inside)
    f.update({"after_naming": float(prev is not None and prev.folded in _NAMING),
              # "người Scotland James Dewar": the word after "người" is a people, not the name
              "after_people": float(prev is not None and prev.folded == "nguoi" and is_capitalised(inside[0])),
              "cuts_date": cut, "year_only": year, "cuts_date_year_asked": cut * (grain == "year"),
              "year_only_year_asked": year * (grain == "year")})
    for k in KIND_NAMES:
        f[f"kind_{k}"] = float(k == kind)
        f[f"kind_{k}_len"] = float(k == kind) * min(n, 6) / 6
        f[f"kind_{k}_qfrac"] = float(k == kind) * f["q_frac"]
    return [f[name] for name in NAMES]


# Words a name is printed after (folded): "một người Norman tên là Oursel", "được gọi là Mahātmā".
_NAMING = frozenset("la ten goi hieu".split())
# A date's unit words (folded) and the words before a year that its answer may leave out.
_UNITS = frozenset("ngay thang nam".split())
_BEFORE_YEAR = frozenset("vao nam tu trong".split())


def _cuts_date(words: Sequence[Word], s: int, prev: Word | None) -> float:
    """The span starts with a date's unit right after a figure of the same date: "năm 1891" of "tháng 6 năm
    1891" leaves out its day or month."""
    return float(prev is not None and words[s].folded in _UNITS and prev.text.isdigit() and len(prev.text) <= 2
                 and words[s].start - prev.end == 1)


def _year_only(inside: Sequence[Word]) -> float:
    """The span is a year alone ("1943", "năm 1943", "vào năm 1943")."""
    rest = [w for w in inside if w.folded not in _BEFORE_YEAR]
    return float(len(rest) == 1 and rest[0].text.isdigit() and len(rest[0].text) in (3, 4))


def _after_last_figure(words: Sequence[Word], s: int, e: int, accented: bool) -> str | None:
    figures = [k for k in range(s, e) if is_number(words[k])]
    k = figures[-1] + 1 if figures else None
    if k is None or k >= len(words) or words[k].start - words[k - 1].end != 1:
        return None
    return words[k].key(accented)

