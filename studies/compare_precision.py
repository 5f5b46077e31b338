"""Precision of `tracuu compare`'s cells on corpus-news articles about mass mobilisation, labelled by hand,
and the noun-phrase pairs that chose the column grouping's threshold.

    python -m studies.compare_precision build --index /tmp/cmp-news     # the 30 articles into a fresh index
    python -m studies.compare_precision cells --index /tmp/cmp-news     # produced cells, to label (JSONL)
    python -m studies.compare_precision score --index /tmp/cmp-news     # rescore against studies/compare_labels.json
    python -m studies.compare_precision pairs [--index DIR]              # cosine threshold on compare_pairs.tsv

The articles: the 30 of ``vietnews_val.articles.jsonl`` that name most mass-mobilisation terms (``TERMS``:
Mặt trận, đoàn thể, hội viên, hộ nghèo, khen thưởng …; at least two, one of them ``CORE``, and three printed
counts, naming a Vietnamese locality), best first, ties by id — chosen by keyword, before any cell was seen. The table: ``compare`` on
each of ``TOPICS`` over that index, cells pooled (one per article, row, noun, value). A cell is right when
its sentence prints that number counting that noun, for that row's locality (read by hand; the labels keep
ids, nouns and numbers, never the articles' text).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "corpus-news" / "vietnews_val.articles.jsonl"
LABELS = ROOT / "studies" / "compare_labels.json"
PAIRS = ROOT / "studies" / "compare_pairs.tsv"
N_ARTICLES = 30
CORE = ("dân vận", "Mặt trận Tổ quốc", "MTTQ", "đoàn thể", "hội viên", "đoàn viên", "Hội Nông dân", "Phụ nữ",
        "Cựu chiến binh", "Đoàn Thanh niên", "hộ nghèo", "tặng quà", "khen thưởng", "cử tri", "nông thôn mới",
        "từ thiện", "quy chế dân chủ", "phong trào thi đua")
TERMS = CORE + ("vận động", "an sinh xã hội", "hỗ trợ", "ủng hộ", "giám sát", "đối thoại", "chính quyền")
TOPICS = ("dân vận", "Mặt trận Tổ quốc, đoàn thể, hội viên", "hỗ trợ hộ nghèo, tặng quà", "khen thưởng tập thể, cá nhân",
          "vận động người dân")
_COUNT = re.compile(r"(?<![\d/.,])\d{1,3}(?:\.\d{3})*\s+[a-zà-ỹđ]")


def select(path: Path = NEWS, n: int = N_ARTICLES) -> list[dict]:
    scored = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            text = f"{a.get('title') or ''}\n{a['text']}".replace("vận động viên", "")
            terms = [t for t in TERMS if t in text]
            if len(terms) >= 2 and any(t in CORE for t in terms) and len(_COUNT.findall(a["text"])) >= 3:
                scored.append((-len(terms), a["id"], a))
    # About a Vietnamese place: mass mobilisation is the work of its Party, Front and unions.
    return [a for _, _, a in sorted(scored, key=lambda t: t[:2]) if _in_vietnam(a)][:n]


def _in_vietnam(article: dict) -> bool:
    from index.text.places import find_localities

    return bool(find_localities(f"{article.get('title') or ''}\n{article['text'][:4000]}"))


def _open(folder: str):
    import index
    from index.settings import Settings

    return index.open(settings=Settings.load(folder))


def build(folder: str) -> None:
    import index
    from index.settings import Settings

    src = Path(folder).with_suffix(".jsonl")
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in select()), encoding="utf-8")
    _, report = index.build([src], settings=Settings.load(folder))
    print(f"built {folder}: {report}", file=sys.stderr)


def produced(idx) -> list[dict]:
    """Every cell of ``compare`` on each topic, pooled: one per (article, row, noun, value)."""
    from report.compare import compare

    seen, out = set(), []
    for topic in TOPICS:
        result = compare(idx, topic)
        quotes = {q.n: q for q in result.citations}
        labels = {c.key: c.label for c in result.columns}
        for row in result.rows:
            for key, cell in row.cells:
                slot = (cell.doc_id, row.label, cell.noun, cell.value)
                if slot in seen:
                    continue
                seen.add(slot)
                out.append({"doc_id": cell.doc_id, "row": row.label, "noun": cell.noun, "value": cell.value,
                            "of": cell.of, "column": labels[key], "sentence": quotes[cell.n].text})
    return out


def score(idx, labels: dict) -> dict:
    cells = produced(idx)
    truth = {(c["doc_id"], c["row"], c["noun"], c["value"]): c["right"] for c in labels["cells"]}
    judged = [truth[k] for c in cells if (k := (c["doc_id"], c["row"], c["noun"], c["value"])) in truth]
    unlabelled = [c for c in cells if (c["doc_id"], c["row"], c["noun"], c["value"]) not in truth]
    return {"cells": len(cells), "labelled": len(judged), "right": sum(judged),
            "precision": round(sum(judged) / len(judged), 3) if judged else None, "unlabelled": len(unlabelled),
            "articles": len({c["doc_id"] for c in cells}), "rows": len({c["row"] for c in cells})}


def pairs(idx) -> dict:
    """Accuracy of "same kind" at each cosine threshold over the labelled pairs; the best (ties: higher)."""
    import numpy as np

    rows = [ln.split("\t") for ln in PAIRS.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    vec = np.asarray(idx.encode_sentences([t for a, b, _ in rows for t in (a, b)]))
    cos = [float(vec[2 * i] @ vec[2 * i + 1]) for i in range(len(rows))]
    same = [r[2].strip() == "1" for r in rows]
    grid = [round(float(t), 3) for t in np.arange(0.90, 0.99, 0.005)]
    acc = {t: int(sum((c >= t) == s for c, s in zip(cos, same))) for t in grid}
    best = max(grid, key=lambda t: (acc[t], t))
    return {"pairs": len(rows), "best_threshold": best, "correct": acc[best],
            "accuracy_by_threshold": {str(t): acc[t] for t in grid}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m studies.compare_precision", description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=("build", "cells", "score", "pairs", "select"))
    parser.add_argument("--index", default="/tmp/cmp-news", help="the index of the 30 articles (default /tmp/cmp-news)")
    args = parser.parse_args(argv)
    if args.step == "select":
        for a in select():
            print(a["id"], a.get("title", "")[:80])
    elif args.step == "build":
        build(args.index)
    elif args.step == "cells":
        for c in produced(_open(args.index)):
            print(json.dumps(c, ensure_ascii=False))
    elif args.step == "score":
        print(json.dumps(score(_open(args.index), json.loads(LABELS.read_text(encoding="utf-8"))), indent=1))
    else:
        print(json.dumps(pairs(_open(args.index)), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
