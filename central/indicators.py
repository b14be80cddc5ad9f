"""The indicator ranking over the server's stored records, for the courts a manager oversees.

One formula source: the definitions file and workstation/indicators.py's SQL run here unchanged;
only the table names differ. `Tables` points at the facts tables ingest keeps beside each
record's JSON (case_facts, fund_facts, document_facts: facts.py, migration 7), with the
workstation's column names and indexes, and `Dialect` spells the few expressions that differ.
A court manager's ranking is by officer (the case's 承办人) within their court; an intermediate
manager's by court, over its court and the basic courts below it; an administrator's by court,
over all.
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

# The facts tables kept by ingest (facts.py), with the case file's column names; the case type
# kept as a column too.
TABLES = Tables(
    cases="case_facts", funds="fund_facts", documents="document_facts", kind_code="kind_code"
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
        tables=TABLES,
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
