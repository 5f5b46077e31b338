"""A batched ingest killed with SIGKILL part-way, then run again: every article exactly once and `tracuu
doctor` ok; and peak memory on a large generated JSONL (slow). The ingest runs in a child process through
studies/ingest_scale.py, with the fake embedder (the model is not the point)."""

from __future__ import annotations

import pytest

from studies import ingest_scale as scale


def test_kill_during_a_batched_ingest_then_rerun_completes_it(tmp_path):
    source, folder = tmp_path / "in.jsonl", tmp_path / "idx"
    scale.generate(source, 60)
    killed = scale._run(source, folder, fake=True, batch=10, kill_at=0.5)
    assert killed["commits_before_kill"] >= 2, killed  # batches committed before the kill stay
    kept = scale._check(folder, scale._ids(source))
    assert kept["doctor_ok"] and kept["every_article_once"], kept
    assert kept["articles"] % 10 == 0 and 20 <= kept["articles"] < 60, kept  # whole batches only
    rerun = scale._run(source, folder, fake=True, batch=10)
    assert rerun["unchanged"] == kept["articles"] and rerun["added"] == 60 - kept["articles"], rerun
    done = scale._check(folder, scale._ids(source))
    assert done["articles"] == 60 and done["missing"] == 0 and done["repeated_passages"] == 0, done
    assert done["every_article_once"] and done["doctor_ok"], done


@pytest.mark.slow
def test_a_large_jsonl_ingests_in_bounded_memory(tmp_path):
    source, folder = tmp_path / "in.jsonl", tmp_path / "idx"
    scale.generate(source, 20_000)
    run = scale._run(source, folder, fake=True, batch=500)
    check = scale._check(folder, scale._ids(source))
    print(f"\n20,000-line JSONL ({source.stat().st_size / 1e6:.1f} MB): peak RSS {run['peak_rss_mb']} MB, "
          f"{run['articles_per_s']} articles/s, {run['commits']} commits")
    assert check["articles"] == 20_000 and check["every_article_once"] and check["doctor_ok"], check
    assert run["peak_rss_mb"] < 1500, run
