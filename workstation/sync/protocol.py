"""The sync protocol: what goes over the wire between a workstation and the central server.

Shared by the client (workstation/sync/client.py) and the server (central/): one definition of
the messages, the idempotency check, the summary both sides compare, and the field checks.

    POST /api/v1/session      {"username", "password", "device"} -> {"token", "expires_at", ...}
    DELETE /api/v1/session    revoke the token presented
    GET  /api/v1/status       -> {"server_time", "latest_seq", "account": {...}}
    POST /api/v1/push         {"changes": [change, ...]} (at most PUSH_BATCH)
                              -> {"results": [{"change_id", "status", "server_seq", "reason"}]}
    GET  /api/v1/changes?since=S&limit=N
                              -> {"changes": [change + "server_seq", ...], "next": S2, "more": bool}
    GET  /api/v1/summary      -> {"count", "digest"} over the records in the caller's scope
    HEAD /api/v1/blobs/{sha256}            200 if the server has it whole, else 404
    GET  /api/v1/blobs/{sha256}/offset     -> {"offset": bytes received so far}
    PUT  /api/v1/blobs/{sha256}?offset=K&size=TOTAL   the bytes from K on (resumable); the whole
                              is verified by its hash (a wrong file: 422, discarded)
    GET  /api/v1/blobs/{sha256}            the bytes

Errors are {"reason": Chinese, "detail": precise}; a 409 on a blob upload carries "offset".

A change on the wire is the journal's Change: change_id, record_type, record_id, fields, base,
officer, device, at. The change id is the idempotency key: the same change pushed twice is
accepted once ("duplicate" the second time, same server_seq); different content under a known
id is "rejected". Push statuses: "accepted", "duplicate", "rejected". A change whose base
versions differ from the server's is still accepted (the server's order decides the state) and
the server records a conflict record, which syncs like any record, for a person to resolve.

A pushed change may also carry "chain_prev" and "chain": the workstation's push chain value
before and after it (store/chain.py: sha256 of the value before and the content hash), fixed
when the change was recorded. They are not part of the content hash: the idempotency of a change
is its content, and a retried push carries the same values anyway. The server refuses a change
whose "chain" does not follow from "chain_prev" and its content (altered after it was recorded),
or whose "chain_prev" is neither GENESIS nor a value it has already received from that device (a
change missing in between); see central/ingest.py. A change without them (an older workstation)
is not checked.
"""

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..store import chain
from ..store.errors import ChangeRefused
from ..store.journal import Change
from ..store.records import MAX_INT, check_values, record_digest, record_type, storable

API = "/api/v1"
PUSH_BATCH = 500
PULL_PAGE = 5000
CLOCK_TOLERANCE_SECONDS = 300  # a device clock further off than this is reported
ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"
_WIRE_KEYS = ("change_id", "record_type", "record_id", "fields", "base", "officer", "device", "at")


