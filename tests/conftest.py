"""Fixtures shared by every test folder: real case files in temporary directories, never mocks."""

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import keyring
import pytest

from tests.keyring_backend import FileKeyring
from workstation.demo import fill_demo
from workstation.store.casefile import CaseFile
from workstation.store.keys import sidecar_path

DEMO_CASES = 300
DEMO_SEED = 7
OFFICER = "张伟"
TEST_PASSPHRASE = "test-passphrase-1"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def test_keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FileKeyring]:
    """Case files are encrypted: their keys go into a keyring kept for the test run, which the
    program processes that tests start share (through the environment). Where a test takes the
    keyring away, WORKSTATION_PASSPHRASE supplies a passphrase instead."""
    env = {
        "WORKSTATION_TEST_KEYRING": str(tmp_path_factory.mktemp("keyring") / "keyring.json"),
        "PYTHON_KEYRING_BACKEND": "tests.keyring_backend.FileKeyring",
        "WORKSTATION_PASSPHRASE": TEST_PASSPHRASE,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    previous = keyring.get_keyring()
    ring = FileKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def case_file(tmp_path: Path) -> Iterator[CaseFile]:
    """A fresh, empty case file, open for writing."""
    cf = CaseFile.open(tmp_path / "casefile.sqlite3", create=True, officer=OFFICER)
    yield cf
    cf.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed case file with DEMO_CASES demo cases (seed DEMO_SEED), made once per session.

    Do not open it for writing: copy it (the `demo_file` fixture does).
    """
    path = tmp_path_factory.mktemp("demo-template") / "casefile.sqlite3"
    with CaseFile.open(path, create=True, officer=OFFICER) as cf:
        fill_demo(cf, DEMO_CASES, seed=DEMO_SEED)
    return path


@pytest.fixture
def demo_file(demo_template: Path, tmp_path: Path) -> Iterator[CaseFile]:
    """A private copy of the demo case file, open for writing: a test may change it."""
    path = tmp_path / "demo" / "casefile.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(demo_template, path)
    shutil.copyfile(sidecar_path(demo_template), sidecar_path(path))
    cf = CaseFile.open(path)
    yield cf
    cf.close()


def indexed_terms(conn: Any, table: str) -> list[tuple]:
    """Every (rowid, term, offset) a full-text table holds. The tables are contentless (they keep
    no copy of the text), so this reads the index itself through an fts5vocab table."""
    vocab = f"vocab_{table}"
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocab} USING fts5vocab(main, {table}, instance)"
    )
    return conn.execute(f"SELECT doc, term, offset FROM temp.{vocab} ORDER BY 1, 3, 2").fetchall()


def search_tables(conn: Any) -> dict[str, list[tuple]]:
    """The search tables as they are: case_index rows and every term of both full-text tables."""
    return {
        "case_index": conn.execute("SELECT * FROM case_index ORDER BY n").fetchall(),
        **{table: indexed_terms(conn, table) for table in ("case_search", "case_bigrams")},
    }


def fingerprint(cf: CaseFile) -> dict[str, Any]:
    """Everything a write could change: state rows, journal, search tables."""
    conn = cf.conn
    return {
        "state": cf.state_snapshot(),
        "journal": conn.execute("SELECT * FROM journal ORDER BY seq").fetchall(),
        "search": search_tables(conn),
    }


@pytest.fixture
def unchanged() -> Callable[[CaseFile], AbstractContextManager[None]]:
    """`with unchanged(cf), pytest.raises(...)`: the block must leave the case file as it was."""

    @contextmanager
    def check(cf: CaseFile) -> Iterator[None]:
        before = fingerprint(cf)
        yield
        assert fingerprint(cf) == before, "the case file changed"

    return check
