"""The sync state of records, as the screens show it: 未同步, 已同步, 有冲突, 被拒绝."""

import sqlite3
from collections.abc import Sequence

from ..store.records import RECORD_TYPES

UNSYNCED, SYNCED, CONFLICT, REJECTED = "unsynced", "synced", "conflict", "rejected"
STATE_TEXT = {UNSYNCED: "未同步", SYNCED: "已同步", CONFLICT: "有冲突", REJECTED: "被拒绝"}


def record_states(conn: sqlite3.Connection, record_ids: Sequence[str]) -> dict[str, str]:
    """The sync state of each record: a conflict beats a rejection beats unsynced beats synced."""
    states = dict.fromkeys(record_ids, SYNCED)
    if not record_ids:
        return states
    marks = ",".join("?" * len(record_ids))
    for rid, rejected in conn.execute(
        f"""SELECT record_id, max(sync_status = 'rejected') FROM journal
            WHERE record_id IN ({marks}) AND origin = 'local' AND server_seq IS NULL
            GROUP BY record_id""",
        list(record_ids),
    ):
        states[rid] = REJECTED if rejected else UNSYNCED
    for (rid,) in conn.execute(
        f"SELECT DISTINCT target_id FROM conflicts WHERE status = 'open' AND deleted = 0 "
        f"AND target_id IN ({marks})",
        list(record_ids),
    ):
        states[rid] = CONFLICT
    return states


def open_conflict_count(conn: sqlite3.Connection) -> int:
    return conn.execute(
        "SELECT count(*) FROM conflicts WHERE status = 'open' AND deleted = 0"
    ).fetchone()[0]


def open_conflicts(conn: sqlite3.Connection) -> list[dict]:
    cur = conn.execute("SELECT * FROM conflicts WHERE status = 'open' AND deleted = 0 ORDER BY n")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur]


def case_states(conn: sqlite3.Connection) -> dict[str, str]:
    """The cases that are not simply synced, with their state: read from the (small) set of
    pending local changes and open conflicts, so the case list can show it for every row."""
    states: dict[str, str] = {}
    rank = {UNSYNCED: 1, REJECTED: 2, CONFLICT: 3}

    def mark(case_id: str | None, state: str) -> None:
        if case_id and rank[state] > rank.get(states.get(case_id, ""), 0):
            states[case_id] = state

    for rtype, rid, status in conn.execute(
        "SELECT record_type, record_id, sync_status FROM journal INDEXED BY journal_unsynced "
        "WHERE server_seq IS NULL AND origin = 'local'"
    ):
        rt = RECORD_TYPES.get(rtype)
        if rt is None:
            continue
        if rt.case_ref is None:
            case_id = rid
        else:
            row = conn.execute(
                f"SELECT {rt.case_ref} FROM {rt.table} WHERE id = ?", (rid,)
            ).fetchone()
            case_id = row[0] if row else None
        mark(case_id, REJECTED if status == "rejected" else UNSYNCED)
    for (case_id,) in conn.execute(
        "SELECT case_id FROM conflicts WHERE status = 'open' AND deleted = 0"
    ):
        mark(case_id, CONFLICT)
    return states
