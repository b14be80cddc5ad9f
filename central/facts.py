"""The fields the indicators read, kept as real columns beside each record's JSON.

case_facts, fund_facts and document_facts (tables.py, made by migration 7) hold, per case, funds
and document record, the fields workstation/indicators.py's SQL reads, named as in the case
file's own tables, so the central ranking runs that SQL over indexed columns instead of reading
every record's stored JSON. Ingest (the one path by which records change) rewrites a record's
row whenever it writes the record (`FACTS`: the table and row of each record type).
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table

from workstation.indicators import kind_code

from .tables import case_facts, document_facts, fund_facts


def _int(value: Any) -> int:
    return value if type(value) is int else 0


def case_row(record_id: str, court_code: str, case_id: str, v: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record_id,
        "court_code": court_code,
        "case_number": v.get("case_number") or "",
        "kind_code": kind_code(v.get("case_number") or ""),
        "officer": v.get("officer") or "",
        "filing_date": v.get("filing_date"),
        "status": v.get("status"),
        "closing_date": v.get("closing_date"),
        "closing_method": v.get("closing_method"),
        "principal": _int(v.get("principal")),
        "interest": _int(v.get("interest")),
        "claim_is_monetary": _int(v.get("claim_is_monetary")),
        "original_case_id": v.get("original_case_id"),
        "deleted": _int(v.get("deleted")),
    }


def fund_row(record_id: str, court_code: str, case_id: str, v: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record_id,
        "case_id": case_id,
        "court_code": court_code,
        "kind": v.get("kind"),
        "date": v.get("date"),
        "amount": _int(v.get("amount")),
        "receipt_id": v.get("receipt_id"),
        "reason": v.get("reason"),
        "end_date": v.get("end_date"),
        "deleted": _int(v.get("deleted")),
    }


def document_row(
    record_id: str, court_code: str, case_id: str, v: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": record_id,
        "case_id": case_id,
        "kind": v.get("kind"),
        "deleted": _int(v.get("deleted")),
    }


Row = Callable[[str, str, str, dict[str, Any]], dict[str, Any]]
FACTS: dict[str, tuple[Table, Row]] = {
    "case": (case_facts, case_row),
    "funds": (fund_facts, fund_row),
    "document": (document_facts, document_row),
}
