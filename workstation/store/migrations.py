"""Numbered schema migrations. `PRAGMA user_version` is the number of the last one applied.

Each migration runs in its own transaction together with the version bump, so a crash leaves the
file at the previous version, never half-migrated. Never edit a released migration: add one.
"""

import hashlib
import json
import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x5A584757  # "ZXGW": marks a case file (SQLite header offset 68)


def _state_table(table: str, columns: str) -> str:
    """A state table: the record type's columns, written out as they were when the migration was
    made (a migration must create the same table forever, whatever records.py says later).

    n: a stable integer key for the search index (an explicit INTEGER PRIMARY KEY survives VACUUM);
    _origin: the change that created the record; _versions: {field: change id} for fields changed
    since, so each field's version is _versions.get(field, _origin).
    """
    return f"""CREATE TABLE {table} (
  n INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  {columns},
  deleted INTEGER NOT NULL DEFAULT 0,
  _origin TEXT NOT NULL,
  _versions TEXT NOT NULL DEFAULT '{{}}'
)"""


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
    conn.execute(
        _state_table(
            "cases",
            """case_number, court_code, officer, filing_date, cause, basis_court, basis_number,
  basis_kind, basis_effective_date, principal INTEGER NOT NULL DEFAULT 0,
  interest INTEGER NOT NULL DEFAULT 0, interest_terms,
  enforcement_fee INTEGER NOT NULL DEFAULT 0, status, closing_date, closing_method, notes""",
        )
    )
    conn.execute(
        _state_table(
            "parties",
            """case_id, role, kind, name, sex, ethnicity, birth_date, id_number, address, phone,
  credit_code, legal_representative, represents, authority, authority_document""",
        )
    )
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


def _m2_sync(conn: sqlite3.Connection) -> None:
    """What syncing with the central server needs: conflicts, attachments, the sync state of each
    journal entry, and the fields of a pulled change that were not applied (the server had put a
    later change on them), so that a replay applies exactly what was applied."""
    conn.execute("ALTER TABLE journal ADD COLUMN skipped TEXT NOT NULL DEFAULT '[]'")
    conn.execute("ALTER TABLE journal ADD COLUMN sync_status TEXT")  # NULL, or 'rejected'
    conn.execute("ALTER TABLE journal ADD COLUMN sync_note TEXT NOT NULL DEFAULT ''")
    conn.execute("CREATE INDEX journal_server_seq ON journal(server_seq)")
    conn.execute(
        _state_table(
            "conflicts",
            """case_id, target_type, target_id, field, replaced_value, replaced_version,
  replaced_officer, current_change, current_officer, status, resolution""",
        )
    )
    conn.execute("CREATE INDEX conflicts_case ON conflicts(case_id)")
    conn.execute("CREATE INDEX conflicts_open ON conflicts(target_id) WHERE status = 'open'")
    conn.execute(_state_table("attachments", "case_id, sha256, name, size, mime, note"))
    conn.execute("CREATE INDEX attachments_case ON attachments(case_id)")
    conn.execute("CREATE INDEX attachments_sha256 ON attachments(sha256)")


def _m3_enforcement_record(conn: sqlite3.Connection) -> None:
    """The enforcement record: measures, clues, assets, seizures, case funds, field visits."""
    for column in (
        "claim_is_monetary INTEGER NOT NULL DEFAULT 1",
        "due_date",
        "applicant_asked_for_termination INTEGER NOT NULL DEFAULT 0",
        "obstruction INTEGER NOT NULL DEFAULT 0",
        "termination_date",
    ):
        conn.execute(f"ALTER TABLE cases ADD COLUMN {column}")
    conn.execute("ALTER TABLE parties ADD COLUMN deceased INTEGER NOT NULL DEFAULT 0")
    tables = {
        "measures": """case_id, kind, date, officer, result, debtor_id, channel, found, served_date,
  told_applicant, documents""",
        "clues": """case_id, given_date, description, urgent INTEGER NOT NULL DEFAULT 0, status,
  given_by, verified_date, debtor_id""",
        "assets": """case_id, kind, description, status, value INTEGER NOT NULL DEFAULT 0,
  value_basis, prior_encumbrances INTEGER NOT NULL DEFAULT 0, cannot_dispose_reason,
  identifiers, debtor_id, found_date""",
        "seizures": """case_id, asset_id, kind, date, amount INTEGER NOT NULL DEFAULT 0, share,
  until, renewals, releases, from_preservation INTEGER NOT NULL DEFAULT 0""",
        "funds": """case_id, kind, date, amount INTEGER NOT NULL DEFAULT 0, source, payer,
  receipt_number, cash INTEGER NOT NULL DEFAULT 0, officers, handed_in, payee, account,
  approver, receipt_id, reason, end_date, note""",
        "field_visits": "case_id, date, place, officers, purpose, findings",
    }
    for table, columns in tables.items():
        conn.execute(_state_table(table, columns))
        conn.execute(f"CREATE INDEX {table}_case ON {table}(case_id)")
    conn.execute("CREATE INDEX funds_open_receipts ON funds(date) WHERE kind = 'receipt'")
    conn.execute("CREATE INDEX seizures_until ON seizures(until)")


