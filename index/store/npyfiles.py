"""Reading ``.npy`` files from several threads at once.

``np.load`` parses each file's header with ``ast.literal_eval``, and CPython 3.11 before 3.11.8 keeps the
AST constructor's recursion depth per interpreter, not per thread: two threads parsing at the same moment
can raise ``SystemError: AST constructor recursion depth mismatch`` (cpython gh-106905). Two readers that
load a new segment after a commit did exactly that (tests/test_crash.py, about one full run in ten), so
every ``.npy`` the index reads goes through one lock; the data itself is memory-mapped or small.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

_HEADER_LOCK = threading.Lock()


def load_array(path: Path, *, mmap: bool = False) -> np.ndarray:
    """``np.load(path)`` (memory-mapped when ``mmap``), safe to call from any thread."""
    with _HEADER_LOCK:
        return np.load(path, mmap_mode="r" if mmap else None)
