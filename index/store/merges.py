"""Segment merges on a thread of the open index (``Settings.merges == "background"``), as Lucene's merge
scheduler does: a write returns once its segment is committed, and the tiered merges it made due run
after it, one merge per hold of the write lock, so a write that arrives meanwhile waits for one merge at
most, never for a chain of them.

Each merge is ``writer.merge_once``: its own SQLite transaction, crash-safe like any merge (a kill leaves
the last committed generation, and the next writer collects the half-written folder). Another process
holding the folder's lock stops the thread: that process's commits plan their own merges, and the next
write here asks again.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class BackgroundMerges:
    """The merge thread of one open index. ``mutex`` is the index's in-process write mutex: writes and
    merges of this process take it before the folder's file lock, so they queue instead of refusing."""

    def __init__(self, root: Path, db_path: Path, mutex: threading.Lock) -> None:
        self._root = root
        self._db_path = db_path
        self._mutex = mutex
        self._state = threading.Lock()
        self._wanted = False
        self._thread: threading.Thread | None = None
        self._writers_waiting = 0
        self.merges_done = 0
        self.error: BaseException | None = None

    def request(self) -> None:
        """Merge whatever the policy makes due, on the thread (started if it is not running)."""
        with self._state:
            self._wanted = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tracuu-merges", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no merge is running or due; False when ``timeout`` passed first."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def writer_waiting(self, delta: int) -> None:
        with self._state:
            self._writers_waiting += delta

    def _run(self) -> None:
        while True:
            with self._state:
                if not self._wanted:
                    self._thread = None
                    return
                self._wanted = False
            try:
                while self._merge_one():
                    pass
            except BaseException as exc:  # a server keeps serving; the next commit asks again
                self.error = exc
                log.exception("background merge of %s failed; the index keeps its last committed state",
                              self._root)
                with self._state:
                    self._thread = None
                return

    def _merge_one(self) -> bool:
        """One due merge under the write lock; False when none is due or a writer should go first."""
        from . import sqlite as store
        from . import writer

        with self._state:
            if self._writers_waiting:  # it goes first; its write asks for merges again when it is done
                return False
        with self._mutex:
            try:
                lock = writer.write_lock(self._root)
            except writer.IndexBusyError:
                return False
            try:
                conn = store.connect(self._db_path)
                try:
                    merged = writer.merge_once(conn, self._root, max_passages=writer.MERGE_LIMIT)
                finally:
                    conn.close()
            finally:
                lock.release()
        if merged:
            self.merges_done += 1
        return merged


class WriteHold:
    """A held write: the folder's file lock and this process's write mutex, released together; releasing
    asks for the merges due when they run in the background."""

    def __init__(self, file_lock, mutex: threading.Lock, merges: BackgroundMerges | None) -> None:
        self._file_lock, self._mutex, self._merges = file_lock, mutex, merges

    def release(self) -> None:
        try:
            self._file_lock.release()
        finally:
            self._mutex.release()
        if self._merges is not None:
            self._merges.request()


def hold_write(root: Path, mutex: threading.Lock, merges: BackgroundMerges | None) -> WriteHold:
    """This process's turn to write (queued behind its other writes and merges), then the folder's file
    lock (refused at once when another process writes)."""
    from . import writer

    if merges is not None:
        merges.writer_waiting(1)
    try:
        mutex.acquire()
    finally:
        if merges is not None:
            merges.writer_waiting(-1)
    try:
        return WriteHold(writer.write_lock(root), mutex, merges)
    except BaseException:
        mutex.release()
        raise