def _m4_documents(conn: sqlite3.Connection) -> None:
    """Finalised documents (interview records, rulings), local drafts, resumption links and the
    officer's reason for an excessive seizure."""
    conn.execute("ALTER TABLE cases ADD COLUMN original_case_id")
    conn.execute("CREATE INDEX cases_original ON cases(original_case_id)")
    conn.execute("ALTER TABLE seizures ADD COLUMN excess_exception TEXT NOT NULL DEFAULT ''")
    conn.execute(
        _state_table(
            "documents",
            """case_id, kind, number, template_id, template_version, content, content_hash, data,
  finalised_at, signed_date, served_date, corrects, route""",
        )
    )
    conn.execute("CREATE INDEX documents_case ON documents(case_id)")
    # Drafts are the officer's own scratch work on this laptop: saved on every change, never
    # journaled or synced. Finalising one makes a journaled document and deletes the draft.
    conn.execute(
        """CREATE TABLE drafts (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  template_id TEXT NOT NULL,
  template_version TEXT NOT NULL,
  page TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}',
  updated_at TEXT NOT NULL
)"""
    )
    conn.execute("CREATE INDEX drafts_case ON drafts(case_id)")


def _m5_field_list_free_digests(conn: sqlite3.Connection) -> None:
    """Record digests no longer cover the full field list (records.digest_versions): the kept
    running summary is dropped, and computed afresh at the next sync."""
    conn.execute("DELETE FROM meta WHERE key = 'summary'")


def _m6_journal_chain(conn: sqlite3.Connection) -> None:
    """The journal's hash chains (store/chain.py): `chain` over every row, `push_chain` over the
    changes made here that are still to be pushed (those acknowledged or refused before it
    existed are not pushed again, and the server starts a device's chain at GENESIS). The
    formulas are written out here, as they were when the migration was made."""
    conn.execute("ALTER TABLE journal ADD COLUMN push_chain TEXT")
    conn.execute("ALTER TABLE journal ADD COLUMN chain TEXT NOT NULL DEFAULT ''")
    conn.execute("CREATE INDEX journal_push_chain ON journal(seq) WHERE push_chain IS NOT NULL")
    genesis = hashlib.sha256(b"zxgw journal chain v1").hexdigest()
    encode_row = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    encode_wire = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
    previous, previous_push = genesis, genesis
    updates = []
    rows = conn.execute(
        """SELECT seq, change_id, record_type, record_id, fields, base, officer, device, at,
                  origin, server_seq, skipped, sync_status FROM journal ORDER BY seq"""
    )
    for seq, cid, rtype, rid, fields, base, officer, device, at, origin, sseq, skipped, st in rows:
        push = None
        if origin == "local" and sseq is None and st is None:
            wire = {
                "at": at,
                "base": json.loads(base),
                "change_id": cid,
                "device": device,
                "fields": json.loads(fields),
                "officer": officer,
                "record_id": rid,
                "record_type": rtype,
            }
            content_hash = hashlib.sha256(encode_wire(wire).encode()).hexdigest()
            push = previous_push = hashlib.sha256(
                (previous_push + content_hash).encode("ascii")
            ).hexdigest()
        entry = encode_row(
            [
                cid,
                rtype,
                rid,
                fields,
                base,
                officer,
                device,
                at,
                origin,
                sseq if origin == "server" else None,
                skipped,
                push,
            ]
        )
        previous = hashlib.sha256(previous.encode("ascii") + entry.encode()).hexdigest()
        updates.append((push, previous, seq))
    conn.executemany("UPDATE journal SET push_chain = ?, chain = ? WHERE seq = ?", updates)


def _m7_contentless_search(conn: sqlite3.Connection) -> None:
    """The full-text tables keep only their index, not a copy of each body (contentless, with
    deletes by rowid, SQLite 3.43+): re-indexing an edited case no longer reads and re-tokenizes
    the old body, and the file is smaller. Fewer, larger merges. Rebuilt from the state tables."""
    from . import search

    for table in ("case_search", "case_bigrams"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute(
        "CREATE VIRTUAL TABLE case_search USING fts5(body, tokenize='trigram', "
        "content='', contentless_delete=1)"
    )
    # Every query of case_bigrams is one token (a pair, or a character as a prefix), so it keeps
    # no positions (detail=none): built in 0.8 s instead of 1.3 for 50,000 cases, a third smaller.
    conn.execute(
        "CREATE VIRTUAL TABLE case_bigrams USING fts5(body, tokenize='unicode61', "
        "content='', contentless_delete=1, detail=none)"
    )
    # Merge 16 segments of a level at a time, not 4: each transaction adds a segment, and with
    # 4 the merging took a third of the indexing of 50,000 cases in 100 transactions (7.0 ->
    # 4.5 s here); queries were as fast (p50 0.84 / 0.83 ms), the index 15% larger.
    for table in ("case_search", "case_bigrams"):
        conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', 16)")
    search.rebuild_index(conn)


def _m8_larger_index_batches(conn: sqlite3.Connection) -> None:
    """The full-text tables gather up to 8 MiB of new entries in memory before writing them as a
    segment (FTS5's `hashsize`, default 1 MiB): a first sync wrote its 50,000 cases' entries
    as dozens of small segments per transaction and spent almost as long merging them as
    tokenizing (indexing them in ten transactions: 5.9 -> 4.5 s of CPU). Only a transaction
    that indexes thousands of cases reaches the limit.
    And the journal's index on server_seq goes: no query reads it (the unsynced changes have
    their own partial index), and every pulled change paid for it."""
    for table in ("case_search", "case_bigrams"):
        conn.execute(f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', {8 << 20})")
    conn.execute("DROP INDEX journal_server_seq")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _m1_case_file,
    _m2_sync,
    _m3_enforcement_record,
    _m4_documents,
    _m5_field_list_free_digests,
    _m6_journal_chain,
    _m7_contentless_search,
    _m8_larger_index_batches,
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
