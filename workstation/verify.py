"""Is the case file what its journal says it is? `workstation verify` asks this module.

Four checks, each naming where it found a problem (in Chinese, for the officer and court IT):

1. SQLite's own integrity check (`PRAGMA integrity_check`);
2. the journal's hash chains from the first entry (store/chain.py): the first entry that does not
   follow from the one before it was changed after it was recorded, or one before it is missing;
3. the state tables equal a replay of the journal: every change replayed through
   store.journal.apply_changes into a database in memory (never a plain copy on disk) and every
   record compared, so a record changed around the journal shows up;
4. every finalised document's content still hashes to its stored content_hash.

A record changed with an SQLite tool fails 3; a journal entry changed fails 2 (and usually 3);
a document's text changed fails 3 and 4. Deleting the last entries together with their records
leaves nothing to see here: the server's copy of what was pushed is the record of those.
"""

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from .documents.model import content_hash, document_from_json
from .store import chain, database, migrations
from .store.errors import ChangeRefused
from .store.journal import Change, apply_changes, journal_changes
from .store.records import RECORD_TYPES

INTEGRITY, CHAIN, PUSH_CHAIN, REPLAY, DOCUMENT = (
    "integrity",
    "chain",
    "push_chain",
    "replay",
    "document",
)
CHECK_LABELS = {
    INTEGRITY: "数据库完整性",
    CHAIN: "变更日志校验链",
    PUSH_CHAIN: "上传校验链",
    REPLAY: "记录与日志重放",
    DOCUMENT: "定稿文书校验值",
}
RECORD_LABELS = {
    "case": "案件",
    "party": "当事人",
    "conflict": "冲突记录",
    "attachment": "附件",
    "measure": "执行措施",
    "clue": "财产线索",
    "asset": "财产",
    "seizure": "查封扣押冻结",
    "funds": "案款",
    "field_visit": "外勤",
    "document": "文书",
}
DOCUMENT_LABELS = {"interview_record": "约谈笔录", "ruling": "裁定书", "correction": "补正裁定"}
MAX_RECORD_FINDINGS = 20  # records that differ from the replay, named one by one
_REPLAY_BATCH = 2000


@dataclass(frozen=True)
class Finding:
    """One thing found wrong: which check, what and where (Chinese), and the ids for a program."""

    check: str
    message: str
    where: dict[str, Any] = field(default_factory=dict)


@dataclass
class Verification:
    findings: list[Finding] = field(default_factory=list)
    entries: int = 0  # journal entries whose chain was checked
    records: int = 0  # records compared with the replay
    documents: int = 0  # finalised documents whose hash was checked

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "records": self.records,
            "documents": self.documents,
            "findings": [asdict(f) for f in self.findings],
        }


def verify(conn: sqlite3.Connection) -> Verification:
    """Run every check on the case file open at `conn` (read-only is enough)."""
    result = Verification()
    for check in (_integrity, _chains, _replay, _documents):
        try:
            check(conn, result)
        except Exception as exc:  # a damaged file can fail anywhere: say which check could not run
            result.findings.append(
                Finding(
                    _check_of(check),
                    f"{CHECK_LABELS[_check_of(check)]}检查无法完成：{exc}",
                    {"error": repr(exc)},
                )
            )
    return result


def _check_of(check: Any) -> str:
    return {
        "_integrity": INTEGRITY,
        "_chains": CHAIN,
        "_replay": REPLAY,
        "_documents": DOCUMENT,
    }[check.__name__]


def _integrity(conn: sqlite3.Connection, result: Verification) -> None:
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        result.findings.append(
            Finding(
                INTEGRITY,
                "数据库文件未通过 SQLite 完整性检查（文件可能已损坏）："
                + "；".join(problems[:5])
                + ("……" if len(problems) > 5 else ""),
                {"problems": problems[:50]},
            )
        )


def _entry(seq: int, change_id: str, record_type: str, record_id: str, at: str) -> str:
    label = RECORD_LABELS.get(record_type, record_type)
    return f"变更日志第 {seq} 条（变更 {change_id}，{label} {record_id}，时间 {at}）"


