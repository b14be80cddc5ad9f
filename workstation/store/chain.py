"""The journal's hash chains: what makes a quiet edit of the change journal visible.

Two chains, both sha256 over the previous value (64 hex characters) followed by the new entry:

- `chain` (every journal row, in `seq` order): over the row's immutable columns as stored:
  change_id, record_type, record_id, fields, base, officer, device, at, origin, skipped,
  push_chain, and server_seq for a pulled change (origin "server": it arrives with it). Not
  covered, because sync sets them after the row is written: sync_status, sync_note and the
  server_seq a local change gets when the server accepts it. Local, pulled and demo changes are
  all chained, in the order they were written. `workstation verify` recomputes it.
- `push_chain` (local changes only: what sync pushes): over protocol.content_hash of the change,
  the value the server recomputes from what it receives. A push carries, per change, this value
  and the one before it, so the central server can check that nothing was altered after it was
  recorded and that no change is missing in between (central/ingest.py). Pulled changes are
  never pushed, so they are not in it.

Both start from GENESIS. Anyone who can write the file can also recompute a chain: the chain
makes an accidental or naive edit (a row changed or deleted with an SQLite tool) evident, and
the server's copy of what was pushed is the record that cannot be rewritten from the laptop.
"""

import hashlib
import json
from collections.abc import Iterable
from typing import Any

GENESIS = hashlib.sha256(b"zxgw journal chain v1").hexdigest()

_encode_row = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_encode_wire = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def link(previous: str, entry: bytes) -> str:
    """The chain value after `entry`, given the one before it."""
    return hashlib.sha256(previous.encode("ascii") + entry).hexdigest()


def row_entry(
    change_id: str,
    record_type: str,
    record_id: str,
    fields: str,
    base: str,
    officer: str,
    device: str,
    at: str,
    origin: str,
    server_seq: int | None,
    skipped: str,
    push_chain: str | None,
) -> bytes:
    """The bytes `chain` covers for one journal row: its immutable columns as stored."""
    return _encode_row(
        [
            change_id,
            record_type,
            record_id,
            fields,
            base,
            officer,
            device,
            at,
            origin,
            server_seq if origin == "server" else None,
            skipped,
            push_chain,
        ]
    ).encode()


def wire_content_hash(
    change_id: str,
    record_type: str,
    record_id: str,
    fields: dict[str, Any],
    base: dict[str, Any],
    officer: str,
    device: str,
    at: str,
) -> str:
    """protocol.content_hash of a change, from its parts (a test checks they agree)."""
    body = {
        "at": at,
        "base": {k: v for k, v in base.items() if v is not None},
        "change_id": change_id,
        "device": device,
        "fields": fields,
        "officer": officer,
        "record_id": record_id,
        "record_type": record_type,
    }
    return hashlib.sha256(_encode_wire(body).encode()).hexdigest()


def push_link(previous: str, content_hash: str) -> str:
    """The push chain value after a change whose protocol.content_hash is `content_hash`."""
    return link(previous, content_hash.encode("ascii"))


def is_chain_value(value: Any) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def chained(previous: str, entries: Iterable[bytes]) -> list[str]:
    """The chain values after each of `entries`, in order."""
    out = []
    for entry in entries:
        previous = link(previous, entry)
        out.append(previous)
    return out
