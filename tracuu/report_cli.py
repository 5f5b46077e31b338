"""Handlers of the commands that print what a researcher takes away: document cards (`tracuu docs`), the
timeline (`tracuu timeline`) and the contract's JSON Schema (`tracuu schema`). Their parsers are in cli.py."""

from __future__ import annotations

import sys

from .cli import EXIT_OK, EXIT_UNHEALTHY, _check_export, _dump, _open, _write_export


def cmd_docs(args) -> int:
    from report.cards import registry
    from tracuu.contract import Card, DocumentsResponse

    reg = registry(_open(args))
    if args.ref:
        found = reg.find(args.ref)
        if not found:
            print(f"tracuu docs: no document in the index matches {args.ref!r}; `tracuu docs` lists them",
                  file=sys.stderr)
            return EXIT_UNHEALTHY
        _dump(Card.of(found[0])) if args.json else print(found[0].render_text())
        return EXIT_OK
    cards = reg.all()
    if args.json:
        _dump(DocumentsResponse(documents=[Card.of(c) for c in cards]))
    else:
        for card in cards:
            print(f"{card.id:<16} {len(card.cited_by):>3} bài  {card.name[:110]}")
    return EXIT_OK


def cmd_timeline(args) -> int:
    from report.timeline import timeline
    from tracuu.contract import Timeline

    _check_export(args)
    idx = _open(args)
    result = timeline(idx, args.subject)
    if args.out:
        from report.export import from_timeline

        _write_export(args, lambda: from_timeline(idx, result))
    if args.json:
        _dump(Timeline.of(result))
    else:
        print(result.render_text())
    return EXIT_OK


def cmd_schema(args) -> int:
    from .contract import schemas

    return _dump(schemas()) or EXIT_OK
