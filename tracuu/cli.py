"""`tracuu` command line: a thin layer over ``index`` and ``qa`` (see ../shared/CONTRACT.md).

Heavy libraries load only inside the command that needs them, so `tracuu --help` is instant.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Iterator

from . import __version__, web_cli
from .shell import add_commands, cmd_prepare, cmd_shell  # noqa: F401 (main finds cmd_* in globals())
from .compare_cli import add_parser as add_compare

EXIT_OK, EXIT_ERROR, EXIT_UNHEALTHY, EXIT_SKIPPED = 0, 2, 1, 3


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", metavar="DIR", help="index folder (default: $TRACUU_INDEX or ./.tracuu/index)")
    parser.add_argument("--model", help="sentence-transformers model id or path (default: the bundled e5-small)")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--doc", action="append", default=[], metavar="CODE",
                        help="only articles referring to this document, e.g. 290-QĐ/TW or 'QĐ 290'")
    parser.add_argument("--locality", action="append", default=[], metavar="NAME",
                        help="only articles about this locality (diacritics optional)")
    parser.add_argument("--year", action="append", default=[], type=int, metavar="YYYY")


def _export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "xlsx", "docx", "md"),
                        help="also write what is shown as an evidence table in this format (to --out)")
    parser.add_argument("--out", metavar="FILE", help="the export file (its extension gives the format when "
                                                      "--format is not given)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tracuu", description="Cited search and question answering over Vietnamese news articles.")
    parser.add_argument("--version", action="version", version=f"tracuu {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add or update articles (.txt .md .html .jsonl .pdf .docx .odt .doc .rtf, "
                                      "images; files or folders; web pages by URL)")
    p.add_argument("paths", nargs="*", metavar="PATH_OR_URL", help="files, folders or http(s):// page addresses")
    web_cli.add_arguments(p, sync=False)
    p.add_argument("--quiet", action="store_true", help="no progress bar (the final summary line stays)")
    p.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                   help="run reading, cleaning, chunking and embedding on a Ray cluster (a local one when no "
                        "ADDRESS is given); needs `pip install 'tracuu[ray]'`")
    p.add_argument("--ray-workers", type=int, metavar="N",
                   help="embedding workers with --ray, one CPU and one model each (default: the cluster's CPUs)")
    _common(p)

    p = sub.add_parser("sync", help="make the index mirror folders: new and changed files ingested, deleted "
                                    "files' articles removed")
    p.add_argument("dirs", nargs="*", metavar="DIR")
    p.add_argument("--watch", action="store_true", help="keep syncing (polling) until interrupted")
    web_cli.add_arguments(p, sync=True)
    p.add_argument("--quiet", action="store_true", help="no progress bar (summary lines stay)")
    _common(p)

    p = sub.add_parser("remove", help="delete articles and their passages")
    p.add_argument("doc_ids", nargs="+")
    _common(p)

    p = sub.add_parser("search", help="ranked passages for a query")
    p.add_argument("query", nargs="?")
    p.add_argument("--queries", metavar="FILE.jsonl", help='batch: lines {"id": str, "question": str}')
    p.add_argument("-k", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.add_argument("--rank", choices=("learned", "rrf"), default="learned",
                   help="learned: the passage ranker answers use (default); rrf: plain fusion of dense + BM25")
    _common(p)
    _filters(p)
    _export(p)

    p = sub.add_parser("ask", help="a cited answer to a question")
    p.add_argument("question", nargs="?")
    p.add_argument("--questions", metavar="FILE.jsonl",
                   help='batch: lines {"id": str, "question": str, "follow_up"?: str}')
    p.add_argument("--follow-up", metavar="PREVIOUS", help="the previous question: this one follows it up "
                                                          "(\"còn Cần Thơ thì sao?\") and keeps what it does not name")
    p.add_argument("--json", action="store_true")
    _common(p)
    _filters(p)
    _export(p)

    p = sub.add_parser("docs", help="document cards: what each cited document is, as the articles state it")
    p.add_argument("ref", nargs="?", metavar="REF", help="a reference (290-QĐ/TW, 'QĐ 290') or a subject; all when absent")
    p.add_argument("--json", action="store_true")
    _common(p)

    p = sub.add_parser("timeline", help="events the articles report about a document, place or topic, by date")
    p.add_argument("subject", metavar="REF_OR_QUERY")
    p.add_argument("--json", action="store_true")
    _common(p)
    _export(p)

    sub.add_parser("schema", help="the JSON Schema of every JSON response, one JSON document keyed by name")
    add_compare(sub, _common, _export)

    p = sub.add_parser("serve", help="start the web app (ingests the bundled corpus into an empty index)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    _common(p)
    __import__("tracuu.users_cli").users_cli.add_parsers(sub, _common)  # users, audit

    p = sub.add_parser("doctor", help="check that database, vectors and keyword index agree")
    _common(p)

    p = sub.add_parser("reindex", help="rebuild vectors and keyword index from the database")
    _common(p)

    p = sub.add_parser("optimize", help="merge the index's segments into one (drops deleted passages)")
    _common(p)

    p = sub.add_parser("info", help="the index manifest and counts")
    _common(p)

    p = sub.add_parser("eval", help="retrieval and answer quality on gold data")
    p.add_argument("--docs", help="XQuAD-style docs JSONL")
    p.add_argument("--queries", help="XQuAD-style queries JSONL (with doc_id and answers)")
    p.add_argument("--qa", help="seed_qa.jsonl-style gold questions (about the corpus in --corpus)")
    p.add_argument("--corpus", default=None, help="articles the --qa questions are about (default: bundled corpus/)")
    p.add_argument("--out", default="bench-results", help="folder for the JSON and markdown reports")
    p.add_argument("--split", choices=("tune", "heldout", "all"), default=None,
                   help="part of bench/splits.json to run (default: every question, figures per part)")
    p.add_argument("--model")

    add_commands(sub)  # prepare, shell (tracuu/shell.py)

    p = sub.add_parser("bench", help="speed and memory benchmark (JSON + plot)")
    p.add_argument("--quick", action="store_true", help="small sizes, under 2 minutes")
    p.add_argument("--sizes", help="comma-separated passage counts, e.g. 1000,10000,100000,1000000")
    p.add_argument("--out", default="bench-results")
    p.add_argument("--add-articles", type=int, default=None, metavar="N",
                   help="new articles ingested into each size's index, timed end to end (default 100; --quick 5; 0: none)")
    p.add_argument("--keep", action="store_true",
                   help="keep each size's index under OUT/indexes/size-N (open it with --index) instead of deleting it")
    return parser


def _settings(args):
    from .settings import Settings

    overrides = {"model": args.model} if getattr(args, "model", None) else {}
    return Settings.load(args.index, **overrides)


def _open(args):
    import index

    return index.open(settings=_settings(args))


def _filters_of(args):
    from index import SearchFilters

    return SearchFilters(docs=tuple(args.doc), localities=tuple(args.locality), years=tuple(args.year))


def _read_batch(path: str) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"tracuu: {path}:{number}: not valid JSON ({exc.msg})")
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise SystemExit(f'tracuu: {path}:{number}: expected {{"id": str, "question": str}}')
            if item.get("id") is not None and (not isinstance(item["id"], (str, int)) or isinstance(item["id"], bool)):
                raise SystemExit(f"tracuu: {path}:{number}: \"id\" must be a string or an integer")
            yield item


def _dump(obj) -> None:
    if hasattr(obj, "model_dump"):  # a contract model (tracuu.contract)
        obj = obj.model_dump(mode="json")
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def cmd_ingest(args) -> int:
    return web_cli.ingest_command(args, lambda: _open(args))  # files as before; URLs, sitemaps, feeds


def cmd_sync(args) -> int:
    return web_cli.sync_command(args, lambda: _open(args))  # folders as before; --feeds FILE


def cmd_remove(args) -> int:
    from .corpus_ops import cli_user, remove  # an uploaded file goes with its article; audited
    idx = _open(args)
    removed = remove(idx, args.doc_ids, user=cli_user(), via="cli")
    for doc_id in args.doc_ids:
        if doc_id not in removed:
            print(f"tracuu: no article {doc_id!r} in {idx.root}", file=sys.stderr)
    print(f"removed {len(removed)} articles", file=sys.stderr)
    return EXIT_OK if len(removed) == len(set(args.doc_ids)) else EXIT_SKIPPED


def _check_export(args) -> None:
    """--format needs --out; --out alone takes the format from its extension."""
    if not (args.format or args.out):
        return  # nothing to export: report.export (and its imports) stays unloaded
    from report.export import export_format

    try:
        args.format = export_format(args.format, args.out)
    except ValueError as exc:
        raise SystemExit(f"tracuu {args.command}: {exc}")


def _write_export(args, table) -> None:
    from report.export import write

    print(f"tracuu: wrote {write(table(), args.format, args.out)} ({args.format})", file=sys.stderr)


def cmd_search(args) -> int:
    from .answering import hits as search
    from .contract import Hit, SearchBatchLine, SearchResponse

    idx = _open(args)
    filters = _filters_of(args)
    if args.queries:
        for item in _read_batch(args.queries):
            found = search(idx, item["question"], args.k, filters=filters, rank=args.rank)
            _dump(SearchBatchLine(id=item.get("id"), hits=[Hit.of(h) for h in found]))
        return EXIT_OK
    if not args.query:
        raise SystemExit("tracuu search: give a QUERY or --queries FILE.jsonl")
    _check_export(args)
    hits = search(idx, args.query, args.k, filters=filters, rank=args.rank)
    if args.out:
        from report.export import from_hits

        _write_export(args, lambda: from_hits(idx, args.query, hits))
    if args.json:
        _dump(SearchResponse(query=args.query, hits=[Hit.of(h) for h in hits]))
    else:
        for rank, hit in enumerate(hits, start=1):
            found = "+".join(sorted(hit.retrievers))
            print(f"{rank:>2}. [{hit.score:.4f} {found}] {hit.title} ({hit.passage.passage_id})")
            print(f"    {hit.passage.text[:200]}")
    return EXIT_OK


def cmd_ask(args) -> int:
    from .answering import answer as ask, ask as ask_contract
    from .contract import AskResponse

    idx = _open(args)
    filters = _filters_of(args)
    if args.questions:
        for item in _read_batch(args.questions):
            _dump(ask_contract(idx, item["question"], filters=filters,
                               previous=item.get("follow_up") or args.follow_up, id=item.get("id")))
        return EXIT_OK
    if not args.question:
        raise SystemExit("tracuu ask: give a QUESTION or --questions FILE.jsonl")
    _check_export(args)
    answer, follow = ask(idx, args.question, filters=filters, previous=args.follow_up)
    if args.out:
        from report.export import from_answer

        _write_export(args, lambda: from_answer(idx, answer))
    if args.json:
        _dump(AskResponse.of(answer, follow))
    else:
        print(answer.render_text())
    return EXIT_OK


def cmd_serve(args) -> int:
    from dataclasses import replace

    import index
    import ui

    __import__("tracuu.users_cli").users_cli.refuse_open_host(args)  # beyond loopback only with accounts
    # Uploads return once committed (merges on a thread); an upload's article makes ≤ upload_max_passages.
    s = _settings(args)
    idx = index.open(settings=replace(s, merges="background", max_article_passages=s.upload_max_passages))
    ui.ensure_corpus(idx)
    ui.launch(idx, host=args.host, port=args.port)
    return EXIT_OK


def cmd_doctor(args) -> int:
    idx = _open(args)
    problems = idx.doctor()
    if not problems:
        articles, passages = idx.counts()
        print(f"ok: {articles} articles, {passages} passages agree across database, vectors and keyword index")
        return EXIT_OK
    for problem in problems:
        print(f"tracuu doctor: {problem}", file=sys.stderr)
    print(f"repair with: tracuu reindex --index {idx.root}", file=sys.stderr)
    return EXIT_UNHEALTHY


def cmd_reindex(args) -> int:
    idx = _open(args)
    embedded = idx.reindex()
    print(f"reindexed {idx.root}: {embedded} passages embedded", file=sys.stderr)
    return cmd_doctor(args)


def cmd_optimize(args) -> int:
    idx = _open(args)
    left = idx.optimize()
    print(f"optimized {idx.root}: {left} segment(s)", file=sys.stderr)
    return cmd_doctor(args)


def cmd_info(args) -> int:
    idx = _open(args)
    _dump(idx.manifest() or {"index": str(idx.root), "exists": idx.exists(),
                             "counts": {"articles": 0, "passages": 0, "merged": 0}})
    return EXIT_OK


def cmd_eval(args) -> int:
    from bench.evaluate import run_eval

    return run_eval(args)


def cmd_bench(args) -> int:
    from bench.speed import run_bench

    return run_bench(args)


# Commands whose handlers live in their own modules (cli.py keeps the parser and the shared helpers).
COMMAND_MODULES = ("tracuu.report_cli", "tracuu.users_cli", "tracuu.compare_cli")


def _handler(command: str):
    import importlib

    name = f"cmd_{command}"
    if name in globals():
        return globals()[name]
    for module in COMMAND_MODULES:
        found = getattr(importlib.import_module(module), name, None)
        if found is not None:
            return found
    raise LookupError(f"no handler for {command!r}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # OpenMP threads that spin while waiting make the C engine ~15x slower when other processes share
    # the cores (measured: 780 ms vs 52 ms per query); passive waiting costs nothing when they don't.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    users_cli = __import__("tracuu.users_cli").users_cli  # users, audit; ingest and sync are audited
    handler = users_cli.audited(_handler(args.command))
    from index import FilterError, IndexBusyError, ModelMismatchError

    try:
        return handler(args)
    except (FilterError, IndexBusyError, ModelMismatchError, FileNotFoundError) as exc:
        print(f"tracuu {args.command}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `tracuu search --queries … --json | head`: the reader has what it wanted. Point stdout at
        # /dev/null so the interpreter's final flush does not raise again, and exit like other Unix tools.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
