"""The one module that opens the case file's SQLite database.

Everything that touches the file's bytes before SQLite does (is it a case file? which version?)
and every connection setting lives here, so that encrypting the file is a change in one place.
"""

import logging
import os
import sqlite3
from pathlib import Path

from ..ids import uuid7
from .errors import CaseFileMissing, NewerVersion, NotACaseFile
from .migrations import APPLICATION_ID, LATEST_VERSION, migrate, schema_version

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"


def check_header(path: Path) -> None:
    """Refuse, without opening it in SQLite, a file that is not a case file of ours."""
    size = path.stat().st_size
    if size == 0:
        raise NotACaseFile(
            f"文件“{path.name}”是空的（0 字节），不是案件数据文件。可能是复制或保存中断造成的；"
            "程序没有改动它。请从备份恢复，或联系法院信息技术人员。",
            f"{path}: empty file",
        )
    with path.open("rb") as f:
        header = f.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise NotACaseFile(
            f"文件“{path.name}”已损坏或不是案件数据文件；程序没有改动它。"
            "请从备份恢复，或联系法院信息技术人员。",
            f"{path}: no SQLite header ({size} bytes)",
        )
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise NotACaseFile(
            f"文件“{path.name}”是其他程序的数据库，不是执行工作站的案件数据文件；程序没有改动它。"
            "请确认选择的数据目录是否正确。",
            f"{path}: application_id {app_id:#x}, expected {APPLICATION_ID:#x}",
        )


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: the case list and search stay in memory
    # Edits are human-paced; FULL costs 0.16 ms each here and survives power loss.
    conn.execute("PRAGMA synchronous = FULL")


def _connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rw'}"
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) everywhere.
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        _configure(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def create_case_file(path: Path, *, officer: str = "", court_code: str = "") -> None:
    """Make a new, empty case file at `path` (which must not exist): built aside, then renamed."""
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".new")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn)
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?)",
            [("device", uuid7()), ("officer", officer), ("court_code", court_code)],
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    os.replace(tmp, path)
    log.info("created case file %s", path)


def _newer_version(path: Path, version: int) -> NewerVersion:
    return NewerVersion(
        f"这份案件数据由更新版本的工作站程序保存（数据格式第 {version} 版，本程序只认识到第 "
        f"{LATEST_VERSION} 版）。为避免损坏数据，本程序不会打开它；请升级工作站程序。",
        f"{path}: user_version {version} > {LATEST_VERSION}",
    )


def _sidecars(path: Path) -> list[Path]:
    return [Path(f"{path}-wal"), Path(f"{path}-shm")]


def open_database(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open an existing case file, migrating it forward unless `readonly`.

    Raises CaseFileMissing, NotACaseFile or NewerVersion; in each case the file is left as it was
    (and no -wal/-shm file is left beside a refused one).
    """
    if not path.exists():
        raise CaseFileMissing(f"找不到案件数据文件“{path}”。", f"{path}: no such file")
    check_header(path)
    header_version = int.from_bytes(_header(path)[60:64], "big")
    if header_version > LATEST_VERSION:
        raise _newer_version(path, header_version)
    existed = {p for p in _sidecars(path) if p.exists()}
    conn: sqlite3.Connection | None = None
    try:
        try:
            conn = _connect(path, readonly=readonly)
            version = schema_version(conn)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise NotACaseFile(
                f"文件“{path.name}”已损坏，无法读取；程序没有改动它。请从备份恢复。",
                f"{path}: {exc}",
            ) from exc
        if app_id != APPLICATION_ID:  # the header can be stale while a WAL holds page 1
            raise NotACaseFile(
                f"文件“{path.name}”不是执行工作站的案件数据文件。", f"{path}: {app_id}"
            )
        if version > LATEST_VERSION:
            raise _newer_version(path, version)
        if not readonly:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            applied = migrate(conn)
            if applied:
                log.info("migrated %s: applied %s", path, applied)
        else:
            conn.execute("PRAGMA query_only = ON")
        return conn
    except BaseException:
        if conn is not None:
            conn.close()
        # A refused file is nobody's open database: remove only the sidecars we made.
        for sidecar in _sidecars(path):
            if sidecar not in existed:
                sidecar.unlink(missing_ok=True)
        raise


def needs_migration(path: Path) -> bool:
    """Whether a case file is from an older program version (by its header; no SQLite open)."""
    try:
        check_header(path)
    except NotACaseFile:
        return False  # opening will say what is wrong with it
    return int.from_bytes(_header(path)[60:64], "big") < LATEST_VERSION


def _header(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(100)
