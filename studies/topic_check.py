"""How the topic checks' thresholds (qa.checks.topic) were chosen, from ``tracuu eval`` runs made without them:

- MISSING_SHARE: for every confident answer, the share of the question's keyword IDF mass its quoted story does
  not print; at each threshold, how many confident answers it would hedge and how many of those were wrong.
- ABSENT_SHARE: for every "possibly" answer, the least share over the stories it lists; at each threshold, how
  many it would turn into abstentions, how many of those were asked of an absent article (gold answers empty)
  and how many listed the answer (lost).

    python -m studies.topic_check EVAL_JSON:DOCS_JSONL [EVAL_JSON:DOCS_JSONL ...] [--cost 3]

A story is every document of the docs file under one title (``Corpus.story``); document frequencies are counted
over the documents, as the index counts them over passages. ``--cost``: how many hedged right answers one avoided
confident-wrong answer is worth; the first table marks the threshold with the best net (avoided × cost − right
ones hedged), pooled."""

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


def shares(eval_json: Path, docs_jsonl: Path) -> tuple[list[tuple[float, bool]], list[tuple[float, str]]]:
    """(missing share, the answer was right) for each confident answer with a citation, and (least missing
    share over its stories, "absent" / "listed" / "missed") for each "possibly" answer."""
    from qa.analyze import analyze
    from qa.checks.topic import MIN_KEYWORDS, missing_share

    docs = [json.loads(line) for line in _lines(docs_jsonl)]
    texts: dict[str, list[str]] = {}
    for d in docs:
        texts.setdefault(d.get("title", ""), []).append(d["text"])
    story = {d["id"]: "\n".join([d.get("title", ""), *texts[d.get("title", "")]]) for d in docs}
    lexical = DocumentFrequency([f"{d.get('title', '')}\n{d['text']}" for d in docs])
    confident, hedged = [], []
    for q in json.loads(eval_json.read_text(encoding="utf-8"))["per_question"]:
        keywords = analyze(q["question"]).keywords
        if q["abstained"] or not q["cited_docs"] or len(keywords) < MIN_KEYWORDS:
            continue
        missing = [missing_share(keywords, story.get(d, ""), lexical) for d in q["cited_docs"]]
        if not q["tentative"]:
            confident.append((missing[0], not q["confident_wrong"]))
        else:
            hedged.append((min(missing), "absent" if not q["answers"] else ("listed" if q["answer_hit"] else "missed")))
    return confident, hedged


def abstentions(named: dict[str, list[tuple[float, str]]], cost: float) -> list[str]:
    """The second table: an abstention asked of an absent article gains 1, an answer lost from a list costs
    ``cost``."""
    rows = ["| threshold | " + " | ".join(f"{name}: abstain (absent / listed lost)" for name in named) + " | net |",
            "|---" * (len(named) + 2) + "|"]
    nets = {}
    for th in THRESHOLDS:
        cells, net = [], 0.0
        for found in named.values():
            flagged = [kind for share, kind in found if share >= th]
            cells.append(f"{len(flagged)} ({flagged.count('absent')} / {flagged.count('listed')})")
            net += flagged.count("absent") - cost * flagged.count("listed")
        nets[th] = net
        rows.append(f"| {th} | " + " | ".join(cells) + f" | {net:+.0f} |")
    rows.append(f"best net at {max(nets, key=nets.get)} (cost {cost})")
    return rows


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
    confident, hedged = {}, {}
    for run in args.runs:
        eval_json, docs = run.split(":", 1)
        name = Path(eval_json).parent.name
        confident[name], hedged[name] = shares(Path(eval_json), Path(docs))
    print("\n".join(table(confident, args.cost) + [""] + abstentions(hedged, args.cost)))


if __name__ == "__main__":
    main()
