"""Opening RxDesk's database: the one door the desktop and rxdesk-admin go through.

Resolves which database to use (--db, RXDESK_DB, the saved choice, the per-user
default), connects, and reports whether the schema is usable, needs an upgrade, or
was made by a newer RxDesk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import platformdirs

from core import migrations, scale_data, settings
from core.db import DatabaseTarget, connect_backend, open_database, parse_url, write_transaction
from core.demo_data import Progress, build_demo_business, demo_admin
from core.errors import DatabaseNotInitialised, DatabaseTooNew, MigrationNeeded
from core.models import Company
from core.permissions import Actor, Role
from core.services import audit
from core.services.setup import build_demo

APP_NAME = "RxDesk"
ENV_URL = "RXDESK_DB"
MIGRATION_ACTOR = Actor(None, "migration", Role.ADMIN)


def data_dir() -> Path:
    override = os.environ.get("RXDESK_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'rxdesk.db'}"


def demo_url() -> str:
    return f"sqlite:///{data_dir() / 'rxdesk-demo.db'}"


def resolve_url(cli_url: str | None = None) -> str:
    """--db, else $RXDESK_DB, else the connection saved in settings, else the default."""
    return cli_url or os.environ.get(ENV_URL) or settings.load().database_url or default_url()


class SchemaState(Enum):
    READY = "ready"
    EMPTY = "empty"
    NEEDS_UPGRADE = "needs upgrade"
    TOO_NEW = "too new"


@dataclass(frozen=True)
class Opened:
    target: DatabaseTarget
    state: SchemaState
    found_version: int
    latest_version: int

    def require_ready(self) -> None:
        if self.state is SchemaState.EMPTY:
            raise DatabaseNotInitialised(self.target.display_name)
        if self.state is SchemaState.TOO_NEW:
            raise DatabaseTooNew(self.found_version, self.latest_version)
        if self.state is SchemaState.NEEDS_UPGRADE:
            raise MigrationNeeded(self.found_version, self.latest_version)


def connect(url: str, password: str | None = None) -> Opened:
    target = open_database(url, password)
    found = migrations.schema_version()
    return Opened(target, _state(found), found, migrations.LATEST)


def _state(found: int) -> SchemaState:
    if found == 0:
        return SchemaState.EMPTY
    if found > migrations.LATEST:
        return SchemaState.TOO_NEW
    if found < migrations.LATEST:
        return SchemaState.NEEDS_UPGRADE
    return SchemaState.READY


def test_connection(url: str, password: str | None = None) -> str:
    """Connect aside (the shared connection is left alone) and describe what was found,
    for the dialog's "Test connection" and `rxdesk-admin login-db`."""
    target = parse_url(url)
    backend = connect_backend(target, password)
    try:
        found = migrations.schema_version(backend)
    finally:
        backend.close()
    opened = Opened(target, _state(found), found, migrations.LATEST)
    if opened.state is SchemaState.READY:
        return f"Connected to {target.display_name}: RxDesk schema version {opened.found_version}."
    if opened.state is SchemaState.EMPTY:
        return f"Connected to {target.display_name}: the database is empty (not initialised yet)."
    if opened.state is SchemaState.TOO_NEW:
        return f"Connected, but {DatabaseTooNew(opened.found_version, opened.latest_version)}"
    return (f"Connected to {target.display_name}: schema version {opened.found_version} "
            f"will be upgraded to {opened.latest_version}.")


def upgrade(opened: Opened) -> migrations.MigrationResult:
    """Bring the open database to this RxDesk's schema (SQLite is copied aside first)."""
    result = migrations.migrate(opened.target)
    if result.from_version and result.from_version != result.to_version:
        with write_transaction():
            backup = f"; copy kept at {result.backup}" if result.backup else ""
            audit.record(MIGRATION_ACTOR, "migrate", "schema", result.to_version,
                         f"version {result.from_version} -> {result.to_version}{backup}")
    return result


def open_demo(url: str | None = None, scale: str = "small",
              progress: Progress | None = None) -> Opened:
    """Open the demo database, creating it the first time: the company with one user per
    role (the sign-in screen shows the accounts) and a business to try things on
    (core.demo_data; "medium" and "large" are six years of history, core.scale_data),
    built in one transaction so an interrupted build leaves no half-made demo.
    `progress(step, done, total)` reports the build."""
    opened = connect(url or demo_url())
    build = opened.state is SchemaState.EMPTY
    if opened.state in (SchemaState.EMPTY, SchemaState.NEEDS_UPGRADE):
        upgrade(opened)
    # Our own demo file left half-made (the schema committed, the build interrupted).
    own_file = url in (None, demo_url())
    if opened.state is not SchemaState.TOO_NEW and (build or own_file) \
            and not Company.select().exists():
        with write_transaction():
            build_demo(opened.target.display_name)
            if scale in scale_data.SCALES:
                scale_data.build(demo_admin(), scale_data.SCALES[scale], progress)
            else:
                build_demo_business(demo_admin(), size=scale, progress=progress)
    opened = connect(url or demo_url())
    opened.require_ready()
    return opened
