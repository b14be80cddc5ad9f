"""The case file's encryption key: where it comes from, in one place.

Each case file has its own key: 32 random bytes, given to SQLCipher as a raw key (no key
derivation on open). The key is never written anywhere in plain text. Beside the case file a small
key file (`<name>.keys.json`, the case file's name up to its first dot, so `casefile.sqlite3` and
the files made from it while converting, recovering or restoring share `casefile.keys.json`)
records the file id, the cipher settings and the key *wrapped* (AES-256-GCM):

- under the recovery key, shown once at setup for the court's IT to keep on paper;
- in passphrase mode, under a key derived from the officer's passphrase with scrypt (while a
  passphrase that is also the sign-in password is being changed, under the old one as well: see
  `begin_passphrase_change`).

In keyring mode the key itself lives in the OS keyring (service "EnforcementWorkstation", user
"casefile:<file id>"). Where the OS has no keyring (headless Linux), the officer chooses a
passphrase instead; WORKSTATION_PASSPHRASE supplies it for unattended use, as restic and borg do.
An unwrapped key is kept in this process's memory only, so scrypt runs once per file per process.

Start-up: keyring and cryptography are imported only when a key must be looked up or unwrapped
(keyring mode needs no AES; passphrase mode needs no keyring), and the key check is HKDF written
over hashlib, so opening a file in keyring mode costs one keyring lookup and nothing else.
"""

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets as _random
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..ids import uuid7
from ..secrets import SERVICE, keyring_available
from .errors import (
    KeyFileDamaged,
    KeyMissing,
    KeyProblem,
    PassphraseNeeded,
    WrongPassphrase,
    WrongRecoveryKey,
)

log = logging.getLogger(__name__)

PASSPHRASE_ENV = "WORKSTATION_PASSPHRASE"
FORMAT = "enforcement-workstation-keys"
KEY_BYTES = 32
MIN_PASSPHRASE = 8
# SQLCipher 4 settings of new files, written down per file and applied explicitly on every open,
# so a later SQLCipher with other defaults, or a later default here, still opens older files.
# HMAC-SHA256 rather than SQLCipher's default SHA512: every page read is authenticated, and
# SHA-256 runs in hardware on current CPUs (SHA-NI). On this machine a 100,000-case file's
# start-up page reads took 7.2 ms with SHA512, 4.5 ms with SHA256 (plain 3.3 ms); a full scan
# 192 / 126 / 70 ms. Files made with HMAC_SHA512 keep it (their key file says so).
CIPHER = {
    "library": "sqlcipher",
    "compatibility": 4,
    "cipher_page_size": 4096,
    "cipher_hmac_algorithm": "HMAC_SHA256",
    "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA512",
    "kdf_iter": 256000,  # unused: the key is raw, so SQLCipher derives nothing on open
    "key": "raw 256-bit",
}
SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # 32 MiB, about 0.3 s here; once per file per process
RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32
RECOVERY_SECRET_BYTES = 20  # 160 bits: 32 base32 characters, then 8 of check
# The wrap under the passphrase being replaced, kept while a change of the sign-in password runs.
PREVIOUS_WRAP = "passphrase_previous"

_cache: dict[str, bytes] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Setup:
    """A new key: the file key, the recovery key to show once, and where the key is kept."""

    key: bytes
    recovery_key: str
    mode: str  # "keyring" or "passphrase"


def sidecar_path(case_file: Path) -> Path:
    """The key file beside `case_file`: its name up to the first dot, then `.keys.json`."""
    case_file = Path(case_file)
    return case_file.with_name(case_file.name.split(".")[0] + ".keys.json")


def forget_cached() -> None:
    """Drop every unwrapped key from this process's memory (tests; a locked session)."""
    with _cache_lock:
        _cache.clear()


# -- small pieces ------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _hkdf(secret: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    # RFC 5869 HKDF-SHA256 for one 32-byte block: the same bytes as cryptography's HKDF
    # (tests compare), without importing it at start-up.
    prk = hmac.digest(salt or bytes(32), secret, "sha256")
    return hmac.digest(prk, info + b"\x01", "sha256")


def derive(key: bytes, purpose: str) -> bytes:
    """A subkey of the file key for one purpose (attachments): HKDF-SHA256."""
    return _hkdf(key, f"enforcement-workstation {purpose}".encode())


