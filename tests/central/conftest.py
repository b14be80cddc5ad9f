"""Fixtures for the central server: a real server on a free port over SQLite and PostgreSQL.

PostgreSQL: the URL in WORKSTATION_TEST_PG_URL (CI starts a cluster with
scripts/pg-test-cluster.sh), else a private cluster started for the session. Each test gets its own
schema in that database. Never skipped: if PostgreSQL cannot be started, the tests error.
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from central import auth, testing
from central.db import normalise_url

from .helpers import Central


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheaper scrypt for the accounts tests make (the parameters are stored with each hash, so
    checking works alike); test_auth checks the real parameters."""
    monkeypatch.setattr(auth, "SCRYPT_N", 2**10)


@pytest.fixture(scope="session")
def pg_base_url() -> Iterator[str]:
    url = os.environ.get(testing.PG_URL_ENV)
    if url:
        yield normalise_url(url)
        return
    with testing.private_postgres() as url:
        yield url


def _schema_url(base: str, schema: str) -> str:
    u = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return u.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.sqlite3'}"
        return
    base = request.getfixturevalue("pg_base_url")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        yield _schema_url(base, schema)
        with engine.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture
def central(db_url: str, tmp_path: Path) -> Iterator[Central]:
    blob_dir = tmp_path / "blobs"
    with testing.run_server(db_url, blob_dir) as base_url:
        c = Central(base_url, db_url, blob_dir)
        try:
            yield c
        finally:
            c.close()
