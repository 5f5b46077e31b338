"""The bench report as a latency plot and a markdown summary."""

from __future__ import annotations

from pathlib import Path

from .common import (
    DEPTH, md_table,
)


PLOT_SERIES = (
    ("faiss_flat_alone_k10", "FAISS flat alone (k=10)"),
    ("bm25s_alone_retrieve_k10", "bm25s alone (k=10)"),
    (f"SegmentView.dense_search_k{DEPTH}", "project dense (k=50)"),
    (f"SegmentView.bm25_search_k{DEPTH}", "project BM25 over segments (k=50)"),
    (f"SegmentView.candidates_depth{DEPTH}", "hybrid candidates (RRF)"),
    ("query embedding alone", "query embedding alone"),
    ("Index.search k10 (incl. query embedding)", "Index.search (with query embedding)"),
    ("Index.search k10, BM25 after the embedding", "Index.search, BM25 after the embedding"),
    ("qa.answer", "qa.answer (sentence vectors embedded per question)"),
    ("qa.answer, sentence vectors cached", "qa.answer (sentence vectors cached)"),
)


def plot(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [s["size"] for s in report["sizes"]]
    startup = report.get("startup", {}).get("summary")
    if startup:
        fig, (ax, side) = plt.subplots(1, 2, figsize=(13.5, 5.5), dpi=120, gridspec_kw={"width_ratios": [8.5, 5]})
        _startup_panel(side, startup)
    else:
        fig, ax = plt.subplots(figsize=(8.5, 5.5), dpi=120)
    for key, label in PLOT_SERIES:
        p50 = [s["latency"].get(key, {}).get("p50_ms") for s in report["sizes"]]
        p95 = [s["latency"].get(key, {}).get("p95_ms") for s in report["sizes"]]
        line, = ax.plot(sizes, p50, marker="o", label=f"{label} p50")
        ax.plot(sizes, p95, linestyle=":", color=line.get_color(), alpha=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages in the index")
    ax.set_ylabel("latency per query, ms (solid p50, dotted p95)")
    cpu = report["machine"].get("cpu_model", "")
    ax.set_title(f"tracuu query latency vs corpus size\n{cpu}, {report['machine'].get('logical_cores')} cores",
                 fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


_STARTUP_SECONDS = ("cold_ask_s", "cold_search_s", "serve_first_200_s", "prepare_s")


def _before_number(value) -> float:
    """``"8–12"`` → 10.0 (the middle of a range measured before), numbers as they are."""
    if isinstance(value, str):
        low, high = (float(x) for x in value.replace("–", "-").split("-"))
        return (low + high) / 2
    return float(value)


def _startup_panel(ax, summary: dict) -> None:
    """Issue 26: each start-up time now beside before (log scale), memory and cache in the labels."""
    from .startup import LABELS

    keys = [k for k in _STARTUP_SECONDS if summary.get(k, {}).get("now")]
    y = range(len(keys))
    ax.barh([i + 0.2 for i in y], [_before_number(summary[k]["before"]) for k in keys], height=0.4,
            color="#bbbbbb", label="before issue 26")
    ax.barh([i - 0.2 for i in y], [summary[k]["now"] for k in keys], height=0.4, color="#1f77b4", label="now")
    ax.scatter([summary[k]["goal"] for k in keys], list(y), marker="|", s=400, color="#d62728", label="goal")
    ax.set_yticks(list(y), [LABELS[k].replace(", s", "") for k in keys], fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("seconds (log)")
    rss, cache = summary.get("prepare_peak_rss_mb", {}), summary.get("model_cache_mb", {})
    ax.set_title(f"start-up; preparation peak RSS {rss.get('now')} MB (before {rss.get('before')}), "
                 f"cache {cache.get('now')} MB (before {cache.get('before')})", fontsize=8)
    ax.grid(True, axis="x", which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")


def startup_lines(report: dict) -> list[str]:
    section = report.get("startup")
    if not section:
        return []
    from .startup import LABELS

    loads = {"cold_ask_s": section["cold_ask"]["load_average"][0], "cold_search_s": section["cold_search"]["load_average"][0],
             "serve_first_200_s": section["serve"]["load_average"], "prepare_s": section["prepare"]["load_average"],
             "prepare_peak_rss_mb": section["prepare"]["load_average"]}
    cpu = {"cold_ask_s": section["cold_ask"].get("best_cpu_s"), "cold_search_s": section["cold_search"].get("best_cpu_s"),
           "serve_first_200_s": section["serve"].get("cpu_s_at_first_200"), "prepare_s": section["prepare"].get("cpu_s")}
    rows = [[LABELS[k], v["now"], cpu.get(k, "–"), v["before"], f"≤ {v['goal']:g}", "yes" if v["met"] else "no",
             (loads.get(k) or ["–"])[0]] for k, v in section["summary"].items()]
    serve = section["serve"]
    return ["", f"### Start-up (issue 26; best of {section['runs']} cold runs; bench/startup.py)", "",
            md_table(["what", "now", "CPU s", "before", "goal", "met", "load average (1 min)"], rows), "",
            f"`tracuu serve`: first HTTP 200 after {serve['first_200_s']} s, first answer of POST /api/ask "
            f"after {serve['first_answer_s']} s (the model warms up once the server listens)."]


def markdown(report: dict) -> str:
    ing = report["ingest"]
    lines = [f"## tracuu bench ({'quick' if report['quick'] else 'full'})", "",
             f"Machine: {report['machine'].get('cpu_model')}, {report['machine'].get('logical_cores')} cores, "
             f"{report['machine'].get('ram_gib')} GiB; load average at start "
             f"{report['machine'].get('load_average_at_start')}", "",
             f"### Ingest throughput ({ing['passages']} passages, {ing['model_tokens']} model tokens)", "",
             md_table(["path", "seconds", "passages/s", "tokens/s"],
                      [[k, v["seconds"], v["passages_per_s"], v["tokens_per_s"]] for k, v in ing["paths"].items()]),
             "",
             f"Overhead ratio ingest total / raw encode: {ing['overhead_ratio_ingest_total_vs_raw']}; "
             f"ingest embed part / raw encode: {ing['overhead_ratio_ingest_embed_vs_raw']}", "",
             "### Query latency, p50 / p95 ms", ""]
    ask = report.get("ask", {}).get("seed")
    if ask:
        lines[-2:-2] = [
            f"`tracuu ask` (tracuu.answering.answer) on the seed corpus, {ask['questions']} questions, best of "
            f"{len(ask['rounds'])} rounds: p50 / p95 {ask['p50_ms']:.0f} / {ask['p95_ms']:.0f} ms with each "
            f"question's sentences embedded (load {ask['sentence_vectors_per_question']['load_average']}); "
            f"{ask['sentence_vectors_cached']['p50_ms']:.0f} / {ask['sentence_vectors_cached']['p95_ms']:.0f} ms "
            f"with sentence vectors cached across questions (load {ask['sentence_vectors_cached']['load_average']}).",
            ""]
    header = ["path"] + [f"{s['size']:,}" for s in report["sizes"]]
    rows = []
    for key, label in PLOT_SERIES:
        row = [label]
        for s in report["sizes"]:
            v = s["latency"].get(key) or {}
            row.append(f"{v.get('p50_ms', 0):.2f} / {v.get('p95_ms', 0):.2f}" if v.get("p50_ms") is not None else "–")
        rows.append(row)
    lines += [md_table(header, rows), "", "### Build and memory", ""]
    rows = []
    for s in report["sizes"]:
        b, m = s["build"], s["memory"]
        rows.append([f"{s['size']:,}", b["dense_factory"], b["dense_seconds"], b["lexical_seconds"],
                     b["lexical_path"].split(" ")[0], m["dense_bytes_per_passage"], m["lexical_bytes_per_passage"],
                     m["disk_bytes_per_passage"], m["rss_after_load_delta_mb"], s["process_peak_rss_mb"]])
    lines.append(md_table(["size", "FAISS", "dense build s", "BM25 build s", "BM25 path", "dense B/passage",
                           "BM25 B/passage", "disk B/passage", "RSS after load +MB", "process peak MB"], rows))
    lines += targets(report)
    lines += startup_lines(report)
    grown = [s for s in report["sizes"] if "add_articles" in s]
    if grown:
        g0 = grown[0]["add_articles"]
        lines += ["", f"### Adding new articles to each size's index ({g0['source']})", ""]
        lines.append(md_table(
            ["size", "articles", "passages", "end to end s", "embedding s", "everything else s",
             "reader reload + search s", "reader finds them"],
            [[f"{s['size']:,}", g["added"], g["passages"], g["seconds_end_to_end"], g["embedding_seconds"],
              g["everything_else_seconds"], g["reader_reload_and_search_seconds"],
              g["reader_finds_the_first_new_article"]] for s in grown for g in [s["add_articles"]]]))
    recalls = [s for s in report["sizes"] if "knob" in s.get("ann_recall", {})]
    exact = [f"{s['size']:,}" for s in report["sizes"] if s.get("ann_recall", {}).get("exact")]
    if recalls or exact:
        lines += ["", "### Recall@10 vs exact of the project's structure (k=50 searches): real questions strict / "
                  "tie-tolerant / synthetic queries strict (p50 ms per query)", ""]
        if exact:
            lines.append(f"Exact (flat) search at {', '.join(exact)}: recall 1.")
        for s in recalls:
            rec = s["ann_recall"]
            name = rec["knob"]
            syn_by = {r[name]: r for r in rec["sweep_synthetic_queries"]}
            rows = [[f"{r[name]}{' (default)' if r[name] == rec['default'] else ''}",
                     f"{r['recall@10']:.3f}", f"{r['recall@10_tie_tolerant']:.3f}",
                     f"{syn_by[r[name]]['recall@10']:.3f}", f"{r['p50_ms']:.2f}", f"{r['p95_ms']:.2f}"]
                    for r in rec["sweep_real_questions"]]
            lines += ["", f"{s['size']:,} passages, {rec['factory']}:", "",
                      md_table([name, "real strict", "real tie-tolerant", "synthetic strict", "p50 ms", "p95 ms"], rows)]
    if report.get("formats"):
        lines += ["", "### Document readers (seed articles made into files; bench/formats.py)", "",
                  md_table(["format", "pages (files)", "seconds", "pages/s", "OCR CER"],
                           [[k, v["pages"], v["seconds"], v["pages_per_s"], v.get("cer", "–")]
                            for k, v in report["formats"].items()])]
    lines += ["", f"Total {report['seconds_total']:.0f}s; process peak RSS {report['process_peak_rss_mb']} MB."]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ command




def targets(report: dict) -> list[str]:
    """Issue 15's goals (set for 1M passages), read off the largest size measured, met or not."""
    big = max(report["sizes"], key=lambda s: s["size"], default=None)
    if big is None:
        return []
    lat = big["latency"]
    rows = [
        ("Index.search p50 ms (query embedded)", lat["Index.search k10 (incl. query embedding)"]["p50_ms"], 25.0),
        ("qa.answer p50 ms (sentences embedded)", lat["qa.answer"]["p50_ms"], 150.0),
        ("qa.answer p50 ms (sentence cache)", lat["qa.answer, sentence vectors cached"]["p50_ms"], 150.0),
    ]
    if "add_articles" in big:
        grown = big["add_articles"]
        rows.append((f"add {grown['added']} articles, s end to end", grown["seconds_end_to_end"], 10.0))
        rows.append(("... of which outside the model, s", grown["everything_else_seconds"], None))
    out = [[label, f"{value:.1f}", "–" if goal is None else f"≤ {goal:g}",
            "–" if goal is None else ("yes" if value <= goal else "no")] for label, value, goal in rows]
    recall = big.get("ann_recall", {})
    if "recall@10_default" in recall or recall.get("exact"):
        value = recall.get("recall@10_default", 1.0)
        out.append(["dense recall@10 against exact", f"{value:.3f}", "≥ 0.95", "yes" if value >= 0.95 else "no"])
    return ["", f"### Issue 15's goals (set for 1,000,000 passages), measured at {big['size']:,}", "",
            md_table(["what", "measured", "goal", "met"], out)]
