"""Accepting pushed changes: the one path by which the server's records and journal change.

Pushes, `add-case` and `load-demo` all come through `ingest`. Inside the caller's write
transaction (which holds the global write lock) it reads what the batch needs in a few bulk
queries, decides each change in request order in memory, then writes in bulk. The decisions
mirror workstation/store/journal.py:apply_changes:

- a change whose base is all absent creates its record (defaults from records.py, required fields
  checked); if the record exists already it is an update;
- an update sets each field, and the field's version becomes the change id (`versions` holds only
  fields changed since creation: records.record_versions);
- a field whose base differs from its current version and whose value changes is still applied
  (the server's order decides: the last accepted wins), and a conflict record keeps the value it
  replaced, journaled right after the change, for a person to resolve.

A pushed change that carries its push chain values (workstation/store/chain.py, protocol.py) is
checked before anything else, once it is known not to be a duplicate: its "chain" must be the
link from its "chain_prev" over its content hash (else it was altered after it was recorded),
and its "chain_prev" must be GENESIS or a value the server has received from the same device
(else a change is missing before it). Such a change is refused with a Chinese reason and logged.
Every chain value received is kept (push_chain_links), accepted or refused, so that
- a batch retried after a lost reply is answered as before (duplicates, and the same refusals);
- a device whose change was refused goes on from it (the refusal is the evidence; its later
  changes are not locked out);
- a restored backup or a recovered case file (which starts a new chain at GENESIS) continues
  from a value the server has seen: not tampering, not refused.
"""

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    String,
    Table,
    and_,
    any_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from workstation.ids import uuid7
from workstation.store.chain import GENESIS, push_link
from workstation.store.journal import Change
from workstation.store.records import (
    ATTACHMENT,
    CONFLICT,
    RECORD_TYPES,
    RecordType,
    digest_versions,
)
from workstation.sync.protocol import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    ProtocolError,
    PushResult,
    chain_link,
    change_from_wire,
    change_to_wire,
    record_digest,
)

from .auth import OFFICER, ROLES, Actor, iso, now
from .blobs import SHA256
from .facts import FACTS
from .tables import case_scope, journal, officer_digests, push_chain_links, records

log = logging.getLogger(__name__)
SERVER_OFFICER = "中心服务器"
SERVER_DEVICE = "central"
_CHUNK = 500  # ids per IN (...) query


class Refused(Exception):
    """This change is not accepted; the rest of the batch goes on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Case:
    case_id: str
    case_number: str
    court_code: str
    officer_account_id: int | None
    new: bool = False
    dirty: bool = False


@dataclass
class _Record:
    record_type: str
    record_id: str
    case_id: str
    court_code: str
    values: dict[str, Any]
    origin: str
    versions: dict[str, str]
    new: bool = False
    dirty: bool = False

    def digest(self) -> str:
        """The record's term in protocol.summary (records.digest_versions)."""
        versions = digest_versions(self.origin, self.versions)
        return f"{record_digest(self.record_type, self.record_id, versions):064x}"


@dataclass
class _Known:
    server_seq: int
    content_hash: str
    officer: str


@dataclass
class Batch:
    """What one ingest call decided, for the caller to report."""

    results: list[PushResult] = field(default_factory=list)
    conflicts: int = 0

    @property
    def rejected(self) -> list[PushResult]:
        return [r for r in self.results if r.status == REJECTED]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def wire_body(ch: Change) -> tuple[str, str]:
    """(stored JSON body, content hash) of a change.

    The body is the wire form as protocol.content_hash serialises it (sorted keys, compact), so
    one serialisation serves both; a test checks the hash equals protocol.content_hash. A pull
    sends the body back as it is. Raises UnicodeEncodeError for a lone surrogate."""
    text = json.dumps(change_to_wire(ch), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text, hashlib.sha256(text.encode()).hexdigest()


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT rows in the caller's transaction: PostgreSQL's COPY (a multi-row INSERT spends
    most of its time in the driver parsing thousands of placeholders); SQLite's executemany."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = [c.name for c in table.columns]
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row.get(c) for c in columns])


