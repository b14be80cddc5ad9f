"""What the case view and the work view record and ask beyond `enforcement`.

Recording, checked by the domain rules with Chinese messages (as `enforcement.record_*`): property
clues and their verification, assets, seizures with the preservation and expiry details, receipts
and the hand-in of cash, field visits; payouts and seizures with the amount as the officer typed it.

The work view (今日待办, `work_list`): what is due or overdue across an officer's cases, read with
a few queries over the whole file and the same rules the case view uses, so it stays quick on a
file of 100,000 cases.
"""

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from .cases import ValidationFailed
from .domain.aftercare import Aftercare, RoundStatus, aftercare
from .domain.dates import parse_date
from .domain.errors import InvalidValue
from .domain.funds import case_funds, cash_hand_in
from .domain.measures import (
    Asset,
    AssetKind,
    AssetStatus,
    ClueStatus,
    Identifier,
    LabelledEnum,
    Measure,
    MeasureKind,
    Receipt,
    ReceiptSource,
    Seizure,
    SeizureKind,
    ValueBasis,
    check_measure,
    check_seizure,
)
from .domain.money import format_money
from .domain.periods import Period, open_longer_than_cutoff
from .domain.readiness import clue_verification_deadline
from .domain.seizures import check_seizure_term, expiry_reminders
from .enforcement import (
    court_settings,
    load_record,
    readiness,
    record_payout,
    to_asset,
    to_clue,
    to_fund_events,
    to_measure,
    to_seizure,
)
from .forms import flag as _flag
from .forms import long_text as _long_text
from .forms import text as _text
from .forms import typed_date as _date
from .forms import typed_money as _money
from .store.casefile import CaseFile, Edit

MAX_TEXT = 500
# Payouts show in the work view this many days before their deadline (the deadline itself is the
# court's setting, 30 days from receipt; a week's notice leaves time for the approval).
PAYOUT_NOTICE_DAYS = 7
# The work view lists the oldest of the cases open longer than a year, not all of them: on a large
# file they are thousands, and the case list filter "立案超过一年未结" shows them all.
OPEN_OVER_YEAR_SHOWN = 200


# -- reading what the officer typed: workstation/forms.py -------------------------------------
def _choice(raw: Mapping[str, Any], key: str, enum: Any, errors: dict[str, str], message: str):
    try:
        return enum(_text(raw, key))
    except ValueError:
        errors[key] = message
        return None


def _filing_date(record_case: Mapping[str, Any]) -> date:
    return date.fromisoformat(record_case["filing_date"])


def _names(text: str) -> list[str]:
    """Officers typed as "张伟、李娜" (or with commas or spaces)."""
    return [n for n in re.split(r"[、，,;；\s]+", text) if n]


def _debtor_id(raw: Mapping[str, Any], debtor_ids: Iterable[str], errors: dict[str, str]) -> str:
    debtor = _text(raw, "debtor_id")
    if debtor and debtor not in set(debtor_ids):
        errors["debtor_id"] = "所选被执行人不是本案的被执行人，请重新选择。"
    return debtor


# -- clues -------------------------------------------------------------------------------------
def record_clue(
    cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date | None = None
) -> str:
    """A property clue given by the applicant: verified within 7 days, 3 if urgent."""
    today = today or date.today()
    record = load_record(cf, case_id)
    errors: dict[str, str] = {}
    given = _date(
        raw, "given_date", errors, today, what="提供日期", not_before=_filing_date(record.case)
    )
    description = _long_text(raw, "description", errors, MAX_TEXT)
    if not description and "description" not in errors:
        errors["description"] = "请写明线索内容，如财产的种类、所在地、账号或车牌号。"
    debtor = _debtor_id(raw, (d.id for d in record.debtors), errors)
    if errors:
        raise ValidationFailed(errors)
    values = {
        "case_id": case_id,
        "given_date": given.isoformat(),
        "description": description,
        "urgent": int(_flag(raw, "urgent")),
        "status": ClueStatus.PENDING.value,
        "given_by": _text(raw, "given_by") or "申请执行人",
        "debtor_id": debtor or None,
    }
    (clue_id,) = cf.save([Edit("clue", values)])
    return clue_id


