"""The enforcement record of a case, between the store and the rules in workstation/domain.

Reads a case's records into the domain's plain objects (`snapshot`), answers the questions the
screens and the command line ask (termination readiness, outstanding amount, funds, seizure
reminders, after-termination schedule), and saves what the officer records after checking it
with the same rules. The screens never compute any of this themselves.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from .attachments import attachment_edits
from .cases import ValidationFailed
from .domain.aftercare import Aftercare, aftercare
from .domain.errors import InvalidValue
from .domain.funds import CaseFunds, case_funds, check_payout
from .domain.interest import Payment, delay_interest
from .domain.measures import (
    Asset,
    AssetKind,
    AssetStatus,
    ClueStatus,
    Deferral,
    DeferralReason,
    Escrow,
    EscrowReason,
    FundEvents,
    Identifier,
    InquiryChannel,
    Measure,
    MeasureKind,
    Payout,
    PropertyClue,
    Receipt,
    ReceiptSource,
    Release,
    Renewal,
    Seizure,
    SeizureKind,
    ValueBasis,
    check_measure,
)
from .domain.outstanding import Outstanding, outstanding, recoveries_from_receipts
from .domain.readiness import CaseSnapshot, Party, Readiness, termination_readiness
from .domain.seizures import (
    ExcessiveSeizureCheck,
    ExcessiveSeizureException,
    ExpiryReminder,
    covering_exception,
    excessive_seizure_check,
    expiry_reminders,
)
from .domain.settings import CourtSettings, load_settings
from .forms import typed_date
from .store.casefile import CaseFile, Edit

_settings: CourtSettings | None = None


def court_settings() -> CourtSettings:
    """The court's settings (resources/court-settings.toml), read once."""
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _rows(cf: CaseFile, table: str, case_id: str) -> list[dict[str, Any]]:
    cur = cf.conn.execute(
        f"SELECT * FROM {table} WHERE case_id = ? AND deleted = 0 ORDER BY n", (case_id,)
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur]


# -- records -> domain objects ---------------------------------------------------------------
def to_measure(r: Mapping[str, Any]) -> Measure:
    return Measure(
        id=r["id"],
        kind=MeasureKind(r["kind"]),
        date=date.fromisoformat(r["date"]),
        officer=r["officer"] or "",
        result=r["result"] or "",
        debtor_id=r["debtor_id"] or "",
        channel=InquiryChannel(r["channel"]) if r["channel"] else None,
        property_found=None if r["found"] is None else r["found"] == "yes",
        served_date=_d(r["served_date"]),
        told_applicant=_d(r["told_applicant"]),
        documents=tuple(json.loads(r["documents"] or "[]")),
    )


def to_clue(r: Mapping[str, Any]) -> PropertyClue:
    return PropertyClue(
        id=r["id"],
        given_date=date.fromisoformat(r["given_date"]),
        description=r["description"],
        urgent=bool(r["urgent"]),
        status=ClueStatus(r["status"]),
        given_by=r["given_by"] or "",
        verified_date=_d(r["verified_date"]),
        debtor_id=r["debtor_id"] or "",
    )


def to_asset(r: Mapping[str, Any]) -> Asset:
    return Asset(
        id=r["id"],
        kind=AssetKind(r["kind"]),
        description=r["description"],
        status=AssetStatus(r["status"]),
        value=r["value"] if r["value_basis"] else None,
        value_basis=ValueBasis(r["value_basis"]) if r["value_basis"] else None,
        prior_encumbrances=r["prior_encumbrances"],
        cannot_dispose_reason=r["cannot_dispose_reason"] or "",
        identifiers=tuple(Identifier(i["kind"], i["value"]) for i in json.loads(r["identifiers"])),
        debtor_id=r["debtor_id"] or "",
        found_date=_d(r["found_date"]),
    )


