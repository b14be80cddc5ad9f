"""Numbered schema migrations; `schema_version` holds the number of the last one applied.

Each migration runs in its own transaction with the version bump, under the global write lock,
so a crash leaves the database at the previous version and two instances starting at once do not
both migrate. A database from a newer server is refused, never touched. Never edit a released
migration: add one. Each writes its DDL out as it was when made (not from tables.py).
"""

import hashlib
import json
from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)

from .db import Database
from .errors import NewerSchema
from .tables import schema_version


def _m1_initial(conn: Connection) -> None:
    md = MetaData()
    seq = BigInteger().with_variant(Integer(), "sqlite")
    Table(
        "courts",
        md,
        Column("code", String(16), primary_key=True),
        Column("name", Text, nullable=False),
        Column("level", String(16), nullable=False),
        Column("parent", String(16)),
    )
    Table(
        "accounts",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("username", String(64), nullable=False, unique=True),
        Column("password_hash", Text, nullable=False),
        Column("role", String(32), nullable=False),
        Column("court_code", String(16), nullable=False),
        Column("display_name", Text, nullable=False),
        Column("active", Boolean, nullable=False),
        Column("created_at", String(24), nullable=False),
    )
    Table(
        "tokens",
        md,
        Column("token_sha256", String(64), primary_key=True),
        Column("account_id", Integer, nullable=False),
        Column("device", Text, nullable=False),
        Column("created_at", String(24), nullable=False),
        Column("expires_at", String(24), nullable=False),
        Column("revoked_at", String(24)),
        Index("tokens_account", "account_id"),
    )
    Table(
        "sign_in_failures",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("username", String(64), nullable=False),
        Column("at", String(24), nullable=False),
        Index("sign_in_failures_username_at", "username", "at"),
    )
    Table(
        "case_scope",
        md,
        Column("case_id", String(200), primary_key=True),
        Column("case_number", Text, nullable=False),
        Column("court_code", String(16), nullable=False),
        Column("officer_account_id", Integer),
        Index("case_scope_officer", "officer_account_id"),
        Index("case_scope_court", "court_code"),
        Index("case_scope_case_number", "case_number"),
    )
    Table(
        "journal",
        md,
        Column("server_seq", seq, primary_key=True, autoincrement=False),
        Column("change_id", String(200), nullable=False, unique=True),
        Column("record_type", String(32), nullable=False),
        Column("record_id", String(200), nullable=False),
        Column("case_id", String(200), nullable=False),
        Column("court_code", String(16), nullable=False),
        Column("body", Text, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("officer", Text, nullable=False),
        Column("account_id", Integer),
        Column("received_at", String(24), nullable=False),
        Index("journal_court_seq", "court_code", "server_seq"),
        Index("journal_case_seq", "case_id", "server_seq"),
    )
    Table(
        "records",
        md,
        Column("record_type", String(32), primary_key=True),
        Column("record_id", String(200), primary_key=True),
        Column("case_id", String(200), nullable=False),
        Column("court_code", String(16), nullable=False),
        Column("field_values", Text, nullable=False),
        Column("origin", String(200), nullable=False),
        Column("versions", Text, nullable=False),
        Column("blob_sha256", String(64)),
        Column("digest", String(64), nullable=False),
        Index("records_id", "record_id"),
        Index("records_case", "case_id"),
        Index("records_court", "court_code"),
        Index("records_blob", "blob_sha256"),
    )
    Table(
        "blobs",
        md,
        Column("sha256", String(64), primary_key=True),
        Column("size", BigInteger, nullable=False),
        Column("completed_at", String(24), nullable=False),
    )
    Table(
        "blob_uploaders",
        md,
        Column("sha256", String(64), primary_key=True),
        Column("account_id", Integer, primary_key=True),
    )
    md.create_all(conn)


def _m2_case_digests(conn: Connection) -> None:
    """Each case's share of the summary, so a summary costs a row per case, not per record."""
    zero = "0" * 64
    conn.execute(text("ALTER TABLE case_scope ADD COLUMN record_count INTEGER NOT NULL DEFAULT 0"))
    conn.execute(
        text(f"ALTER TABLE case_scope ADD COLUMN digest_sum VARCHAR(64) NOT NULL DEFAULT '{zero}'")
    )
    sums: dict[str, list[int]] = {}
    for case_id, digest in conn.execute(text("SELECT case_id, digest FROM records")):
        entry = sums.setdefault(case_id, [0, 0])
        entry[0] += 1
        entry[1] += int(digest, 16)
    if sums:
        conn.execute(
            text("UPDATE case_scope SET record_count = :c, digest_sum = :d WHERE case_id = :k"),
            [{"k": k, "c": c, "d": f"{t % (1 << 256):064x}"} for k, (c, t) in sums.items()],
        )


def _m3_officer_digests(conn: Connection) -> None:
    """Each officer's summary in one row (sync checks it at the end of every sync)."""
    md = MetaData()
    Table(
        "officer_digests",
        md,
        Column("account_id", Integer, primary_key=True),
        Column("record_count", Integer, nullable=False),
        Column("digest_sum", String(64), nullable=False),
    )
    md.create_all(conn)
    sums: dict[int, list[int]] = {}
    for officer, count, digest in conn.execute(
        text(
            "SELECT officer_account_id, record_count, digest_sum FROM case_scope "
            "WHERE officer_account_id IS NOT NULL"
        )
    ):
        entry = sums.setdefault(officer, [0, 0])
        entry[0] += count
        entry[1] += int(digest, 16)
    if sums:
        conn.execute(
            text("INSERT INTO officer_digests VALUES (:a, :c, :d)"),
            [{"a": a, "c": c, "d": f"{t % (1 << 256):064x}"} for a, (c, t) in sums.items()],
        )


def _m4_unmatched_receipts(conn: Connection) -> None:
    """Money received without an identifiable case (不明款), and who claimed it for which case."""
    md = MetaData()
    Table(
        "unmatched_receipts",
        md,
        Column("id", String(36), primary_key=True),
        Column("court_code", String(16), nullable=False),
        Column("received_date", String(10), nullable=False),
        Column("amount", BigInteger, nullable=False),
        Column("payer", Text, nullable=False),
        Column("payer_account", Text, nullable=False),
        Column("receipt_number", Text, nullable=False),
        Column("source", String(32), nullable=False),
        Column("note", Text, nullable=False),
        Column("created_at", String(24), nullable=False),
        Column("claimed_case_id", String(200)),
        Column("claimed_by", Integer),
        Column("claimed_at", String(24)),
        Column("claimed_funds_id", String(200)),
        Index("unmatched_receipts_court_date", "court_code", "received_date"),
    )
    md.create_all(conn)


def _m5_field_list_free_digests(conn: Connection) -> None:
    """Record digests over the creating change and the changes since, not the full field list
    (records.digest_versions), so a field added by a later release no longer invalidates them.
    Recomputes every record's digest and the per-case and per-officer sums. The formula is
    written out here, as it was when the migration was made."""

    def digest(rtype: str, rid: str, origin: str, changed: dict[str, str]) -> str:
        versions = {"_origin": origin} | changed
        body = f"{rtype}:{rid}:" + ",".join(f"{k}={versions[k]}" for k in sorted(versions))
        return f"{int.from_bytes(hashlib.sha256(body.encode()).digest(), 'big'):064x}"

    rows = conn.execute(
        text("SELECT record_type, record_id, case_id, origin, versions FROM records")
    ).fetchall()
    sums: dict[str, list[int]] = {}
    updates = []
    for rtype, rid, case_id, origin, versions in rows:
        d = digest(rtype, rid, origin, json.loads(versions))
        updates.append({"t": rtype, "i": rid, "d": d})
        entry = sums.setdefault(case_id, [0, 0])
        entry[0] += 1
        entry[1] += int(d, 16)
    for start in range(0, len(updates), 5000):
        conn.execute(
            text("UPDATE records SET digest = :d WHERE record_type = :t AND record_id = :i"),
            updates[start : start + 5000],
        )
    zero = "0" * 64
    conn.execute(text(f"UPDATE case_scope SET record_count = 0, digest_sum = '{zero}'"))
    if sums:
        conn.execute(
            text("UPDATE case_scope SET record_count = :c, digest_sum = :d WHERE case_id = :k"),
            [{"k": k, "c": c, "d": f"{t % (1 << 256):064x}"} for k, (c, t) in sums.items()],
        )
    officers: dict[int, list[int]] = {}
    for officer, count, total in conn.execute(
        text(
            "SELECT officer_account_id, record_count, digest_sum FROM case_scope "
            "WHERE officer_account_id IS NOT NULL"
        )
    ):
        entry = officers.setdefault(officer, [0, 0])
        entry[0] += count
        entry[1] += int(total, 16)
    conn.execute(text("DELETE FROM officer_digests"))
    if officers:
        conn.execute(
            text("INSERT INTO officer_digests VALUES (:a, :c, :d)"),
            [{"a": a, "c": c, "d": f"{t % (1 << 256):064x}"} for a, (c, t) in officers.items()],
        )


def _m6_push_chain_links(conn: Connection) -> None:
    """The push chain values each device has sent (workstation/store/chain.py), so that a
    pushed change can be checked to follow one of them. Devices start from the chain's first
    value: nothing to compute for what was received before."""
    md = MetaData()
    Table(
        "push_chain_links",
        md,
        Column("device", String(200), primary_key=True),
        Column("chain", String(64), primary_key=True),
        Column("change_id", String(200), nullable=False),
        Column("account_id", Integer),
        Column("received_at", String(24), nullable=False),
    )
    md.create_all(conn)


# The case type codes of migration 7 (index into the case kinds, 1-based; 0 unknown), as they
# were when it was made: the character after 执 in the case number; a digit is 执 itself.
_M7_KIND_LETTERS = ("恢", "保", "异", "复", "监", "协", "他")
_M7_BATCH = 20_000


def _m7_kind_sql(dialect: str, column: str) -> str:
    find = "instr" if dialect == "sqlite" else "strpos"
    whens = " ".join(f"WHEN '{c}' THEN {n}" for n, c in enumerate(_M7_KIND_LETTERS, start=2))
    digits = " ".join(f"WHEN '{d}' THEN 1" for d in "0123456789")
    return f"CASE substr({column}, {find}({column}, '执') + 1, 1) {whens} {digits} ELSE 0 END"


def _m7_indicator_facts(conn: Connection) -> None:
    """The fields the indicators read, as real indexed columns (case_facts, fund_facts,
    document_facts), kept by ingest beside each record's JSON; filled here from the stored
    records in batches of record ids."""
    md = MetaData()
    Table(
        "case_facts",
        md,
        Column("id", String(200), primary_key=True),
        Column("court_code", String(16), nullable=False),
        Column("case_number", Text, nullable=False),
        Column("kind_code", Integer, nullable=False),
        Column("officer", Text, nullable=False),
        Column("filing_date", String(10)),
        Column("status", String(16)),
        Column("closing_date", String(10)),
        Column("closing_method", String(32)),
        Column("principal", BigInteger, nullable=False),
        Column("interest", BigInteger, nullable=False),
        Column("claim_is_monetary", Integer, nullable=False),
        Column("original_case_id", String(200)),
        Column("deleted", Integer, nullable=False),
        Index("case_facts_court_filing", "court_code", "filing_date"),
        Index("case_facts_closing", "closing_date"),
    )
    Table(
        "fund_facts",
        md,
        Column("id", String(200), primary_key=True),
        Column("case_id", String(200), nullable=False),
        Column("court_code", String(16), nullable=False),
        Column("kind", String(16)),
        Column("date", String(10)),
        Column("amount", BigInteger, nullable=False),
        Column("receipt_id", String(200)),
        Column("reason", Text),
        Column("end_date", String(10)),
        Column("deleted", Integer, nullable=False),
        Index("fund_facts_case", "case_id"),
        Index("fund_facts_kind_date", "kind", "date"),
    )
    Table(
        "document_facts",
        md,
        Column("id", String(200), primary_key=True),
        Column("case_id", String(200), nullable=False),
        Column("kind", String(32)),
        Column("deleted", Integer, nullable=False),
        Index("document_facts_case", "case_id"),
    )
    md.create_all(conn)
    dialect = conn.dialect.name

    def field(name: str, integer: bool = False, default: str | None = None) -> str:
        if dialect == "postgresql":
            value = f"CAST(j->>'{name}' AS bigint)" if integer else f"j->>'{name}'"
        else:
            value = f"json_extract(field_values, '$.{name}')"
        return f"COALESCE({value}, {default})" if default is not None else value

    number = field("case_number")
    columns = {
        "case_facts": (
            "case",
            {
                "case_number": field("case_number", default="''"),
                "kind_code": _m7_kind_sql(dialect, number),
                "officer": field("officer", default="''"),
                "filing_date": field("filing_date"),
                "status": field("status"),
                "closing_date": field("closing_date"),
                "closing_method": field("closing_method"),
                "principal": field("principal", True, "0"),
                "interest": field("interest", True, "0"),
                "claim_is_monetary": field("claim_is_monetary", True, "0"),
                "original_case_id": field("original_case_id"),
                "deleted": field("deleted", True, "0"),
            },
        ),
        "fund_facts": (
            "funds",
            {
                "case_id": "case_id",
                "kind": field("kind"),
                "date": field("date"),
                "amount": field("amount", True, "0"),
                "receipt_id": field("receipt_id"),
                "reason": field("reason"),
                "end_date": field("end_date"),
                "deleted": field("deleted", True, "0"),
            },
        ),
        "document_facts": (
            "document",
            {
                "case_id": "case_id",
                "kind": field("kind"),
                "deleted": field("deleted", True, "0"),
            },
        ),
    }
    for table, (record_type, values) in columns.items():
        names = ", ".join(["id", "court_code", *values])
        exprs = ", ".join(["record_id", "court_code", *values.values()])
        source = "records"
        if dialect == "postgresql":  # one jsonb cast per record
            source = (
                "(SELECT record_type, record_id, case_id, court_code, "
                "CAST(field_values AS jsonb) AS j FROM records WHERE record_type = :t "
                "AND record_id > :after AND record_id <= :last OFFSET 0) r"
            )
        if table == "document_facts":
            names = names.replace("court_code, ", "")
            exprs = exprs.replace("court_code, ", "")
        fill = text(
            f"INSERT INTO {table} ({names}) SELECT {exprs} FROM {source} "
            "WHERE record_type = :t AND record_id > :after AND record_id <= :last"
        )
        conn.execute(text(f"DELETE FROM {table}"))  # empty, unless a test re-runs migrations
        after = ""
        while True:
            ids = conn.execute(
                text(
                    "SELECT record_id FROM records WHERE record_type = :t AND record_id > :after "
                    "ORDER BY record_id LIMIT :n"
                ),
                {"t": record_type, "after": after, "n": _M7_BATCH},
            ).fetchall()
            if not ids:
                break
            last = ids[-1][0]
            conn.execute(fill, {"t": record_type, "after": after, "last": last})
            after = last


MIGRATIONS: list[Callable[[Connection], None]] = [
    _m1_initial,
    _m2_case_digests,
    _m3_officer_digests,
    _m4_unmatched_receipts,
    _m5_field_list_free_digests,
    _m6_push_chain_links,
    _m7_indicator_facts,
]

LATEST_VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    """The schema version of the database; 0 for an empty one."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(select(schema_version.c.version)).scalar() or 0


def refuse_newer(version: int) -> None:
    if version > LATEST_VERSION:
        raise NewerSchema(
            f"数据库由较新版本的中心服务器程序建立（数据库版本 {version}，本程序只支持到版本 "
            f"{LATEST_VERSION}）。为免损坏数据，未作任何改动。请升级中心服务器程序后再使用该数据库。",
            f"schema version {version} > {LATEST_VERSION}",
        )


def migrate(db: Database) -> list[int]:
    """Apply every migration the database lacks, each in its own transaction. Returns those
    applied. Raises NewerSchema for a database from a newer server."""
    applied = []
    while True:
        with db.write() as conn:
            if not inspect(conn).has_table("schema_version"):
                schema_version.create(conn)
                conn.execute(schema_version.insert().values(version=0))
            version = current_version(conn)
            refuse_newer(version)
            if version == LATEST_VERSION:
                return applied
            MIGRATIONS[version](conn)
            conn.execute(schema_version.update().values(version=version + 1))
        applied.append(version + 1)
