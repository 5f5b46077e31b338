"""Own questions for the question forms of issue 12 (who chaired/spoke, yes/no, time and person
constraints, places typed as 2025 names or bare English): ``tests/data/qa_forms.jsonl``, seed_qa format plus
a few checks of its own, asked through ``qa.answer`` against an existing index.

    python -m studies.forms_check --index DIR [--corpus seed|news|all] [--json OUT] [--data FILE]

``tests/data/qa_forms_untouched.jsonl`` holds 17 more, written after the code and run once.

Extra checks beyond ``bench.evaluate.check_answer``: ``verdict`` (the answer opens with that word),
``no_verdict`` (it opens with no verdict word), ``hedged`` (it abstains or shows "possibly" candidates
rather than one confident quote), ``unmet`` (the abstention names that constraint). A question with
``corpus: news`` needs an index holding the first 200 articles of ../shared/corpus-news as well."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from index.text.refs import fold

from bench.evaluate import check_answer

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "qa_forms.jsonl"
VERDICTS = ("Có —", "Yes —", "Không —", "No —")


def extra_reasons(item: dict, contract: dict) -> list[str]:
    text = contract.get("answer") or ""
    reasons = []
    if item.get("verdict") and not text.startswith(item["verdict"] + " —"):
        reasons.append(f"no verdict {item['verdict']!r}")
    if item.get("no_verdict") and text.startswith(VERDICTS):
        reasons.append("a verdict the quote does not settle")
    if item.get("hedged") and not (contract.get("abstained") or contract.get("candidates")
                                   or contract.get("confidence", 1.0) <= 0.5):
        reasons.append("one confident quote where the articles do not say it")
    if item.get("unmet") and fold(item["unmet"]).lower() not in fold(text).lower():
        reasons.append(f"the abstention does not name {item['unmet']!r}")
    return reasons


def first_quote_holds(item: dict, contract: dict) -> bool:
    """Stricter than ``check_answer`` for a "possibly" answer: its FIRST cited line holds a gold answer."""
    strings = item.get("answer_any") or []
    if item.get("kind") == "none" or not strings or contract.get("abstained"):
        return not contract.get("abstained") or item.get("kind") == "none"
    first = next((line for line in (contract.get("answer") or "").splitlines() if "[1]" in line), "")
    return any(fold(s).lower() in fold(first).lower() for s in strings)


def run(index_dir: str, corpus: str = "all", data: Path = DATA) -> list[dict]:
    import qa
    from index.api import Index
    from tracuu.contract import AskResponse
    from index.settings import Settings

    idx = Index(Settings.load(index_dir))
    items = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = []
    for item in items:
        if corpus != "all" and item.get("corpus") != corpus:
            continue
        t0 = time.perf_counter()
        contract = AskResponse.of(qa.answer(idx, item["question"]), id=item["id"]).model_dump(mode="json")
        reasons = check_answer(item, contract) + extra_reasons(item, contract)
        rows.append({"id": item["id"], "form": item["form"], "pass": not reasons, "reasons": reasons,
                     "first": not reasons and first_quote_holds(item, contract),
                     "seconds": round(time.perf_counter() - t0, 3), "answer": contract["answer"][:240]})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--corpus", default="all", choices=("seed", "news", "all"))
    parser.add_argument("--json")
    parser.add_argument("--data", type=Path, default=DATA, help="questions (default tests/data/qa_forms.jsonl)")
    args = parser.parse_args(argv)
    rows = run(args.index, args.corpus, args.data)
    for r in rows:
        print(f"{r['id']} {'PASS' if r['pass'] else 'FAIL'} {r['seconds']:.2f}s {'; '.join(r['reasons'])}")
        print("    " + " ".join(r["answer"].split())[:200])
    forms: dict[str, list[bool]] = {}
    for r in rows:
        forms.setdefault(r["form"], []).append(r["pass"])
    print(" ".join(f"{f}: {sum(v)}/{len(v)}" for f, v in forms.items()), f"total {sum(r['pass'] for r in rows)}/{len(rows)}",
          f"(first quote holds the answer: {sum(r['first'] for r in rows)}/{len(rows)})")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
