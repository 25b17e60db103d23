"""rxdesk-admin: the same services the desktop uses, for administrators and scripts.

Exit codes: 0 done; 2 bad input or usage (one line on stderr naming the problem);
1 unexpected error (a bug: one line, the traceback only with --debug) or a broken
audit trail. Whoever can reach the database already has full access to it, so the
command line asks for no RxDesk password: writes are audited as `--user NAME` or, by
default, as the system actor "rxdesk-admin:<OS user>".
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import TextIO

from core import connection, importing, migrations, secrets, settings
from core.db import close_database, parse_url
from core.errors import (
    AlreadyInitialised, BadDatabaseUrl, DatabaseError, DatabaseNotInitialised,
    DatabaseTooNew, InvalidInput, NotFound, RxDeskError,
)
from core.cli_accounting import add_accounting_commands
from core.cli_partners import add_partner_commands
from core.cli_export import add_export_commands
from core.cli_receiving import add_receiving_commands
from core.cli_returns import add_return_commands
from core.cli_shipping import add_shipping_commands
from core.cli_trace import add_trace_command
from core.cli_support import (
    EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, PROG, acting_user, json_option,
    open_ready, plain, print_json,
)
from core.permissions import Role
from core.queries.audit import verify_chain
from core.queries.company import CompanyProfile, company_profile
from core.queries.inventory import on_hand_rows
from core.queries.lookup import lookup_scan
from core.queries.users import UserRow, demo_logins, list_users
from core.scanning import ScanError, parse_scan
from core.services import audit, backup, setup
from core.services import company as company_service
from core.services import users as user_service
from core.services.auth import check_password_rules
from core.services.company import clean_company_fields

PLUGIN_GROUP = "rxdesk_admin.commands"

# (option, company field, help) shared by `init` and `company set`.
COMPANY_OPTIONS = (
    ("--street", "street", "street address"),
    ("--city", "city", "city"),
    ("--state", "state", "two-letter state code, e.g. NJ"),
    ("--postal-code", "postal_code", "ZIP or ZIP+4"),
    ("--country", "country", "two-letter country code (default US)"),
    ("--phone", "phone", "phone number, at least 10 digits"),
    ("--gs1-prefix-length", "gs1_prefix_length", "digits of the GLN that are the GS1 "
     "company prefix (6-12)"),
    ("--license-state", "license_state", "state that issued the wholesale license"),
    ("--license-number", "license_number", "state wholesale license number"),
    ("--license-expiry", "license_expiry", "license expiry date, YYYY-MM-DD"),
    ("--dea-number", "dea_number", "DEA registration number"),
    ("--dea-expiry", "dea_expiry", "DEA registration expiry date, YYYY-MM-DD"),
    ("--remit-to", "remit_to", "where customers send payment, printed on invoices and "
     "statements (lines separated by \\n: lockbox address, bank, ACH routing/account)"),
    ("--billing-email", "billing_email", "email printed on invoices for billing questions"),
)
COMPANY_LABELS = {
    "legal_name": "Legal name", "street": "Street", "city": "City", "state": "State",
    "postal_code": "ZIP code", "country": "Country", "gln": "GLN",
    "gs1_prefix_length": "GS1 prefix length", "phone": "Phone",
    "license_state": "License state", "license_number": "License number",
    "license_expiry": "License expiry", "dea_number": "DEA number",
    "dea_expiry": "DEA expiry", "is_demo": "Demo database", "remit_to": "Remit to",
    "billing_email": "Billing email",
}


class UsageError(Exception):
    """The command line itself is wrong (exit 2, one line)."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one line instead of printing usage."""

    def error(self, message: str):
        text = " ".join(message.split())
        raise UsageError(f"{self.prog}: {text} (see '{self.prog} --help')")


