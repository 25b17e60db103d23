"""Step 10: a customer's sales tax rate to a tenth of a basis point.

Rates were whole basis points, which cannot hold the thousandth of a percent US states
and cities set (New Jersey 6.625% is 662.5 bp). The column now holds integer tenths of
a basis point under a name that says so; existing rates are multiplied by ten, so every
customer keeps exactly the rate it had.
"""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def up(db: peewee.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.rename_column("partner", "tax_rate_bp", "tax_rate_tenth_bp"))
    db.execute_sql("UPDATE partner SET tax_rate_tenth_bp = tax_rate_tenth_bp * 10")
