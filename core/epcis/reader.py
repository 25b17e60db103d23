"""Read a DSCSA EPCIS 1.2 document from a trading partner, safely and completely checked.

What a file must get past before anything in it is believed:

1. Size: larger than `max_bytes` is refused before parsing (and while reading, for
   streams whose size is unknown).
2. No DTD at all. A DOCTYPE is refused before the XML parser sees it, so neither an
   external entity (XXE) nor an entity bomb ("billion laughs") is ever expanded or
   fetched; lxml runs with resolve_entities=False, no_network, load_dtd=False and
   huge_tree=False besides.
3. Well-formed XML; a file that stops early is reported as truncated at its last line.
4. GS1's EPCIS 1.2 XSD (with the SBDH schemas it imports). Validation streams inside
   `etree.iterparse(schema=...)`, which does not know line numbers; when it fails, a
   second streaming pass validates the header and each event on its own (and then the
   remaining skeleton) to name the line.
5. DSCSA content that needs no database: an affirmed Transaction Statement; every EPC
   is a well-formed SGTIN or SSCC URI; commissioning carries lot and expiry (ILMD);
   every packed child and every shipped package/case is accounted for in the file;
   sender and receiver GLNs are valid. Whether the sender is a known, authorized
   partner and the receiver is us is the caller's check (it has the database).

The parse streams: processed elements are cleared and dropped as they end, so memory
follows what is kept (the packages), not the file size.
"""

from __future__ import annotations

import os
import re
import threading
from datetime import date, datetime, timedelta, timezone
from importlib.resources import files
from pathlib import Path
from typing import BinaryIO

from biip.checksums import gs1_standard_check_digit
from lxml import etree

from core import gs1
from core.epcis.model import (
    BIZSTEP, BTT, DISP, NS_CBVMDA, NS_EPCIS, NS_GS1USHC, NS_SBDH, SDT, Aggregation,
    Commissioning, EpcisDocument, Header, Party, ProductClass, ShippingEvent,
    TransactionStatement,
)
from core.errors import InvalidInput
from core.gs1 import IdentifierError

MAX_BYTES = 1 << 30
_PROLOG_SCAN = 1 << 20
_CHUNK = 64 * 1024

_S = f"{{{NS_SBDH}}}"
_US = f"{{{NS_GS1USHC}}}"
_MDA = f"{{{NS_CBVMDA}}}"
_ROOT = f"{{{NS_EPCIS}}}EPCISDocument"
_EVENTS = ("ObjectEvent", "AggregationEvent", "QuantityEvent", "TransactionEvent")

# An SGTIN whose serial needs no %-unescaping (nearly all): parsed without core.gs1's
# general path, which is kept for everything else and for the error messages.
_FAST_SGTIN = re.compile(
    r"urn:epc:id:sgtin:(\d{6,12})\.(\d{1,7})\.([!'()*+,\-.0-9:;=A-Z_a-z]{1,20})")
_NO_SERIAL = re.compile(r"urn:epc:id:sgtin:\d+\.\d+\.?")
_DATETIME = re.compile(
    r"(\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?")
_OFFSET = re.compile(r"([+-])(\d\d):(\d\d)|Z")


class EpcisError(InvalidInput):
    """An EPCIS file cannot be accepted.

    `cause` names the kind of problem ("too_large", "dtd_refused", "not_xml",
    "truncated", "not_epcis", "schema", "missing_header", "missing_statement",
    "statement_not_affirmed", "bad_epc", "bad_gln", "bad_time", "bad_expiry",
    "missing_lot", "missing_expiry", "duplicate_serial", "not_commissioned",
    "unknown_case", "unsupported_parent"); `line` is where (None when the file as a
    whole is the problem).
    """

    title = "EPCIS file refused"

    def __init__(self, message: str, cause: str, line: int | None = None):
        super().__init__("epcis", message)
        self.cause = cause
        self.line = line


def _error(cause: str, message: str, line: int | None = None) -> EpcisError:
    return EpcisError(f"Line {line}: {message}" if line else message, cause, line)


class _Content(Exception):
    """A DSCSA content problem; the reader decides whether a schema problem comes first."""

    def __init__(self, error: EpcisError):
        super().__init__(error.message)
        self.error = error


def _problem(cause: str, message: str, line: int | None = None) -> _Content:
    return _Content(_error(cause, message, line))


# ---------------------------------------------------------------------------- schema

