"""The schema: made by numbered migrations; a database from a newer server is refused."""

from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from central import admin, migrations
from central.app import create_app
from central.cli import main
from central.db import Database
from central.errors import NewerSchema
from central.tables import courts, schema_version
from workstation.domain.courts import load_courts


@pytest.fixture
def db(db_url: str):
    database = Database(db_url)
    yield database
    database.close()


def test_init_makes_the_latest_schema_and_loads_the_courts(db: Database):
    assert admin.init(db) == list(range(1, migrations.LATEST_VERSION + 1))
    with db.read() as conn:
        assert migrations.current_version(conn) == migrations.LATEST_VERSION
        count = conn.execute(select(func.count()).select_from(courts)).scalar_one()
        parent = conn.execute(select(courts.c.parent).where(courts.c.code == "豫0302")).scalar()
    assert count == len(load_courts().all())
    assert parent == "豫03"
    assert admin.init(db) == []  # again: nothing to do, nothing duplicated


def test_a_database_from_a_newer_server_is_refused_and_left_alone(
    db: Database, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    admin.init(db)
    newer = migrations.LATEST_VERSION + 1
    with db.write() as conn:
        conn.execute(update(schema_version).values(version=newer))
    with pytest.raises(NewerSchema, match="较新版本"):
        migrations.migrate(db)
    with pytest.raises(NewerSchema):
        create_app(db_url, tmp_path / "blobs")
    assert main(["init", "--db", db_url]) == 2
    assert "请升级中心服务器程序" in capsys.readouterr().err
    with db.read() as conn:
        assert conn.execute(select(schema_version.c.version)).scalar() == newer
