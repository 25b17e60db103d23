"""The supplier-file builder lives in bench/ (benchmarks must not import tests); test
modules keep importing it from here."""

from bench.epcis_documents import (BUYER_GLN, EST, LEGAL, SUPPLIER_GLN, Line, as_bytes,
                                   sscc, supplier_document, write_file)

__all__ = ["BUYER_GLN", "EST", "LEGAL", "SUPPLIER_GLN", "Line", "as_bytes", "sscc",
           "supplier_document", "write_file"]
