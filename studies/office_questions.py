"""Office questions drawn from the news, not written by hand: every "ông/bà NAME, OFFICE PLACE" and "OFFICE PLACE
NAME" that corpus-news prints gives "Ai là OFFICE PLACE?" with NAME as a weak label (the holder that article
names; another article may name another holder of the same post, or a later one).

    python -m studies.office_questions write [--news FILE] [--limit 160] --out questions.jsonl
    tracuu ask --questions questions.jsonl --json --index IDX > answers.jsonl
    python -m studies.office_questions score questions.jsonl answers.jsonl

``score`` prints how many answers name the labelled holder, and the confident / tentative / abstained split
(docs/questions.md, "Checked on office questions drawn from the news").
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "corpus-news" / "vietnews_val.articles.jsonl"

_NAME = r"([A-ZĐ][a-zà-ỹđ]+(?: [A-ZĐ][a-zà-ỹđ]+){1,3})"
_OFFICE = (r"((?:Phó )?(?:Chủ tịch|Bí thư|Giám đốc|Trưởng Công an|Trưởng ban|Trưởng Ban)"
           r"(?: (?:UBND|HĐND|MTTQ|Huyện ủy|Tỉnh ủy|Thành ủy|Quận ủy|Đảng ủy|Công an|Sở [A-ZĐ]\w+(?: [a-zà-ỹđ]+)?))?"
           r" (?:tỉnh|huyện|quận|thành phố|TP\.?|xã|phường|thị xã|thị trấn)(?: [A-ZĐ][\w.]*){1,3})")
_NAME_FIRST = re.compile(r"(?:ông|bà|đồng chí|Ông|Bà)\s+" + _NAME + r",\s*" + _OFFICE)
_OFFICE_FIRST = re.compile(_OFFICE + r",?\s+(?:ông |bà )?" + _NAME + r"(?=[,.\s])")
# A capitalised surname closing the office is the holder's name swallowed by the place ("… TP Hà Nội Nguyễn").
_SURNAMES = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
             "Dương", "Lý", "Đinh", "Mai", "Lục", "Quàng"}


def office_questions(lines, limit: int, seed: int = 7) -> list[dict]:
    """One question per distinct office printed with a three-word name, shuffled, at most ``limit``."""
    items, seen = [], set()
    for line in lines:
        article = json.loads(line)
        for pattern, (name_at, office_at) in ((_NAME_FIRST, (1, 2)), (_OFFICE_FIRST, (2, 1))):
            for m in pattern.finditer(article["text"]):
                name, office = m.group(name_at), m.group(office_at).strip()
                if office in seen or len(name.split()) < 3 or office.split()[-1] in _SURNAMES \
                        or name.split()[0] in ("Ông", "Bà", "Trưởng", "Phó", "Chủ"):
                    continue
                seen.add(office)
                items.append({"question": f"Ai là {office}?", "name": name, "doc": article["id"], "office": office})
    random.Random(seed).shuffle(items)
    return [{"id": f"w{k:03d}", **item} for k, item in enumerate(items[:limit])]


def score(questions: list[dict], answers: list[dict]) -> dict:
    gold = {q["id"]: q for q in questions}
    out = {"questions": len(answers), "holder_named": 0, "confident": 0, "confident_holder_named": 0,
           "tentative": 0, "abstained": 0}
    for answer in answers:
        named = gold[answer["id"]]["name"] in answer["answer"]
        out["holder_named"] += named
        if answer["abstained"]:
            out["abstained"] += 1
        elif answer.get("candidates") or answer["answer"].startswith(("Chưa chắc", "Các bài viết không nói rõ")):
            out["tentative"] += 1
        else:
            out["confident"] += 1
            out["confident_holder_named"] += named
    return out


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    write = sub.add_parser("write")
    write.add_argument("--news", default=str(NEWS))
    write.add_argument("--limit", type=int, default=160)
    write.add_argument("--out", required=True)
    scored = sub.add_parser("score")
    scored.add_argument("questions")
    scored.add_argument("answers")
    args = parser.parse_args(argv)
    if args.command == "write":
        with open(args.news, encoding="utf-8") as lines:
            items = office_questions(lines, args.limit)
        Path(args.out).write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
        print(f"{len(items)} questions → {args.out}")
    else:
        print(json.dumps(score(_jsonl(Path(args.questions)), _jsonl(Path(args.answers))), indent=1))


if __name__ == "__main__":
    main()
