"""What a scan refers to in our records: product, lot, package or case."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Container, Location, Lot, Package, Product
from core.ndc import Ndc
from core.scanning import Scan, ScanError


@dataclass(frozen=True)
class ScanMatch:
    scan: Scan
    product_id: int | None = None
    product_name: str = ""
    ndc: str = ""
    lot_id: int | None = None
    package_id: int | None = None
    package_status: str = ""
    location: str = ""
    container_id: int | None = None


def lookup_scan(scan: Scan) -> ScanMatch:
    """Resolve a parsed scan; a GTIN not in the product master is a ScanError."""
    if scan.sscc and not scan.gtin:
        case = Container.get_or_none(Container.sscc == scan.sscc)
        return ScanMatch(scan, container_id=case.id if case else None)
    if scan.serial:
        found = _known_package(scan)
        if found is not None:
            return found
    product = Product.get_or_none(Product.gtin == scan.gtin)
    if product is None:
        product = Product.get_or_none(Product.case_gtin == scan.gtin)
    if product is None:
        raise ScanError(f"GTIN {scan.gtin} is not in the product master. Add the product "
                        "(or import the supplier's file) before receiving it.",
                        cause="unknown_gtin", field="gtin")
    ndc = Ndc(product.ndc_labeler, product.ndc_product, product.ndc_package,
              product.ndc_layout).ndc10
    lot = (Lot.get_or_none((Lot.product == product) & (Lot.lot_number == scan.lot))
           if scan.lot else None)
    package = None
    if scan.serial:
        package = (Package.select(Package, Location).join(Location)
                   .where((Package.product == product) & (Package.serial == scan.serial))
                   .first())
    return ScanMatch(
        scan, product.id, product.name, ndc,
        lot_id=(package.lot_id if package else lot.id if lot else None),
        package_id=package.id if package else None,
        package_status=package.status if package else "",
        location=package.location.code if package else "",
        container_id=package.container_id if package else None,
    )


def _known_package(scan: Scan) -> ScanMatch | None:
    """The common case at the pack station, a unit GTIN + serial we hold, in one indexed
    query (GTIN -> product, (product, serial) -> package) instead of three round trips."""
    row = (Package.select(Product.id, Product.name, Product.ndc_labeler, Product.ndc_product,
                          Product.ndc_package, Product.ndc_layout, Package.id, Package.lot,
                          Package.status, Location.code, Package.container)
           .join(Product, on=(Package.product == Product.id))
           .switch(Package).join(Location, on=(Package.location == Location.id))
           .where((Product.gtin == scan.gtin) & (Package.serial == scan.serial))
           .tuples().first())
    if row is None:
        return None
    pid, name, labeler, product, package, layout, package_id, lot_id, status, code, case = row
    return ScanMatch(scan, pid, name, Ndc(labeler, product, package, layout).ndc10,
                     lot_id=lot_id, package_id=package_id, package_status=status,
                     location=code, container_id=case)