def among(conn: Connection, column: ColumnElement[Any], ids: Sequence[str]) -> ColumnElement[bool]:
    """`column IN ids`; on PostgreSQL `column = ANY(array)`: one parameter instead of hundreds,
    each of which the driver would otherwise parse out of the statement."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(String)))
    return column.in_(ids)


def add_to_officers(conn: Connection, deltas: dict[int, list[int]]) -> None:
    """Add (count, digest) deltas to officers' kept summaries (mod 2**256)."""
    if not deltas:
        return
    have = {
        a: (c, int(d, 16))
        for a, c, d in conn.execute(
            select(
                officer_digests.c.account_id,
                officer_digests.c.record_count,
                officer_digests.c.digest_sum,
            ).where(officer_digests.c.account_id.in_(list(deltas)))
        )
    }
    for account, (dc, dd) in deltas.items():
        count, digest = have.get(account, (0, 0))
        values = {"record_count": count + dc, "digest_sum": f"{(digest + dd) % (1 << 256):064x}"}
        if account in have:
            conn.execute(
                update(officer_digests)
                .where(officer_digests.c.account_id == account)
                .values(**values)
            )
        else:
            conn.execute(officer_digests.insert().values(account_id=account, **values))


def update_case_digests(conn: Connection, case_ids: Sequence[str]) -> None:
    """Recount these cases' share of the summary from their records' stored digests, and move
    their officers' kept summaries by the difference."""
    old = {
        k: (o, c, int(d, 16))
        for k, o, c, d in conn.execute(
            select(
                case_scope.c.case_id,
                case_scope.c.officer_account_id,
                case_scope.c.record_count,
                case_scope.c.digest_sum,
            ).where(among(conn, case_scope.c.case_id, case_ids))
        )
    }
    sums = {case_id: [0, 0] for case_id in case_ids}
    for case_id, digest in conn.execute(
        select(records.c.case_id, records.c.digest).where(among(conn, records.c.case_id, case_ids))
    ):
        sums[case_id][0] += 1
        sums[case_id][1] += int(digest, 16)
    conn.execute(
        update(case_scope)
        .where(case_scope.c.case_id == bindparam("k_case_id"))
        .values(record_count=bindparam("v_count"), digest_sum=bindparam("v_sum")),
        [
            {"k_case_id": k, "v_count": c, "v_sum": f"{t % (1 << 256):064x}"}
            for k, (c, t) in sums.items()
        ],
    )
    deltas: dict[int, list[int]] = {}
    for case_id, (count, total) in sums.items():
        officer, old_count, old_total = old.get(case_id, (None, 0, 0))
        if officer is None:
            continue
        delta = deltas.setdefault(officer, [0, 0])
        delta[0] += count - old_count
        delta[1] += total - old_total
    add_to_officers(conn, deltas)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