def record_clue_result(
    cf: CaseFile, clue_id: str, raw: Mapping[str, Any], today: date | None = None
) -> None:
    """The result of verifying a clue (核实中, or verified with or without property found)."""
    today = today or date.today()
    row = cf.get("clue", clue_id)
    if row is None:
        raise KeyError(clue_id)
    clue = to_clue(row.values | {"id": clue_id})
    errors: dict[str, str] = {}
    status = _choice(raw, "status", ClueStatus, errors, "请选择核实结果。")
    if status is ClueStatus.PENDING:
        errors["status"] = "请选择核实结果（核实中，或已核实的结果）。"
    verified = _date(
        raw,
        "verified_date",
        errors,
        today,
        what="核实日期",
        required=status is not None and not status.open,
        not_before=clue.given_date,
        not_before_what="线索提供日期",
    )
    if errors:
        raise ValidationFailed(errors)
    cf.save(
        [
            Edit(
                "clue",
                {
                    "status": status.value,
                    "verified_date": verified.isoformat() if verified else None,
                },
                clue_id,
                row.versions,
            )
        ]
    )


# -- assets and seizures -----------------------------------------------------------------------
def record_asset(
    cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date | None = None
) -> str:
    """An asset found: kind, description, value and its basis, prior rights, status."""
    today = today or date.today()
    record = load_record(cf, case_id)
    errors: dict[str, str] = {}
    kind = _choice(raw, "kind", AssetKind, errors, "请选择财产种类。")
    description = _long_text(raw, "description", errors, MAX_TEXT)
    if not description and "description" not in errors:
        errors["description"] = "请写明财产，如“洛阳银行尾号1234账户存款”“豫C12345小型轿车”。"
    status = AssetStatus.FOUND
    if _text(raw, "status"):
        status = _choice(raw, "status", AssetStatus, errors, "请选择财产状态。")
    value = _money(raw, "value", errors, what="财产价值", required=False)
    basis = None
    if _text(raw, "value_basis"):
        basis = _choice(raw, "value_basis", ValueBasis, errors, "请选择价值依据。")
    if value is not None and basis is None and "value_basis" not in errors:
        errors["value_basis"] = "填写了财产价值，请同时选择价值依据（评估价、参考价、余额等）。"
    if basis is not None and value is None and "value" not in errors:
        errors["value"] = "选择了价值依据，请填写财产价值。"
    prior = _money(raw, "prior_encumbrances", errors, what="在先优先权金额", required=False)
    reason = _long_text(raw, "cannot_dispose_reason", errors, MAX_TEXT)
    found = _date(raw, "found_date", errors, today, what="发现日期", required=False)
    debtor = _debtor_id(raw, (d.id for d in record.debtors), errors)
    id_kind, id_value = _text(raw, "identifier_kind"), _text(raw, "identifier_value")
    if id_value and not id_kind:
        errors["identifier_kind"] = "请写明号码的种类，如账号、车牌号、不动产权证号。"
    identifiers = (Identifier(id_kind, id_value),) if id_value else ()
    if not errors:
        try:
            Asset(
                "new",
                kind,
                description,
                status,
                value=value,
                value_basis=basis,
                prior_encumbrances=prior or 0,
                cannot_dispose_reason=reason,
                identifiers=identifiers,
                debtor_id=debtor,
                found_date=found,
            )
        except InvalidValue as exc:
            field = {"money": "value", "cannot_dispose_reason": "cannot_dispose_reason"}
            errors[field.get(exc.field or "", "status")] = exc.message
    if errors:
        raise ValidationFailed(errors)
    values = {
        "case_id": case_id,
        "kind": kind.value,
        "description": description,
        "status": status.value,
        "value": value or 0,
        "value_basis": basis.value if basis else None,
        "prior_encumbrances": prior or 0,
        "cannot_dispose_reason": reason,
        "identifiers": json.dumps(
            [{"kind": i.kind, "value": i.value} for i in identifiers], ensure_ascii=False
        ),
        "debtor_id": debtor or None,
        "found_date": found.isoformat() if found else None,
    }
    (asset_id,) = cf.save([Edit("asset", values)])
    return asset_id