def _chains(conn: sqlite3.Connection, result: Verification) -> None:
    """Both chains from the first entry; the first entry each breaks at is named."""
    previous = previous_push = chain.GENESIS
    broken_at = None
    push_broken = False
    rows = conn.execute(
        """SELECT seq, change_id, record_type, record_id, fields, base, officer, device, at,
                  origin, server_seq, skipped, push_chain, chain FROM journal ORDER BY seq"""
    )
    for row in rows:
        seq, cid, rtype, rid, fields, base, officer, device, at, origin, sseq, skipped = row[:12]
        push, value = row[12], row[13]
        result.entries += 1
        where = {"seq": seq, "change_id": cid, "record_type": rtype, "record_id": rid, "at": at}
        if broken_at is None:
            entry = chain.row_entry(
                cid, rtype, rid, fields, base, officer, device, at, origin, sseq, skipped, push
            )
            if chain.link(previous, entry) != value:
                broken_at = seq
                result.findings.append(
                    Finding(
                        CHAIN,
                        f"{_entry(seq, cid, rtype, rid, at)}与前一条接不上：这一条在记录后被改动，"
                        "或它之前的条目被删除。这是第一处不符，之后的条目不再逐条核对。",
                        where,
                    )
                )
            previous = value
        if push is not None and not push_broken:
            try:
                content = chain.wire_content_hash(
                    cid, rtype, rid, json.loads(fields), json.loads(base), officer, device, at
                )
                good = chain.push_link(previous_push, content) == push
            except (ValueError, TypeError, AttributeError):
                good = False
            if not good:
                push_broken = True
                if broken_at != seq:  # the same entry is named once
                    result.findings.append(
                        Finding(
                            PUSH_CHAIN,
                            f"{_entry(seq, cid, rtype, rid, at)}的上传校验值不符：本机所作的修改"
                            "在记录后被改动，或其前面本机的修改被删除；上传时服务器会拒收。",
                            where,
                        )
                    )
            previous_push = push


def replay_into_memory(conn: sqlite3.Connection) -> tuple[sqlite3.Connection, list[Finding]]:
    """A new in-memory database holding the replay of the journal at `conn`, and the entries the
    replay refused (each skipped, named)."""
    # The case file's own SQLite (SQLCipher's, 3.43+): the schema uses its contentless FTS5.
    mem = database.sqlcipher.connect(":memory:", isolation_level=None)
    migrations.migrate(mem)
    findings: list[Finding] = []
    mem.execute("BEGIN")

    def apply(batch: list[Change]) -> None:
        mem.execute("SAVEPOINT batch")
        try:
            apply_changes(mem, batch, check_base=False)
            mem.execute("RELEASE batch")
            return
        except ChangeRefused:
            mem.execute("ROLLBACK TO batch")
            mem.execute("RELEASE batch")
        for ch in batch:  # one at a time, to name the entry refused
            mem.execute("SAVEPOINT one")
            try:
                apply_changes(mem, [ch], check_base=False)
            except ChangeRefused as exc:
                mem.execute("ROLLBACK TO one")
                seq = _seq_of(conn, ch.change_id)
                findings.append(
                    Finding(
                        REPLAY,
                        f"{_entry(seq, ch.change_id, ch.record_type, ch.record_id, ch.at)}"
                        f"重放时无法应用（{exc.message}）：日志内容可能被改动。",
                        {
                            "seq": seq,
                            "change_id": ch.change_id,
                            "record_type": ch.record_type,
                            "record_id": ch.record_id,
                            "detail": exc.detail,
                        },
                    )
                )
            mem.execute("RELEASE one")

    batch: list[Change] = []
    for ch in journal_changes(conn):
        batch.append(ch)
        if len(batch) >= _REPLAY_BATCH:
            apply(batch)
            batch = []
    apply(batch)
    mem.execute("COMMIT")
    return mem, findings


def _seq_of(conn: sqlite3.Connection, change_id: str) -> int:
    row = conn.execute("SELECT seq FROM journal WHERE change_id = ?", (change_id,)).fetchone()
    return row[0] if row else 0


