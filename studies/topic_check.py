"""How the topic check's threshold (qa.checks.topic.MISSING_SHARE) was chosen: for every confident answer of
some ``tracuu eval`` runs made without the check, the share of the question's keyword IDF mass its quoted
article does not print, and at each threshold how many confident answers it would hedge and how many of
those were wrong.

    python -m studies.topic_check EVAL_JSON:DOCS_JSONL [EVAL_JSON:DOCS_JSONL ...] [--cost 3]

Document frequencies are counted over the docs file (one document per line, title and text), as the index
counts them over passages. ``--cost``: how many hedged right answers one avoided confident-wrong answer is
worth; the table marks the threshold with the best net (avoided × cost − right ones hedged), pooled."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


class DocumentFrequency:
    """What ``qa.rank.idf_weights`` reads of an index, counted over a docs file."""

    def __init__(self, texts: list[str]):
        from index.text.tokens import tokenize

        self._n = len(texts)
        self._df = {folded: Counter(t for text in texts for t in set(tokenize(text, folded=folded, bigrams=False)))
                    for folded in (False, True)}

    def __len__(self) -> int:
        return self._n

    def document_frequency(self, tokens, *, folded: bool = False) -> dict[str, int]:
        return {t: self._df[folded].get(t, 0) for t in tokens}


def shares(eval_json: Path, docs_jsonl: Path) -> list[tuple[float, bool]]:
    """(missing share, the answer was right) for each confident answer with a citation."""
    from qa.analyze import analyze
    from qa.checks.topic import MIN_KEYWORDS, missing_share

    docs = {d["id"]: f"{d.get('title', '')}\n{d['text']}" for d in map(json.loads, _lines(docs_jsonl))}
    lexical = DocumentFrequency(list(docs.values()))
    out = []
    for q in json.loads(eval_json.read_text(encoding="utf-8"))["per_question"]:
        if q["abstained"] or q["tentative"] or not q["cited_docs"]:
            continue
        keywords = analyze(q["question"]).keywords
        if len(keywords) < MIN_KEYWORDS:
            continue
        out.append((missing_share(keywords, docs.get(q["cited_docs"][0], ""), lexical), not q["confident_wrong"]))
    return out


def table(named: dict[str, list[tuple[float, bool]]], cost: float) -> list[str]:
    rows = ["| threshold | " + " | ".join(f"{name}: hedged (wrong)" for name in named) + " | net |",
            "|---" * (len(named) + 2) + "|"]
    nets = {}
    for th in THRESHOLDS:
        cells, net = [], 0.0
        for found in named.values():
            hedged = [right for share, right in found if share >= th]
            wrong = sum(not r for r in hedged)
            cells.append(f"{len(hedged)} ({wrong})")
            net += wrong * cost - (len(hedged) - wrong)
        nets[th] = net
        rows.append(f"| {th} | " + " | ".join(cells) + f" | {net:+.0f} |")
    best = max(nets, key=nets.get)
    rows.append(f"best net at {best} (cost {cost}); confident answers: "
                + ", ".join(f"{n} {len(f)} ({sum(not r for _, r in f)} wrong)" for n, f in named.items()))
    return rows


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="EVAL_JSON:DOCS_JSONL")
    ap.add_argument("--cost", type=float, default=3.0)
    args = ap.parse_args(argv)
    named = {}
    for run in args.runs:
        eval_json, docs = run.split(":", 1)
        named[Path(eval_json).parent.name] = shares(Path(eval_json), Path(docs))
    print("\n".join(table(named, args.cost)))


if __name__ == "__main__":
    main()
