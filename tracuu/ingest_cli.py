"""`tracuu ingest` and `tracuu sync`: the library does the work and reports progress to a callback; this
draws it (``progress.Bar``) and prints the skipped inputs and the summary (../shared/CONTRACT.md)."""

from __future__ import annotations

import sys

from .progress import Bar, summary

EXIT_OK, EXIT_ERROR, EXIT_SKIPPED = 0, 2, 3  # as in cli: 3 when any file or line was skipped


def _report_skipped(skipped) -> None:
    for item in skipped:
        print(f"tracuu: skipped {item.origin}: {item.reason}", file=sys.stderr)


def ingest(args, idx) -> int:
    ray = None
    if getattr(args, "ray", None) is not None:
        from index.ingest.ray_stages import RayOptions

        if args.ray_workers is not None and args.ray_workers < 1:
            print(f"tracuu ingest: --ray-workers must be 1 or more, got {args.ray_workers}", file=sys.stderr)
            return EXIT_ERROR
        ray = RayOptions(address=args.ray or None, workers=args.ray_workers)
    elif getattr(args, "ray_workers", None) is not None:
        print("tracuu ingest: --ray-workers applies only with --ray", file=sys.stderr)
        return EXIT_ERROR
    bar = Bar(quiet=args.quiet)
    try:
        report = idx.ingest(args.paths, progress=bar.line, on_progress=bar.update, ray=ray)
    except RuntimeError as exc:
        from index.ingest.ray_stages import RayUnavailableError

        if not isinstance(exc, RayUnavailableError):
            raise
        bar.close()
        print(f"tracuu ingest: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        bar.close()
    _report_skipped(report.skipped)
    print(summary(report, *idx.counts(), idx.merged_count()), file=sys.stderr)
    return EXIT_SKIPPED if report.skipped else EXIT_OK


def sync(args, idx) -> int:
    from index.ingest.sync import watch

    status = [EXIT_OK]

    def one_pass():
        bar = Bar(quiet=args.quiet)
        try:
            return idx.sync(args.dirs, progress=bar.line, on_progress=bar.update)
        finally:
            bar.close()

    def show(result) -> None:
        _report_skipped(result.skipped)
        if result.files_read or result.removed or not args.watch:
            print(f"sync: {result.files_seen} files, {result.files_read} new or changed, {len(result.removed)} "
                  f"articles removed; " + summary(result.ingest, *idx.counts(), idx.merged_count()), file=sys.stderr)
        status[0] = EXIT_SKIPPED if result.skipped else EXIT_OK

    if not args.watch:
        show(one_pass())
        return status[0]
    print(f"tracuu: watching {', '.join(args.dirs)} every {idx.settings.sync_poll_s:g}s; Ctrl-C stops",
          file=sys.stderr)
    try:
        watch(one_pass, interval=idx.settings.sync_poll_s, on_pass=show)
    except KeyboardInterrupt:
        return status[0]
    return status[0]
