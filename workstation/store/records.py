"""The record types of the case file, declared once.

The journal, replay, sync and the search index work from these declarations, so a record type added
by a later migration needs no code of its own anywhere else: declare its fields here and create its
table in a migration.
"""

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain.case import (
    AUTHORITIES,
    CASE_STATUSES,
    CLOSING_METHODS,
    PARTY_KINDS,
    PARTY_ROLES,
    SEXES,
)
from ..domain.money import MAX_FEN
from .errors import ChangeRefused

# Field kinds the store itself checks (structure only; the domain validates meaning before saving).
TEXT = "text"
DATE = "date"  # ISO yyyy-mm-dd
MONEY = "money"  # integer fen, >= 0
INT = "int"  # a count or size, >= 0
FLAG = "flag"  # 0 or 1
REF = "ref"  # id of another record
ENUM = "enum"
MAX_INT = 2**63 - 1  # SQLite's INTEGER and PostgreSQL's bigint


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = TEXT
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()

    def allowed(self) -> tuple[str, ...]:
        return self.choices() if callable(self.choices) else self.choices

    default: Any = None
    personal: bool = False  # personal data: removed from logs and from published documents


@dataclass(frozen=True)
class RecordType:
    name: str
    table: str
    fields: tuple[Field, ...]
    required: tuple[str, ...] = ()
    case_ref: str | None = None  # the field linking this record to its case (None: it is the case)
    frozen: tuple[str, ...] = ()  # fields fixed when the record is made (finalised documents)
    # "module:function" called as f(casefile, record_id, values) before a local save creates a
    # record of this type; it raises ChangeRefused to refuse it. Resolved when first needed, so
    # the store does not import the rules it enforces this way (the termination ruling).
    guard: str = ""
    by_name: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({f.name: f for f in self.fields})

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


CASE = RecordType(
    name="case",
    table="cases",
    required=("case_number", "filing_date"),
    fields=(
        Field("case_number"),  # canonical spelling of CaseNumber
        Field("court_code", default=""),
        Field("officer", default=""),  # 承办人
        Field("filing_date", DATE),  # 立案日期
        Field("cause", default=""),  # 案由, e.g. 民间借贷纠纷
        Field("basis_court", default=""),  # 执行依据: issuing court
        Field("basis_number", default=""),  # its own case number
        Field("basis_kind", default=""),  # 民事判决书, 民事调解书, ...
        Field("basis_effective_date", DATE),
        Field("principal", MONEY, default=0),  # the money claim other than interest
        Field("interest", MONEY, default=0),  # general interest as fixed by the judgment
        Field("interest_terms", default=""),  # how the judgment sets interest, as written
        Field("enforcement_fee", MONEY, default=0),
        Field("status", ENUM, tuple(CASE_STATUSES), default="open"),
        Field("closing_date", DATE),
        Field("closing_method", ENUM, tuple(CLOSING_METHODS)),
        Field("notes", default=""),
        Field("deleted", FLAG, default=0),
        # issue 4: what the termination check needs beyond the basics
        Field("claim_is_monetary", FLAG, default=1),  # 0: the claim is an act only
        Field("due_date", DATE),  # 履行期限届满之日: delay interest runs from the next day
        Field("applicant_asked_for_termination", FLAG, default=0),
        Field("obstruction", FLAG, default=0),  # the debtor or others obstructed enforcement
        Field("termination_date", DATE),  # the ruling served: the after-termination schedule
        # issue 4: a resumption case (执恢) points at the case whose procedure was ended
        Field("original_case_id", REF),
    ),
)

PARTY = RecordType(
    name="party",
    table="parties",
    required=("case_id", "role", "kind", "name"),
    case_ref="case_id",
    fields=(
        Field("case_id", REF),
        Field("role", ENUM, tuple(PARTY_ROLES)),
        Field("kind", ENUM, tuple(PARTY_KINDS)),
        Field("name"),
        Field("sex", ENUM, tuple(SEXES)),
        Field("ethnicity", default=""),
        Field("birth_date", DATE),
        Field("id_number", default="", personal=True),
        Field("address", default="", personal=True),
        Field("phone", default="", personal=True),
        Field("credit_code", default=""),
        Field("legal_representative", default=""),
        Field("represents", REF),  # agents: the party they act for
        Field("authority", ENUM, tuple(AUTHORITIES)),  # agents: general or special authority
        Field("authority_document", default=""),
        Field("deleted", FLAG, default=0),
        Field("deceased", FLAG, default=0),  # issue 4: a debtor known to have died
    ),
)

