"""Short-snippet questions drawn from corpus-news by rules, with weak gold answers (issue 25).

Every drawn article gives short documents: its lead, and one or two body paragraphs of 40–120 words
(consecutive sentences of the body, which corpus-news prints as one block), each its own document with
the article title. Questions are written from one sentence of a seeded choice of those snippets: the
answer phrase is replaced by a wh-phrase (``bao nhiêu NOUN``, ``năm nào``, ``ngày nào``, ``khi nào``,
``ở đâu``, ``bao nhiêu tiền``, ``bao nhiêu phần trăm``), a leading clause that holds the answer is
dropped and its wh-phrase moved to the end, and the question stops at the end of the clause that asks;
``Ai là OFFICE PLACE?`` comes from studies/office_questions. About 15 % are asked of an article whose
snippets are not in the documents (gold answers empty: the right outcome is an abstention).

    python -m studies.snippet_questions write [--news FILE] --out DIR     # snippets.docs/queries.jsonl
    tracuu eval --docs DIR/snippets.docs.jsonl --queries DIR/snippets.queries.jsonl --split all --out OUT
    python -m studies.snippet_questions score DIR/snippets.queries.jsonl OUT/eval-xquad.json

``score`` prints the figures per form (and what the unanswerable ones did) and the confident-and-wrong
answers with the gold snippet, to be read by hand. Corpus-news is read at run time, never copied here.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from pathlib import Path

from studies.office_questions import NEWS, office_questions

SEED = 25
_NUM = r"\d+(?:[.,]\d+)*"
_DATE = r"\d{1,2}/\d{1,2}(?:/\d{4})?"
# Vietnamese capitals spelled out: a range like À-Ỹ also holds the small letters (đ, à, ...).
_UPPER = "A-ZĐÁÀẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÉÈẺẼẸÊẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÚÙỦŨỤƯỨỪỬỮỰÝỲỶỸỴ"
_PROPER = rf"[{_UPPER}][\w]*(?:\.(?=\w))?[\w]*"
# A preposition before a date stays with the moved wh-phrase ("từ ngày nào"); "vào" is the plain one.
_PRE = "(?:vào|từ|hồi|sau|trước|đến|tới)"
_UNIT = r"(?:tỉnh|huyện|xã|thị xã|thị trấn|phường|quận|thành phố|TP\.?)"
_PLACE = rf"(?:{_UNIT} )?{_PROPER}(?: {_PROPER})*(?:, {_UNIT} {_PROPER}(?: {_PROPER})*)*"
_COUNTED = ("người", "ngôi nhà", "căn nhà", "hộ", "hộ dân", "chiếc", "xe", "ô tô", "con", "tấn", "ha", "km",
            "lần", "vụ", "đối tượng", "học sinh", "sinh viên", "bệnh nhân", "ca", "trường hợp", "doanh nghiệp",
            "tàu", "thuyền", "bị can", "cán bộ", "công nhân", "nạn nhân", "gia đình", "dự án", "trường", "phòng",
            "tỉnh", "huyện", "xã", "quốc gia", "nước", "cây", "bánh", "kg", "lít", "m2", "điểm", "huy chương")
_COUNT_WORDS = "|".join(sorted((re.escape(w) for w in _COUNTED), key=len, reverse=True))

# One row per form: (form, pattern, group of the gold phrase, short gold group, wh-phrase in place, wh at the end).
FORMS = (
    ("count", rf"(?<![\d/.,-])(?!1 )({_NUM}) ({_COUNT_WORDS})(?![\wÀ-ỹđ])", 0, 1, "bao nhiêu {1}", None),
    ("year", rf"(?<!những )(?:{_PRE} )?[Nn]ăm (\d{{4}})(?!\d)(?!\s*(?:-|–|đến))", 0, 1, "năm nào", "vào năm nào"),
    ("when", rf"(?:vào )?(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Đđ]êm|[Tt]rưa|[Rr]ạng sáng) (?:ngày )?({_DATE})(?![\d/])", 0, 1, "khi nào", "khi nào"),
    ("date", rf"(?:{_PRE} )?[Nn]gày ({_DATE})(?![\d/])", 0, 1, "ngày nào", "vào ngày nào"),
    ("place", rf"(?:[Tt]ại|[Ởở]) ({_PLACE})(?!\w|\.\s[{_UPPER}])", 1, 1, "ở đâu", "ở đâu"),
    ("money", rf"({_NUM}) ?(?:nghìn |ngàn |triệu |tỷ |tỉ )*(?:đồng|USD|euro)", 0, 1, "bao nhiêu tiền", None),
    ("percent", rf"({_NUM}) ?(?:%|phần trăm)", 0, 1, "bao nhiêu phần trăm", None),
)
# A leading clause that only sets the scene (time, source, place) is dropped from the question.
_SCENE = ("Theo", "Ngày", "Sáng", "Chiều", "Tối", "Đêm", "Trưa", "Rạng sáng", "Năm", "Trước đó", "Tuy nhiên",
          "Trong", "Tại", "Hiện", "Đến", "Khi", "Sau", "Cùng ngày", "Ngoài ra", "Đồng thời", "Như", "Với", "Vào",
          "Từ", "Cũng", "Trước", "Dù", "Mặc dù", "Thời gian qua", "Hôm qua", "Hiện nay", "Hiện tại", "Qua",
          "Tin từ", "Trao đổi với", "Chia sẻ với", "Được biết", "Cụ thể")
_SCENE = tuple(word.lower() + " " for word in _SCENE)
# No cut after "TP." or an initial ("em Q."): the capital that follows belongs to the same sentence.
_SENTENCE = re.compile(rf"(?<!TP\.)(?<!Tp\.)(?<!\b[{_UPPER}]\.)(?<=[.!?…])\s+(?=[\"“{_UPPER}])")
# A comma before an administrative unit ("Tịnh Biên, tỉnh An Giang") continues the name, not the sentence.
_CLAUSE_END = re.compile(rf"[,;:](?=\s)(?!\s{_UNIT}\s)|\s[-–]\s|\.\s*$")
# Rare forms first: a document gives one question, and the rare ones would lose theirs to the common ones.
_SHARE = {"office": 0.1, "percent": 0.08, "year": 0.1, "when": 0.1, "date": 0.13, "money": 0.15, "place": 0.17,
          "count": 0.17}
_REPORTING = ("cho biết", "cho hay", "nói", "thông báo", "khẳng định", "tuyên bố")
UNANSWERABLE = 0.15


# ------------------------------------------------------------------------------------------ snippets


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def body_paragraphs(body: str, low: int = 40, high: int = 120) -> list[str]:
    """Consecutive sentences of the body grouped into paragraphs of ``low``–``high`` words."""
    out, current = [], []
    for sentence in sentences(body):
        if current and len(" ".join(current + [sentence]).split()) > high:
            out.append(" ".join(current))
            current = []
        current.append(sentence)
        if len(" ".join(current).split()) >= low + 20:
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return [p for p in out if low <= len(p.split()) <= high]


def article_snippets(article: dict, rng: random.Random, bodies: int = 2) -> list[dict]:
    """The lead and up to ``bodies`` body paragraphs of one article, each a document."""
    lead, _, body = article["text"].strip().partition("\n")
    paragraphs = body_paragraphs(body)
    chosen = sorted(rng.sample(range(len(paragraphs)), min(bodies, len(paragraphs))))
    texts = [lead.strip()] + [paragraphs[i] for i in chosen]
    return [{"id": f"{article['id']}-s{k}", "title": article["title"], "text": text}
            for k, text in enumerate(texts) if len(text.split()) >= 15]


# ----------------------------------------------------------------------------------------- questions


def _clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a sentence, cut at commas, semicolons, colons and dashes."""
    spans, start = [], 0
    for m in _CLAUSE_END.finditer(sentence):
        spans.append((start, m.start()))
        start = m.end()
    if start < len(sentence):
        spans.append((start, len(sentence)))
    return [(a, b) for a, b in spans if sentence[a:b].strip()]


