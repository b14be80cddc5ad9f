"""The rarer entries of the enforcement record, checked by the domain rules with Chinese messages
(as `enforcement.record_*`): a deferral of disbursement (暂缓发放) and its end, escrow (提存),
the officer's exception to the excessive seizure rule, and the result of an after-termination
inquiry told to the applicant."""

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from .cases import ValidationFailed
from .domain.aftercare import aftercare
from .domain.errors import InvalidValue
from .domain.funds import case_funds, check_payout
from .domain.measures import (
    Deferral,
    DeferralReason,
    Escrow,
    EscrowReason,
    Measure,
    MeasureKind,
)
from .domain.money import format_money
from .domain.seizures import ExcessiveSeizureException
from .enforcement import EnforcementRecord, court_settings, load_record, to_measure, to_seizure
from .forms import flag, long_text, text, typed_date, typed_money
from .store.casefile import CaseFile, Edit

MAX_TEXT = 500


def termination_day(case: Mapping[str, Any]) -> date | None:
    """When the current enforcement procedure of a case was ended: the ruling's date as recorded
    (`termination_date`), else the closing date of a case closed by termination; None if not."""
    if case.get("termination_date"):
        return date.fromisoformat(case["termination_date"])
    if case.get("status") == "closed" and case.get("closing_method") == "termination":
        return date.fromisoformat(case["closing_date"]) if case.get("closing_date") else None
    return None


def _choice(raw: Mapping[str, Any], key: str, enum: Any, errors: dict[str, str], message: str):
    try:
        return enum(text(raw, key))
    except ValueError:
        errors[key] = message
        return None


def _receipt(record: EnforcementRecord, raw: Mapping[str, Any], errors: dict[str, str]):
    receipt_id = text(raw, "receipt_id")
    receipt = next((r for r in record.funds.receipts if r.id == receipt_id), None)
    if receipt is None:
        errors["receipt_id"] = "请在案款列表中选择一笔到账款。"
    return receipt


# -- deferral and escrow (法发〔2017〕6号; reference §6) ------------------------------------
def record_deferral(
    cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date | None = None
) -> str:
    """An approved deferral of paying out one receipt: a reason from the list, the approver,
    from `date` until `end_date` (left empty while the reason lasts)."""
    today = today or date.today()
    record = load_record(cf, case_id)
    errors: dict[str, str] = {}
    receipt = _receipt(record, raw, errors)
    reason = _choice(raw, "reason", DeferralReason, errors, "请从列表中选择延缓发放的事由。")
    start = typed_date(
        raw,
        "date",
        errors,
        today,
        what="延缓开始日期",
        not_before=receipt.date if receipt else None,
        not_before_what="到账日期",
    )
    end = typed_date(
        raw,
        "end_date",
        errors,
        today,
        what="延缓结束日期",
        required=False,
    )
    approver = text(raw, "approver")
    if not approver:
        errors["approver"] = "延缓发放须经批准，请填写批准人。"
    note = long_text(raw, "note", errors, MAX_TEXT)
    if not errors:
        try:
            Deferral("new", reason, approver, start, end, receipt.id, note)
        except InvalidValue as exc:
            errors[{"end": "end_date"}.get(exc.field or "", exc.field or "reason")] = exc.message
    if not errors:
        status = next(
            s
            for s in case_funds(record.funds, start, court_settings()).receipts
            if s.receipt.id == receipt.id
        )
        if not status.held:
            errors["receipt_id"] = (
                f"该笔到账款（{receipt.date.isoformat()}到账{format_money(receipt.amount)}）"
                f"截至{start.isoformat()}已发放完毕，无需延缓发放。"
            )
        running = [
            d
            for d in record.funds.deferrals
            if d.receipt_id in (None, receipt.id)
            and (d.end is None or d.end >= start)
            and (end is None or d.start <= end)
        ]
        if running and "receipt_id" not in errors:
            d = running[0]
            errors["date"] = (
                f"该笔到账款已有延缓发放（自{d.start.isoformat()}起，{d.reason.label}）尚未结束"
                "或与本次重叠；请先登记那次延缓的结束日期。"
            )
    if errors:
        raise ValidationFailed(errors)
    values = {
        "case_id": case_id,
        "kind": "deferral",
        "date": start.isoformat(),
        "reason": reason.value,
        "approver": approver,
        "end_date": end.isoformat() if end else None,
        "receipt_id": receipt.id,
        "note": note,
    }
    (deferral_id,) = cf.save([Edit("funds", values)])
    return deferral_id


def end_deferral(
    cf: CaseFile, deferral_id: str, raw: Mapping[str, Any], today: date | None = None
) -> None:
    """The day the reason for a deferral ended (事由消失日期): the deadline runs again after it."""
    today = today or date.today()
    row = cf.get("funds", deferral_id)
    if row is None or row.values["kind"] != "deferral":
        raise KeyError(deferral_id)
    start = date.fromisoformat(row.values["date"])
    errors: dict[str, str] = {}
    end = typed_date(
        raw,
        "end_date",
        errors,
        today,
        what="延缓结束日期",
        not_before=start,
        not_before_what="延缓开始日期",
    )
    if errors:
        raise ValidationFailed(errors)
    cf.save([Edit("funds", {"end_date": end.isoformat()}, deferral_id, row.versions)])


