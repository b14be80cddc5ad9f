"""Property-based fuzzing of the server's side of sync: the real server on a free local port.

Any body pushed and any query asked: never a 500; a refusal is a 4xx with a Chinese `reason`;
each change is accepted, a duplicate or rejected with a Chinese reason. After every request the
server's kept summaries still equal a full count, and what /changes hands out is something the
workstation can read. Short by default; WORKSTATION_LONG_TESTS=1 tries many more examples.
"""

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from central import admin, feed
from central.db import Database
from central.testing import run_server
from tests.sync.test_fuzz_payloads import JSON, wire_changes
from workstation.sync import protocol

LONG = os.environ.get("WORKSTATION_LONG_TESTS") == "1"
FUZZ = settings(
    max_examples=800 if LONG else 80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CJK = re.compile(r"[\u4e00-\u9fff]")
PASSWORD = "correct-horse-1"
COURT = "豫0302"


@dataclass
class Api:
    client: httpx.Client
    db: Database
    headers: dict[str, str]

    def assert_consistent(self) -> None:
        """The server's own summary check, and every change it hands out reads on a workstation."""
        with self.db.read() as conn:
            for username in ("zhang", "li"):
                actor = admin.officer_actor(self.db, username)
                assert feed.summary(conn, actor) == protocol.summary(
                    feed.scoped_versions(conn, actor)
                )
        page = self.client.get("/api/v1/changes", headers=self.headers).json()
        wires, _, _ = protocol.page_from_wire(page)
        for wire in wires:
            protocol.pulled_from_wire(wire)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    db_url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    db = Database(db_url)
    admin.init(db)
    admin.add_account(db, "zhang", PASSWORD, role="officer", court=COURT, name="张伟")
    admin.add_account(db, "li", PASSWORD, role="officer", court=COURT, name="李娜")
    admin.load_demo(db, cases=5, seed=1, court=COURT, officer_username="zhang")
    with run_server(db_url, tmp_path / "blobs") as url, httpx.Client(base_url=url) as client:
        reply = client.post(
            "/api/v1/session", json={"username": "zhang", "password": PASSWORD, "device": "d"}
        )
        assert reply.status_code == 200, reply.text
        yield Api(client, db, {"Authorization": f"Bearer {reply.json()['token']}"})
    db.close()


def refused_with_a_reason(reply: Any) -> None:
    assert 400 <= reply.status_code < 500, (reply.status_code, reply.text)
    assert CJK.search(reply.json()["reason"]), reply.text


def _changes_of(api: Api, n: int) -> list[dict[str, Any]]:
    """Changes the server holds, as the workstation would push them again (duplicates)."""
    page = api.client.get("/api/v1/changes", params={"limit": n}, headers=api.headers).json()
    return [{k: v for k, v in w.items() if k != "server_seq"} for w in page["changes"]]


BODIES = st.one_of(
    JSON.map(lambda v: json.dumps(v, allow_nan=True).encode()),
    st.binary(max_size=40),
    st.lists(wire_changes(pulled=False), max_size=5).map(
        lambda changes: json.dumps({"changes": changes}).encode()
    ),
)


@FUZZ
@given(body=BODIES, resend=st.integers(0, 3))
@example(body=b'{"changes": [{"change_id": "x"}]}', resend=0)
@example(body=b'{"changes": "x"}', resend=0)
@example(body=b"[NaN]", resend=0)
def test_any_push_is_answered_change_by_change_or_refused_with_a_reason_never_a_500(
    api: Api, body: bytes, resend: int
) -> None:
    if resend:  # known changes, some altered: duplicates and refusals
        again = _changes_of(api, resend)
        if again and body[:1] == b"{":
            again[0]["fields"] = {"notes": body.decode("utf-8", "replace")[:50]}
        body = json.dumps({"changes": again}).encode() if again else body
    reply = api.client.post(
        "/api/v1/push",
        content=body,
        headers=api.headers | {"Content-Type": "application/json"},
    )
    if reply.status_code == 200:
        for result in reply.json()["results"]:
            assert result["status"] in (protocol.ACCEPTED, protocol.DUPLICATE, protocol.REJECTED)
            if result["status"] == protocol.REJECTED:
                assert CJK.search(result["reason"]), result
            else:
                assert type(result["server_seq"]) is int
    else:
        refused_with_a_reason(reply)
    api.assert_consistent()


QUERY_VALUES = st.text(max_size=12) | st.integers(-(2**70), 2**70).map(str)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["since", "limit", "x"]), QUERY_VALUES))
def test_any_pull_query_is_a_page_or_refused_with_a_reason_never_a_500(
    api: Api, params: dict[str, str]
) -> None:
    reply = api.client.get("/api/v1/changes", params=params, headers=api.headers)
    if reply.status_code == 200:
        wires, after, _ = protocol.page_from_wire(reply.json())
        for wire in wires:
            assert protocol.pulled_from_wire(wire).server_seq <= after
    else:
        refused_with_a_reason(reply)
