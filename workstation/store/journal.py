"""The change journal: the only way state tables change.

`apply_changes` writes, for each change, the state row and one journal row, inside the caller's
transaction. Local edits, pulled server changes and a replay of the journal all go through it,
which is what makes the journal a complete audit trail and a sync feed. Each journal row is
hash-chained to the one before it (store/chain.py), the changes made here also in a push chain
the central server checks.
"""

import functools
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import chain, search
from .errors import ChangeRefused
from .records import (
    FLAG,
    INT,
    MONEY,
    RECORD_TYPES,
    RecordType,
    check_values,
    digest_versions,
    record_digest,
    record_type,
    record_versions,
)

# json.dumps with options builds a new encoder on every call; the journal writes three per change.
_dumps_fields = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_dumps_sorted = json.JSONEncoder(sort_keys=True).encode
_NO_BASE = _dumps_sorted({})
_NO_SKIPPED = json.dumps([])


@dataclass(frozen=True)
class Change:
    """One journaled change to one record: the fields it sets and the versions they had before."""

    change_id: str
    record_type: str
    record_id: str
    fields: dict[str, Any]
    base: dict[str, str | None]
    officer: str
    device: str
    at: str  # UTC, ISO 8601 with Z
    # "local": made here; "server": pulled from the central server; "demo": made by the demo
    # generator, never pushed
    origin: str = "local"
    server_seq: int | None = None
    # Pulled changes: fields not applied here because a later change (in the server's order)
    # already holds them. Kept in the journal so that a replay applies the same.
    skipped: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "change_id": self.change_id,
            "record_type": self.record_type,
            "record_id": self.record_id,
            "fields": self.fields,
            "base": self.base,
            "officer": self.officer,
            "device": self.device,
            "at": self.at,
        }


@dataclass
class Applied:
    """What one `apply_changes` call did: the records touched, per case, for the views to redraw."""

    changes: list[Change] = field(default_factory=list)
    case_ids: set[str] = field(default_factory=set)  # whose search entry may have changed
    created_case_ids: set[str] = field(default_factory=set)  # new here: nothing to unindex


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def field_versions(row: dict[str, Any], rt: RecordType) -> dict[str, str]:
    """The version (the id of the change that last set it) of every field of a state row."""
    return record_versions(rt, row["_origin"], json.loads(row["_versions"]))


