"""Property-based fuzzing of the workstation's side of sync: whatever a server (or something
pretending to be one) sends, the client either applies it or stops with a Chinese SyncError, and
the case file is as before; the pull cursor moves only with a page applied.

The server's side (push, changes and every other endpoint) is fuzzed in tests/central.
Short by default; WORKSTATION_LONG_TESTS=1 tries many more examples.
"""

import json
import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import fingerprint
from workstation.store.casefile import CaseFile, Edit
from workstation.store.errors import ChangeRefused
from workstation.store.records import RECORD_TYPES
from workstation.sync import protocol
from workstation.sync.apply import apply_pulled
from workstation.sync.client import Reply, SyncClient, SyncError, SyncReport

LONG = os.environ.get("WORKSTATION_LONG_TESTS") == "1"
FUZZ = settings(
    max_examples=1000 if LONG else 100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CJK = re.compile(r"[\u4e00-\u9fff]")
CASE_ID = "0190f1c2-0000-7000-8000-000000000001"

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**62, max_value=2**80)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["", "\x00", "\ud800", "2024-03-01", "2024-02-30", "open", CASE_ID])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def field_values(record_type: str) -> st.SearchStrategy[Any]:
    """Values a field of `record_type` might be sent: its own enum values, and anything."""
    allowed = [v for f in RECORD_TYPES[record_type].fields for v in (f.allowed() or [])]
    return st.sampled_from(allowed) | SCALARS if allowed else SCALARS


