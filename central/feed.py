"""What a workstation reads: the change feed after a cursor, the summary, the status.

The feed returns the stored JSON bodies as they are, with "server_seq" spliced in as text: a
first sync of 200,000 changes should cost the server an indexed scan, not a parse per change.
"""

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, func, select

from workstation.store.records import digest_versions
from workstation.sync import protocol

from .auth import OFFICER, Actor
from .scope import in_read_scope
from .tables import case_scope, journal, officer_digests, records

MAX_PULL = max(5000, protocol.PULL_PAGE)


def pull(conn: Connection, actor: Actor, since: int, limit: int) -> bytes:
    """The JSON page of changes in `actor`'s scope after `since`, ascending."""
    query = in_read_scope(
        select(journal.c.server_seq, journal.c.body).where(journal.c.server_seq > since),
        journal,
        actor,
    )
    rows = conn.execute(query.order_by(journal.c.server_seq).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    after = rows[-1][0] if rows else since
    # Each body is a JSON object "{...}" written by ingest.wire_body: never empty.
    changes = ",".join([f'{{"server_seq":{seq},{body[1:]}' for seq, body in rows])
    return (
        f'{{"changes":[{changes}],"next":{after},"more":{"true" if more else "false"}}}'
    ).encode()


def scoped_versions(conn: Connection, actor: Actor) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(type, id, versions) of every record in `actor`'s scope, as protocol.summary wants."""
    query = in_read_scope(
        select(records.c.record_type, records.c.record_id, records.c.origin, records.c.versions),
        records,
        actor,
    )
    for rtype, rid, origin, versions in conn.execute(query):
        yield rtype, rid, digest_versions(origin, json.loads(versions))


def summary(conn: Connection, actor: Actor) -> dict[str, Any]:
    """protocol.summary over the records in `actor`'s scope, from the digest stored with each
    record (ingest keeps it; equal to protocol.summary(scoped_versions(...)), which tests check)."""
    if actor.role == OFFICER:  # one row, kept by ingest and assign
        row = conn.execute(
            select(officer_digests.c.record_count, officer_digests.c.digest_sum).where(
                officer_digests.c.account_id == actor.account_id
            )
        ).first()
        count, digest = (row[0], row[1]) if row else (0, "0" * 64)
        return {"count": count, "digest": f"{int(digest, 16) % (1 << 256):064x}"}
    query = select(case_scope.c.record_count, case_scope.c.digest_sum)
    if actor.read_courts is not None:
        query = query.where(case_scope.c.court_code.in_(actor.read_courts))
    count, total = 0, 0
    for records_of_case, digest_sum in conn.execute(query):
        count += records_of_case
        total += int(digest_sum, 16)
    return {"count": count, "digest": f"{total % (1 << 256):064x}"}


def latest_seq(conn: Connection, actor: Actor) -> int:
    """The highest server_seq the actor can see (0 if none)."""
    if actor.read_courts is None and actor.role == "admin":
        return conn.execute(select(func.max(journal.c.server_seq))).scalar() or 0
    query = in_read_scope(select(journal.c.server_seq), journal, actor)
    seq = conn.execute(query.order_by(journal.c.server_seq.desc()).limit(1)).scalar()
    return seq or 0
