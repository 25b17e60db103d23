"""Backing up the open database to one file an administrator can keep off-site.

SQLite: the online backup API (`core.db.copy_sqlite`), consistent while other PCs keep
writing; the copy is switched out of WAL mode so it is one self-contained file, then
opened and integrity-checked. PostgreSQL: `pg_dump --format=custom`, with the password
handed to it in PGPASSWORD, never on a command line other users could read.

The backup is written next to its destination under a temporary name and renamed into
place only once it is complete and checked, so a failed run never leaves a truncated
file that looks like a backup.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from core import secrets
from core.db import DatabaseTarget, copy_sqlite, write_transaction
from core.errors import DatabaseError, InvalidInput
from core.permissions import Actor, Permission
from core.services import audit
from core.services.access import authorize

PG_CLIENT_HINT = (
    "install the PostgreSQL client tools (Debian/Ubuntu: apt install postgresql-client; "
    "Windows/macOS: the PostgreSQL installer's \"Command Line Tools\") and make sure "
    "pg_dump is on the PATH"
)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    backend: str
    check: str  # what was verified, in words

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "size": self.size, "backend": self.backend,
                "check": self.check}


def back_up(actor: Actor, target: DatabaseTarget, dest: Path | str, force: bool = False,
            password: str | None = None) -> BackupResult:
    """Copy the open database `target` to `dest`; audited once the copy is complete.

    Refuses to replace an existing file unless `force`. `password` is for PostgreSQL
    only; by default the one stored in the keyring is used.
    """
    authorize(actor, Permission.MANAGE_DATABASE)
    dest = _check_destination(target, Path(dest).expanduser(), force)
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if target.backend == "sqlite":
            check = _sqlite_copy(partial)
        else:
            check = _pg_dump(target, partial, password)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    size = dest.stat().st_size
    result = BackupResult(dest.resolve(), size, target.backend, check)
    with write_transaction():
        audit.record(actor, "backup", "database", target.display_name,
                     f"{target.backend} backup to {result.path} ({size} bytes)")
    return result


def _check_destination(target: DatabaseTarget, dest: Path, force: bool) -> Path:
    dest = dest.absolute()
    if dest.is_dir():
        raise InvalidInput("to", f"{dest} is a folder; give the backup file's name, "
                           "e.g. rxdesk-backup.db.")
    if not dest.parent.is_dir():
        raise InvalidInput("to", f"The folder {dest.parent} does not exist.")
    if target.backend == "sqlite" and _same_file(dest, target.path):
        raise InvalidInput("to", "The backup cannot replace the database it copies; "
                           "choose another file name.")
    if dest.exists() and not force:
        raise InvalidInput("to", f"{dest} already exists; choose another name or "
                           "pass --force to replace it.")
    return dest


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _sqlite_copy(partial: Path) -> str:
    try:
        copy_sqlite(partial)
    except sqlite3.Error as exc:
        raise DatabaseError(f"The backup to {partial.parent} failed: {exc}") from None
    try:
        conn = sqlite3.connect(partial)
        try:
            # One file, no -wal/-shm companions, so it can be copied around safely.
            conn.execute("PRAGMA journal_mode = DELETE").fetchone()
            verdict = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(f"The backup copy cannot be opened: {exc}") from None
    if verdict != ["ok"]:
        raise DatabaseError("The backup copy failed its integrity check: "
                            + "; ".join(verdict[:3]))
    return "integrity check ok"


def _pg_dump(target: DatabaseTarget, partial: Path, password: str | None) -> str:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise DatabaseError(f"pg_dump was not found: {PG_CLIENT_HINT}.")
    if password is None:
        password = secrets.get_database_password(target)
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    if password:
        env["PGPASSWORD"] = password
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    command = [pg_dump, "--format=custom", "--no-password", "--file", str(partial),
               "--host", target.host, "--port", str(target.port),
               "--dbname", _conninfo_dbname(target.name)]
    if target.user:
        command += ["--username", target.user]
    _run(command, env, "pg_dump")
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        return "pg_dump finished (pg_restore not found, archive not re-read)"
    _run([pg_restore, "--list", str(partial)], env, "pg_restore --list")
    return "archive readable by pg_restore"


def _conninfo_dbname(name: str) -> str:
    """`dbname='...'`: a database name is never mistaken for a connection string."""
    escaped = name.replace("\\", "\\\\").replace("'", "\\'")
    return f"dbname='{escaped}'"


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, errors="replace")
    except OSError as exc:
        raise DatabaseError(f"{what} could not be started: {exc}; {PG_CLIENT_HINT}.") from None
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        reason = lines[0] if lines else f"exit status {done.returncode}"
        raise DatabaseError(f"{what} failed: {reason}")
