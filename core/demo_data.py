"""The demo business: a small New Jersey distributor's product master, trading partners,
bins and a warehouse full of serialized stock.

Everything goes through the same services a user's actions go through, so the demo
obeys every rule the real data does (NDC and GLN checks, ATP evidence, no duplicate
serials, the ledger). The data is made up but shaped like the real thing: NDCs in all
three layouts from labelers that keep one layout each, controlled and refrigerated
products, IV fluids that carry no serials, licenses that are about to run out or
already have, and lots whose expiry dates straddle today.

Deterministic: the same seed and today's date give the same business.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from core.db import write_transaction
from core.gs1 import validate_gln
from core.ndc import parse_ndc
from core.permissions import Actor, Role
from core.services import locations, partners, products, stock
from core.services.partners import Address
from core.vocab import AddressKind

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoSize:
    products: int
    customers: int
    suppliers: int
    packages: int


SCALES = {
    "tiny": DemoSize(products=30, customers=12, suppliers=6, packages=1_500),
    "small": DemoSize(products=220, customers=60, suppliers=12, packages=52_000),
}
DEFAULT_SEED = 20231127  # the day DSCSA's enhanced drug distribution security began
PER_CALL = 1_000  # serials per add_opening_stock call: one validation query, one batch

# (name, dosage form as written in the name, dosage_form field, strengths, package
#  counts/sizes, schedule, storage, serialized)
_DRUGS = [
    ("Atorvastatin", "tablets", "tablet", ["10 mg", "20 mg", "40 mg", "80 mg"], [30, 90, 500], "none", "room"),
    ("Lisinopril", "tablets", "tablet", ["5 mg", "10 mg", "20 mg", "40 mg"], [30, 90, 1000], "none", "room"),
    ("Metformin hydrochloride", "tablets", "tablet", ["500 mg", "850 mg", "1000 mg"], [100, 500, 1000], "none", "room"),
    ("Amlodipine besylate", "tablets", "tablet", ["2.5 mg", "5 mg", "10 mg"], [30, 90, 500], "none", "room"),
    ("Levothyroxine sodium", "tablets", "tablet", ["25 mcg", "50 mcg", "75 mcg", "100 mcg", "125 mcg"], [30, 90], "none", "room"),
    ("Omeprazole", "delayed-release capsules", "capsule, delayed release", ["20 mg", "40 mg"], [30, 90, 1000], "none", "room"),
    ("Losartan potassium", "tablets", "tablet, film coated", ["25 mg", "50 mg", "100 mg"], [30, 90], "none", "room"),
    ("Simvastatin", "tablets", "tablet", ["10 mg", "20 mg", "40 mg"], [30, 90], "none", "room"),
    ("Sertraline hydrochloride", "tablets", "tablet", ["25 mg", "50 mg", "100 mg"], [30, 90, 500], "none", "room"),
    ("Gabapentin", "capsules", "capsule", ["100 mg", "300 mg", "400 mg"], [100, 500], "none", "room"),
    ("Hydrochlorothiazide", "tablets", "tablet", ["12.5 mg", "25 mg", "50 mg"], [100, 1000], "none", "room"),
    ("Metoprolol succinate", "extended-release tablets", "tablet, extended release", ["25 mg", "50 mg", "100 mg"], [30, 90], "none", "room"),
    ("Montelukast sodium", "tablets", "tablet, film coated", ["10 mg"], [30, 90, 1000], "none", "room"),
    ("Rosuvastatin calcium", "tablets", "tablet", ["5 mg", "10 mg", "20 mg"], [30, 90], "none", "room"),
    ("Escitalopram oxalate", "tablets", "tablet", ["5 mg", "10 mg", "20 mg"], [30, 100], "none", "room"),
    ("Pantoprazole sodium", "delayed-release tablets", "tablet, delayed release", ["20 mg", "40 mg"], [30, 90], "none", "room"),
    ("Amoxicillin", "capsules", "capsule", ["250 mg", "500 mg"], [30, 100, 500], "none", "room"),
    ("Amoxicillin and clavulanate potassium", "tablets", "tablet, film coated", ["500 mg/125 mg", "875 mg/125 mg"], [20], "none", "room"),
    ("Azithromycin", "tablets", "tablet, film coated", ["250 mg", "500 mg"], [6, 30], "none", "room"),
    ("Cephalexin", "capsules", "capsule", ["250 mg", "500 mg"], [100], "none", "room"),
    ("Prednisone", "tablets", "tablet", ["5 mg", "10 mg", "20 mg"], [21, 100], "none", "room"),
    ("Furosemide", "tablets", "tablet", ["20 mg", "40 mg"], [100, 1000], "none", "room"),
    ("Clopidogrel", "tablets", "tablet, film coated", ["75 mg"], [30, 90, 500], "none", "room"),
    ("Carvedilol", "tablets", "tablet, film coated", ["3.125 mg", "6.25 mg", "12.5 mg", "25 mg"], [100], "none", "room"),
    ("Tamsulosin hydrochloride", "capsules", "capsule", ["0.4 mg"], [100, 1000], "none", "room"),
    ("Trazodone hydrochloride", "tablets", "tablet", ["50 mg", "100 mg"], [100, 1000], "none", "room"),
    ("Meloxicam", "tablets", "tablet", ["7.5 mg", "15 mg"], [100, 1000], "none", "room"),
    ("Apixaban", "tablets", "tablet, film coated", ["2.5 mg", "5 mg"], [60], "none", "room"),
    ("Ondansetron", "orally disintegrating tablets", "tablet, orally disintegrating", ["4 mg", "8 mg"], [30], "none", "room"),
    ("Fluticasone propionate", "nasal spray", "spray, metered", ["50 mcg/actuation"], [1], "none", "room"),
    ("Albuterol sulfate", "inhalation aerosol", "aerosol, metered", ["90 mcg/actuation"], [1], "none", "room"),
    ("Enoxaparin sodium", "injection, prefilled syringes", "injection, solution", ["40 mg/0.4 mL", "80 mg/0.8 mL"], [10], "none", "room"),
    ("Ceftriaxone", "for injection, vials", "injection, powder, for solution", ["250 mg", "1 g"], [10, 25], "none", "room"),
    ("Oxycodone hydrochloride", "tablets", "tablet", ["5 mg", "10 mg", "15 mg", "30 mg"], [100], "cii", "room"),
    ("Hydrocodone bitartrate and acetaminophen", "tablets", "tablet", ["5 mg/325 mg", "10 mg/325 mg"], [100, 500], "cii", "room"),
    ("Morphine sulfate", "extended-release tablets", "tablet, film coated, extended release", ["15 mg", "30 mg"], [100], "cii", "room"),
    ("Methylphenidate hydrochloride", "tablets", "tablet", ["10 mg", "20 mg"], [100], "cii", "room"),
    ("Dextroamphetamine saccharate, amphetamine aspartate, dextroamphetamine sulfate and amphetamine sulfate", "tablets", "tablet", ["10 mg", "20 mg", "30 mg"], [100], "cii", "room"),
    ("Fentanyl", "transdermal system", "patch, extended release", ["25 mcg/h", "50 mcg/h"], [5], "cii", "room"),
    ("Buprenorphine and naloxone", "sublingual films", "film", ["8 mg/2 mg"], [30], "ciii", "room"),
    ("Testosterone cypionate", "injection, vial", "injection, solution", ["200 mg/mL"], [1], "ciii", "room"),
    ("Alprazolam", "tablets", "tablet", ["0.25 mg", "0.5 mg", "1 mg"], [100, 500], "civ", "room"),
    ("Lorazepam", "tablets", "tablet", ["0.5 mg", "1 mg", "2 mg"], [100, 500], "civ", "room"),
    ("Zolpidem tartrate", "tablets", "tablet, film coated", ["5 mg", "10 mg"], [100], "civ", "room"),
    ("Tramadol hydrochloride", "tablets", "tablet", ["50 mg"], [100, 500], "civ", "room"),
    ("Pregabalin", "capsules", "capsule", ["75 mg", "150 mg"], [90], "cv", "room"),
    ("Insulin glargine", "injection, prefilled pens", "injection, solution", ["100 units/mL"], [5], "none", "refrigerated"),
    ("Insulin lispro", "injection, vial", "injection, solution", ["100 units/mL"], [1], "none", "refrigerated"),
    ("Insulin aspart", "injection, prefilled pens", "injection, solution", ["100 units/mL"], [5], "none", "refrigerated"),
    ("Liraglutide", "injection, prefilled pens", "injection, solution", ["18 mg/3 mL"], [2, 3], "none", "refrigerated"),
    ("Etanercept", "injection, prefilled syringes", "injection, solution", ["50 mg/mL"], [4], "none", "refrigerated"),
    ("Adalimumab-adaz", "injection, prefilled pens", "injection, solution", ["40 mg/0.4 mL"], [2], "none", "refrigerated"),
    ("Latanoprost", "ophthalmic solution", "solution/ drops", ["0.005%"], [1], "none", "refrigerated"),
    ("Filgrastim-sndz", "injection, prefilled syringes", "injection, solution", ["300 mcg/0.5 mL", "480 mcg/0.8 mL"], [1, 10], "none", "refrigerated"),
]
# IV fluids are exempt from DSCSA's product identifier rules: counted, not serialized.
_FLUIDS = [
    ("Sodium chloride 0.9% injection", "injection, solution", ["1000 mL bag", "500 mL bag", "250 mL bag"]),
    ("Lactated Ringer's injection", "injection, solution", ["1000 mL bag", "500 mL bag"]),
    ("Dextrose 5% injection", "injection, solution", ["1000 mL bag", "250 mL bag"]),
    ("Sterile water for injection", "injection, liquid", ["10 mL vial", "1000 mL bag"]),
]
# Labelers (made up): a labeler keeps one NDC layout for all its products.
_MANUFACTURERS = [
    ("Harbor Point Pharmaceuticals, Inc.", "0781", "Princeton", "NJ", "08540"),
    ("Keystone Generics LLC", "0603", "Malvern", "PA", "19355"),
    ("Liberty Labs USA, Inc.", "0904", "Bridgewater", "NJ", "08807"),
    ("Cardinal Ridge Pharma Corp.", "0472", "Somerset", "NJ", "08873"),
    ("Ashford BioLogics, Inc.", "61703", "Raleigh", "NC", "27601"),
    ("Meridian Specialty Pharma LLC", "68180", "Baltimore", "MD", "21201"),
    ("Northfield Pharmaceutical Co.", "65162", "Chicago", "IL", "60606"),
    ("Summit Sterile Products, Inc.", "63323", "Lake Zurich", "IL", "60047"),
    ("Bayview Laboratories, Inc.", "57664", "Tampa", "FL", "33602"),
    ("Greenway Therapeutics USA", "69097", "Durham", "NC", "27701"),
    ("Evergreen Rx Manufacturing LLC", "70518", "Columbus", "OH", "43215"),
    ("Pinecrest Pharma Inc.", "42291", "Hauppauge", "NY", "11788"),
]
_LAYOUT_OF_5 = {"61703": "5-3-2", "68180": "5-3-2", "65162": "5-3-2", "63323": "5-3-2",
                "57664": "5-4-1", "69097": "5-4-1", "70518": "5-4-1", "42291": "5-4-1"}
_WHOLESALERS = [
    ("Tri-State Pharmaceutical Supply, Inc.", "Secaucus", "NJ", "07094"),
    ("Atlantic Drug Wholesale Co.", "Wilmington", "DE", "19801"),
    ("Hudson Valley Rx Distribution LLC", "Newburgh", "NY", "12550"),
    ("Mid-Atlantic Specialty Distributors", "Harrisburg", "PA", "17101"),
]
_PLACES = [
    ("Newark", "NJ", "07102"), ("Jersey City", "NJ", "07302"), ("Paterson", "NJ", "07501"),
    ("Trenton", "NJ", "08608"), ("Camden", "NJ", "08102"), ("Toms River", "NJ", "08753"),
    ("New Brunswick", "NJ", "08901"), ("Hoboken", "NJ", "07030"), ("Morristown", "NJ", "07960"),
    ("Brooklyn", "NY", "11201"), ("Queens", "NY", "11375"), ("Staten Island", "NY", "10301"),
    ("Yonkers", "NY", "10701"), ("White Plains", "NY", "10601"), ("Philadelphia", "PA", "19103"),
    ("Allentown", "PA", "18101"), ("Bethlehem", "PA", "18015"), ("Stamford", "CT", "06901"),
    ("New Haven", "CT", "06510"), ("Dover", "DE", "19901"),
]
_STREETS = ["Main St", "Broad St", "Park Ave", "Route 9", "Central Ave", "Washington St",
            "Market St", "Elm St", "Bergen Blvd", "Kings Hwy", "Ocean Ave", "Church St"]
_PHARMACY = ["Family Pharmacy", "Drug Store", "Apothecary", "Pharmacy & Surgical",
             "Community Pharmacy", "Discount Pharmacy", "Chemists"]
_OWNER = ["Patel", "Shah", "Kim", "Rivera", "Cohen", "O'Brien", "Nguyen", "Russo", "Garcia",
          "Mehta", "Park", "Kowalski", "Haddad", "Levine", "Okafor", "Desai", "Chen", "Moreno"]
_CLINIC = ["Community Health Center", "Urgent Care", "Medical Associates", "Oncology Group",
           "Family Practice", "Surgical Center", "Pain Management"]


class PartnerMaker:
    """Made-up trading partners through the partner service, with names, addresses,
    GLNs and DEA numbers that pass the checks real ones do: the demo's and the large
    demo's (core.scale_data). Each add_* draws from `rng` in a fixed order, so a seed
    gives the same partners."""

    def __init__(self, actor: Actor, rng: random.Random, today: date):
        self.actor, self.rng, self.today = actor, rng, today
        self.gln_refs: set[str] = set()

    def gln(self, prefix: str) -> str:
        """A GLN-13 under a 7-digit company prefix, with its check digit."""
        from biip.checksums import gs1_standard_check_digit

        while True:
            body = prefix + f"{self.rng.randrange(100_000):05d}"
            if body not in self.gln_refs:
                self.gln_refs.add(body)
                return validate_gln(body + str(gs1_standard_check_digit(body)))

    def dea(self, first: str, name: str) -> str:
        d = [self.rng.randrange(10) for _ in range(6)]
        check = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
        second = next((c for c in name.upper() if c.isalpha()), "X")
        return f"{first}{second}{''.join(map(str, d))}{check}"

    def address(self, kind: AddressKind, name: str = "", place=None) -> Address:
        city, state, zip_code = place or self.rng.choice(_PLACES)
        return Address(kind, f"{self.rng.randrange(1, 2400)} {self.rng.choice(_STREETS)}",
                       city, state, zip_code, name=name)

    def phone(self) -> str:
        return f"({self.rng.choice(['201', '732', '973', '609', '856', '718', '215'])}) 555-01{self.rng.randrange(100):02d}"

    def add_manufacturer(self, name: str, place: tuple[str, str, str] | None,
                         gln_prefix: str, registration_expiry: date,
                         gs1_prefix_length: int = 7) -> int:
        """A manufacturer with its FDA registration and a DEA registration for II-V, in
        `place` (city, state, ZIP) or one of the demo's towns."""
        place = place or self.rng.choice(_PLACES)
        pid = partners.add_partner(
            self.actor, name, "supplier", "manufacturer", gln=self.gln(gln_prefix),
            addresses=[self.address(AddressKind.BILL_TO, place=place)],
            phone=self.phone(), gs1_prefix_length=gs1_prefix_length)
        partners.add_evidence(self.actor, pid, "fda_registration",
                              number=f"{3_000_000_000 + self.rng.randrange(10**8)}",
                              expiry=registration_expiry,
                              verified_on=self.today - timedelta(days=self.rng.randrange(10, 200)))
        partners.add_evidence(self.actor, pid, "dea", number=self.dea("R", name),
                              expiry=self.today + timedelta(days=self.rng.randrange(120, 900)),
                              schedules="2,2N,3,3N,4,5")
        return pid

    def add_wholesaler(self, name: str, roles: str, place: tuple[str, str, str] | None,
                       gln_prefix: str, license_expiry: date, annual_due: bool = False) -> int:
        """A wholesale distributor in `place` (or one of the demo's towns): state license,
        FDA annual-report check (`annual_due`: checked 350 days ago), DEA registration."""
        place = place or self.rng.choice(_PLACES)
        pid = partners.add_partner(
            self.actor, name, roles, "wholesaler", gln=self.gln(gln_prefix),
            addresses=[self.address(AddressKind.BILL_TO, place=place),
                       self.address(AddressKind.SHIP_TO, place=place)],
            phone=self.phone())
        partners.add_evidence(self.actor, pid, "state_license",
                              number=f"WD-{self.rng.randrange(10**6):06d}", state=place[1],
                              expiry=license_expiry, license_type="Wholesale drug distributor")
        checked = self.today - timedelta(days=350 if annual_due else self.rng.randrange(5, 200))
        partners.add_evidence(self.actor, pid, "fda_annual_report", verified_on=checked)
        partners.add_evidence(self.actor, pid, "dea", number=self.dea("R", name),
                              expiry=self.today + timedelta(days=self.rng.randrange(120, 900)))
        return pid

    def add_dispenser(self, i: int, gln_prefix: str, license_expiry: date,
                      dea_schedules: str = "", dea_days: tuple[int, int] = (90, 900)) -> int:
        """Customer number `i` (from 0): a pharmacy, or every sixth a clinic, with a state
        license and, given `dea_schedules`, a DEA registration expiring a random number of
        days from today within `dea_days`."""
        owner = self.rng.choice(_OWNER)
        place = self.rng.choice(_PLACES)
        clinic = i % 6 == 5
        name = (f"{place[0]} {self.rng.choice(_CLINIC)}" if clinic else
                f"{owner} {self.rng.choice(_PHARMACY)}" if i % 2 else
                f"{self.rng.choice(_STREETS).split()[0]} {self.rng.choice(_PHARMACY)}")
        name = f"{name} #{i + 1}" if i % 4 == 0 else name
        ship = self.address(AddressKind.SHIP_TO, name, place)
        pid = partners.add_partner(
            self.actor, name, "customer", "dispenser", gln=self.gln(gln_prefix),
            addresses=[ship, Address(AddressKind.BILL_TO, ship.street, ship.city,
                                     ship.state, ship.postal_code, name=name)],
            phone=self.phone(), email=f"orders{i + 1}@example.com")
        partners.add_evidence(
            self.actor, pid, "state_license", number=f"28RS{self.rng.randrange(10**6):06d}",
            state=place[1], expiry=license_expiry,
            license_type="Clinic" if clinic else "Retail pharmacy",
            verified_on=self.today - timedelta(days=self.rng.randrange(1, 120)))
        if dea_schedules:
            expiry = self.today + timedelta(days=self.rng.randrange(*dea_days))
            partners.add_evidence(self.actor, pid, "dea", number=self.dea("F", name),
                                  expiry=expiry, schedules=dea_schedules)
        return pid


