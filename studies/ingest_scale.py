"""Ingest at scale: peak memory, articles/s and passages/s of `Index.ingest` on a large JSONL, and a
kill -9 part-way followed by a rerun that must end with every article exactly once.

    python -m studies.ingest_scale --jsonl ../shared/corpus-news/vietnews_val.articles.jsonl \\
        [--limit 1000] [--fake] [--batch 256] [--kill-at 0.5] [--out bench-results]
    python -m studies.ingest_scale --generate 100000 --fake      # a generated JSONL of that many lines
    python -m studies.ingest_scale --jsonl … --limit 300 --ray-workers 1 2   # plain, then Ray with 1 and 2
                                                             # embedding workers; each index compared to plain

Each ingest runs in a child process (its peak RSS is its own ``ru_maxrss``). ``--fake`` embeds with the
test suite's trigram FakeEmbedder (tests/fakes.py): memory and resume without the model's ~15 passages/s
on a shared 2-core machine. Writes ``ingest_scale.json`` under --out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _child(args) -> int:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    import index
    from index.settings import Settings

    embedder = None
    if args.fake:
        from fakes import FakeEmbedder

        embedder = FakeEmbedder()
    idx = index.open(settings=Settings.load(args.index, ingest_batch_articles=args.batch), embedder=embedder)
    last = [-1]

    def on_progress(p) -> None:
        if p.passages != last[0] or p.done:  # one line per commit (and the last)
            last[0] = p.passages
            print("PROGRESS " + json.dumps({"articles": p.articles, "passages": p.passages, "total": p.total,
                                            "seconds": round(p.seconds, 2)}), flush=True)

    ray = None
    if args.ray_workers:
        from index.ingest.ray_stages import RayOptions

        ray = RayOptions(workers=args.ray_workers[0])
    started = time.perf_counter()
    report = idx.ingest([args.jsonl], on_progress=on_progress, ray=ray)
    wall = time.perf_counter() - started  # with Ray: the local cluster's start and the workers' model loads
    print("DONE " + json.dumps({
        "added": len(report.added), "updated": len(report.updated), "unchanged": len(report.unchanged),
        "merged": len(report.merged), "skipped": len(report.skipped), "passages_added": report.passages_added,
        "passages_embedded": report.passages_embedded, "seconds": round(report.seconds, 2),
        "embed_seconds": round(report.embed_seconds, 2), "commits": report.batches, "wall_seconds": round(wall, 2),
        "embed_cpu_seconds": round(report.embed_cpu_seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }), flush=True)
    return 0


def _run(jsonl: Path, folder: Path, *, fake: bool, batch: int, kill_at: float | None = None,
         ray_workers: int | None = None) -> dict:
    cmd = [sys.executable, "-m", "studies.ingest_scale", "--child", "--jsonl", str(jsonl), "--index", str(folder),
           "--batch", str(batch)] + (["--fake"] if fake else []) + (["--ray-workers", str(ray_workers)] if ray_workers else [])
    load_before = os.getloadavg()[0]
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    progress: list[dict] = []
    for line in proc.stdout:
        if line.startswith("PROGRESS "):
            progress.append(json.loads(line[9:]))
            p = progress[-1]
            print(f"ingest_scale: {p}", file=sys.stderr, flush=True)
            if kill_at is not None and p["total"] and p["articles"] >= kill_at * p["total"]:
                os.kill(proc.pid, signal.SIGKILL)  # mid-batch: the next batch is being prepared
                proc.wait()
                return {"killed_after": p, "commits_before_kill": len(progress) - 1}
        elif line.startswith("DONE "):
            result = json.loads(line[5:])
            proc.wait()
            result["articles_per_s"] = round((result["added"] + result["merged"] + result["unchanged"])
                                             / max(result["seconds"], 1e-9), 2)
            result["passages_per_s"] = round(result["passages_added"] / max(result["seconds"], 1e-9), 2)
            # With Ray, embed_seconds is the workers' time embedding: passages per second of one worker.
            result["embedded_per_embed_s"] = round(result["passages_embedded"] / max(result["embed_seconds"], 1e-9), 2)
            # Passages per CPU-second of embedding: what one dedicated core would do, whatever the load.
            result["embedded_per_cpu_s"] = round(result["passages_embedded"] / max(result["embed_cpu_seconds"], 1e-9), 2)
            result["load_1min_before_after"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            return result
    err = proc.stderr.read()
    proc.wait()
    raise RuntimeError(f"ingest child failed ({proc.returncode}): {err[-3000:]}")


def _check(folder: Path, expected_ids: set[str]) -> dict:
    """Every article exactly once, and `tracuu doctor` ok."""
    import sqlite3

    conn = sqlite3.connect(folder / "tracuu.sqlite")
    try:
        ids = [r[0] for r in conn.execute("SELECT doc_id FROM articles")]
        copies = [r[0] for r in conn.execute("SELECT doc_id FROM duplicates")]
        twice = conn.execute("SELECT COUNT(*) FROM (SELECT doc_id, ordinal FROM passages GROUP BY 1, 2"
                             " HAVING COUNT(*) > 1)").fetchone()[0]
    finally:
        conn.close()
    doctor = subprocess.run([sys.executable, "-m", "tracuu.cli", "doctor", "--index", str(folder)], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    seen = ids + copies
    missing = sorted(expected_ids - set(seen))  # lines the ingest skipped (it names each one)
    return {"articles": len(ids), "merged_copies": len(copies), "missing": len(missing), "missing_ids": missing[:5],
            "every_article_once": len(seen) == len(set(seen)) and set(seen) <= expected_ids,
            "repeated_passages": twice, "doctor_ok": doctor.returncode == 0, "doctor": doctor.stdout.strip()[:200]}


def _same(plain: Path, other: Path) -> dict:
    """Whether two indexes hold the same articles, passages (text, order) and vectors."""
    import sqlite3

    import numpy as np

    def rows(folder: Path):
        conn = sqlite3.connect(folder / "tracuu.sqlite")
        try:
            articles = conn.execute("SELECT doc_id, title, content_hash FROM articles ORDER BY doc_id").fetchall()
            passages = conn.execute("SELECT p.doc_id, p.passage_id, p.text, v.vector FROM passages p JOIN vectors v"
                                    " USING(vector_key) ORDER BY p.doc_id, p.pid").fetchall()
            copies = conn.execute("SELECT doc_id, canonical_id FROM duplicates ORDER BY doc_id").fetchall()
        finally:
            conn.close()
        return articles, passages, copies

    (a1, p1, c1), (a2, p2, c2) = rows(plain), rows(other)
    same_passages = [r[:3] for r in p1] == [r[:3] for r in p2]
    diff = max((float(np.abs(np.frombuffer(x[3], np.float32) - np.frombuffer(y[3], np.float32)).max())
                for x, y in zip(p1, p2)), default=0.0) if same_passages else None
    return {"same_articles": a1 == a2, "same_passages": same_passages, "same_merged": c1 == c2,
            "max_vector_diff": diff}


def generate(path: Path, lines: int, seed: int = 13) -> None:
    """Short distinct news-like articles (figures differ, so none is a republished copy of another)."""
    rng = random.Random(seed)
    places = ["xã Tân Lập", "phường Cống Vị", "quận Tây Hồ", "huyện Mê Linh", "thành phố Cần Thơ"]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(lines):
            place, n = rng.choice(places), rng.randint(10, 99999)
            text = (f"Ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{2000 + i % 25}, {place} tổ chức hội nghị số "
                    f"{i} với {n} đại biểu. Mã hồ sơ G{i:07d}. Hội nghị đề ra {rng.randint(2, 9)} nhiệm vụ và "
                    f"{rng.randint(1, 999)} chỉ tiêu cho năm {2001 + i % 25}.")
            fh.write(json.dumps({"id": f"g{i:07d}", "title": f"Hội nghị {i} tại {place}", "text": text},
                                ensure_ascii=False) + "\n")


def _slice(src: Path, limit: int, dst: Path) -> None:
    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        for n, line in enumerate(fin):
            if n >= limit:
                break
            fout.write(line)


def _ids(path: Path) -> set[str]:
    with open(path, encoding="utf-8") as fh:
        return {json.loads(line)["id"] for line in fh if line.strip()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", type=Path)
    parser.add_argument("--generate", type=int, help="ingest a generated JSONL of this many lines instead")
    parser.add_argument("--limit", type=int, help="only the first N lines of --jsonl")
    parser.add_argument("--fake", action="store_true", help="the FakeEmbedder of tests/fakes.py, not the model")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--kill-at", type=float, help="SIGKILL the first run once this share is read, then rerun")
    parser.add_argument("--ray-workers", type=int, nargs="+", metavar="N",
                        help="after the plain ingest, ingest through a local Ray cluster with N embedding workers "
                             "(each N given) and compare each index with the plain one")
    parser.add_argument("--out", default="bench-results")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--index", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    with tempfile.TemporaryDirectory(prefix="tracuu-ingest-scale-") as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "input.jsonl"
        if args.generate:
            generate(source, args.generate)
        elif args.limit:
            _slice(args.jsonl, args.limit, source)
        else:
            source = args.jsonl
        folder = tmp / "index"
        result: dict = {"input": str(args.jsonl or f"generated {args.generate} lines"), "limit": args.limit,
                        "embedder": "FakeEmbedder (tests/fakes.py)" if args.fake else "bundled model",
                        "batch_articles": args.batch, "input_mb": round(source.stat().st_size / 1e6, 1)}
        started = time.perf_counter()
        if args.kill_at is not None:
            result["killed_run"] = _run(source, folder, fake=args.fake, batch=args.batch, kill_at=args.kill_at)
            result["rerun"] = _run(source, folder, fake=args.fake, batch=args.batch)
        else:
            result["run"] = _run(source, folder, fake=args.fake, batch=args.batch)
        result["wall_seconds"] = round(time.perf_counter() - started, 1)
        result["check"] = _check(folder, _ids(source))
        for n in args.ray_workers or ():
            ray_folder = tmp / f"index-ray{n}"
            run = _run(source, ray_folder, fake=args.fake, batch=args.batch, ray_workers=n)
            run["check"] = _check(ray_folder, _ids(source))
            run["same_as_plain"] = _same(folder, ray_folder)
            result[f"ray_{n}_workers"] = run
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = ("ingest_scale" + ("-fake" if args.fake else "") + (f"-{args.limit}" if args.limit else "")
            + ("-ray" if args.ray_workers else "") + ".json")
    (out / name).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    final = result.get("rerun") or result["run"]
    complete = result["check"]["missing"] == final["skipped"]
    return 0 if result["check"]["every_article_once"] and result["check"]["doctor_ok"] and complete else 1


if __name__ == "__main__":
    raise SystemExit(main())
