"""One pack station in its own process, for the concurrency test: open the database,
wait for the other station, scan a list of packages into an order, ship what it got."""

from __future__ import annotations

from core import connection
from core.db import close_database
from core.errors import RxDeskError
from core.permissions import Actor, Role
from core.queries.users import list_users
from core.services import shipping


def pack_and_ship(url: str, order_id: int, scans: list[str], barrier, results) -> None:
    connection.connect(url).require_ready()
    try:
        lead = next(Actor(u.id, u.username, u.role) for u in list_users()
                    if u.role is Role.WAREHOUSE)
        shipment_id = shipping.start_packing(lead, order_id)
        barrier.wait(timeout=60)
        packed, refused = [], []
        for raw in scans:
            try:
                result = shipping.pack_scan(lead, shipment_id, raw)
                packed += [unit.serial for unit in result.units]
            except RxDeskError as error:
                refused.append(str(error))
        shipped = shipping.ship(lead, shipment_id).packages if packed else 0
        results.put((order_id, packed, refused, shipped))
    finally:
        close_database()
