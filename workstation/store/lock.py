"""One writer per case file: an OS lock on `<file>.lock`, released by the OS if the process dies.
Also short exclusive sections between processes (`exclusive`), for small files read and written
whole by several program instances (the accounts file)."""

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import AlreadyOpen

if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _hostname() -> str:
    if hasattr(os, "uname"):
        return os.uname().nodename
    return os.environ.get("COMPUTERNAME", "")


class CaseFileLock:
    """Held for as long as a program instance has the case file open for writing."""

    def __init__(self, case_file: Path) -> None:
        self.path = case_file.with_name(case_file.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            try:
                holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "未知进程"
            except OSError:  # Windows refuses to read a locked region
                holder = "未知进程"
            os.close(fd)
            raise AlreadyOpen(
                "这份案件数据已在另一个工作站程序中打开（"
                f"{holder}）。同一份数据同一时间只能由一个程序打开："
                "请切换到已打开的窗口，或先关闭它再重试。",
                f"lock {self.path} held by {holder}",
            )
        self._fd = fd
        try:  # who holds it, for the message above; a full disk must not leave it held unseen
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"进程 {os.getpid()}，计算机 {_hostname()}".encode())
            os.fsync(fd)
        except OSError:
            pass

    def release(self) -> None:
        if self._fd is not None:
            try:
                _unlock(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None


@contextmanager
def exclusive(path: Path, timeout: float = 10.0) -> Iterator[None]:
    """Hold an OS lock on `path` (made if missing) for a short read-modify-write that other
    processes, and other threads of this one, must not interleave with; wait up to `timeout`
    seconds for it (TimeoutError after). The OS releases it if the process dies."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path}: still locked after {timeout} s")
            time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
