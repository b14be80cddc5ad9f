"""Sync tests: the real central server on a free local port, real case files, an in-memory keyring
(a headless box has none; the program itself never uses a plain-text keyring)."""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from central import admin
from central.db import Database
from central.testing import run_server
from workstation.store.casefile import CaseFile
from workstation.sync.client import HttpTransport, RetryPolicy, SyncClient, SyncReport

COURT = "豫0302"
PASSWORD = "correct-horse-1"
FAST_RETRY = RetryPolicy(attempts=15, base_delay=0.002, max_delay=0.05)


class MemoryKeyring(KeyringBackend):
    """Sync tokens in memory; case file keys ("casefile:...") in the test run's keyring
    (`fallback`), which the program processes a test starts share."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, fallback: KeyringBackend | None = None) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.fallback = fallback

    def _forward(self, username: str) -> bool:
        return self.fallback is not None and username.startswith("casefile:")

    def get_password(self, service: str, username: str) -> str | None:
        if self._forward(username):
            return self.fallback.get_password(service, username)
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self._forward(username):
            return self.fallback.set_password(service, username, password)
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._forward(username):
            return self.fallback.delete_password(service, username)
        self.items.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring(previous)
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@dataclass
class Server:
    url: str
    db: Database
    db_url: str


CASE_TEMPLATE = {
    "filing_date": "2024-03-01",
    "cause": "民间借贷纠纷",
    "principal": 40_000_000,
    "status": "open",
}


def make_case(db: Database, n: int, officer: str = "zhang") -> str:
    return admin.add_case(
        db,
        {
            **CASE_TEMPLATE,
            "case_number": f"（2024）{COURT}执{n}号",
            "parties": [
                {
                    "role": "applicant",
                    "kind": "person",
                    "name": f"申请人{n}",
                    "phone": "13800000000",
                },
                {"role": "debtor", "kind": "person", "name": f"王五{n}", "address": "洛阳市老城区"},
            ],
        },
        officer,
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    db_url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    db = Database(db_url)
    admin.init(db)
    admin.add_account(db, "zhang", PASSWORD, role="officer", court=COURT, name="张伟")
    admin.add_account(db, "li", PASSWORD, role="officer", court=COURT, name="李娜")
    for n in range(1, 6):
        make_case(db, n)
    make_case(db, 99, officer="li")
    with run_server(db_url, tmp_path / "blobs") as url:
        yield Server(url, db, db_url)
    db.close()


def laptop(tmp_path: Path, name: str, server: Server, user: str = "zhang") -> CaseFile:
    path = tmp_path / name / "casefile.sqlite3"
    cf = CaseFile.open(path, create=True, officer="张伟")
    cf.set_meta("server_url", server.url)
    cf.set_meta("server_username", user)
    return cf


def sync(
    cf: CaseFile,
    server: Server,
    transport=None,
    user: str | None = None,
    password: str = PASSWORD,
    **kw,
) -> SyncReport:
    own = transport is None
    transport = transport or HttpTransport(server.url)
    try:
        return SyncClient(
            cf,
            transport,
            server_url=server.url,
            username=user or cf.meta("server_username"),
            password=lambda: password,
            retry=kw.pop("retry", FAST_RETRY),
            **kw,
        ).run()
    finally:
        if own:
            transport.close()


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst)
