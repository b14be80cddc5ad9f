"""Attachment files, stored by content hash in a directory, uploaded in resumable parts.

    DIR/partial/<sha256>     the bytes received so far (the offset is its size)
    DIR/<sha256[:2]>/<sha256> a complete file, renamed into place once it hashes to its name

The files are the truth about bytes (several instances must share DIR); the database records who
uploaded a complete file and when. A part whose connection is cut keeps what arrived, so the
upload resumes from there. The running hash of a partial file is kept in memory between parts as
a shortcut; any instance can rebuild it from the file.
"""

import contextlib
import fcntl
import hashlib
import os
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import IO, Any

from .errors import ApiError

SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_BLOB = 1 << 30  # 1 GiB: larger than any scan or photo an officer attaches


def check_sha256(sha256: str) -> str:
    if not SHA256.match(sha256):
        raise ApiError(422, "附件校验值格式错误：应为 64 位小写十六进制 SHA-256。", sha256[:80])
    return sha256


class Upload:
    """One PUT of bytes to a partial file, holding its lock. Use as a context manager."""

    def __init__(self, store: "BlobStore", sha256: str, offset: int, size: int | None) -> None:
        self.store, self.sha256, self.size = store, sha256, size
        self.path = store.partial_path(sha256)
        self.file: IO[bytes] = self.path.open("ab")
        try:
            fcntl.flock(self.file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.close()
            raise ApiError(
                409,
                "该附件正在由另一连接上传，请稍后再试。",
                "blob locked",
                offset=store.partial_size(sha256),
            ) from None
        self.received = self.file.seek(0, os.SEEK_END)
        if offset != self.received:
            self.close()
            raise ApiError(
                409,
                "附件续传位置与服务器不一致，请从服务器告知的位置继续上传。",
                f"offset {offset} != {self.received}",
                offset=self.received,
            )
        self.hasher = store.take_hasher(sha256, self.received) or self._hash_prefix()

    def _hash_prefix(self) -> Any:
        h = hashlib.sha256()
        with self.path.open("rb") as f:
            remaining = self.received
            while remaining:
                chunk = f.read(min(1 << 20, remaining))
                if not chunk:
                    break
                h.update(chunk)
                remaining -= len(chunk)
        return h

    def write(self, chunk: bytes) -> None:
        limit = self.size if self.size is not None else MAX_BLOB
        if self.received + len(chunk) > limit:
            raise ApiError(
                413 if self.size is None else 422,
                "附件内容超过声明的大小或允许的上限，已停止接收。",
                f"{self.received + len(chunk)} > {limit}",
                offset=self.received,
            )
        self.file.write(chunk)
        self.hasher.update(chunk)
        self.received += len(chunk)

    def finish(self) -> bool:
        """Make what arrived durable; complete the blob if it hashes to its name. Returns
        whether complete. With a declared size reached and a wrong hash: discard, ApiError 422."""
        self.file.flush()
        os.fsync(self.file.fileno())
        if self.hasher.hexdigest() == self.sha256:
            final = self.store.path(self.sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.path, final)
            return True
        if self.size is not None and self.received >= self.size:
            self.path.unlink(missing_ok=True)
            raise ApiError(
                422,
                "上传的附件内容与校验值不符，已丢弃，请重新上传。",
                f"{self.sha256}: got {self.hasher.hexdigest()}",
                offset=0,
            )
        self.store.keep_hasher(self.sha256, self.received, self.hasher)
        return False

    def keep_partial(self) -> None:
        """The connection was cut: keep what arrived for a resume."""
        with contextlib.suppress(OSError):
            self.file.flush()
            os.fsync(self.file.fileno())
        self.store.keep_hasher(self.sha256, self.received, self.hasher)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(self.file.fileno(), fcntl.LOCK_UN)
        self.file.close()


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        (self.root / "partial").mkdir(parents=True, exist_ok=True)
        self._hashers: OrderedDict[str, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def partial_path(self, sha256: str) -> Path:
        return self.root / "partial" / sha256

    def complete_size(self, sha256: str) -> int | None:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def partial_size(self, sha256: str) -> int:
        try:
            return self.partial_path(sha256).stat().st_size
        except FileNotFoundError:
            return 0

    def offset(self, sha256: str) -> int:
        size = self.complete_size(sha256)
        return size if size is not None else self.partial_size(sha256)

    def upload(self, sha256: str, offset: int, size: int | None) -> Upload:
        return Upload(self, sha256, offset, size)

    def take_hasher(self, sha256: str, offset: int) -> Any:
        with self._lock:
            got = self._hashers.pop(sha256, None)
        if got is not None and got[0] == offset:
            return got[1]
        return None

    def keep_hasher(self, sha256: str, offset: int, hasher: Any) -> None:
        with self._lock:
            self._hashers[sha256] = (offset, hasher)
            while len(self._hashers) > 64:
                self._hashers.popitem(last=False)
