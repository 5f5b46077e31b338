"""Fixed tune / heldout parts of the public evaluation sets, split by article so no paragraph leaks.

    python -m bench.splits [--eval-dir ../shared/eval] [--out bench/splits.json]

Articles: xquad_vi_dev ``xq03-07`` → ``xq03``; viquad2_dev ``viquad2_dev-a12-p004`` → ``a12``;
seed_qa.jsonl: each question is its own unit. Units are visited in the order of the sha1 of their id and
each goes to the part that is furthest below its target share of *questions* (60 % tune, 40 % heldout),
so the parts are balanced even where one article holds a quarter of the questions (viquad2_dev a17).

Training and tuning code reads only the tune part through :func:`tune_ids` / :func:`guard_tune`, which
refuse heldout ids; the heldout part is read by the final report (``tracuu eval``) alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Iterable

SPLITS_FILE = Path(__file__).with_name("splits.json")
TUNE_SHARE = 0.6
SETS = ("xquad_vi_dev", "viquad2_dev", "seed_qa")


def article_of(set_name: str, doc_or_question_id: str) -> str:
    """The unit a paragraph (or, for seed_qa, a question) belongs to."""
    if set_name == "xquad_vi_dev":
        return doc_or_question_id.split("-")[0]
    if set_name == "viquad2_dev":
        parts = doc_or_question_id.split("-")
        return next(p for p in parts if p.startswith("a") and p[1:].isdigit())
    return doc_or_question_id


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def assign(questions_per_unit: dict[str, int], tune_share: float = TUNE_SHARE) -> dict[str, str]:
    """unit → "tune" | "heldout", deterministic (sha1 order, greedy on the question shares)."""
    total = sum(questions_per_unit.values()) or 1
    got = {"tune": 0, "heldout": 0}
    target = {"tune": tune_share, "heldout": 1 - tune_share}
    out = {}
    for unit in sorted(questions_per_unit, key=_sha):
        part = min(got, key=lambda p: (got[p] / total - target[p], p != "tune"))
        out[unit] = part
        got[part] += questions_per_unit[unit]
    return out


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build(eval_dir: Path) -> dict:
    result: dict = {"tune_share": TUNE_SHARE, "sets": {}}
    for name in SETS:
        if name == "seed_qa":
            questions = _read_jsonl(eval_dir / "seed_qa.jsonl")
            per_unit = Counter(q["id"] for q in questions)
            unit_of_q = {q["id"]: q["id"] for q in questions}
        else:
            questions = _read_jsonl(eval_dir / f"{name}.queries.jsonl")
            per_unit = Counter(article_of(name, q["doc_id"]) for q in questions)
            unit_of_q = {q["id"]: article_of(name, q["doc_id"]) for q in questions}
        parts = assign(dict(per_unit))
        entry = {"articles": {p: sorted(u for u, v in parts.items() if v == p) for p in ("tune", "heldout")}}
        entry["questions"] = {p: sum(1 for q in unit_of_q.values() if parts[q] == p) for p in ("tune", "heldout")}
        result["sets"][name] = entry
    return result


# ------------------------------------------------------------------------------ reading the split


class HeldoutError(RuntimeError):
    """Training or tuning code was handed a question or paragraph of a heldout part."""


def load(path: Path = SPLITS_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def part_of(set_name: str, doc_or_question_id: str, splits: dict | None = None) -> str:
    """ "tune" or "heldout" for a paragraph id (xquad, viquad2) or a question id (seed_qa)."""
    splits = splits or load()
    unit = article_of(set_name, doc_or_question_id)
    articles = splits["sets"][set_name]["articles"]
    if unit in articles["tune"]:
        return "tune"
    if unit in articles["heldout"]:
        return "heldout"
    raise KeyError(f"{set_name}: {doc_or_question_id!r} (unit {unit!r}) is in neither part of bench/splits.json; "
                   f"rerun `python -m bench.splits` if the eval set changed")


def set_name_of(path: str | Path) -> str | None:
    """Which public set a file belongs to, from its name (``xquad_vi_dev.queries.jsonl`` → xquad_vi_dev)."""
    stem = Path(path).name
    return next((name for name in SETS if stem.startswith(name)), None)


def guard_tune(set_name: str, items: Iterable[dict], *, key: str = "doc_id", splits: dict | None = None) -> list[dict]:
    """The items as a list, after checking that every one belongs to the tune part: training and tuning
    code calls this on everything it reads, and a heldout item stops it (HeldoutError)."""
    splits = splits or load()
    items = list(items)
    bad = [item.get("id") for item in items if part_of(set_name, item[key], splits) != "tune"]
    if bad:
        raise HeldoutError(f"{set_name}: {len(bad)} heldout item(s) handed to training/tuning, e.g. {bad[:3]}; "
                           "only the tune part of bench/splits.json may be read there")
    return items


def tune_only(set_name: str, items: Iterable[dict], *, key: str = "doc_id", splits: dict | None = None) -> list[dict]:
    """The tune-part items of a set (for loaders that read a whole file and keep only what they may)."""
    splits = splits or load()
    return [item for item in items if part_of(set_name, item[key], splits) == "tune"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "eval"))
    parser.add_argument("--out", default=str(SPLITS_FILE))
    args = parser.parse_args()
    result = build(Path(args.eval_dir))
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, entry in result["sets"].items():
        print(name, entry["questions"], {p: len(v) for p, v in entry["articles"].items()})


if __name__ == "__main__":
    main()