def _rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[tuple]:
    return iter(conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id"))


def _replay(conn: sqlite3.Connection, result: Verification) -> None:
    """Every record equal to the replay of the journal, column by column."""
    mem, refused = replay_into_memory(conn)
    result.findings.extend(refused)
    differing = 0
    try:
        for rt in RECORD_TYPES.values():
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({rt.table})")]
            columns = ["id"] + [c for c in columns if c not in ("n", "id")]
            here, replayed = _rows(conn, rt.table, columns), _rows(mem, rt.table, columns)
            a, b = next(here, None), next(replayed, None)
            while a is not None or b is not None:
                if b is None or (a is not None and a[0] < b[0]):
                    result.records += 1
                    differing += 1
                    _record_finding(conn, result, differing, rt.name, a[0], "extra", columns, a)
                    a = next(here, None)
                elif a is None or b[0] < a[0]:
                    differing += 1
                    _record_finding(conn, result, differing, rt.name, b[0], "missing", columns, b)
                    b = next(replayed, None)
                else:
                    result.records += 1
                    if a != b and _differs(columns, a, b):
                        differing += 1
                        _record_finding(
                            conn, result, differing, rt.name, a[0], "differs", columns, a, b
                        )
                    a, b = next(here, None), next(replayed, None)
    finally:
        mem.close()
    if differing > MAX_RECORD_FINDINGS:
        result.findings.append(
            Finding(
                REPLAY,
                f"另有 {differing - MAX_RECORD_FINDINGS} 条记录与日志重放的结果不一致"
                "（未逐条列出）。",
                {"more": differing - MAX_RECORD_FINDINGS},
            )
        )


def _differs(columns: list[str], a: tuple, b: tuple) -> bool:
    i = columns.index("_versions")
    return a[:i] + a[i + 1 :] != b[:i] + b[i + 1 :] or json.loads(a[i]) != json.loads(b[i])


def _case_number(conn: sqlite3.Connection, record_type: str, values: dict[str, Any]) -> str:
    rt = RECORD_TYPES[record_type]
    case_id = values.get("id") if rt.case_ref is None else values.get(rt.case_ref)
    row = conn.execute("SELECT case_number FROM cases WHERE id = ?", (case_id,)).fetchone()
    return row[0] if row and row[0] else ""


def _short(value: Any) -> str:
    text = "空" if value is None or value == "" else str(value)
    return text if len(text) <= 40 else text[:40] + "……"


def _record_finding(
    conn: sqlite3.Connection,
    result: Verification,
    number: int,
    record_type: str,
    record_id: str,
    kind: str,
    columns: list[str],
    row: tuple,
    replayed: tuple | None = None,
) -> None:
    if number > MAX_RECORD_FINDINGS:
        return
    values = dict(zip(columns, row, strict=True))
    case_number = _case_number(conn, record_type, values)
    what = f"{RECORD_LABELS.get(record_type, record_type)} {record_id}" + (
        f"（案件 {case_number}）" if case_number else ""
    )
    where: dict[str, Any] = {"record_type": record_type, "record_id": record_id, "kind": kind}
    if kind == "extra":
        message = f"{what}在数据中存在，但变更日志里没有建立它的记录：它是绕过日志写入的。"
    elif kind == "missing":
        message = f"{what}按变更日志应当存在，但数据中没有：它是绕过日志删除的。"
    else:
        assert replayed is not None
        other = dict(zip(columns, replayed, strict=True))
        names = [
            c
            for c in columns
            if values[c] != other[c]
            and not (c == "_versions" and json.loads(values[c]) == json.loads(other[c]))
        ]
        where["fields"] = names
        shown = "；".join(
            f"{c}：数据中为“{_short(values[c])}”，按日志应为“{_short(other[c])}”" for c in names
        )
        message = f"{what}与变更日志重放的结果不一致（{shown}）：它是绕过日志修改的。"
    result.findings.append(Finding(REPLAY, message, where))


def _documents(conn: sqlite3.Connection, result: Verification) -> None:
    rows = conn.execute(
        "SELECT d.id, d.kind, d.number, d.content, d.content_hash, c.case_number "
        "FROM documents d LEFT JOIN cases c ON c.id = d.case_id ORDER BY d.id"
    )
    for doc_id, kind, number, content, stored, case_number in rows:
        result.documents += 1
        try:
            good = content_hash(document_from_json(content)) == stored
        except (ValueError, TypeError, KeyError, AttributeError):
            good = False
        if not good:
            label = DOCUMENT_LABELS.get(kind, kind or "文书")
            result.findings.append(
                Finding(
                    DOCUMENT,
                    f"{label} {number or ''}（文书 {doc_id}"
                    + (f"，案件 {case_number}" if case_number else "")
                    + "）的内容与定稿时的校验值不符：定稿后被改动。",
                    {"document_id": doc_id, "kind": kind, "number": number},
                )
            )
