"""Adding new articles to a large index, end to end: what a morning's news costs at each benchmark size.

The articles are real and new to the index: lines 2001–2000+N of ../shared/corpus-news (VietNews
validation articles) when that file is there, else UIT-ViQuAD paragraphs (../shared/eval), else the
project's own generated news-like lines. They go through ``Index.ingest`` as a user's JSONL would (read,
clean, chunk, entities, embed with the bundled model, one commit writing one segment), and a reader that
had the index open before is timed on its next search (it loads only the new segment).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from .common import ROOT, SHARED_EVAL

NEWS = ROOT.parent / "shared" / "corpus-news" / "vietnews_val.articles.jsonl"
NEWS_FIRST_LINE = 2000  # lines the quality checks read (mixed-index evaluation) come before this one


def new_articles(n: int) -> tuple[str, list[dict]]:
    """(where they come from, ``n`` ingest-JSONL rows)."""
    if NEWS.exists():
        rows = []
        with open(NEWS, encoding="utf-8") as fh:
            for number, line in enumerate(fh):
                if number >= NEWS_FIRST_LINE and line.strip():
                    rows.append(json.loads(line))
                if len(rows) == n:
                    break
        return f"{NEWS.name} lines {NEWS_FIRST_LINE + 1}-{NEWS_FIRST_LINE + len(rows)}", rows
    viquad = SHARED_EVAL / "viquad2_dev.docs.jsonl"
    if viquad.exists():
        with open(viquad, encoding="utf-8") as fh:
            rows = [json.loads(line) for line, _ in zip(fh, range(n))]
        return f"{viquad.name} first {len(rows)} paragraphs", rows
    rows = [{"id": f"grow{i:05d}", "title": f"Hội nghị {i}",
             "text": f"Ngày {1 + i % 28}/{1 + i % 12}/2025, phường số {i} tổ chức hội nghị với {100 + i} đại biểu."}
            for i in range(n)]
    return "generated lines", rows


def add_articles(idx, n: int) -> dict:
    """Ingest ``n`` new articles into the open index ``idx``; times end to end, the model's share, the rest,
    and a second reader's reload + search for the first new article's title (which it must find)."""
    import index as index_api

    source, rows = new_articles(n)
    probe = rows[0].get("title") or rows[0]["text"][:200]
    reader = index_api.open(settings=idx.settings, embedder=idx.embedder)
    reader.search(probe, 10)  # loaded before the commit, as a running server would be
    with tempfile.TemporaryDirectory(prefix="tracuu-grow-") as tmp:
        path = Path(tmp) / "new-articles.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        t0 = time.perf_counter()
        report = idx.ingest([path])
        seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    hits = reader.search(probe, 10)
    reload_and_search = time.perf_counter() - t0
    return {
        "source": source,
        "articles": len(rows),
        "added": len(report.added),
        "passages": report.passages_added,
        "commits": report.batches,
        "seconds_end_to_end": round(seconds, 2),
        "embedding_seconds": round(report.embed_seconds, 2),
        "everything_else_seconds": round(seconds - report.embed_seconds, 2),
        "reader_reload_and_search_seconds": round(reload_and_search, 3),
        "reader_finds_the_first_new_article": any(h.passage.doc_id == rows[0]["id"] for h in hits),
    }
