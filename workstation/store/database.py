"""The one module that opens the case file's SQLite database.

Everything that touches the file's bytes before SQLite does (is it a case file? which version?)
and every connection setting lives here. Case files are encrypted with SQLCipher under a raw
256-bit key (store/keys.py says where the key comes from); a plain SQLite case file from an older
program is converted here, in place and safely, the first time it is opened for writing.
"""

import hashlib
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from ..ids import uuid7
from . import keys
from .errors import CaseFileError, CaseFileMissing, KeyFileMissing, NewerVersion, NotACaseFile
from .migrations import APPLICATION_ID, LATEST_VERSION, migrate, schema_version

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
# What SQLCipher's connections raise: not subclasses of the standard library's sqlite3 errors.
Error = sqlcipher.Error
DatabaseError = sqlcipher.DatabaseError
Connection = sqlcipher.Connection

# The sqlite3 module binds a None or a bytes parameter without its adaptation protocol (two
# failed attribute lookups, about 1.7 microseconds here) only if an adapter is registered for
# the type. A first sync binds over a million None (unset fields), which was half the time of
# inserting its parties, and its largest texts as UTF-8 bytes (store/journal.write_new_records).
# Both adapters run in C and return the value itself: None is bound as NULL, bytes as a BLOB.
sqlcipher.register_adapter(type(None), {}.get)
sqlcipher.register_adapter(bytes, bytes)


class NeedsUpgrade(Exception):
    """A read-only open found a file that must first be migrated or encrypted (under the lock)."""


def check_header(path: Path) -> None:
    """Refuse, without opening it in SQLite, a file that is certainly not a case file of ours.

    An encrypted file has no readable header (its first 16 bytes are SQLCipher's salt): whether it
    is ours is known only once the key opens it."""
    size = path.stat().st_size
    if size == 0:
        raise NotACaseFile(
            f"文件“{path.name}”是空的（0 字节），不是案件数据文件。可能是复制或保存中断造成的；"
            "程序没有改动它。请从备份恢复，或联系法院信息技术人员。",
            f"{path}: empty file",
        )
    header = _header(path)
    if not header.startswith(SQLITE_MAGIC):
        if size < 1024:
            raise _damaged(path, f"{size} bytes, too short for an encrypted case file")
        return
    if len(header) < 100:
        raise _damaged(path, f"no SQLite header ({size} bytes)")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise NotACaseFile(
            f"文件“{path.name}”是其他程序的数据库，不是执行工作站的案件数据文件；程序没有改动它。"
            "请确认选择的数据目录是否正确。",
            f"{path}: application_id {app_id:#x}, expected {APPLICATION_ID:#x}",
        )


def _damaged(path: Path, detail: str) -> NotACaseFile:
    return NotACaseFile(
        f"文件“{path.name}”已损坏或不是案件数据文件；程序没有改动它。"
        "请从备份恢复，或联系法院信息技术人员。",
        f"{path}: {detail}",
    )


def is_plain(path: Path) -> bool:
    """Whether `path` is an unencrypted SQLite file (a case file from before encryption)."""
    return _header(path).startswith(SQLITE_MAGIC)


def _key_pragmas(key: bytes, cipher: dict[str, Any], schema: str = "main") -> list[str]:
    # A raw key: x'<64 hex>'. SQLCipher then derives nothing (the salt is in the file).
    return [
        f"PRAGMA {schema}.key = \"x'{key.hex()}'\"",
        f"PRAGMA {schema}.cipher_page_size = {int(cipher['cipher_page_size'])}",
        f"PRAGMA {schema}.cipher_hmac_algorithm = {cipher['cipher_hmac_algorithm']}",
        f"PRAGMA {schema}.cipher_kdf_algorithm = {cipher['cipher_kdf_algorithm']}",
        f"PRAGMA {schema}.kdf_iter = {int(cipher['kdf_iter'])}",
    ]


def _configure(conn: Connection) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: the case list and search stay in memory
    # Edits are human-paced; FULL costs 0.16 ms each here and survives power loss.
    conn.execute("PRAGMA synchronous = FULL")