# A disagreement found by the central server: a field changed there since the version the officer
# saw. The server keeps the newer change (server order) and this record keeps the value it
# replaced, until a person decides. Made by the server only; resolved by an ordinary change.
CONFLICT = RecordType(
    name="conflict",
    table="conflicts",
    required=("case_id", "target_type", "target_id", "field"),
    case_ref="case_id",
    fields=(
        Field("case_id", REF),
        Field("target_type"),
        Field("target_id", REF),
        Field("field"),
        Field("replaced_value", default=""),  # JSON of the value that was replaced
        Field("replaced_version", default=""),  # the change that had set it
        Field("replaced_officer", default=""),
        Field("current_change", default=""),  # the change that replaced it
        Field("current_officer", default=""),
        Field("status", ENUM, ("open", "resolved"), default="open"),
        Field("resolution", ENUM, ("kept_current", "restored_replaced")),
        Field("deleted", FLAG, default=0),
    ),
)

# A file attached to a case (photo, scanned document), stored by content hash beside the case file
# and sent to the server by that hash.
ATTACHMENT = RecordType(
    name="attachment",
    table="attachments",
    required=("case_id", "sha256", "name"),
    case_ref="case_id",
    fields=(
        Field("case_id", REF),
        Field("sha256"),
        Field("name"),
        Field("size", INT, default=0),
        Field("mime", default="application/octet-stream"),
        Field("note", default=""),
        Field("deleted", FLAG, default=0),
    ),
)


def _codes(enum_name: str) -> Callable[[], tuple[str, ...]]:
    """The codes of an enum of domain.measures, looked up when first needed (that module is
    big, and the case list does not need it to start)."""

    @functools.cache
    def codes() -> tuple[str, ...]:
        from ..domain import measures

        return tuple(member.value for member in getattr(measures, enum_name))

    return codes


# -- the enforcement record (issue 4): what the officer does on a case, as it happens ---------

MEASURE = RecordType(
    name="measure",
    table="measures",
    required=("case_id", "kind", "date"),
    case_ref="case_id",
    fields=(
        Field("case_id", REF),
        Field("kind", ENUM, _codes("MeasureKind")),
        Field("date", DATE),
        Field("officer", default=""),
        Field("result", default=""),
        Field("debtor_id", REF),  # the debtor it concerns, when one of several
        Field("channel", ENUM, _codes("InquiryChannel")),  # online inquiries
        Field("found", ENUM, ("yes", "no")),  # inquiries: property found or not
        Field("served_date", DATE),  # notices and orders
        Field("told_applicant", DATE),  # after termination: result told to the applicant
        Field("documents", default="[]"),  # JSON list of attachment ids
        Field("deleted", FLAG, default=0),
    ),
)

CLUE = RecordType(
    name="clue",
    table="clues",
    required=("case_id", "given_date", "description"),
    case_ref="case_id",
    fields=(
        Field("case_id", REF),
        Field("given_date", DATE),
        Field("description"),
        Field("urgent", FLAG, default=0),
        Field("status", ENUM, _codes("ClueStatus"), default="pending"),
        Field("given_by", default=""),
        Field("verified_date", DATE),
        Field("debtor_id", REF),
        Field("deleted", FLAG, default=0),
    ),
)

ASSET = RecordType(
    name="asset",
    table="assets",
    required=("case_id", "kind", "description"),
    case_ref="case_id",
    fields=(
        Field("case_id", REF),
        Field("kind", ENUM, _codes("AssetKind")),
        Field("description"),
        Field("status", ENUM, _codes("AssetStatus"), default="found"),
        Field("value", MONEY, default=0),
        Field("value_basis", ENUM, _codes("ValueBasis")),  # None: value not known
        Field("prior_encumbrances", MONEY, default=0),
        Field("cannot_dispose_reason", default=""),
        Field("identifiers", default="[]", personal=True),  # JSON [{"kind", "value"}]
        Field("debtor_id", REF),
        Field("found_date", DATE),
        Field("deleted", FLAG, default=0),
    ),
)

SEIZURE = RecordType(
    name="seizure",
    table="seizures",
    required=("case_id", "asset_id", "kind", "date"),
    case_ref="case_id",
    fields=(
        Field("case_id", REF),
        Field("asset_id", REF),
        Field("kind", ENUM, _codes("SeizureKind")),
        Field("date", DATE),
        Field("amount", MONEY, default=0),  # frozen amount; 0 = the whole asset
        Field("share", default=""),  # a share such as "1/2"; "" = the whole
        Field("until", DATE),  # None: the legal term for the kind
        Field("renewals", default="[]"),  # JSON [{"date", "until"}]
        Field("releases", default="[]"),  # JSON [{"date", "whole", "amount", "share", "reason"}]
        Field("from_preservation", FLAG, default=0),
        Field("deleted", FLAG, default=0),
        # held above the debt under 查封规定 art. 19's exception: JSON of the officer's record
        # {"indivisible", "no_other_property", "reason", "officer", "date"}, or "" when none
        Field("excess_exception", default=""),
    ),
)