def record_seizure_as_typed(
    cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date | None = None
) -> str:
    """A seal, distraint or freeze as typed: the amount in yuan text, "保全转执行", a stated expiry
    (checked against the legal term), the dates checked by domain.measures.check_seizure."""
    today = today or date.today()
    record = load_record(cf, case_id)
    errors: dict[str, str] = {}
    when = _date(raw, "date", errors, today, what="查封、扣押、冻结日期")
    assets = {a.id: a for a in record.assets}
    asset = assets.get(_text(raw, "asset_id"))
    if asset is None:
        errors["asset_id"] = "请选择被查封、扣押、冻结的财产。"
    kind = _choice(raw, "kind", SeizureKind, errors, "请选择查封、扣押或冻结。")
    amount = _money(raw, "amount", errors, what="冻结金额", required=False)
    share_text = _text(raw, "share")
    share = None
    if share_text:
        try:
            share = Fraction(share_text.replace("／", "/"))
        except (ValueError, ZeroDivisionError):
            errors["share"] = f"无法识别份额“{share_text}”，请写成1/2、1/3这样的分数。"
    until = None
    if _text(raw, "until"):
        try:
            until = parse_date(_text(raw, "until"), today=today)
        except InvalidValue as exc:
            errors["until"] = exc.message
    preservation = _flag(raw, "from_preservation")
    if not errors:
        seizure = None
        try:
            seizure = Seizure(
                "new",
                asset.id,
                kind,
                when,
                amount=amount or None,
                share=share,
                until=until,
                from_preservation=preservation,
            )
            check_seizure(seizure, filing_date=_filing_date(record.case), today=today)
        except InvalidValue as exc:
            errors[exc.field if exc.field in ("share", "until", "amount") else "date"] = exc.message
        if seizure is not None and not errors:
            try:
                check_seizure_term(seizure, asset.kind, court_settings())
            except InvalidValue as exc:
                errors["until"] = exc.message
    if errors:
        raise ValidationFailed(errors)
    values = {
        "case_id": case_id,
        "asset_id": asset.id,
        "kind": kind.value,
        "date": when.isoformat(),
        "amount": amount or 0,
        "share": f"{share.numerator}/{share.denominator}" if share is not None else "",
        "until": until.isoformat() if until else None,
        "from_preservation": int(preservation),
    }
    edits = [Edit("seizure", values)]
    if asset.status is AssetStatus.FOUND:
        edits.append(Edit("asset", {"status": AssetStatus.SEIZED.value}, asset.id))
    seizure_id = cf.save(edits)[0]
    return seizure_id


# -- case funds ------------------------------------------------------------------------------
def record_receipt(
    cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date | None = None
) -> str:
    """Money received for the case; cash taken in the field needs two officers present."""
    today = today or date.today()
    record = load_record(cf, case_id)
    errors: dict[str, str] = {}
    when = _date(raw, "date", errors, today, what="到账日期", not_before=_filing_date(record.case))
    amount = _money(raw, "amount", errors, what="到账金额")
    source = _choice(raw, "source", ReceiptSource, errors, "请选择款项来源。")
    cash = _flag(raw, "cash")
    officers = _names(_text(raw, "officers"))
    handed_in = _date(raw, "handed_in", errors, today, what="现金移交日期", required=False)
    if not errors:
        try:
            Receipt(
                "new",
                when,
                amount,
                source,
                payer=_text(raw, "payer"),
                receipt_number=_text(raw, "receipt_number"),
                case_id=case_id,
                cash=cash,
                officers=tuple(officers),
                handed_in=handed_in,
            )
        except InvalidValue as exc:
            errors[exc.field if exc.field in ("officers", "handed_in") else "amount"] = exc.message
    if errors:
        raise ValidationFailed(errors)
    values = {
        "case_id": case_id,
        "kind": "receipt",
        "date": when.isoformat(),
        "amount": amount,
        "source": source.value,
        "payer": _text(raw, "payer"),
        "receipt_number": _text(raw, "receipt_number"),
        "cash": int(cash),
        "officers": json.dumps(officers, ensure_ascii=False),
        "handed_in": handed_in.isoformat() if handed_in else None,
    }
    (receipt_id,) = cf.save([Edit("funds", values)])
    return receipt_id


