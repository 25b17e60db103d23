"""Small purchasing set-ups shared by the report and desktop tests: a few products, an
authorized manufacturer with an address and an unauthorized wholesaler."""

from __future__ import annotations

from core.permissions import Actor
from core.services.partners import Address, add_evidence, add_partner
from core.services.products import add_product
from core.vocab import AddressKind

# (NDC, name, strength, form, package, standard cost, schedule)
CATALOG = (
    ("12345-678-90", "Atorvastatin calcium tablets", "20 mg", "tablet", "Bottle of 90",
     "12.25", "none"),
    ("12345-111-11", "Sterile water for injection", "10 mL", "injection, solution",
     "Carton of 25 vials", "0.85", "none"),
    ("0093-7146-56", "Oxycodone hydrochloride tablets", "5 mg", "tablet", "Bottle of 100",
     "18.40", "cii"),
    ("50580-449-06", "Amoxicillin capsules", "500 mg", "capsule", "Bottle of 500",
     "31.10", "none"),
)
SUPPLIER_GLN = "0614141000036"


def add_catalog(admin: Actor) -> list[int]:
    return [add_product(admin, ndc, name, strength=strength, dosage_form=form,
                        package_description=package, standard_cost=cost, list_price="99.00",
                        schedule=schedule)
            for ndc, name, strength, form, package, cost, schedule in CATALOG]


def add_authorized_supplier(office: Actor, name: str = "Pharmaco Labs Inc.",
                            gln: str = SUPPLIER_GLN) -> int:
    pid = add_partner(office, name, "supplier", "manufacturer", gln=gln,
                      addresses=[Address(AddressKind.BILL_TO, "400 Industrial Pkwy",
                                         "Durham", "NC", "27703")],
                      phone="(919) 555-0142")
    add_evidence(office, pid, "fda_registration", "FEI-3001234567", expiry="2099-12-31")
    add_evidence(office, pid, "dea", "RP1234563", expiry="2099-12-31",
                 schedules="2,2N,3,3N,4,5")
    return pid


def add_blocked_supplier(office: Actor, name: str = "Gray Market LLC") -> int:
    pid = add_partner(office, name, "supplier", "wholesaler", gln="0614141000043")
    add_evidence(office, pid, "state_license", "TX-1", state="TX", expiry="2020-10-31")
    return pid
