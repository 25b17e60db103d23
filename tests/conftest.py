"""One suite for both backends.

Every test that uses a database fixture runs once per backend named in
RXDESK_TEST_BACKENDS (default "sqlite,postgresql"). Each PostgreSQL test gets its own
throw-away database, copied from a template built once per run; each SQLite test gets
its own file. If PostgreSQL is unreachable and RXDESK_TEST_BACKENDS was not set, its
tests are skipped with the reason; CI sets the variable, so there it is an error.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="rxdesk-tests-"))
os.environ["RXDESK_CONFIG_DIR"] = str(_SESSION_DIR / "config")
os.environ["RXDESK_DATA_DIR"] = str(_SESSION_DIR / "data")
os.environ.pop("RXDESK_DB", None)

import keyring  # noqa: E402
import psycopg  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from core import connection  # noqa: E402
from core import db as core_db  # noqa: E402
from core.permissions import Actor, Role  # noqa: E402
from core.queries.users import DEMO_LOGINS  # noqa: E402
from core.services.setup import build_demo  # noqa: E402

BACKENDS = [b.strip() for b in os.environ.get(
    "RXDESK_TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()]
BACKENDS_EXPLICIT = "RXDESK_TEST_BACKENDS" in os.environ
PG_ADMIN_URL = os.environ.get("RXDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORDS = {login.role: login.password for login in DEMO_LOGINS}


class MemoryKeyring(KeyringBackend):
    """Stands in for the OS keyring so tests never touch a real one."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        from keyring.errors import PasswordDeleteError

        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "backends(*names): run only on these backends (e.g. backup via pg_dump)")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("backends")
        wanted = [b for b in BACKENDS if marker is None or b in marker.args]
        metafunc.parametrize("backend", wanted, scope="function")


class PostgresServer:
    """Creates and drops this run's throw-away databases."""

    def __init__(self, admin_url: str):
        self.admin_url = admin_url
        self.prefix = f"rxdesk_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.created: list[str] = []
        self.templates: dict[str, str] = {}

    def _admin(self):
        return psycopg.connect(self.admin_url, autocommit=True)

    def url(self, name: str) -> str:
        t = core_db.parse_url(self.admin_url)
        return f"postgresql://{t.user}@{t.host}:{t.port}/{name}"

    def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{len(self.created)}"
        clause = f" TEMPLATE {template}" if template else ""
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"{clause}')
        self.created.append(name)
        return name

    def drop_all(self):
        with self._admin() as conn:
            for name in reversed(self.created):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_server():
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        if BACKENDS_EXPLICIT:
            pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable ({exc}); set RXDESK_TEST_BACKENDS=sqlite")
    server = PostgresServer(PG_ADMIN_URL)
    yield server
    core_db.close_database()
    server.drop_all()


def _build(url: str, seeded: bool) -> None:
    opened = connection.connect(url)
    connection.upgrade(opened)
    if seeded:
        build_demo(opened.target.display_name)
    core_db.close_database()


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    """Built lazily per backend: 'migrated' (schema only) and 'seeded' (the demo
    company and one user per role, passwords in PASSWORDS)."""
    cache: dict[tuple[str, str], str] = {}
    folder = tmp_path_factory.mktemp("templates")

    def get(backend: str, kind: str, server: PostgresServer | None) -> str:
        key = (backend, kind)
        if key not in cache:
            if backend == "sqlite":
                path = folder / f"{kind}.db"
                _build(f"sqlite:///{path}", kind == "seeded")
                cache[key] = str(path)
            else:
                name = server.create()
                _build(server.url(name), kind == "seeded")
                cache[key] = name
        return cache[key]

    return get


def _fresh_url(backend, kind, request, tmp_path, templates) -> str:
    if backend == "sqlite":
        path = tmp_path / "rxdesk.db"
        if kind != "blank":
            shutil.copyfile(templates("sqlite", kind, None), path)
        return f"sqlite:///{path}"
    server = request.getfixturevalue("pg_server")
    template = None if kind == "blank" else templates("postgresql", kind, server)
    return server.url(server.create(template))


@pytest.fixture
def blank_url(backend, request, tmp_path, templates):
    """An empty database: no RxDesk schema at all."""
    return _fresh_url(backend, "blank", request, tmp_path, templates)


@pytest.fixture
def migrated_url(backend, request, tmp_path, templates):
    """The current schema, no company or users yet."""
    return _fresh_url(backend, "migrated", request, tmp_path, templates)


@pytest.fixture
def seeded_url(backend, request, tmp_path, templates):
    """The demo company with users admin, owner, office, warehouse (see PASSWORDS)."""
    return _fresh_url(backend, "seeded", request, tmp_path, templates)


@pytest.fixture
def db(seeded_url):
    """The seeded database, open on the global proxy."""
    opened = connection.connect(seeded_url)
    opened.require_ready()
    yield opened
    core_db.close_database()


@pytest.fixture
def actors(db) -> dict[Role, Actor]:
    from core.queries.users import list_users

    return {u.role: Actor(u.id, u.username, u.role) for u in list_users()}