def record_cash_handed_in(
    cf: CaseFile, receipt_id: str, raw: Mapping[str, Any], today: date | None = None
) -> None:
    """Cash taken in the field has been handed to the finance office on `handed_in`."""
    today = today or date.today()
    row = cf.get("funds", receipt_id)
    if row is None or row.values["kind"] != "receipt":
        raise KeyError(receipt_id)
    if not row.values["cash"]:
        raise ValidationFailed({"handed_in": "只有代收的现金需要登记移交。"})
    errors: dict[str, str] = {}
    received = date.fromisoformat(row.values["date"])
    handed_in = _date(
        raw,
        "handed_in",
        errors,
        today,
        what="移交日期",
        not_before=received,
        not_before_what="收款日期",
    )
    if errors:
        raise ValidationFailed(errors)
    cf.save([Edit("funds", {"handed_in": handed_in.isoformat()}, receipt_id, row.versions)])


def record_payout_as_typed(
    cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date | None = None
) -> str:
    """`enforcement.record_payout` with the amount as typed (400000, 4.5万元)."""
    errors: dict[str, str] = {}
    amount = _money(raw, "amount", errors, what="发放金额")
    values = {
        "date": _text(raw, "date"),
        "amount": amount,
        "payee": _text(raw, "payee"),
        "account": _text(raw, "account"),
        "approver": _text(raw, "approver"),
        "receipt_id": _text(raw, "receipt_id") or None,
    }
    try:
        return record_payout(cf, case_id, values, today)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.errors | errors) from None


# -- field visits ----------------------------------------------------------------------------
def record_field_visit(
    cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date | None = None
) -> str:
    """A field visit (外勤); with `as_measure`, also the 现场调查 measure the termination check
    counts as a traditional inquiry, saved in the same transaction."""
    today = today or date.today()
    record = load_record(cf, case_id)
    errors: dict[str, str] = {}
    when = _date(raw, "date", errors, today, what="外勤日期", not_before=_filing_date(record.case))
    place = _long_text(raw, "place", errors, MAX_TEXT)
    if not place and "place" not in errors:
        errors["place"] = "请填写外勤地点，如被执行人住所地、财产所在地。"
    officers = _names(_text(raw, "officers"))
    if not officers:
        errors["officers"] = "请填写外勤人员，如“张伟、李娜”。"
    purpose = _long_text(raw, "purpose", errors, MAX_TEXT)
    findings = _long_text(raw, "findings", errors, 4000)
    if errors:
        raise ValidationFailed(errors)
    values = {
        "case_id": case_id,
        "date": when.isoformat(),
        "place": place,
        "officers": "、".join(officers),
        "purpose": purpose,
        "findings": findings,
    }
    edits = [Edit("field_visit", values)]
    if _flag(raw, "as_measure"):
        measure = Measure("new", MeasureKind.FIELD_VISIT, when, officers[0])
        try:
            check_measure(measure, filing_date=_filing_date(record.case), today=today)
        except InvalidValue as exc:
            raise ValidationFailed({"date": exc.message}) from None
        edits.append(
            Edit(
                "measure",
                {
                    "case_id": case_id,
                    "kind": MeasureKind.FIELD_VISIT.value,
                    "date": when.isoformat(),
                    "officer": cf.officer or officers[0],
                    "result": "；".join(x for x in (place, findings) if x)[:MAX_TEXT],
                },
            )
        )
    return cf.save(edits)[0]


