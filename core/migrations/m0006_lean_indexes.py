"""Step 6: drop indexes that a composite index already serves, and the location indexes
of the stock ledger.

Every serialized package shipped or received touches these tables once or twice; on
PostgreSQL each index costs about 10 µs per row written (a 90,000-package shipment
updates 90,000 package rows and appends 90,000 moves). The queries keep their index:
- package by product / lot / location: (product, serial), (lot, status), (location,
  status) start with the same column;
- stock_balance by lot / product: (lot, location, status), (product, status);
- shipment_item by shipment: (shipment, line), (shipment, package);
- stock_move, shipment_item by from/to location, stock_move by product, shipment_item
  by lot: nothing looks moves or items up that way (a trace goes by package or lot;
  a bin's contents come from stock_balance and package).
"""

import peewee

DROPPED = (
    "package_product_id", "package_lot_id", "package_location_id",
    "stock_balance_lot_id", "stock_balance_product_id",
    "shipment_item_shipment_id", "shipment_item_lot_id", "shipment_item_from_location_id",
    "stock_move_product_id", "stock_move_from_location_id", "stock_move_to_location_id",
)


def up(db: peewee.Database) -> None:
    for name in DROPPED:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
