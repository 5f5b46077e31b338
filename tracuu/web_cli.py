"""`tracuu ingest URL…`, `--sitemap URL`, `--feed URL` and `tracuu sync --feeds FILE [--watch]`: the
command-line side of ``index.ingest.web`` (which does the work): arguments in, skipped URLs and one
summary line out, on stderr (../shared/CONTRACT.md)."""

from __future__ import annotations

import sys
from dataclasses import replace

from .ingest_cli import EXIT_ERROR, EXIT_OK, EXIT_SKIPPED, _report_skipped
from .progress import Bar, summary


def add_arguments(parser, *, sync: bool) -> None:
    """The web options of `ingest` (sync=False) or `sync` (sync=True)."""
    if sync:
        parser.add_argument("--feeds", metavar="FILE", help="mirror the RSS/Atom feeds listed in FILE (one URL a "
                                                            "line): new items ingested, changed ones replaced, "
                                                            "items gone from their feed removed")
        parser.add_argument("--every", type=float, metavar="SECONDS",
                            help="with --feeds --watch: seconds between two passes (default 600)")
    else:
        parser.add_argument("--sitemap", action="append", default=[], metavar="URL",
                            help="ingest the pages a sitemap (or sitemap index) lists")
        parser.add_argument("--feed", action="append", default=[], metavar="URL",
                            help="ingest the items of an RSS or Atom feed")
    parser.add_argument("--delay", type=float, metavar="SECONDS",
                        help="web: seconds between two requests to one host (default 1; a longer robots.txt "
                             "Crawl-delay wins)")


def ingest_command(args, open_index) -> int:
    """`tracuu ingest`: files and folders (``ingest_cli``), then URLs, sitemaps and feeds."""
    from .ingest_cli import ingest

    web = take_urls(args)
    if not args.paths and web is None:
        raise SystemExit("tracuu ingest: give files, folders or URLs, or --sitemap URL, --feed URL")
    idx = open_index()
    codes = [ingest(args, idx)] if args.paths else []
    return max(codes + ([ingest_web(args, idx, web)] if web is not None else []))


def sync_command(args, open_index) -> int:
    """`tracuu sync DIR…` (``ingest_cli``) or `tracuu sync --feeds FILE`."""
    from .ingest_cli import sync

    if bool(args.feeds) == bool(args.dirs):
        raise SystemExit("tracuu sync: give folders, or --feeds FILE (one feed URL a line), not both")
    return sync_feeds(args, open_index()) if args.feeds else sync(args, open_index())


def take_urls(args):
    """The ``WebRequest`` of an `ingest` command line (URLs moved out of ``args.paths``), or None."""
    from index.ingest.web import WebRequest, is_url

    urls = tuple(p for p in args.paths if is_url(p))
    args.paths = [p for p in args.paths if not is_url(p)]
    if not (urls or args.sitemap or args.feed):
        return None
    return WebRequest(urls=urls, sitemaps=tuple(args.sitemap), feeds=tuple(args.feed))


def with_delay(args, idx):
    """The index with ``--delay`` applied to its settings (refused when negative)."""
    if getattr(args, "delay", None) is None:
        return idx
    if args.delay < 0:
        raise SystemExit(f"tracuu {args.command}: --delay must be 0 or more seconds, got {args.delay:g}")
    import index

    return index.open(settings=replace(idx.settings, web_host_delay_s=args.delay), embedder=idx._embedder)


def ingest_web(args, idx, request) -> int:
    report = _one_pass(args, with_delay(args, idx), request)
    _show(report, idx)
    return EXIT_SKIPPED if report.skipped else EXIT_OK


def read_feeds(path: str) -> list[str]:
    """The feed URLs of a --feeds file: one a line; blank lines and lines starting with # ignored."""
    from index.ingest.web import BadUrl, normalize_url

    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SystemExit(f"tracuu sync: cannot read {path} ({getattr(exc, 'strerror', None) or exc})")
    feeds = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            feeds.append(normalize_url(text))
        except BadUrl as exc:
            raise SystemExit(f"tracuu sync: {path}:{number}: {exc}")
    if not feeds:
        raise SystemExit(f"tracuu sync: {path} lists no feed; write one feed URL a line")
    return feeds


def sync_feeds(args, idx) -> int:
    from index.ingest.sync import watch
    from index.ingest.web import WebRequest

    request = WebRequest(feeds=tuple(read_feeds(args.feeds)), mirror=True)
    idx = with_delay(args, idx)
    status = [EXIT_OK]

    def show(report) -> None:
        if report.fetched or report.removed or report.skipped or not args.watch:
            _show(report, idx)
        status[0] = EXIT_SKIPPED if report.skipped else EXIT_OK

    if not args.watch:
        show(_one_pass(args, idx, request))
        return status[0]
    every = args.every if args.every is not None else idx.settings.web_feed_poll_s
    if every <= 0:
        print(f"tracuu sync: --every must be more than 0 seconds, got {every:g}", file=sys.stderr)
        return EXIT_ERROR
    print(f"tracuu: watching {len(request.feeds)} feeds every {every:g}s; Ctrl-C stops", file=sys.stderr)
    try:
        watch(lambda: _one_pass(args, idx, request), interval=every, on_pass=show)
    except KeyboardInterrupt:
        return status[0]
    return status[0]


def _one_pass(args, idx, request):
    bar = Bar(quiet=args.quiet)
    try:
        return idx.ingest_web(request, progress=bar.line, on_progress=bar.update)
    finally:
        bar.close()


def _show(report, idx) -> None:
    _report_skipped(report.skipped)
    removed = f", {len(report.removed)} articles removed" if report.removed else ""
    print(f"web: {report.fetched} fetched, {report.not_modified} not modified{removed}; "
          + summary(report.ingest, *idx.counts(), idx.merged_count()), file=sys.stderr)
