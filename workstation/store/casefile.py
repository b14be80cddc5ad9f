"""`CaseFile`: an open case file. The one way the rest of the program reads and writes it."""

import functools
import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..ids import uuid7
from . import search
from .database import Error as DatabaseError
from .database import NeedsUpgrade, create_case_file, open_database
from .drafts import delete_draft
from .errors import CaseFileError, StorageFull
from .journal import Applied, Change, apply_changes, field_versions, utc_now
from .lock import CaseFileLock
from .records import RECORD_TYPES, record_type, unknown_field

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Edit:
    """What the officer changed on one record, with the field versions they saw when they began.

    `record_id` None makes a new record. `seen` None means "the versions there are now"; a form
    passes the versions it loaded, so a change made meanwhile (a sync) is not overwritten unseen.
    """

    record_type: str
    values: dict[str, Any]
    record_id: str | None = None
    seen: dict[str, str] | None = None


@dataclass(frozen=True)
class Record:
    record_type: str
    id: str
    values: dict[str, Any]
    versions: dict[str, str] = field(default_factory=dict)


@functools.cache
def _guard(path: str) -> Any:
    """The function a record type names as its guard ("module:function")."""
    import importlib

    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _translate(exc: DatabaseError) -> CaseFileError | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return StorageFull(
            "磁盘空间已满，这次修改没有保存（已保存的数据不受影响）。请清理磁盘后再保存。", str(exc)
        )
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return CaseFileError("案件数据正忙（另一个操作正在写入），请稍后再试。", str(exc))
    if code == sqlite3.SQLITE_READONLY:
        return CaseFileError("案件数据文件是只读的，无法保存修改。请检查文件权限。", str(exc))
    if code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return CaseFileError("读写案件数据文件时出错，这次修改没有保存。", str(exc))
    return None


