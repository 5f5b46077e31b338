"""Accounts, API tokens and the audit trail, in the index's own SQLite file.

Three tables added with ``CREATE TABLE IF NOT EXISTS`` (an index built before them gains them on first use;
nothing else changes). Passwords are kept only as scrypt hashes with a per-user salt; API tokens only as
SHA-256 digests (a token is 32 random bytes, so a slow hash adds nothing). Checks compare in constant time,
and a wrong name costs the same scrypt run as a wrong password, so neither the answer nor its timing says
which part was wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import sqlite as store

ROLES = ("reader", "editor", "admin")
# What each role may do; a door asks for an action, never for a role name.
PERMISSIONS = {
    "reader": frozenset({"read"}),
    "editor": frozenset({"read", "write"}),
    "admin": frozenset({"read", "write", "manage"}),
}
NAME_RE = re.compile(r"[\w.@-]{1,64}")
MIN_PASSWORD = 8
# scrypt at n=2**14, r=8 (16 MiB, ~50 ms): the interactive setting its authors recommend.
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    salt BLOB NOT NULL,
    pw_hash BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
    digest TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    source TEXT,
    detail TEXT
);
"""


class AccountError(ValueError):
    """A refused account change; the message says what to do."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: str

    def may(self, action: str) -> bool:
        return action in PERMISSIONS.get(self.role, frozenset())


@dataclass(frozen=True)
class AuditEntry:
    at: str
    user: str
    action: str
    target: str
    source: str | None
    detail: str | None

    def to_contract(self) -> dict:
        return {"at": self.at, "user": self.user, "action": self.action, "target": self.target,
                "source": self.source, "detail": self.detail}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, **_SCRYPT)


_DUMMY_SALT = b"\0" * 16


class Accounts:
    """The accounts of one index folder. One short connection per call: a server's threads share it."""

    def __init__(self, root: Path) -> None:
        self.db_path = Path(root) / "tracuu.sqlite"
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        conn = store.connect(self.db_path)
        if not self._ready:
            conn.executescript(store._SCHEMA)  # an index folder made here first still opens as an empty index
            conn.executescript(_SCHEMA)
            self._ready = True
        return conn

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        conn = self._connect()
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    def any_users(self) -> bool:
        if not self.db_path.exists():
            return False
        return bool(self._run("SELECT 1 FROM users LIMIT 1"))

    def add(self, name: str, role: str, password: str) -> User:
        if not NAME_RE.fullmatch(name or ""):
            raise AccountError(f"user name {name!r}: 1-64 letters, digits, '.', '_', '@' or '-'")
        if role not in ROLES:
            raise AccountError(f"role {role!r}: one of {', '.join(ROLES)}")
        if len(password or "") < MIN_PASSWORD:
            raise AccountError(f"the password must be at least {MIN_PASSWORD} characters")
        salt = secrets.token_bytes(16)
        now = _now()
        try:
            self._run("INSERT INTO users(name, role, salt, pw_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                      (name, role, salt, _hash(password, salt), now))
        except sqlite3.IntegrityError:
            raise AccountError(f"user {name!r} exists; `tracuu users remove {name}` first") from None
        return User(name, role, now)

    def remove(self, name: str) -> bool:
        conn = self._connect()
        try:
            conn.execute("DELETE FROM api_tokens WHERE user = ?", (name,))
            return conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0
        finally:
            conn.close()

    def list(self) -> list[User]:
        return [User(*row) for row in self._run("SELECT name, role, created_at FROM users ORDER BY name")]

    def get(self, name: str) -> User | None:
        rows = self._run("SELECT name, role, created_at FROM users WHERE name = ?", (name,))
        return User(*rows[0]) if rows else None

    def check_password(self, name: str, password: str) -> User | None:
        """The user when name and password match, else None (same work either way)."""
        rows = self._run("SELECT name, role, created_at, salt, pw_hash FROM users WHERE name = ?", (str(name),))
        salt, stored = (rows[0][3], rows[0][4]) if rows else (_DUMMY_SALT, b"\0" * 32)
        ok = hmac.compare_digest(_hash(str(password), salt), stored)
        return User(*rows[0][:3]) if rows and ok else None

    def new_token(self, name: str) -> str:
        if self.get(name) is None:
            raise AccountError(f"no user {name!r}; add one with `tracuu users add {name} --role reader`")
        token = "trc_" + secrets.token_urlsafe(32)
        self._run("INSERT INTO api_tokens(digest, user, created_at) VALUES (?, ?, ?)", (_digest(token), name, _now()))
        return token

    def check_token(self, token: str) -> User | None:
        rows = self._run("SELECT u.name, u.role, u.created_at, t.digest FROM api_tokens t "
                         "JOIN users u ON u.name = t.user WHERE t.digest = ?", (_digest(token),))
        return User(*rows[0][:3]) if rows and hmac.compare_digest(rows[0][3], _digest(token)) else None

    def record(self, user: str, action: str, target: str, source: str | None = None, detail: str | None = None) -> None:
        self._run("INSERT INTO audit(at, user, action, target, source, detail) VALUES (?, ?, ?, ?, ?, ?)",
                  (_now(), user, action, target, source, detail))

    def audit(self, limit: int | None = None) -> list[AuditEntry]:
        if not self.db_path.exists():
            return []
        sql = "SELECT at, user, action, target, source, detail FROM audit ORDER BY id DESC"
        rows = self._run(sql + " LIMIT ?", (limit,)) if limit else self._run(sql)
        return [AuditEntry(*row) for row in rows]


def _digest(token: str) -> str:
    return hashlib.sha256(str(token).encode("utf-8", "surrogatepass")).hexdigest()