def _current(conn: sqlite3.Connection, rt: RecordType, record_id: str) -> dict[str, Any] | None:
    cur = conn.execute(f"SELECT * FROM {rt.table} WHERE id = ?", (record_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def apply_changes(
    conn: sqlite3.Connection,
    changes: Iterable[Change],
    *,
    check_base: bool = True,
    values_checked: bool = False,
) -> Applied:
    """Apply changes inside the caller's transaction: state row and journal row for each.

    With `check_base`, a change whose base versions differ from the fields' current versions is
    refused (someone else changed the field since the officer saw it). Replay and pulled server
    changes, which the server has already ordered, pass `check_base=False`. `values_checked`:
    the field values already went through records.check_values (sync.protocol.change_from_wire
    does it for everything that comes off the wire).
    """
    changes = list(changes)
    if len(changes) > 1 and _only_new_records(conn, changes, values_checked):
        return _insert_new_records(conn, changes, values_checked)
    result = Applied()
    journal_rows = []
    running = _load_summary(conn)  # kept up to date here when the file keeps one
    for ch in changes:
        rt = record_type(ch.record_type)
        checked = ch.fields if values_checked else check_values(rt, ch.fields)
        values = {k: v for k, v in checked.items() if k not in ch.skipped}
        # A change whose base is all None was made against no record: it creates one.
        inserted = False
        if all(v is None for v in ch.base.values()):
            missing = [k for k in rt.required if values.get(k) in (None, "")]
            if missing:
                raise ChangeRefused(
                    "缺少必填项，未保存。", f"new {rt.name} {ch.record_id} lacks {missing}"
                )
            full = {f.name: f.default for f in rt.fields} | values
            if (
                rt.case_ref
                and full[rt.case_ref] not in result.created_case_ids
                and not conn.execute(
                    "SELECT 1 FROM cases WHERE id = ?", (full[rt.case_ref],)
                ).fetchone()
            ):
                raise ChangeRefused(
                    "所属案件不存在，未保存。",
                    f"{rt.name} {ch.record_id}: no case {full[rt.case_ref]}",
                )
            cols = ["id", *full, "_origin"]
            inserted = (
                conn.execute(
                    f"INSERT INTO {rt.table} ({', '.join(cols)}) "
                    f"VALUES ({', '.join('?' * len(cols))}) ON CONFLICT(id) DO NOTHING",
                    [ch.record_id, *full.values(), ch.change_id],
                ).rowcount
                == 1
            )
        if inserted:
            if running is not None:
                running[0] += 1
                running[1] += record_digest(
                    rt.name, ch.record_id, digest_versions(ch.change_id, {})
                )
            if rt.case_ref is None:
                case_id = ch.record_id
                result.created_case_ids.add(case_id)
            else:
                case_id = full[rt.case_ref]
            reindex = search.changes_entry(rt.name)
        else:
            row = _current(conn, rt, ch.record_id)
            if row is None:
                raise ChangeRefused(
                    "要修改的记录不存在，未保存。", f"{rt.name} {ch.record_id} does not exist"
                )
            versions = json.loads(row["_versions"])
            fixed = [k for k in values if k in rt.frozen and values[k] != row[k]]
            if fixed:
                raise ChangeRefused(
                    "已定稿的文书不能修改；如需更正，请另行制作更正文书。",
                    f"{rt.name} {ch.record_id}: frozen fields {fixed}",
                )
            if check_base:
                stale = [k for k in values if ch.base.get(k) != versions.get(k, row["_origin"])]
                if stale:
                    raise ChangeRefused(
                        "这条记录在您编辑期间已被修改（例如刚同步了别处的修改），未保存。"
                        "请重新打开记录，核对后再修改。",
                        f"stale base for {rt.name} {ch.record_id} fields {stale}",
                    )
            if values:
                if running is not None:
                    running[1] -= record_digest(
                        rt.name, ch.record_id, digest_versions(row["_origin"], versions)
                    )
                versions.update({k: ch.change_id for k in values})
                if running is not None:
                    running[1] += record_digest(
                        rt.name, ch.record_id, digest_versions(row["_origin"], versions)
                    )
                sets = ", ".join(f"{k} = ?" for k in values)
                conn.execute(
                    f"UPDATE {rt.table} SET {sets}, _versions = ? WHERE id = ?",
                    [*values.values(), json.dumps(versions, sort_keys=True), ch.record_id],
                )
            case_id = ch.record_id if rt.case_ref is None else row[rt.case_ref]
            reindex = search.changes_entry(rt.name, values)
            if rt.case_ref is not None and rt.case_ref in values:
                moved_to = values[rt.case_ref]
                if not conn.execute("SELECT 1 FROM cases WHERE id = ?", (moved_to,)).fetchone():
                    raise ChangeRefused(
                        "所属案件不存在，未保存。", f"{rt.name} {ch.record_id}: no case {moved_to}"
                    )
                if reindex:
                    result.case_ids.add(moved_to)
        journal_rows.append(_journal_row(ch, checked))
        result.changes.append(ch)
        if reindex:
            result.case_ids.add(case_id)
    if running is not None:
        store_summary(conn, running[0], running[1])
    _append_journal(conn, journal_rows)
    return result


# Every column but server_seq is text, which rows may give as UTF-8 bytes (`write_new_records`).
_INSERT_JOURNAL = f"""INSERT INTO journal (change_id, record_type, record_id, fields, base, officer,
                                          device, at, origin, server_seq, skipped, push_chain,
                                          chain)
                     VALUES ({", ".join(["CAST(? AS TEXT)"] * 9)}, ?,
                             CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))"""


def _journal_row(ch: Change, checked: dict[str, Any]) -> tuple:
    """The journal row's columns up to `skipped`, then, for a change made here (which sync
    pushes), its protocol.content_hash; `_append_journal` turns that into the chain values."""
    # Only the versions there were: a field absent from `base` had none (new record).
    base = {k: v for k, v in ch.base.items() if v is not None}
    return (
        ch.change_id,
        ch.record_type,
        ch.record_id,
        _dumps_fields(checked),
        _dumps_sorted(base) if base else _NO_BASE,
        ch.officer,
        ch.device,
        ch.at,
        ch.origin,
        ch.server_seq,
        json.dumps(sorted(ch.skipped)) if ch.skipped else _NO_SKIPPED,
        chain.wire_content_hash(
            ch.change_id, ch.record_type, ch.record_id, checked, base, ch.officer, ch.device, ch.at
        )
        if ch.origin == "local"
        else None,
    )


def chain_heads(conn: sqlite3.Connection) -> tuple[str, str]:
    """(chain, push_chain) of the last journal row that has one; GENESIS where none has."""
    last = conn.execute("SELECT chain FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    last_push = conn.execute(
        "SELECT push_chain FROM journal INDEXED BY journal_push_chain "
        "WHERE push_chain IS NOT NULL ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return (last[0] if last else chain.GENESIS, last_push[0] if last_push else chain.GENESIS)


def _append_journal(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Insert journal rows (from `_journal_row`) after the last one, each chained to the one
    before (store/chain.py): one sha256 per row, two for a change made here."""
    if not rows:
        return
    conn.executemany(_INSERT_JOURNAL, _chained(*chain_heads(conn), rows))


def _chained(previous: str, previous_push: str, rows: list[tuple]) -> list[tuple]:
    """`_journal_row`s as inserted: their chain values (push_chain, chain) computed from the
    values before them."""
    out = []
    link, push_link, row_entry = chain.link, chain.push_link, chain.row_entry
    for row in rows:
        content_hash = row[11]
        push = None
        if content_hash is not None:
            push = previous_push = push_link(previous_push, content_hash)
        previous = link(previous, row_entry(*row[:11], push))
        out.append((*row[:11], push, previous))
    return out


@functools.cache
def _defaults(record_type_name: str) -> dict[str, Any]:
    return {f.name: f.default for f in RECORD_TYPES[record_type_name].fields}


@functools.cache
def _sorted_field_names(record_type_name: str) -> tuple[str, ...]:
    return tuple(sorted(f.name for f in RECORD_TYPES[record_type_name].fields))


def new_record_digest(rt: RecordType, record_id: str, change_id: str) -> int:
    """record_digest of a record just made by `change_id` (nothing changed since), without
    building its versions (a first sync computes 200,000 of them; a test checks it is equal)."""
    text = f"{rt.name}:{record_id}:_origin={change_id}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def existing_ids(
    conn: sqlite3.Connection, table: str, ids: list[str], column: str = "id"
) -> set[str]:
    """Those of `ids` that `table` holds in `column` (queried 500 at a time)."""
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT {column} FROM {table} WHERE {column} IN ({','.join('?' * len(part))})",
                part,
            )
        )
    return found


def _only_new_records(
    conn: sqlite3.Connection, changes: list[Change], values_checked: bool
) -> bool:
    """Whether every change creates a record that is not here yet (a first sync, the demo), each
    record once: then `_insert_new_records` writes exactly what the change-by-change path would."""
    ids: dict[str, list[str]] = {}
    seen: set[str] = set()
    for ch in changes:
        rt = RECORD_TYPES.get(ch.record_type)
        if (
            rt is None
            or ch.skipped
            or ch.record_id in seen
            or list(ch.base.values()).count(None) != len(ch.base)
            or (values_checked and not rt.by_name.keys() >= ch.fields.keys())
        ):
            return False
        seen.add(ch.record_id)
        ids.setdefault(rt.table, []).append(ch.record_id)
    return not any(existing_ids(conn, table, part) for table, part in ids.items())


def _insert_new_records(
    conn: sqlite3.Connection, changes: list[Change], values_checked: bool
) -> Applied:
    """apply_changes for changes that each create a new record: the same checks in the same
    order, the same state, journal and summary, written with one statement per table."""
    result = Applied()
    checked = []
    refs = [
        ch.fields.get(rt.case_ref)
        for ch in changes
        if (rt := RECORD_TYPES[ch.record_type]).case_ref is not None
    ]
    existing_cases = existing_ids(conn, "cases", [r for r in set(refs) if isinstance(r, str)])
    for ch in changes:
        rt = RECORD_TYPES[ch.record_type]
        values = ch.fields if values_checked else check_values(rt, ch.fields)
        missing = [k for k in rt.required if values.get(k) in (None, "")]
        if missing:
            raise ChangeRefused(
                "缺少必填项，未保存。", f"new {rt.name} {ch.record_id} lacks {missing}"
            )
        if rt.case_ref is None:
            case_id = ch.record_id
            result.created_case_ids.add(case_id)
        else:
            case_id = values.get(rt.case_ref, rt.by_name[rt.case_ref].default)
            if case_id not in result.created_case_ids and case_id not in existing_cases:
                raise ChangeRefused(
                    "所属案件不存在，未保存。", f"{rt.name} {ch.record_id}: no case {case_id}"
                )
        checked.append(values)
        result.changes.append(ch)
        if search.changes_entry(rt.name):
            result.case_ids.add(case_id)
    write_new_records(conn, new_record_rows(changes, checked))
    return result


@dataclass
class NewRecordRows:
    """What `_insert_new_records` writes for changes that each create a record not yet here."""

    state: dict[str, list[list[Any]]]  # by record type: id, the fields in order, _origin
    journal: list[tuple]  # `_journal_row`s; as inserted (chain values set) if `chained_from`
    chained_from: str | None  # the chain value before the first row, when they are chained
    count: int  # added to the kept summary
    digest: int


def new_record_rows(
    changes: Sequence[Change],
    values: Sequence[dict[str, Any]] | None = None,
    *,
    chain_from: str | None = None,
) -> NewRecordRows:
    """The rows of changes that each create a new record (checked as `_insert_new_records` does:
    this only builds). `values`: each change's checked fields, if not its own fields. With
    `chain_from`, the journal rows are chained from it when no row needs a push chain value.
    A pure function, so that a sync helper process can build a pulled page's rows
    (sync/prefetch.py); `write_new_records` writes them."""
    state: dict[str, list[list[Any]]] = {}
    journal_rows = []
    digest = 0
    for i, ch in enumerate(changes):
        rt = RECORD_TYPES[ch.record_type]
        fields = ch.fields if values is None else values[i]
        # every key of `fields` is a field (checked before), so this is the fields' order
        full = _defaults(rt.name) | fields
        state.setdefault(rt.name, []).append([ch.record_id, *full.values(), ch.change_id])
        digest += new_record_digest(rt, ch.record_id, ch.change_id)
        journal_rows.append(_journal_row(ch, fields))
    chained = chain_from is not None and all(row[11] is None for row in journal_rows)
    if chained:
        # no push chain value: the push chain's head is not needed
        journal_rows = _chained(chain_from, chain.GENESIS, journal_rows)
    return NewRecordRows(
        state, journal_rows, chain_from if chained else None, len(journal_rows), digest
    )


def write_new_records(conn: sqlite3.Connection, rows: NewRecordRows) -> None:
    """Insert what `new_record_rows` built (inside the caller's transaction); its chain values
    are kept only if the journal still ends where they start from.

    Text in the rows may be given as its UTF-8 bytes, as a sync helper sends a page's text to the
    writing process (sync/prefetch.py): the text columns take it as text (a cast), and the
    bytes go from the helper's pipe to SQLite without being decoded and encoded again on the
    way."""
    for name, table_rows in rows.state.items():
        conn.executemany(_insert_state(name), table_rows)
    running = _load_summary(conn)
    if running is not None:
        store_summary(conn, running[0] + rows.count, running[1] + rows.digest)
    if rows.chained_from is not None and rows.chained_from == chain_heads(conn)[0]:
        conn.executemany(_INSERT_JOURNAL, rows.journal)
    elif rows.chained_from is not None:
        _append_journal(conn, [(*as_text(row[:11]), None) for row in rows.journal])
    else:
        _append_journal(conn, [as_text(row) for row in rows.journal])


def as_text(row: Sequence[Any]) -> tuple:
    """A row of `new_record_rows` with any text given as UTF-8 bytes decoded (no column of the
    journal or of a state table holds bytes: bytes there are text in transit)."""
    return tuple(v.decode() if type(v) is bytes else v for v in row)


@functools.cache
def _insert_state(record_type_name: str) -> str:
    """The INSERT of a `new_record_rows` state row: id, the fields in order, _origin; the text
    ones cast to text (see write_new_records)."""
    rt = RECORD_TYPES[record_type_name]
    numbers = {f.name for f in rt.fields if f.kind in (MONEY, INT, FLAG)}
    cols = ["id", *_defaults(record_type_name), "_origin"]
    values = ["?" if c in numbers else "CAST(? AS TEXT)" for c in cols]
    return f"INSERT INTO {rt.table} ({', '.join(cols)}) VALUES ({', '.join(values)})"


SUMMARY_KEY = "summary"  # meta: "count digest-hex" of every record, kept by apply_changes


def _load_summary(conn: sqlite3.Connection) -> list[int] | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (SUMMARY_KEY,)).fetchone()
    if row is None:
        return None
    count, digest = row[0].split()
    return [int(count), int(digest, 16)]


def store_summary(conn: sqlite3.Connection, count: int, digest: int) -> None:
    """Keep the count and order-free digest of every record (sync compares them with the
    server's); from then on every apply_changes keeps it up to date."""
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (SUMMARY_KEY, f"{count} {digest % (1 << 256):064x}"),
    )


def stored_summary(conn: sqlite3.Connection) -> dict[str, Any] | None:
    running = _load_summary(conn)
    if running is None:
        return None
    return {"count": running[0], "digest": f"{running[1] % (1 << 256):064x}"}


_SELECT_CHANGES = """SELECT change_id, record_type, record_id, fields, base, officer, device, at,
                            origin, server_seq, skipped FROM journal"""


def change_from_row(row: Sequence[Any]) -> Change:
    """A change back from its journal row (the columns of _SELECT_CHANGES, in order; any after
    them are ignored), as a replay reads it."""
    cid, rtype, rid, fields, base, officer, device, at, origin, sseq, skipped = row[:11]
    return Change(
        cid,
        rtype,
        rid,
        json.loads(fields),
        json.loads(base),
        officer,
        device,
        at,
        origin,
        sseq,
        tuple(json.loads(skipped)),
    )


def _changes(cur: sqlite3.Cursor) -> Iterator[Change]:
    return map(change_from_row, cur)


def journal_changes(conn: sqlite3.Connection, after_seq: int = 0) -> Iterator[Change]:
    """The journal in the order it was applied, as Change objects."""
    return _changes(conn.execute(f"{_SELECT_CHANGES} WHERE seq > ? ORDER BY seq", (after_seq,)))


def pending_changes(conn: sqlite3.Connection) -> list[Change]:
    """Changes made here that the server has neither acknowledged nor refused, in order."""
    return list(
        _changes(
            conn.execute(
                f"{_SELECT_CHANGES} INDEXED BY journal_unsynced WHERE server_seq IS NULL "
                "AND origin = 'local' AND sync_status IS NULL ORDER BY seq"
            )
        )
    )


def push_links(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """For each change `pending_changes` returns: (the push chain value before it, its own), which
    a push carries so the server can check the chain (store/chain.py)."""
    first = conn.execute(
        "SELECT min(seq) FROM journal INDEXED BY journal_unsynced WHERE server_seq IS NULL "
        "AND origin = 'local' AND sync_status IS NULL"
    ).fetchone()[0]
    if first is None:
        return {}
    before = conn.execute(
        "SELECT push_chain FROM journal INDEXED BY journal_push_chain "
        "WHERE push_chain IS NOT NULL AND seq < ? ORDER BY seq DESC LIMIT 1",
        (first,),
    ).fetchone()
    previous = before[0] if before else chain.GENESIS
    links = {}
    for change_id, push_chain in conn.execute(
        "SELECT change_id, push_chain FROM journal INDEXED BY journal_push_chain "
        "WHERE push_chain IS NOT NULL AND seq >= ? ORDER BY seq",
        (first,),
    ):
        links[change_id] = (previous, push_chain)
        previous = push_chain
    return links