def key_check(key: bytes) -> str:
    """A one-way fingerprint of the key, to tell a wrong key from a damaged file."""
    return derive(key, "key check")[:16].hex()


def _wrap(kek: bytes, key: bytes, file_id: str, purpose: str) -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    data = AESGCM(kek).encrypt(nonce, key, f"{file_id}|{purpose}".encode())
    return {"alg": "AES-256-GCM", "nonce": _b64(nonce), "data": _b64(data)}


def _unwrap(kek: bytes, wrapped: dict[str, Any], file_id: str, purpose: str) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(kek).decrypt(
            _unb64(wrapped["nonce"]), _unb64(wrapped["data"]), f"{file_id}|{purpose}".encode()
        )
    except InvalidTag:
        return None


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _recovery_kek(secret: bytes, salt: bytes) -> bytes:
    # The recovery secret is 160 random bits: a fast KDF is enough.
    return _hkdf(secret, b"enforcement-workstation recovery", salt)


# -- the recovery key --------------------------------------------------------------------------


def _base32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _recovery_check(secret: bytes) -> str:
    return _base32(hashlib.sha256(b"recovery key check" + secret).digest()[:5])


def format_recovery_key(secret: bytes) -> str:
    """8 groups of 5 base32 characters: 32 of secret, the last 8 a check against typing errors."""
    text = _base32(secret) + _recovery_check(secret)
    return "-".join(text[i : i + 5] for i in range(0, 40, 5))


def parse_recovery_key(text: str) -> bytes:
    """The secret in a typed recovery key; forgiving about case, spaces, dashes, 0/1/8."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    cleaned = cleaned.translate(str.maketrans("018", "OIB"))
    if len(cleaned) != 40 or any(ch not in RECOVERY_ALPHABET for ch in cleaned):
        raise WrongRecoveryKey(
            "恢复密钥的格式不对：应为 8 组、每组 5 个字母或数字（共 40 个）。"
            "请对照纸质记录重新输入。",
            f"recovery key: {len(cleaned)} characters after cleaning",
        )
    secret = base64.b32decode(cleaned[:32])
    if not hmac.compare_digest(_recovery_check(secret), cleaned[32:]):
        raise WrongRecoveryKey(
            "恢复密钥有输入错误（校验不符）。请对照纸质记录逐组核对后重新输入。",
            "recovery key: check group does not match",
        )
    return secret


# -- the key file ------------------------------------------------------------------------------


def _damaged(path: Path, detail: str) -> KeyFileDamaged:
    return KeyFileDamaged(
        f"案件数据的密钥文件“{path.name}”已损坏，无法打开案件数据；程序没有改动任何文件。"
        "请从备份恢复密钥文件，或用恢复密钥打开（workstation recover）。",
        f"{path}: {detail}",
    )


def read_sidecar(case_file: Path) -> dict[str, Any]:
    """The key file of `case_file`, checked for shape. Raises KeyFileDamaged."""
    path = sidecar_path(case_file)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileDamaged(
            f"找不到案件数据的密钥文件“{path.name}”（应在案件数据文件旁边），无法打开案件数据；"
            "程序没有改动任何文件。请从备份恢复密钥文件，或联系法院信息技术人员。",
            f"{path}: missing",
        ) from None
    except OSError as exc:
        raise _damaged(path, f"unreadable: {exc}") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
        if data.get("format") != FORMAT or data.get("version") != 1:
            raise ValueError(f"format {data.get('format')!r} version {data.get('version')!r}")
        if data["mode"] not in ("keyring", "passphrase"):
            raise ValueError(f"mode {data['mode']!r}")
        for field in ("file_id", "key_check"):
            if not isinstance(data[field], str):
                raise ValueError(field)
        if not isinstance(data["cipher"], dict) or "recovery" not in data["wrapped"]:
            raise ValueError("cipher or recovery wrap missing")
        if data["mode"] == "passphrase" and "passphrase" not in data["wrapped"]:
            raise ValueError("passphrase mode without a passphrase wrap")
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise _damaged(path, f"invalid: {exc}") from exc
    return data


def _write_sidecar(case_file: Path, data: dict[str, Any]) -> None:
    path = sidecar_path(case_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".new")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no directory fsync)."""
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def cipher_settings(case_file: Path) -> dict[str, Any]:
    """The SQLCipher settings recorded for `case_file` (those of new files if it has none)."""
    try:
        return read_sidecar(case_file)["cipher"]
    except KeyFileDamaged:
        return dict(CIPHER)


