"""The one database connection: URL parsing, backend set-up and write transactions.

RxDesk runs on a local SQLite file (one PC) or a PostgreSQL server (a team). Every model
binds to the `database` proxy, which `open_database` points at the real backend once at
start-up. Passwords never appear in URLs: PostgreSQL passwords live in the OS keyring
(see `core.secrets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import sqlite3

import peewee

from core import secrets
from core.errors import BadDatabaseUrl, DatabaseError, PasswordRequired

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 15_000,
    # Regulated records: a commit must survive a power cut.
    "synchronous": "full",
}
POSTGRES_DEFAULT_PORT = 5432


@dataclass(frozen=True)
class DatabaseTarget:
    """Where the data lives; `url` never carries a password."""

    backend: str  # "sqlite" | "postgresql"
    path: Path | None = None
    host: str = ""
    port: int = POSTGRES_DEFAULT_PORT
    name: str = ""
    user: str = ""

    @property
    def url(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.path}"
        user = f"{self.user}@" if self.user else ""
        return f"postgresql://{user}{self.host}:{self.port}/{self.name}"

    @property
    def display_name(self) -> str:
        """What the status bar shows: the file name, or host/database."""
        if self.backend == "sqlite":
            return self.path.name
        return f"{self.host}/{self.name}"

    @property
    def keyring_key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.name}"

    @property
    def on_network_share(self) -> bool:
        """SQLite's WAL mode corrupts over SMB/NFS; the UI warns for such paths."""
        if self.backend != "sqlite":
            return False
        text = str(self.path)
        return text.startswith(("\\\\", "//")) or _is_network_mount(self.path)


