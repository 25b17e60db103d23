"""Warehouse bins: where stock sits and the order pickers walk them in."""

from __future__ import annotations

import re

from core.db import write_transaction
from core.errors import AlreadyExists, InvalidInput
from core.models import Location
from core.permissions import Actor, Permission
from core.services import audit
from core.services.access import authorize
from core.vocab import LocationKind, Storage

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,29}$")


def add_bin(actor: Actor, code: str, zone: str = "", aisle: str = "", pick_sequence: int = 0,
            storage: str | Storage = Storage.ROOM, name: str = "") -> int:
    """A new bin; its code is what is printed on the shelf label and scanned."""
    value = (code or "").strip().upper()
    if not _CODE.match(value):
        raise InvalidInput("code", f"Bin code '{code}' must be 1-30 letters, digits or '-'.")
    if not isinstance(pick_sequence, int) or pick_sequence < 0:
        raise InvalidInput("pick_sequence", "The pick sequence is a whole number, 0 or more.")
    storage = Storage.parse(storage, "storage") if isinstance(storage, str) else storage
    with write_transaction():
        authorize(actor, Permission.MANAGE_LOCATIONS)
        if Location.select().where(Location.code == value).exists():
            raise AlreadyExists("location", value)
        loc = Location.create(code=value, name=name.strip(), kind=LocationKind.BIN.value,
                              zone=zone.strip().upper(), aisle=aisle.strip().upper(),
                              pick_sequence=pick_sequence, storage=storage.value)
        audit.record(actor, "add_bin", "location", loc.id,
                     f"{value} zone {loc.zone or '-'} aisle {loc.aisle or '-'} seq {pick_sequence}")
        return loc.id