class _Ingest:
    def __init__(self, conn: Connection, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor
        self.at = iso(now())
        self.known: dict[str, _Known] = {}
        self.cases: dict[str, _Case | None] = {}
        self.records: dict[tuple[str, str], _Record | None] = {}
        self.journal_rows: list[dict[str, Any]] = []
        self.next_seq = 0
        self.conflicts = 0
        self.links: set[tuple[str, str]] = set()  # (device, chain value) received
        self.new_links: list[dict[str, Any]] = []

    # -- reading what the batch needs ----------------------------------------------------------
    def preload(self, changes: list[Change]) -> None:
        conn = self.conn
        if conn.dialect.name == "postgresql":
            # Every lookup here is by a unique key. Until autovacuum has analysed a table that
            # grew fast (a first sync of many cases), the planner may think a scan cheaper and
            # each push then reads the whole journal: measured 5x slower for a minute at a time.
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        ids = list(dict.fromkeys(ch.change_id for ch in changes))
        for part in _chunks(ids):
            for seq, cid, chash, officer in conn.execute(
                select(
                    journal.c.server_seq,
                    journal.c.change_id,
                    journal.c.content_hash,
                    journal.c.officer,
                ).where(among(conn, journal.c.change_id, part))
            ):
                self.known[cid] = _Known(seq, chash, officer)
        by_type: dict[str, list[str]] = {}
        case_ids: set[str] = set()
        for ch in changes:
            by_type.setdefault(ch.record_type, []).append(ch.record_id)
            rt = RECORD_TYPES[ch.record_type]
            ref = ch.record_id if rt.case_ref is None else ch.fields.get(rt.case_ref)
            if isinstance(ref, str):
                case_ids.add(ref)
        for rtype, rids in by_type.items():
            for rid in rids:
                self.records[(rtype, rid)] = None
        # By id alone (ids are UUIDs): one index to choose, even before the planner has stats.
        record_ids = list(dict.fromkeys(rid for _t, rid in self.records))
        for part in _chunks(record_ids):
            for row in conn.execute(select(records).where(among(conn, records.c.record_id, part))):
                key = (row.record_type, row.record_id)
                if key in self.records:
                    self.records[key] = _Record(
                        row.record_type,
                        row.record_id,
                        row.case_id,
                        row.court_code,
                        json.loads(row.field_values),
                        row.origin,
                        json.loads(row.versions),
                    )
                    case_ids.add(row.case_id)
        self._load_cases(list(case_ids))
        self.next_seq = (conn.execute(select(func.max(journal.c.server_seq))).scalar() or 0) + 1

    def load_links(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Which of these (device, chain value) pairs the server has received."""
        wanted = set(pairs)
        values = sorted({value for _device, value in wanted})
        for part in _chunks(values):
            for device, value in self.conn.execute(
                select(push_chain_links.c.device, push_chain_links.c.chain).where(
                    among(self.conn, push_chain_links.c.chain, part)
                )
            ):
                if (device, value) in wanted:
                    self.links.add((device, value))

    def _load_cases(self, case_ids: list[str]) -> None:
        for cid in case_ids:
            self.cases.setdefault(cid, None)
        for part in _chunks(case_ids):
            for row in self.conn.execute(
                select(case_scope).where(among(self.conn, case_scope.c.case_id, part))
            ):
                self.cases[row.case_id] = _Case(
                    row.case_id, row.case_number, row.court_code, row.officer_account_id
                )

    def case(self, case_id: str) -> _Case | None:
        if case_id not in self.cases:
            self._load_cases([case_id])
        return self.cases[case_id]

    def officer_of(self, change_id: str) -> str:
        known = self.known.get(change_id)
        if known is None:
            row = self.conn.execute(
                select(journal.c.officer).where(journal.c.change_id == change_id)
            ).first()
            return row.officer if row else ""
        return known.officer

    # -- deciding -------------------------------------------------------------------------------
    def writable_case(self, case_id: Any) -> _Case:
        case = self.case(case_id) if isinstance(case_id, str) else None
        if case is None:
            raise Refused("所属案件在服务器上不存在，未被接受。请先同步该案件。")
        if case.officer_account_id != self.actor.account_id:
            raise Refused(f"案件{case.case_number}不是您承办的案件，修改未被接受。")
        return case

    def decide(
        self, ch: Change, body: str, chash: str, link: tuple[str, str] | None = None
    ) -> PushResult:
        known = self.known.get(ch.change_id)
        if known is not None:
            if known.content_hash == chash:
                return PushResult(ch.change_id, DUPLICATE, known.server_seq)
            return PushResult(
                ch.change_id, REJECTED, None, "同一编号的变更内容不同，未被接受。请联系技术人员。"
            )
        if link is not None and (broken := self.check_link(ch, chash, *link)):
            return PushResult(ch.change_id, REJECTED, None, broken)
        try:
            rec, conflicts = self.apply(ch)
        except Refused as exc:
            return PushResult(ch.change_id, REJECTED, None, exc.reason)
        seq = self.journal_append(ch, body, chash, rec, self.actor.account_id)
        for fname, old_value, old_version in conflicts:
            self.record_conflict(ch, rec, fname, old_value, old_version)
        return PushResult(ch.change_id, ACCEPTED, seq)

    def check_link(self, ch: Change, chash: str, previous: str, value: str) -> str:
        """Why the change's push chain values are refused ("" if they are not); either way the
        value is kept as received from the device."""
        reason = ""
        if value != push_link(previous, chash):
            reason = CHAIN_ALTERED
        elif previous != GENESIS and (ch.device, previous) not in self.links:
            reason = CHAIN_GAP
        if (ch.device, value) not in self.links:
            self.links.add((ch.device, value))
            self.new_links.append(
                {
                    "device": ch.device,
                    "chain": value,
                    "change_id": ch.change_id,
                    "account_id": self.actor.account_id,
                    "received_at": self.at,
                }
            )
        if reason:
            log.warning(
                "push chain refused (%s): device %r, change %s, record %s %s, account %s, "
                "chain_prev %s, chain %s",
                "altered" if reason == CHAIN_ALTERED else "gap",
                ch.device,
                ch.change_id,
                ch.record_type,
                ch.record_id,
                self.actor.account_id,
                previous,
                value,
            )
        return reason

    def apply(self, ch: Change) -> tuple[_Record, list[tuple[str, Any, str]]]:
        """Check one change and apply it to the records in memory. Nothing changes if it is
        refused: every check comes before the first change."""
        if self.actor.role != OFFICER:
            raise Refused(
                f"您的账号（{ROLES.get(self.actor.role, self.actor.role)}）只能查看案件，"
                "不能提交修改。"
            )
        rt = RECORD_TYPES[ch.record_type]
        values = ch.fields
        if rt is ATTACHMENT and not SHA256.match(values.get("sha256", "0" * 64)):
            raise Refused("附件校验值格式错误（应为 64 位小写十六进制 SHA-256），未被接受。")
        key = (rt.name, ch.record_id)
        rec = self.records.get(key)
        if rec is None:
            return self.create(ch, rt), []
        case = self.writable_case(rec.case_id)
        moved_to = None
        if rt.case_ref is not None and values.get(rt.case_ref, rec.case_id) != rec.case_id:
            moved_to = self.writable_case(values[rt.case_ref])
        if rt.case_ref is None and values.get("court_code", case.court_code) != case.court_code:
            raise Refused(
                f"案件所属法院（{case.court_code}）不能在工作站修改，修改未被接受。"
                "如确需更改，请联系法院信息技术人员。"
            )
        fixed = [k for k in values if k in rt.frozen and values[k] != rec.values.get(k)]
        if fixed:
            raise Refused("已定稿的文书不能修改；如需更正，请另行制作更正文书。修改未被接受。")
        conflicts = []
        for name, value in values.items():
            version = rec.versions.get(name, rec.origin)
            if ch.base.get(name) != version and value != rec.values.get(name):
                conflicts.append((name, rec.values.get(name), version))
        rec.values.update(values)
        rec.versions.update(dict.fromkeys(values, ch.change_id))
        rec.dirty = True
        if moved_to is not None:
            rec.case_id, rec.court_code = moved_to.case_id, moved_to.court_code
        if rt.case_ref is None and values.get("case_number", case.case_number) != case.case_number:
            case.case_number = values["case_number"]
            case.dirty = True
        return rec, conflicts

    def create(self, ch: Change, rt: RecordType) -> _Record:
        if not all(v is None for v in ch.base.values()):
            raise Refused("要修改的记录在服务器上不存在，未被接受。")
        if rt is CONFLICT:
            raise Refused("冲突记录只能由中心服务器生成，未被接受。")
        missing = [k for k in rt.required if ch.fields.get(k) in (None, "")]
        if missing:
            raise Refused(f"缺少必填项（{'、'.join(missing)}），未被接受。")
        full = {f.name: f.default for f in rt.fields} | ch.fields
        if rt.case_ref is None:
            if full["court_code"] != self.actor.court_code:
                raise Refused(
                    f"案件的法院代字（{full['court_code'] or '未填'}）与您所在的法院"
                    f"（{self.actor.court_code}）不符，新案件未被接受。"
                )
            if self.case(ch.record_id) is not None:  # a case row without its record: never made
                raise Refused("该案件编号在服务器上已被使用，未被接受。")
            case = _Case(
                ch.record_id, full["case_number"], full["court_code"], self.actor.account_id, True
            )
            self.cases[case.case_id] = case
        else:
            case = self.writable_case(full[rt.case_ref])
        return self.new_record(ch, rt, full, case)

    def new_record(self, ch: Change, rt: RecordType, full: dict[str, Any], case: _Case) -> _Record:
        rec = _Record(
            rt.name, ch.record_id, case.case_id, case.court_code, full, ch.change_id, {}, True
        )
        self.records[(rt.name, ch.record_id)] = rec
        return rec

    def record_conflict(
        self, ch: Change, rec: _Record, fname: str, old_value: Any, old_version: str
    ) -> None:
        """A conflict record (records.CONFLICT) made by the server, journaled after `ch`."""
        fields = {
            "case_id": rec.case_id,
            "target_type": rec.record_type,
            "target_id": rec.record_id,
            "field": fname,
            "replaced_value": json.dumps(old_value, ensure_ascii=False),
            "replaced_version": old_version,
            "replaced_officer": self.officer_of(old_version),
            "current_change": ch.change_id,
            "current_officer": ch.officer,
            "status": "open",
        }
        conflict = change_from_wire(
            {
                "change_id": uuid7(),
                "record_type": CONFLICT.name,
                "record_id": uuid7(),
                "fields": fields,
                "base": {},
                "officer": SERVER_OFFICER,
                "device": SERVER_DEVICE,
                "at": self.at,
            }
        )
        full = {f.name: f.default for f in CONFLICT.fields} | conflict.fields
        case = self.case(rec.case_id)
        assert case is not None
        made = self.new_record(conflict, CONFLICT, full, case)
        body, chash = wire_body(conflict)
        self.journal_append(conflict, body, chash, made, None)
        self.conflicts += 1

    def journal_append(
        self, ch: Change, body: str, chash: str, rec: _Record, account_id: int | None
    ) -> int:
        seq = self.next_seq
        self.next_seq += 1
        self.journal_rows.append(
            {
                "server_seq": seq,
                "change_id": ch.change_id,
                "record_type": ch.record_type,
                "record_id": ch.record_id,
                "case_id": rec.case_id,
                "court_code": rec.court_code,
                "body": body,
                "content_hash": chash,
                "officer": ch.officer,
                "account_id": account_id,
                "received_at": self.at,
            }
        )
        self.known[ch.change_id] = _Known(seq, chash, ch.officer)
        return seq

    # -- writing --------------------------------------------------------------------------------
    def write(self) -> None:
        conn = self.conn
        new_cases = [c for c in self.cases.values() if c is not None and c.new]
        if new_cases:
            insert_rows(
                conn,
                case_scope,
                [
                    {
                        "case_id": c.case_id,
                        "case_number": c.case_number,
                        "court_code": c.court_code,
                        "officer_account_id": c.officer_account_id,
                        "record_count": 0,  # set below, with the records
                        "digest_sum": "0" * 64,
                    }
                    for c in new_cases
                ],
            )
        renamed = [c for c in self.cases.values() if c is not None and c.dirty and not c.new]
        if renamed:
            conn.execute(
                update(case_scope)
                .where(case_scope.c.case_id == bindparam("k_case_id"))
                .values(case_number=bindparam("v_case_number")),
                [{"k_case_id": c.case_id, "v_case_number": c.case_number} for c in renamed],
            )
        created, changed = [], []
        for rec in self.records.values():
            if rec is None or not (rec.new or rec.dirty):
                continue
            row = {
                "case_id": rec.case_id,
                "court_code": rec.court_code,
                "field_values": _dumps(rec.values),
                "versions": json.dumps(rec.versions, sort_keys=True),
                "blob_sha256": (
                    rec.values.get("sha256") if rec.record_type == "attachment" else None
                ),
                "digest": rec.digest(),
            }
            if rec.new:
                created.append(
                    row
                    | {
                        "record_type": rec.record_type,
                        "record_id": rec.record_id,
                        "origin": rec.origin,
                    }
                )
            else:
                changed.append({f"v_{k}": v for k, v in row.items()})
                changed[-1] |= {"k_type": rec.record_type, "k_id": rec.record_id}
        if created:
            insert_rows(conn, records, created)
        if changed:
            conn.execute(
                update(records)
                .where(
                    and_(
                        records.c.record_type == bindparam("k_type"),
                        records.c.record_id == bindparam("k_id"),
                    )
                )
                .values(
                    case_id=bindparam("v_case_id"),
                    court_code=bindparam("v_court_code"),
                    field_values=bindparam("v_field_values"),
                    versions=bindparam("v_versions"),
                    blob_sha256=bindparam("v_blob_sha256"),
                    digest=bindparam("v_digest"),
                ),
                changed,
            )
        self.write_facts()
        if self.journal_rows:
            insert_rows(conn, journal, self.journal_rows)
        if self.new_links:
            insert_rows(conn, push_chain_links, self.new_links)
        touched = sorted(
            {
                rec.case_id
                for rec in self.records.values()
                if rec is not None and (rec.new or rec.dirty)
            }
        )
        for part in _chunks(touched):
            update_case_digests(conn, part)

    def write_facts(self) -> None:
        """The indicators' columns of the records written (facts.py); a changed record's row is
        replaced."""
        for rtype, (table, row) in FACTS.items():
            written = [
                r
                for r in self.records.values()
                if r is not None and r.record_type == rtype and (r.new or r.dirty)
            ]
            for part in _chunks([r.record_id for r in written if not r.new]):
                self.conn.execute(delete(table).where(among(self.conn, table.c.id, part)))
            if written:
                insert_rows(
                    self.conn,
                    table,
                    [row(r.record_id, r.court_code, r.case_id, r.values) for r in written],
                )


def clean(value: Any) -> bool:
    """Whether every string in a JSON value can be stored and sent back: no NUL (PostgreSQL's
    text refuses it) and no lone surrogate (not UTF-8)."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode()
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(clean(k) and clean(v) for k, v in value.items())
    if isinstance(value, list):
        return all(clean(v) for v in value)
    return True


UNSTORABLE = "变更记录含有无法保存的字符（如空字符），未被接受。"
CHAIN_ALTERED = (
    "这条修改的内容与工作站记录它时的校验值不符（可能在记录后被改动），未被接受。"
    "请在工作站运行“workstation verify”检查，并联系法院信息技术人员。"
)
CHAIN_GAP = (
    "这条修改之前应有本机的其他修改，服务器没有收到（校验链不连续，可能有记录被删除），未被接受。"
    "请在工作站运行“workstation verify”检查，并联系法院信息技术人员。"
)


def parse(wire: Any) -> tuple[Change, str, str] | PushResult:
    """(change, stored body, content hash), or the rejection of a malformed change."""
    cid = wire.get("change_id") if isinstance(wire, dict) else None
    cid = cid if isinstance(cid, str) and len(cid) <= 200 and clean(cid) else ""
    try:
        ch = change_from_wire(wire)
        body, chash = wire_body(ch)
    except RecursionError:
        return PushResult(cid, REJECTED, None, "变更记录格式错误。")
    except UnicodeEncodeError:
        return PushResult(cid, REJECTED, None, UNSTORABLE)
    except ProtocolError as exc:  # its reason may quote the change: only if that can be sent
        return PushResult(cid, REJECTED, None, exc.reason if clean(wire) else UNSTORABLE)
    # json writes NUL as \u0000; the exact check runs only when the text has that anywhere
    if "\\u0000" in body and not clean(wire):
        return PushResult(cid, REJECTED, None, UNSTORABLE)
    return ch, body, chash


def ingest(
    conn: Connection,
    actor: Actor,
    wires: Iterable[Any],
    *,
    parsed: list[tuple[Change, str, str] | PushResult] | None = None,
    before_write: Callable[[Batch], None] | None = None,
) -> Batch:
    """Decide and store a batch of wire changes as `actor`, inside the caller's write
    transaction (which must hold the write lock). `before_write` may inspect the decisions and
    raise to write nothing (all-or-nothing callers)."""
    wires = list(wires)
    items = list(parsed) if parsed is not None else [parse(w) for w in wires]
    links: list[tuple[str, str] | None] = []
    for i, (wire, it) in enumerate(zip(wires, items, strict=True)):
        try:
            links.append(chain_link(wire))
        except ProtocolError as exc:
            links.append(None)
            if not isinstance(it, PushResult):
                items[i] = PushResult(it[0].change_id, REJECTED, None, exc.reason)
    work = _Ingest(conn, actor)
    work.preload([it[0] for it in items if not isinstance(it, PushResult)])
    work.load_links(
        (it[0].device, value)
        for it, link in zip(items, links, strict=True)
        if link is not None and not isinstance(it, PushResult)
        for value in link
    )
    batch = Batch()
    for it, link in zip(items, links, strict=True):
        batch.results.append(it if isinstance(it, PushResult) else work.decide(*it, link))
    batch.conflicts = work.conflicts
    if before_write is not None:
        before_write(batch)
    work.write()
    return batch