class CaseFile:
    """An open case file: state tables, the change journal, the search index.

    Open for writing, it holds the file's lock, so a second program instance is told clearly
    that the file is in use. Open `readonly`, it takes no lock and never writes.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, lock: CaseFileLock | None) -> None:
        self.conn = conn
        self._closed = False
        self.path = path
        self._lock = lock
        self.device = self.meta("device")
        self.officer = self.meta("officer")

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(
        cls, path: Path, *, readonly: bool = False, create: bool = False, officer: str = ""
    ) -> "CaseFile":
        """Open the case file at `path`; with `create`, make an empty one if there is none."""
        path = Path(path)
        lock = None
        if readonly and path.exists():
            try:
                return cls(open_database(path, readonly=True), path, None)
            except NeedsUpgrade:
                # A file from an older program (or not yet encrypted): upgrade it once, under
                # the lock, then read it.
                cls.open(path).close()
        if not readonly:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = CaseFileLock(path)
            lock.acquire()
        try:
            if create and not path.exists():
                create_case_file(path, officer=officer)
            conn = open_database(path, readonly=readonly)
        except BaseException:
            if lock:
                lock.release()
            raise
        return cls(conn, path, lock)

    @functools.cached_property
    def db(self) -> "sqlite_utils.Database":
        """The same connection as a sqlite-utils Database: tables, counts, exports, inspection."""
        import sqlite_utils  # ~120 ms to import: not on the start-up path

        return sqlite_utils.Database(self.conn)

    def sibling(self) -> "CaseFile":
        """A second connection to the same file for a worker thread (sync, batch work), under this
        one's lock. WAL lets it write while this one reads; close it when the work is done."""
        return CaseFile(open_database(self.path), self.path, None)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        self._closed = True
        try:
            self.conn.close()
        finally:
            if self._lock:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> "CaseFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One SQLite write transaction; on any error everything in it is rolled back."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except DatabaseError as exc:
            raise (_translate(exc) or exc) from exc
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, DatabaseError) and (known := _translate(exc)):
                log.error("write failed on %s: %s", self.path, exc)
                raise known from exc
            raise

    def apply(
        self, changes: Sequence[Change], *, check_base: bool = True, discard_draft: str = ""
    ) -> Applied:
        """Apply changes (local, pulled or replayed) and update the search index, atomically.

        `discard_draft`: the draft these changes finalise, deleted in the same transaction."""
        with self.transaction() as conn:
            applied = apply_changes(conn, changes, check_base=check_base)
            search.index_cases(conn, applied.case_ids, applied.created_case_ids)
            if discard_draft:
                delete_draft(conn, discard_draft)
        return applied

    def changes_for(self, edits: Sequence[Edit]) -> list[Change]:
        """Turn the officer's edits into journal changes: only fields whose value differs.

        An edit whose record does not exist yet creates it (with the given id, or a new one).
        Several edits of one record in one save chain: each builds on the one before.
        """
        at = utc_now()
        out: list[Change] = []
        pending: dict[str, Record] = {}  # records as they will be after the changes so far
        for edit in edits:
            rt = record_type(edit.record_type)
            for name in edit.values:
                if name not in rt.by_name:
                    raise unknown_field(rt, name)
            record_id = edit.record_id or uuid7()
            current = pending.get(record_id) or (
                self.get(rt.name, record_id) if edit.record_id else None
            )
            change_id = uuid7()
            if current is None:
                values = dict(edit.values)
                base: dict[str, str | None] = {k: None for k in values}
                pending[record_id] = Record(
                    rt.name, record_id, values, {k: change_id for k in values}
                )
            else:
                values = {k: v for k, v in edit.values.items() if current.values.get(k) != v}
                if not values:
                    continue
                seen = current.versions if record_id in pending or edit.seen is None else edit.seen
                base = {k: seen.get(k) for k in values}
                pending[record_id] = Record(
                    rt.name,
                    record_id,
                    current.values | values,
                    current.versions | {k: change_id for k in values},
                )
            out.append(
                Change(change_id, rt.name, record_id, values, base, self.officer, self.device, at)
            )
        return out

    def save(self, edits: Sequence[Edit], *, discard_draft: str = "") -> list[str]:
        """Save the officer's edits in one transaction. Returns the record ids (new ones too)."""
        edits = [e if e.record_id else replace(e, record_id=uuid7()) for e in edits]
        changes = self.changes_for(edits)
        for edit in edits:
            rt = record_type(edit.record_type)
            if rt.guard and self.get(rt.name, edit.record_id) is None:
                _guard(rt.guard)(self, edit.record_id, edit.values)
        self.apply(changes, discard_draft=discard_draft)
        return [e.record_id for e in edits]

    # -- reading -----------------------------------------------------------------------------
    def get(self, record_type_name: str, record_id: str) -> Record | None:
        rt = record_type(record_type_name)
        cur = self.conn.execute(f"SELECT * FROM {rt.table} WHERE id = ?", (record_id,))
        row = cur.fetchone()
        if row is None:
            return None
        data = dict(zip([d[0] for d in cur.description], row, strict=True))
        values = {f.name: data[f.name] for f in rt.fields}
        return Record(rt.name, record_id, values, field_versions(data, rt))

    def meta(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        """Device-local settings (not case data: not journaled, not synced)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        if key == "officer":
            self.officer = value

    @property
    def is_demo(self) -> bool:
        """A demo case file (workstation demo): never synced, no sync states shown."""
        return self.meta("demo") == "1"

    def unsynced_count(self) -> int:
        """Changes made here that the central server has neither acknowledged nor refused."""
        return self.conn.execute(
            "SELECT count(*) FROM journal INDEXED BY journal_unsynced "
            "WHERE server_seq IS NULL AND origin = 'local' AND sync_status IS NULL"
        ).fetchone()[0]

    def rejected_count(self) -> int:
        """Changes made here that the central server refused (shown until dealt with)."""
        return self.conn.execute(
            "SELECT count(*) FROM journal INDEXED BY journal_unsynced "
            "WHERE server_seq IS NULL AND origin = 'local' AND sync_status = 'rejected'"
        ).fetchone()[0]

    def state_snapshot(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every state row (values and versions) by record type and id: for tests and checks."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for name, rt in RECORD_TYPES.items():
            out[name] = {
                row["id"]: {f.name: row[f.name] for f in rt.fields}
                | {"_origin": row["_origin"], "_versions": json.loads(row["_versions"])}
                for row in self.db[rt.table].rows
            }
        return out
