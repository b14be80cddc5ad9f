"""Helpers for the central server's tests: accounts, clients, changes to push."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from central import testing
from central.db import Database
from workstation.demo import DemoGenerator
from workstation.ids import uuid7
from workstation.store.journal import utc_now
from workstation.store.records import digest_versions
from workstation.sync.protocol import API, change_to_wire, summary

PASSWORD = "correct horse 42"
_SSL = httpx.create_ssl_context()  # made once: each new one costs ~35 ms (plain http needs none)


@dataclass
class Central:
    """A running server and its database, with helpers to make accounts and sign in."""

    base_url: str
    db_url: str
    blob_dir: Path
    clients: list[httpx.Client] = field(default_factory=list)
    _db: Database | None = None

    def add_account(
        self, username: str, role: str = "officer", court: str = "豫0302", name: str = ""
    ) -> None:
        testing.add_account(
            self.db_url, username, PASSWORD, role=role, court=court, name=name or username
        )

    def client(self, token: str | None = None) -> httpx.Client:
        c = httpx.Client(base_url=self.base_url + API, timeout=60, verify=_SSL)
        if token:
            c.headers["Authorization"] = f"Bearer {token}"
        self.clients.append(c)
        return c

    def sign_in(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return self.client().post(
            "/session", json={"username": username, "password": password, "device": "test"}
        )

    def user(
        self, username: str, role: str = "officer", court: str = "豫0302", name: str = ""
    ) -> httpx.Client:
        """A new account, signed in: a client sending its token."""
        self.add_account(username, role, court, name)
        reply = self.sign_in(username)
        assert reply.status_code == 200, reply.text
        return self.client(reply.json()["token"])

    def database(self) -> Database:
        if self._db is None:
            self._db = Database(self.db_url)
        return self._db

    def close(self) -> None:
        for client in self.clients:
            client.close()
        if self._db is not None:
            self._db.close()


# -- making changes -------------------------------------------------------------------------------
def demo_wires(cases: int, *, seed: int = 1, court: str = "豫0302", officer: str = "张伟"):
    """Wire changes creating `cases` demo cases of `court` and their parties."""
    gen = DemoGenerator(seed, courts=[court])
    return [change_to_wire(ch) for ch in gen.changes(cases, "test-device", officer)]


def edit(
    record_type: str, record_id: str, fields: dict[str, Any], base: dict[str, str], officer="张伟"
) -> dict[str, Any]:
    """A wire change editing a record, having seen the versions in `base`."""
    return {
        "change_id": uuid7(),
        "record_type": record_type,
        "record_id": record_id,
        "fields": fields,
        "base": base,
        "officer": officer,
        "device": "test-device",
        "at": utc_now(),
    }


def push(client: httpx.Client, wires: list[dict[str, Any]]) -> list[dict[str, Any]]:
    body = json.dumps({"changes": wires}).encode()  # ASCII escapes: lone surrogates can be sent
    reply = client.post("/push", content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == 200, reply.text
    return reply.json()["results"]


def pull_all(client: httpx.Client, since: int = 0, limit: int = 2000) -> list[dict[str, Any]]:
    out = []
    while True:
        reply = client.get("/changes", params={"since": since, "limit": limit})
        assert reply.status_code == 200, reply.text
        page = reply.json()
        out.extend(page["changes"])
        since = page["next"]
        if not page["more"]:
            return out


def expected_summary(changes: list[dict[str, Any]]) -> dict[str, Any]:
    """protocol.summary of the records that applying `changes` in order makes: a record's
    first change creates it, later ones set the fields they carry (records.record_versions)."""
    origin: dict[tuple[str, str], str] = {}
    changed: dict[tuple[str, str], dict[str, str]] = {}
    for ch in changes:
        key = (ch["record_type"], ch["record_id"])
        if key not in origin:
            origin[key] = ch["change_id"]
            changed[key] = {}
        else:
            changed[key].update(dict.fromkeys(ch["fields"], ch["change_id"]))
    return summary((t, i, digest_versions(origin[(t, i)], changed[(t, i)])) for t, i in origin)
