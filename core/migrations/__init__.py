"""The schema-version ladder: numbered steps with frozen models.

`SchemaVersion` holds one row with the step the database has reached. Opening a
database checks it: older -> offer `migrate` (SQLite files are copied aside first),
newer -> refuse, naming both versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from core.db import DatabaseTarget, copy_sqlite, database
from core.errors import DatabaseNotInitialised, DatabaseTooNew, MigrationNeeded
from core.migrations import (m0001_initial, m0002_products_partners_stock, m0003_purchasing,
                             m0004_receiving_records, m0005_sales_shipping,
                             m0006_lean_indexes, m0007_accounting,
                             m0008_invoicing, m0009_returns_remit_to,
                             m0010_tax_rate_tenths)

STEPS = [m0001_initial, m0002_products_partners_stock, m0003_purchasing,
         m0004_receiving_records, m0005_sales_shipping, m0006_lean_indexes,
         m0007_accounting, m0008_invoicing, m0009_returns_remit_to, m0010_tax_rate_tenths]
LATEST = len(STEPS)


def app_version() -> str:
    try:
        return version("rxdesk")
    except PackageNotFoundError:
        return "dev"


def schema_version(db=database) -> int:
    """0 for an empty database, else the step recorded in schema_version. `db` may be
    a backend opened aside (the connection test), not only the shared proxy."""
    if not db.table_exists("schema_version"):
        return 0
    row = db.execute_sql("SELECT version FROM schema_version WHERE id = 1").fetchone()
    return row[0] if row else 0


def check_schema(target: DatabaseTarget) -> None:
    """Raise unless the database is at exactly this RxDesk's schema version."""
    found = schema_version()
    if found == 0:
        raise DatabaseNotInitialised(target.display_name)
    if found > LATEST:
        raise DatabaseTooNew(found, LATEST)
    if found < LATEST:
        raise MigrationNeeded(found, LATEST)


@dataclass(frozen=True)
class MigrationResult:
    from_version: int
    to_version: int
    backup: Path | None


def migrate(target: DatabaseTarget) -> MigrationResult:
    """Apply every pending step, each in its own transaction."""
    found = schema_version()
    if found > LATEST:
        raise DatabaseTooNew(found, LATEST)
    backup = None
    if found and found < LATEST and target.backend == "sqlite":
        backup = _copy_aside(target, found)
    for number in range(found + 1, LATEST + 1):
        with database.atomic():
            STEPS[number - 1].up(database.obj)
            _record(number)
    return MigrationResult(found, LATEST, backup)


def _record(number: int) -> None:
    now = datetime.now(UTC).isoformat(sep=" ", timespec="microseconds")
    params = (number, app_version(), now)
    if database.execute_sql("SELECT 1 FROM schema_version WHERE id = 1").fetchone():
        database.execute_sql(
            "UPDATE schema_version SET version = %s, app_version = %s, migrated_at = %s "
            "WHERE id = 1".replace("%s", database.param), params)
    else:
        database.execute_sql(
            "INSERT INTO schema_version (id, version, app_version, migrated_at) "
            "VALUES (1, %s, %s, %s)".replace("%s", database.param), params)


def _copy_aside(target: DatabaseTarget, found: int) -> Path:
    """Online copy (consistent even in WAL mode) next to the file, before touching it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dest = target.path.with_name(f"{target.path.stem}.v{found}-{stamp}.before-migration.db")
    copy_sqlite(dest)
    return dest
