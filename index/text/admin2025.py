"""Localities before and after the reorganisation of 1 July 2025 (63 provinces → 34; districts abolished;
wards and communes merged), from the data files of the ``vietnamadminunits`` package.

The articles name the units of their day: "phường Thanh Khê Tây", "quận Tây Hồ", "tỉnh Hậu Giang". Each
such unit has a unit now: a ward becomes (part of) a new ward of a new province, a district is gone and
its place now lies in the new province, a province is itself or part of a merged one. ``now_of`` gives
that; ``label`` writes "Phường Thanh Khê Tây (nay thuộc Phường Thanh Khê, Thành phố Đà Nẵng)".
``old_units_of`` goes the other way, for a filter or question that names a new unit: "Phường Thanh Khê"
→ the old wards merged into it, whose articles it must find.

The package's own ``convert_address`` parses free text and takes ~5 s to import (it loads shapely and
several MB of JSON); here only its converter table and its SQLite file are read, once per process.
Where a ward was split among several new ones, the package's default new ward is taken.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.records import Locality

from index.text.refs import fold

__all__ = ["Now", "now_of", "label", "old_units_of", "filter_expansion"]


@dataclass(frozen=True)
class Now:
    """A unit's place after 1 July 2025. ``ward`` is None for a district or province."""

    province: str  # "Thành phố Đà Nẵng"
    ward: str | None = None  # "Phường Thanh Khê"
    changed: bool = True  # False for a province that kept its name and territory's name

    @property
    def text(self) -> str:
        return f"{self.ward}, {self.province}" if self.ward else self.province


@dataclass(frozen=True)
class _Old:
    province: str  # short names, as ``Locality`` carries them
    district: str
    ward: str
    ward_full: str  # "Phường Thanh Khê Tây"


class _Tables:
    def __init__(self, folder: Path) -> None:
        conv = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
        with sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True) as conn:
            legacy = conn.execute("SELECT provinceKey, districtKey, wardKey, provinceShort, districtShort, wardShort, "
                                  "province, ward FROM admin_units_legacy").fetchall()
            current = conn.execute("SELECT provinceKey, wardKey, province, ward, provinceShort, wardShort "
                                   "FROM admin_units").fetchall()
        self.old_by_key: dict[str, _Old] = {}
        self.old_key_by_names: dict[tuple[str, str, str], str] = {}
        self.old_province_key: dict[str, str] = {}  # folded short name -> key
        self.old_province_name: dict[str, str] = {}  # key -> full name
        self.old_province_short: dict[str, str] = {}  # key -> short name
        for pk, dk, wk, ps, ds, ws, pfull, wfull in legacy:
            key = f"{pk}_{dk}_{wk}"
            self.old_by_key[key] = _Old(ps, ds, ws, wfull or ws)
            self.old_province_short[pk] = ps
            self.old_key_by_names[(fold(ps), fold(ds or ""), fold(ws or ""))] = key
            self.old_province_key[fold(ps)] = pk
            self.old_province_name[pk] = pfull
        self.new_province_name: dict[str, str] = {}
        self.new_ward_name: dict[tuple[str, str], str] = {}
        self.new_wards_by_short: dict[str, list[tuple[str, str]]] = {}
        self.new_province_by_short: dict[str, str] = {}
        for pk, wk, pfull, wfull, ps, ws in current:
            self.new_province_name[pk] = pfull
            self.new_ward_name[(pk, wk)] = wfull
            self.new_wards_by_short.setdefault(fold(ws), []).append((pk, wk))
            self.new_province_by_short[fold(ps)] = pk
        self.new_province_of_old = {old: new for new, olds in conv["DICT_PROVINCE"].items() for old in olds}
        self.olds_of_new_province = conv["DICT_PROVINCE"]
        # old ward key -> (new province key, new ward key); new ward -> old ward keys
        self.new_ward_of_old: dict[str, tuple[str, str]] = {}
        self.olds_of_new_ward: dict[tuple[str, str], list[str]] = {}
        for new_p, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
            for new_w, olds in wards.items():
                for old in olds:
                    self.new_ward_of_old[old] = (new_p, new_w)
                self.olds_of_new_ward.setdefault((new_p, new_w), []).extend(olds)
        for new_p, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
            for old, targets in olds.items():
                default = next((t for t in targets if t.get("isDefaultNewWard")), targets[0])
                self.new_ward_of_old.setdefault(old, (new_p, default["newWardKey"]))
                for t in targets:
                    self.olds_of_new_ward.setdefault((new_p, t["newWardKey"]), []).append(old)


