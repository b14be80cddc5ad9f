"""Opening case files: versions, migrations, refusing what is not ours, one writer at a time."""

import gc
import hashlib
import random
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from workstation.store import database, keys, migrations
from workstation.store.casefile import CaseFile, Edit
from workstation.store.errors import AlreadyOpen, CaseFileMissing, NewerVersion, NotACaseFile
from workstation.store.lock import CaseFileLock


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(path: Path) -> list[str]:
    """SQLite's -wal and -shm files beside `path` (the .lock file is ours and expected)."""
    return [p.name for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def closed_case_file(path: Path) -> Path:
    CaseFile.open(path, create=True, officer="张伟").close()
    assert sidecars(path) == []
    return path


def connect(path: Path) -> database.Connection:
    """A connection of our own to an (encrypted) case file, around CaseFile."""
    return database.connect(path, None if database.is_plain(path) else keys.key_for(path))


def user_version(path: Path) -> int:
    conn = connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def tables(path: Path) -> set[str]:
    conn = connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


# -- a new file -------------------------------------------------------------------------------


def test_new_file_has_latest_version_and_application_id(tmp_path: Path) -> None:
    path = closed_case_file(tmp_path / "casefile.sqlite3")
    assert user_version(path) == migrations.LATEST_VERSION
    conn = connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == migrations.APPLICATION_ID
    conn.close()


def test_new_file_is_in_wal_mode_with_foreign_keys_on(case_file: CaseFile) -> None:
    assert case_file.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert case_file.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert case_file.conn.execute("PRAGMA application_id").fetchone()[0] == (
        migrations.APPLICATION_ID
    )


def test_new_file_knows_its_device_and_officer(case_file: CaseFile) -> None:
    assert case_file.officer == "张伟"
    assert len(case_file.device) == 36
    assert case_file.unsynced_count() == 0


def test_create_makes_a_missing_file_and_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "casefile.sqlite3"
    with CaseFile.open(path, create=True) as cf:
        assert cf.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    assert path.exists()
    assert not Path(f"{path}.new").exists()


def test_missing_file_without_create_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "casefile.sqlite3"
    with pytest.raises(CaseFileMissing, match="找不到案件数据文件"):
        CaseFile.open(path)
    assert not path.exists()


def test_reopening_keeps_what_was_saved(tmp_path: Path) -> None:
    path = tmp_path / "casefile.sqlite3"
    with CaseFile.open(path, create=True) as cf:
        (case_id,) = cf.save(
            [Edit("case", {"case_number": "（2021）豫0302执12号", "filing_date": "2021-03-04"})]
        )
    with CaseFile.open(path) as cf:
        case = cf.get("case", case_id)
    assert case is not None
    assert case.values["case_number"] == "（2021）豫0302执12号"


# -- migrations -------------------------------------------------------------------------------


def add_migration(monkeypatch: pytest.MonkeyPatch, migration: Callable) -> int:
    number = len(migrations.MIGRATIONS) + 1
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, migration])
    monkeypatch.setattr(migrations, "LATEST_VERSION", number)
    monkeypatch.setattr(database, "LATEST_VERSION", number)
    return number


def test_failing_migration_leaves_previous_version_and_no_partial_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = closed_case_file(tmp_path / "casefile.sqlite3")
    previous = user_version(path)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_made (x INTEGER)")
        conn.execute("INSERT INTO half_made VALUES (1)")
        conn.execute("ALTER TABLE cases ADD COLUMN half_made_column TEXT")
        raise RuntimeError("migration failed half way")

    add_migration(monkeypatch, broken)
    with pytest.raises(RuntimeError, match="half way"):
        CaseFile.open(path)
    assert user_version(path) == previous
    assert "half_made" not in tables(path)
    conn = connect(path)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(cases)")]
    conn.close()
    assert "half_made_column" not in columns
    # The failed open let go of the file: another instance may take it.
    lock = CaseFileLock(path)
    lock.acquire()
    lock.release()


def test_extra_migration_is_applied_once_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = closed_case_file(tmp_path / "casefile.sqlite3")
    runs = []

    def add_table(conn: sqlite3.Connection) -> None:
        runs.append(1)
        conn.execute("CREATE TABLE test_extra_table (id TEXT PRIMARY KEY)")

    number = add_migration(monkeypatch, add_table)
    CaseFile.open(path).close()
    CaseFile.open(path).close()
    assert runs == [1]
    assert user_version(path) == number
    assert "test_extra_table" in tables(path)


# -- files that are not ours ------------------------------------------------------------------


@pytest.mark.parametrize("readonly", [False, True], ids=["write", "readonly"])
def test_newer_version_is_refused_and_left_untouched(tmp_path: Path, readonly: bool) -> None:
    path = closed_case_file(tmp_path / "casefile.sqlite3")
    conn = connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    conn.close()
    assert sidecars(path) == []
    before = digest(path)
    with pytest.raises(NewerVersion) as refused:
        CaseFile.open(path, readonly=readonly)
    assert "更新版本" in refused.value.message
    assert "升级" in refused.value.message
    del refused
    gc.collect()
    # Checked before anything else opens the file: closing a connection removes them.
    assert sidecars(path) == []
    assert digest(path) == before
    assert user_version(path) == migrations.LATEST_VERSION + 1