# --- entry point -------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    out, err = sys.stdout, sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(exc, file=err)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    try:
        return args.handler(args, out)
    except UsageError as exc:
        print(f"{PROG}: {exc}", file=err)
        return EXIT_USAGE
    except RxDeskError as exc:
        print(f"{PROG}: {_one_line(str(exc))}", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=err)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a bug: say so in one line
        if args.debug:
            traceback.print_exc(file=err)
        print(f"{PROG}: unexpected error: {type(exc).__name__}: {_one_line(str(exc))}",
              file=err)
        return EXIT_FAILED
    finally:
        close_database()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def build_parser() -> ArgumentParser:
    # Global options are accepted before or after the subcommand; the copy on each
    # subcommand uses SUPPRESS so it does not overwrite a value given before it.
    common = ArgumentParser(add_help=False)
    _global_options(common, argparse.SUPPRESS)

    parser = ArgumentParser(
        prog=PROG, description="Administer an RxDesk database: set up, users, company "
        "profile, migrations, backups and the audit trail.",
        epilog="Exit codes: 0 done, 2 bad input or usage, 1 unexpected error or broken "
        "audit trail. See docs/cli.md.")
    parser.add_argument("--version", action="version", version=_version_text())
    _global_options(parser, None)
    commands = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", required=True)

    def command(group, name: str, handler: Callable | None, help_text: str) -> ArgumentParser:
        sub = group.add_parser(name, help=help_text, description=help_text, parents=[common])
        sub.set_defaults(handler=handler)
        return sub

    p = command(commands, "init", cmd_init, "create the schema, the company and the first "
                "administrator in an empty database")
    p.add_argument("--company", required=True, metavar="NAME", help="company legal name")
    p.add_argument("--gln", required=True, help="the company's 13-digit GLN")
    p.add_argument("--admin", default="admin", metavar="USER",
                   help="first administrator's user name (default admin)")
    p.add_argument("--admin-name", default="", metavar="FULL",
                   help="first administrator's full name")
    _password_file_option(p, "--admin-password-file")
    _company_options(p)
    json_option(p)

    p = command(commands, "company", None, "show or change the company profile")
    company = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(company, "show", cmd_company_show, "show the company profile")
    json_option(p)
    p = command(company, "set", cmd_company_set, "change company profile fields")
    p.add_argument("--name", dest="legal_name", metavar="NAME", help="company legal name")
    p.add_argument("--gln", help="the company's 13-digit GLN")
    _company_options(p)
    json_option(p)

    p = command(commands, "migrate", cmd_migrate, "upgrade the database schema to this "
                "RxDesk's version (SQLite files are copied aside first)")
    json_option(p)

    p = command(commands, "users", None, "add, list, disable, enable users or reset a "
                "password")
    users = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = command(users, "add", cmd_users_add, "add a user (they choose a new password at "
                "first sign-in)")
    p.add_argument("username", metavar="USER")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--name", default="", metavar="FULL", help="full name")
    _password_file_option(p, "--password-file")
    json_option(p)
    p = command(users, "list", cmd_users_list, "list every user")
    json_option(p)
    for name, handler, text in (("disable", cmd_users_disable, "disable an account"),
                                ("enable", cmd_users_enable, "re-enable an account")):
        p = command(users, name, handler, text)
        p.add_argument("username", metavar="USER")
        json_option(p)
    p = command(users, "reset-password", cmd_users_reset_password, "set a temporary "
                "password and unlock the account")
    p.add_argument("username", metavar="USER")
    _password_file_option(p, "--password-file")
    json_option(p)

    add_partner_commands(commands, command)
    _stock_commands(commands, command)
    add_trace_command(commands, command)
    add_receiving_commands(commands, command)
    add_export_commands(commands, command)
    add_shipping_commands(commands, command)
    add_return_commands(commands, command)
    add_accounting_commands(commands, command)
    _plugin_commands(commands, command)

    p = command(commands, "verify-audit", cmd_verify_audit, "recompute the audit trail's "
                "hash chain; exit 1 if an entry was changed or removed")
    json_option(p)

    p = command(commands, "backup", cmd_backup, "back up the database to one file")
    p.add_argument("--to", required=True, metavar="FILE", help="backup file to write")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    json_option(p)

    p = command(commands, "login-db", cmd_login_db, "test a PostgreSQL password and store "
                "it in this computer's keyring")
    _password_file_option(p, "--password-file")

    p = command(commands, "demo", cmd_demo, "create or open the demo database and show "
                "its sign-in accounts")
    p.add_argument("--scale", choices=("small", "tiny", "medium", "large"), default="small",
                   help="size of the demo business built the first time: small (the "
                   "default: about 200 products and 50,000 packages in stock), tiny; "
                   "large is six years of history (10,000 products, 1,000 customers, "
                   "5 million packages received and shipped; 5-7 minutes, 5.6 GB on "
                   "SQLite), medium a twentieth of it")
    json_option(p)
    return parser


