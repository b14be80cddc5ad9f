"""The indicators' columns (case_facts, fund_facts, document_facts) say what the records say:
after pushes that create and change records, and after migration 7 filled them from records
stored before it."""

import json
from typing import Any

import pytest
from sqlalchemy import Connection, select, text

from central import admin, migrations
from central.db import Database
from central.facts import FACTS
from central.ingest import ingest
from central.tables import case_facts, fund_facts, records
from tests.central.helpers import edit
from workstation import demo
from workstation.sync.protocol import ACCEPTED

PASSWORD = "password-123"


@pytest.fixture
def db(db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(demo, "DETAIL_SHARE", 0.5)  # funds on half the cases
    database = Database(db_url)
    admin.init(database)
    admin.add_account(database, "zhang", PASSWORD, role="officer", court="豫0302", name="张伟")
    admin.load_demo(database, cases=40, seed=5, court="豫0302", officer_username="zhang")
    yield database
    database.close()


def facts(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for table, _row in FACTS.values():
        rows = conn.execute(select(table).order_by(table.c.id)).fetchall()
        out[table.name] = [tuple(r) for r in rows]
    return out


def from_records(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """What the facts tables should hold, read from the records' stored JSON."""
    out: dict[str, list[tuple[Any, ...]]] = {t.name: [] for t, _ in FACTS.values()}
    for rtype, rid, case_id, court, values in conn.execute(
        select(
            records.c.record_type,
            records.c.record_id,
            records.c.case_id,
            records.c.court_code,
            records.c.field_values,
        ).order_by(records.c.record_id)
    ):
        if rtype in FACTS:
            table, row = FACTS[rtype]
            fact = row(rid, court, case_id, json.loads(values))
            out[table.name].append(tuple(fact[c.name] for c in table.columns))
    return out


def base(conn: Connection, record_type: str, record_id: str, fields: list[str]) -> dict[str, str]:
    origin, versions = conn.execute(
        select(records.c.origin, records.c.versions).where(
            records.c.record_type == record_type, records.c.record_id == record_id
        )
    ).one()
    changed = json.loads(versions)
    return {f: changed.get(f, origin) for f in fields}


def test_facts_follow_pushes_that_change_a_case_and_its_funds(db: Database) -> None:
    actor = admin.officer_actor(db, "zhang")
    with db.read() as conn:
        case_id = (
            conn.execute(
                select(case_facts.c.id)
                .where(case_facts.c.status == "open")
                .order_by(case_facts.c.id)
            )
            .scalars()
            .first()
        )
        fund_id = conn.execute(select(fund_facts.c.id).order_by(fund_facts.c.id)).scalars().first()
        assert case_id and fund_id
        closing = {
            "status": "closed",
            "closing_date": "2026-11-20",
            "closing_method": "completed",
            "officer": "李娜",
        }
        funds_edit = {"amount": 123_456, "date": "2026-11-02", "deleted": 1}
        wires = [
            edit("case", case_id, closing, base(conn, "case", case_id, list(closing))),
            edit("funds", fund_id, funds_edit, base(conn, "funds", fund_id, list(funds_edit))),
        ]
    with db.write() as conn:
        batch = ingest(conn, actor, wires)
    assert [r.status for r in batch.results] == [ACCEPTED, ACCEPTED]
    with db.read() as conn:
        assert facts(conn) == from_records(conn)
        row = conn.execute(select(case_facts).where(case_facts.c.id == case_id)).one()
        assert (row.status, row.closing_date, row.closing_method, row.officer) == (
            "closed",
            "2026-11-20",
            "completed",
            "李娜",
        )
        assert row.kind_code == 1 and row.court_code == "豫0302"
        row = conn.execute(select(fund_facts).where(fund_facts.c.id == fund_id)).one()
        assert (row.amount, row.date, row.deleted) == (123_456, "2026-11-02", 1)
        counts = {name: len(rows) for name, rows in facts(conn).items()}
    assert counts["case_facts"] == 40 and counts["fund_facts"] > 5


def test_migration_7_fills_the_facts_from_records_stored_before_it(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.read() as conn:
        kept = facts(conn)
        assert kept == from_records(conn)
    with db.write() as conn:  # as a version-6 server left it: records, no facts tables
        for table, _row in FACTS.values():
            conn.execute(text(f"DROP TABLE {table.name}"))
        conn.execute(text("UPDATE schema_version SET version = 6"))
    monkeypatch.setattr(migrations, "_M7_BATCH", 7)  # several batches
    assert migrations.migrate(db) == [7]
    with db.read() as conn:
        assert facts(conn) == kept
        assert facts(conn) == from_records(conn)
