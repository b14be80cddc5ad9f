"""What an administrator does: set up the database, accounts, cases and assignments, demo data.

The CLI (cli.py) is a thin layer over these functions; tests and the workstation's tests call them
directly. Cases and demo data go through ingest, the same path as a push.
"""

import json
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text, update

from workstation.demo import DemoGenerator
from workstation.domain.case_number import CaseNumber
from workstation.domain.courts import load_courts
from workstation.domain.errors import InvalidValue
from workstation.ids import uuid7
from workstation.store.journal import utc_now
from workstation.store.records import CASE, PARTY
from workstation.sync.protocol import ACCEPTED, change_to_wire

from . import auth, migrations, receipts
from .auth import ROLES, Actor
from .db import Database
from .errors import CentralError
from .ingest import Batch, add_to_officers, ingest, parse
from .tables import accounts, case_scope, courts, journal

ADMIN_DEVICE = "central-admin"


def init(db: Database, courts_file: Path | None = None) -> list[int]:
    """Create or migrate the schema, and load the court table (resources/courts.toml by default:
    added and changed courts are updated, none removed). Returns the migrations applied."""
    applied = migrations.migrate(db)
    load_court_table(db, courts_file)
    return applied


def ensure_ready(db: Database) -> None:
    """Migrate if needed; load the court table if the database has none (a fresh database)."""
    migrations.migrate(db)
    with db.read() as conn:
        empty = conn.execute(select(func.count()).select_from(courts)).scalar_one() == 0
    if empty:
        load_court_table(db)


def load_court_table(db: Database, path: Path | None = None) -> int:
    try:
        table = load_courts(path)
    except InvalidValue as exc:
        raise CentralError(exc.message) from None
    with db.write() as conn:
        have = {r.code for r in conn.execute(select(courts.c.code))}
        for c in table.all():
            values = {"name": c.name, "level": c.level, "parent": c.parent}
            if c.code in have:
                conn.execute(update(courts).where(courts.c.code == c.code).values(**values))
            else:
                conn.execute(insert(courts).values(code=c.code, **values))
    return len(table.all())


def add_account(
    db: Database,
    username: str,
    password: str,
    *,
    role: str,
    court: str,
    name: str,
) -> int:
    """A new account; returns its id."""
    username = username.strip()
    if not username or len(username) > 64:
        raise CentralError("用户名不能为空，且不超过 64 个字符。")
    if role not in ROLES:
        raise CentralError(
            f"角色“{role}”不存在，应为 {'、'.join(f'{k}（{v}）' for k, v in ROLES.items())}。"
        )
    if len(password) < 8:
        raise CentralError("密码至少需要 8 个字符。")
    if not name.strip():
        raise CentralError("请填写账号使用人的姓名（--name）。")
    with db.write() as conn:
        level = conn.execute(select(courts.c.level).where(courts.c.code == court)).scalar()
        if level is None:
            raise CentralError(
                f"法院代字“{court}”不在法院代码表中。请先在 courts.toml 中添加并运行 init。"
            )
        if role == auth.INTERMEDIATE_MANAGER and level not in ("intermediate", "high"):
            raise CentralError(f"{court} 不是中级法院，不能设中级法院管理人员账号。")
        if auth.find_account(conn, username) is not None:
            raise CentralError(f"用户名“{username}”已被使用。")
        return conn.execute(
            insert(accounts).values(
                username=username,
                password_hash=auth.hash_password(password),
                role=role,
                court_code=court,
                display_name=name.strip(),
                active=True,
                created_at=utc_now(),
            )
        ).inserted_primary_key[0]


def officer_actor(db: Database, username: str) -> Actor:
    """The account `username`, which must be an active officer, as the author of changes."""
    with db.read() as conn:
        row = auth.find_account(conn, username)
    if row is None:
        raise CentralError(f"没有用户名为“{username}”的账号。")
    if row.role != auth.OFFICER:
        raise CentralError(f"账号“{username}”不是承办人账号，不能承办案件。")
    if not row.active:
        raise CentralError(f"账号“{username}”已停用。")
    return Actor(row.id, row.username, row.display_name, row.role, row.court_code)


def revoke(db: Database, username: str) -> int:
    """Revoke every token of an account; returns how many were in force."""
    with db.write(ordered=False) as conn:
        row = auth.find_account(conn, username)
        if row is None:
            raise CentralError(f"没有用户名为“{username}”的账号。")
        return auth.revoke_account_tokens(conn, row.id)


def _refuse_all(batch: Batch) -> None:
    if batch.rejected:
        reasons = "；".join(dict.fromkeys(r.reason for r in batch.rejected))
        raise CentralError(f"未导入任何内容：{reasons}")


