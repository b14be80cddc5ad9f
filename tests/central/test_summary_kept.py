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