@lru_cache(maxsize=1)
def _tables() -> _Tables | None:
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    return _Tables(folder) if (folder / "converter_2025.json").exists() else None


def now_of(loc: Locality) -> Now | None:
    """Where a pre-2025 unit lies now; None when the tables do not know it."""
    t = _tables()
    if t is None:
        return None
    old_pk = t.old_province_key.get(fold(loc.province))
    new_pk = t.new_province_of_old.get(old_pk or "")
    if new_pk is None:
        return None
    province = t.new_province_name.get(new_pk, new_pk)
    if loc.level == "province":
        return Now(province, None, changed=t.old_province_name.get(old_pk) != province)
    if loc.level == "district":
        return Now(province, None)
    key = t.old_key_by_names.get((fold(loc.province), fold(loc.district or ""), fold(loc.name)))
    target = t.new_ward_of_old.get(key or "")
    if target is None:
        return Now(province, None)
    return Now(province, t.new_ward_name.get(target, target[1]))


def label(loc: Locality) -> str:
    """The unit as the article names it, with where it lies now when that changed."""
    now = now_of(loc)
    if now is None or not now.changed:
        return loc.full_name
    return f"{loc.full_name} (nay thuộc {now.text})"


def old_units_of(name: str) -> list[Locality]:
    """The pre-2025 units merged into the new unit ``name`` ("Phường Thanh Khê", "Thanh Khê", "tỉnh Cần
    Thơ"): old wards for a new ward, old provinces for a new province. [] when no new unit has that name."""
    t = _tables()
    if t is None:
        return []
    words = fold(name).split()
    kind = None
    for unit in (("thanh", "pho"), ("tp",), ("tinh",), ("phuong",), ("xa",), ("dac", "khu")):
        if tuple(words[: len(unit)]) == unit:
            kind, words = unit[0], words[len(unit):]
            break
    short = " ".join(words).strip(" .")
    out: list[Locality] = []
    if kind in (None, "thanh", "tp", "tinh") and short in t.new_province_by_short:
        for old_pk in t.olds_of_new_province.get(t.new_province_by_short[short], []):
            full = t.old_province_name.get(old_pk, old_pk)
            short_name = t.old_province_short.get(old_pk, full)
            out.append(Locality(short_name, "province", full, short_name))
        return out
    if kind in (None, "phuong", "xa", "dac"):
        for new_pk, new_wk in t.new_wards_by_short.get(short, []):
            for old_key in t.olds_of_new_ward.get((new_pk, new_wk), []):
                old = t.old_by_key.get(old_key)
                if old and old.ward:
                    out.append(Locality(old.ward, "ward", old.ward_full, old.province, old.district))
    return out


def filter_expansion(name: str) -> list[Locality]:
    """The old units a locality filter (or a place a question names) must also select: a new province
    selects the provinces merged into it; a new ward those merged into it, unless the name, written
    without "phường"/"xã", is also an old district's (bare "Tây Hồ" is the district the articles mean,
    and its facet already covers its wards)."""
    t = _tables()
    if t is None:
        return []
    words = fold(name).split()
    ward_word = bool(words) and words[0] in ("phuong", "xa")
    olds = old_units_of(name)
    if not olds or olds[0].level == "province" or ward_word:
        return olds
    bare = " ".join(words)
    districts = {d for (_, d, _) in t.old_key_by_names}
    provinces = set(t.old_province_key)
    return [] if bare in districts or bare in provinces else olds


_NEW_WARD_RE = re.compile(r"(?<!\w)(?:phuong|xa)\s+((?:\w+\s*){1,4})")


def new_wards_in(text: str) -> list[tuple[str, list[Locality]]]:
    """(the name as printed, the old wards merged into it) for each ward created on 1 July 2025 that a
    text names ("Phường Thanh Khê", "phuong thanh khe") where no pre-2025 ward of that name is meant."""
    from index.text.refs import fold_with_offsets

    folded, off = fold_with_offsets(text)
    if not _NEW_WARD_RE.search(folded) or _tables() is None:  # the tables load once, only when needed
        return []
    old_wards = _old_ward_names()
    out = []
    for m in _NEW_WARD_RE.finditer(folded):
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            if name in old_wards:
                break
            olds = old_units_of(f"{m.group()[:m.start(1) - m.start()].strip()} {name}")
            if olds:
                end = m.start(1) + len(" ".join(m.group(1).split()[:n]))
                out.append((text[off[m.start()] : off[end]], olds))
                break
    return out


@lru_cache(maxsize=1)
def _old_ward_names() -> frozenset[str]:
    t = _tables()
    return frozenset(w for (_, _, w) in t.old_key_by_names) if t else frozenset()
