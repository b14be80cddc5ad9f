"""The summaries kept per case and per officer equal a full count, after ingest and reassignment."""

from pathlib import Path

from sqlalchemy import select

from central import admin, feed
from central.db import Database
from central.tables import case_scope
from workstation.sync import protocol

PASSWORD = "password-123"


def test_kept_officer_summaries_equal_a_full_count_after_pushes_and_reassignment(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    admin.init(db)
    admin.add_account(db, "zhang", PASSWORD, role="officer", court="豫0302", name="张伟")
    admin.add_account(db, "li", PASSWORD, role="officer", court="豫0302", name="李娜")
    admin.load_demo(db, cases=30, seed=1, court="豫0302", officer_username="zhang")
    admin.load_demo(db, cases=10, seed=2, court="豫0302", officer_username="li")
    with db.read() as conn:
        numbers = [r[0] for r in conn.execute(select(case_scope.c.case_number).limit(3))]
    for number in numbers:
        admin.assign(db, number, "li")
    admin.assign(db, numbers[0], "zhang")  # and one back
    counts = {}
    with db.read() as conn:
        for username in ("zhang", "li"):
            actor = admin.officer_actor(db, username)
            kept = feed.summary(conn, actor)
            assert kept == protocol.summary(feed.scoped_versions(conn, actor))
            counts[username] = kept["count"]
    assert counts["zhang"] > 0 and counts["li"] > 0
    db.close()


def test_migration_5_recomputes_digests_made_over_the_old_field_list(tmp_path: Path):
    """A server database from before migration 5 kept digests over every field of a record;
    after it, the kept sums equal a full count under the new digest again."""
    from sqlalchemy import text

    from central import migrations

    db = Database(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    admin.init(db)
    admin.add_account(db, "zhang", PASSWORD, role="officer", court="豫0302", name="张伟")
    admin.load_demo(db, cases=20, seed=3, court="豫0302", officer_username="zhang")
    actor = admin.officer_actor(db, "zhang")
    with db.write() as conn:  # as a version-4 server left it: other digests, version 4
        conn.execute(text("UPDATE records SET digest = :d"), {"d": "1" * 64})
        conn.execute(text("UPDATE case_scope SET digest_sum = :d"), {"d": "2" * 64})
        conn.execute(text("UPDATE officer_digests SET digest_sum = :d"), {"d": "3" * 64})
        conn.execute(text("UPDATE schema_version SET version = 4"))
    with db.read() as conn:
        assert feed.summary(conn, actor) != protocol.summary(feed.scoped_versions(conn, actor))
    assert migrations.migrate(db) == list(range(5, migrations.LATEST_VERSION + 1))
    with db.read() as conn:
        kept = feed.summary(conn, actor)
        assert kept == protocol.summary(feed.scoped_versions(conn, actor))
        assert kept["count"] > 20
    db.close()


def test_a_field_added_to_a_record_type_changes_no_digest(tmp_path: Path, monkeypatch):
    """Digests cover the creating change and the changes since, never the field list: the
    workstation's summary and the server's are the same after a release adds a field."""
    from dataclasses import replace

    from workstation.demo import fill_demo
    from workstation.store import records
    from workstation.store.casefile import CaseFile
    from workstation.sync.client import local_summary

    db = Database(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    admin.init(db)
    admin.add_account(db, "zhang", PASSWORD, role="officer", court="豫0302", name="张伟")
    admin.load_demo(db, cases=5, seed=4, court="豫0302", officer_username="zhang")
    actor = admin.officer_actor(db, "zhang")
    with CaseFile.open(tmp_path / "c.sqlite3", create=True) as cf:
        fill_demo(cf, 20, seed=5)
        with db.read() as conn:
            server_before = protocol.summary(feed.scoped_versions(conn, actor))
        local_before = local_summary(cf, recompute=True)
        for name, rt in list(records.RECORD_TYPES.items()):
            wider = replace(rt, fields=(*rt.fields, records.Field("added_later")), by_name={})
            monkeypatch.setitem(records.RECORD_TYPES, name, wider)
        assert local_summary(cf, recompute=True) == local_before
        with db.read() as conn:
            assert protocol.summary(feed.scoped_versions(conn, actor)) == server_before
    db.close()
