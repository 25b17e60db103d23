"""Reading a rendered document back as its reader would: the text (pypdf) and the
barcodes a scanner would see on the printed page (pdftoppm at 300 dpi, then zxing-cpp)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    """All pages' text with every run of white space as one blank, so a name wrapped
    in a table cell still reads as one string."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def page_texts(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def page_sizes(path: Path) -> list[tuple[float, float]]:
    """Width and height of each page in points."""
    return [(float(p.mediabox.width), float(p.mediabox.height))
            for p in PdfReader(path).pages]


@dataclass(frozen=True)
class Scanned:
    format: str  # "Code128"
    text: str  # as a scanner in GS1 mode reports it, "(00)0061..."
    data: str  # the raw characters, without FNC1
    symbology: str  # "]C0" plain Code 128, "]C1" GS1-128
    gs1: bool


def scan_page(path: Path, page: int = 1, dpi: int = 300) -> list[Scanned]:
    """Every barcode zxing-cpp finds on one page, top to bottom."""
    stem = path.parent / f"{path.stem}-scan"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page),
                    "-singlefile", str(path), str(stem)], check=True)
    image = Image.open(f"{stem}.png")
    found = zxingcpp.read_barcodes(image)
    found = sorted(found, key=lambda b: (b.position.top_left.y, b.position.top_left.x))
    return [Scanned(b.format.name, b.text, b.bytes.decode("ascii"), b.symbology_identifier,
                    b.content_type == zxingcpp.ContentType.GS1) for b in found]
