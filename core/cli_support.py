"""What every rxdesk-admin command shares: exit codes, opening the database, the acting
user and JSON output. Kept apart from core.cli so command groups can live in their own
modules (core.cli_receiving) without importing each other."""

from __future__ import annotations

import getpass
import json
import sys
from argparse import ArgumentParser
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from core import connection
from core.db import parse_url
from core.errors import AccountDisabled, DatabaseError, InvalidInput, NotFound, RxDeskError
from core.permissions import Actor, Role
from core.queries.users import list_users

PROG = "rxdesk-admin"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def open_ready(args) -> connection.Opened:
    url = connection.resolve_url(args.db)
    target = parse_url(url)
    if target.backend == "sqlite" and not target.path.exists():
        # Opening would create an empty file at a mistyped path; say so instead.
        raise DatabaseError(f"There is no database file {target.path}; check --db or "
                            f"$RXDESK_DB, or create it with '{PROG} init'.")
    opened = connection.connect(url)
    opened.require_ready()
    return opened


def acting_user(args) -> Actor:
    """`--user NAME` (an existing, active account) or the system actor."""
    if args.user:
        name = args.user.strip().lower()
        row = next((u for u in list_users() if u.username == name), None)
        if row is None:
            raise NotFound("user", args.user)
        if not row.active:
            raise AccountDisabled(row.username)
        return Actor(row.id, row.username, row.role)
    return system_actor()


def system_actor() -> Actor:
    try:
        os_user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on this system
        os_user = "unknown"
    return Actor(None, f"{PROG}:{os_user}"[:60], Role.ADMIN)


def plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (Path, Decimal)):
        return str(value)
    return value


def print_json(out: TextIO, data: object) -> None:
    out.write(json.dumps(data, indent=2, default=plain) + "\n")


def option_date(text: str | None, option: str) -> date | None:
    """A date option (--from 2026-11-01); a refusal names the option."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(option.strip("-").replace("-", "_"),
                           f"{option} '{text}' is not a date like 2026-11-30.") from None


def json_option(parser: ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def read_scan_lines(path: str) -> list[tuple[int, str]]:
    """(line number, scan) for each non-blank line of a scan file ('-': standard input),
    kept exactly as the scanner typed it."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput("scans", f"Cannot read {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise InvalidInput("scans", f"{path} is not UTF-8 text (one scan per line).") from None
    lines = [(n, line.rstrip("\r\n")) for n, line in enumerate(text.split("\n"), 1)]
    scans = [(n, line) for n, line in lines if line.strip()]
    if not scans:
        raise InvalidInput("scans", f"{path} holds no scans.")
    return scans


class ScanProblems(Exception):
    """Scans of a file that could not be used, as (line number, message)."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(f"{len(problems)} scan(s) could not be used")
        self.problems = problems


def each_scan(scans: list[tuple[int, str]], handle) -> None:  # noqa: ANN001
    """Hand every scan to `handle`; collect what it refuses, then raise them all at once
    (inside the caller's transaction, so a file is used whole or not at all)."""
    problems = []
    for line_no, data in scans:
        try:
            handle(data)
        except RxDeskError as error:
            problems.append((line_no, str(error)))
    if problems:
        raise ScanProblems(problems)


def report_scan_problems(out: TextIO, failed: ScanProblems, path: str, as_json: bool,
                         key: str, verb: str, nothing: str) -> int:
    """Each refused line as 'FILE line N: message' on stderr (and under "errors" in
    --json, with `key` null), then what did not happen; exit 2."""
    if as_json:
        print_json(out, {key: None, "errors": [{"line": n, "message": m}
                                               for n, m in failed.problems]})
    for line_no, message in failed.problems:
        print(f"{path} line {line_no}: {message}", file=sys.stderr)
    print(f"{PROG}: {len(failed.problems)} scan(s) could not be {verb}; nothing was "
          f"{nothing}.", file=sys.stderr)
    return EXIT_USAGE