def random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(8192))


def empty_file(path: Path) -> None:
    path.write_bytes(b"")


def other_sqlite_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('王五', '13812345678')")
    conn.commit()
    conn.close()


def truncated_case_file(path: Path) -> None:
    whole = closed_case_file(path.with_name("whole.sqlite3")).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])


NOT_CASE_FILES = [random_bytes, empty_file, other_sqlite_database, truncated_case_file]
OPEN_MODES = {
    "write": {},
    "readonly": {"readonly": True},
    "create": {"create": True},
}


@pytest.mark.parametrize("make", NOT_CASE_FILES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", OPEN_MODES)
def test_file_that_is_not_a_case_file_is_refused_and_never_modified(
    tmp_path: Path, make: Callable[[Path], None], mode: str
) -> None:
    path = tmp_path / "casefile.sqlite3"
    make(path)
    before = digest(path)
    with pytest.raises(NotACaseFile) as refused:
        CaseFile.open(path, **OPEN_MODES[mode])
    assert path.name in refused.value.message
    assert "程序没有改动它" in refused.value.message
    assert digest(path) == before


def open_handles(path: Path) -> list[str]:
    """Files of this process whose name starts with `path` (Linux: /proc/self/fd)."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue
        if target.startswith(str(path)):
            found.append(Path(target).name)
    return sorted(found)


def refuse_truncated(path: Path, readonly: bool) -> None:
    """Open a truncated case file and drop the error, as a view does after showing it."""
    truncated_case_file(path)
    try:
        CaseFile.open(path, readonly=readonly)
    except NotACaseFile:
        return
    pytest.fail("a truncated case file was opened")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("readonly", [False, True], ids=["write", "readonly"])
def test_refused_truncated_file_is_not_held_open(tmp_path: Path, readonly: bool) -> None:
    path = tmp_path / "casefile.sqlite3"
    refuse_truncated(path, readonly)
    assert open_handles(path) == []


@pytest.mark.parametrize("readonly", [False, True], ids=["write", "readonly"])
def test_refused_truncated_file_gets_no_wal_or_shm_beside_it(
    tmp_path: Path, readonly: bool
) -> None:
    path = tmp_path / "casefile.sqlite3"
    refuse_truncated(path, readonly)
    gc.collect()  # even once every stray connection is gone
    assert sidecars(path) == []


def test_create_never_replaces_an_existing_file_that_is_not_a_case_file(tmp_path: Path) -> None:
    path = tmp_path / "casefile.sqlite3"
    other_sqlite_database(path)
    before = digest(path)
    with pytest.raises(NotACaseFile, match="其他程序的数据库"):
        CaseFile.open(path, create=True)
    assert digest(path) == before
    assert tables(path) == {"contacts"}


# -- one writer at a time ---------------------------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from workstation.store.casefile import CaseFile, Edit
cf = CaseFile.open(Path(sys.argv[1]), create=True)
cf.save([Edit("case", {"case_number": "（2021）豫0302执1号", "filing_date": "2021-03-04"})])
print("ready", flush=True)
time.sleep(120)
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """Another program instance (a separate process) with the case file open for writing."""
    path = tmp_path / "casefile.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == "ready", proc.stderr.read()
        yield proc, path
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_second_instance_is_refused_and_told_which_process_has_the_file(
    holder: tuple[subprocess.Popen, Path],
) -> None:
    proc, path = holder
    with pytest.raises(AlreadyOpen) as refused:
        CaseFile.open(path)
    assert "已在另一个工作站程序中打开" in refused.value.message
    assert f"进程 {proc.pid}" in refused.value.message


def test_file_can_be_opened_after_the_holding_process_is_killed(
    holder: tuple[subprocess.Popen, Path],
) -> None:
    proc, path = holder
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with CaseFile.open(path) as cf:
        assert cf.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 1


def test_readonly_open_works_while_another_process_writes(
    holder: tuple[subprocess.Popen, Path],
) -> None:
    _proc, path = holder
    with CaseFile.open(path, readonly=True) as cf:
        numbers = [r[0] for r in cf.conn.execute("SELECT case_number FROM cases")]
    assert numbers == ["（2021）豫0302执1号"]


def test_second_open_in_the_same_process_is_refused_until_the_first_closes(
    case_file: CaseFile,
) -> None:
    with pytest.raises(AlreadyOpen):
        CaseFile.open(case_file.path)
    case_file.close()
    CaseFile.open(case_file.path).close()


def test_readonly_file_refuses_writes(case_file: CaseFile) -> None:
    case_file.close()
    with CaseFile.open(case_file.path, readonly=True) as ro, pytest.raises(database.Error):
        ro.conn.execute("INSERT INTO meta(key, value) VALUES ('x', 'y')")