def _plugin_commands(commands, command: Callable) -> None:
    """Command groups from other packages (entry-point group "rxdesk_admin.commands"):
    the documents (reports.cli) need reportlab, which core must not import. Each entry
    point is a `register(commands, command)` like add_trace_command; one that fails to
    load is named on stderr and the other commands still work."""
    for entry in entry_points(group=PLUGIN_GROUP):
        try:
            register = entry.load()
        except Exception as exc:  # noqa: BLE001 - e.g. reportlab missing
            print(f"{PROG}: commands '{entry.name}' unavailable: {type(exc).__name__}: "
                  f"{_one_line(str(exc))}", file=sys.stderr)
            continue
        register(commands, command)


def _global_options(parser: ArgumentParser, default) -> None:
    parser.add_argument("--db", metavar="URL", default=default,
                        help="database: sqlite:///PATH or postgresql://USER@HOST:PORT/DB "
                        "(default: $RXDESK_DB, else the saved connection, else the "
                        "per-user file)")
    parser.add_argument("--user", metavar="NAME", default=default,
                        help="act as this RxDesk user in the audit trail (default: "
                        "rxdesk-admin:<your OS user name>)")
    parser.add_argument("--debug", action="store_true",
                        default=False if default is None else default,
                        help="print the traceback of unexpected errors")


def _company_options(parser: ArgumentParser) -> None:
    for option, field, text in COMPANY_OPTIONS:
        parser.add_argument(option, dest=field, help=text)


def _password_file_option(parser: ArgumentParser, option: str) -> None:
    parser.add_argument(option, dest="password_file", metavar="FILE",
                        help="read the password from FILE ('-' for standard input; one "
                        "trailing newline is removed) instead of asking")


def _version_text() -> str:
    return f"{PROG} {migrations.app_version()} (schema version {migrations.LATEST})"


# --- shared helpers ----------------------------------------------------------------

def read_password(path: str | None, prompt: str, confirm: bool, field: str = "password",
                  rules: bool = True) -> str:
    """From a file ('-' = stdin; one trailing newline removed) or typed twice."""
    if path:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise InvalidInput(field, f"Cannot read the password file {path}: {reason}.") from None
        password = text.removesuffix("\n").removesuffix("\r")
        if rules:
            check_password_rules(password, field)
        return password
    try:
        password = getpass.getpass(prompt)
        if rules:
            check_password_rules(password, field)
        if confirm and getpass.getpass("Repeat the password: ") != password:
            raise InvalidInput(field, "The two passwords do not match.")
    except EOFError:
        raise InvalidInput(field, "No password was typed; use a password file "
                           "instead.") from None
    return password


def _company_changes(args, names: Sequence[str]) -> dict[str, object]:
    changes = {name: getattr(args, name) for name in names
               if getattr(args, name, None) is not None}
    if "remit_to" in changes:  # one shell argument, several printed lines
        changes["remit_to"] = changes["remit_to"].replace("\\n", "\n")
    return changes


