"""Drafts: the officer's unfinished work on this laptop (an interview in progress).

Saved on every change so that a crash or a flat battery loses nothing, but never journaled or
synced: only the finalised document is case data. Finalising deletes the draft in the same
transaction that saves the document (`CaseFile.save(..., discard_draft=...)`).
"""

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from .journal import utc_now


@dataclass
class Draft:
    id: str
    case_id: str
    kind: str  # "interview_record"
    template_id: str
    template_version: str
    page: str  # the wizard page it was left on
    data: dict[str, Any]  # the answers so far, and the copy of the template it was started with
    updated_at: str = ""


def save_draft(conn: sqlite3.Connection, draft: Draft) -> None:
    """Write the draft (insert or replace) in its own transaction."""
    draft.updated_at = utc_now()
    with conn:
        conn.execute(
            "INSERT INTO drafts (id, case_id, kind, template_id, template_version, page, data, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "page = excluded.page, data = excluded.data, updated_at = excluded.updated_at",
            (
                draft.id,
                draft.case_id,
                draft.kind,
                draft.template_id,
                draft.template_version,
                draft.page,
                json.dumps(draft.data, ensure_ascii=False, sort_keys=True),
                draft.updated_at,
            ),
        )


def _draft(row: sqlite3.Row | tuple) -> Draft:
    return Draft(
        id=row[0],
        case_id=row[1],
        kind=row[2],
        template_id=row[3],
        template_version=row[4],
        page=row[5],
        data=json.loads(row[6]),
        updated_at=row[7],
    )


_COLUMNS = "id, case_id, kind, template_id, template_version, page, data, updated_at"


def load_draft(conn: sqlite3.Connection, draft_id: str) -> Draft | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM drafts WHERE id = ?", (draft_id,)).fetchone()
    return _draft(row) if row else None


def drafts(conn: sqlite3.Connection, case_id: str | None = None, kind: str = "") -> list[Draft]:
    """Drafts, newest first; of one case and kind when given."""
    sql = f"SELECT {_COLUMNS} FROM drafts WHERE 1"
    args: list[str] = []
    if case_id is not None:
        sql += " AND case_id = ?"
        args.append(case_id)
    if kind:
        sql += " AND kind = ?"
        args.append(kind)
    return [_draft(r) for r in conn.execute(sql + " ORDER BY updated_at DESC", args)]


def delete_draft(conn: sqlite3.Connection, draft_id: str) -> None:
    """Inside the caller's transaction."""
    conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
