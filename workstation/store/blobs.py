"""Attachment files (photos, scans) kept beside the case file, encrypted.

A file is kept once, named by the SHA-256 of its *plaintext* (the address the attachment record and
the sync server use), in the `attachments` folder beside the case file. On disk it is encrypted
with AES-256-GCM under a key derived (HKDF) from the case file's key, in chunks of 1 MiB so a large
scan is never held in memory twice:

    b"EWBLOB1\\n" | nonce prefix (8 bytes) | chunk 0 | chunk 1 | ... | last chunk

each chunk the ciphertext of up to 1 MiB plus its 16-byte tag, its nonce the prefix and the chunk
number, its associated data the chunk number and whether it is the last (so a file cut short or
with chunks reordered fails to decrypt). After decrypting, the SHA-256 is checked against the name.
"""

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import keys
from .errors import CaseFileError

MAGIC = b"EWBLOB1\n"
CHUNK = 1 << 20
TAG = 16


class BlobDamaged(CaseFileError):
    """An attachment file is missing, cut short, altered, or not this case file's."""


def blob_path(case_file: Path, sha256: str) -> Path:
    """Where the attachment with this plaintext hash is kept."""
    return Path(case_file).parent / "attachments" / sha256


def _cipher(case_file: Path) -> AESGCM:
    return AESGCM(keys.derive(keys.key_for(case_file), "attachments v1"))


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(4, "big")


def _aad(index: int, last: bool) -> bytes:
    return f"{index}|{int(last)}".encode()


def _encrypt_stream(aes: AESGCM, chunks: Iterator[bytes], out) -> str:
    """Write the encrypted form of `chunks` to `out`; returns the plaintext's SHA-256."""
    digest = hashlib.sha256()
    prefix = os.urandom(8)
    out.write(MAGIC + prefix)
    index = 0
    pending = next(chunks, b"")
    while True:
        following = next(chunks, None)
        last = following is None
        digest.update(pending)
        out.write(aes.encrypt(_nonce(prefix, index), pending, _aad(index, last)))
        if last:
            return digest.hexdigest()
        pending, index = following, index + 1


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def _write_atomically(case_file: Path, write) -> str:
    """Run `write(out) -> sha` into a temporary file in the attachments folder, then rename it to
    its hash (kept once: a file already there is not written again). Returns the hash."""
    folder = blob_path(case_file, "x").parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            sha = write(out)
            out.flush()
            os.fsync(out.fileno())
        target = blob_path(case_file, sha)
        if target.exists() and is_encrypted(target):
            tmp.unlink()
        else:
            os.replace(tmp, target)
        return sha
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def store_file(case_file: Path, source: Path) -> str:
    """Keep an encrypted copy of `source`; returns the SHA-256 of its content (as read)."""
    aes = _cipher(case_file)
    return _write_atomically(case_file, lambda out: _encrypt_stream(aes, _file_chunks(source), out))


def store_bytes(case_file: Path, data: bytes, sha256: str) -> Path:
    """Keep `data` (downloaded, say), which must hash to `sha256`, encrypted. Returns its path."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BlobDamaged("下载的附件内容与其编号不符，未保存。", f"blob {sha256}: hash mismatch")
    aes = _cipher(case_file)
    chunks = iter([data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""])
    _write_atomically(case_file, lambda out: _encrypt_stream(aes, chunks, out))
    return blob_path(case_file, sha256)


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def _damaged(sha256: str, detail: str) -> BlobDamaged:
    return BlobDamaged(
        f"附件文件（{sha256[:12]}…）已损坏或缺失，无法读取。请从备份恢复，或重新同步。",
        f"blob {sha256}: {detail}",
    )


def iter_plain(case_file: Path, sha256: str) -> Iterator[bytes]:
    """The attachment's content, chunk by chunk. The hash is checked at the end: a caller that
    keeps what it reads must keep it only once the iteration finished without BlobDamaged."""
    path = blob_path(case_file, sha256)
    if not path.exists():
        raise _damaged(sha256, "missing")
    if not is_encrypted(path):
        yield from _plain_legacy(case_file, path, sha256)
        return
    aes = _cipher(case_file)
    digest = hashlib.sha256()
    with path.open("rb") as f:
        f.read(len(MAGIC))
        prefix = f.read(8)
        index = 0
        block = f.read(CHUNK + TAG)
        while True:
            following = f.read(CHUNK + TAG)
            last = not following
            try:
                plain = aes.decrypt(_nonce(prefix, index), block, _aad(index, last))
            except InvalidTag:
                raise _damaged(sha256, f"chunk {index} fails authentication") from None
            digest.update(plain)
            yield plain
            if last:
                break
            block, index = following, index + 1
    if digest.hexdigest() != sha256:
        raise _damaged(sha256, "content does not hash to its name")


def _plain_legacy(case_file: Path, path: Path, sha256: str) -> Iterator[bytes]:
    """A file kept before attachments were encrypted: checked, then encrypted in place."""
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise _damaged(sha256, "unencrypted and does not hash to its name")
    store_bytes(case_file, data, sha256)  # replaces the plain file atomically
    yield data


def read_plain(case_file: Path, sha256: str) -> bytes:
    """The attachment's whole content, checked against its hash."""
    return b"".join(iter_plain(case_file, sha256))


def export(case_file: Path, sha256: str, target: Path) -> Path:
    """Write the attachment's plaintext to `target` (to show or print it), atomically."""
    tmp = target.with_name(target.name + ".partial")
    try:
        with tmp.open("wb") as out:
            for chunk in iter_plain(case_file, sha256):
                out.write(chunk)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def encrypt_plain_blobs(case_file: Path) -> int:
    """Encrypt attachment files kept before encryption (checked against their hash first).
    Returns how many were converted; a file that does not match its name is left for a person."""
    folder = blob_path(case_file, "x").parent
    if not folder.is_dir():
        return 0
    done = 0
    for path in folder.iterdir():
        if path.name.startswith(".") or not path.is_file() or is_encrypted(path):
            continue
        try:
            read_plain(case_file, path.name)
            done += 1
        except BlobDamaged:
            continue
    return done
