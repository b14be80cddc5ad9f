"""The officers who sign in to this computer: accounts, passwords, failed attempts.

Several officers can share a laptop; each has an account and a case file of their own. The
accounts file (`accounts.json` in the data directory) holds, per officer: the user name, the name
shown, where their case file is, the password's scrypt hash with its parameters (never the
password), and the failed attempts since the last good one with the time until which signing in is
refused. After MAX_FAILURES wrong passwords in a row each further one makes the officer wait,
30 s, 60 s, 120 s ... (at most an hour); the wait is in the file, so restarting does not skip it.

Layout: the first account keeps the data directory's own `casefile.sqlite3` (the single-officer
layout from before sign-in, so an existing file opens as it did); later accounts get
`officers/<user name>/casefile.sqlite3`. The sign-in protects the open program; the case file's
encryption (store/keys.py) protects the file, and the CLI uses that key source directly. Where
there is no keyring the case file's key is usually wrapped under the sign-in password itself;
`change_password` then changes both together.
"""

import base64
import hashlib
import hmac
import json
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .paths import CASE_FILE_NAME
from .store import keys
from .store.errors import CaseFileError
from .store.lock import exclusive

log = logging.getLogger(__name__)

ACCOUNTS_FILE = "accounts.json"
FORMAT = "enforcement-workstation-accounts"
OFFICERS_DIR = "officers"
MIN_PASSWORD = 8
MAX_FAILURES = 5  # wrong passwords in a row before each further one makes the officer wait
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
# 16 MiB, about 0.1 s here: paid once per sign-in and unlock, not per case file open.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")


class AccountError(CaseFileError):
    """Something about an account the officer can fix (the message says what)."""


class SignInRefused(AccountError):
    """A wrong user name or password, or signing in is refused for a while."""

    def __init__(self, message: str, detail: str, wait_seconds: int = 0) -> None:
        super().__init__(message, detail)
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    case_file: Path  # absolute


def _now() -> datetime:
    return datetime.now(UTC)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _hash(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * r * n + 2**20, dklen=32
    )


def wait_text(seconds: int) -> str:
    """How long to wait, in Chinese: 45 秒, 2 分钟, 1 分 30 秒."""
    if seconds < 60:
        return f"{seconds} 秒"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} 分钟" if not rest else f"{minutes} 分 {rest} 秒"