_WRAPPER = """<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:epcis="urn:epcglobal:epcis:xsd:1">
  <xsd:import namespace="urn:epcglobal:epcis:xsd:1" schemaLocation="EPCglobal-epcis-1_2.xsd"/>
  <xsd:element name="EPCISHeader" type="epcis:EPCISHeaderType"/>
  <xsd:element name="ObjectEvent" type="epcis:ObjectEventType"/>
  <xsd:element name="AggregationEvent" type="epcis:AggregationEventType"/>
  <xsd:element name="QuantityEvent" type="epcis:QuantityEventType"/>
  <xsd:element name="TransactionEvent" type="epcis:TransactionEventType"/>
  <xsd:element name="extension" type="epcis:EPCISEventListExtensionType"/>
</xsd:schema>"""
_schemas = threading.local()


def schema_dir() -> Path:
    """GS1's EPCIS 1.2 XSDs as installed with rxdesk_resources."""
    return Path(str(files("rxdesk_resources") / "schemas" / "epcis-1.2"))


def epcis_schema() -> etree.XMLSchema:
    """The EPCIS 1.2 document schema (one per thread: lxml schemas are not shared)."""
    return _load_schemas()[0]


def _load_schemas() -> tuple[etree.XMLSchema, etree.XMLSchema]:
    cached = getattr(_schemas, "pair", None)
    if cached is None:
        directory = schema_dir()
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        main = etree.XMLSchema(etree.parse(str(directory / "EPCglobal-epcis-1_2.xsd"), parser))
        # Globals for the header and each event type, so one event can be checked alone.
        wrapper = etree.XMLSchema(etree.fromstring(
            _WRAPPER.encode(), parser, base_url=(directory / "rxdesk-parts.xsd").as_uri()))
        cached = _schemas.pair = (main, wrapper)
    return cached


# ---------------------------------------------------------------------------- input

def _size_text(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n:,} bytes"


def _too_large(size: int | None, max_bytes: int) -> EpcisError:
    what = f"is {size:,} bytes" if size is not None else "is larger than that"
    return EpcisError(
        f"The EPCIS file {what}; RxDesk reads EPCIS files up to {_size_text(max_bytes)}. "
        "Ask the sender to split the shipment into smaller files.", "too_large")


class _Stream:
    """Counts bytes (refusing past the limit) and lines; replays what the prolog scan read."""

    def __init__(self, raw: BinaryIO, max_bytes: int):
        self.raw = raw
        self.max_bytes = max_bytes
        self.count = 0
        self.newlines = 0
        self.eof = False
        self.head = b""

    def raw_read(self, size: int) -> bytes:
        data = self.raw.read(size)
        if not data:
            self.eof = True
            return b""
        self.count += len(data)
        if self.count > self.max_bytes:
            raise _too_large(None, self.max_bytes)
        self.newlines += data.count(b"\n")
        return data

    def read(self, size: int = _CHUNK) -> bytes:
        if self.head:
            data, self.head = self.head[:size], self.head[size:]
            return data
        return self.raw_read(size)


class _Source:
    """Where the bytes come from, and a way to read them again for the line-finding pass."""

    def __init__(self, source, max_bytes: int):
        self.max_bytes = max_bytes
        self.path: str | None = None
        self.file: BinaryIO | None = None
        if isinstance(source, (str, os.PathLike)):
            self.path = os.fspath(source)
            size = os.path.getsize(self.path)
            if size > max_bytes:
                raise _too_large(size, max_bytes)
        else:
            self.file = source
            self.start = None
            try:
                if source.seekable():
                    self.start = source.tell()
                    size = source.seek(0, os.SEEK_END) - self.start
                    source.seek(self.start)
                    if size > max_bytes:
                        raise _too_large(size, max_bytes)
            except (AttributeError, OSError):
                self.start = None
        self.opened: list[BinaryIO] = []

    def open(self) -> _Stream | None:
        if self.path is not None:
            handle = open(self.path, "rb")  # noqa: SIM115 - closed by close()
            self.opened.append(handle)
            return _Stream(handle, self.max_bytes)
        if self.opened and self.start is None:
            return None  # a pipe cannot be read twice
        if self.opened:
            self.file.seek(self.start)
        self.opened.append(self.file)
        return _Stream(self.file, self.max_bytes)

    def close(self) -> None:
        for handle in self.opened:
            if handle is not self.file:
                handle.close()