def _company_dict(profile: CompanyProfile) -> dict[str, object]:
    return {key: plain(value) for key, value in profile.as_dict().items()}


def _print_company(out: TextIO, profile: CompanyProfile) -> None:
    width = max(len(label) for label in COMPANY_LABELS.values())
    for key, value in profile.as_dict().items():
        if key == "is_demo":
            value = "yes" if value else "no"
        shown = "" if value is None else plain(value)
        if key == "remit_to":
            shown = shown.replace("\n", "\n" + " " * (width + 2))
        out.write(f"{COMPANY_LABELS[key] + ':':<{width + 1}} {shown}\n")


def _user_dict(row: UserRow) -> dict[str, object]:
    return {
        "username": row.username, "full_name": row.full_name, "role": row.role.value,
        "active": row.active, "status": row.status.lower(),
        "locked_until": plain(row.locked_until),
        "must_change_password": row.must_change_password,
        "last_login_at": plain(row.last_login_at),
    }


def _report_user(out: TextIO, args, row: UserRow, text: str) -> int:
    if args.json:
        print_json(out, _user_dict(row))
    else:
        out.write(text + "\n")
    return EXIT_OK


# --- subcommands ---------------------------------------------------------------------

def cmd_init(args, out: TextIO) -> int:
    extra = _company_changes(args, [field for _, field, _ in COMPANY_OPTIONS])
    # Check everything typed before touching the database or asking for a password.
    clean_company_fields({"legal_name": args.company, "gln": args.gln, **extra})
    admin = user_service.validate_username(args.admin)
    opened = connection.connect(connection.resolve_url(args.db))
    name = opened.target.display_name
    if opened.state in (connection.SchemaState.TOO_NEW, connection.SchemaState.NEEDS_UPGRADE):
        opened.require_ready()  # names both versions; an older one is migrated first
    if opened.state is connection.SchemaState.READY and company_profile() is not None:
        raise AlreadyInitialised(name)
    password = read_password(args.password_file, f"Password for the administrator "
                             f"'{admin}': ", confirm=True)
    migrated = connection.upgrade(opened)
    actor = setup.initialise(name, args.company, args.gln, admin, password,
                             admin_full_name=args.admin_name, **extra)
    profile = company_profile()
    if args.json:
        print_json(out, {"database": opened.target.url, "schema_version": migrated.to_version,
                          "company": _company_dict(profile), "admin": actor.username})
    else:
        out.write(f"Initialised {name} (schema version {migrated.to_version}) for "
                  f"{profile.legal_name}, GLN {profile.gln}; administrator '{actor.username}'.\n")
    return EXIT_OK


def cmd_company_show(args, out: TextIO) -> int:
    opened = open_ready(args)
    profile = company_profile()
    if profile is None:
        raise DatabaseNotInitialised(opened.target.display_name)
    if args.json:
        print_json(out, _company_dict(profile))
    else:
        _print_company(out, profile)
    return EXIT_OK


def cmd_company_set(args, out: TextIO) -> int:
    fields = ["legal_name", "gln"] + [field for _, field, _ in COMPANY_OPTIONS]
    changes = _company_changes(args, fields)
    if not changes:
        raise UsageError("company set: nothing to change; give at least one option such as "
                         f"--phone (see '{PROG} company set --help')")
    clean_company_fields(changes)
    open_ready(args)
    actor = acting_user(args)
    before = company_profile()
    after = company_service.update_company(actor, **changes)
    if args.json:
        print_json(out, _company_dict(after))
    else:
        described = audit.describe_changes(before.as_dict(), after.as_dict()) if before else ""
        out.write(f"Company profile updated: {described}\n")
    return EXIT_OK


