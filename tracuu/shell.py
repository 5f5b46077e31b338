"""`tracuu prepare` and `tracuu shell`: the model made ready once, and a warm loop for scripts.

``prepare`` writes the bundled model's two files (index/embed/prepare.py) into the cache, or says they are
there; ``make run`` calls it so the first question never pays for it. ``shell`` opens the index and the
model once, then answers one question per stdin line with one ``ask --json`` line each, flushed at once,
so a pipeline of questions never reloads anything (``tracuu ask`` pays ~1 s of start-up per call).
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

EXIT_OK = 0


def add_commands(sub) -> None:
    """Register both subcommands on the CLI's subparsers (tracuu/cli.py)."""
    sub.add_parser("prepare", help="prepare the bundled model once (also done on first need); idempotent")
    p = sub.add_parser("shell", help="answer one question per stdin line, one `ask --json` line out per line "
                                     "(model and index loaded once)")
    p.add_argument("--index", metavar="DIR", help="index folder (default: $TRACUU_INDEX or ./.tracuu/index)")
    p.add_argument("--model", help="sentence-transformers model id or path (default: the bundled e5-small)")


def cmd_prepare(args) -> int:
    from index.embed.prepare import bundled_dir, folder_mb, is_prepared, prepare_bundled_model, say
    from index.settings import Settings

    cache = Settings.load(None).cache_dir
    folder = bundled_dir(cache)
    if is_prepared(folder):
        from index.embed.subset_tokenizer import compact_path, write_compact

        if not compact_path(folder / "tokenizer.json").is_file():  # prepared before it existed (cheap, ~1 s)
            write_compact(folder / "tokenizer.json")
        say("ready", sys.stderr, mb=folder_mb(folder), folder=folder)
    else:
        prepare_bundled_model(cache)  # prints its own start and end lines
    return EXIT_OK


def cmd_shell(args, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    import index
    from tracuu.answering import ask
    from index.settings import Settings

    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    overrides = {"model": args.model} if getattr(args, "model", None) else {}
    idx = index.open(settings=Settings.load(args.index, **overrides))
    for line in stdin:
        question = line.strip()
        if not question:
            continue
        # The one door `tracuu ask --json` prints through, so a shell line equals an `ask --json` line.
        stdout.write(json.dumps(ask(idx, question).model_dump(mode="json"), ensure_ascii=False) + "\n")
        stdout.flush()
    return EXIT_OK