# -- the work view (今日待办) -----------------------------------------------------------------
class WorkKind(LabelledEnum):
    """The kinds of what is due, in the order the work view shows them."""

    PAYOUT = ("payout", "案款待发放")
    CASH = ("cash", "现金待移交")
    SEIZURE = ("seizure", "查封、冻结即将到期")
    CLUE = ("clue", "财产线索待核实")
    AFTERCARE = ("aftercare", "终本后定期查询")
    READY = ("ready", "已具备终本条件")
    OPEN_OVER_YEAR = ("open_over_year", "立案超过一年未结")


@dataclass(frozen=True)
class WorkItem:
    kind: WorkKind
    case_id: str
    case_number: str
    officer: str
    what: str  # Chinese: what is due
    due: date | None = None
    days_left: int | None = None  # negative: overdue by that many days
    record_id: str = ""

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def when_text(self) -> str:
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            return f"逾期{-self.days_left}日"
        if self.days_left == 0:
            return "今日到期"
        return f"还有{self.days_left}日"


@dataclass(frozen=True)
class WorkList:
    today: date
    officer: str | None
    items: tuple[WorkItem, ...]
    open_over_year_total: int  # the items hold the oldest OPEN_OVER_YEAR_SHOWN of them
    ready_candidates: int  # cases the termination check ran on

    def of_kind(self, kind: WorkKind | str) -> tuple[WorkItem, ...]:
        return tuple(i for i in self.items if i.kind == kind)

    def count(self, kind: WorkKind | str) -> int:
        if kind == WorkKind.OPEN_OVER_YEAR:
            return self.open_over_year_total
        return sum(1 for i in self.items if i.kind == kind)


def _longest_days(period: Period) -> int:
    return period.years * 366 + period.months * 31 + period.days


def _shortest_days(period: Period) -> int:
    return period.years * 365 + period.months * 28 + period.days


class _Cases:
    """Which cases the work view covers: not deleted, of one officer (None: everyone's)."""

    def __init__(self, cf: CaseFile, officer: str | None) -> None:
        self.conn = cf.conn
        self.officer = officer
        self.info: dict[str, tuple[str, str]] = {}  # id -> (case number, officer)

    def where(self, alias: str = "c") -> tuple[str, list[Any]]:
        if self.officer:
            return f"{alias}.deleted = 0 AND {alias}.officer = ?", [self.officer]
        return f"{alias}.deleted = 0", []

    def rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        """Rows of `sql` (which selects from a record table joined to `cases c`) as dicts, and
        the case number and officer of each, kept for the items."""
        cur = self.conn.execute(sql, params)
        cols = [d[0] for d in cur.description]
        out = []
        for row in cur:
            r = dict(zip(cols, row, strict=True))
            self.info[r["case_id"]] = (r.pop("_case_number"), r.pop("_officer"))
            out.append(r)
        return out

    def item(self, kind: WorkKind, case_id: str, what: str, **kw: Any) -> WorkItem:
        number, officer = self.info[case_id]
        return WorkItem(kind, case_id, number, officer or "", what, **kw)


def work_list(cf: CaseFile, today: date | None = None, officer: str | None = None) -> WorkList:
    """What is due or overdue across the cases of `officer` (None: all cases in the file)."""
    today = today or date.today()
    settings = court_settings()
    cases = _Cases(cf, officer)
    items: list[WorkItem] = []
    items += _payouts_due(cases, today, settings)
    items += _cash_to_hand_in(cases, today, settings)
    items += _seizures_expiring(cases, today, settings)
    items += _clues_to_verify(cases, today, settings)
    items += _aftercare_due(cases, today, settings)
    ready, candidates = _ready_for_termination(cf, cases, today, settings)
    items += ready
    over_year, total = _open_over_one_year(cases, today)
    items += over_year
    return WorkList(today, officer, tuple(items), total, candidates)