def to_seizure(r: Mapping[str, Any]) -> Seizure:
    return Seizure(
        id=r["id"],
        asset_id=r["asset_id"],
        kind=SeizureKind(r["kind"]),
        date=date.fromisoformat(r["date"]),
        amount=r["amount"] or None,
        share=Fraction(r["share"]) if r["share"] else None,
        until=_d(r["until"]),
        renewals=tuple(
            Renewal(date.fromisoformat(x["date"]), _d(x.get("until")))
            for x in json.loads(r["renewals"])
        ),
        releases=tuple(
            Release(
                date.fromisoformat(x["date"]),
                bool(x.get("whole", True)),
                x.get("amount"),
                Fraction(x["share"]) if x.get("share") else None,
                x.get("reason", ""),
            )
            for x in json.loads(r["releases"])
        ),
        from_preservation=bool(r["from_preservation"]),
    )


def to_excess_exception(r: Mapping[str, Any]) -> ExcessiveSeizureException | None:
    """The officer's recorded exception to 查封规定 art. 19 on a seizure row, if any."""
    text = r.get("excess_exception") or ""
    if not text:
        return None
    x = json.loads(text)
    return ExcessiveSeizureException(
        indivisible=bool(x.get("indivisible")),
        no_other_property=bool(x.get("no_other_property")),
        reason=x.get("reason", ""),
        officer=x.get("officer", ""),
        date=date.fromisoformat(x["date"]),
    )


def to_fund_events(rows: list[Mapping[str, Any]]) -> FundEvents:
    receipts, payouts, deferrals, escrows = [], [], [], []
    for r in rows:
        when = date.fromisoformat(r["date"])
        if r["kind"] == "receipt":
            receipts.append(
                Receipt(
                    id=r["id"],
                    date=when,
                    amount=r["amount"],
                    source=ReceiptSource(r["source"] or "other"),
                    payer=r["payer"] or "",
                    receipt_number=r["receipt_number"] or "",
                    case_id=r["case_id"],
                    cash=bool(r["cash"]),
                    officers=tuple(json.loads(r["officers"] or "[]")),
                    handed_in=_d(r["handed_in"]),
                )
            )
        elif r["kind"] == "payout":
            payouts.append(
                Payout(
                    r["id"],
                    when,
                    r["amount"],
                    r["payee"] or "",
                    r["account"] or "",
                    r["approver"] or "",
                    r["receipt_id"],
                )
            )
        elif r["kind"] == "deferral":
            deferrals.append(
                Deferral(
                    r["id"],
                    DeferralReason(r["reason"]),
                    r["approver"] or "",
                    when,
                    _d(r["end_date"]),
                    r["receipt_id"],
                    r["note"] or "",
                )
            )
        elif r["kind"] == "escrow":
            escrows.append(
                Escrow(
                    r["id"],
                    when,
                    r["amount"],
                    EscrowReason(r["reason"]),
                    r["receipt_id"],
                    r["note"] or "",
                )
            )
    return FundEvents(tuple(receipts), tuple(payouts), tuple(deferrals), tuple(escrows))


@dataclass(frozen=True)
class EnforcementRecord:
    """One case's enforcement record as domain objects."""

    case: dict[str, Any]
    measures: tuple[Measure, ...]
    clues: tuple[PropertyClue, ...]
    assets: tuple[Asset, ...]
    seizures: tuple[Seizure, ...]
    funds: FundEvents
    visits: tuple[dict[str, Any], ...]
    applicants: tuple[Party, ...]
    debtors: tuple[Party, ...]
    # a resumption case (执恢): the receipts of the case(s) it resumes. The same judgment is
    # enforced, so what was recovered there is recovered here too (outstanding, delay interest);
    # the funds ledger (deadlines, money held) stays each case's own.
    prior_receipts: tuple[Receipt, ...] = ()
    excess_exceptions: Mapping[str, ExcessiveSeizureException] = field(default_factory=dict)

    @property
    def recovery_receipts(self) -> tuple[Receipt, ...]:
        """Every receipt that counts as recovered for this case: the original's, then its own."""
        return (*self.prior_receipts, *self.funds.receipts)

    @property
    def prior_recovered(self) -> int:
        return sum(r.amount for r in self.prior_receipts)


def _original_receipts(cf: CaseFile, case: Mapping[str, Any]) -> tuple[Receipt, ...]:
    """Receipts of the case a resumption case resumes, and of the one that resumed, and so on."""
    receipts: list[Receipt] = []
    seen = {case["id"]}
    original = case.get("original_case_id")
    while original and original not in seen:
        seen.add(original)
        rows = [r for r in _rows(cf, "funds", original) if r["kind"] == "receipt"]
        receipts[:0] = to_fund_events(rows).receipts
        row = cf.get("case", original)
        original = row.values.get("original_case_id") if row is not None else None
    return tuple(receipts)