def cmd_migrate(args, out: TextIO) -> int:
    opened = connection.connect(connection.resolve_url(args.db))
    if opened.state is connection.SchemaState.TOO_NEW:
        raise DatabaseTooNew(opened.found_version, opened.latest_version)
    if opened.state is connection.SchemaState.READY:
        result = migrations.MigrationResult(opened.found_version, opened.found_version, None)
    else:
        result = connection.upgrade(opened)
    changed = result.from_version != result.to_version
    if args.json:
        print_json(out, {"from_version": result.from_version, "to_version": result.to_version,
                          "changed": changed, "backup": plain(result.backup)})
        return EXIT_OK
    if not changed:
        out.write(f"already at version {result.to_version}\n")
        return EXIT_OK
    out.write(f"schema version {result.from_version} -> {result.to_version}\n")
    if result.backup:
        out.write(f"copy of the database before the upgrade: {result.backup}\n")
    if result.from_version == 0:
        out.write(f"the database holds no company yet; run '{PROG} init'\n")
    return EXIT_OK


def cmd_users_add(args, out: TextIO) -> int:
    username = user_service.validate_username(args.username)
    open_ready(args)
    actor = acting_user(args)
    password = read_password(args.password_file, f"Temporary password for '{username}': ",
                             confirm=True)
    row = user_service.add_user(actor, username, args.name, args.role, password)
    return _report_user(out, args, row, f"Added user '{row.username}' ({row.role.value}); "
                        "they must choose a new password at first sign-in.")


def cmd_users_list(args, out: TextIO) -> int:
    open_ready(args)
    rows = list_users()
    if args.json:
        print_json(out, [_user_dict(row) for row in rows])
        return EXIT_OK
    table = [("USER", "ROLE", "STATUS", "LAST SIGN-IN", "NAME")]
    for row in rows:
        last = (row.last_login_at.astimezone().strftime("%Y-%m-%d %H:%M")
                if row.last_login_at else "-")
        status = row.status + (" (must change password)" if row.must_change_password else "")
        table.append((row.username, row.role.value, status, last, row.full_name))
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for r in table:
        out.write("  ".join(c.ljust(w) for c, w in zip(r[:4], widths)) + "  " + r[4] + "\n")
    return EXIT_OK


def _set_active(args, out: TextIO, active: bool) -> int:
    open_ready(args)
    row = user_service.set_active(acting_user(args), args.username, active)
    word = "enabled" if active else "disabled"
    return _report_user(out, args, row, f"User '{row.username}' is {word}.")


def cmd_users_disable(args, out: TextIO) -> int:
    return _set_active(args, out, False)


def cmd_users_enable(args, out: TextIO) -> int:
    return _set_active(args, out, True)


def cmd_users_reset_password(args, out: TextIO) -> int:
    open_ready(args)
    actor = acting_user(args)
    name = args.username.strip().lower()
    if not any(u.username == name for u in list_users()):
        raise NotFound("user", args.username)
    password = read_password(args.password_file, f"Temporary password for '{name}': ",
                             confirm=True)
    row = user_service.reset_password(actor, name, password)
    return _report_user(out, args, row, f"Password of '{row.username}' reset and the account "
                        "unlocked; they must choose a new password at next sign-in.")


def cmd_verify_audit(args, out: TextIO) -> int:
    open_ready(args)
    check = verify_chain()
    if args.json:
        print_json(out, {"intact": check.intact, "checked": check.checked,
                          "first_broken": check.first_broken, "problem": check.problem})
    elif check.intact:
        out.write(f"audit trail intact: {check.checked} entries checked\n")
    else:
        out.write(f"audit trail BROKEN at entry {check.first_broken}: {check.problem}\n")
    return EXIT_OK if check.intact else EXIT_FAILED


