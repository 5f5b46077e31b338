"""Load test of the REST API: N concurrent clients each sending M requests (ask, search, export in turn)
to a server on 127.0.0.1; reports errors and latency percentiles. Never aimed anywhere but loopback.

    python -m studies.rest_load [--index DIR] [--clients 20] [--requests 10]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

REQUESTS = [
    ("POST", "/api/ask", {"question": "Những địa phương nào đã tổng kết 10 năm thực hiện Quyết định 290?"}),
    ("POST", "/api/search", {"query": "Tổ dân vận khu dân cư Tây Hồ", "k": 5}),
    ("POST", "/api/export", {"kind": "search", "text": "dân vận khéo", "format": "xlsx", "k": 5}),
    ("POST", "/api/ask", {"question": "Quận Tây Hồ đã thành lập bao nhiêu Tổ dân vận khu dân cư?"}),
    ("POST", "/api/export", {"kind": "ask", "text": "which districts reviewed Quyết định 290?", "format": "csv"}),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(app, port: int, log_level: str = "warning", wait_s: float = 20.0):
    """Any ASGI ``app`` served by uvicorn on 127.0.0.1:``port`` in a background thread; yields its base URL
    once the server has started, and stops it afterwards."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level=log_level))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + wait_s
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def serve_in_thread(index, port: int | None = None):
    """The REST API on 127.0.0.1 in a background thread; yields its base URL."""
    from rest import create_api

    with serve_app(create_api(index), port or free_port()) as url:
        yield url


def run_load(base: str, clients: int = 20, requests: int = 10, tokens: list[str] | None = None) -> dict:
    """``tokens``: API tokens of signed-in users (client c sends tokens[c % len]); none on an open server."""
    import httpx

    if not base.startswith(("http://127.0.0.1", "http://localhost")):
        raise ValueError("the load test only targets a server on this machine's loopback")
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        auth = {"Authorization": f"Bearer {tokens[c % len(tokens)]}"} if tokens else {}
        with httpx.Client(base_url=base, timeout=120, headers=auth) as http:
            for r in range(requests):
                method, path, body = REQUESTS[(c + r) % len(REQUESTS)]
                started = time.perf_counter()
                try:
                    resp = http.request(method, path, json=body)
                    ok = resp.status_code == 200 and resp.content
                    why = f"{path}: HTTP {resp.status_code}"
                except httpx.HTTPError as exc:
                    ok, why = False, f"{path}: {exc!r}"
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors.append(why)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return {"clients": clients, "requests": len(latencies), "errors": len(errors), "error_samples": errors[:5],
            "p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1), "wall_s": round(wall, 1),
            "throughput_rps": round(len(latencies) / wall, 2)}


def main(argv=None) -> int:
    import index

    parser = argparse.ArgumentParser(prog="python -m studies.rest_load")
    parser.add_argument("--index")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args(argv)
    idx = index.open(args.index)
    import qa

    qa.answer(idx, "Hội nghị tổng kết công tác dân vận diễn ra ngày nào?")  # load the models first
    with serve_in_thread(idx) as base:
        result = run_load(base, args.clients, args.requests)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