def check_new_password(password: str) -> None:
    """The rule for a new password (a new account's or a changed one); AccountError if not met."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符。", "password too short")


def wait_after(failures: int) -> timedelta:
    """The wait after `failures` wrong passwords in a row: none up to MAX_FAILURES, then 30 s,
    doubling with each further wrong password, at most LONGEST_WAIT."""
    if failures < MAX_FAILURES:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** (failures - MAX_FAILURES), LONGEST_WAIT)


class Accounts:
    """The accounts file of one data directory. Each method reads the file afresh and writes it
    whole (new file, fsync, rename), so two program windows never see half a file; a change is
    read, made and written under an OS lock (`accounts.json.lock`), so two program instances on
    one data directory never lose each other's changes (a new account, a counted failure)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / ACCOUNTS_FILE

    # -- the file ----------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Around a read, change and write of the file: one process at a time."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            with exclusive(self.path.with_name(self.path.name + ".lock")):
                yield
        except TimeoutError as exc:
            raise AccountError(
                "登录账号文件正被另一个工作站程序使用，请稍后再试。", f"{self.path}: {exc}"
            ) from exc

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"format": FORMAT, "version": 1, "accounts": {}, "last_user": ""}
        except (OSError, ValueError) as exc:
            raise self._damaged(str(exc)) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != 1:
            raise self._damaged("not an accounts file of version 1")
        if not isinstance(data.get("accounts"), dict):
            raise self._damaged("no accounts table")
        return data

    def _damaged(self, detail: str) -> AccountError:
        return AccountError(
            f"登录账号文件“{self.path}”已损坏，无法登录；程序没有改动它。"
            "请从备份恢复该文件，或联系法院信息技术人员。",
            f"{self.path}: {detail}",
        )

    def _write(self, data: dict[str, Any]) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".new")
        with tmp.open("w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        keys.fsync_dir(self.data_dir)  # a password change relies on this rename being on disk

    # -- reading -----------------------------------------------------------------------------
    def _account(self, username: str, entry: dict[str, Any]) -> Account:
        return Account(
            username, entry.get("display_name", username), self.data_dir / entry["case_file"]
        )

    def list(self) -> list[Account]:
        """Every account, in the order they were made."""
        return [self._account(name, entry) for name, entry in self._read()["accounts"].items()]

    def last_user(self) -> str:
        """Who signed in last (the sign-in window offers that name first)."""
        return str(self._read().get("last_user", ""))

    def case_file_of(self, username: str) -> Path | None:
        entry = self._read()["accounts"].get(username)
        return None if entry is None else self.data_dir / entry["case_file"]

    # -- making ------------------------------------------------------------------------------
    def create(self, username: str, display_name: str, password: str) -> Account:
        """A new account. The first keeps the data directory's own case file; later ones get
        officers/<username>/casefile.sqlite3. Raises AccountError saying what to change."""
        username = username.strip().lower()
        if not USERNAME.fullmatch(username):
            raise AccountError(
                "用户名应为 2 至 32 个小写英文字母、数字或 . _ -，"
                "以字母或数字开头（如 zhangwei）。",
                f"username {username!r}",
            )
        check_new_password(password)
        display_name = display_name.strip() or username
        password_hash = self._new_hash(password)
        with self._changing():
            data = self._read()
            if username in data["accounts"]:
                raise AccountError(f"用户名“{username}”已经有了，请换一个。", f"{username} exists")
            if data["accounts"]:
                case_file = f"{OFFICERS_DIR}/{username}/{CASE_FILE_NAME}"
            else:
                case_file = CASE_FILE_NAME
            data["accounts"][username] = {
                "display_name": display_name,
                "case_file": case_file,
                "password": password_hash,
                "failures": 0,
                "refused_until": None,
                "created": _now().isoformat(timespec="seconds"),
            }
            data["last_user"] = username
            self._write(data)
        return self._account(username, data["accounts"][username])

    @staticmethod
    def _new_hash(password: str) -> dict[str, Any]:
        salt = os.urandom(16)
        return {
            "kdf": "scrypt",
            **SCRYPT,
            "salt": _b64(salt),
            "hash": _b64(_hash(password, salt, **SCRYPT)),
        }

    def change_password(self, username: str, old: str, new: str) -> bool:
        """Replace the password. The new one follows the rules of `create`; the old one is
        checked like a sign-in, so a wrong one counts towards the wait (and is refused unchecked
        while a wait runs). Raises AccountError (SignInRefused for the old password).

        When the officer's case file is protected by a passphrase equal to the old password (a
        file set up after sign-in on a computer without a keyring), its key is wrapped under the
        new password in the same change, so the next start opens it without asking; returns
        whether it was. A file protected otherwise is left alone.

        Three writes, each atomic (new file, fsync, rename): (1) the key file gets the wrap under
        the new password, keeping the old wrap; (2) the accounts file gets the new hash; (3) the
        old wrap is dropped. After a crash between them both passwords open the key, so whichever
        the accounts file holds does; the next sign-in ends the change (keys.settle_passphrase).
        If (2) fails, (1) is undone and the old password stays in force everywhere."""
        username = username.strip().lower()
        check_new_password(new)
        if new == old:
            raise AccountError("新密码与当前密码相同，请换一个。", "new password equals old")
        account = self._verify(username, old, wrong="当前密码不对")
        try:
            rewrapped = keys.begin_passphrase_change(account.case_file, old, new)
        except OSError as exc:
            raise AccountError(
                "新密码没有保存：无法写入案件数据的密钥文件（磁盘已满或没有写入权限）。"
                "密码仍是原来的。请联系法院信息技术人员。",
                f"{keys.sidecar_path(account.case_file)}: {exc}",
            ) from exc
        try:
            new_hash = self._new_hash(new)
            with self._changing():
                data = self._read()
                data["accounts"][username]["password"] = new_hash
                self._write(data)
        except BaseException as exc:
            if rewrapped:
                try:
                    keys.settle_passphrase(account.case_file, old)
                except Exception:  # both passwords still open it; the next sign-in settles it
                    log.exception("could not undo the passphrase change of %s", account.case_file)
            if isinstance(exc, OSError):
                raise AccountError(
                    f"新密码没有保存：无法写入登录账号文件“{self.path}”（磁盘已满或没有写入权限）。"
                    "密码仍是原来的。请联系法院信息技术人员。",
                    f"{self.path}: {exc}",
                ) from exc
            raise
        log.info("password of %s changed (case file key rewrapped: %s)", username, rewrapped)
        if rewrapped:
            try:
                keys.settle_passphrase(account.case_file, new)
            except (OSError, CaseFileError) as exc:  # the new password opens it; settled later
                log.warning("old passphrase wrap of %s not yet dropped: %s", account.case_file, exc)
        return rewrapped

    # -- signing in --------------------------------------------------------------------------
    def refused_for(self, username: str, now: datetime | None = None) -> int:
        """Seconds until `username` may try again (0: now)."""
        entry = self._read()["accounts"].get(username)
        if entry is None or not entry.get("refused_until"):
            return 0
        left = datetime.fromisoformat(entry["refused_until"]) - (now or _now())
        return max(0, int(left.total_seconds() + 0.999))

    def verify(self, username: str, password: str, now: datetime | None = None) -> Account:
        """The account, if `password` is its password. Otherwise SignInRefused, with the wrong
        attempt counted (and, past MAX_FAILURES, a wait set), or refused unchecked while a wait
        runs. The comparison is constant-time; an unknown user name costs the same hash."""
        return self._verify(username, password, now)

    def _verify(
        self,
        username: str,
        password: str,
        now: datetime | None = None,
        wrong: str = "用户名或密码不对",
    ) -> Account:
        # Under the lock: two instances checking at once must each count their failure.
        with self._changing():
            return self._check(username, password, now, wrong)

    def _check(self, username: str, password: str, now: datetime | None, wrong: str) -> Account:
        now = now or _now()
        username = username.strip().lower()
        data = self._read()
        entry = data["accounts"].get(username)
        if entry is not None and (wait := self.refused_for(username, now)):
            raise SignInRefused(
                f"密码连续输错 {entry['failures']} 次，请等 {wait_text(wait)}后再试。",
                f"{username}: refused for {wait} s",
                wait,
            )
        stored = (entry or {}).get("password") or {"salt": _b64(bytes(16)), "hash": "", **SCRYPT}
        try:
            got = _hash(
                password,
                base64.b64decode(stored["salt"]),
                int(stored["n"]),
                int(stored["r"]),
                int(stored["p"]),
            )
            expected = base64.b64decode(stored["hash"])
        except (KeyError, ValueError, TypeError) as exc:
            raise self._damaged(f"{username}: password entry: {exc}") from exc
        if entry is not None and hmac.compare_digest(got, expected):
            if (
                entry.get("failures")
                or entry.get("refused_until")
                or data.get("last_user") != username
            ):
                entry["failures"] = 0
                entry["refused_until"] = None
                data["last_user"] = username
                self._write(data)
            return self._account(username, entry)
        if entry is None:
            raise SignInRefused(f"{wrong}，请重新输入。", f"no account {username!r}")
        entry["failures"] = int(entry.get("failures", 0)) + 1
        wait = wait_after(entry["failures"])
        entry["refused_until"] = (now + wait).isoformat() if wait else None
        self._write(data)
        if wait:
            seconds = int(wait.total_seconds())
            raise SignInRefused(
                f"密码连续输错 {entry['failures']} 次，请等 {wait_text(seconds)}后再试。",
                f"{username}: failure {entry['failures']}, refused for {seconds} s",
                seconds,
            )
        left = MAX_FAILURES - entry["failures"]
        raise SignInRefused(
            f"{wrong}，请重新输入（再输错 {left} 次将须等待后才能再试）。",
            f"{username}: failure {entry['failures']}",
        )