def _is_scene(clause: str) -> bool:
    """A clause that only sets the scene or names the source ("Ngày 12/3", "tại Hà Nội", "tin từ Công an")."""
    clause = clause.strip()
    return (len(clause.split()) <= 8 and (clause.lower() + " ").startswith(_SCENE)) or clause.endswith(_REPORTING)


def _finish(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:.-–\"“”")
    return text[:1].upper() + text[1:] + "?" if text else ""


def _asked(text: str, wh_end: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:")
    return "" if _is_scene(text) or len(text.split()) < 6 else _finish(text + " " + wh_end)


def rewrite(sentence: str, start: int, end: int, wh: str, wh_end: str | None) -> str:
    """The question: the answer phrase replaced by ``wh``; a scene-setting first clause dropped (moved to
    the end as ``wh_end`` when it held the answer, and the question is then the first clause after it that
    does more than set the scene); cut at the end of the clause that asks."""
    clauses = _clauses(sentence)
    first = clauses[0] if clauses else (0, len(sentence))
    if first[0] <= start and end <= first[1] and len(clauses) > 1:
        if wh_end is None or not _is_scene(sentence[first[0]:first[1]]):
            return ""
        asking = next(((a, b) for a, b in clauses[1:] if not _is_scene(sentence[a:b])), None)
        return _asked(sentence[asking[0]:asking[1]], wh_end) if asking else ""
    head = first[1] + 1 if len(clauses) > 1 and _is_scene(sentence[first[0]:first[1]]) and first[1] < start else 0
    stop = next((b for a, b in clauses if b >= end), len(sentence))
    if wh_end is not None:  # "ngày nào", "ở đâu", "khi nào" close a Vietnamese question
        return _asked(sentence[head:start] + " " + sentence[end:stop], wh_end)
    return _finish(sentence[head:start] + wh + sentence[end:stop])


def _natural(question: str, gold: list[str]) -> bool:
    words = question.split()
    proper = [w for w in words[1:] if w[:1].isupper()]
    return (6 <= len(words) <= 30 and len(proper) >= 1 and question.count("\"") % 2 == 0
            and "“" not in question and "”" not in question and "(" not in question
            and not question[:-1].endswith(_REPORTING) and not any(g.lower() in question.lower() for g in gold))


def sentence_questions(sentence: str) -> list[dict]:
    """Every question the rules of FORMS write from one sentence."""
    out = []
    for form, pattern, group, short, wh, wh_end in FORMS:
        for m in re.finditer(pattern, sentence):
            phrase = m.group(group)
            gold = list(dict.fromkeys([phrase.strip(" ,."), m.group(short).strip(" ,.")]))
            if form == "place":
                gold.append(phrase.split(",")[0].strip(" ."))
                gold = list(dict.fromkeys(gold))
                if len(phrase.split()) < 2 and not re.match(_UNIT, phrase):
                    continue
            pre = m.group(0).split(" ", 1)[0]
            moved = f"{pre} {wh}" if wh_end and form != "when" and pre in _PRE else wh_end
            question = rewrite(sentence, m.start(), m.end(), wh.format(*m.groups()), moved)
            if question and _natural(question, gold):
                out.append({"form": form, "question": question, "answers": gold, "sentence": sentence})
    return out


def snippet_questions(snippet: dict) -> list[dict]:
    out = [dict(q, doc_id=snippet["id"]) for s in sentences(snippet["text"]) for q in sentence_questions(s)]
    line = json.dumps({"id": snippet["id"], "text": snippet["text"]}, ensure_ascii=False)
    for item in office_questions([line], limit=10):
        out.append({"form": "office", "question": item["question"], "answers": [item["name"]],
                    "sentence": item["office"], "doc_id": snippet["id"]})
    return out


# ---------------------------------------------------------------------------------------------- set


def _key_terms(question: str) -> list[str]:
    """The capitalised names of a question (its first word aside)."""
    return re.findall(rf"(?<!^){_PROPER}(?: {_PROPER})*", question)[:4]


def answered_elsewhere(item: dict, docs: list[dict]) -> bool:
    """Whether some document holds the gold answer next to every name of an 'unanswerable' question."""
    terms = [t for t in _key_terms(item["question"]) if len(t) > 2]
    return any(any(g in d["text"] for g in item["gold"]) and all(t in d["text"] for t in terms) for d in docs)


def _pick(candidates: list[dict], total: int, rng: random.Random) -> list[dict]:
    """About ``total`` questions in the shares of _SHARE, at most one per document."""
    by_form: dict[str, list[dict]] = {}
    for item in candidates:
        by_form.setdefault(item["form"], []).append(item)
    chosen, used = [], set()
    for form, share in _SHARE.items():
        pool = by_form.get(form, [])
        rng.shuffle(pool)
        taken = 0
        for item in pool:
            if taken >= round(total * share):
                break
            if item["doc_id"] not in used:
                used.add(item["doc_id"])
                chosen.append(item)
                taken += 1
    for item in sorted((i for i in candidates if i["doc_id"] not in used), key=lambda _: rng.random()):
        if len(chosen) >= total:
            break
        if item["doc_id"] not in used:  # forms short of their share leave room to the others
            used.add(item["doc_id"])
            chosen.append(item)
    return chosen[:total]


def build(lines, articles: int = 1000, questions: int = 350, seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """(documents, queries): the snippets of ``articles`` drawn articles, and about ``questions`` questions,
    ~15 % of them asked of drawn-out articles whose snippets are not among the documents."""
    rng = random.Random(seed)
    pool = [json.loads(line) for line in lines if line.strip()]
    order = rng.sample(range(len(pool)), len(pool))
    inside = [pool[i] for i in sorted(order[:articles])]
    outside = [pool[i] for i in sorted(order[articles:articles * 2])]
    docs = [s for a in inside for s in article_snippets(a, rng)]
    answerable = round(questions * (1 - UNANSWERABLE))
    asked = _pick([q for d in docs for q in snippet_questions(d)], answerable, rng)
    absent = [dict(q, gold=q["answers"]) for a in outside for d in article_snippets(a, rng)
              for q in snippet_questions(d)]
    rng.shuffle(absent)
    wanted = questions - len(asked)
    unanswerable = [q for q in absent[: wanted * 4] if not answered_elsewhere(q, docs)]
    unanswerable = _pick(unanswerable, wanted, rng)
    queries = [{"id": f"snip-{q['form']}-{k:03d}", "question": q["question"], "answers": q["answers"],
                "doc_id": q["doc_id"]} for k, q in enumerate(asked)]
    queries += [{"id": f"snip-none-{q['form']}-{k:03d}", "question": q["question"], "answers": [],
                 "doc_id": q["doc_id"]} for k, q in enumerate(unanswerable)]
    return docs, queries


# -------------------------------------------------------------------------------------------- score


def form_of(query_id: str) -> str:
    """``snip-count-003`` → count; ``snip-none-date-001`` → none."""
    return query_id.split("-")[1]


def score(rows: list[dict]) -> dict:
    """Figures per form from the per-question rows of ``tracuu eval`` (its eval-xquad.json)."""
    out: dict[str, Counter] = {}
    for row in rows:
        form = form_of(row["id"])
        for name in ("all", form):
            c = out.setdefault(name, Counter())
            c["questions"] += 1
            for key in ("answer_hit", "top1_hit", "tentative", "abstained", "confident_wrong"):
                c[key] += bool(row[key])
            if form == "none":
                c["confident"] += not row["abstained"] and not row["tentative"]
    return {form: dict(c) for form, c in out.items()}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path: Path, items: list[dict]) -> None:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")


def _print_score(queries_path: str, eval_path: str, shown: int) -> None:
    rows = json.loads(Path(eval_path).read_text(encoding="utf-8"))["per_question"]
    figures = score(rows)
    keys = ("questions", "answer_hit", "top1_hit", "tentative", "abstained", "confident_wrong")
    print("| form | " + " | ".join(keys) + " |")
    print("|" + "---|" * (len(keys) + 1))
    for form, c in sorted(figures.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        n = c["questions"]
        print(f"| {form} | {n} | " + " | ".join(f"{c.get(k, 0) / n:.3f}" for k in keys[1:]) + " |")
    docs = {}
    docs_path = Path(queries_path).with_name("snippets.docs.jsonl")
    if docs_path.is_file():
        docs = {d["id"]: d["text"] for d in _jsonl(docs_path)}
    wrong = [r for r in rows if r["confident_wrong"]]
    for r in random.Random(SEED).sample(wrong, min(shown, len(wrong))):
        print(f"\n[{r['id']}] {r['question']}\n  gold {r['answers']} in {r['gold_doc']}; cited {r['cited_docs'][:3]}"
              f"\n  answer: {' '.join(r['answer'].split())[:400]}\n  gold snippet: {docs.get(r['gold_doc'], '(absent)')[:500]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    write = sub.add_parser("write")
    write.add_argument("--news", default=str(NEWS))
    write.add_argument("--articles", type=int, default=1000)
    write.add_argument("--questions", type=int, default=350)
    write.add_argument("--seed", type=int, default=SEED)
    write.add_argument("--samples", type=int, default=20, help="questions printed to be read")
    write.add_argument("--out", required=True)
    scored = sub.add_parser("score")
    scored.add_argument("queries")
    scored.add_argument("eval_json")
    scored.add_argument("--show", type=int, default=20, help="confident-and-wrong answers printed")
    args = parser.parse_args(argv)
    if args.command == "score":
        _print_score(args.queries, args.eval_json, args.show)
        return
    with open(args.news, encoding="utf-8") as lines:
        docs, queries = build(lines, args.articles, args.questions, args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "snippets.docs.jsonl", docs)
    _write(out / "snippets.queries.jsonl", queries)
    print(f"{len(docs)} snippets, {len(queries)} questions {dict(Counter(form_of(q['id']) for q in queries))} → {out}")
    for q in random.Random(args.seed).sample(queries, min(args.samples, len(queries))):
        print(f"  [{q['id']}] {q['question']}  → {q['answers']}")


if __name__ == "__main__":
    main()