_CASE_COLS = "c.case_number AS _case_number, c.officer AS _officer"


def _payouts_due(cases: _Cases, today: date, settings: Any) -> list[WorkItem]:
    where, params = cases.where()
    # Only cases still holding money (receipts > payouts + escrows) are worked out in full.
    rows = cases.rows(
        f"""SELECT f.*, {_CASE_COLS} FROM funds f JOIN cases c ON c.id = f.case_id
            WHERE f.deleted = 0 AND {where} AND f.case_id IN (
                SELECT case_id FROM funds WHERE deleted = 0 GROUP BY case_id
                HAVING sum(CASE kind WHEN 'receipt' THEN amount
                                     WHEN 'payout' THEN -amount WHEN 'escrow' THEN -amount
                                     ELSE 0 END) > 0)
            ORDER BY f.n""",
        params,
    )
    by_case: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_case[r["case_id"]].append(r)
    out = []
    for case_id, case_rows in by_case.items():
        funds = case_funds(to_fund_events(case_rows), today, settings)
        for status in funds.receipts:
            days_left = (status.deadline - today).days
            if not status.held or days_left > PAYOUT_NOTICE_DAYS:
                continue
            r = status.receipt
            what = (
                f"{r.date.isoformat()}到账{format_money(r.amount)}，"
                f"尚有{format_money(status.held)}未发放"
            )
            if status.deferred_now:
                what += "（延缓发放中）"
            out.append(
                cases.item(
                    WorkKind.PAYOUT,
                    case_id,
                    what,
                    due=status.deadline,
                    days_left=days_left,
                    record_id=r.id,
                )
            )
    return sorted(out, key=lambda i: (i.due, i.case_number))


def _cash_to_hand_in(cases: _Cases, today: date, settings: Any) -> list[WorkItem]:
    where, params = cases.where()
    rows = cases.rows(
        f"""SELECT f.*, {_CASE_COLS} FROM funds f JOIN cases c ON c.id = f.case_id
            WHERE f.deleted = 0 AND f.kind = 'receipt' AND f.cash = 1 AND f.handed_in IS NULL
              AND {where}""",
        params,
    )
    out = []
    for r in rows:
        (receipt,) = to_fund_events([r]).receipts
        hand_in = cash_hand_in(receipt, today, settings)
        out.append(
            cases.item(
                WorkKind.CASH,
                r["case_id"],
                f"{receipt.date.isoformat()}代收现金{format_money(receipt.amount)}，尚未移交财务",
                due=hand_in.due,
                days_left=(hand_in.due - today).days,
                record_id=receipt.id,
            )
        )
    return sorted(out, key=lambda i: (i.due, i.case_number))


def _seizures_expiring(cases: _Cases, today: date, settings: Any) -> list[WorkItem]:
    where, params = cases.where()
    # Seizures hold on after termination (终本 does not release them), so terminated cases count.
    rows = cases.rows(
        f"""SELECT s.*, {_CASE_COLS} FROM seizures s JOIN cases c ON c.id = s.case_id
            WHERE s.deleted = 0 AND {where}
              AND (c.status = 'open' OR c.closing_method = 'termination')""",
        params,
    )
    if not rows:
        return []
    cur = cases.conn.execute(
        f"""SELECT a.* FROM assets a JOIN cases c ON c.id = a.case_id
            WHERE a.deleted = 0 AND {where}
              AND a.id IN (SELECT asset_id FROM seizures WHERE deleted = 0)""",
        params,
    )
    cols = [d[0] for d in cur.description]
    assets: dict[str, Asset] = {}
    for row in cur:
        a = dict(zip(cols, row, strict=True))
        assets[a["id"]] = to_asset(a)
    seizures = [to_seizure(r) for r in rows if r["asset_id"] in assets]
    case_of = {r["id"]: r["case_id"] for r in rows}
    out = []
    for reminder in expiry_reminders(seizures, assets, today, settings):
        # Long lapsed seizures are not "about to expire": they drop off after the lead days.
        if reminder.days_left < -settings.reminder_lead_days:
            continue
        out.append(
            cases.item(
                WorkKind.SEIZURE,
                case_of[reminder.seizure.id],
                reminder.message(),
                due=reminder.expiry,
                days_left=reminder.days_left,
                record_id=reminder.seizure.id,
            )
        )
    return out


