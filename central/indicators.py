"""The indicator ranking over the server's stored records (each record's current values, as JSON
in `records.field_values`), for the courts a manager oversees.

One formula source: the definitions file and workstation/indicators.py's SQL run here unchanged;
only the table names differ. `Tables` points at derived tables that read the JSON columns the
workstation keeps as real columns (SQLite json_extract, PostgreSQL a cast to jsonb done once per
row), with `Dialect` spelling the few expressions that differ. A court manager's ranking is by
officer (the case's 承办人) within their court; an intermediate manager's by court, over its court
and the basic courts below it; an administrator's by court, over all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from workstation.enforcement import court_settings
from workstation.indicators import (
    Dialect,
    ReportPeriod,
    Tables,
    compute_grouped,
    default_definitions,
)

from .auth import ADMIN, COURT_MANAGER, INTERMEDIATE_MANAGER, Actor
from .errors import ApiError

CASE_FIELDS = {
    "case_number": "text",
    "officer": "text",
    "filing_date": "text",
    "closing_date": "text",
    "closing_method": "text",
    "status": "text",
    "principal": "bigint",
    "interest": "bigint",
    "claim_is_monetary": "bigint",
    "deleted": "bigint",
}
FUNDS_FIELDS = {
    "case_id": "text",
    "kind": "text",
    "date": "text",
    "amount": "bigint",
    "receipt_id": "text",
    "reason": "text",
    "end_date": "text",
    "deleted": "bigint",
}
DOCUMENT_FIELDS = {"case_id": "text", "kind": "text", "deleted": "bigint"}
DEFAULTS = {"bigint": "0", "text": "NULL"}


def _derived(dialect: str, record_type: str, fields: dict[str, str]) -> str:
    """A subquery with the record's fields as columns (the workstation's table shape)."""
    if dialect == "postgresql":
        cols = ", ".join(
            f"COALESCE(CAST(j->>'{f}' AS bigint), 0) AS {f}" if t != "text" else f"j->>'{f}' AS {f}"
            for f, t in fields.items()
        )
        return (
            f"(SELECT record_id AS id, court_code, {cols} FROM (SELECT record_id, court_code, "
            f"CAST(field_values AS jsonb) AS j FROM records WHERE record_type = '{record_type}'"
            " OFFSET 0) x)"
        )
    cols = ", ".join(
        f"COALESCE(json_extract(field_values, '$.{f}'), {DEFAULTS[t]}) AS {f}"
        if t != "text"
        else f"json_extract(field_values, '$.{f}') AS {f}"
        for f, t in fields.items()
    )
    return (
        f"(SELECT record_id AS id, court_code, {cols} FROM records "
        f"WHERE record_type = '{record_type}')"
    )


def tables(dialect: str) -> Tables:
    return Tables(
        cases=_derived(dialect, "case", CASE_FIELDS),
        funds=_derived(dialect, "funds", FUNDS_FIELDS),
        documents=_derived(dialect, "document", DOCUMENT_FIELDS),
    )


def ranking(conn: Connection, actor: Actor, period: ReportPeriod) -> dict[str, Any]:
    """The indicators per officer (court manager) or per court (intermediate manager, admin)."""
    if actor.role not in (COURT_MANAGER, INTERMEDIATE_MANAGER, ADMIN):
        raise ApiError(403, "只有法院或中级法院的管理人员可以查看质效指标排名。", actor.role)
    dialect = conn.dialect.name
    params: dict[str, Any] = {}
    scope_sql = ""
    if actor.role == ADMIN and actor.read_courts is None:
        pass
    else:
        courts = actor.read_courts or (actor.court_code,)
        marks = ", ".join(f":court{k}" for k in range(len(courts)))
        scope_sql = f" AND c.court_code IN ({marks})"
        params |= {f"court{k}": c for k, c in enumerate(courts)}
    group = "officer" if actor.role == COURT_MANAGER else "court_code"

    def execute(sql: str, bind: Any) -> Any:
        return conn.execute(text(sql), dict(bind)).fetchall()

    defs = default_definitions()
    grouped = compute_grouped(
        execute,
        period,
        court_settings(),
        definitions=defs,
        tables=tables(dialect),
        dialect=Dialect(dialect),
        scope_sql=scope_sql,
        scope_params=params,
        group=group,
        with_ids=False,
    )
    rows = []
    for key, values in grouped.items():
        if key is None:
            continue
        rows.append(
            {
                "key": key,
                "label": key or "（未填承办人）",
                "values": {v.definition.code: v.value for v in values},
                "counts": {
                    v.definition.code: [
                        v.numerator.count,
                        v.denominator.count if v.denominator else 0,
                    ]
                    for v in values
                },
            }
        )
    rows.sort(key=lambda r: (-(r["values"].get("closure_rate") or -1.0), r["key"]))
    return {
        "period": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "grouped_by": "officer" if group == "officer" else "court",
        "indicators": [{"code": d.code, "name": d.name, "unit": d.unit} for d in defs.indicators],
        "rows": rows,
    }