def _refuse_dtd(stream: _Stream) -> None:
    """Refuse a DOCTYPE (or any '<!' declaration) before the root element.

    Only the prolog is scanned (XML declaration, comments, processing instructions), and
    only its markup, so decoding it as Latin-1 (or UTF-16 when it says so) is enough.
    """
    head = b""
    while len(head) < _PROLOG_SCAN:
        chunk = stream.raw_read(_CHUNK)
        head += chunk
        verdict = _scan_prolog(head, final=not chunk)
        if verdict is not None:
            break
    stream.head = head
    if verdict:
        raise _error(
            "dtd_refused",
            "the file declares a DOCTYPE. EPCIS documents never need one, and a DTD can "
            "fetch other files or expand entities without limit (XXE, 'billion laughs'), "
            "so RxDesk refuses it. Ask the sender for a plain EPCIS export.", verdict)


def _scan_prolog(head: bytes, final: bool) -> int | None:
    """0 if the prolog is clean, the DOCTYPE's line if not, None if more bytes are needed."""
    if head.startswith((b"\xff\xfe", b"<\x00?\x00", b"<\x00!\x00")):
        text = head.decode("utf-16-le", "replace")
    elif head.startswith((b"\xfe\xff", b"\x00<\x00?", b"\x00<\x00!")):
        text = head.decode("utf-16-be", "replace")
    else:
        text = head.decode("latin-1")
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n\ufeff\xef\xbb\xbf\ufffe":
            pos += 1
        if text.startswith("<?", pos):
            end, close = text.find("?>", pos + 2), 2
        elif text.startswith("<!--", pos):
            end, close = text.find("-->", pos + 4), 3
        elif text.startswith("<!", pos) or (not final and text[pos:] in ("", "<")):
            if text.startswith("<!", pos):
                return text.count("\n", 0, pos) + 1
            return None
        else:
            return 0
        if end < 0:
            return 0 if final else None
        pos = end + close


# ---------------------------------------------------------------------------- values

def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else str(tag)


def _text(elem, path: str) -> str:
    found = elem.find(path)
    return (found.text or "").strip() if found is not None else ""


def _short(value: str, prefix: str) -> str:
    return value.removeprefix(prefix)


def _offset(text: str) -> timezone | None:
    found = _OFFSET.fullmatch(text.strip())
    if not found:
        return None
    if text.strip() == "Z":
        return timezone.utc
    sign = -1 if found.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(found.group(2)), minutes=int(found.group(3))))


def _datetime(text: str, tag: str, line: int | None, zone: timezone | None = None) -> datetime:
    found = _DATETIME.fullmatch(text.strip())
    if not found:
        raise _problem("bad_time", f"<{tag}> '{text}' is not a date and time.", line)
    year, month, day, hour, minute, second = (int(found.group(i)) for i in range(1, 7))
    fraction = found.group(7)
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    tz = _offset(found.group(8)) if found.group(8) else (zone or timezone.utc)
    extra = timedelta(0)
    if hour == 24:
        hour, extra = 0, timedelta(days=1)
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz) + extra
    except ValueError:
        raise _problem("bad_time", f"<{tag}> '{text}' is not a real date and time.", line)


def _libxml_message(text: str) -> str:
    """libxml2's words without the line/column noise lxml wraps them in."""
    text = re.sub(r"^line \d+: ", "", text.strip())
    wrapped = re.fullmatch(r"b(['\"])(.*)\1", text)
    if wrapped:
        text = wrapped.group(2)
    text = re.sub(r"(,? line \d+)+(, column \d+)?( \(.*\))?$", "", text)
    return text.strip()


# ---------------------------------------------------------------------------- reader

def read_epcis(source: str | os.PathLike | BinaryIO,
               max_bytes: int = MAX_BYTES) -> EpcisDocument:
    """Read and check an EPCIS 1.2 file (a path or a binary file).

    Returns the document; raises EpcisError naming the first problem (cause, line).
    """
    src = _Source(source, max_bytes)
    try:
        return _Reader(src).run()
    finally:
        src.close()