def load_record(cf: CaseFile, case_id: str) -> EnforcementRecord:
    case = cf.get("case", case_id)
    if case is None:
        raise KeyError(case_id)
    parties = _rows(cf, "parties", case_id)

    def party(p: Mapping[str, Any]) -> Party:
        return Party(p["id"], p["name"], p["kind"], bool(p["deceased"]))

    seizure_rows = _rows(cf, "seizures", case_id)
    exceptions = {r["id"]: x for r in seizure_rows if (x := to_excess_exception(r)) is not None}
    values = case.values | {"id": case_id}
    return EnforcementRecord(
        case=values,
        measures=tuple(to_measure(r) for r in _rows(cf, "measures", case_id)),
        clues=tuple(to_clue(r) for r in _rows(cf, "clues", case_id)),
        assets=tuple(to_asset(r) for r in _rows(cf, "assets", case_id)),
        seizures=tuple(to_seizure(r) for r in seizure_rows),
        funds=to_fund_events(_rows(cf, "funds", case_id)),
        visits=tuple(_rows(cf, "field_visits", case_id)),
        applicants=tuple(party(p) for p in parties if p["role"] == "applicant"),
        debtors=tuple(party(p) for p in parties if p["role"] == "debtor"),
        prior_receipts=_original_receipts(cf, values),
        excess_exceptions=exceptions,
    )


# -- the questions ---------------------------------------------------------------------------
def amount_outstanding(record: EnforcementRecord, today: date) -> Outstanding:
    """THE outstanding amount (domain.outstanding) of a case, with delay interest to `today`."""
    c = record.case
    recoveries = recoveries_from_receipts(record.recovery_receipts)
    interest = 0
    due = _d(c.get("due_date"))
    if due is not None and c["principal"]:
        interest = delay_interest(
            c["principal"],
            due,
            today,
            [Payment(r.date, r.amount) for r in recoveries],
            due_day_counts=court_settings().delay_interest_due_day_counts,
        )
    return outstanding(
        principal=c["principal"],
        judgment_interest=c["interest"],
        enforcement_fee=c["enforcement_fee"],
        delay_interest=interest,
        recoveries=recoveries,
        as_of=today,
    )


def snapshot(record: EnforcementRecord, today: date) -> CaseSnapshot:
    c = record.case
    return CaseSnapshot(
        case_number=c["case_number"],
        filing_date=date.fromisoformat(c["filing_date"]),
        applicants=record.applicants,
        debtors=record.debtors,
        principal=c["principal"],
        judgment_interest=c["interest"],
        enforcement_fee=c["enforcement_fee"],
        delay_interest=amount_outstanding(record, today).delay_interest,
        recoveries=tuple(recoveries_from_receipts(record.recovery_receipts)),
        claim_is_monetary=bool(c["claim_is_monetary"]),
        measures=record.measures,
        clues=record.clues,
        assets=record.assets,
        closing_date=_d(c["closing_date"]),
        applicant_asked_for_termination=bool(c["applicant_asked_for_termination"]),
        obstruction=bool(c["obstruction"]),
    )


def readiness(cf: CaseFile, case_id: str, today: date | None = None) -> Readiness:
    """Whether the law allows ending the current enforcement procedure (法〔2016〕373号)."""
    today = today or date.today()
    record = load_record(cf, case_id)
    snap = snapshot(record, today)
    from .interview import current_record  # the interview module builds on this one

    held = current_record(cf, case_id)
    if held is not None:
        snap = replace(snap, interview_date=held.interview_date, interview_opinion=held.opinion)
    return termination_readiness(snap, today, court_settings())


def excessive_seizure(record: EnforcementRecord, today: date) -> ExcessiveSeizureCheck:
    """The excessive seizure check (查封规定 art. 19) with the officer's recorded exception, when
    it covers the excess (domain.seizures.covering_exception)."""
    assets = {a.id: a for a in record.assets}
    debt = amount_outstanding(record, today)
    settings = court_settings()
    exception = covering_exception(
        record.seizures, record.excess_exceptions, assets, debt, today, settings
    )
    return excessive_seizure_check(
        record.seizures, assets, debt, today, settings, exception=exception
    )


