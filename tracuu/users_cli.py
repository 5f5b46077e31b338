"""`tracuu users add|token|list|remove` and `tracuu audit`: accounts and the change log of an index
(../shared/CONTRACT.md, "Accounts"). Passwords are read from stdin when it is not a terminal, else asked
twice without echo; nothing secret is ever printed but the new token, on the last line."""

from __future__ import annotations

import json
import sys

EXIT_OK, EXIT_ERROR, EXIT_UNHEALTHY = 0, 2, 1
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def add_parsers(sub, common) -> None:
    p = sub.add_parser("users", help="accounts of a shared server: readers, editors, admins")
    verbs = p.add_subparsers(dest="verb", required=True)
    q = verbs.add_parser("add", help="add an account (the password from stdin, or asked)")
    q.add_argument("name")
    q.add_argument("--role", choices=("reader", "editor", "admin"), required=True)
    common(q)
    q = verbs.add_parser("token", help="make a new API token for REST (printed on the last line)")
    q.add_argument("name")
    common(q)
    q = verbs.add_parser("list", help="the accounts and their roles")
    q.add_argument("--json", action="store_true")
    common(q)
    q = verbs.add_parser("remove", help="delete an account and its tokens")
    q.add_argument("name")
    common(q)
    p = sub.add_parser("audit", help="who added, removed or synced what, and when")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the N latest changes")
    common(p)


def _accounts(args):
    from index.store.accounts import Accounts

    from .settings import Settings

    return Accounts(Settings.load(args.index).index_dir)


def _password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("tracuu users add: the two passwords differ; nothing was changed")
    return first


def cmd_users(args) -> int:
    from index.store.accounts import AccountError

    accounts = _accounts(args)
    try:
        if args.verb == "add":
            user = accounts.add(args.name, args.role, _password())
            accounts.record(_who(), "users:add", user.name, detail=user.role)
            print(f"added {user.name} ({user.role}); an API token: tracuu users token {user.name}", file=sys.stderr)
        elif args.verb == "token":
            token = accounts.new_token(args.name)
            accounts.record(_who(), "users:token", args.name)
            print(f"a new API token for {args.name} (send it as 'Authorization: Bearer TOKEN'; it is shown once):",
                  file=sys.stderr)
            print(token)
        elif args.verb == "list":
            users = accounts.list()
            if args.json:
                print(json.dumps({"users": [{"name": u.name, "role": u.role, "created_at": u.created_at}
                                            for u in users]}, ensure_ascii=False))
            else:
                for u in users:
                    print(f"{u.name:<24} {u.role:<7} {u.created_at}")
        elif args.verb == "remove":
            if not accounts.remove(args.name):
                print(f"tracuu users remove: no user {args.name!r}; `tracuu users list` shows them", file=sys.stderr)
                return EXIT_UNHEALTHY
            accounts.record(_who(), "users:remove", args.name)
    except AccountError as exc:
        print(f"tracuu users {args.verb}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def cmd_audit(args) -> int:
    entries = _accounts(args).audit(limit=args.limit)
    if args.json:
        print(json.dumps({"audit": [e.to_contract() for e in entries]}, ensure_ascii=False))
        return EXIT_OK
    for e in entries:
        source = f" from {e.source}" if e.source else ""
        print(f"{e.at}  {e.user:<16} {e.action:<16} {e.target}{source}{f' ({e.detail})' if e.detail else ''}")
    return EXIT_OK


def _who() -> str:
    from .corpus_ops import cli_user

    return cli_user()


def refuse_open_host(args) -> None:
    """`tracuu serve --host` beyond loopback exits (status 1) while no account exists, naming the command."""
    if args.host in LOOPBACK or _accounts(args).any_users():
        return
    raise SystemExit(f"tracuu serve: --host {args.host} would let anyone who reaches the port change the corpus; "
            f"add an account first: tracuu users add NAME --role admin --index {_accounts(args).db_path.parent}")


AUDITED = {"ingest": "paths", "sync": "dirs"}  # command → the argument naming what it read


def audited(handler):
    """The command's handler, recording a corpus change made from the command line (user: the OS user)."""
    def run(args) -> int:
        status = handler(args)
        # Only a command that ran records a change (0; 3: some files skipped): a refused one wrote nothing,
        # and must not create an index folder just to say so.
        if args.command in AUDITED and status in (0, 3):
            try:
                from index.store.accounts import Accounts
                from .settings import Settings

                targets = ", ".join(map(str, getattr(args, AUDITED[args.command]) or ()))[:1000]
                Accounts(Settings.load(args.index).index_dir).record(_who(), args.command, targets, source=targets,
                                                                     detail=f"cli, exit {status}")
            except Exception as exc:  # noqa: BLE001 - the change is made; a log that cannot be written is said
                print(f"tracuu: could not write the audit entry ({type(exc).__name__})", file=sys.stderr)
        return status

    return run
