"""The tables as the code queries them (the schema as of the latest migration).

Migrations (migrations.py) write their own DDL, frozen as it was when each was made; this module
must describe what they produce together. Times are UTC ISO 8601 text with milliseconds and Z
(fixed width, so they compare as text alike in SQLite and PostgreSQL).
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# BIGINT in PostgreSQL; INTEGER in SQLite, where an INTEGER PRIMARY KEY is the rowid itself.
SEQ = BigInteger().with_variant(Integer(), "sqlite")

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

courts = Table(
    "courts",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", Text, nullable=False),
    Column("level", String(16), nullable=False),
    Column("parent", String(16)),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("court_code", String(16), nullable=False),
    Column("display_name", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", String(24), nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("account_id", Integer, nullable=False),
    Column("device", Text, nullable=False),
    Column("created_at", String(24), nullable=False),
    Column("expires_at", String(24), nullable=False),
    Column("revoked_at", String(24)),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("at", String(24), nullable=False),
)

case_scope = Table(
    "case_scope",
    metadata,
    Column("case_id", String(200), primary_key=True),
    Column("case_number", Text, nullable=False),
    Column("court_code", String(16), nullable=False),
    Column("officer_account_id", Integer),
    # the case's part of a summary: how many records it has and the sum of their digests (hex,
    # mod 2**256), kept by ingest, so a summary adds one row per case, not one per record
    Column("record_count", Integer, nullable=False, server_default="0"),
    Column("digest_sum", String(64), nullable=False, server_default="0" * 64),
)

# Each officer's summary (the sum of their cases' shares), kept by ingest and assign, so the
# check at the end of every sync reads one row.
officer_digests = Table(
    "officer_digests",
    metadata,
    Column("account_id", Integer, primary_key=True),
    Column("record_count", Integer, nullable=False),
    Column("digest_sum", String(64), nullable=False),
)

journal = Table(
    "journal",
    metadata,
    Column("server_seq", SEQ, primary_key=True, autoincrement=False),
    Column("change_id", String(200), nullable=False, unique=True),
    Column("record_type", String(32), nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("case_id", String(200), nullable=False),
    Column("court_code", String(16), nullable=False),
    Column("body", Text, nullable=False),  # the wire change, compact JSON
    Column("content_hash", String(64), nullable=False),
    Column("officer", Text, nullable=False),
    Column("account_id", Integer),  # None: made by the server (conflicts)
    Column("received_at", String(24), nullable=False),
)

# The push chain values (workstation/store/chain.py) received from each device, accepted or
# refused: a pushed change's chain_prev must be one of them, or GENESIS (central/ingest.py).
push_chain_links = Table(
    "push_chain_links",
    metadata,
    Column("device", String(200), primary_key=True),
    Column("chain", String(64), primary_key=True),
    Column("change_id", String(200), nullable=False),
    Column("account_id", Integer),
    Column("received_at", String(24), nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("record_type", String(32), primary_key=True),
    Column("record_id", String(200), primary_key=True),
    Column("case_id", String(200), nullable=False),
    Column("court_code", String(16), nullable=False),
    Column("field_values", Text, nullable=False),  # JSON object: every field of the record
    Column("origin", String(200), nullable=False),  # the change that created it
    Column("versions", Text, nullable=False),  # JSON {field: change id} changed since creation
    Column("blob_sha256", String(64)),  # attachments: the file they refer to
    # protocol.record_digest of the record's versions (hex), so a summary is a sum, not a hash
    # per record
    Column("digest", String(64), nullable=False),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("completed_at", String(24), nullable=False),
)

blob_uploaders = Table(
    "blob_uploaders",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("account_id", Integer, primary_key=True),
)

# Money that reached the court's case-funds account without an identifiable case (不明款), as the
# finance office records it; an officer claims it for one of their cases, naming the funds
# receipt their workstation recorded for it. Court-level data: in no case file, not journaled.
unmatched_receipts = Table(
    "unmatched_receipts",
    metadata,
    Column("id", String(36), primary_key=True),  # UUIDv7
    Column("court_code", String(16), nullable=False),
    Column("received_date", String(10), nullable=False),  # ISO date
    Column("amount", BigInteger, nullable=False),  # fen
    Column("payer", Text, nullable=False),
    Column("payer_account", Text, nullable=False),  # personal data
    Column("receipt_number", Text, nullable=False),
    Column("source", String(32), nullable=False),  # ReceiptSource code
    Column("note", Text, nullable=False),
    Column("created_at", String(24), nullable=False),
    Column("claimed_case_id", String(200)),
    Column("claimed_by", Integer),  # accounts.id
    Column("claimed_at", String(24)),
    Column("claimed_funds_id", String(200)),
)

# The fields the indicators read (workstation/indicators.py), as real indexed columns named as in
# the case file's own tables, kept by ingest beside each record's JSON (central/facts.py).
case_facts = Table(
    "case_facts",
    metadata,
    Column("id", String(200), primary_key=True),  # the case record's id
    Column("court_code", String(16), nullable=False),
    Column("case_number", Text, nullable=False),
    Column("kind_code", Integer, nullable=False),  # workstation.indicators.kind_code
    Column("officer", Text, nullable=False),  # 承办人 as the record says
    Column("filing_date", String(10)),
    Column("status", String(16)),
    Column("closing_date", String(10)),
    Column("closing_method", String(32)),
    Column("principal", BigInteger, nullable=False),  # fen
    Column("interest", BigInteger, nullable=False),  # fen
    Column("claim_is_monetary", Integer, nullable=False),
    Column("original_case_id", String(200)),
    Column("deleted", Integer, nullable=False),
)

fund_facts = Table(
    "fund_facts",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("case_id", String(200), nullable=False),
    Column("court_code", String(16), nullable=False),
    Column("kind", String(16)),  # receipt, payout, deferral, escrow
    Column("date", String(10)),
    Column("amount", BigInteger, nullable=False),  # fen
    Column("receipt_id", String(200)),
    Column("reason", Text),
    Column("end_date", String(10)),
    Column("deleted", Integer, nullable=False),
)

document_facts = Table(
    "document_facts",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("case_id", String(200), nullable=False),
    Column("kind", String(32)),
    Column("deleted", Integer, nullable=False),
)