def _clues_to_verify(cases: _Cases, today: date, settings: Any) -> list[WorkItem]:
    where, params = cases.where()
    rows = cases.rows(
        f"""SELECT cl.*, {_CASE_COLS} FROM clues cl JOIN cases c ON c.id = cl.case_id
            WHERE cl.deleted = 0 AND cl.status IN ('pending', 'verifying') AND {where}""",
        params,
    )
    out = []
    for r in rows:
        clue = to_clue(r)
        due = clue_verification_deadline(clue, settings)
        out.append(
            cases.item(
                WorkKind.CLUE,
                r["case_id"],
                f"{clue.description}（{clue.status.label}"
                + ("，紧急" if clue.urgent else "")
                + f"，{clue.given_date.isoformat()}提供）",
                due=due,
                days_left=(due - today).days,
                record_id=clue.id,
            )
        )
    return sorted(out, key=lambda i: (i.due, i.case_number))


def _aftercare_due(cases: _Cases, today: date, settings: Any) -> list[WorkItem]:
    where, params = cases.where()
    since = today - timedelta(
        days=_longest_days(settings.aftercare_duration) + _longest_days(settings.aftercare_interval)
    )
    # A case resumed (恢复执行) is enforced again under its 执恢 number: its own schedule ends.
    terminated = cases.rows(
        f"""SELECT c.id AS case_id, c.termination_date, {_CASE_COLS} FROM cases c
            WHERE {where} AND c.termination_date IS NOT NULL AND c.termination_date > ?
              AND NOT EXISTS (SELECT 1 FROM cases r
                              WHERE r.original_case_id = c.id AND r.deleted = 0)""",
        [*params, since.isoformat()],
    )
    if not terminated:
        return []
    inquiries: dict[str, list[Measure]] = defaultdict(list)
    cur = cases.conn.execute(
        f"""SELECT m.* FROM measures m JOIN cases c ON c.id = m.case_id
            WHERE m.deleted = 0 AND m.kind = 'online_inquiry' AND {where}
              AND c.termination_date > ? AND m.date > c.termination_date""",
        [*params, since.isoformat()],
    )
    cols = [d[0] for d in cur.description]
    for row in cur:
        m = dict(zip(cols, row, strict=True))
        inquiries[m["case_id"]].append(to_measure(m))
    # Without inquiries since termination the schedule depends on the termination date alone:
    # work it out once per date, not once per case (tens of thousands of 终本 cases share them).
    plain: dict[date, Aftercare] = {}
    out = []
    for r in terminated:
        ended = date.fromisoformat(r["termination_date"])
        measures = inquiries.get(r["case_id"])
        if measures:
            schedule = aftercare(ended, measures, today, settings)
        else:
            if ended not in plain:
                plain[ended] = aftercare(ended, (), today, settings)
            schedule = plain[ended]
        item = _aftercare_item(cases, r["case_id"], schedule, today)
        if item is not None:
            out.append(item)
    return sorted(out, key=lambda i: (i.due, i.case_number))