def _keyring_user(file_id: str) -> str:
    return f"casefile:{file_id}"


def _passphrase_wrap(key: bytes, file_id: str, passphrase: str) -> dict[str, Any]:
    salt = os.urandom(16)
    kek = _scrypt(passphrase, salt, **SCRYPT)
    return {"kdf": "scrypt", **SCRYPT, "salt": _b64(salt), **_wrap(kek, key, file_id, "passphrase")}


def check_passphrase(passphrase: str) -> None:
    """The rule for a new passphrase; KeyProblem (in Chinese) if it is not met."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeyProblem(
            f"口令太短：至少 {MIN_PASSPHRASE} 个字符。",
            f"passphrase of {len(passphrase)} characters",
        )


def _store_in_keyring(file_id: str, key: bytes) -> None:
    import keyring
    import keyring.errors

    try:
        keyring.set_password(SERVICE, _keyring_user(file_id), key.hex())
    except keyring.errors.KeyringError as exc:
        raise KeyProblem(
            "无法把案件数据的密钥存入系统钥匙串，案件数据没有建立。请联系法院信息技术人员。",
            f"keyring write failed: {exc}",
        ) from exc


# -- setting up, finding, recovering -----------------------------------------------------------


def setup(case_file: Path, *, passphrase: str | None = None) -> Setup:
    """Make a new key for `case_file` and its key file. Returns the key and the recovery key,
    which the caller shows once. Keyring mode where the OS has a keyring, else passphrase mode
    (the passphrase given, else $WORKSTATION_PASSPHRASE; neither: PassphraseNeeded)."""
    case_file = Path(case_file)
    key = os.urandom(KEY_BYTES)
    file_id = uuid7()
    recovery_secret = os.urandom(RECOVERY_SECRET_BYTES)
    recovery_salt = os.urandom(16)
    wrapped: dict[str, Any] = {
        "recovery": {
            "kdf": "HKDF-SHA256",
            "salt": _b64(recovery_salt),
            **_wrap(_recovery_kek(recovery_secret, recovery_salt), key, file_id, "recovery"),
        }
    }
    if passphrase is None and keyring_available():
        mode = "keyring"
        _store_in_keyring(file_id, key)
    else:
        mode = "passphrase"
        passphrase = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV)
        if not passphrase:
            raise PassphraseNeeded(
                "本机没有系统钥匙串，需要设定一个口令来保护案件数据（至少 8 个字符）。"
                f"命令行使用时可设置环境变量 {PASSPHRASE_ENV}。",
                "setup: no keyring and no passphrase",
            )
        check_passphrase(passphrase)
        wrapped["passphrase"] = _passphrase_wrap(key, file_id, passphrase)
    _write_sidecar(
        case_file,
        {
            "format": FORMAT,
            "version": 1,
            "file_id": file_id,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": mode,
            "cipher": dict(CIPHER),
            "key_check": key_check(key),
            "wrapped": wrapped,
        },
    )
    with _cache_lock:
        _cache[file_id] = key
    log.info("new key for %s (file id %s, %s mode)", case_file, file_id, mode)
    return Setup(key, format_recovery_key(recovery_secret), mode)


def needs_passphrase(case_file: Path) -> bool:
    """Whether opening `case_file` needs a passphrase the program does not have yet (the window
    asks for it then). False when there is nothing to unlock or the key is at hand."""
    try:
        data = read_sidecar(case_file)
    except KeyFileDamaged:
        return False  # opening says what is wrong
    if data["mode"] != "passphrase" or data["file_id"] in _cache:
        return False
    return not os.environ.get(PASSPHRASE_ENV)


def key_for(case_file: Path, *, passphrase: str | None = None, create: bool = False) -> bytes:
    """The key of `case_file`, from this process's memory, the keyring or the passphrase.

    With `create` and no key file yet, a new key is made (see `setup`; its recovery key is
    then only in the key file's wrap, and `new_recovery_key` can make another to show).
    Raises KeyFileDamaged, KeyMissing, PassphraseNeeded or WrongPassphrase.
    """
    case_file = Path(case_file)
    if create and not sidecar_path(case_file).exists():
        return setup(case_file, passphrase=passphrase).key
    data = read_sidecar(case_file)
    file_id = data["file_id"]
    with _cache_lock:
        cached = _cache.get(file_id)
    if cached is not None:
        return cached
    if data["mode"] == "keyring":
        key = _key_from_keyring(case_file, file_id)
    else:
        key = _key_from_passphrase(case_file, data, passphrase)
    if not hmac.compare_digest(key_check(key), data["key_check"]):
        raise KeyMissing(
            "本机钥匙串中的密钥与这份案件数据不符，无法打开；程序没有改动它。"
            "请用恢复密钥打开（workstation recover），或联系法院信息技术人员。",
            f"{case_file}: key check mismatch for file id {file_id}",
        )
    with _cache_lock:
        _cache[file_id] = key
    return key


def _key_from_keyring(case_file: Path, file_id: str) -> bytes:
    missing = KeyMissing(
        "本机没有这份案件数据的密钥（它是在另一台电脑上建立的，或系统钥匙串被重置），"
        "无法打开；程序没有改动它。请用法院信息技术人员保存的恢复密钥打开："
        "workstation recover --recovery-key …",
        f"{case_file}: no key in the keyring for casefile:{file_id}",
    )
    if not keyring_available():
        raise missing
    import keyring
    import keyring.errors

    try:
        stored = keyring.get_password(SERVICE, _keyring_user(file_id))
    except keyring.errors.KeyringError as exc:
        log.warning("keyring read failed: %s", exc)
        raise missing from exc
    if not stored:
        raise missing
    try:
        key = bytes.fromhex(stored)
    except ValueError:
        raise missing from None
    if len(key) != KEY_BYTES:
        raise missing
    return key


def _key_from_passphrase(case_file: Path, data: dict[str, Any], passphrase: str | None) -> bytes:
    passphrase = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        raise PassphraseNeeded(
            "这份案件数据受口令保护，请输入口令。"
            f"（命令行使用时可设置环境变量 {PASSPHRASE_ENV}。）",
            f"{case_file}: passphrase mode, no passphrase given",
        )
    opened = _unwrap_passphrase(case_file, data, passphrase)
    if opened is None:
        raise WrongPassphrase(
            "口令不对，无法打开案件数据；程序没有改动它。请重新输入（注意大小写和输入法）。",
            f"{case_file}: passphrase does not unwrap the key",
        )
    return opened[1]


def _unwrap_passphrase(
    case_file: Path, data: dict[str, Any], passphrase: str
) -> tuple[str, bytes] | None:
    """Which passphrase wrap `passphrase` opens ("passphrase", or the previous one while a change
    runs) and the key in it; None if neither."""
    for name in ("passphrase", PREVIOUS_WRAP):
        wrap = data["wrapped"].get(name)
        if wrap is None:
            continue
        try:
            kek = _scrypt(
                passphrase, _unb64(wrap["salt"]), int(wrap["n"]), int(wrap["r"]), int(wrap["p"])
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise _damaged(sidecar_path(case_file), f"{name} wrap: {exc}") from exc
        key = _unwrap(kek, wrap, data["file_id"], "passphrase")
        if key is not None and hmac.compare_digest(key_check(key), data["key_check"]):
            return name, key
    return None


def begin_passphrase_change(case_file: Path, old: str, new: str) -> bool:
    """The first step of changing a sign-in password that also protects the case file: wrap its
    key under `new` as well, keeping the wrap under `old` beside it, so that whichever of the two
    is the sign-in password after a crash opens the file. `settle_passphrase` ends the change.
    False, and nothing written, if the file is not protected by `old` (keyring mode, another
    passphrase, no key file yet)."""
    case_file = Path(case_file)
    if not sidecar_path(case_file).exists():
        return False
    data = read_sidecar(case_file)
    if data["mode"] != "passphrase":
        return False
    opened = _unwrap_passphrase(case_file, data, old)
    if opened is None:
        return False
    check_passphrase(new)
    which, key = opened
    wrapped = dict(data["wrapped"])
    wrapped[PREVIOUS_WRAP] = wrapped[which]
    wrapped["passphrase"] = _passphrase_wrap(key, data["file_id"], new)
    _write_sidecar(case_file, {**data, "wrapped": wrapped})
    with _cache_lock:
        _cache[data["file_id"]] = key
    log.info("passphrase change of %s begun (both passphrases open it)", case_file)
    return True


def settle_passphrase(case_file: Path, passphrase: str) -> bool:
    """End a passphrase change begun by `begin_passphrase_change`: keep only the wrap that
    `passphrase` (the sign-in password in effect) opens, so the other stops working. Also run at
    sign-in, to end a change a crash interrupted. True if the key file was rewritten; nothing is
    done when no change is under way or `passphrase` opens neither wrap."""
    case_file = Path(case_file)
    if not sidecar_path(case_file).exists():
        return False
    data = read_sidecar(case_file)
    if PREVIOUS_WRAP not in data["wrapped"]:
        return False
    opened = _unwrap_passphrase(case_file, data, passphrase)
    if opened is None:
        return False
    wrapped = {name: w for name, w in data["wrapped"].items() if name != PREVIOUS_WRAP}
    wrapped["passphrase"] = data["wrapped"][opened[0]]
    _write_sidecar(case_file, {**data, "wrapped": wrapped})
    log.info("passphrase change of %s settled (%s wrap kept)", case_file, opened[0])
    return True


def recover(case_file: Path, recovery_key: str, *, new_passphrase: str | None = None) -> bytes:
    """Open `case_file` on this computer with its recovery key: the key goes into this
    computer's keyring, or (no keyring, or `new_passphrase` given) under a new passphrase."""
    case_file = Path(case_file)
    data = read_sidecar(case_file)
    secret = parse_recovery_key(recovery_key)
    wrap = data["wrapped"]["recovery"]
    try:
        kek = _recovery_kek(secret, _unb64(wrap["salt"]))
    except (KeyError, ValueError) as exc:
        raise _damaged(sidecar_path(case_file), f"recovery wrap: {exc}") from exc
    key = _unwrap(kek, wrap, data["file_id"], "recovery")
    if key is None or not hmac.compare_digest(key_check(key), data["key_check"]):
        raise WrongRecoveryKey(
            "这个恢复密钥打不开这份案件数据（可能是另一份数据的恢复密钥）；程序没有改动它。",
            f"{case_file}: recovery key does not unwrap the key",
        )
    _keep_key(case_file, data, key, new_passphrase)
    return key


def change_passphrase(case_file: Path, new_passphrase: str) -> None:
    """Protect the (unlocked) key of `case_file` with a new passphrase."""
    case_file = Path(case_file)
    data = read_sidecar(case_file)
    _keep_key(case_file, data, key_for(case_file), new_passphrase)


def _keep_key(
    case_file: Path, data: dict[str, Any], key: bytes, new_passphrase: str | None
) -> None:
    file_id = data["file_id"]
    wrapped = dict(data["wrapped"])
    wrapped.pop(PREVIOUS_WRAP, None)  # a new passphrase (or the keyring) replaces both
    if new_passphrase is None and keyring_available():
        _store_in_keyring(file_id, key)
        wrapped.pop("passphrase", None)
        mode = "keyring"
    else:
        new_passphrase = new_passphrase or os.environ.get(PASSPHRASE_ENV)
        if not new_passphrase:
            raise PassphraseNeeded(
                "本机没有系统钥匙串，请为这份案件数据设定一个新口令（至少 8 个字符）。",
                "recover: no keyring and no new passphrase",
            )
        check_passphrase(new_passphrase)
        wrapped["passphrase"] = _passphrase_wrap(key, file_id, new_passphrase)
        mode = "passphrase"
    _write_sidecar(case_file, {**data, "mode": mode, "wrapped": wrapped})
    with _cache_lock:
        _cache[file_id] = key
    log.info("key of %s kept in %s mode", case_file, mode)


def new_recovery_key(case_file: Path) -> str:
    """Replace the recovery key of `case_file` (its key unlocked) by a new one; returns it, to be
    shown once. The old recovery key stops working."""
    case_file = Path(case_file)
    data = read_sidecar(case_file)
    key = key_for(case_file)
    secret = os.urandom(RECOVERY_SECRET_BYTES)
    salt = os.urandom(16)
    wrapped = dict(data["wrapped"])
    wrapped["recovery"] = {
        "kdf": "HKDF-SHA256",
        "salt": _b64(salt),
        **_wrap(_recovery_kek(secret, salt), key, data["file_id"], "recovery"),
    }
    _write_sidecar(case_file, {**data, "wrapped": wrapped})
    return format_recovery_key(secret)


def random_passphrase() -> str:
    """A passphrase for a demo file on a box without a keyring (never for real data)."""
    return _random.token_urlsafe(12)
