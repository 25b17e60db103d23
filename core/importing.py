"""Onboarding imports: the product master and trading partners from CSV or XLSX files.

A new customer arrives with a spreadsheet of a few hundred partners and ten thousand
NDCs. An import is all-or-nothing: every row is checked first with the same rules the
product and partner screens apply, and every problem is reported with its line number
(not only the first), so the file can be fixed in one pass. Only a clean file is
written, in one transaction.

Products are written in batches (`insert_many`) with one audit entry naming the file,
its SHA-256 and the row count: per-row service calls cost eight round trips each, which
made 10,000 rows take half a minute on PostgreSQL. Partners, far fewer and each with
addresses and evidence, go through the partner services (one audit entry per partner,
licence and registration) plus the same summary entry.

Spreadsheets damage identifiers on their way to CSV: numbers lose leading zeros and
hyphens, long numbers turn into 1.23457E+12, dates become 12/31/2027. The first two
are refused with a message saying so; US dates (M/D/YYYY) are read as such.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import peewee

from core.db import write_transaction
from core.errors import AlreadyExists, InvalidInput, RxDeskError
from core.gs1 import validate_gln
from core.licenses import parse_date, validate_dea, validate_state
from core.models import Partner, Product
from core.models.base import utc_now
from core.ndc import NdcError, parse_ndc
from core.permissions import Actor, Permission
from core.services import audit
from core.services.access import authorize
from core.services.partners import (
    Address,
    add_evidence,
    add_partner,
    check_address,
    parse_roles,
)
from core.services.products import clean_product_fields
from core.vocab import AddressKind, EvidenceKind, PartnerType

PRODUCT_COLUMNS = ("ndc", "name", "strength", "dosage_form", "package_description",
                   "manufacturer", "schedule", "units_per_case", "list_price", "standard_cost")
PRODUCT_OPTIONAL = ("case_gtin", "storage", "min_shelf_life_days", "serialized")
PARTNER_COLUMNS = ("name", "gln", "roles", "partner_type", "street", "city", "state",
                   "postal_code", "country", "license_state", "license_number",
                   "license_expiry", "dea_number", "dea_expiry")
PARTNER_OPTIONAL = ("phone", "email", "fda_registration", "fda_annual_report_verified_on")

BATCH = 500  # rows per INSERT: 500 x 21 columns stays under SQLite's variable limit
_IN_CHUNK = 500
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+\d+$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}
_PARTNER_LENGTHS = {"name": 200, "street": 200, "city": 100, "phone": 30, "email": 120,
                    "fda_registration": 40, "license_number": 40}


@dataclass(frozen=True)
class RowProblem:
    line: int  # 1 = the first line of the file (the header, usually)
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class ImportResult:
    what: str  # "products" | "partners"
    file: str
    sha256: str
    rows: int  # data rows read (blank rows not counted)
    imported: int  # 0 when only checked


class ImportRejected(RxDeskError):
    """The file has problems; nothing was written. `problems` lists every one."""

    title = "Import refused"

    def __init__(self, file: str, problems: list[RowProblem]):
        lines = len({p.line for p in problems})
        first = problems[0]
        super().__init__(f"{file}: {len(problems)} problem(s) on {lines} line(s); nothing was "
                         f"imported. First: line {first.line}: {first.message}")
        self.file = file
        self.problems = problems


@dataclass
class Table:
    """The rows of a CSV file or an XLSX file's first sheet, keyed by normalised header."""

    file: str
    sha256: str
    header_line: int = 1
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


# --- reading files ---------------------------------------------------------------------