def _aftercare_item(
    cases: _Cases, case_id: str, schedule: Aftercare, today: date
) -> WorkItem | None:
    overdue = [r for r in schedule.rounds if r.status is RoundStatus.OVERDUE]
    soon = [r for r in schedule.rounds if r.status is RoundStatus.DUE_SOON]
    untold = [r for r in schedule.rounds if r.status is RoundStatus.DONE and not r.told_applicant]
    parts = []
    due = None
    if overdue:
        parts.append(f"第{_numbers([r.number for r in overdue])}次终本后查询逾期未做")
        due = overdue[0].due
    if soon:
        parts.append(f"第{soon[0].number}次终本后查询应于{soon[0].due.isoformat()}前完成")
        due = due or soon[0].due
    if untold:
        parts.append(f"第{_numbers([r.number for r in untold])}次查询结果尚未告知申请执行人")
    if schedule.property_found:
        parts.append(
            "终本后查询发现财产，符合条件的应及时恢复执行（打开案件，点“恢复执行…”立执恢案件）"
        )
    if not parts:
        return None
    return cases.item(
        WorkKind.AFTERCARE,
        case_id,
        "；".join(parts),
        due=due,
        days_left=(due - today).days if due else None,
    )


def _numbers(numbers: list[int]) -> str:
    """1、2、3、5 -> "1至3、5": ten overdue rounds read as one range."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(
        f"{r[0]}至{r[-1]}" if len(r) > 2 else "、".join(str(n) for n in r) for r in runs
    )


def _ready_for_termination(
    cf: CaseFile, cases: _Cases, today: date, settings: Any
) -> tuple[list[WorkItem], int]:
    """Open cases that now meet every termination condition.

    The full check reads a case's whole record, too slow for every case of a large file; it runs
    only on cases that could pass it: open, filed longer ago than the minimum time, and with an
    online inquiry inside the inquiry window (the check requires both). The bounds are loosened
    (a month as 28 or 31 days) so that no case that could pass is left out.
    """
    where, params = cases.where()
    filed_before = today - timedelta(days=_shortest_days(settings.min_time_since_filing))
    inquired_since = today - timedelta(days=_longest_days(settings.online_inquiry_window))
    candidates = cases.rows(
        f"""SELECT c.id AS case_id, {_CASE_COLS} FROM cases c
            WHERE {where} AND c.status = 'open' AND c.filing_date < ?
              AND EXISTS (SELECT 1 FROM measures m WHERE m.case_id = c.id AND m.deleted = 0
                          AND m.kind = 'online_inquiry' AND m.date >= ?)""",
        [*params, filed_before.isoformat(), inquired_since.isoformat()],
    )
    out = []
    for r in candidates:
        check = readiness(cf, r["case_id"], today)
        if check.ready:
            out.append(
                cases.item(
                    WorkKind.READY,
                    r["case_id"],
                    f"终本条件均已满足，尚未执行{format_money(check.outstanding.amount)}，"
                    "可以制作终结本次执行程序裁定",
                )
            )
    return sorted(out, key=lambda i: i.case_number), len(candidates)


def _open_over_one_year(cases: _Cases, today: date) -> tuple[list[WorkItem], int]:
    where, params = cases.where()
    cutoff = open_longer_than_cutoff(today).isoformat()
    total = cases.conn.execute(
        f"SELECT count(*) FROM cases c WHERE {where} AND c.status = 'open' AND c.filing_date < ?",
        [*params, cutoff],
    ).fetchone()[0]
    rows = cases.rows(
        f"""SELECT c.id AS case_id, c.filing_date, {_CASE_COLS} FROM cases c
            WHERE {where} AND c.status = 'open' AND c.filing_date < ?
            ORDER BY c.filing_date LIMIT ?""",
        [*params, cutoff, OPEN_OVER_YEAR_SHOWN],
    )
    out = []
    for r in rows:
        filed = date.fromisoformat(r["filing_date"])
        out.append(
            cases.item(
                WorkKind.OPEN_OVER_YEAR,
                r["case_id"],
                f"{filed.isoformat()}立案，已{(today - filed).days}日未结",
            )
        )
    return out, total
