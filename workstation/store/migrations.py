"""Numbered schema migrations. `PRAGMA user_version` is the number of the last one applied.

Each migration runs in its own transaction together with the version bump, so a crash leaves the
file at the previous version, never half-migrated. Never edit a released migration: add one.
"""

import sqlite3
from collections.abc import Callable

from .records import RECORD_TYPES, RecordType

APPLICATION_ID = 0x5A584757  # "ZXGW": marks a case file (SQLite header offset 68)


def _state_table(rt: RecordType) -> str:
    cols = ",\n  ".join(f"{f.name}" + _column_type(f.kind) for f in rt.fields)
    # n: a stable integer key for the search index (explicit INTEGER PRIMARY KEY survives VACUUM);
    # _origin: the change that created the record; _versions: {field: change id} for fields changed
    # since, so each field's version is _versions.get(field, _origin).
    return f"""CREATE TABLE {rt.table} (
  n INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  {cols},
  _origin TEXT NOT NULL,
  _versions TEXT NOT NULL DEFAULT '{{}}'
)"""


def _column_type(kind: str) -> str:
    return {"money": " INTEGER NOT NULL DEFAULT 0", "flag": " INTEGER NOT NULL DEFAULT 0"}.get(
        kind, ""
    )


def _m1_case_file(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID"""
    )
    conn.execute(
        """CREATE TABLE journal (
  seq INTEGER PRIMARY KEY,
  change_id TEXT NOT NULL UNIQUE,
  record_type TEXT NOT NULL,
  record_id TEXT NOT NULL,
  fields TEXT NOT NULL,
  base TEXT NOT NULL,
  officer TEXT NOT NULL,
  device TEXT NOT NULL,
  at TEXT NOT NULL,
  origin TEXT NOT NULL DEFAULT 'local',
  server_seq INTEGER
)"""
    )
    # Changes made here and not yet acknowledged by the server: what sync pushes, what the status
    # bar counts. Pulled changes ("server") and demo data ("demo") are never pushed.
    conn.execute(
        "CREATE INDEX journal_unsynced ON journal(seq) "
        "WHERE server_seq IS NULL AND origin = 'local'"
    )
    conn.execute("CREATE INDEX journal_record ON journal(record_id)")
    conn.execute(_state_table(RECORD_TYPES["case"]))
    conn.execute(_state_table(RECORD_TYPES["party"]))
    for col in ("case_number", "filing_date", "officer", "status", "principal"):
        conn.execute(f"CREATE INDEX cases_{col} ON cases({col})")
    conn.execute("CREATE INDEX parties_case ON parties(case_id)")
    # Derived from the state tables by the search module; rebuilt at will, never synced.
    conn.execute(
        """CREATE TABLE case_index (
  n INTEGER PRIMARY KEY REFERENCES cases(n),
  applicants TEXT NOT NULL DEFAULT '',
  debtors TEXT NOT NULL DEFAULT ''
)"""
    )
    conn.execute("CREATE INDEX case_index_applicants ON case_index(applicants)")
    conn.execute("CREATE INDEX case_index_debtors ON case_index(debtors)")
    # Substrings of 3+ characters: case numbers, names, ID and phone numbers, addresses, notes.
    conn.execute("CREATE VIRTUAL TABLE case_search USING fts5(body, tokenize='trigram')")
    # Two-character fragments (王五): each name and case number as space-separated bigrams.
    conn.execute("CREATE VIRTUAL TABLE case_bigrams USING fts5(body, tokenize='unicode61')")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _m1_case_file,
]

LATEST_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply every migration the file lacks, each in its own transaction. Returns those applied."""
    applied = []
    current = schema_version(conn)
    for number in range(current + 1, LATEST_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[number - 1](conn)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied
