"""Backups of the case file: made while the program runs, verified in full before a restore.

A backup is one uncompressed tar file (its contents are encrypted: compressing gains nothing):

    manifest.json            what is inside: file id, schema version, rows per table, the
                             journal's digest, the SHA-256 of every member
    casefile.sqlite3         a consistent copy through SQLite's online backup API, encrypted
                             under the case file's own key
    casefile.keys.json       the key file: the key wrapped under the recovery key (and under the
                             passphrase, in passphrase mode); never the key itself
    attachments/<sha256>     the attachment files, as kept (encrypted)

So a backup opens on this computer as the case file does (keyring or passphrase), and on another
computer with the recovery key (`workstation restore FILE --recovery-key ...`).
"""

import errno
import hashlib
import io
import json
import logging
import os
import shutil
import sys
import tarfile
import tempfile
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from sqlite3 import SQLITE_FULL
from typing import Any, ClassVar

from .store import blobs, database, keys
from .store.casefile import CaseFile
from .store.errors import CaseFileError, NewerVersion
from .store.lock import CaseFileLock
from .store.migrations import LATEST_VERSION

log = logging.getLogger(__name__)

FORMAT = "enforcement-workstation-backup"
DB_NAME = "casefile.sqlite3"
KEYS_NAME = "casefile.keys.json"
AUTO_FOLDER = "backups"
AUTO_PREFIX = "before-sync-"
SUFFIX = ".ewbackup"


class BackupRefused(CaseFileError):
    """A backup that is damaged, incomplete, or not openable here: nothing was replaced."""


@dataclass(frozen=True)
class Restored:
    kept: Path  # where the replaced case file, key file and attachments were kept
    migrate: bool  # the restored file is from an older program version: upgraded on open


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


STAGING_PREFIX = ".backup-"  # .backup-<hex>/ with .backup-<hex>.lock beside it, held meanwhile


class BackupFailed(CaseFileError):
    """A backup could not be made (disk full, folder not writable): no backup file was left."""


def make_backup(cf: CaseFile, out: Path) -> Path:
    """Write a backup of the open case file `cf` to `out` (replaced atomically if it exists).
    Other connections may go on writing meanwhile: the copy is of one moment.

    Built in a staging folder beside `out` and renamed into place whole, so a backup that fails
    or is killed midway never leaves a file at `out` (an older backup there stays as it was).
    Raises BackupFailed, in Chinese, when it cannot be written (a full disk)."""
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_staging(out.parent)
        staging = out.parent / f"{STAGING_PREFIX}{uuid.uuid4().hex[:16]}"
        lock = CaseFileLock(staging)  # taken before the folder exists, released after it is gone
        lock.acquire()
        try:
            staging.mkdir()
            try:
                fingerprint = _write_backup(cf, out, staging)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        finally:
            lock.release()
            lock.path.unlink(missing_ok=True)
    except (OSError, database.Error) as exc:
        raise _backup_failed(out, exc) from exc
    log.info("backup of %s to %s: %s", cf.path, out, fingerprint["rows"])
    return out


def _backup_failed(out: Path, exc: BaseException) -> BackupFailed:
    full = getattr(exc, "errno", None) == errno.ENOSPC or (
        getattr(exc, "sqlite_errorcode", None) == SQLITE_FULL
    )
    if full:
        message = (
            "磁盘空间不足，备份没有完成，也没有留下不完整的备份文件。"
            f"请清理“{out.parent}”所在的磁盘后重试。"
        )
    else:
        message = f"无法写入备份文件“{out}”，备份没有完成。请检查该位置是否可写（如 U 盘已拔出）。"
    return BackupFailed(message, f"backup to {out}: {exc!r}")


def _remove_abandoned_staging(folder: Path) -> None:
    """Remove what backups killed midway left in `folder`: staging folders whose lock nobody
    holds (the OS released it when the process died). The copies there are encrypted; they only
    take space."""
    for lock_file in folder.glob(STAGING_PREFIX + "*.lock"):
        lock = CaseFileLock(lock_file.with_suffix(""))
        try:
            lock.acquire()  # AlreadyOpen: a backup is being made there now
        except (CaseFileError, OSError):
            continue
        try:
            shutil.rmtree(lock_file.with_suffix(""), ignore_errors=True)
        finally:
            lock.release()
        lock_file.unlink(missing_ok=True)
        log.info("removed %s, left by a backup that did not finish", lock_file.with_suffix(""))
    for staging in folder.glob(STAGING_PREFIX + "*"):
        # a folder is made after its lock file and removed before it: one without is abandoned
        if staging.is_dir() and not staging.with_name(staging.name + ".lock").exists():
            shutil.rmtree(staging, ignore_errors=True)


def journal_head(conn: Any) -> list[Any]:
    """[seq, chain] of the newest journal entry ([0, ""] for none): two backups with the same
    head hold the same case data."""
    row = conn.execute("SELECT seq, chain FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    return [row[0], row[1] or ""] if row else [0, ""]


def read_manifest(backup: Path) -> dict[str, Any] | None:
    """The manifest of a backup file (its first member), or None when it cannot be read."""
    try:
        with tarfile.open(backup, "r:") as tar:
            member = tar.next()
            if member is None or member.name != "manifest.json":
                return None
            f = tar.extractfile(member)
            return json.loads(f.read().decode("utf-8")) if f else None
    except (tarfile.TarError, OSError, EOFError, ValueError):
        return None


def _write_backup(cf: CaseFile, out: Path, staging: Path) -> dict[str, Any]:
    key = keys.key_for(cf.path)
    head = journal_head(cf.conn)
    db_copy = staging / DB_NAME
    cipher = keys.cipher_settings(cf.path)
    database.backup_to(cf.conn, db_copy, key, cipher)
    fingerprint = database.verify_copy(db_copy, key, cipher=cipher)
    members: dict[str, Path] = {
        DB_NAME: db_copy,
        KEYS_NAME: keys.sidecar_path(cf.path),
    }
    wanted = {r[0] for r in cf.conn.execute("SELECT DISTINCT sha256 FROM attachments")}
    for sha in sorted(wanted):
        path = blobs.blob_path(cf.path, sha)
        if path.exists():
            members[f"attachments/{sha}"] = path
        else:
            log.warning("backup of %s: attachment %s missing", cf.path, sha)
    manifest = {
        "format": FORMAT,
        "version": 1,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "file_id": keys.read_sidecar(cf.path)["file_id"],
        "fingerprint": fingerprint,
        "journal_head": head,
        "members": {name: _sha256(path) for name, path in members.items()},
    }
    partial = staging / "backup.tar"
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        for name, path in members.items():
            tar.add(path, arcname=name, recursive=False)
    with partial.open("rb+") as f:
        os.fsync(f.fileno())
    os.replace(partial, out)
    return fingerprint


def auto_backup(cf: CaseFile, keep: int) -> Path:
    """The backup made before each sync, in `backups/` beside the case file; keeps the newest
    `keep` of them."""
    folder = cf.path.parent / AUTO_FOLDER
    out = make_backup(cf, folder / f"{AUTO_PREFIX}{_stamp()}{SUFFIX}")
    kept = sorted(folder.glob(f"{AUTO_PREFIX}*{SUFFIX}"))
    for old in kept[: max(0, len(kept) - keep)]:
        old.unlink(missing_ok=True)
    return out


def _refused(path: Path, what: str, detail: str) -> BackupRefused:
    return BackupRefused(
        f"备份文件“{path.name}”{what}，未作任何替换。请换一份备份，或联系法院信息技术人员。",
        f"{path}: {detail}",
    )


def _extract(backup: Path, staging: Path) -> dict[str, Any]:
    """Unpack `backup` into `staging`, checking every member against the manifest."""
    try:
        with tarfile.open(backup, "r:") as tar:
            names = tar.getnames()
            for member in tar.getmembers():
                name = member.name
                ok_name = name in ("manifest.json", DB_NAME, KEYS_NAME) or (
                    name.startswith("attachments/")
                    and len(name) == len("attachments/") + 64
                    and all(c in "0123456789abcdef" for c in name[len("attachments/") :])
                )
                if not ok_name or not member.isfile() or names.count(name) != 1:
                    raise _refused(backup, "含有不应有的内容", f"member {name!r}")
            tar.extractall(staging, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _refused(backup, "已损坏或不是工作站的备份", f"{exc}") from exc
    try:
        manifest = json.loads((staging / "manifest.json").read_text("utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError(f"format {manifest.get('format')!r}")
        members = manifest["members"]
    except (OSError, ValueError, KeyError) as exc:
        raise _refused(backup, "缺少或损坏了内容清单", f"manifest: {exc}") from exc
    present = {n for n in names if n != "manifest.json"}
    if set(members) != present or DB_NAME not in present or KEYS_NAME not in present:
        raise _refused(backup, "不完整", f"members {sorted(present)} != {sorted(members)}")
    for name, sha in members.items():
        if _sha256(staging / name) != sha:
            raise _refused(backup, "已损坏（内容校验不符）", f"{name}: sha256 mismatch")
    return manifest


def verify_backup(
    backup: Path, staging: Path, *, recovery_key: str | None = None, passphrase: str | None = None
) -> dict[str, Any]:
    """Unpack `backup` into the empty folder `staging` and check it in full: every member's
    hash, the key (from this computer, or the recovery key), SQLite's integrity check, the rows
    and journal against the manifest, the version, every attachment decrypted and hashed."""
    backup = Path(backup)
    manifest = _extract(backup, staging)
    db = staging / DB_NAME
    if recovery_key:
        key = keys.recover(db, recovery_key, new_passphrase=passphrase)
    else:
        key = keys.key_for(db, passphrase=passphrase)
    expected = manifest["fingerprint"]
    try:
        got = database.verify_copy(db, key, expected)
    except CaseFileError as exc:
        raise _refused(backup, "的案件数据未通过检查", exc.detail) from exc
    if got["user_version"] > LATEST_VERSION:
        raise NewerVersion(
            "这份备份由更新版本的工作站程序生成，本程序无法恢复它；请升级工作站程序。未作任何替换。",
            f"{backup}: user_version {got['user_version']} > {LATEST_VERSION}",
        )
    for name in manifest["members"]:
        if name.startswith("attachments/"):
            sha = name.split("/", 1)[1]
            try:
                for _ in blobs.iter_plain(db, sha):
                    pass
            except blobs.BlobDamaged as exc:
                raise _refused(backup, "中的附件已损坏", exc.detail) from exc
    return manifest


def restore(
    backup: Path,
    case_file: Path,
    *,
    recovery_key: str | None = None,
    passphrase: str | None = None,
) -> Restored:
    """Replace the case file (with its key file and attachments) by the backup, after checking
    the backup in full. The replaced ones are kept in `before-restore-<time>/` beside it.
    The case file must not be open for writing (its lock is taken here)."""
    backup, case_file = Path(backup), Path(case_file)
    if not backup.is_file():
        raise BackupRefused(f"找不到备份文件“{backup}”。", f"{backup}: no such file")
    folder = case_file.parent
    folder.mkdir(parents=True, exist_ok=True)
    lock = CaseFileLock(case_file)
    lock.acquire()
    try:
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=folder))
        try:
            manifest = verify_backup(
                backup, staging, recovery_key=recovery_key, passphrase=passphrase
            )
            kept = _swap_in(staging, case_file)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        lock.release()
    version = manifest["fingerprint"]["user_version"]
    log.info("restored %s from %s; old files kept in %s", case_file, backup, kept)
    return Restored(kept, version < LATEST_VERSION)


def _swap_in(staging: Path, case_file: Path) -> Path:
    """Keep the current files aside, then move the checked ones in; the case file itself last,
    by os.replace, so at every moment it is the old file or the restored one."""
    folder = case_file.parent
    kept = folder / f"before-restore-{_stamp()}"
    kept.mkdir()
    sidecar = keys.sidecar_path(case_file)
    attachments = blobs.blob_path(case_file, "x").parent
    if case_file.exists():
        try:  # fold a WAL left by a crash into the file, so the kept copy is whole
            conn = database.connect(case_file, keys.key_for(case_file))
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
        except (CaseFileError, database.Error) as exc:
            log.warning("no checkpoint before restoring over %s: %s", case_file, exc)
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{case_file}{suffix}")
            if source.exists():
                shutil.copy2(source, kept / f"{case_file.name}{suffix}")
    if sidecar.exists():
        shutil.copy2(sidecar, kept / sidecar.name)
    if attachments.exists():
        os.replace(attachments, kept / attachments.name)
    restored_attachments = staging / "attachments"
    if restored_attachments.exists():
        os.replace(restored_attachments, attachments)
    restored_db = staging / DB_NAME
    os.replace(staging / KEYS_NAME, sidecar)
    for suffix in ("-wal", "-shm"):
        Path(f"{case_file}{suffix}").unlink(missing_ok=True)
    os.replace(restored_db, case_file)
    keys.fsync_dir(folder)
    return kept


def _lower_priority() -> None:
    """The calling thread yields the processor to everything else (Linux: threads have their own
    nice value). Elsewhere nothing changes."""
    if hasattr(os, "setpriority") and sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except OSError as exc:
            log.info("backup thread priority not lowered: %s", exc)


class BackupBeforeSync:
    """The automatic backup at the start of every sync (the GUI's and `workstation sync`): of the
    case file as it was when the sync began, keeping the court's number of them.

    `start` returns once the copy's moment is fixed (a read transaction on a connection of its
    own); the copy is written on a thread of low CPU priority once `release` is called (the sync
    calls it when it ends, however it ends; `wait` calls it too), so the sync neither waits for it
    nor shares the disk and processor with it: written alongside, the copy's writes made each
    sync commit's fsync wait and an end-of-day sync took 0.1-0.6 s longer. The read transaction
    keeps the moment meanwhile. When nothing changed since the newest backup (same journal
    head), or nothing was ever recorded, none is made. A backup that fails does not stop the
    sync: `wait` returns the Chinese warning. The thread is not a daemon: the program does not
    exit in the middle of a backup."""

    FAILED = "同步前的自动备份没有完成（例如磁盘空间不足），同步照常进行。"
    # Per case file: the journal head of the newest backup made or being made, and a lock so two
    # backups of one file are written one after the other (a second sync soon after the first).
    _heads: ClassVar[dict[Path, list[Any]]] = {}
    _writing: ClassVar[dict[Path, threading.Lock]] = {}
    _registry = threading.Lock()

    def __init__(self, cf: CaseFile, keep: int) -> None:
        self.cf, self.keep = cf, keep
        self.path: Path | None = None
        self.skipped = False
        self.failed = False
        self._moment = threading.Event()
        self._released = threading.Event()
        self._thread = threading.Thread(target=self._run, name="backup-before-sync")

    @classmethod
    def start(cls, cf: CaseFile) -> "BackupBeforeSync":
        from .domain.settings import default_settings

        backup = cls(cf, default_settings().backups_kept_before_sync)
        backup._thread.start()
        backup._moment.wait()
        return backup

    def _run(self) -> None:
        key = self.cf.path.resolve()
        try:
            with self.cf.sibling() as copy_from:
                copy_from.conn.execute("BEGIN")  # the moment of the copy: from here on
                head = journal_head(copy_from.conn)
                if head == [0, ""]:
                    # Nothing recorded yet (a first sync): nothing to keep, and no read
                    # transaction to hold the write-ahead log open while the sync fills it.
                    log.info("no backup before the sync of %s: nothing recorded yet", key)
                    self.skipped = True
                    self._moment.set()
                    return
                folder = self.cf.path.parent / AUTO_FOLDER
                with self._registry:
                    known = self._heads.get(key)
                    if known is None:
                        newest = max(folder.glob(f"{AUTO_PREFIX}*{SUFFIX}"), default=None)
                        if newest is not None:
                            known = (read_manifest(newest) or {}).get("journal_head")
                    if known == head:
                        self.skipped = True
                    else:
                        self._heads[key] = head
                    writing = self._writing.setdefault(key, threading.Lock())
                self._moment.set()
                if self.skipped:
                    newest = max(folder.glob(f"{AUTO_PREFIX}*{SUFFIX}"), default=None)
                    self.path = newest
                    return
                self._released.wait()
                _lower_priority()
                with writing:
                    self.path = auto_backup(copy_from, self.keep)
        except (CaseFileError, OSError, database.Error) as exc:
            log.error("backup before sync of %s failed: %s", self.cf.path, exc)
            self._failed(key)
        except BaseException:
            log.exception("backup before sync of %s crashed", self.cf.path)
            self._failed(key)
        finally:
            self._moment.set()

    def _failed(self, key: Path) -> None:
        self.failed = True
        with self._registry:
            self._heads.pop(key, None)  # not made: the next sync tries again

    def release(self) -> None:
        """Let the copy be written now (the sync is over, or the caller waits for it)."""
        self._released.set()

    def wait(self, timeout: float | None = None) -> str:
        """Wait for the copy to be written; "" when done, else the warning for the officer."""
        self.release()
        self._thread.join(timeout)
        if self._thread.is_alive():
            return "同步前的自动备份仍在进行。"
        return self.FAILED if self.failed else ""