class _Reader:
    def __init__(self, source: _Source):
        self.source = source
        self.main, self.parts = _load_schemas()
        self.root = None
        self.finished = False
        self.created: datetime | None = None
        self.header: Header | None = None
        self.statement: TransactionStatement | None = None
        self.header_line: int | None = None
        self.parties: list[Party] = []
        self.products: list[ProductClass] = []
        self.commissionings: list[Commissioning] = []
        self.aggregations: list[Aggregation] = []
        self.shipping: list[ShippingEvent] = []
        self.epcs: list[tuple[str, int]] = []
        self.commissioned: set[tuple[str, str]] = set()
        self.commissioned_ssccs: set[str] = set()
        self.parents: set[str] = set()
        # (kind, key, uri, line, what it was) checked once every event has been read
        self.pending: list[tuple[str, object, str, int, str]] = []
        self.gtins: dict[tuple[str, str], str] = {}
        self.prefix_lengths: dict[str, int] = {}

    # -- driving ---------------------------------------------------------------

    def run(self) -> EpcisDocument:
        stream = self.source.open()
        self.stream = stream
        _refuse_dtd(stream)
        # No resolve_entities=False here: with lxml 6.0 / libxml2 2.14 it makes iterparse
        # with schema= swallow well-formedness errors (a truncated file parses "fine").
        # Nothing is lost: no DTD gets this far (see _refuse_dtd), so no entity can be
        # declared, and lxml's default resolves internal entities only.
        self.ctx = etree.iterparse(
            stream, events=("start", "end"), schema=self.main, no_network=True,
            load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
        )
        handlers = {
            "epc": self._on_epc,
            "ObjectEvent": self._on_object_event,
            "AggregationEvent": self._on_aggregation,
            "QuantityEvent": self._drop_event,
            "TransactionEvent": self._drop_event,
            "EPCISHeader": self._on_header,
        }
        try:
            try:
                for event, elem in self.ctx:
                    if event == "start":
                        if self.root is None:
                            self._on_root(elem)
                        elif elem.tag == "EPCISBody":
                            self._on_body(elem)
                        continue
                    handler = handlers.get(elem.tag)
                    if handler is not None:
                        handler(elem)
                    elif elem is self.root:
                        self.finished = True
            except etree.XMLSyntaxError as error:
                raise self._syntax_error(error) from None
            if self.root is None or self.root.getparent() is not None or not self.finished:
                raise _error("truncated", "the file ends before the document does; it looks "
                             "cut off. Ask the sender to send it again.", self.stream.newlines + 1)
            self._check_pending()
        except _Content as problem:
            raise self._first_of(problem.error) from None
        except EpcisError:
            raise
        except (AttributeError, TypeError, ValueError, IndexError):
            # Content extraction tripped over a shape the schema should have refused.
            if self._schema_errors_so_far():
                raise self._schema_failure() from None
            raise
        return EpcisDocument(
            header=self.header, statement=self.statement, parties=self.parties,
            products=self.products, commissionings=self.commissionings,
            aggregations=self.aggregations, shipping_events=self.shipping,
            created=self.created, company_prefix_lengths=self.prefix_lengths,
        )

    def _first_of(self, problem: EpcisError) -> EpcisError:
        """The content problem, unless a schema problem was already seen before it."""
        if not self._schema_errors_so_far():
            return problem
        located = self._schema_failure()
        if problem.line and located.line and problem.line < located.line:
            return problem
        return located

    def _schema_errors_so_far(self) -> bool:
        return any(e.domain == etree.ErrorDomains.SCHEMASV for e in self.ctx.error_log)

    def _syntax_error(self, error: etree.XMLSyntaxError) -> EpcisError:
        if 1700 <= error.code < 2000:
            return self._schema_failure(_libxml_message(error.msg or str(error)))
        line = error.lineno or None
        message = _libxml_message(error.msg or str(error))
        if self.root is None:
            if self.stream.count == 0:
                return EpcisError("The EPCIS file is empty.", "not_xml")
            return _error("not_xml", f"this is not an XML document ({message}).", line or 1)
        last_line = self.stream.newlines + 1
        if self.stream.eof and line is not None and line >= last_line - 1:
            return _error(
                "truncated",
                f"the file ends before the document does ({message}); it looks cut off. "
                "Ask the sender to send it again.", line)
        return _error("not_xml", f"the file is not well-formed XML: {message}.", line)

    def _schema_failure(self, message: str = "") -> EpcisError:
        """The schema problem with its line, or without one if the input cannot be re-read."""
        located = self._locate_schema_error()
        if located is not None:
            return located
        logged = [e.message for e in self.ctx.error_log
                  if e.domain == etree.ErrorDomains.SCHEMASV]
        return _error("schema", "The file does not follow the EPCIS 1.2 schema: "
                      f"{logged[0] if logged else message}")

    def _locate_schema_error(self) -> EpcisError | None:
        """Second streaming pass: validate the header and each event alone, to name the line."""
        stream = self.source.open()
        if stream is None:
            return None
        stream.head = b""
        context = etree.iterparse(
            stream, events=("end",), resolve_entities=False, no_network=True,
            load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
        checked = {"EPCISHeader", *_EVENTS, "extension"}
        try:
            for _, elem in context:
                parent = elem.getparent()
                if elem.tag in checked and parent is not None and (
                        elem.tag == "EPCISHeader" or parent.tag == "EventList"):
                    if not self.parts.validate(elem):
                        return self._schema_message(self.parts.error_log, elem)
                    for done in list(elem.itersiblings(preceding=True)):
                        if done.tag in checked:
                            parent.remove(done)
                elif elem.tag == "EventList":
                    for child in list(elem):
                        if child.tag in checked:
                            elem.remove(child)
                elif elem.tag == _ROOT:
                    header = elem.find("EPCISHeader")
                    if header is not None:
                        elem.remove(header)
                    if not self.main.validate(elem):
                        return self._schema_message(self.main.error_log, elem)
        except etree.XMLSyntaxError:
            return None
        return None

    def _schema_message(self, log, elem) -> EpcisError:
        first = log[0]
        line = first.line or elem.sourceline
        where = f" (in <{_local(elem.tag)}> starting on line {elem.sourceline})" \
            if elem.sourceline != line else ""
        return _error("schema", f"the file does not follow the EPCIS 1.2 schema{where}: "
                      f"{first.message}", line)

    # -- structure ---------------------------------------------------------------

    def _on_root(self, elem) -> None:
        self.root = elem
        info = elem.getroottree().docinfo
        if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
            raise _error("dtd_refused", "the file declares a DOCTYPE; RxDesk refuses DTDs in "
                         "EPCIS files (XXE and entity-expansion attacks).", elem.sourceline)
        if elem.tag != _ROOT:
            hint = ""
            if _local(elem.tag) == "EPCISDocument":
                hint = (f" Its namespace is '{etree.QName(elem).namespace}'; RxDesk reads "
                        f"EPCIS 1.2 ('{NS_EPCIS}').")
            raise _error("not_epcis", f"the document is <{_local(elem.tag)}>, not an EPCIS "
                         f"document (epcis:EPCISDocument).{hint}", elem.sourceline)
        created = elem.get("creationDate")
        self.created = _datetime(created, "creationDate", elem.sourceline) if created else None

    def _on_body(self, elem) -> None:
        if self.header is None:
            raise _problem("missing_header", "the document has no EPCISHeader, so it names no "
                           "sender, receiver or DSCSA Transaction Statement.", elem.sourceline)
        if self.statement is None:
            raise _problem(
                "missing_statement",
                "<EPCISHeader> has no DSCSA Transaction Statement "
                "(gs1ushc:dscsaTransactionStatement); DSCSA requires one with every change "
                "of ownership. Ask the sender for a file that includes it.", self.header_line)

    def _on_header(self, elem) -> None:
        self.header_line = elem.sourceline
        sbdh = elem.find(_S + "StandardBusinessDocumentHeader")
        sender = self._gln(sbdh.find(f"{_S}Sender/{_S}Identifier"), "Sender")
        receiver = self._gln(sbdh.find(f"{_S}Receiver/{_S}Identifier"), "Receiver")
        ident = sbdh.find(_S + "DocumentIdentification")
        created_elem = ident.find(_S + "CreationDateAndTime")
        self.header = Header(
            sender_gln=sender, receiver_gln=receiver,
            document_id=_text(ident, _S + "InstanceIdentifier"),
            created=_datetime(created_elem.text or "", "sbdh:CreationDateAndTime",
                              created_elem.sourceline),
        )
        for vocabulary in elem.iterfind("extension/EPCISMasterData/VocabularyList/Vocabulary"):
            kind = (vocabulary.get("type") or "").rsplit(":", 1)[-1].lower()
            for element in vocabulary.iterfind("VocabularyElementList/VocabularyElement"):
                if kind == "epcclass":
                    self._product(element)
                elif kind == "location":
                    self._party(element)
        for statement in elem.iter(_US + "dscsaTransactionStatement"):
            self._statement(statement)
            break
        elem.clear()

    def _statement(self, elem) -> None:
        affirm = elem.find(_US + "affirmTransactionStatement")
        value = (affirm.text or "").strip().lower() if affirm is not None else ""
        notice = "".join(t for e in elem.iterfind(_US + "legalNotice") for t in e.itertext())
        if value not in ("true", "1"):
            said = f"says '{affirm.text.strip()}'" if affirm is not None and affirm.text \
                else "is missing"
            line = affirm.sourceline if affirm is not None else elem.sourceline
            raise _problem(
                "statement_not_affirmed",
                f"<gs1ushc:affirmTransactionStatement> {said}: the sender does not affirm the "
                "DSCSA Transaction Statement, so the product cannot be accepted.", line)
        self.statement = TransactionStatement(affirmed=True, legal_notice=notice.strip())

    def _gln(self, elem, role: str) -> str:
        text = (elem.text or "").strip()
        try:
            if text.startswith("urn:epc:id:sgln:"):
                return gs1.parse_sgln_uri(text)[0]
            return gs1.validate_gln(text, role.lower())
        except IdentifierError as error:
            raise _problem("bad_gln", f"<sbdh:Identifier> of the {role} '{text}' is not a "
                           f"valid GLN: {error.message}", elem.sourceline)

    def _attributes(self, element) -> dict[str, str]:
        values = {}
        for attribute in element.iterfind("attribute"):
            name = re.split(r"[#:]", attribute.get("id") or "")[-1]
            values[name] = "".join(attribute.itertext()).strip()
        return values

    def _product(self, element) -> None:
        pattern = (element.get("id") or "").strip()
        found = re.fullmatch(r"urn:epc:idpat:sgtin:(\d+)\.(\d+)\.\*", pattern)
        try:
            if found:
                gtin = gs1.parse_sgtin_uri(
                    f"urn:epc:id:sgtin:{found.group(1)}.{found.group(2)}.0")[0]
            else:
                gtin = gs1.parse_lgtin_uri(pattern)[0]
            length = gs1.epc_company_prefix_length(pattern)
        except IdentifierError as error:
            raise _problem("bad_epc", f"<VocabularyElement> '{pattern}' is not a product "
                           f"pattern (urn:epc:idpat:sgtin:CompanyPrefix.ItemReference.*): "
                           f"{error.message}", element.sourceline)
        a = self._attributes(element)
        self.prefix_lengths.setdefault(gtin, length)
        self.products.append(ProductClass(
            pattern=pattern, gtin=gtin, company_prefix_length=length,
            ndc=a.get("additionalTradeItemIdentification", ""),
            ndc_type=a.get("additionalTradeItemIdentificationTypeCode", ""),
            name=a.get("regulatedProductName", ""),
            manufacturer=a.get("manufacturerOfTradeItemPartyName", ""),
            dosage_form=a.get("dosageFormType", ""), strength=a.get("strengthDescription", ""),
            net_content=a.get("netContentDescription", ""),
        ))

    def _party(self, element) -> None:
        sgln = (element.get("id") or "").strip()
        gln = self._sgln(sgln, "VocabularyElement", element.sourceline)
        a = self._attributes(element)
        self.parties.append(Party(
            sgln=sgln, gln=gln, name=a.get("name", ""), street=a.get("streetAddressOne", ""),
            city=a.get("city", ""), state=a.get("state", ""),
            postal_code=a.get("postalCode", ""), country=a.get("countryCode", ""),
        ))

    def _sgln(self, uri: str, tag: str, line: int) -> str:
        try:
            return gs1.parse_sgln_uri(uri)[0]
        except IdentifierError as error:
            raise _problem("bad_gln", f"<{tag}> '{uri}' is not an SGLN URI "
                           f"(urn:epc:id:sgln:CompanyPrefix.LocationReference.Extension): "
                           f"{error.message}", line)

    # -- events ------------------------------------------------------------------

    def _on_epc(self, elem) -> None:
        self.epcs.append(((elem.text or "").strip(), elem.sourceline))
        elem.clear()
        previous = elem.getprevious()
        while previous is not None:
            elem.getparent().remove(previous)
            previous = elem.getprevious()

    def _take_epcs(self) -> list[tuple[str, int]]:
        epcs, self.epcs = self.epcs, []
        return epcs

    def _release(self, elem) -> None:
        elem.clear()
        parent = elem.getparent()
        while elem.getprevious() is not None:
            del parent[0]

    def _drop_event(self, elem) -> None:
        self.epcs = []
        self._release(elem)

    def _event_time(self, elem) -> datetime:
        when = elem.find("eventTime")
        zone = _offset(_text(elem, "eventTimeZoneOffset"))
        return _datetime(when.text or "", "eventTime", when.sourceline, zone)

    def _where(self, elem) -> tuple[str, str]:
        return _text(elem, "readPoint/id"), _text(elem, "bizLocation/id")

    def _sgtin(self, uri: str, line: int, tag: str = "epc") -> tuple[str, str]:
        found = _FAST_SGTIN.fullmatch(uri)
        if found:
            key = (found.group(1), found.group(2))
            gtin = self.gtins.get(key)
            if gtin is None and len(key[0]) + len(key[1]) == 13:
                body = key[1][0] + key[0] + key[1][1:]
                gtin = self.gtins[key] = body + str(gs1_standard_check_digit(body))
                self.prefix_lengths.setdefault(gtin, len(key[0]))
            if gtin is not None:
                return gtin, found.group(3)
        if _NO_SERIAL.fullmatch(uri):
            raise _problem("bad_epc", f"<{tag}> '{uri}' is not an SGTIN URI (it has no serial).",
                           line)
        try:
            gtin, serial = gs1.parse_sgtin_uri(uri)
        except IdentifierError as error:
            detail = error.message
            if error.cause == "wrong_length":
                digits = sum(len(p) for p in uri.split(":")[-1].split(".")[:2])
                detail = (f"its company prefix and item reference have {digits} digits, an "
                          "SGTIN has 13 (the GTIN check digit is not written in an EPC URI)")
            raise _problem("bad_epc", f"<{tag}> '{uri}' is not a valid SGTIN URI: {detail}",
                           line)
        self.prefix_lengths.setdefault(gtin, gs1.epc_company_prefix_length(uri))
        return gtin, serial

    def _sscc(self, uri: str, line: int, tag: str = "epc") -> str:
        try:
            sscc = gs1.parse_sscc_uri(uri)
        except IdentifierError as error:
            raise _problem("bad_epc", f"<{tag}> '{uri}' is not a valid SSCC URI: "
                           f"{error.message}", line)
        self.prefix_lengths.setdefault(sscc, gs1.epc_company_prefix_length(uri))
        return sscc

    def _kind(self, uri: str, line: int, tag: str = "epc") -> str:
        if uri.startswith("urn:epc:id:sgtin:"):
            return "sgtin"
        if uri.startswith("urn:epc:id:sscc:"):
            return "sscc"
        raise _problem("bad_epc", f"<{tag}> '{uri}' is neither an SGTIN (package) nor an SSCC "
                       "(case) EPC URI.", line)

    def _on_object_event(self, elem) -> None:
        epcs = self._take_epcs()
        when = self._event_time(elem)
        biz_step = _short(_text(elem, "bizStep"), BIZSTEP)
        read_point, biz_location = self._where(elem)
        if biz_step == "commissioning":
            self._commissioning(elem, epcs, when, read_point, biz_location)
        else:
            self._object_event(elem, epcs, when, biz_step, read_point, biz_location)
        self._release(elem)

    def _commissioning(self, elem, epcs, when, read_point, biz_location) -> None:
        by_gtin: dict[str, list[str]] = {}
        for uri, line in epcs:
            if self._kind(uri, line) == "sscc":
                self.commissioned_ssccs.add(self._sscc(uri, line))
                continue
            gtin, serial = self._sgtin(uri, line)
            key = (gtin, serial)
            if key in self.commissioned:
                raise _problem("duplicate_serial", f"<epc> '{uri}' is commissioned twice in "
                               "this file.", line)
            self.commissioned.add(key)
            by_gtin.setdefault(gtin, []).append(serial)
        if not by_gtin:
            return
        lot_elem = elem.find(f"extension/ilmd/{_MDA}lotNumber")
        expiry_elem = elem.find(f"extension/ilmd/{_MDA}itemExpirationDate")
        what = (f"<ObjectEvent> commissioning {sum(map(len, by_gtin.values())):,} package(s) "
                f"of GTIN {', '.join(by_gtin)}")
        lot = (lot_elem.text or "").strip() if lot_elem is not None else ""
        if not lot:
            raise _problem("missing_lot", f"{what} has no lot number (cbvmda:lotNumber in "
                           "extension/ilmd); DSCSA needs the lot of every package.",
                           elem.sourceline)
        expiry_text = (expiry_elem.text or "").strip() if expiry_elem is not None else ""
        if not expiry_text:
            raise _problem("missing_expiry", f"{what} (lot {lot}) has no expiry date "
                           "(cbvmda:itemExpirationDate in extension/ilmd).", elem.sourceline)
        try:
            expiry = date.fromisoformat(re.sub(r"(Z|[+-]\d\d:\d\d)$", "", expiry_text))
        except ValueError:
            raise _problem("bad_expiry", f"<cbvmda:itemExpirationDate> '{expiry_text}' of lot "
                           f"{lot} is not a date (YYYY-MM-DD).", expiry_elem.sourceline)
        for gtin, serials in by_gtin.items():
            self.commissionings.append(Commissioning(
                gtin=gtin, serials=serials, lot=lot, expiry=expiry, event_time=when,
                read_point=read_point, biz_location=biz_location))

    def _object_event(self, elem, epcs, when, biz_step, read_point, biz_location) -> None:
        shipping = biz_step == "shipping"
        uris = []
        for uri, line in epcs:
            if self._kind(uri, line) == "sscc":
                sscc = self._sscc(uri, line)
                if shipping and sscc not in self.parents:
                    self.pending.append(("case", sscc, uri, line, "shipped"))
            else:
                key = self._sgtin(uri, line)
                if shipping and key not in self.commissioned:
                    self.pending.append(("sgtin", key, uri, line, "shipped"))
            uris.append(uri)
        transactions = [
            (_short((bt.get("type") or "").strip(), BTT), (bt.text or "").strip())
            for bt in elem.iterfind("bizTransactionList/bizTransaction")
        ]
        ends = {}
        for tag in ("source", "destination"):
            pairs = []
            for item in elem.iterfind(f"extension/{tag}List/{tag}"):
                sgln = (item.text or "").strip()
                self._sgln(sgln, tag, item.sourceline)
                pairs.append((_short(item.get("type", "").strip(), SDT), sgln))
            ends[tag] = pairs
        self.shipping.append(ShippingEvent(
            epcs=uris, event_time=when, biz_step=biz_step,
            disposition=_short(_text(elem, "disposition"), DISP), action=_text(elem, "action"),
            read_point=read_point, biz_location=biz_location, biz_transactions=transactions,
            sources=ends["source"], destinations=ends["destination"],
        ))

    def _on_aggregation(self, elem) -> None:
        epcs = self._take_epcs()
        when = self._event_time(elem)
        parent_elem = elem.find("parentID")
        if parent_elem is None:
            raise _problem("bad_epc", "<AggregationEvent> has no parentID; RxDesk needs the "
                           "SSCC of the case the packages are packed into.", elem.sourceline)
        parent_uri = (parent_elem.text or "").strip()
        if parent_uri.startswith("urn:epc:id:sgtin:"):
            raise _problem(
                "unsupported_parent",
                f"<parentID> '{parent_uri}' is a serialized case (SGTIN); RxDesk receives "
                "packages packed into SSCC-labelled cases only. Ask the sender for SSCC "
                "aggregation.", parent_elem.sourceline)
        parent = self._sscc(parent_uri, parent_elem.sourceline, "parentID")
        sgtins, ssccs = [], []
        for uri, line in epcs:
            if self._kind(uri, line) == "sscc":
                child = self._sscc(uri, line)
                ssccs.append(child)
                if child not in self.parents:
                    self.pending.append(("case", child, uri, line, f"packed into '{parent_uri}'"))
            else:
                key = self._sgtin(uri, line)
                sgtins.append(key)
                if key not in self.commissioned:
                    self.pending.append(("sgtin", key, uri, line, f"packed into '{parent_uri}'"))
        self.parents.add(parent)
        read_point, biz_location = self._where(elem)
        self.aggregations.append(Aggregation(
            parent_sscc=parent, child_sgtins=sgtins, child_ssccs=ssccs, event_time=when,
            action=_text(elem, "action"), biz_step=_short(_text(elem, "bizStep"), BIZSTEP),
            disposition=_short(_text(elem, "disposition"), DISP), read_point=read_point,
            biz_location=biz_location,
        ))
        self._release(elem)

    def _check_pending(self) -> None:
        if self.header is None:
            raise _problem("missing_header", "the document has no EPCISHeader, so it names no "
                           "sender, receiver or DSCSA Transaction Statement.")
        for kind, key, uri, line, what in self.pending:
            if kind == "sgtin" and key not in self.commissioned:
                raise _problem(
                    "not_commissioned",
                    f"<epc> '{uri}' is {what} but no commissioning event in this file gives "
                    "its lot and expiry (product without data).", line)
            if kind == "case" and key not in self.parents:
                raise _problem(
                    "unknown_case",
                    f"<epc> '{uri}' is {what} but no packing (AggregationEvent) in this file "
                    "says what it contains.", line)
