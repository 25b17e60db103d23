"""The hash-chained audit trail detects every direct change to the database."""

import pytest

from core.db import database, is_postgres
from core.permissions import Role
from core.queries.audit import recent_entries, verify_chain
from core.services.company import update_company


def _tamper(sql: str) -> None:
    """Change the table behind RxDesk's back, as someone with database access could."""
    with database.atomic():
        if is_postgres():
            database.execute_sql("SET LOCAL session_replication_role = replica")
        else:
            database.execute_sql("DROP TRIGGER IF EXISTS audit_entry_no_update")
            database.execute_sql("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        database.execute_sql(sql)


def _write_some(actors, n=3):
    for i in range(n):
        update_company(actors[Role.OWNER], phone=f"(732) 555-01{i:02d}")


def test_intact_chain_counts_every_entry(db, actors):
    _write_some(actors)
    check = verify_chain()
    assert check.intact
    assert check.checked == recent_entries(1)[0].id


def test_every_write_is_audited_with_before_and_after(db, actors):
    update_company(actors[Role.OWNER], phone="(732) 555-0177", city="Newark")
    entry = recent_entries(1)[0]
    assert (entry.username, entry.action, entry.entity) == ("owner", "update_company", "company")
    assert "phone: '(732) 555-0100' -> '(732) 555-0177'" in entry.summary
    assert "city: 'Edison' -> 'Newark'" in entry.summary


def test_edited_entry_is_named(db, actors):
    _write_some(actors)
    target = recent_entries(2)[1].id
    _tamper(f"UPDATE audit_entry SET summary = 'nothing happened' WHERE id = {target}")
    check = verify_chain()
    assert check.first_broken == target
    assert "changed after it was written" in check.problem


def test_deleted_entry_is_named(db, actors):
    _write_some(actors)
    target = recent_entries(3)[2].id
    _tamper(f"DELETE FROM audit_entry WHERE id = {target}")
    check = verify_chain()
    assert (check.intact, check.first_broken) == (False, target)
    assert f"entry {target} is missing" == check.problem


def test_deleting_the_newest_entry_is_detected(db, actors):
    _write_some(actors)
    last = recent_entries(1)[0].id
    _tamper(f"DELETE FROM audit_entry WHERE id = {last}")
    assert verify_chain().first_broken == last


def test_database_refuses_update_and_delete(db, actors):
    _write_some(actors, 1)
    import peewee

    for sql in ("UPDATE audit_entry SET summary = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(peewee.DatabaseError, match="append-only"):
            with database.atomic():
                database.execute_sql(sql)
    if is_postgres():
        with pytest.raises(peewee.DatabaseError, match="append-only"):
            with database.atomic():
                database.execute_sql("TRUNCATE audit_entry")
    assert verify_chain().intact
