"""Money received without an identifiable case (不明款 / 未认领款项).

The court's finance office records what reached the case-funds account without a case it can
name (`add-receipt`, or POST /unmatched-receipts by a court manager). It is court-level data: in
no officer's case file and not in the journal. Officers and managers of the court see what is
still unclaimed, an intermediate court's managers also their basic courts' (read-only); an
officer claims a receipt for a case of theirs, naming the funds receipt their workstation
recorded for it (legal reference §6: 到账信息 with 认领日期).

A claim is idempotent for the same case and funds receipt, so a workstation that lost the answer
simply asks again; a receipt claimed once is refused to anyone else, with who claimed it.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from workstation.domain.dates import parse_date
from workstation.domain.errors import InvalidValue
from workstation.domain.measures import ReceiptSource
from workstation.domain.money import MAX_FEN, format_money, parse_money
from workstation.ids import uuid7

from .auth import OFFICER, Actor, iso, now
from .errors import ApiError, CentralError
from .scope import in_read_scope
from .tables import accounts, case_scope, courts, records, unmatched_receipts

MAX_TEXT = 200
SOURCES = {s.value for s in ReceiptSource}


@dataclass(frozen=True)
class NewReceipt:
    """A receipt as the finance office gives it, checked."""

    court_code: str
    received_date: date
    amount: int  # fen
    payer: str
    payer_account: str = ""
    receipt_number: str = ""
    source: str = ReceiptSource.TRANSFER.value
    note: str = ""


def _one_line(value: Any, what: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidValue(f"{what}应为文字。")
    text = " ".join(value.split())
    if required and not text:
        raise InvalidValue(f"请填写{what}。")
    if len(text) > MAX_TEXT:
        raise InvalidValue(f"{what}过长（{len(text)}字），请精简到{MAX_TEXT}字以内。")
    if "\x00" in text:
        raise InvalidValue(f"{what}含有无法保存的字符。")
    return text


def check_receipt(
    *,
    court_code: Any,
    received_date: Any,
    amount: Any,
    payer: Any,
    payer_account: Any = "",
    receipt_number: Any = "",
    source: Any = None,
    note: Any = "",
    today: date | None = None,
) -> NewReceipt:
    """A receipt from what was typed or sent: the date as officers type it (not in the future),
    the amount in whole fen (an int) or typed in yuan (a str), above zero. InvalidValue with a
    Chinese message otherwise. The court is checked against the court table by `add_receipt`."""
    today = today or date.today()
    court = _one_line(court_code, "法院代字", required=True)
    if not isinstance(received_date, str):
        raise InvalidValue("到账日期应为文字，如2024-03-05。")
    when = parse_date(received_date, today=today)
    if when > today:
        raise InvalidValue(f"到账日期{when.isoformat()}晚于今天{today.isoformat()}，请核对日期。")
    if isinstance(amount, str):
        fen = parse_money(amount)
    elif isinstance(amount, int) and not isinstance(amount, bool):
        fen = amount
        if fen < 0:
            raise InvalidValue("到账金额不能为负数。")
        if fen > MAX_FEN:
            raise InvalidValue("到账金额超过上限，请核对是否多输了位数。")
    else:
        raise InvalidValue("到账金额应为整数（分）或以元为单位的文字。")
    if fen == 0:
        raise InvalidValue("到账金额应大于零。")
    kind = _one_line(source, "款项来源") or ReceiptSource.TRANSFER.value
    if kind not in SOURCES:
        raise InvalidValue(
            f"款项来源“{kind}”不存在，应为 "
            + "、".join(f"{s.value}（{s.label}）" for s in ReceiptSource)
            + "。"
        )
    return NewReceipt(
        court_code=court,
        received_date=when,
        amount=fen,
        payer=_one_line(payer, "交款人", required=True),
        payer_account=_one_line(payer_account, "交款账号"),
        receipt_number=_one_line(receipt_number, "票据号"),
        source=kind,
        note=_one_line(note, "备注"),
    )


def add_receipt(conn: Connection, receipt: NewReceipt) -> str:
    """Record an unmatched receipt of a court in the court table. Returns its id."""
    known = conn.execute(select(courts.c.code).where(courts.c.code == receipt.court_code)).scalar()
    if known is None:
        raise CentralError(
            f"法院代字“{receipt.court_code}”不在法院代码表中。"
            "请核对，或在 courts.toml 中添加后运行 init。"
        )
    receipt_id = uuid7()
    conn.execute(
        insert(unmatched_receipts).values(
            id=receipt_id,
            court_code=receipt.court_code,
            received_date=receipt.received_date.isoformat(),
            amount=receipt.amount,
            payer=receipt.payer,
            payer_account=receipt.payer_account,
            receipt_number=receipt.receipt_number,
            source=receipt.source,
            note=receipt.note,
            created_at=iso(now()),
            claimed_case_id=None,
            claimed_by=None,
            claimed_at=None,
            claimed_funds_id=None,
        )
    )
    return receipt_id


def describe(receipt: NewReceipt) -> str:
    """One line for the administrator: 2024-03-05 到账 1,234.56元，交款人 王五。"""
    return (
        f"{receipt.received_date.isoformat()} 到账 {format_money(receipt.amount)}，"
        f"交款人 {receipt.payer}"
    )


def _visible_courts(actor: Actor) -> tuple[str, ...] | None:
    """The courts whose unclaimed receipts the actor sees (None: all). Officers and managers see
    their court's; an intermediate court's managers also the basic courts below it."""
    if actor.role == OFFICER:
        return (actor.court_code,)
    return actor.read_courts


def list_unclaimed(conn: Connection, actor: Actor, today: date) -> list[dict[str, Any]]:
    """The unclaimed receipts the actor sees, oldest first, each with its days unclaimed."""
    query = select(unmatched_receipts).where(unmatched_receipts.c.claimed_case_id.is_(None))
    visible = _visible_courts(actor)
    if visible is not None:
        query = query.where(unmatched_receipts.c.court_code.in_(visible))
    query = query.order_by(unmatched_receipts.c.received_date, unmatched_receipts.c.created_at)
    out = []
    for row in conn.execute(query):
        received = date.fromisoformat(row.received_date)
        out.append(
            {
                "id": row.id,
                "court_code": row.court_code,
                "received_date": row.received_date,
                "amount": row.amount,
                "payer": row.payer,
                "payer_account": row.payer_account,
                "receipt_number": row.receipt_number,
                "source": row.source,
                "note": row.note,
                "created_at": row.created_at,
                "days_unclaimed": max((today - received).days, 0),
                "can_claim": actor.role == OFFICER and row.court_code == actor.court_code,
            }
        )
    return out


def _claim_answer(conn: Connection, row: Any, status: str) -> dict[str, Any]:
    who = conn.execute(
        select(accounts.c.username, accounts.c.display_name).where(accounts.c.id == row.claimed_by)
    ).first()
    number = conn.execute(
        select(case_scope.c.case_number).where(case_scope.c.case_id == row.claimed_case_id)
    ).scalar()
    return {
        "id": row.id,
        "status": status,  # claimed | already_claimed (the same claim again)
        "case_id": row.claimed_case_id,
        "case_number": number or "",
        "funds_id": row.claimed_funds_id,
        "claimed_by": who.display_name if who else "",
        "claimed_by_username": who.username if who else "",
        "claimed_at": row.claimed_at,
    }


def _receipt(conn: Connection, receipt_id: str) -> Any:
    return conn.execute(
        select(unmatched_receipts).where(unmatched_receipts.c.id == receipt_id)
    ).first()


def claim(
    conn: Connection, actor: Actor, receipt_id: str, case_id: str, funds_id: str
) -> dict[str, Any]:
    """Claim an unclaimed receipt of the officer's court for a case of theirs, as the funds
    receipt `funds_id` of that case. The same claim again answers as the first did; any other
    claim of a claimed receipt is refused (409) naming who claimed it."""
    if actor.role != OFFICER:
        raise ApiError(403, "只有承办人可以认领款项。", f"{actor.role} may not claim")
    row = _receipt(conn, receipt_id)
    if row is None or row.court_code != actor.court_code:
        raise ApiError(
            404, "没有这笔未认领款项，或它不属于您所在的法院。", receipt_id, code="unknown"
        )
    if row.claimed_case_id is not None:
        if row.claimed_case_id == case_id and row.claimed_funds_id == funds_id:
            return _claim_answer(conn, row, "already_claimed")
        done = _claim_answer(conn, row, "claimed")
        by = done["claimed_by"] or "其他承办人"
        number = f"案件{done['case_number']}" if done["case_number"] else "其他案件"
        raise ApiError(
            409,
            f"这笔款项已由{by}于{done['claimed_at'][:10]}认领到{number}，不能再认领。",
            f"{receipt_id} claimed by {done['claimed_by_username']}",
            code="claimed",
            claim=done,
        )
    case = conn.execute(select(case_scope).where(case_scope.c.case_id == case_id)).first()
    if case is None:
        raise ApiError(
            404,
            "服务器上还没有这件案件，请先同步该案件，认领将在同步后完成。",
            f"unknown case {case_id}",
            code="case_unknown",
        )
    if case.court_code != row.court_code:
        raise ApiError(
            403,
            f"案件{case.case_number}属于{case.court_code}，这笔款项属于{row.court_code}，"
            "不能认领到其他法院的案件。",
            f"case court {case.court_code} != receipt court {row.court_code}",
            code="other_court",
        )
    readable = conn.execute(
        in_read_scope(
            select(records.c.record_id).where(
                and_(records.c.record_type == "case", records.c.record_id == case_id)
            ),
            records,
            actor,
        )
    ).first()
    if readable is None:
        raise ApiError(
            403,
            f"案件{case.case_number}不是您承办的案件，不能认领到该案件。",
            f"{actor.username} does not hold {case_id}",
            code="not_yours",
        )
    changed = conn.execute(
        update(unmatched_receipts)
        .where(
            and_(
                unmatched_receipts.c.id == receipt_id,
                unmatched_receipts.c.claimed_case_id.is_(None),
            )
        )
        .values(
            claimed_case_id=case_id,
            claimed_by=actor.account_id,
            claimed_at=iso(now()),
            claimed_funds_id=funds_id,
        )
    ).rowcount
    if changed != 1:  # claimed meanwhile by another request: answer as if it came first
        return claim(conn, actor, receipt_id, case_id, funds_id)
    return _claim_answer(conn, _receipt(conn, receipt_id), "claimed")