def _stock_commands(commands, command: Callable) -> None:
    """`import`, `inventory` and `scan`: onboarding files and looking at stock."""
    p = command(commands, "import", None, "add products or trading partners from a CSV or "
                "XLSX file (all rows or none)")
    kinds = p.add_subparsers(dest="action", metavar="WHAT", required=True)
    for name, handler, text in (
            ("products", cmd_import_products, "add products to the product master"),
            ("partners", cmd_import_partners, ("add customers and suppliers with their "
                                               "addresses, licenses and DEA registrations"))):
        p = command(kinds, name, handler, text)
        p.add_argument("file", metavar="FILE", help=".csv (UTF-8 or Excel) or .xlsx (first "
                       "sheet); see docs/import.md for the columns")
        p.add_argument("--check", action="store_true", help="check every row and report "
                       "problems, but import nothing")
        json_option(p)

    p = command(commands, "inventory", cmd_inventory, "on-hand stock per product, lot, "
                "location and status")
    json_option(p)

    p = command(commands, "scan", cmd_scan, "read a barcode scan: GTIN, serial, lot, expiry, "
                "SSCC and which product it is")
    p.add_argument("data", metavar="DATA", help="what the scanner typed (raw GS characters, "
                   "the replacement string, ]d2 prefixes and (01)... text all work)")
    p.add_argument("--gs", metavar="STRING", help="what this scanner sends instead of the "
                   "group separator, e.g. '<GS>' (default: this workstation's setting)")
    p.add_argument("--no-db", action="store_true", help="only read the scan; do not look "
                   "up the product")
    json_option(p)