FUNDS = RecordType(
    name="funds",
    table="funds",
    required=("case_id", "kind", "date"),
    case_ref="case_id",
    fields=(
        Field("case_id", REF),
        Field("kind", ENUM, ("receipt", "payout", "deferral", "escrow")),
        Field("date", DATE),  # received, paid, deferral start, escrow date
        Field("amount", MONEY, default=0),
        Field("source", ENUM, _codes("ReceiptSource")),  # receipts
        Field("payer", default=""),
        Field("receipt_number", default=""),
        Field("cash", FLAG, default=0),
        Field("officers", default="[]"),  # JSON list: cash needs two officers
        Field("handed_in", DATE),  # cash handed to the finance office
        Field("payee", default=""),  # payouts
        Field("account", default="", personal=True),
        Field("approver", default=""),
        Field("receipt_id", REF),  # the receipt a payout, deferral or escrow concerns
        Field("reason", default=""),  # deferral or escrow reason code
        Field("end_date", DATE),  # deferrals: when the reason ended
        Field("note", default=""),
        Field("deleted", FLAG, default=0),
    ),
)

FIELD_VISIT = RecordType(
    name="field_visit",
    table="field_visits",
    required=("case_id", "date"),
    case_ref="case_id",
    fields=(
        Field("case_id", REF),
        Field("date", DATE),
        Field("place", default="", personal=True),
        Field("officers", default=""),
        Field("purpose", default=""),
        Field("findings", default=""),
        Field("deleted", FLAG, default=0),
    ),
)

# A finalised document (interview record, ruling, correction): its content is fixed when it is
# made, with the hash of that content; later changes record only what happened to the paper
# (signed, served). A correction is a new document that points at the one it corrects.
DOCUMENT = RecordType(
    name="document",
    table="documents",
    required=("case_id", "kind", "content", "content_hash"),
    case_ref="case_id",
    frozen=(
        "case_id",
        "kind",
        "number",
        "template_id",
        "template_version",
        "content",
        "content_hash",
        "data",
        "finalised_at",
        "corrects",
        "route",
        "deleted",
    ),
    # a ruling only for a case the termination check passes, whoever writes it
    guard="workstation.ruling:guard_new_ruling",
    fields=(
        Field("case_id", REF),
        Field("kind", ENUM, ("interview_record", "ruling", "correction")),
        Field("number", default=""),  # rulings: the case number with 之一, 之二 ...
        Field("template_id", default=""),
        Field("template_version", default=""),
        Field("content"),  # JSON of documents.Document, exactly as printed
        Field("content_hash"),  # sha256 of content
        Field("data", default="{}"),  # JSON: the answers/facts the content was made from
        Field("finalised_at", default=""),  # local time text
        Field("signed_date", DATE),  # the paper copy signed
        Field("served_date", DATE),  # rulings: served on the applicant
        Field("corrects", REF),  # the document this one corrects
        Field("route", default=""),  # rulings: how the termination was approved
        Field("deleted", FLAG, default=0),
    ),
)

RECORD_TYPES: dict[str, RecordType] = {
    t.name: t
    for t in (
        CASE,
        PARTY,
        CONFLICT,
        ATTACHMENT,
        MEASURE,
        CLUE,
        ASSET,
        SEIZURE,
        FUNDS,
        FIELD_VISIT,
        DOCUMENT,
    )
}


def record_type(name: str) -> RecordType:
    try:
        return RECORD_TYPES[name]
    except KeyError:
        raise ChangeRefused(
            f"未知的记录类型“{name}”，未保存。", f"unknown record type {name!r}"
        ) from None


def unknown_field(rt: RecordType, name: str) -> ChangeRefused:
    return ChangeRefused(
        f"记录类型“{rt.name}”没有字段“{name}”，未保存。", f"unknown field {rt.name}.{name}"
    )