@st.composite
def wire_changes(draw: st.DrawFn, *, pulled: bool = True) -> Any:
    """A change on the wire: mostly well formed, with any field values, any keys dropped or
    replaced by anything."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON)
    record_type = draw(st.sampled_from(sorted(RECORD_TYPES)) | st.text(max_size=6))
    names = (
        [f.name for f in RECORD_TYPES[record_type].fields] if record_type in RECORD_TYPES else []
    )
    fields = draw(
        st.dictionaries(
            st.sampled_from(names) | st.text(max_size=6) if names else st.text(max_size=6),
            field_values(record_type) if names else SCALARS,
            max_size=6,
        )
    )
    if names and draw(st.booleans()):
        fields["case_id"] = CASE_ID
    wire: dict[str, Any] = {
        "change_id": draw(st.uuids().map(str) | st.text(max_size=8)),
        "record_type": record_type,
        "record_id": draw(st.uuids().map(str) | st.just(CASE_ID) | st.text(max_size=8)),
        "fields": fields,
        "base": draw(st.dictionaries(st.sampled_from([*fields, "x"]), st.text(max_size=8) | JSON)),
        "officer": draw(st.text(max_size=6)),
        "device": draw(st.text(max_size=6)),
        "at": draw(st.sampled_from(["2026-11-26T08:00:00Z", ""]) | st.text(max_size=6)),
    }
    if pulled:
        wire["server_seq"] = draw(st.integers(1, 10**6) | SCALARS)
    for key in draw(st.lists(st.sampled_from(sorted(wire)), max_size=2, unique=True)):
        if draw(st.booleans()):
            del wire[key]
        else:
            wire[key] = draw(JSON)
    return wire


def refused_in_chinese(message: str) -> None:
    assert isinstance(message, str) and CJK.search(message), repr(message)


@pytest.fixture
def with_case(case_file: CaseFile) -> CaseFile:
    case_file.save(
        [
            Edit(
                "case",
                {"case_number": "（2024）豫0302执1号", "filing_date": "2024-03-01"},
                record_id=CASE_ID,
            )
        ]
    )
    return case_file


def _update(**fields: Any) -> dict[str, Any]:
    return {
        "change_id": "0190f1c2-0000-7000-8000-0000000000ff",
        "record_type": "case",
        "record_id": CASE_ID,
        "fields": fields,
        "base": {},
        "officer": "张伟",
        "device": "d",
        "at": "2026-11-26T08:00:00Z",
        "server_seq": 7,
    }


@FUZZ
@given(wire=wire_changes())
@example(wire=_update(principal=2**70))  # found: OverflowError writing it to SQLite
@example(wire=_update(notes="\ud800"))  # found: UnicodeEncodeError (a lone surrogate)
@example(wire=_update(notes="\x00"))  # PostgreSQL's text refuses NUL: the server does too
@example(wire={**_update(notes="x"), "server_seq": 2**63})  # found: OverflowError
def test_a_pulled_change_is_read_or_refused_in_chinese_and_applied_or_refused_cleanly(
    with_case: CaseFile, wire: Any
) -> None:
    try:
        change = protocol.change_from_wire(wire)
    except protocol.ProtocolError as exc:
        refused_in_chinese(exc.reason)
        return
    if change.server_seq is None:
        return  # a pushed change's shape: the page check below refuses it in a pull
    before = fingerprint(with_case)
    try:
        with with_case.transaction() as conn:
            apply_pulled(conn, [change])
            raise _Undo
    except _Undo:
        pass
    except ChangeRefused as exc:
        refused_in_chinese(exc.message)
    assert fingerprint(with_case) == before


class _Undo(Exception):
    """Rolls a trial back."""


class ScriptedServer:
    """A transport whose /changes answers with the given page, then with an empty last page."""

    def __init__(self, page: Any) -> None:
        self.pages = [page]

    def request(self, method, path, *, json_body=None, content=None, params=None, headers=None):
        if path.endswith("/changes"):
            body = self.pages.pop(0) if self.pages else {"changes": [], "next": 0, "more": False}
            return Reply(200, json.dumps(body).encode())
        return Reply(404, b'{"reason": "\\u6ca1\\u6709"}')


PAGES = JSON | st.fixed_dictionaries(
    {
        "changes": st.lists(wire_changes(), max_size=4) | JSON,
        "next": st.integers(0, 10**6) | SCALARS,
        "more": st.booleans() | SCALARS,
    }
)


@FUZZ
@given(page=PAGES)
@example(page={"changes": [_update(notes="x")], "next": 1})  # found: KeyError 'more'
@example(page={"changes": [_update(principal=-1)], "next": 1, "more": False})
@example(page={"changes": [{**_update(notes="x"), "server_seq": None}], "next": 1, "more": False})
def test_a_pulled_page_is_applied_or_the_sync_stops_in_chinese_with_the_file_as_before(
    with_case: CaseFile, page: Any
) -> None:
    client = SyncClient(with_case, ScriptedServer(page), server_url="http://x", username="zhang")
    client.token = "token"
    before = fingerprint(with_case)
    cursor = with_case.meta("pull_cursor", "0")
    try:
        client.pull(SyncReport())
    except SyncError as exc:
        refused_in_chinese(exc.message)
        assert fingerprint(with_case) == before
        assert with_case.meta("pull_cursor", "0") == cursor


PUSH_REPLIES = JSON | st.fixed_dictionaries(
    {
        "results": st.lists(
            st.fixed_dictionaries(
                {
                    "change_id": st.text(max_size=4) | SCALARS,
                    "status": st.sampled_from(["accepted", "duplicate", "rejected"]) | SCALARS,
                    "server_seq": st.integers(1, 100) | SCALARS,
                    "reason": st.text(max_size=4) | SCALARS,
                }
            ),
            max_size=3,
        )
        | JSON
    }
)


class PushAnswers:
    """A transport answering every push with the given reply."""

    def __init__(self, reply: Any) -> None:
        self.reply = reply

    def request(self, method, path, *, json_body=None, content=None, params=None, headers=None):
        if path.endswith("/push"):
            reply = self.reply
            if isinstance(reply, dict) and isinstance(reply.get("results"), list):
                ids = [c["change_id"] for c in json_body["changes"]]
                for r, change_id in zip(reply["results"], ids, strict=False):
                    if isinstance(r, dict) and r.get("change_id") == "":
                        r["change_id"] = change_id  # some answers name a change really sent
            return Reply(200, json.dumps(reply).encode())
        return Reply(404, b"{}")


@FUZZ
@given(reply=PUSH_REPLIES)
@example(reply={"results": [{"change_id": "", "status": "accepted"}]})  # found: KeyError
@example(reply={"results": [{"change_id": "", "status": "accepted", "server_seq": 2**70}]})
def test_a_push_answer_is_taken_or_the_sync_stops_in_chinese_with_the_file_as_before(
    with_case: CaseFile, reply: Any
) -> None:
    client = SyncClient(with_case, PushAnswers(reply), server_url="http://x", username="zhang")
    client.token = "token"
    before = fingerprint(with_case)
    try:
        client.push(SyncReport())
    except SyncError as exc:
        refused_in_chinese(exc.message)
        assert fingerprint(with_case) == before
    for seq, status in with_case.conn.execute("SELECT server_seq, sync_status FROM journal"):
        assert seq is None or (type(seq) is int and seq >= 1)
        assert status in (None, "rejected")