def _is_network_mount(path: Path) -> bool:
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    best, fstype = "", ""
    resolved = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and resolved.startswith(parts[1]) and len(parts[1]) > len(best):
            best, fstype = parts[1], parts[2]
    return fstype in {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs"}


def parse_url(url: str) -> DatabaseTarget:
    """Read `sqlite:///ABSOLUTE/PATH.db` or `postgresql://USER@HOST:PORT/DBNAME`."""
    text = url.strip()
    if text.startswith("sqlite:///"):
        raw = unquote(text[len("sqlite:///"):])
        # sqlite:////abs/path (POSIX) and sqlite:///C:/path (Windows) are both absolute.
        path = Path(raw) if Path(raw).is_absolute() else Path("/" + raw)
        if not raw or raw.endswith(("/", "\\")):
            raise BadDatabaseUrl(url, "it names a folder, not a database file")
        return DatabaseTarget("sqlite", path=path)
    if text.startswith("sqlite:"):
        raise BadDatabaseUrl(url, "write an absolute path after 'sqlite:///'")
    parts = urlsplit(text)
    if parts.scheme not in {"postgresql", "postgres"}:
        raise BadDatabaseUrl(url, "it must start with sqlite:/// or postgresql://")
    if parts.password:
        raise BadDatabaseUrl(
            "postgresql://…", "passwords do not belong in the address; "
            "store it with 'rxdesk-admin login-db' or the connection dialog"
        )
    name = parts.path.lstrip("/")
    if not parts.hostname or not name or "/" in name:
        raise BadDatabaseUrl(url, "expected postgresql://USER@HOST:PORT/DBNAME")
    try:
        port = parts.port or POSTGRES_DEFAULT_PORT
    except ValueError:
        raise BadDatabaseUrl(url, "the port is not a number between 1 and 65535") from None
    return DatabaseTarget(
        "postgresql", host=parts.hostname, port=port, name=unquote(name),
        user=unquote(parts.username or ""),
    )


def connect_backend(target: DatabaseTarget, password: str | None = None) -> peewee.Database:
    """A peewee database for `target`, connected once to prove it works."""
    if target.backend == "sqlite":
        if not target.path.parent.is_dir():
            raise DatabaseError(f"The folder {target.path.parent} does not exist.")
        backend = peewee.SqliteDatabase(str(target.path), pragmas=SQLITE_PRAGMAS, timeout=15)
    else:
        if password is None:
            password = secrets.get_database_password(target)
        backend = peewee.PostgresqlDatabase(
            target.name, host=target.host, port=target.port, user=target.user or None,
            password=password or None, connect_timeout=10, autoconnect=True,
        )
    try:
        backend.connect(reuse_if_open=True)
    except peewee.OperationalError as exc:
        reason = _first_line(exc)
        if target.backend == "postgresql" and "password" in reason.lower():
            raise PasswordRequired(target.display_name, target.user, reason) from None
        raise DatabaseError(f"Cannot open {target.display_name}: {reason}") from None
    return backend


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def open_database(url: str, password: str | None = None) -> DatabaseTarget:
    """Point the global proxy at `url`. Called once at start-up (and by tests)."""
    target = parse_url(url)
    backend = connect_backend(target, password)
    if database.obj is not None and not database.is_closed():
        database.close()
    database.initialize(backend)
    return target


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


def is_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def write_transaction():
    """One service call = one transaction that takes the write lock up front.

    On SQLite BEGIN IMMEDIATE avoids the deadlock where two readers both try to upgrade;
    PostgreSQL services lock the rows they change with SELECT ... FOR UPDATE instead.
    """
    if is_postgres():
        return database.atomic()
    if database.transaction_depth() > 0:
        return database.atomic()
    return database.atomic("IMMEDIATE")


# Columns whose Python value is already what the driver stores (no Field.db_value call).
# Exact types: subclasses (MoneyField is a BigIntegerField) convert.
_PLAIN_FIELDS = frozenset({peewee.IntegerField, peewee.BigIntegerField, peewee.AutoField,
                           peewee.BigAutoField, peewee.CharField, peewee.TextField,
                           peewee.BooleanField, peewee.ForeignKeyField, peewee.DateField})


SMALL_BATCH = 50


def bulk_insert(fields: list[peewee.Field], rows: list[tuple]) -> None:
    """Insert `rows` (tuples in `fields` order) into the fields' table, inside the
    caller's transaction: COPY on PostgreSQL, one executemany on SQLite.

    For the bulk paths (EPCIS import, posting a receipt): peewee's insert_many builds
    SQL and converts values per row (~50 µs a row); this is the driver's own loop.
    Values are plain (ids for foreign keys, str, int, date); other columns (money,
    UTC times) go through their field's db_value."""
    if not rows:
        return
    table = fields[0].model._meta.table_name
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    convert = [(i, _Memo(f.db_value)) for i, f in enumerate(fields)
               if type(f) not in _PLAIN_FIELDS]
    if convert:
        rows = [tuple(_converted(row, convert)) for row in rows]
    conn = database.connection()
    if is_postgres() and len(rows) <= SMALL_BATCH:
        # One INSERT ... VALUES round trip; COPY's start-up exchange costs more than a
        # few rows (a pack-station scan writes one item and one move).
        marks = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
        with conn.cursor() as cur:
            cur.execute(f'INSERT INTO "{table}" ({columns}) VALUES {marks}',
                        [value for row in rows for value in row])
    elif is_postgres():
        with conn.cursor() as cur, cur.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(fields))
        conn.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)


def fetch_raw(query: peewee.Query) -> list[tuple]:
    """The rows of `query` exactly as the driver returns them, without peewee's per-row
    conversion (~15 µs a row): for bulk reads of ids, integers and text only (SQLite
    returns dates and times as text)."""
    sql, params = query.sql()
    return database.execute_sql(sql, params).fetchall()


def _converted(row: tuple, convert: list) -> list:
    values = list(row)
    for i, db_value in convert:
        values[i] = db_value(values[i])
    return values


class _Memo(dict):
    """A field's db_value, computed once per distinct value: a bulk path's rows share
    their timestamp, so 270,000 conversions become one."""

    def __init__(self, db_value):
        super().__init__()
        self.db_value = db_value

    def __call__(self, value):
        try:
            return self[value]
        except KeyError:
            converted = self[value] = self.db_value(value)
            return converted
        except TypeError:  # unhashable
            return self.db_value(value)


def copy_sqlite(dest: Path) -> None:
    """A consistent copy of the open SQLite database (online backup API: safe while
    other PCs' processes write, and WAL contents are included)."""
    copy = sqlite3.connect(dest)
    try:
        database.connection().backup(copy)
    finally:
        copy.close()
