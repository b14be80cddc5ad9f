"""The record types of the case file, declared once.

The journal, replay, sync and the search index work from these declarations, so a record type added
by a later migration needs no code of its own anywhere else: declare its fields here and create its
table in a migration.
"""

from dataclasses import dataclass, field
from typing import Any

from ..domain.case import (
    AUTHORITIES,
    CASE_STATUSES,
    CLOSING_METHODS,
    PARTY_KINDS,
    PARTY_ROLES,
    SEXES,
)

# Field kinds the store itself checks (structure only; the domain validates meaning before saving).
TEXT = "text"
DATE = "date"  # ISO yyyy-mm-dd
MONEY = "money"  # integer fen, >= 0
FLAG = "flag"  # 0 or 1
REF = "ref"  # id of another record
ENUM = "enum"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = TEXT
    choices: tuple[str, ...] = ()
    default: Any = None
    personal: bool = False  # personal data: removed from logs and from published documents


@dataclass(frozen=True)
class RecordType:
    name: str
    table: str
    fields: tuple[Field, ...]
    required: tuple[str, ...] = ()
    case_ref: str | None = None  # the field linking this record to its case (None: it is the case)
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
    ),
)

RECORD_TYPES: dict[str, RecordType] = {t.name: t for t in (CASE, PARTY)}


def record_type(name: str) -> RecordType:
    try:
        return RECORD_TYPES[name]
    except KeyError:
        raise KeyError(f"unknown record type {name!r}") from None