class ProtocolError(ValueError):
    """A message that does not follow the protocol; `reason` is Chinese, for people."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail or reason


@dataclass(frozen=True)
class PushResult:
    change_id: str
    status: str
    server_seq: int | None = None
    reason: str = ""


def change_to_wire(ch: Change) -> dict[str, Any]:
    return {
        "change_id": ch.change_id,
        "record_type": ch.record_type,
        "record_id": ch.record_id,
        "fields": ch.fields,
        # only the versions there were: absent means the field had none (a new record)
        "base": {k: v for k, v in ch.base.items() if v is not None},
        "officer": ch.officer,
        "device": ch.device,
        "at": ch.at,
    }


def push_wire(ch: Change, link: tuple[str, str] | None) -> dict[str, Any]:
    """A change as pushed: its wire form and, when it has them, its push chain values."""
    wire = change_to_wire(ch)
    if link is not None:
        wire["chain_prev"], wire["chain"] = link
    return wire


def chain_link(data: Any) -> tuple[str, str] | None:
    """(chain_prev, chain) of a pushed change, None if it carries neither; ProtocolError if
    they are malformed."""
    if not isinstance(data, dict) or ("chain" not in data and "chain_prev" not in data):
        return None
    prev, value = data.get("chain_prev"), data.get("chain")
    if not chain.is_chain_value(prev) or not chain.is_chain_value(value):
        raise ProtocolError("变更记录的校验链格式错误。", "chain and chain_prev: 64 hex digits")
    return prev, value


def change_from_wire(
    data: Any, *, origin: str = "server", strings_storable: bool = False
) -> Change:
    """A Change from a wire message, its shape and field values checked (ProtocolError if not).
    `strings_storable`: every string in it is known to be storable (`page_from_body`)."""
    if not isinstance(data, dict):
        raise ProtocolError("变更记录格式错误。", f"change is {type(data).__name__}")
    for key in _WIRE_KEYS:
        if key not in data:
            raise ProtocolError("变更记录缺少必要的内容。", f"change lacks {key!r}")
    for key in ("change_id", "record_type", "record_id", "officer", "device", "at"):
        value = data[key]
        if type(value) is not str or len(value) > 200 or not (strings_storable or storable(value)):
            raise ProtocolError("变更记录格式错误。", f"{key} must be a short string")
    if not data["change_id"] or not data["record_id"]:
        raise ProtocolError("变更记录缺少编号。", "empty change_id or record_id")
    fields, base = data["fields"], data["base"]
    if not isinstance(fields, dict) or not isinstance(base, dict):
        raise ProtocolError("变更记录格式错误。", "fields and base must be objects")
    try:
        rt = record_type(data["record_type"])
        checked = check_values(rt, fields, strings_storable=strings_storable)
    except ChangeRefused as exc:
        raise ProtocolError(exc.message, exc.detail) from exc
    for k, v in base.items():
        if k not in fields or not isinstance(v, str) or not storable(v):
            raise ProtocolError("变更记录的版本信息错误。", f"bad base entry {k!r}")
    server_seq = data.get("server_seq")
    if server_seq is not None and (type(server_seq) is not int or not 1 <= server_seq <= MAX_INT):
        raise ProtocolError("变更记录的序号错误。", f"bad server_seq {server_seq!r}")
    return Change(
        data["change_id"],
        rt.name,
        data["record_id"],
        checked,
        {k: base.get(k) for k in checked} if base else dict.fromkeys(checked),
        data["officer"],
        data["device"],
        data["at"],
        origin=origin,
        server_seq=server_seq,
    )


def page_from_body(body: bytes) -> tuple[list[Any], int, bool, bool]:
    """A pulled page's reply body as page_from_wire reads it, and whether every string in it is
    known to be `storable`: then its changes' values need not be encoded one by one to see (a
    first sync checks a million). Only an escaped NUL or surrogate can make a string that is not:
    JSON strings cannot hold a raw NUL (json.loads refuses one), and the body is decoded
    strictly from UTF-8, so it holds no surrogate. Pass the flag to pulled_from_wire."""
    try:
        text = body.decode()
    except UnicodeDecodeError as exc:
        raise ProtocolError("服务器返回的变更页不是有效的 UTF-8 文本。", str(exc)) from exc
    storable_strings = _UNSTORABLE_ESCAPE.search(text) is None
    return (*page_from_wire(json.loads(text)), storable_strings)


# An escaped NUL or surrogate (or a false alarm: an escaped backslash before "u0000")
_UNSTORABLE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def push_results_from_wire(data: Any) -> dict[str, PushResult]:
    """The server's answers to a push, by change id; ProtocolError if they are not answers."""
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise ProtocolError("服务器对上传的答复格式错误。", "push reply: no results list")
    out: dict[str, PushResult] = {}
    for r in results:
        if not isinstance(r, dict) or r.get("status") not in (ACCEPTED, DUPLICATE, REJECTED):
            raise ProtocolError("服务器对上传的答复格式错误。", f"push result {r!r:.200}")
        change_id, seq, reason = r.get("change_id"), r.get("server_seq"), r.get("reason") or ""
        taken = r["status"] != REJECTED
        if (
            not isinstance(change_id, str)
            or not isinstance(reason, str)
            or (taken and (type(seq) is not int or not 1 <= seq <= MAX_INT))
        ):
            raise ProtocolError("服务器对上传的答复格式错误。", f"push result {r!r:.200}")
        out[change_id] = PushResult(change_id, r["status"], seq if taken else None, reason)
    return out


def page_from_wire(data: Any) -> tuple[list[Any], int, bool]:
    """A pulled page's (changes as sent, cursor after it, whether more follow); ProtocolError if
    it is not one. Its changes are read with pulled_from_wire."""
    if not isinstance(data, dict) or not isinstance(data.get("changes"), list):
        raise ProtocolError("服务器返回的变更页格式错误。", f"page: {type(data).__name__}")
    after, more = data.get("next"), data.get("more")
    if type(after) is not int or not 0 <= after <= MAX_INT or type(more) is not bool:
        raise ProtocolError("服务器返回的变更页格式错误。", f"page: next {after!r}, more {more!r}")
    return data["changes"], after, more


def pulled_from_wire(data: Any, *, strings_storable: bool = False) -> Change:
    """A change of a pulled page: change_from_wire, and it must carry the server's sequence."""
    change = change_from_wire(data, strings_storable=strings_storable)
    if change.server_seq is None:
        raise ProtocolError("服务器返回的变更记录缺少序号。", f"{change.change_id}: no server_seq")
    return change


def content_hash(wire: dict[str, Any]) -> str:
    """What makes two pushes of one change id the same change (the idempotency comparison)."""
    body = {k: wire[k] for k in _WIRE_KEYS}
    body["base"] = {k: v for k, v in body["base"].items() if v is not None}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def summary(records: Iterable[tuple[str, str, dict[str, str]]]) -> dict[str, Any]:
    """Count and order-free digest (sum of record digests mod 2**256) of (type, id, versions)."""
    count, total = 0, 0
    for rtype, rid, versions in records:
        count += 1
        total = (total + record_digest(rtype, rid, versions)) % (1 << 256)
    return {"count": count, "digest": f"{total:064x}"}
