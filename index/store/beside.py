"""Run two independent parts of a query at once: one on the calling thread, one on a small shared pool.

A search embeds the query (the C/ONNX engines release the GIL while they compute) and scores BM25, which
needs only the query's tokens. At 1M passages the BM25 part is ~8 ms of a ~30 ms ``Index.search`` and the
embedding ~17 ms, so finding the lexical hits while the model runs takes the lexical part off the path.
The results do not depend on it: the same two functions run, only at the same time.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

A = TypeVar("A")
B = TypeVar("B")

# Several web requests may search at once; each needs one side thread for the length of its embedding.
SIDE_THREADS = 4

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _side_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:  # created on first use: importing the package starts no thread
            _pool = ThreadPoolExecutor(max_workers=SIDE_THREADS, thread_name_prefix="tracuu-side")
        return _pool


def run_beside(main: Callable[[], A], side: Callable[[], B]) -> tuple[A, B]:
    """``(main(), side())``, ``side`` running on another thread while ``main`` runs on this one.

    An exception from either is raised here, after both have finished (no work is left running behind a
    failed search). Where no thread can be started (interpreter shutting down) both run here in turn."""
    try:
        future = _side_pool().submit(side)
    except RuntimeError:
        return main(), side()
    try:
        first = main()
    except BaseException:
        future.exception()  # wait, so a failed search leaves nothing running
        raise
    return first, future.result()