def funds_status(cf: CaseFile, case_id: str, today: date | None = None) -> CaseFunds:
    record = load_record(cf, case_id)
    return case_funds(record.funds, today or date.today(), court_settings())


def seizure_reminders(
    cf: CaseFile, case_id: str, today: date | None = None
) -> list[ExpiryReminder]:
    record = load_record(cf, case_id)
    assets = {a.id: a for a in record.assets}
    return expiry_reminders(record.seizures, assets, today or date.today(), court_settings())


def after_termination(cf: CaseFile, case_id: str, today: date | None = None) -> Aftercare | None:
    record = load_record(cf, case_id)
    ended = _d(record.case.get("termination_date"))
    if ended is None:
        return None
    return aftercare(ended, record.measures, today or date.today(), court_settings())


# -- recording, checked by the rules ---------------------------------------------------------
def record_measure(
    cf: CaseFile,
    case_id: str,
    raw: Mapping[str, str],
    today: date | None = None,
    documents: Sequence[Path] = (),
) -> str:
    """Record a measure as typed (kind, date, result, channel, found ...), with the files that
    document it (`documents`: paths of photos or scans, kept with the case). Returns its id."""
    today = today or date.today()
    record = load_record(cf, case_id)
    errors: dict[str, str] = {}
    try:
        kind = MeasureKind(raw.get("kind", ""))
    except ValueError:
        raise ValidationFailed({"kind": "请选择措施种类。"}) from None
    when = typed_date(raw, "date", errors, today, what="日期")
    channel = raw.get("channel") or None
    if kind is MeasureKind.ONLINE_INQUIRY and channel not in {c.value for c in InquiryChannel}:
        errors["channel"] = "网络查控须选择查询的财产项目（银行、车辆、不动产等）。"
    if when is not None and "channel" not in errors:
        try:
            check_measure(
                Measure(
                    "new",
                    kind,
                    when,
                    cf.officer,
                    channel=InquiryChannel(channel) if channel else None,
                ),
                filing_date=date.fromisoformat(record.case["filing_date"]),
                today=today,
            )
        except InvalidValue as exc:
            errors["date"] = exc.message
    if errors:
        raise ValidationFailed(errors)
    # files documenting it (photos, scans): kept and recorded in the same save
    edits = attachment_edits(cf, case_id, documents) if documents else []
    values = {
        "case_id": case_id,
        "kind": kind.value,
        "date": when.isoformat(),
        "officer": (raw.get("officer") or cf.officer or "").strip(),
        "result": (raw.get("result") or "").strip(),
        "channel": channel,
        "found": raw.get("found") or None,
        "documents": json.dumps([e.record_id for e in edits]),
    }
    return cf.save([*edits, Edit("measure", values)])[-1]


def record_payout(
    cf: CaseFile, case_id: str, raw: Mapping[str, Any], today: date | None = None
) -> str:
    """Record a payout after checking it does not exceed the funds held for the case."""
    today = today or date.today()
    record = load_record(cf, case_id)
    errors: dict[str, str] = {}
    when = typed_date(raw, "date", errors, today, what="日期")
    amount = raw.get("amount")
    if not isinstance(amount, int) or amount <= 0:
        errors["amount"] = "请填写发放金额。"
    if not (raw.get("payee") or "").strip():
        errors["payee"] = "请填写领款人。"
    if not errors:
        payout = Payout(
            "new",
            when,
            amount,
            raw["payee"].strip(),
            raw.get("account", ""),
            raw.get("approver", ""),
            raw.get("receipt_id"),
        )
        try:
            check_payout(record.funds, payout)
        except InvalidValue as exc:
            errors["amount"] = exc.message
    if errors:
        raise ValidationFailed(errors)
    (payout_id,) = cf.save(
        [
            Edit(
                "funds",
                {
                    "case_id": case_id,
                    "kind": "payout",
                    "date": when.isoformat(),
                    "amount": amount,
                    "payee": raw["payee"].strip(),
                    "account": raw.get("account", ""),
                    "approver": raw.get("approver", ""),
                    "receipt_id": raw.get("receipt_id"),
                },
            )
        ]
    )
    return payout_id