def connect(
    path: Path, key: bytes | None, *, readonly: bool = False, cipher: dict[str, Any] | None = None
) -> Connection:
    """A configured connection to `path`: encrypted under `key`, or plain when `key` is None.
    The key is checked at once (SQLCipher reads page 1): a wrong key or a damaged file raises
    DatabaseError here, not at some later query. `cipher`: the SQLCipher settings (default: those
    recorded in the key file beside `path`)."""
    uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rw'}"
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) everywhere.
    conn = sqlcipher.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        # SQLCipher's own log goes to stderr; its failures reach us as exceptions anyway.
        conn.execute("PRAGMA cipher_log_level = NONE")
        if key is not None:
            for pragma in _key_pragmas(key, cipher or keys.cipher_settings(path)):
                conn.execute(pragma)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _configure(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def create_case_file(
    path: Path, *, officer: str = "", court_code: str = "", key: bytes | None = None
) -> None:
    """Make a new, empty, encrypted case file at `path` (which must not exist): built aside, then
    renamed. `key`: the key to use (default: the file's key, made now if it has none)."""
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = key if key is not None else keys.key_for(path, create=True)
    tmp = path.with_name(path.name + ".new")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    tmp.touch()
    conn = connect(tmp, key)
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


def open_database(path: Path, *, readonly: bool = False, key: bytes | None = None) -> Connection:
    """Open an existing case file, migrating it forward (and encrypting a plain one) unless
    `readonly`; read-only, a file that needs either raises NeedsUpgrade.

    Raises CaseFileMissing, NotACaseFile, NewerVersion or a KeyProblem; in each case the file is
    left as it was (and no -wal/-shm file is left beside a refused one).
    """
    if not path.exists():
        raise CaseFileMissing(f"找不到案件数据文件“{path}”。", f"{path}: no such file")
    check_header(path)
    if is_plain(path):
        header_version = int.from_bytes(_header(path)[60:64], "big")
        if header_version > LATEST_VERSION:
            raise _newer_version(path, header_version)
        if readonly:
            raise NeedsUpgrade(path)
        key = key if key is not None else keys.key_for(path, create=True)
        encrypt_in_place(path, key)
    else:
        if key is None and not keys.sidecar_path(path).exists():
            sidecar = keys.sidecar_path(path)
            raise KeyFileMissing(
                f"文件“{path.name}”不是可识别的案件数据文件，或者它旁边的密钥文件“{sidecar.name}”"
                "缺失；程序没有改动它。请从备份恢复，或联系法院信息技术人员。",
                f"{path}: no SQLite header and no key file {sidecar}",
            )
        key = key if key is not None else keys.key_for(path)
        _finish_interrupted_conversion(path)
    existed = {p for p in _sidecars(path) if p.exists()}
    conn: Connection | None = None
    try:
        try:
            conn = connect(path, key, readonly=readonly)
            version = schema_version(conn)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id == APPLICATION_ID and version:
                conn.execute("SELECT count(*) FROM meta").fetchone()  # a page past the first
        except DatabaseError as exc:
            raise NotACaseFile(
                f"文件“{path.name}”已损坏，无法读取；程序没有改动它。请从备份恢复。",
                f"{path}: {exc}",
            ) from exc
        if app_id != APPLICATION_ID:
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
            if version < LATEST_VERSION:
                raise NeedsUpgrade(path)
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


def _header(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(100)


# -- converting a plain file -------------------------------------------------------------------


def _crash_point(step: str) -> None:
    """Between the steps of a conversion; tests make it raise to simulate a crash there."""


def _aside(path: Path) -> Path:
    return path.with_name(path.name + ".plain-aside")


def _encrypting(path: Path) -> Path:
    return path.with_name(path.name + ".encrypting")


def fingerprint(conn: Connection) -> dict[str, Any]:
    """What must be the same in a copy: ids, version, rows per table, the journal's digest."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
            "'CREATE VIRTUAL TABLE%' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    digest = hashlib.sha256()
    for row in conn.execute("SELECT * FROM journal ORDER BY seq"):
        digest.update(repr(row).encode())
    return {
        "application_id": conn.execute("PRAGMA application_id").fetchone()[0],
        "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
        "rows": {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables},
        "journal": digest.hexdigest(),
    }


def verify_copy(
    path: Path,
    key: bytes,
    expected: dict[str, Any] | None = None,
    cipher: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Open `path` read-only with `key` (and `cipher`, default the key file's settings), run the
    integrity check and compare its fingerprint with `expected`. Returns the fingerprint; raises
    CaseFileError saying what differs."""
    try:
        conn = connect(path, key, readonly=True, cipher=cipher)
    except DatabaseError as exc:
        raise CaseFileError("副本无法用密钥打开。", f"{path}: {exc}") from exc
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise CaseFileError("副本未通过完整性检查。", f"{path}: {problems[:5]}")
        got = fingerprint(conn)
    except DatabaseError as exc:
        raise CaseFileError("副本已损坏。", f"{path}: {exc}") from exc
    finally:
        conn.close()
    if expected is not None and got != expected:
        raise CaseFileError("副本与原数据不一致。", f"{path}: {got} != {expected}")
    return got


def _wipe_and_remove(path: Path) -> None:
    """Overwrite a file's bytes with zeros, then unlink it. Best effort: an SSD or a journaling
    file system may keep old blocks elsewhere."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as f:
            for start in range(0, size, 1 << 20):
                f.write(b"\0" * min(1 << 20, size - start))
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        log.warning("could not overwrite %s before removing it: %s", path, exc)
    path.unlink(missing_ok=True)


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Convert the plain case file at `path` to an encrypted one under `key`, safely.

    1. checkpoint the plain file (its WAL folded in and gone) and take its fingerprint;
    2. export it into `<file>.encrypting` (sqlcipher_export), fsync;
    3. verify the copy: integrity check, same application_id, user_version, rows per table and
       journal;
    4. hard-link the plain file aside, os.replace the copy over the case file, fsync the folder;
    5. overwrite the plain bytes aside with zeros and remove them (best effort).
    A crash anywhere leaves at `path` either the plain file or the verified encrypted one; the
    next open finishes or restarts the conversion. The caller holds the file's lock.
    """
    tmp = _encrypting(path)
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    plain = sqlcipher.connect(str(path), isolation_level=None)
    try:
        if plain.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] != 0:
            raise CaseFileError(
                "案件数据正被另一个程序使用，暂时无法加密。请关闭其他程序后重试。",
                f"{path}: checkpoint busy before encrypting",
            )
        expected = fingerprint(plain)
        _crash_point("fingerprinted")
        cipher = keys.cipher_settings(path)
        plain.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(tmp),))
        for pragma in _key_pragmas(key, cipher, "encrypted")[1:]:
            plain.execute(pragma)
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute(f"PRAGMA encrypted.user_version = {expected['user_version']}")
        plain.execute(f"PRAGMA encrypted.application_id = {expected['application_id']}")
        plain.execute("PRAGMA encrypted.journal_mode = DELETE")  # WAL again once opened
        plain.execute("DETACH DATABASE encrypted")
    except BaseException:
        plain.close()
        tmp.unlink(missing_ok=True)
        raise
    plain.close()
    try:
        _crash_point("exported")
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        verify_copy(tmp, key, expected)
        _crash_point("verified")
        for sidecar in _sidecars(path):
            if sidecar.exists() and sidecar.stat().st_size > 0 and sidecar.name.endswith("-wal"):
                raise CaseFileError(
                    "案件数据正被另一个程序使用，暂时无法加密。", f"{sidecar} not empty"
                )
        aside = _aside(path)
        aside.unlink(missing_ok=True)
        try:
            os.link(path, aside)
        except OSError:
            shutil.copy2(path, aside)  # no hard links here: the plain bytes at `path` stay behind
        _crash_point("aside")
        for sidecar in _sidecars(path):
            sidecar.unlink(missing_ok=True)
        os.replace(tmp, path)
        keys.fsync_dir(path.parent)
    except BaseException:
        if not tmp.exists() or is_plain(path):
            tmp.unlink(missing_ok=True)
        raise
    _crash_point("swapped")
    _wipe_and_remove(aside)
    log.info("encrypted %s in place (%s)", path, expected["rows"])


def _finish_interrupted_conversion(path: Path) -> None:
    """The case file is encrypted: remove what an interrupted conversion left beside it."""
    aside = _aside(path)
    if aside.exists():
        _wipe_and_remove(aside)
    tmp = _encrypting(path)
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)


# -- copies ------------------------------------------------------------------------------------


def backup_to(conn: Connection, target: Path, key: bytes, cipher: dict[str, Any]) -> None:
    """A consistent copy of the open database `conn` at `target` (new), encrypted under `key`
    with the source's `cipher` settings (the backup API copies pages as they are, so both sides
    must agree), through SQLite's online backup API: other connections may write meanwhile."""
    if target.exists():
        raise FileExistsError(target)
    target.touch()
    dest = sqlcipher.connect(str(target), isolation_level=None)
    try:
        for pragma in _key_pragmas(key, cipher):
            dest.execute(pragma)
        conn.backup(dest, pages=4096)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    with target.open("rb+") as f:
        os.fsync(f.fileno())
