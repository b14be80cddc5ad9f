"""schemathesis against the server's own OpenAPI description (/openapi.json), every endpoint, as
a signed-in officer: no answer is a 500, and every status is one the description lists.

Short by default (a few examples per endpoint); WORKSTATION_LONG_TESTS=1 tries many more.
"""

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from central import admin, auth
from central.app import create_app
from central.db import Database

LONG = os.environ.get("WORKSTATION_LONG_TESTS") == "1"
PASSWORD = "correct-horse-1"


@pytest.fixture
def server(tmp_path: Path) -> tuple[object, str]:
    """The server app over a small SQLite database, and a signed-in officer's token."""
    db_url = f"sqlite:///{tmp_path / 'central.sqlite3'}"
    db = Database(db_url)
    try:
        admin.init(db)
        admin.add_account(db, "zhang", PASSWORD, role="officer", court="豫0302", name="张伟")
        admin.load_demo(db, cases=3, seed=1, court="豫0302", officer_username="zhang")
        with db.write(ordered=False) as conn:
            account = auth.check_sign_in(conn, "zhang", PASSWORD)
            token, _ = auth.issue_token(conn, account.id, "schemathesis", 1)
    finally:
        db.close()
    return create_app(db_url, tmp_path / "blobs"), token


def test_every_endpoint_answers_as_it_describes_itself(server: tuple[object, str]) -> None:
    app, token = server
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures = []
    for operation in operations:

        @settings(
            max_examples=100 if LONG else 8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def answers(case: schemathesis.Case) -> None:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"},
                checks=[not_a_server_error, status_code_conformance],
            )

        try:
            answers()
        except (Exception, BaseExceptionGroup) as exc:  # every endpoint tried, failures together
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
