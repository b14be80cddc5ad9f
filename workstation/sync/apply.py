"""Applying pulled changes so that the workstation ends where the server is.

The server orders changes with its sequence and the last one accepted holds each field. A pulled
change is applied field by field, except where the field's current local version is
- a local change not yet acknowledged (it will be pushed and, on the server, come after), or
- a change the server ordered after the pulled one.
Such fields are recorded as `skipped` in the journal row, so a replay does the same.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from ..store.journal import Applied, Change, apply_changes
from ..store.records import record_type, record_versions


@dataclass
class PullOutcome:
    applied: Applied = field(default_factory=Applied)
    acknowledged: int = 0  # our own changes, echoed back with their server_seq
    unknown_base: list[str] = field(default_factory=list)  # changes to records we do not hold


def _version_seq(conn: sqlite3.Connection, change_id: str) -> tuple[int | None, bool]:
    """(server_seq, pending) of the change that set a field: pending = local, not yet accepted."""
    row = conn.execute(
        "SELECT server_seq, origin, sync_status FROM journal WHERE change_id = ?", (change_id,)
    ).fetchone()
    if row is None:
        return 0, False
    server_seq, origin, sync_status = row
    pending = origin == "local" and server_seq is None and sync_status is None
    return server_seq, pending


def apply_pulled(conn: sqlite3.Connection, changes: Iterable[Change]) -> PullOutcome:
    """Apply a page of pulled changes inside the caller's transaction.

    Changes are applied in batches: a batch is written before a change that touches a record the
    batch holds, so each skip decision sees the state the changes before it left (a first sync,
    all new records, is one batch per page).
    """
    out = PullOutcome()
    batch: list[Change] = []
    in_batch: set[str] = set()
    created: set[str] = set()  # cases created by this page, applied or still in the batch

    def flush() -> None:
        if batch:
            result = apply_changes(conn, batch, check_base=False, values_checked=True)
            out.applied.changes.extend(result.changes)
            out.applied.case_ids |= result.case_ids
            out.applied.created_case_ids |= result.created_case_ids
            batch.clear()
            in_batch.clear()

    changes = list(changes)
    known = dict(_known_changes(conn, [ch.change_id for ch in changes]))
    # Looked up once for the page; a record the page has already written is read again.
    rows = _current_rows(conn, changes)
    written: set[str] = set()
    cases_here = _cases_here(conn, changes)
    for ch in changes:
        assert ch.server_seq is not None, "pulled changes carry the server's sequence"
        if ch.change_id in known:
            if known[ch.change_id] is None:
                conn.execute(
                    "UPDATE journal SET server_seq = ?, sync_status = NULL, sync_note = '' "
                    "WHERE change_id = ?",
                    (ch.server_seq, ch.change_id),
                )
                out.acknowledged += 1
            continue
        rt = record_type(ch.record_type)
        if ch.record_id in in_batch:
            flush()
        if ch.record_id in written:
            row = conn.execute(
                f"SELECT _origin, _versions FROM {rt.table} WHERE id = ?", (ch.record_id,)
            ).fetchone()
        else:
            row = rows.get((rt.table, ch.record_id))
        creating = all(v is None for v in ch.base.values())
        if row is None and not creating:
            out.unknown_base.append(ch.change_id)  # e.g. a case newly assigned: recover
            continue
        if row is None and rt.case_ref:
            case_id = ch.fields.get(rt.case_ref)
            if case_id not in created and case_id not in cases_here:
                out.unknown_base.append(ch.change_id)
                continue
        skipped: list[str] = []
        if row is not None:
            versions = record_versions(rt, row[0], json.loads(row[1]))
            for name in ch.fields:
                seq, pending = _version_seq(conn, versions[name])
                if pending or (seq is not None and seq > ch.server_seq):
                    skipped.append(name)
        if row is None and rt.case_ref is None:
            created.add(ch.record_id)
        batch.append(replace(ch, skipped=tuple(skipped)) if skipped else ch)
        in_batch.add(ch.record_id)
        written.add(ch.record_id)
    flush()
    return out


def _known_changes(conn: sqlite3.Connection, ids: list[str]) -> Iterable[tuple[str, int | None]]:
    for part in _chunks(ids):
        yield from conn.execute(
            f"SELECT change_id, server_seq FROM journal WHERE change_id IN "
            f"({','.join('?' * len(part))})",
            part,
        )


def _current_rows(
    conn: sqlite3.Connection, changes: list[Change]
) -> dict[tuple[str, str], tuple[str, str]]:
    """(_origin, _versions) of the records these changes touch that are here, by (table, id)."""
    ids: dict[str, set[str]] = {}
    for ch in changes:
        ids.setdefault(record_type(ch.record_type).table, set()).add(ch.record_id)
    rows = {}
    for table, wanted in ids.items():
        for part in _chunks(sorted(wanted)):
            for rid, origin, versions in conn.execute(
                f"SELECT id, _origin, _versions FROM {table} WHERE id IN "
                f"({','.join('?' * len(part))})",
                part,
            ):
                rows[table, rid] = (origin, versions)
    return rows


def _cases_here(conn: sqlite3.Connection, changes: list[Change]) -> set[str]:
    """The cases, among those these changes' records belong to, that this file holds already."""
    refs = set()
    for ch in changes:
        ref = record_type(ch.record_type).case_ref
        if ref is not None and isinstance(case_id := ch.fields.get(ref), str):
            refs.add(case_id)
    here = set()
    for part in _chunks(sorted(refs)):
        here.update(
            r[0]
            for r in conn.execute(
                f"SELECT id FROM cases WHERE id IN ({','.join('?' * len(part))})", part
            )
        )
    return here


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
