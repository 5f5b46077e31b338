"""`tracuu compare REF_OR_TOPIC [--by locality|year] [--json] [--format csv|xlsx|docx|md --out FILE]`:
figures across localities side by side (``report.compare``), each cell cited to its sentence. ``tracuu.cli``
adds the subcommand and finds ``cmd_compare`` here (``COMMAND_MODULES``)."""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["add_parser", "cmd_compare"]


def add_parser(sub, common, export) -> None:
    p = sub.add_parser("compare", help="figures across localities (or years) side by side, each cited to the "
                                       "sentence that prints it")
    p.add_argument("subject", metavar="REF_OR_TOPIC", help="a document (290-QĐ/TW, 'QĐ 290'), subject, place or topic")
    p.add_argument("--by", choices=("locality", "year"), default="locality",
                   help="one row per locality (default) or per year (and locality)")
    p.add_argument("--json", action="store_true")
    common(p)
    export(p)


def _open(args):
    import index
    from .settings import Settings

    return index.open(settings=Settings.load(args.index, **({"model": args.model} if args.model else {})))


def cmd_compare(args: argparse.Namespace) -> int:
    from report.compare import compare, to_table
    from report.export import export_format, write

    try:
        fmt = export_format(args.format, args.out)
    except ValueError as exc:
        raise SystemExit(f"tracuu compare: {exc}")
    result = compare(_open(args), args.subject, args.by)
    if fmt:
        print(f"tracuu: wrote {write(to_table(result), fmt, args.out)} ({fmt})", file=sys.stderr)
    if args.json:  # through the contract's model, as GET /api/compare answers
        from .contract import CompareResponse

        out = CompareResponse.model_validate(result.to_contract()).model_dump(mode="json")
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    else:
        print(result.render_text())
    return 0
