"""Never lose or corrupt the index: a writer killed with SIGKILL at random points, readers during writes,
and garbage collection of old generation folders.

The writer runs in a subprocess (a small driver script written to tmp) with the fake embedder, so a kill can
land anywhere in reading, cleaning, chunking, the batch-by-batch vector commits, building the next
generation's FAISS/BM25 files, the SQLite commit, the manifest and the garbage collection. After every kill
the index must open, ``doctor()`` must report nothing, every previously committed article must still be
there and found by search, and the interrupted command must complete when run again.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import index
from index.store import generations as gen
from index.store import segments
from index.store import sqlite as store
from index.settings import Settings

from conftest import copy_index
from fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"

KILLS = 12
SEED = 20240611
BASE_ARTICLES = 10
NEW_ARTICLES = 20

PLACES = ["xã Tân Lập", "phường Cống Vị", "quận Tây Hồ", "huyện Mê Linh", "thành phố Cần Thơ",
          "phường Thanh Khê Tây", "xã Pà Vầy Sủ", "huyện Đông Anh", "tỉnh Nghệ An", "quận Hải Châu"]
TOPICS = ["công tác dân vận", "xây dựng nông thôn mới", "phòng chống dịch bệnh", "cải cách hành chính",
          "chuyển đổi số", "bảo vệ môi trường", "khuyến học", "an sinh xã hội"]


def marker(i: int) -> str:
    """A token that occurs in article ``i`` only, so a keyword search must find it."""
    return f"QX{i:04d}K"


def article_text(i: int, rng: random.Random) -> str:
    place, topic, year = rng.choice(PLACES), rng.choice(TOPICS), 2015 + i % 9
    lines = [f"Hội nghị {topic} tại {place} năm {year} (mã {marker(i)})", ""]
    for j in range(rng.randint(5, 9)):
        n = rng.randint(2, 900)
        lines += [f"Ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{year}, Ban Dân vận {place} tổ chức hội nghị về "
                  f"{topic} với {n} đại biểu tham dự. Hội nghị đánh giá kết quả thực hiện kế hoạch số {n + j} và "
                  f"đề ra {rng.randint(2, 9)} nhiệm vụ trọng tâm cho giai đoạn tới, gắn với mã hồ sơ {marker(i)} "
                  "của đơn vị.", ""]
    return "\n".join(lines)


def write_articles(folder: Path, numbers: range, seed: int = SEED) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = []
    for i in numbers:
        name = f"a{i:03d}.txt"
        (folder / name).write_text(article_text(i, rng), encoding="utf-8")
        names.append(name)
    return names


DRIVER = textwrap.dedent("""
    import sys, time
    sys.path[:0] = [{root!r}, {tests!r}]
    import index
    from index import api
    from index.ingest import chunk, clean, prepare, sources
    from index.store import dense, fusion, generations, lexical, sqlite, writer
    from index.text import entities, facets
    from index.settings import Settings
    from fakes import FakeEmbedder

    mode, folder, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    # A small embedding batch: vectors are committed in several batches, so kills land between them too.
    idx = index.open(settings=Settings.load(folder, embed_batch_size=2), embedder=FakeEmbedder())
    idx.counts()
    print("READY", flush=True)
    started = time.perf_counter()
    if mode == "ingest":
        report = idx.ingest(args)
        result = {{"added": len(report.added), "unchanged": len(report.unchanged), "skipped": len(report.skipped)}}
    elif mode == "ingest-each":  # one commit per file: many generations in quick succession
        result = {{"added": sum(len(idx.ingest([a]).added) for a in args)}}
    elif mode == "optimize":  # merge every segment into one
        result = {{"segments": idx.optimize()}}
    else:
        result = {{"removed": len(idx.remove(args))}}
    result["seconds"] = time.perf_counter() - started
    import json
    print("DONE " + json.dumps(result), flush=True)
