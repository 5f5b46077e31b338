"""`tracuu compare REF_OR_TOPIC [--by locality|year] [--json] [--format csv|xlsx|docx|md --out FILE]`:
figures across localities side by side (``report.compare``), each cell cited to its sentence."""

from __future__ import annotations

import argparse

__all__ = ["add_parser", "run"]


def add_parser(sub, common, export) -> None:
    p = sub.add_parser("compare", help="figures across localities (or years) side by side, each cited to the "
                                       "sentence that prints it")
    p.add_argument("subject", metavar="REF_OR_TOPIC", help="a document (290-QĐ/TW, 'QĐ 290'), subject, place or topic")
    p.add_argument("--by", choices=("locality", "year"), default="locality",
                   help="one row per locality (default) or per year (and locality)")
    p.add_argument("--json", action="store_true")
    common(p)
    export(p)


def run(args: argparse.Namespace, open_index, check_export, write_export, dump) -> int:
    from report.compare import compare, to_table

    check_export(args)
    idx = open_index(args)
    result = compare(idx, args.subject, args.by)
    if args.out:
        write_export(args, lambda: to_table(result))
    if args.json:
        dump(result.to_contract())
    else:
        print(result.render_text())
    return 0