class _Builder:
    def __init__(self, actor: Actor, size: DemoSize, rng_seed: int, today: date,
                 progress: Progress | None):
        self.actor, self.size, self.today = actor, size, today
        self.rng = random.Random(rng_seed)
        self.progress = progress or (lambda step, done, total: None)
        self.partners = PartnerMaker(actor, self.rng, today)

    # -- product master ----------------------------------------------------------------
    def add_products(self) -> list[dict]:
        """At least size.products products, spread over the labelers."""
        want = self.size.products
        fluids = max(2, want // 40)
        serialized_target = want - fluids
        candidates = []
        for name, form_text, form, strengths, counts, schedule, storage in _DRUGS:
            for strength in strengths:
                for count in counts:
                    candidates.append((name, form_text, form, strength, count, schedule, storage))
        self.rng.shuffle(candidates)
        # Keep every controlled and cold product family represented even when small.
        candidates.sort(key=lambda c: (c[5] == "none" and c[6] == "room"))
        chosen = candidates[:serialized_target]
        fluid_rows = [(n, f, s) for n, f, sizes in _FLUIDS for s in sizes][:fluids]
        labelers = [(m, code) for m, code, *_ in _MANUFACTURERS]
        next_product: dict[str, int] = {}
        made = []
        total = len(chosen) + len(fluid_rows)
        items = [("drug", c) for c in chosen] + [("fluid", f) for f in fluid_rows]
        for i, (kind, item) in enumerate(items):
            manufacturer, labeler = labelers[i % len(labelers)] if kind == "drug" else \
                labelers[7]  # the sterile-products maker
            layout = "4-4-2" if len(labeler) == 4 else _LAYOUT_OF_5[labeler]
            digits = {"4-4-2": (4, 2), "5-3-2": (3, 2), "5-4-1": (4, 1)}[layout]
            number = next_product.get(labeler, self.rng.randrange(100, 900))
            next_product[labeler] = number + self.rng.randrange(1, 7)
            product_code = f"{number % 10 ** digits[0]:0{digits[0]}d}"
            package_code = f"{self.rng.randrange(1, 10 ** digits[1]):0{digits[1]}d}"
            ndc = parse_ndc(f"{labeler}-{product_code}-{package_code}")
            if kind == "drug":
                name, form_text, form, strength, count, schedule, storage = item
                unit_doses = count > 1 and ("tablet" in form or "capsule" in form)
                package = f"bottle of {count}" if unit_doses else (
                    f"carton of {count}" if count > 1 else "1 each")
                title = f"{name} {strength} {form_text}" + (f", {count} count" if unit_doses else
                                                          f", {package}")
                cost = self.rng.randrange(150, 9_000) if storage == "room" else \
                    self.rng.randrange(8_000, 120_000)
                fields = dict(strength=strength, dosage_form=form, package_description=package,
                              schedule=schedule, storage=storage, serialized=True,
                              min_shelf_life_days=180 if storage == "room" else 90)
            else:
                name, form, bag = item
                title, package = f"{name}, {bag}", bag
                cost = self.rng.randrange(120, 900)
                fields = dict(strength="", dosage_form=form, package_description=package,
                              schedule="none", storage="room", serialized=False)
            per_case = self.rng.choice([12, 24, 48]) if i % 3 == 0 else 1
            fields.update(
                manufacturer=manufacturer, standard_cost=f"{cost / 100:.2f}",
                list_price=f"{cost * self.rng.choice([125, 135, 150, 180]) / 10000:.2f}",
                units_per_case=per_case, case_gtin=ndc.gtin14(5) if per_case > 1 else "")
            title = title if len(title) <= 200 else title[:197] + "..."
            pid = products.add_product(self.actor, ndc.ndc10, title, **fields)
            made.append({"id": pid, "gtin": ndc.gtin14(), "name": title, "ndc": ndc,
                         "schedule": fields["schedule"], "storage": fields["storage"],
                         "serialized": fields["serialized"]})
            self.progress("products", i + 1, total)
        return made

    # -- trading partners ---------------------------------------------------------------
    def _expiries(self, count: int) -> list[date]:
        """Mostly valid for months; a few expiring within 30 days; a few expired."""
        expired = max(2, count // 14)
        expiring = max(3, count // 9)
        days = ([-self.rng.randrange(5, 200) for _ in range(expired)]
                + [self.rng.randrange(3, 29) for _ in range(expiring)]
                + [self.rng.randrange(60, 730) for _ in range(count - expired - expiring)])
        self.rng.shuffle(days)
        return [self.today + timedelta(days=d) for d in days]

    def add_partners(self) -> dict[str, list[int]]:
        size, maker = self.size, self.partners
        total = size.customers + size.suppliers
        done = 0
        ids: dict[str, list[int]] = {"customers": [], "suppliers": []}
        supplier_expiry = self._expiries(size.suppliers)
        makers = _MANUFACTURERS[:max(1, size.suppliers - min(3, size.suppliers // 3))]
        for i, (name, labeler, city, state, zip_code) in enumerate(makers):
            ids["suppliers"].append(maker.add_manufacturer(
                name, (city, state, zip_code), ("03" + labeler).ljust(7, "0")[:7],
                supplier_expiry[i], gs1_prefix_length=len("03" + labeler)))
            done += 1
            self.progress("trading partners", done, total)
        for j, (name, city, state, zip_code) in enumerate(
                _WHOLESALERS[:size.suppliers - len(makers)]):
            ids["suppliers"].append(maker.add_wholesaler(
                name, "customer+supplier" if j == 0 else "supplier", (city, state, zip_code),
                "0" + f"{860_000 + j:06d}", supplier_expiry[len(makers) + j],
                annual_due=j == 1))
            done += 1
            self.progress("trading partners", done, total)
        customer_expiry = self._expiries(size.customers)
        for i in range(size.customers):
            schedules = "" if i % 10 == 9 else "2,2N,3,3N,4,5" if i % 7 else "3,3N,4,5"
            ids["customers"].append(maker.add_dispenser(
                i, "0" + f"{870_000 + i // 50:06d}", customer_expiry[i], schedules,
                (-60, 900) if i % 15 == 4 else (90, 900)))
            done += 1
            self.progress("trading partners", done, total)
        return ids

    # -- bins -----------------------------------------------------------------------
    def add_bins(self) -> dict[str, list[str]]:
        """Room zones A and B (aisles of bays), a walk-in fridge F, a CII vault V;
        pick sequence follows a serpentine walk through each zone."""
        layout = [("A", "room", 6, 8), ("B", "room", 4, 8), ("F", "refrigerated", 2, 6),
                  ("V", "room", 1, 6)]
        total = sum(a * b for _, _, a, b in layout)
        bins: dict[str, list[str]] = {}
        done, sequence = 0, 0
        for zone, storage, aisles, bays in layout:
            for aisle in range(1, aisles + 1):
                order = range(1, bays + 1) if aisle % 2 else range(bays, 0, -1)
                for bay in order:
                    sequence += 10
                    code = f"{zone}{aisle:02d}-{bay:02d}"
                    locations.add_bin(self.actor, code, zone=zone, aisle=f"{zone}{aisle:02d}",
                                      pick_sequence=sequence, storage=storage,
                                      name={"F": "Walk-in fridge", "V": "CII vault"}.get(zone, ""))
                    bins.setdefault(zone, []).append(code)
                    done += 1
                    self.progress("bins", done, total)
        return bins

    # -- stock -------------------------------------------------------------------------
    def _lot_expiry(self, index: int) -> date:
        """About 6% expired, 12% within 90 days, the rest one to three years out."""
        roll = index % 50
        if roll < 3:
            return self.today - timedelta(days=self.rng.randrange(5, 180))
        if roll < 9:
            return self.today + timedelta(days=self.rng.randrange(1, 90))
        return self.today + timedelta(days=self.rng.randrange(365, 1095))

    def _serials(self, count: int, used: set[str]) -> list[str]:
        alphabet = string.ascii_uppercase + string.digits
        out = []
        choices, randrange = self.rng.choices, self.rng.randrange
        while len(out) < count:
            serial = "".join(choices(alphabet, k=randrange(10, 13)))
            if serial not in used:
                used.add(serial)
                out.append(serial)
        return out

    def add_stock(self, made: list[dict], bins: dict[str, list[str]]) -> int:
        serialized = [p for p in made if p["serialized"]]
        weights = [self.rng.paretovariate(1.6) for _ in serialized]
        scale = self.size.packages / sum(weights)
        plan = []  # (product, lot number, expiry, bin, serial count or quantity)
        lot_index = 0
        for product, weight in zip(serialized, weights):
            units = max(4, round(weight * scale))
            lots = min(6, 1 + units // 120 + self.rng.randrange(2))
            shares = [self.rng.randrange(1, 10) for _ in range(lots)]
            left = units
            zone = ("F" if product["storage"] == "refrigerated" else
                    "V" if product["schedule"] == "cii" else self.rng.choice("AAB"))
            home = self.rng.choice(bins[zone])
            for k in range(lots):
                count = left if k == lots - 1 else max(1, units * shares[k] // sum(shares))
                count = min(count, left - (lots - 1 - k))
                left -= count
                lot_number = f"{product['ndc'].labeler[-2:]}{self.rng.choice('ABCDEFGHJKLMN')}" \
                             f"{self.rng.randrange(1000, 9999)}{k}"
                where = home if k % 3 != 2 else self.rng.choice(bins[zone])
                plan.append((product, lot_number, self._lot_expiry(lot_index), where, count))
                lot_index += 1
        for product in (p for p in made if not p["serialized"]):
            for k in range(2):
                plan.append((product, f"F{self.rng.randrange(10000, 99999)}{k}",
                             self._lot_expiry(lot_index), self.rng.choice(bins["B"]),
                             self.rng.randrange(24, 400)))
                lot_index += 1
        total = sum(n for p, *_, n in plan if p["serialized"])
        done = 0
        used: dict[str, set[str]] = {}
        for product, lot_number, expiry, where, count in plan:
            if not product["serialized"]:
                stock.add_opening_stock(self.actor, product["gtin"], lot_number, expiry, where,
                                        quantity=count, note="demo opening stock")
                continue
            serials = self._serials(count, used.setdefault(product["gtin"], set()))
            for start in range(0, count, PER_CALL):
                chunk = serials[start:start + PER_CALL]
                stock.add_opening_stock(self.actor, product["gtin"], lot_number, expiry, where,
                                        serials=chunk, note="demo opening stock")
                done += len(chunk)
                self.progress("stock", done, total)
        self.quarantine_some(serialized, used)
        return total

    def quarantine_some(self, serialized: list[dict], used: dict[str, set[str]]) -> None:
        """A dented carton, a seal that looks wrong: the quarantine cage is never empty."""
        picks = self.rng.sample([p for p in serialized if p["gtin"] in used],
                                min(6, len(serialized)))
        for n, product in enumerate(picks):
            serials = sorted(used[product["gtin"]])[:2]
            stock.quarantine_packages(
                self.actor, [(product["gtin"], s) for s in serials],
                "seal looks tampered; investigating with the supplier" if n % 3 == 0
                else "carton crushed in receiving", suspect=n % 3 == 0)


def demo_admin() -> Actor:
    """The demo company's administrator, who "does" everything the demo builds."""
    from core.queries.users import list_users

    admin = next(u for u in list_users() if u.role is Role.ADMIN and u.active)
    return Actor(admin.id, admin.username, admin.role)


def build_demo_business(actor: Actor, rng_seed: int = DEFAULT_SEED, size: DemoSize | str = "small",
                        progress: Progress | None = None, today: date | None = None) -> DemoSize:
    """Fill a freshly set-up demo company with products, partners, bins and stock, all
    through the services, in one transaction (a failed build leaves nothing behind).
    `progress(step, done, total)` is called as work completes."""
    size = SCALES[size] if isinstance(size, str) else size
    builder = _Builder(actor, size, rng_seed, today or date.today(), progress)
    with write_transaction():
        made = builder.add_products()
        builder.add_partners()
        bins = builder.add_bins()
        builder.add_stock(made, bins)
    return size