""")


def _env() -> dict:
    env = dict(os.environ)
    env["OMP_WAIT_POLICY"] = "PASSIVE"
    env["HF_HUB_OFFLINE"] = "1"
    return env


class Writer:
    """The driver in a subprocess; ``run`` lets it finish, ``run_and_kill`` SIGKILLs it after ``delay``
    seconds counted from the moment its imports are done."""

    def __init__(self, driver: Path, folder: Path):
        self.driver, self.folder = driver, folder

    def _start(self, mode: str, args: list[str]) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, str(self.driver), mode, str(self.folder), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
        line = proc.stdout.readline()
        if line.strip() != "READY":
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"driver did not start: {line}{out}{err[-3000:]}")
        return proc

    def run(self, mode: str, args: list[str]) -> dict:
        proc = self._start(mode, args)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        done = [line for line in out.splitlines() if line.startswith("DONE ")]
        assert done, out + err[-3000:]
        return json.loads(done[-1][5:])

    def run_and_kill(self, mode: str, args: list[str], delay: float) -> bool:
        """True when the kill landed (the writer was still running), False when it had already finished."""
        proc = self._start(mode, args)
        deadline = time.perf_counter() + delay
        while time.perf_counter() < deadline and proc.poll() is None:
            time.sleep(min(0.005, max(0.0, deadline - time.perf_counter())))
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        if not killed:
            assert proc.returncode == 0, err[-3000:]
        else:
            assert proc.returncode in (-signal.SIGKILL, 0), err[-3000:]
        return killed


def _open(folder: Path):
    return index.open(settings=Settings.load(folder), embedder=FakeEmbedder())


def check_healthy(folder: Path, must_have: dict[str, int], may_have: dict[str, int], *, atomic: bool = True) -> set[str]:
    """The invariants after any kill; returns the doc ids present. ``atomic``: the interrupted command was
    one commit (all of ``may_have`` or none of it may be visible)."""
    idx = _open(folder)
    assert idx.doctor() == [], idx.doctor()
    present = {s.article.doc_id for s in idx.articles()}
    missing = set(must_have) - present
    assert not missing, f"committed articles lost: {sorted(missing)}"
    extra = present - set(must_have)
    assert extra <= set(may_have), f"unexpected articles {sorted(extra - set(may_have))}"
    # One commit per ingest: either all of the new batch is visible or none of it.
    assert not atomic or extra in (set(), set(may_have)), f"half a commit is visible: {len(extra)} of {len(may_have)}"
    for doc_id, number in must_have.items():
        hits = idx.search(marker(number), k=5)
        assert hits and hits[0].doc_id == doc_id, (doc_id, [h.doc_id for h in hits])
    articles, passages = idx.counts()
    assert articles == len(present) and passages >= articles
    # Every live segment's folder is complete.
    committed = int(idx.manifest()["generation"]) if idx.manifest() else None
    conn = conn_of(folder)
    try:
        generation = int(conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
        live = [seg_id for seg_id, _ in segments.live_segments(conn)]
    finally:
        conn.close()
    assert all((segments.seg_dir(folder, s) / "info.json").exists() for s in live)
    if committed is not None:  # the manifest is rewritten just after the commit: at most one behind
        assert generation - 1 <= committed <= generation
    return present


def conn_of(folder: Path):
    return store.connect(folder / gen.DB_NAME)


def folders_on_disk(folder: Path) -> list[int]:
    return sorted(int(p.name.split("-")[1]) for p in folder.glob("seg-*"))


def assert_no_leftovers(folder: Path) -> None:
    """After a finished command: only live segments and those dropped by the last commit are on disk."""
    conn = conn_of(folder)
    try:
        generation = int(store.get_meta(conn)["generation"])
        keep = {s for s, dropped in conn.execute("SELECT seg_id, dropped_gen FROM segments")
                if dropped is None or dropped == generation}
    finally:
        conn.close()
    assert set(folders_on_disk(folder)) <= keep, (folders_on_disk(folder), keep)
    assert not list(folder.glob(".tmp-*")) and not list(folder.glob("gen-*"))
    assert not list(folder.glob(f".{gen.MANIFEST_NAME}.*.tmp"))


@pytest.fixture(scope="module")
def driver(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("driver") / "driver.py"
    path.write_text(DRIVER.format(root=str(ROOT), tests=str(TESTS)), encoding="utf-8")
    return path


def test_sigkill_at_random_points_loses_nothing(tmp_path, driver):
    base_dir, new_dir = tmp_path / "base", tmp_path / "new"
    base_names = write_articles(base_dir, range(BASE_ARTICLES))
    new_names = write_articles(new_dir, range(BASE_ARTICLES, BASE_ARTICLES + NEW_ARTICLES), seed=SEED + 1)
    base = {name: i for i, name in enumerate(base_names)}
    new = {name: BASE_ARTICLES + i for i, name in enumerate(new_names)}

    folder = tmp_path / "idx"
    writer = Writer(driver, folder)
    assert writer.run("ingest", [str(base_dir)])["added"] == BASE_ARTICLES
    check_healthy(folder, base, {})

    # Measure the uninterrupted durations on a copy: kills are drawn from [0, duration].
    probe = tmp_path / "probe"
    copy_index(folder, probe)
    probe_writer = Writer(driver, probe)
    ingest_seconds = probe_writer.run("ingest", [str(new_dir)])["seconds"]
    remove_seconds = probe_writer.run("remove", new_names)["seconds"]
    shutil.rmtree(probe)

    rng = random.Random(SEED)
    log, landed = [], 0
    target = "ingest"
    for attempt in range(KILLS):
        if target == "ingest":
            delay = rng.uniform(0, ingest_seconds)
            killed = writer.run_and_kill("ingest", [str(new_dir)], delay)
            present = check_healthy(folder, base, new)
            done = set(new) <= present
        else:
            delay = rng.uniform(0, remove_seconds)
            killed = writer.run_and_kill("remove", new_names, delay)
            present = check_healthy(folder, base, new)
            done = not (set(new) & present)
        landed += killed
        log.append({"attempt": attempt, "op": target, "delay_s": round(delay, 3), "killed": killed,
                    "completed_before_kill": done})
        if done:  # the command had committed: go on with the other one
            target = "remove" if target == "ingest" else "ingest"

    # The interrupted command completes when run again, and then the other one too.
    for op in ([target, "remove" if target == "ingest" else "ingest"]):
        if op == "ingest":
            assert writer.run("ingest", [str(new_dir)])["skipped"] == 0
            assert check_healthy(folder, {**base, **new}, {}) == set(base) | set(new)
        else:
            assert writer.run("remove", new_names)["removed"] in (0, NEW_ARTICLES)
            assert check_healthy(folder, base, {}) == set(base)
    assert_no_leftovers(folder)

    ARTIFACTS.mkdir(exist_ok=True)
    summary = {"kills_attempted": KILLS, "kills_landed": landed, "ingest_seconds": round(ingest_seconds, 3),
               "remove_seconds": round(remove_seconds, 3), "log": log}
    (ARTIFACTS / "crash.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(f"\ncrash test: {landed} of {KILLS} SIGKILLs landed mid-command and the index survived all of them "
          f"(ingest {ingest_seconds:.2f}s, remove {remove_seconds:.2f}s uninterrupted)")
    assert landed >= KILLS // 2, log  # most kills must really interrupt something


def test_readers_keep_searching_while_a_writer_commits(tmp_path, driver):
    base_dir, new_dir = tmp_path / "base", tmp_path / "new"
    base_names = write_articles(base_dir, range(BASE_ARTICLES))
    new_names = write_articles(new_dir, range(BASE_ARTICLES, BASE_ARTICLES + 8), seed=SEED + 2)
    folder = tmp_path / "idx"
    writer = Writer(driver, folder)
    writer.run("ingest", [str(base_dir)])
    allowed = set(base_names) | set(new_names)

    stop = threading.Event()
    errors: list[str] = []
    searches = [0]
    generations: set[int] = set()

    def reader(seed: int) -> None:
        idx = _open(folder)  # one Index per thread, as separate processes would have
        rng = random.Random(seed)
        while not stop.is_set():
            number = rng.randrange(BASE_ARTICLES)
            try:
                hits = idx.search(marker(number), k=5)
                if not hits or hits[0].doc_id != base_names[number]:
                    errors.append(f"{marker(number)} -> {[h.doc_id for h in hits]}")
                for h in hits:
                    if h.doc_id not in allowed or not h.passage.text or h.passage.doc_id != h.doc_id:
                        errors.append(f"inconsistent hit {h.passage.passage_id}")
                if idx._loaded is not None:
                    generations.add(idx._loaded.generation)
                searches[0] += 1
            except Exception as exc:  # noqa: BLE001 - any exception is the failure being tested
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=reader, args=(s,)) for s in range(2)]
    for t in threads:
        t.start()
    try:
        # One commit per file: eight generations in quick succession while the readers search.
        result = writer.run("ingest-each", [str(new_dir / n) for n in new_names])
        result_remove = writer.run("remove", new_names[:4])
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert result["added"] == len(new_names) and result_remove["removed"] == 4
    assert not errors, errors[:10]
    assert searches[0] > 20
    assert len(generations) > 1, "the readers never saw a new generation"
    assert _open(folder).doctor() == []


def test_sigkill_during_merges_loses_nothing(tmp_path, driver):
    """Kills during `optimize` (one merge of every segment) and during commits whose tiered merge runs
    after them: the last committed state stays searchable, doctor passes, the command completes on retry."""
    base_dir, new_dir = tmp_path / "base", tmp_path / "new"
    base_names = write_articles(base_dir, range(BASE_ARTICLES))
    n_new = segments.MERGE_FACTOR
    new_names = write_articles(new_dir, range(BASE_ARTICLES, BASE_ARTICLES + n_new), seed=SEED + 3)
    base = {name: i for i, name in enumerate(base_names)}
    new = {name: BASE_ARTICLES + i for i, name in enumerate(new_names)}
    folder = tmp_path / "idx"
    writer = Writer(driver, folder)
    writer.run("ingest-each", [str(base_dir / n) for n in base_names])  # 8 segments merge into 1, then 2 more
    writer.run("remove", base_names[:2])  # tombstones for optimize to drop
    kept = {n: base[n] for n in base_names[2:]}
    check_healthy(folder, kept, {})

    probe = tmp_path / "probe"
    copy_index(folder, probe)
    optimize_seconds = Writer(driver, probe).run("optimize", [])["seconds"]
    each_seconds = Writer(driver, probe).run("ingest-each", [str(new_dir / n) for n in new_names])["seconds"]
    shutil.rmtree(probe)

    rng = random.Random(SEED + 3)
    landed = 0
    for _ in range(KILLS // 2):
        landed += writer.run_and_kill("optimize", [], rng.uniform(0, optimize_seconds))
        check_healthy(folder, kept, {})
    assert writer.run("optimize", [])["segments"] == 1
    check_healthy(folder, kept, {})
    assert_no_leftovers(folder)
    # Commits one file at a time: the 8th new segment sets off a tiered merge, so kills land in merges too.
    for _ in range(KILLS // 2):
        landed += writer.run_and_kill("ingest-each", [str(new_dir / n) for n in new_names],
                                      rng.uniform(0, each_seconds))
        check_healthy(folder, kept, new, atomic=False)
    assert writer.run("ingest-each", [str(new_dir / n) for n in new_names])["added"] >= 0
    assert check_healthy(folder, {**kept, **new}, {}) == set(kept) | set(new)
    assert_no_leftovers(folder)
    assert landed >= KILLS // 3


def test_old_segments_are_collected_only_after_a_newer_commit(tmp_path, monkeypatch):
    base_dir = tmp_path / "base"
    names = write_articles(base_dir, range(5))
    idx = _open(tmp_path / "idx")

    def folders() -> list[int]:
        return folders_on_disk(idx.root)

    idx.ingest([base_dir / names[0]])
    assert folders() == [1]
    idx.ingest([base_dir / names[1]])
    assert folders() == [1, 2]  # a commit writes only its own passages' segment
    idx.ingest([base_dir / names[2]])
    assert folders() == [1, 2, 3]

    # A reader that loaded segments 1-3 keeps working after optimize merged them into 4 ...
    reader = _open(idx.root)
    assert reader.search(marker(2), k=1)[0].doc_id == names[2]
    assert idx.optimize() == 1
    assert folders() == [1, 2, 3, 4]  # the merged ones are kept one commit longer for such readers
    assert reader.search(marker(1), k=1)[0].doc_id == names[1]

    # ... and a commit that fails after writing its files collects nothing.
    real_build = segments.build_segment

    def build_then_fail(*args, **kwargs):
        real_build(*args, **kwargs)
        raise RuntimeError("simulated failure before the SQLite commit")

    monkeypatch.setattr(segments, "build_segment", build_then_fail)
    with pytest.raises(RuntimeError, match="simulated failure"):
        idx.ingest([base_dir / names[3]])
    monkeypatch.undo()
    assert {1, 2, 3, 4} <= set(folders())  # nothing committed: nothing collected
    assert _open(idx.root).doctor() == [] and _open(idx.root).article(names[3]) is None

    idx.ingest([base_dir / names[3]])
    assert folders() == [4, 5]

    # A writer killed between its commit and its clean-up leaves dropped folders behind; the next writer
    # removes them as it starts, even when it commits nothing.
    assert idx.optimize() == 1  # 4 and 5 dropped, 6 live
    monkeypatch.setattr(segments, "collect_garbage", lambda *a, **k: None)  # the kill: no clean-up
    idx.ingest([base_dir / names[4]])
    monkeypatch.undo()
    assert folders() == [4, 5, 6, 7]
    assert idx.ingest([base_dir / names[4]]).added == ()  # unchanged: no commit
    assert folders() == [6, 7]
    assert reader.search(marker(3), k=1)[0].doc_id == names[3]  # the reader follows the new generation
    assert _open(idx.root).doctor() == []

    # Two writers killed in a row after their commits but before their manifests: the manifest is two
    # generations behind until the next writer starts, which rewrites it even when it commits nothing.
    monkeypatch.setattr(gen, "write_manifest", lambda *a, **k: None)
    idx.remove([names[4]])
    idx.ingest([base_dir / names[4]])
    monkeypatch.undo()
    (idx.root / f".{gen.MANIFEST_NAME}.12345.tmp").write_text("{", encoding="utf-8")  # a kill mid-write
    generation = lambda: int(store.get_meta(conn_of(idx.root))["generation"])  # noqa: E731
    assert idx.manifest()["generation"] <= generation() - 2
    assert idx.ingest([base_dir / names[4]]).added == ()
    assert idx.manifest()["generation"] == generation()
    assert_no_leftovers(idx.root)


def test_reader_loading_a_merged_segment_during_two_commits_retries(tmp_path, monkeypatch):
    names = write_articles(tmp_path / "a", range(3))
    writer = _open(tmp_path / "idx")
    writer.ingest([tmp_path / "a" / names[0]])
    writer.ingest([tmp_path / "a" / names[1]])
    reader = _open(tmp_path / "idx")
    real_load = segments.load_segment
    fired = []

    def load_after_two_commits(root, seg_id):
        if not fired:  # the slow part of a big index's load: meanwhile a writer merges and commits
            fired.append(seg_id)
            writer.optimize()
            writer.ingest([tmp_path / "a" / names[2]])  # collects the merged segments' folders
        return real_load(root, seg_id)

    monkeypatch.setattr(segments, "load_segment", load_after_two_commits)
    hits = reader.search(marker(0), k=1)
    assert hits and hits[0].doc_id == names[0]
    assert reader.search(marker(2), k=1)[0].doc_id == names[2]