def read_table(path: Path | str) -> Table:
    """Header and non-blank rows of a .csv / .xlsx file, each cell as stripped text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise InvalidInput("file", f"{path.name} is not a CSV or XLSX file; save the "
                           "spreadsheet as 'CSV UTF-8' or as an Excel workbook (.xlsx).")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput("file", f"Cannot read {path}: {exc.strerror or exc}.") from None
    table = Table(path.name, hashlib.sha256(data).hexdigest())
    records = _xlsx_records(path) if suffix in (".xlsx", ".xlsm") else _csv_records(data,
                                                                                    path.name)
    header: list[str] | None = None
    for line, cells in records:
        if not any(cells):
            continue  # blank rows, including Excel's trailing ",,,," lines
        if header is None:
            header = [_column_name(c) for c in cells]
            table.header_line = line
            continue
        if len(cells) > len(header) and any(cells[len(header):]):
            table.problems.append(RowProblem(line, f"The row has {len(cells)} values but the "
                                             f"header has {len(header)} columns; check for an "
                                             "unquoted comma."))
            continue
        cells = cells + [""] * (len(header) - len(cells))
        table.rows.append((line, {name: cells[i] for i, name in enumerate(header) if name}))
    if header is None:
        raise InvalidInput("file", f"{path.name} is empty: it has no header row.")
    table.columns = header
    return table


def _column_name(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _csv_records(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # Excel's plain "CSV (Comma delimited)"
        except UnicodeDecodeError:
            raise InvalidInput("file", f"{name} is not UTF-8 text; save it from the "
                               "spreadsheet as 'CSV UTF-8'.") from None
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInput("file", f"{name} line {line}: {exc}.") from None
        yield line, [c.strip() for c in cells]


def _xlsx_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # only imports need it; keeps `rxdesk-admin scan` quick to start

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zipfile, XML and openpyxl errors alike
        raise InvalidInput("file", f"{path.name} cannot be read as an Excel workbook "
                           f"({type(exc).__name__}: {exc}).") from None
    try:
        sheet = book.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield line, [_cell_text(v) for v in values]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _missing_columns(table: Table, required: tuple[str, ...],
                     optional: tuple[str, ...]) -> list[RowProblem]:
    known = set(required) | set(optional)
    missing = [c for c in required if c not in table.columns]
    unknown = [c for c in table.columns if c and c not in known]
    repeated = sorted({c for c in table.columns if c and table.columns.count(c) > 1})
    parts = []
    if missing:
        parts.append(f"Missing column(s): {', '.join(missing)}.")
    if unknown:
        parts.append(f"Unknown column(s): {', '.join(unknown)} (the columns are "
                     f"{', '.join(required)}; optional {', '.join(optional)}).")
    if repeated:
        parts.append(f"Column(s) given twice: {', '.join(repeated)}.")
    return [RowProblem(table.header_line, " ".join(parts))] if parts else []


# --- spreadsheet damage --------------------------------------------------------------

def _ndc(text: str):
    """parse_ndc, with the spreadsheet's usual damage named."""
    value = text.strip()
    if _SCIENTIFIC.match(value):
        raise InvalidInput("ndc", f"NDC '{value}' was turned into scientific notation by a "
                           "spreadsheet, which loses digits. Format the column as Text and "
                           "enter the NDC as printed, e.g. 12345-678-90.")
    if value.isdigit() and len(value) < 10:
        raise InvalidInput("ndc", f"NDC '{value}' has only {len(value)} digits: a spreadsheet "
                           "probably stored it as a number and dropped its leading zero(s) and "
                           "hyphens. Format the column as Text and enter the NDC as printed, "
                           "e.g. 12345-678-90.")
    try:
        return parse_ndc(value)
    except NdcError as error:
        message = error.message
        if error.cause == "ambiguous" and value.isdigit():
            message += (" (A spreadsheet may have removed the hyphens: format the column as "
                        "Text.)")
        elif error.cause == "wrong_segments" and "-" in value and _zero_lost(value):
            message += " A spreadsheet may have dropped a leading zero from a segment."
        raise InvalidInput("ndc", message) from None


def _zero_lost(value: str) -> bool:
    lengths = [len(s) for s in value.split("-")]
    return len(lengths) == 3 and sum(lengths) < 10


def _identifier(value: str, what: str, length: int, field_name: str) -> None:
    """Refuse a GLN/GTIN that a spreadsheet turned into a number, with that reason."""
    if _SCIENTIFIC.match(value):
        raise InvalidInput(field_name, f"{what} '{value}' was turned into scientific notation "
                           "by a spreadsheet, which loses digits. Format the column as Text "
                           "and enter it again.")
    if value.isdigit() and len(value) == length - 1:
        raise InvalidInput(field_name, f"{what} '{value}' has {len(value)} digits: a "
                           "spreadsheet probably dropped its leading zero. Format the column "
                           "as Text and enter it again.")


