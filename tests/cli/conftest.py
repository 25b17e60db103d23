"""Running rxdesk-admin in-process: `cli("users", "list", db=url)` -> Result."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core import connection
from core.cli import main
from core.db import close_database
from tests.cli.selling import ready  # noqa: F401  (the fixture, for orders/ship/return)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    def run(*argv: str, db: str | None = None) -> Result:
        capsys.readouterr()
        args = (["--db", db] if db else []) + list(argv)
        code = main(args)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def open_db():
    """Open a database on the global proxy for a check; closed again afterwards."""
    opened = []

    def _open(url: str) -> connection.Opened:
        opened.append(connection.connect(url))
        return opened[-1]

    yield _open
    close_database()


@pytest.fixture
def password_file(tmp_path):
    def write(password: str, name: str = "password.txt") -> str:
        path = tmp_path / name
        path.write_text(password + "\n", encoding="utf-8")
        return str(path)

    return write
