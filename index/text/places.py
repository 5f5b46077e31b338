"""Vietnamese localities (province / district / ward) named in text, resolved against the pre-2025
gazetteer shipped in the ``vietnamadminunits`` package (63 provinces, MIT licence).

We read the package's SQLite file directly rather than importing the package: its ``__init__`` loads
several MB of JSON and imports shapely/geopy, which no recogniser needs. Tables are built once per
process, on first use (``_gazetteer()``).

What counts as a mention, from most to least certain:
* a unit word + name: "quận Tây Hồ", "Thành phố Cần Thơ", "TP. Hồ Chí Minh", "phường Thanh Khê Tây";
* a Party committee + name: "Thành ủy Cần Thơ" (province), "Quận ủy Tây Hồ" (district);
* a bare province name ("Hà Nội", "Hanoi");
* a bare district name only if it is unique among districts, not a province name, two syllables or
  more, and (in cased text) forms a capitalised run on its own, so "Nguyễn Minh Tiến" never yields a
  district. Bare ward names are never matched: thousands of them are ordinary words or person names.

In cased prose a name must be capitalised ("xã hội" is society, not a commune). Text without capitals
beyond the first letter (a typed query) is matched leniently, with names of two syllables or more.
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from index.records import Locality, LocalityLevel
from index.text.place_order import new_ward_words, suffixed
from index.text.refs import fold, fold_with_offsets, has_diacritics


@dataclass(frozen=True)
class _Unit:
    name: str  # short name with tone marks
    level: LocalityLevel
    full_name: str
    unit_type: str  # folded: "quan", "huyen", "thi xa", "thanh pho", "phuong", "xa", "thi tran", "tinh"
    province: str
    district: str | None

    def locality(self, surface: str = "", start: int = -1, end: int = -1) -> Locality:
        return Locality(self.name, self.level, self.full_name, self.province, self.district, surface, start, end)


# Old or foreign names → short province name in the gazetteer. The gazetteer already calls Huế a
# centrally-run city (2025); articles of 2020–2023 say "Thừa Thiên Huế".
_PROVINCE_ALIASES = {
    "hanoi": "Hà Nội", "ha noi": "Hà Nội", "hcm": "Hồ Chí Minh", "hcmc": "Hồ Chí Minh",
    "tphcm": "Hồ Chí Minh", "ho chi minh city": "Hồ Chí Minh", "sai gon": "Hồ Chí Minh",
    "saigon": "Hồ Chí Minh", "thua thien hue": "Huế", "danang": "Đà Nẵng", "haiphong": "Hải Phòng",
    "can tho city": "Cần Thơ", "ba ria vung tau": "Bà Rịa - Vũng Tàu",
}
# Unit names that, without tone marks, are also ordinary words (hòa bình = peace, văn bản = document,
# thống nhất = unified, đo lường = measure, tương đương = equivalent, cố đô = old capital): in
# lower-case queries they are not places unless a unit word precedes them.
_LENIENT_STOP = {
    "hoa binh", "thai binh", "dien bien", "phu yen", "van ban", "van quan", "thong nhat", "do luong",
    "dong hoa", "tuong duong", "co do", "quang dien", "phu hoa", "hoa vang", "luong tai", "dong phu",
    "thanh thuy", "phu luong", "cho don", "da bac", "dong hoi", "yen the", "thuan an", "tan an",
}


class _Gazetteer:
    """Lookup tables keyed by folded short name."""

    def __init__(self, db_path: Path) -> None:
        self.provinces: dict[str, _Unit] = {}
        self.districts: dict[str, list[_Unit]] = defaultdict(list)
        self.wards: dict[str, list[_Unit]] = defaultdict(list)
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            rows = conn.execute(
                "SELECT province, provinceShort, district, districtShort, districtType, ward, wardShort, "
                "wardType FROM admin_units_legacy"
            ).fetchall()
        seen_d: set[tuple[str, str]] = set()
        for prov, prov_s, dist, dist_s, dist_t, ward, ward_s, ward_t in rows:
            if fold(prov_s) not in self.provinces:
                self.provinces[fold(prov_s)] = _Unit(prov_s, "province", prov, "tinh", prov_s, None)
            if dist_s and (prov_s, dist_s) not in seen_d:
                seen_d.add((prov_s, dist_s))
                self.districts[fold(dist_s)].append(_Unit(dist_s, "district", dist, fold(dist_t), prov_s, None))
            if ward_s:
                self.wards[fold(ward_s)].append(_Unit(ward_s, "ward", ward, fold(ward_t), prov_s, dist_s))
        hue = self.provinces.get("hue")
        if hue:  # pre-2025 name of the province
            self.provinces["thua thien hue"] = replace(
                hue, name="Thừa Thiên Huế", full_name="Tỉnh Thừa Thiên Huế", province="Thừa Thiên Huế"
            )
        for alias, short in _PROVINCE_ALIASES.items():
            unit = self.provinces.get(fold(short))
            if unit and alias not in self.provinces:
                self.provinces[alias] = unit
        self.unique_districts = {k: v[0] for k, v in self.districts.items() if len(v) == 1}
        self.max_words = max(len(k.split()) for k in [*self.provinces, *self.districts, *self.wards])


def _db_path() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("vietnamadminunits is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "dataset.db"


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    return _Gazetteer(_db_path())


# ---------------------------------------------------------------- matching

# Unit words (folded) and the levels/types they introduce. Party committees imply their unit.
_PREFIXES: list[tuple[str, tuple[LocalityLevel, ...], str | None]] = [
    ("thanh uy", ("province",), None), ("tinh uy", ("province",), None),
    ("quan uy", ("district",), "quan"), ("huyen uy", ("district",), "huyen"), ("thi uy", ("district",), "thi xa"),
    ("thanh pho", ("province", "district"), "thanh pho"), ("tp", ("province", "district"), "thanh pho"),
    ("thi xa", ("district",), "thi xa"), ("thi tran", ("ward",), "thi tran"), ("tinh", ("province",), None),
    ("quan", ("district",), "quan"), ("huyen", ("district",), "huyen"),
    ("phuong", ("ward",), "phuong"), ("xa", ("ward",), "xa"),
]
_PREFIX_RE = re.compile(
    r"(?<![\w])(" + "|".join(p.replace(" ", r"\s+") for p, _, _ in _PREFIXES) + r")(?:\.\s*|\s+)(?=\w)"
)
_PREFIX_INFO = {p: (levels, t) for p, levels, t in _PREFIXES}
# Accented spellings of the ambiguous folded prefixes, checked against the original when the text has
# tone marks: "xa" (far), "quan" (official), "tinh" (feeling) are not unit words.
_ACCENTED_PREFIX = {
    "quan": {"quận"}, "huyen": {"huyện"}, "xa": {"xã"}, "tinh": {"tỉnh"}, "phuong": {"phường"},
    "thi xa": {"thị xã"}, "thi tran": {"thị trấn"}, "thanh pho": {"thành phố"},
    "quan uy": {"quận ủy", "quận uỷ"}, "huyen uy": {"huyện ủy", "huyện uỷ"}, "thi uy": {"thị ủy", "thị uỷ"},
    "thanh uy": {"thành ủy", "thành uỷ"}, "tinh uy": {"tỉnh ủy", "tỉnh uỷ"},
}
_WORD_RE = re.compile(r"\w+")
# Bare names that mostly mean something else: "tư tưởng Hồ Chí Minh" is not the city.
_BARE_EXCLUDE = {"ho chi minh"}


# Capitalised English words that open a question or a phrase: "Did Hoan Kiem review …", "In Thanh Xuan …"
# are not one name with the place ("Nguyễn Đông Anh" is).
_EN_OPENERS = frozenset("""did does do is are was were has have had can will would when where who how what
which why in at on of for from the""".split())


def _cap_neighbour(text: str, off: list[int], words: list[tuple[int, int]], j: int, i: int) -> bool:
    """Is word ``j`` a capitalised word separated from word ``i`` by a single space (an English question
    word does not count)?"""
    if j < 0 or j >= len(words):
        return False
    a, b = sorted((words[i], words[j]))
    neighbour = text[off[words[j][0]] : off[words[j][1]]]
    if neighbour.lower() in _EN_OPENERS:
        return False
    return a[1] + 1 == b[0] and text[off[a[1]]] == " " and _capitalised(text[off[words[j][0]]])


# Old-style tone placement ("hoà", "thuỷ") next to the modern one ("hòa", "thủy").
_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe", "oẻ": "ỏe",
    "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}


def _tone_key(s: str) -> str:
    s = " ".join(s.lower().split())
    for old, new in _OLD_TONES.items():
        s = s.replace(old, new)
    return s


def _tone_equal(a: str, b: str) -> bool:
    return _tone_key(a) == _tone_key(b)


def _is_lenient(text: str) -> bool:
    """A typed query without capitals (beyond the first letter) cannot use case as evidence."""
    return not any(ch.isupper() for ch in text[1:])


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _pick(cands: list[_Unit], surface_name: str, unit_type: str | None, context: list[Locality]) -> _Unit | None:
    """Choose among same-named units: by unit type, then by places named around it, then by exact
    tone marks. Returns None if still ambiguous."""
    if len(cands) > 1 and unit_type:
        typed = [c for c in cands if c.unit_type == unit_type]
        cands = typed or cands
    if len(cands) > 1 and context:
        provs = {c.province for c in context if c.province}
        dists = {(c.province, c.name) for c in context if c.level == "district"}
        by_dist = [c for c in cands if c.district and (c.province, c.district) in dists]
        by_prov = [c for c in cands if c.province in provs]
        cands = by_dist or by_prov or cands
    return cands[0] if len(cands) == 1 else None


def _unresolved(name: str, level: LocalityLevel, cands: list[_Unit]) -> _Unit:
    """A unit whose parent we cannot tell: keep the name searchable, leave the province empty."""
    return _Unit(name, level, cands[0].full_name, cands[0].unit_type, "", None)


def find_localities(
    text: str,
    context_localities: list[Locality] | tuple[Locality, ...] = (),
    *,
    bare_districts: bool | None = None,
) -> list[Locality]:
    """Every locality mention in ``text``, in order. ``context_localities`` (e.g. the article's title
    localities) help resolve a ward or district whose name several units share.

    ``bare_districts``: may a unique district name without "quận"/"huyện" count? Default (None): yes
    in short texts (queries, filter values, < 300 chars); in prose only for a district the text (or the
    context) also names with its unit word, because bylines and person names ("Thanh Thủy") collide
    with district names."""
    if bare_districts is None:
        bare_districts = len(text) < 300
    gz = _gazetteer()
    folded, off = fold_with_offsets(text)
    lenient = _is_lenient(text)
    accented = any(fold(ch) != ch.lower() for ch in text if ch.isalpha())
    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(folded)]
    word_at = {s: i for i, (s, _) in enumerate(words)}
    found: list[tuple[int, int, _Unit, str]] = []  # folded span, unit, surface name
    taken: set[int] = set()  # word indexes already used
    pending: list[tuple[int, int, list[_Unit], str, str | None, LocalityLevel]] = []

    # run_end[k]: the end of the run of capitalised (or numeric) words starting at word k, so a name of
    # n words at i is acceptable when i + n <= run_end[i]: O(1) per check, not O(n) slices (a 5 MB
    # article makes hundreds of thousands of checks).
    run_end = [0] * (len(words) + 1)
    run_end[len(words)] = len(words)
    for k in range(len(words) - 1, -1, -1):
        word = text[off[words[k][0]] : off[words[k][1]]]
        run_end[k] = run_end[k + 1] if (_capitalised(word) or word.isdigit()) else k

    def name_ok(i: int, n: int) -> bool:
        if i + n > len(words):
            return False
        if lenient:
            return True
        return i + n <= run_end[i]

    def key(i: int, n: int) -> str:
        return " ".join(folded[words[k][0] : words[k][1]] for k in range(i, i + n))

    # 1. unit word + name (longest name first)
    for m in _PREFIX_RE.finditer(folded):
        prefix = re.sub(r"\s+", " ", m.group(1))
        if accented and prefix in _ACCENTED_PREFIX:
            printed = re.sub(r"\s+", " ", text[off[m.start(1)] : off[m.end(1)]]).lower()
            if printed not in _ACCENTED_PREFIX[prefix]:
                continue
        if "." in m.group(0) and prefix != "tp":
            continue  # "Thành phố. Về phía …": a sentence ended; only "TP." takes a dot
        levels, unit_type = _PREFIX_INFO[prefix]
        i = word_at.get(m.end())
        if i is None or i in taken:
            continue
        longest = min(gz.max_words, len(words) - i)
        if not lenient:
            longest = min(longest, run_end[i] - i)  # longer names fail name_ok anyway
        if prefix in ("phuong", "xa"):
            n_new = new_ward_words(gz.wards, key, i, min(longest, 4))
            if n_new:  # "Phường Thanh Khê" (2025) is not "Phường Thanh" (Quảng Trị): qa reads it as a new ward
                taken.update(range(i, i + n_new))
                continue
        for n in range(longest, 0, -1):
            if not name_ok(i, n) or (lenient and n < 2 and "province" not in levels and not key(i, n).isdigit()):
                continue
            k = key(i, n)
            cands: list[_Unit] = []
            level_hit: LocalityLevel | None = None
            if k.isdigit() and unit_type:  # numbered units are stored as "Quận 1", "Phường 12"
                k = f"{unit_type} {k}"
            for level in levels:
                if level == "province" and k in gz.provinces:
                    cands, level_hit = [gz.provinces[k]], "province"
                elif level == "district" and k in gz.districts:
                    cands, level_hit = gz.districts[k], "district"
                elif level == "ward" and k in gz.wards:
                    cands, level_hit = gz.wards[k], "ward"
                if cands:
                    break
            if not cands or level_hit is None:
                continue
            if lenient and n < 2 and k not in gz.provinces and not k[-1:].isdigit():
                continue
            end_f = words[i + n - 1][1]
            surface_name = text[off[words[i][0]] : off[end_f]]
            pending.append((m.start(), end_f, cands, surface_name, unit_type, level_hit))
            taken.update(range(i, i + n))
            break

    suffixed(_gazetteer(), text, folded, off, words, taken, pending, name_ok, key)
    prefixed_districts = {fold(u.name) for _, _, c, _, _, lv in pending if lv == "district" for u in c}
    prefixed_districts |= {fold(c.name) for c in context_localities if c.level == "district"}

    # 2. bare province names, and unique district names that stand alone
    for i in range(len(words)):
        if i in taken or (not lenient and run_end[i] == i):  # names start with a capital (or a digit)
            continue
        for n in range(min(4, len(words) - i), 0, -1):
            if not name_ok(i, n) or any(j in taken for j in range(i, i + n)):
                continue
            k = key(i, n)
            if k in _BARE_EXCLUDE:
                continue
            unit = gz.provinces.get(k)
            is_district = False
            if unit is None and n >= 2 and k in gz.unique_districts and k not in gz.provinces:
                if bare_districts or k in prefixed_districts:
                    unit, is_district = gz.unique_districts[k], True
            if unit is None:
                continue
            originals = [text[off[words[j][0]] : off[words[j][1]]] for j in range(i, i + n)]
            printed = " ".join(originals)
            if has_diacritics(printed) and not _tone_equal(printed, unit.name):
                continue  # tone marks written and different: "Huệ" (a person) is not "Huế"
            if lenient:
                if k in _LENIENT_STOP or (n < 2 and k not in _PROVINCE_ALIASES):
                    continue
            else:
                # ALL-CAPS headline words carry no case evidence.
                if k not in _PROVINCE_ALIASES and all(len(w) > 1 and w.isupper() for w in originals):
                    continue
                # A bare district name must not be one piece of a longer capitalised run (a person's
                # name, an organisation): "Nguyễn Đông Anh".
                if is_district and (_cap_neighbour(text, off, words, i - 1, i) or _cap_neighbour(text, off, words, i + n, i + n - 1)):
                    continue
            end_f = words[i + n - 1][1]
            pending.append((words[i][0], end_f, [unit], text[off[words[i][0]] : off[end_f]], None, unit.level))
            taken.update(range(i, i + n))
            break

    # 3. resolve same-named units, using units already certain in this text as context
    certain = [u.locality() for _, _, c, _, _, _ in pending if len(c) == 1 for u in c]
    context = [*context_localities, *certain]
    for fs, fe, cands, surface_name, unit_type, level in pending:
        if len(cands) > 1 and has_diacritics(surface_name):
            # "Tân Định" is not "Tân Dĩnh": written tone marks choose among names that fold alike.
            cands = [c for c in cands if _tone_equal(c.name, surface_name)] or cands
        unit = cands[0] if len(cands) == 1 else _pick(cands, surface_name, unit_type, context)
        if unit is None:
            unit = _unresolved(cands[0].name, level, cands)
        found.append((fs, fe, unit, surface_name))

    found.sort(key=lambda t: t[0])
    return [u.locality(text[off[fs] : off[fe]], off[fs], off[fe]) for fs, fe, u, _ in found]


def resolve_locality(name: str) -> list[Locality]:
    """Units a filter value may mean: "Tây Hồ", "quận tây hồ", "can tho", "Thanh Khê Tây" (a bare ward
    name is allowed here, unlike in prose). Empty list if nothing matches."""
    gz = _gazetteer()
    found = find_localities(name)
    if found:
        return [replace(loc, surface="", start=-1, end=-1) for loc in found]
    k = " ".join(fold(name).replace(".", " ").split())
    units: list[_Unit] = []
    if k in gz.provinces:
        units.append(gz.provinces[k])
    units += gz.districts.get(k, []) + gz.wards.get(k, [])
    return [u.locality() for u in units]


def distinct_localities(locs: list[Locality] | tuple[Locality, ...]) -> list[Locality]:
    """One entry per unit (first mention kept)."""
    seen: set[tuple[str, str, str, str | None]] = set()
    out: list[Locality] = []
    for loc in locs:
        ident = (loc.level, loc.name, loc.province, loc.district)
        if ident not in seen:
            seen.add(ident)
            out.append(loc)
    return out
