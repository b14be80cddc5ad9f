"""Read-only queries behind the case list, the case view and the command line."""

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.periods import open_longer_than_cutoff
from . import search

# Sortable columns of the case list: name -> SQL expression (each has an index).
SORT_COLUMNS = {
    "case_number": "c.case_number",
    "applicants": "ci.applicants",
    "debtors": "ci.debtors",
    "officer": "c.officer",
    "filing_date": "c.filing_date",
    "principal": "c.principal",
    "status": "c.status",
}

# What one row of the case list holds, in order (a tuple per row: no object per row).
LIST_COLUMNS = (
    "n",
    "id",
    "case_number",
    "applicants",
    "debtors",
    "officer",
    "filing_date",
    "principal",
    "status",
    "closing_method",
)


@dataclass(frozen=True)
class CaseFilter:
    text: str = ""
    status: str | None = None  # "open" / "closed"
    officer: str | None = None
    open_over_one_year: bool = False
    today: date | None = None


# Above this many text matches, walk the sort index and test membership instead of sorting every
# match: the first page of 11,000 matches comes in 6 ms instead of 20 (bench/search.py).
MANY_MATCHES = 1500


def _where(flt: CaseFilter, many: bool = False) -> tuple[str, list[Any]]:
    clauses = ["c.deleted = 0"]
    params: list[Any] = []
    if flt.status:
        clauses.append("c.status = ?")
        params.append(flt.status)
    if flt.officer:
        clauses.append("c.officer = ?")
        params.append(flt.officer)
    if flt.open_over_one_year:
        clauses.append("c.status = 'open' AND c.filing_date < ?")
        params.append(open_longer_than_cutoff(flt.today or date.today()).isoformat())
    if flt.text.strip():
        match = search.match_clause(flt.text)
        if match:
            sql, match_params = match
            # "+c.n": do not drive the query from the matches (SQLite then sorts them all)
            clauses.append(f"{'+' if many else ''}c.n IN ({sql})")
            params.extend(match_params)
    return " AND ".join(clauses), params


def list_cases(
    conn: sqlite3.Connection,
    flt: CaseFilter = CaseFilter(),
    *,
    sort: str = "filing_date",
    descending: bool = True,
    after: tuple[Any, int] | None = None,
    limit: int = 200,
    matches: int | None = None,
) -> list[tuple]:
    """One page of the case list, sorted, continuing after the (sort value, n) of the last row.

    `matches`: the count of the same filter, when the caller has it, to choose the faster plan.
    """
    key = SORT_COLUMNS[sort]
    where, params = _where(flt, many=matches is not None and matches > MANY_MATCHES)
    if after is not None:
        where += f" AND ({key}, c.n) {'<' if descending else '>'} (?, ?)"
        params.extend(after)
    direction = "DESC" if descending else "ASC"
    sql = f"""SELECT c.n, c.id, c.case_number, ci.applicants, ci.debtors, c.officer,
                     c.filing_date, c.principal, c.status, c.closing_method
              FROM cases c JOIN case_index ci ON ci.n = c.n
              WHERE {where}
              ORDER BY {key} {direction}, c.n {direction}
              LIMIT ?"""
    return conn.execute(sql, [*params, limit]).fetchall()


def sort_key(row: tuple, sort: str) -> tuple[Any, int]:
    """The keyset position of a list row, to fetch the page after it."""
    return row[LIST_COLUMNS.index(sort)], row[0]


def count_cases(
    conn: sqlite3.Connection, flt: CaseFilter = CaseFilter(), *, cap: int | None = None
) -> int:
    """How many cases match; with `cap`, counting stops at cap + 1 ("more than cap")."""
    limit = f" LIMIT {int(cap) + 1}" if cap is not None else ""
    text_only = not (flt.status or flt.officer or flt.open_over_one_year)
    if text_only and not flt.text.strip():
        # The whole list (start-up): case_index has one narrow row per case not deleted, so
        # SQLite counts over its covering index, tens of pages instead of thousands of case rows
        # (on an encrypted file each page read is decrypted: 24 ms -> 2 ms at the cap).
        return conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM case_index{limit})").fetchone()[0]
    if text_only and flt.text.strip() and (match := search.match_clause(flt.text)):
        # The index holds exactly the cases that are not deleted: count there, no join.
        sql, params = match
        return conn.execute(f"SELECT count(*) FROM ({sql}{limit})", params).fetchone()[0]
    where, params = _where(flt)
    return conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM cases c WHERE {where}{limit})", params
    ).fetchone()[0]


def officers(conn: sqlite3.Connection) -> list[str]:
    """The officers who carry cases, by a seek per name on the officer index (not a scan)."""
    names = []
    name = ""
    while True:
        row = conn.execute(
            "SELECT officer FROM cases WHERE officer > ? ORDER BY officer LIMIT 1", (name,)
        ).fetchone()
        if row is None:
            return names
        name = row[0]
        if conn.execute(
            "SELECT 1 FROM cases WHERE officer = ? AND deleted = 0 LIMIT 1", (name,)
        ).fetchone():
            names.append(name)


def find_case_id(conn: sqlite3.Connection, case_number: str) -> str | None:
    """The id of the (not deleted) case with this canonical case number."""
    row = conn.execute(
        "SELECT id FROM cases WHERE case_number = ? AND deleted = 0", (case_number,)
    ).fetchone()
    return row[0] if row else None


def party_ids(conn: sqlite3.Connection, case_id: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM parties WHERE case_id = ? AND deleted = 0 ORDER BY n", (case_id,)
        )
    ]