def check_value(rt: RecordType, name: str, value: Any) -> Any:
    """Structure only (types, enums, ISO dates); the domain has already checked meaning."""
    f = rt.by_name.get(name)
    if f is None:
        raise unknown_field(rt, name)
    if value is None:
        if _none_refused(rt, f):
            raise ChangeRefused(
                f"字段“{name}”的值不合规定：不能为空，未保存。", f"{rt.name}.{name} cannot be None"
            )
        return None
    bad = False
    if f.kind in (MONEY, INT):
        # above the bounds a sum, or SQLite itself, overflows (a pulled or pushed value)
        bad = type(value) is not int or not 0 <= value <= (MAX_FEN if f.kind == MONEY else MAX_INT)
    elif f.kind == FLAG:
        bad = value not in (0, 1) or type(value) is not int
    elif f.kind == DATE:
        try:
            bad = date.fromisoformat(value).isoformat() != value
        except (TypeError, ValueError):
            bad = True
    elif f.kind == ENUM:
        bad = value not in f.allowed()
    elif f.kind == REF:
        bad = not isinstance(value, str) or not value or not storable(value)
    else:
        bad = not isinstance(value, str) or not storable(value)
    if bad:
        raise ChangeRefused(
            f"字段“{name}”的值不合规定，未保存。", f"bad value for {rt.name}.{name}: {value!r}"
        )
    return value


def _none_refused(rt: RecordType, f: Field) -> bool:
    """Whether the field refuses None: a number or a flag, a required field, one with a default."""
    return f.kind in (MONEY, INT, FLAG) or f.name in rt.required or f.default is not None


def check_values(
    rt: RecordType, fields: dict[str, Any], *, strings_storable: bool = False
) -> dict[str, Any]:
    """`fields` if check_value accepts every one of them; else check_value's refusal.

    The same rules, each field's compiled once (`_accepts`): a first sync checks two million
    values, and check_value's walk through the kinds took a quarter of the time of reading a
    page. `strings_storable`: every string is known to be `storable` (a page whose text shows
    it, sync/protocol.py), so none is encoded again to see."""
    accepts = _accepts(rt.name, strings_storable)
    for name, value in fields.items():
        ok = accepts.get(name)
        if ok is None or not ok(value):
            check_value(rt, name, value)  # raises, saying why
    return fields


@functools.cache
def _accepts(record_type_name: str, strings_storable: bool) -> dict[str, Callable[[Any], bool]]:
    """For each field of the record type, a function saying whether check_value accepts a value
    (a test compares the two on many values). A False sends the value to check_value."""
    rt = RECORD_TYPES[record_type_name]
    out = {}
    for f in rt.fields:
        ok = _acceptor(f, strings_storable)
        if _none_refused(rt, f):
            out[f.name] = ok
        else:
            out[f.name] = functools.partial(_none_or, ok)
    return out


def _acceptor(f: Field, strings_storable: bool) -> Callable[[Any], bool]:
    """Whether check_value accepts a value other than None for the field `f`."""
    top = MAX_FEN if f.kind == MONEY else MAX_INT

    def number(v: Any) -> bool:
        return type(v) is int and 0 <= v <= top

    def flag(v: Any) -> bool:
        return type(v) is int and (v == 0 or v == 1)

    def iso_date(v: Any) -> bool:
        return type(v) is str and len(v) == 10 and _iso_date(v)

    choices = frozenset(f.allowed()) if not callable(f.choices) else None

    def enum(v: Any) -> bool:
        return type(v) is str and v in (choices if choices is not None else f.allowed())

    def ref(v: Any) -> bool:
        return type(v) is str and v != "" and (strings_storable or storable(v))

    def text(v: Any) -> bool:
        return type(v) is str and (strings_storable or storable(v))

    by_kind = {MONEY: number, INT: number, FLAG: flag, DATE: iso_date, ENUM: enum, REF: ref}
    return by_kind.get(f.kind, text)


def _none_or(ok: Callable[[Any], bool], v: Any) -> bool:
    return v is None or ok(v)


def _iso_date(text: str) -> bool:
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def storable(text: str) -> bool:
    """Whether a string can be kept and synced: UTF-8 (no lone surrogate, which JSON can carry)
    and no NUL (PostgreSQL's text refuses it)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def record_versions(rt: RecordType, origin: str, changed: dict[str, str]) -> dict[str, str]:
    """The version of every field of a record: the change that last set it, else the creating one.

    The workstation and the server both compute versions this way, so their summaries agree.
    """
    return {f.name: changed.get(f.name, origin) for f in rt.fields}


def digest_versions(origin: str, changed: dict[str, str]) -> dict[str, str]:
    """What a record's summary digest covers: the change that created it and the changes that set
    fields since. Not the full field list, so a field added to a record type by a later release
    leaves every stored digest (the workstation's running summary, the server's per-record
    digests) valid."""
    return {"_origin": origin} | changed


def record_digest(record_type_name: str, record_id: str, versions: dict[str, str]) -> int:
    """One record's place in the summary: its type, id and `digest_versions`."""
    text = (
        record_type_name
        + ":"
        + record_id
        + ":"
        + ",".join(f"{k}={versions[k]}" for k in sorted(versions))
    )
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")