def _import(args, out: TextIO, run: Callable, noun: str) -> int:
    open_ready(args)
    try:
        result = run(acting_user(args), Path(args.file), check_only=args.check)
    except importing.ImportRejected as rejected:
        if args.json:
            print_json(out, {"imported": 0, "errors": [p.as_dict() for p in
                                                        rejected.problems]})
        else:
            for problem in rejected.problems:
                print(f"{rejected.file} line {problem.line}: {problem.message}",
                      file=sys.stderr)
            lines = len({p.line for p in rejected.problems})
            print(f"{PROG}: {len(rejected.problems)} problem(s) on {lines} line(s) of "
                  f"{rejected.file}; nothing was imported.", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        data: dict[str, object] = {"imported": result.imported, "errors": []}
        if args.check:
            data["checked"] = result.rows
        print_json(out, data)
    elif args.check:
        out.write(f"{result.file}: all {result.rows} {noun} are fine; nothing was imported "
                  "(--check).\n")
    else:
        out.write(f"Imported {result.imported} {noun} from {result.file} "
                  f"(SHA-256 {result.sha256}).\n")
    return EXIT_OK


def cmd_import_products(args, out: TextIO) -> int:
    return _import(args, out, importing.import_products, "products")


def cmd_import_partners(args, out: TextIO) -> int:
    return _import(args, out, importing.import_partners, "trading partners")


def cmd_inventory(args, out: TextIO) -> int:
    open_ready(args)
    rows = on_hand_rows()
    if args.json:
        print_json(out, [{"ndc": r.ndc, "gtin": r.gtin, "product": r.product, "lot": r.lot,
                           "expiry": plain(r.expiry), "location": r.location,
                           "status": r.status, "quantity": r.quantity} for r in rows])
        return EXIT_OK
    if not rows:
        out.write("no stock on hand\n")
        return EXIT_OK
    table = [("NDC", "LOT", "EXPIRY", "LOCATION", "STATUS", "QTY", "PRODUCT")]
    table += [(r.ndc, r.lot, r.expiry.isoformat(), r.location, r.status, f"{r.quantity:,}",
               r.product) for r in rows]
    widths = [max(len(r[i]) for r in table) for i in range(6)]
    for r in table:
        cells = [c.rjust(w) if i == 5 else c.ljust(w)
                 for i, (c, w) in enumerate(zip(r[:6], widths))]
        out.write("  ".join(cells) + "  " + r[6] + "\n")
    return EXIT_OK


def cmd_scan(args, out: TextIO) -> int:
    gs = args.gs if args.gs is not None else settings.load().gs_replacement
    scan = parse_scan(args.data, gs)
    ndc = product = None
    if not args.no_db and _scan_database(args):
        try:
            match = lookup_scan(scan)
        except ScanError as error:
            if error.cause != "unknown_gtin":
                raise
        else:
            ndc, product = match.ndc or None, match.product_name or None
    result = {"gtin": scan.gtin, "ndc": ndc, "serial": scan.serial, "lot": scan.lot,
              "expiry": plain(scan.expiry), "sscc": scan.sscc, "product": product}
    if args.json:
        print_json(out, result)
    else:
        for key, value in result.items():
            label = key.upper() if key in ("gtin", "ndc", "sscc") else key.capitalize()
            out.write(f"{label + ':':<9} {'-' if value is None else value}\n")
    return EXIT_OK


def _scan_database(args) -> bool:
    """Open the database for the product lookup; without one the scan is still read."""
    try:
        open_ready(args)
    except BadDatabaseUrl:
        raise
    except DatabaseError as exc:
        print(f"{PROG}: no product lookup: {_one_line(str(exc))}", file=sys.stderr)
        return False
    return True


def cmd_backup(args, out: TextIO) -> int:
    opened = open_ready(args)
    result = backup.back_up(acting_user(args), opened.target, Path(args.to), force=args.force)
    if args.json:
        print_json(out, result.as_dict())
    else:
        out.write(f"backed up {opened.target.display_name} to {result.path} "
                  f"({_size_text(result.size)}); {result.check}\n")
    return EXIT_OK


def _size_text(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def cmd_login_db(args, out: TextIO) -> int:
    url = connection.resolve_url(args.db)
    target = parse_url(url)
    if target.backend == "sqlite":
        raise InvalidInput("db", "SQLite databases have no password; login-db is for "
                           "postgresql:// addresses.")
    password = read_password(args.password_file, f"Password for {target.keyring_key}: ",
                             confirm=False, rules=False)
    if not password:
        raise InvalidInput("password", "No password was given; there is nothing to store.")
    message = connection.test_connection(url, password)
    secrets.store_database_password(target, password)
    out.write(f"{message}\nPassword stored in this computer's keyring for {target.url}.\n")
    return EXIT_OK


def cmd_demo(args, out: TextIO) -> int:
    url = args.db or os.environ.get(connection.ENV_URL) or connection.demo_url()
    opened = connection.open_demo(url, scale=args.scale, progress=_demo_progress())
    accounts = demo_logins()
    if not accounts:
        raise InvalidInput("db", f"{opened.target.display_name} holds a real company, not "
                           "the demo; give the demo database's address with --db.")
    if args.json:
        print_json(out, {"url": opened.target.url, "accounts": [
            {"username": a.username, "password": a.password, "role": a.role.value}
            for a in accounts]})
        return EXIT_OK
    out.write(f"demo database: {opened.target.url}\n")
    for a in accounts:
        out.write(f"  {a.username:<10} password {a.password:<18} ({a.role.label})\n")
    return EXIT_OK


def _demo_progress():
    """Building the demo: one line on stderr per step, updated in place on a terminal;
    elsewhere (a log) a line when a step is done and every 10 seconds in between (the
    large demo's history takes minutes)."""
    err = sys.stderr
    live = err.isatty()
    state = {"step": None, "shown": -1, "at": 0.0}

    def report(step: str, done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        now = time.monotonic()
        if step != state["step"]:
            state.update(step=step, shown=-1, at=now)
        if live and percent != state["shown"]:
            err.write(f"\rbuilding demo: {step} {done:,}/{total:,} ({percent}%)"
                      + ("\n" if done == total else ""))
        elif not live and done == total:
            err.write(f"building demo: {step} {total:,} done\n")
        elif not live and now - state["at"] >= 10:
            err.write(f"building demo: {step} {done:,}/{total:,} ({percent}%)\n")
            state["at"] = now
        state["shown"] = percent
        err.flush()

    return report
