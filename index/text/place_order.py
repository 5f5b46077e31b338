"""Two readings the prefix-first gazetteer match of ``places`` misses: English order, where the unit word
follows the name ("Thanh Khe Tay ward", "Thanh Xuan district"), and a ward created on 1 July 2025 whose
name starts with a pre-2025 ward's ("Phường Thanh Khê" is not "Phường Thanh", Quảng Trị)."""

from __future__ import annotations

import re
from typing import Callable

from index.records import LocalityLevel
from index.text.refs import fold

_SUFFIX_RE = re.compile(r"(?<![\w])(district|ward|commune|province|city|town)\b")
_SUFFIX_LEVEL: dict[str, LocalityLevel] = {"district": "district", "town": "district", "ward": "ward",
                                           "commune": "ward", "province": "province", "city": "province"}


def new_ward_words(old_wards, key: Callable[[int, int], str], i: int, longest: int) -> int:
    """Words of a 2025 ward name at word ``i`` that no longer-or-equal pre-2025 ward name covers; 0 if none
    ("Thanh Khê Tây" is still the old ward, "Thanh Khê" alone the new one)."""
    from index.text.admin2025 import old_units_of

    for n in range(longest, 1, -1):
        name = key(i, n)
        if name in old_wards:
            return 0
        if old_units_of(f"phuong {name}") or old_units_of(f"xa {name}"):
            return n
    return 0


def suffixed(gz, text: str, folded: str, off: list[int], words: list[tuple[int, int]], taken: set[int],
             pending: list, name_ok: Callable[[int, int], bool], key: Callable[[int, int], str]) -> None:
    """Append to ``pending`` (as ``places.find_localities`` step 1 does) every "<name> <unit word>"."""
    starts = {s: i for i, (s, _) in enumerate(words)}
    for m in _SUFFIX_RE.finditer(folded):
        j = starts.get(m.start())
        if j is None or j in taken:
            continue
        level = _SUFFIX_LEVEL[m.group(1)]
        table = {"district": gz.districts, "ward": gz.wards}.get(level, {})
        for n in range(min(4, j), 0, -1):
            i = j - n
            if any(k in taken for k in range(i, j)) or not name_ok(i, n) or (n < 2 and level != "province"):
                continue
            k = key(i, n)
            cands = [gz.provinces[k]] if level == "province" and k in gz.provinces else list(table.get(k, []))
            if not cands:
                continue
            end = words[i + n - 1][1]
            pending.append((words[i][0], end, cands, text[off[words[i][0]] : off[end]], None, level))
            taken.update(range(i, j + 1))
            break


__all__ = ["new_ward_words", "suffixed", "fold"]