def record_escrow(
    cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date | None = None
) -> str:
    """Money of one receipt lodged in escrow (提存) for a reason from the list, with approval; it
    counts as paid out and cannot exceed what that receipt still holds."""
    today = today or date.today()
    record = load_record(cf, case_id)
    errors: dict[str, str] = {}
    receipt = _receipt(record, raw, errors)
    when = typed_date(
        raw,
        "date",
        errors,
        today,
        what="提存日期",
        not_before=receipt.date if receipt else None,
        not_before_what="到账日期",
    )
    amount = typed_money(raw, "amount", errors, what="提存金额")
    reason = _choice(raw, "reason", EscrowReason, errors, "请从列表中选择提存的事由。")
    approver = text(raw, "approver")
    if not approver:
        errors["approver"] = "提存须经批准，请填写批准人。"
    note = long_text(raw, "note", errors, MAX_TEXT)
    if not errors:
        try:
            escrow = Escrow("new", when, amount, reason, receipt.id, note)
            check_payout(record.funds, escrow)
        except InvalidValue as exc:
            errors["note" if exc.field == "note" else "amount"] = exc.message
    if errors:
        raise ValidationFailed(errors)
    values = {
        "case_id": case_id,
        "kind": "escrow",
        "date": when.isoformat(),
        "amount": amount,
        "reason": reason.value,
        "approver": approver,
        "receipt_id": receipt.id,
        "note": note,
    }
    (escrow_id,) = cf.save([Edit("funds", values)])
    return escrow_id


# -- excessive seizure: the officer's exception (查封规定 第19条) -----------------------------
def record_excess_exception(
    cf: CaseFile, seizure_id: str, raw: Mapping[str, Any], today: date | None = None
) -> None:
    """The officer's record that the exception of art. 19 applies to a seizure held above the
    debt: indivisible property and no other property (both), the reason, officer and date."""
    today = today or date.today()
    row = cf.get("seizure", seizure_id)
    if row is None:
        raise KeyError(seizure_id)
    seizure = to_seizure(row.values | {"id": seizure_id})
    errors: dict[str, str] = {}
    when = typed_date(
        raw,
        "date",
        errors,
        today,
        what="记录日期",
        not_before=seizure.date,
        not_before_what=f"{seizure.kind.label}日期",
    )
    reason = long_text(raw, "reason", errors, MAX_TEXT)
    officer = text(raw, "officer")
    if not errors:
        try:
            exception = ExcessiveSeizureException(
                indivisible=flag(raw, "indivisible"),
                no_other_property=flag(raw, "no_other_property"),
                reason=reason,
                officer=officer,
                date=when,
            )
        except InvalidValue as exc:
            errors[exc.field or "exception"] = exc.message
    if errors:
        raise ValidationFailed(errors)
    stored = {
        "indivisible": exception.indivisible,
        "no_other_property": exception.no_other_property,
        "reason": exception.reason,
        "officer": exception.officer,
        "date": exception.date.isoformat(),
    }
    cf.save(
        [
            Edit(
                "seizure",
                {"excess_exception": json.dumps(stored, ensure_ascii=False)},
                seizure_id,
                row.versions,
            )
        ]
    )


def withdraw_excess_exception(cf: CaseFile, seizure_id: str) -> None:
    """The exception no longer applies (other property found): the plain warning shows again."""
    row = cf.get("seizure", seizure_id)
    if row is None:
        raise KeyError(seizure_id)
    cf.save([Edit("seizure", {"excess_exception": ""}, seizure_id, row.versions)])


# -- after termination: the inquiry's result told to the applicant (法〔2016〕373号 第九条) ---
def inquiry_after_termination(record: EnforcementRecord, measure: Measure) -> bool:
    """An online inquiry made after the case's procedure was ended: its result must be told."""
    ended = termination_day(record.case)
    return measure.kind is MeasureKind.ONLINE_INQUIRY and ended is not None and measure.date > ended


def told_applicant(record: EnforcementRecord, today: date) -> dict[str, date | None]:
    """Each after-termination online inquiry and the day its result was told to the applicant
    (None: not yet). A six-monthly round is told once for all its inquiries (domain.aftercare),
    so the day recorded on one of them counts for the others of its round."""
    ended = termination_day(record.case)
    if ended is None:
        return {}
    out: dict[str, date | None] = {
        m.id: m.told_applicant for m in record.measures if inquiry_after_termination(record, m)
    }
    for r in aftercare(ended, record.measures, today, court_settings()).rounds:
        days = [m.told_applicant for m in r.inquiries if m.told_applicant is not None]
        for m in r.inquiries:
            out[m.id] = m.told_applicant or (min(days) if days else None)
    return out


def record_told_applicant(
    cf: CaseFile, measure_id: str, raw: Mapping[str, Any], today: date | None = None
) -> None:
    """The day the result of an after-termination online inquiry was told to the applicant:
    not before the inquiry, not in the future."""
    today = today or date.today()
    row = cf.get("measure", measure_id)
    if row is None:
        raise KeyError(measure_id)
    measure = to_measure(row.values | {"id": measure_id})
    record = load_record(cf, row.values["case_id"])
    if not inquiry_after_termination(record, measure):
        raise ValidationFailed(
            {"told_applicant": "只有终本后的网络查控需要登记查询结果告知申请执行人的日期。"}
        )
    errors: dict[str, str] = {}
    told = typed_date(raw, "told_applicant", errors, today, what="告知日期")
    if told is not None:
        try:
            Measure(
                measure.id,
                measure.kind,
                measure.date,
                measure.officer,
                channel=measure.channel,
                told_applicant=told,
            )
        except InvalidValue as exc:
            errors["told_applicant"] = exc.message
    if errors:
        raise ValidationFailed(errors)
    cf.save([Edit("measure", {"told_applicant": told.isoformat()}, measure_id, row.versions)])
