"""Start-up figures (issue 26), each a fresh process timed from outside, as a user meets it:

- cold ``tracuu ask`` and ``tracuu search`` on the seed index: wall time of the whole command (interpreter,
  imports, model, index, answer), best and median of ``runs``;
- ``tracuu serve``: seconds from the process start to the first HTTP 200 of its page, then to the first
  answer of ``POST /api/ask`` (which waits for the model's warm-up if it is still running);
- first-run preparation: ``tracuu prepare`` into an empty cache, its wall time, the peak RSS of its process
  tree (sampled every 20 ms) and the size of the cache it leaves.

The machine's load average goes beside every figure (a shared 2-core machine slows everything), with the
CPU seconds each process used (what a quiet machine's wall time roughly comes to for this mostly
single-threaded work), and the figures measured before the change beside them (``BEFORE``).
"""

from __future__ import annotations

import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .common import folder_bytes, load_now, log

QUESTION = "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?"
ROOT = Path(__file__).resolve().parent.parent

# Measured on main before issue 26 (2 shared cores; issue 26's text), and the issue's goals.
BEFORE = {"cold_ask_s": "8–12", "cold_search_s": 7.5, "serve_first_200_s": 24.0, "prepare_s": 123.0,
          "prepare_peak_rss_mb": 4500, "model_cache_mb": 1100}
GOALS = {"cold_ask_s": 1.5, "cold_search_s": 1.0, "serve_first_200_s": 5.0, "prepare_s": 60.0,
         "prepare_peak_rss_mb": 1500, "model_cache_mb": 300}
LABELS = {"cold_ask_s": "cold `tracuu ask`, s", "cold_search_s": "cold `tracuu search`, s",
          "serve_first_200_s": "`tracuu serve` to first HTTP 200, s", "prepare_s": "first-run preparation, s",
          "prepare_peak_rss_mb": "preparation peak RSS (process tree), MB",
          "model_cache_mb": "model cache on disk, MB"}


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "tracuu.cli", *args]


def _env(**extra: str) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **extra}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_runs(cmd: list[str], runs: int, cache: Path) -> dict:
    """Wall seconds of each run, and its CPU seconds (user + system): on a loaded machine the wall time
    mostly measures the other processes, while the CPU time is what a quiet machine would roughly take."""
    seconds, cpu, loads = [], [], []
    for _ in range(runs):
        loads.append(load_now())
        t0, c0 = time.perf_counter(), _children_cpu()
        subprocess.run(cmd, env=_env(TRACUU_CACHE=str(cache)), check=True, capture_output=True, timeout=600)
        seconds.append(round(time.perf_counter() - t0, 3))
        cpu.append(round(_children_cpu() - c0, 3))
    return {"best_s": min(seconds), "median_s": round(statistics.median(seconds), 3), "runs_s": seconds,
            "cpu_s": cpu, "best_cpu_s": min(cpu), "load_average": loads}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_200(url: str, deadline: float, data: bytes | None = None) -> bool:
    while time.perf_counter() < deadline:
        try:
            req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
            with urllib.request.urlopen(req, timeout=60) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def serve_ready(index_dir: Path, timeout_s: float = 300) -> dict:
    port = _free_port()
    load = load_now()
    t0 = time.perf_counter()
    proc = subprocess.Popen(_cli("serve", "--index", str(index_dir), "--port", str(port)), env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        page = _wait_200(base + "/", t0 + timeout_s)
        first_200 = time.perf_counter() - t0
        cpu_at_200 = _cpu_of(proc.pid)
        body = json.dumps({"question": QUESTION}).encode("utf-8")
        asked = page and _wait_200(base + "/api/ask", t0 + timeout_s, data=body)
        first_answer = time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {"first_200_s": round(first_200, 2) if page else None, "cpu_s_at_first_200": cpu_at_200,
            "first_answer_s": round(first_answer, 2) if asked else None, "load_average": load}


def _cpu_of(pid: int) -> float | None:
    import psutil

    try:
        times = psutil.Process(pid).cpu_times()
        return round(times.user + times.system, 2)
    except psutil.Error:
        return None


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
    except psutil.Error:
        return 0


def first_run(cache: Path) -> dict:
    """``tracuu prepare`` into the empty ``cache``: wall time, peak RSS of its process tree, cache size."""
    load = load_now()
    t0, c0 = time.perf_counter(), _children_cpu()
    proc = subprocess.Popen(_cli("prepare"), env=_env(TRACUU_CACHE=str(cache)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - t0
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode:
        raise RuntimeError(f"tracuu prepare failed: {stderr[-500:]}")
    return {"seconds": round(seconds, 1), "cpu_s": round(_children_cpu() - c0, 1), "peak_rss_mb": round(peak / 1e6), "cache_mb": round(folder_bytes(cache) / 1e6),
            "progress_lines": [line for line in stderr.splitlines() if line.strip()], "load_average": load}


def startup_section(tmp: Path, index_dir: Path, runs: int) -> dict:
    log(f"start-up: cold `tracuu ask` and `tracuu search` x{runs}, `tracuu serve`, `tracuu prepare` (empty cache)")
    out: dict = {"method": __doc__.strip(), "runs": runs}
    # Preparation first: the cold commands then run on the cache it made, as after `make run`.
    out["prepare"] = first_run(tmp / "fresh-cache")
    out["cold_ask"] = _timed_runs(_cli("ask", "--index", str(index_dir), QUESTION), runs, tmp / "fresh-cache")
    out["cold_search"] = _timed_runs(_cli("search", "--index", str(index_dir), QUESTION), runs, tmp / "fresh-cache")
    out["serve"] = serve_ready(index_dir)
    measured = {"cold_ask_s": out["cold_ask"]["best_s"], "cold_search_s": out["cold_search"]["best_s"],
                "serve_first_200_s": out["serve"]["first_200_s"], "prepare_s": out["prepare"]["seconds"],
                "prepare_peak_rss_mb": out["prepare"]["peak_rss_mb"], "model_cache_mb": out["prepare"]["cache_mb"]}
    out["summary"] = {key: {"now": value, "before": BEFORE[key], "goal": GOALS[key],
                            "met": value is not None and value <= GOALS[key]} for key, value in measured.items()}
    return out