def _date(value: str, field_name: str) -> date | None:
    """ISO dates, and the M/D/YYYY that US Excel writes into CSV files."""
    found = _US_DATE.match(value.strip())
    if found:
        month, day, year = (int(g) for g in found.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise InvalidInput(field_name, f"'{value}' is not a real date (month/day/year)."
                               ) from None
    return parse_date(value, field_name)


# --- products --------------------------------------------------------------------------

@dataclass(frozen=True)
class _ProductRow:
    line: int
    gtin: str
    ndc10: str
    values: dict[str, object]


def import_products(actor: Actor, path: Path | str, check_only: bool = False) -> ImportResult:
    """Add every product in the file, or none; `check_only` validates without writing."""
    authorize(actor, Permission.MANAGE_PRODUCTS)
    table = read_table(path)
    problems = _missing_columns(table, PRODUCT_COLUMNS, PRODUCT_OPTIONAL)
    if problems:
        raise ImportRejected(table.file, problems)
    problems = list(table.problems)
    rows: list[_ProductRow] = []
    for line, cells in table.rows:
        row, found = _product_row(line, cells)
        problems += found
        if row:
            rows.append(row)
    problems += _product_duplicates(rows)
    if problems:
        raise ImportRejected(table.file, sorted(problems, key=lambda p: p.line))
    if check_only:
        return ImportResult("products", table.file, table.sha256, len(table.rows), 0)
    now = utc_now()
    with write_transaction():
        authorize(actor, Permission.MANAGE_PRODUCTS)
        taken = _products_in_database(rows)  # again: someone may have added one meanwhile
        if taken:
            raise ImportRejected(table.file, taken)
        # Every column explicitly: peewee's defaults are Python-side, not in the schema.
        fields = [f for f in Product._meta.sorted_fields if f.name != "id"]
        try:
            for chunk in _chunks(rows, BATCH):
                batch = [tuple(_product_record(r, now).get(f.name, f.default) for f in fields)
                         for r in chunk]
                Product.insert_many(batch, fields=fields).as_rowcount().execute()
        except peewee.IntegrityError:
            raise InvalidInput("file", f"{table.file}: another user added one of these "
                               "products while the file was being imported; nothing was "
                               "imported. Run the import again.") from None
        audit.record(actor, "import_products", "product", "",
                     _summary(len(rows), "products", table)
                     + f"; NDC {rows[0].ndc10} (line {rows[0].line}) to {rows[-1].ndc10} "
                     f"(line {rows[-1].line})")
    return ImportResult("products", table.file, table.sha256, len(table.rows), len(rows))


def _product_record(r: _ProductRow, now: datetime) -> dict[str, object]:
    code = r.values["ndc"]
    return {"ndc_labeler": code.labeler, "ndc_product": code.product,
            "ndc_package": code.package, "ndc_layout": code.layout, "gtin": r.gtin,
            "created_at": now, **{k: v for k, v in r.values.items() if k != "ndc"}}


def _summary(count: int, what: str, table: Table) -> str:
    return f"imported {count} {what} from {table.file} (SHA-256 {table.sha256})"


def _product_row(line: int, cells: dict[str, str]) -> tuple[_ProductRow | None, list[RowProblem]]:
    problems: list[RowProblem] = []
    values: dict[str, object] = {}

    def check(column: str, work: Callable[[], object]) -> None:
        try:
            values[column] = work()
        except InvalidInput as error:
            problems.append(RowProblem(line, f"{column}: {error.message}"))

    check("ndc", lambda: _ndc(cells["ndc"]))
    for column in PRODUCT_COLUMNS[1:] + PRODUCT_OPTIONAL:
        text = cells.get(column, "")
        if column == "serialized":
            check(column, lambda t=text: _yes_no(t, default=True))
            continue
        if column in ("storage", "min_shelf_life_days") and not text:
            continue  # the product default
        if column in ("units_per_case", "min_shelf_life_days"):
            text = text.replace(",", "")
        check(column, lambda c=column, t=text: _product_value(c, t))
    if problems:
        return None, problems
    code = values["ndc"]
    return _ProductRow(line, code.gtin14(), code.ndc10, values), []


def _product_value(column: str, text: str) -> object:
    if column == "case_gtin" and text:
        _identifier(text, "Case GTIN", 14, column)
    return clean_product_fields({column: text})[column]


def _yes_no(text: str, default: bool) -> bool:
    value = text.strip().lower()
    if not value:
        return default
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise InvalidInput("serialized", f"'{text}' must be yes or no.")


def _product_duplicates(rows: list[_ProductRow]) -> list[RowProblem]:
    problems: list[RowProblem] = []
    first_gtin: dict[str, int] = {}
    first_case: dict[str, int] = {}
    for r in rows:
        if r.gtin in first_gtin:
            problems.append(RowProblem(r.line, f"ndc: NDC {r.ndc10} is also on line "
                                       f"{first_gtin[r.gtin]}; each product once."))
        else:
            first_gtin[r.gtin] = r.line
        case = r.values.get("case_gtin")
        if case and case in first_case:
            problems.append(RowProblem(r.line, f"case_gtin: case GTIN {case} is also on line "
                                       f"{first_case[case]}."))
        elif case:
            first_case[case] = r.line
    return problems + _products_in_database(rows)


def _chunks(items: Sequence, size: int = _IN_CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _products_in_database(rows: list[_ProductRow]) -> list[RowProblem]:
    by_gtin: dict[str, _ProductRow] = {}
    by_case: dict[str, _ProductRow] = {}
    for r in rows:  # a repeat within the file is reported as such, on its own line
        by_gtin.setdefault(r.gtin, r)
        if r.values.get("case_gtin"):
            by_case.setdefault(r.values["case_gtin"], r)
    problems = []
    for chunk in _chunks(list(by_gtin)):
        for gtin, name in (Product.select(Product.gtin, Product.name)
                           .where(Product.gtin.in_(chunk)).tuples()):
            r = by_gtin[gtin]
            problems.append(RowProblem(r.line, f"ndc: NDC {r.ndc10} is already in the product "
                                       f"master ({name})."))
    for chunk in _chunks(list(by_case)):
        for case, name in (Product.select(Product.case_gtin, Product.name)
                           .where(Product.case_gtin.in_(chunk)).tuples()):
            r = by_case[case]
            problems.append(RowProblem(r.line, f"case_gtin: case GTIN {case} already belongs "
                                       f"to {name}."))
    return sorted(problems, key=lambda p: p.line)


# --- partners --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Evidence:
    kind: EvidenceKind
    number: str = ""
    state: str = ""
    expiry: date | None = None
    verified_on: date | None = None


@dataclass(frozen=True)
class _PartnerRow:
    line: int
    name: str
    roles: str
    partner_type: PartnerType
    gln: str
    address: Address
    phone: str
    email: str
    evidence: tuple[_Evidence, ...]


def import_partners(actor: Actor, path: Path | str, check_only: bool = False) -> ImportResult:
    """Add every trading partner in the file, or none. Each row's address becomes its
    bill-to and ship-to; its state license and DEA registration become evidence verified
    today by `actor`. An expired license is accepted (the partner is then blocked)."""
    authorize(actor, Permission.MANAGE_PARTNERS)
    table = read_table(path)
    problems = _missing_columns(table, PARTNER_COLUMNS, PARTNER_OPTIONAL)
    if problems:
        raise ImportRejected(table.file, problems)
    problems = list(table.problems)
    rows: list[_PartnerRow] = []
    for line, cells in table.rows:
        row, found = _partner_row(line, cells)
        problems += found
        if row:
            rows.append(row)
    problems += _partner_duplicates(rows)
    if problems:
        raise ImportRejected(table.file, sorted(problems, key=lambda p: p.line))
    if check_only:
        return ImportResult("partners", table.file, table.sha256, len(table.rows), 0)
    with write_transaction():
        for r in rows:
            try:
                _write_partner(actor, r)
            except (InvalidInput, AlreadyExists) as error:  # a rule missed above, or a race
                raise ImportRejected(table.file, [RowProblem(r.line, error.message)]) from None
        audit.record(actor, "import_partners", "partner", "",
                     _summary(len(rows), "trading partners", table))
    return ImportResult("partners", table.file, table.sha256, len(table.rows), len(rows))


def _write_partner(actor: Actor, r: _PartnerRow) -> None:
    bill = Address(AddressKind.BILL_TO, r.address.street, r.address.city, r.address.state,
                   r.address.postal_code, country=r.address.country)
    partner_id = add_partner(actor, r.name, r.roles, r.partner_type, r.gln, [bill, r.address],
                             r.phone, r.email)
    for e in r.evidence:
        add_evidence(actor, partner_id, e.kind, number=e.number, state=e.state,
                     expiry=e.expiry, verified_on=e.verified_on)


def _partner_row(line: int, cells: dict[str, str]) -> tuple[_PartnerRow | None, list[RowProblem]]:
    problems: list[RowProblem] = []

    def check(column: str, work: Callable[[], object]) -> object:
        try:
            return work()
        except InvalidInput as error:
            problems.append(RowProblem(line, f"{column}: {error.message}"))
            return None

    for column, limit in _PARTNER_LENGTHS.items():
        if len(cells.get(column, "")) > limit:
            problems.append(RowProblem(line, f"{column}: longer than {limit} characters."))
    name = cells["name"]
    if not name:
        problems.append(RowProblem(line, "name: The partner's legal name is required."))
    roles = cells["roles"]
    check("roles", lambda: parse_roles(roles))
    ptype = check("partner_type", lambda: PartnerType.parse(cells["partner_type"],
                                                            "partner_type"))
    gln = cells["gln"]
    if gln:
        gln = check("gln", lambda: _identifier(gln, "GLN", 13, "gln") or validate_gln(gln))
    country = _country(cells["country"])
    address = Address(AddressKind.SHIP_TO, cells["street"], cells["city"], cells["state"],
                      cells["postal_code"], country=country)
    if len(country) != 2 or not country.isalpha():
        problems.append(RowProblem(line, f"country: '{cells['country']}' must be a two-letter "
                                   "country code such as US."))
    # The address rule stops at its first problem; state and ZIP are checked on their own
    # first so that a row shows all of them, and stand-ins keep them from repeating.
    state_ok = check("state", lambda: validate_state(address.state, "state", required=True))
    zip_ok = check("postal_code", lambda: _zip(address.postal_code))
    try:
        check_address(replace(address, state=address.state if state_ok else "NJ",
                               postal_code=address.postal_code if zip_ok else "00000"))
    except InvalidInput as error:
        problems.append(RowProblem(line, f"{error.field}: {error.message}"))
    evidence = [e for e in (
        check("license", lambda: _license(cells)),
        check("dea", lambda: _dea(cells)),
        check("fda_registration", lambda: _fda_registration(cells)),
        check("fda_annual_report_verified_on", lambda: _fda_annual(cells)),
    ) if e]
    if problems:
        return None, problems
    return _PartnerRow(line, name, roles, ptype, gln or "", address, cells.get("phone", ""),
                       cells.get("email", ""), tuple(evidence)), []


def _zip(text: str) -> bool:
    digits = text.replace("-", "")
    if digits.isdigit() and len(digits) in (4, 8):
        raise InvalidInput("postal_code", f"ZIP code '{text}' has {len(digits)} digits: a "
                           "spreadsheet probably dropped its leading zero. Format the column "
                           "as Text and enter it again, e.g. 08608.")
    return True


def _country(text: str) -> str:
    value = (text or "US").strip().upper()
    return "US" if value in ("USA", "U.S.", "U.S.A.", "UNITED STATES") else value


def _license(cells: dict[str, str]) -> _Evidence | None:
    state, number, expiry = (cells["license_state"], cells["license_number"],
                             cells["license_expiry"])
    if not (state or number or expiry):
        return None
    state = validate_state(state, "license_state", required=True)
    if not number:
        raise InvalidInput("license_number", "A state license needs its number.")
    when = _date(expiry, "license_expiry")
    if when is None:
        raise InvalidInput("license_expiry", "Enter the state license's expiry date.")
    return _Evidence(EvidenceKind.STATE_LICENSE, number, state, when)


def _dea(cells: dict[str, str]) -> _Evidence | None:
    number, expiry = cells["dea_number"], cells["dea_expiry"]
    if not (number or expiry):
        return None
    if not number:
        raise InvalidInput("dea_number", "A DEA expiry date was given without the DEA number.")
    number = validate_dea(number, "dea_number")
    when = _date(expiry, "dea_expiry")
    if when is None:
        raise InvalidInput("dea_expiry", "Enter the DEA registration's expiry date.")
    return _Evidence(EvidenceKind.DEA, number, expiry=when)


def _fda_registration(cells: dict[str, str]) -> _Evidence | None:
    number = cells.get("fda_registration", "")
    return _Evidence(EvidenceKind.FDA_REGISTRATION, number) if number else None


def _fda_annual(cells: dict[str, str]) -> _Evidence | None:
    text = cells.get("fda_annual_report_verified_on", "")
    if not text:
        return None
    when = _date(text, "fda_annual_report_verified_on")
    if when > date.today():
        raise InvalidInput("fda_annual_report_verified_on", f"{when} is in the future.")
    return _Evidence(EvidenceKind.FDA_ANNUAL_REPORT, verified_on=when)


def _partner_duplicates(rows: list[_PartnerRow]) -> list[RowProblem]:
    problems = []
    first: dict[str, int] = {}
    for r in rows:
        if not r.gln:
            continue
        if r.gln in first:
            problems.append(RowProblem(r.line, f"gln: GLN {r.gln} is also on line "
                                       f"{first[r.gln]}; each partner once."))
        else:
            first[r.gln] = r.line
    lines = {r.gln: r.line for r in reversed(rows) if r.gln}
    for chunk in _chunks(list(lines)):
        for gln, name in (Partner.select(Partner.gln, Partner.name)
                          .where(Partner.gln.in_(chunk)).tuples()):
            problems.append(RowProblem(lines[gln], f"gln: GLN {gln} already belongs to "
                                       f"trading partner {name}."))
    return problems


def problems_text(problems: Iterable[RowProblem]) -> list[str]:
    """'line 5: ndc: ...' lines for people."""
    return [f"line {p.line}: {p.message}" for p in problems]