def case_changes(data: Any, officer: Actor) -> list[dict[str, Any]]:
    """Wire changes creating a case and its parties from JSON: the case's fields (as in
    records.py) and "parties": a list of the parties' fields. "id" keys give record ids."""
    if not isinstance(data, dict):
        raise CentralError("案件文件应为一个 JSON 对象：案件的各字段，以及 parties 当事人列表。")
    data = dict(data)
    parties = data.pop("parties", [])
    if not isinstance(parties, list) or not all(isinstance(p, dict) for p in parties):
        raise CentralError("parties 应为当事人对象的列表。")
    case_id = data.pop("id", None) or uuid7()
    data.setdefault("court_code", officer.court_code)
    data.setdefault("officer", officer.display_name)
    if isinstance(data.get("case_number"), str):
        try:
            data["case_number"] = str(CaseNumber.parse(data["case_number"]))
        except InvalidValue as exc:
            raise CentralError(exc.message) from None
    unknown = set(data) - set(CASE.by_name)
    if unknown:
        raise CentralError(f"案件没有这些字段：{'、'.join(sorted(unknown))}。")
    at = utc_now()

    def change(rtype: str, rid: str, fields: dict[str, Any]) -> dict[str, Any]:
        return {
            "change_id": uuid7(),
            "record_type": rtype,
            "record_id": rid,
            "fields": fields,
            "base": {},
            "officer": officer.display_name,
            "device": ADMIN_DEVICE,
            "at": at,
        }

    out = [change(CASE.name, case_id, data)]
    for p in parties:
        p = dict(p)
        pid = p.pop("id", None) or uuid7()
        unknown = set(p) - set(PARTY.by_name)
        if unknown:
            raise CentralError(f"当事人没有这些字段：{'、'.join(sorted(unknown))}。")
        out.append(change(PARTY.name, pid, {**p, "case_id": case_id}))
    return out


def add_case(db: Database, data: Any, officer_username: str) -> str:
    """Ingest a case and its parties (all or nothing), assigned to the officer. Returns its id."""
    officer = officer_actor(db, officer_username)
    wires = case_changes(data, officer)
    with db.write() as conn:
        ingest(conn, officer, wires, before_write=_refuse_all)
    return wires[0]["record_id"]


def assign(db: Database, case_number: str, officer_username: str) -> str:
    """Give a case to another officer of its court. Returns the case id.

    The new officer's workstation sees the case's history through the summary check (the case's
    old changes lie before its pull cursor), which downloads a fresh copy."""
    try:
        number = str(CaseNumber.parse(case_number))
    except InvalidValue as exc:
        raise CentralError(exc.message) from None
    officer = officer_actor(db, officer_username)
    with db.write() as conn:
        rows = conn.execute(select(case_scope).where(case_scope.c.case_number == number)).all()
        if not rows:
            raise CentralError(f"服务器上没有案号为{number}的案件。")
        if len(rows) > 1:
            raise CentralError(f"服务器上有 {len(rows)} 件案号为{number}的案件，请先核对。")
        row = rows[0]
        if row.court_code != officer.court_code:
            raise CentralError(
                f"案件{number}属于 {row.court_code}，承办人“{officer_username}”属于 "
                f"{officer.court_code}，不能指派。"
            )
        conn.execute(
            update(case_scope)
            .where(case_scope.c.case_id == row.case_id)
            .values(officer_account_id=officer.account_id)
        )
        share = [row.record_count, int(row.digest_sum, 16)]
        moves = {officer.account_id: share}
        if row.officer_account_id is not None and row.officer_account_id != officer.account_id:
            moves[row.officer_account_id] = [-share[0], -share[1]]
        elif row.officer_account_id == officer.account_id:
            moves = {}
        add_to_officers(conn, moves)
        return row.case_id


def add_receipt(db: Database, **typed: Any) -> tuple[str, receipts.NewReceipt]:
    """Record money received without an identifiable case (the finance office's 不明款), as
    typed: court, date, amount in yuan, payer... (receipts.check_receipt). Returns (id, receipt)."""
    try:
        receipt = receipts.check_receipt(**typed)
    except InvalidValue as exc:
        raise CentralError(exc.message) from None
    with db.write(ordered=False) as conn:
        return receipts.add_receipt(conn, receipt), receipt


def demo_wires(cases: int, seed: int, court: str, officer: str) -> Iterator[dict[str, Any]]:
    for ch in DemoGenerator(seed, courts=[court]).changes(cases, ADMIN_DEVICE, officer):
        yield change_to_wire(ch)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_demo(
    db: Database,
    *,
    cases: int,
    seed: int,
    court: str,
    officer_username: str,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, float]:
    """Demo cases of `court` for the officer, ingested like pushes in batches (each one
    transaction). Returns (changes accepted, seconds)."""
    officer = officer_actor(db, officer_username)
    if court != officer.court_code:
        raise CentralError(
            f"承办人“{officer_username}”属于 {officer.court_code}，不能为其生成 {court} 的案件。"
        )
    started = time.perf_counter()
    accepted = 0
    wires = demo_wires(cases, seed, court, officer.display_name)
    for number, part in enumerate(_batches(wires, batch_size)):
        parsed = [parse(w) for w in part]  # outside the write lock
        with db.write() as conn:
            batch = ingest(conn, officer, part, parsed=parsed)
        if number % 10 == 0:
            refresh_statistics(db)
        if batch.rejected:
            r = batch.rejected[0]
            raise CentralError(f"演示数据有变更未被接受：{r.reason}", f"{r.change_id}: {r.reason}")
        accepted += sum(r.status == ACCEPTED for r in batch.results)
        if progress:
            progress(accepted)
    return accepted, time.perf_counter() - started


def refresh_statistics(db: Database) -> None:
    """PostgreSQL: update the planner's statistics after a bulk load (autovacuum would, within a
    minute or so; until then a lookup by id may scan a table it thinks small)."""
    if db.is_postgresql:
        with db.write(ordered=False) as conn:
            conn.execute(text("ANALYZE journal, records, case_scope"))


def journal_size(db: Database) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(journal)).scalar_one()


def read_case_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CentralError(f"找不到文件 {path}。") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CentralError(f"文件 {path} 不是 UTF-8 编码的 JSON：{exc}") from None
