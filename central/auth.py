"""Accounts, passwords, tokens, and who may see and change which cases.

Passwords: scrypt with a random salt, parameters stored with the hash. Tokens: random, handed to
the workstation once; only their SHA-256 is stored. Failed sign-ins are counted per user name in
the database, so the limit holds across server instances.
"""

import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from .errors import ApiError
from .tables import accounts, courts, sign_in_failures, tokens

OFFICER = "officer"
COURT_MANAGER = "court_manager"
INTERMEDIATE_MANAGER = "intermediate_manager"
ADMIN = "admin"
ROLES = {
    OFFICER: "承办人",
    COURT_MANAGER: "法院执行局管理人员",
    INTERMEDIATE_MANAGER: "中级法院管理人员",
    ADMIN: "系统管理员",
}

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
FAILURE_LIMIT = 10  # failed sign-ins per user name within FAILURE_WINDOW refuse the next ones
FAILURE_WINDOW = timedelta(minutes=15)


def iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now() -> datetime:
    return datetime.now(UTC)


# -- passwords -------------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    salt = os.urandom(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${key.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(key) // 2,
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), key)


@functools.cache
def _unknown_user_hash() -> str:
    """A hash to check against when the user name is unknown, so the answer takes as long."""
    return hash_password(secrets.token_hex(8))


# -- who is asking ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Actor:
    """The account behind a request, and the courts whose cases it may read (None: every court;
    officers read the cases assigned to them, whatever `read_courts` says)."""

    account_id: int
    username: str
    display_name: str
    role: str
    court_code: str
    read_courts: tuple[str, ...] | None = None

    def as_json(self) -> dict[str, str]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "court_code": self.court_code,
        }


def read_courts(conn: Connection, role: str, court_code: str) -> tuple[str, ...] | None:
    """An intermediate court's managers read its basic courts (and its own cases); a court's
    managers read that court; administrators read everything."""
    if role == ADMIN:
        return None
    if role == INTERMEDIATE_MANAGER:
        below = conn.execute(select(courts.c.code).where(courts.c.parent == court_code)).scalars()
        return (court_code, *below)
    return (court_code,)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


UNAUTHORISED = "登录凭据无效，请重新登录。"


def authenticate(conn: Connection, authorization: str | None) -> Actor:
    """The Actor of an `Authorization: Bearer TOKEN` header; ApiError 401 if there is none."""
    if not authorization:
        raise ApiError(401, "缺少登录凭据，请先登录。", "no Authorization header")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise ApiError(401, UNAUTHORISED, "not a bearer token")
    row = conn.execute(
        select(
            tokens.c.expires_at,
            tokens.c.revoked_at,
            accounts.c.id,
            accounts.c.username,
            accounts.c.display_name,
            accounts.c.role,
            accounts.c.court_code,
            accounts.c.active,
        )
        .join(accounts, accounts.c.id == tokens.c.account_id)
        .where(tokens.c.token_sha256 == token_digest(token))
    ).first()
    if row is None:
        raise ApiError(401, UNAUTHORISED, "unknown token")
    if row.revoked_at is not None:
        raise ApiError(401, "登录凭据已注销，请重新登录。", "revoked token")
    if row.expires_at <= iso(now()):
        raise ApiError(401, "登录已过期，请重新登录。", "expired token")
    if not row.active:
        raise ApiError(401, "账号已停用，请联系法院信息技术人员。", "inactive account")
    return Actor(
        row.id,
        row.username,
        row.display_name,
        row.role,
        row.court_code,
        read_courts(conn, row.role, row.court_code),
    )


def recent_failures(conn: Connection, username: str) -> int:
    since = iso(now() - FAILURE_WINDOW)
    return conn.execute(
        select(func.count())
        .select_from(sign_in_failures)
        .where(and_(sign_in_failures.c.username == username, sign_in_failures.c.at > since))
    ).scalar_one()


def find_account(conn: Connection, username: str):  # -> Row | None
    return conn.execute(select(accounts).where(accounts.c.username == username)).first()


TOO_MANY_FAILURES = "登录失败次数过多，请 15 分钟后再试；如忘记密码，请联系法院信息技术人员。"
WRONG_PASSWORD = "用户名或密码错误。"


def check_sign_in(conn: Connection, username: str, password: str):  # -> Row
    """The account row if the password is right; ApiError 429 or 401 otherwise (the caller
    records the failure in its own transaction, since this one is read-only)."""
    if recent_failures(conn, username) >= FAILURE_LIMIT:
        raise ApiError(429, TOO_MANY_FAILURES, f"sign-in rate limit for {username!r}")
    account = find_account(conn, username)
    stored = account.password_hash if account is not None else _unknown_user_hash()
    ok = check_password(password, stored)
    if account is None or not ok:
        raise ApiError(401, WRONG_PASSWORD, f"bad sign-in for {username!r}")
    if not account.active:
        raise ApiError(401, "账号已停用，请联系法院信息技术人员。", f"inactive {username!r}")
    return account


def record_failure(conn: Connection, username: str) -> None:
    conn.execute(
        delete(sign_in_failures).where(
            and_(
                sign_in_failures.c.username == username,
                sign_in_failures.c.at <= iso(now() - FAILURE_WINDOW),
            )
        )
    )
    conn.execute(insert(sign_in_failures).values(username=username, at=iso(now())))


def issue_token(conn: Connection, account_id: int, device: str, days: float) -> tuple[str, str]:
    """A new token for the account: (token, expires_at). Clears the user's failure count."""
    token = secrets.token_urlsafe(32)
    created = now()
    expires = iso(created + timedelta(days=days))
    conn.execute(
        insert(tokens).values(
            token_sha256=token_digest(token),
            account_id=account_id,
            device=device,
            created_at=iso(created),
            expires_at=expires,
            revoked_at=None,
        )
    )
    return token, expires


def clear_failures(conn: Connection, username: str) -> None:
    conn.execute(delete(sign_in_failures).where(sign_in_failures.c.username == username))


def revoke_token(conn: Connection, token: str) -> None:
    conn.execute(
        update(tokens)
        .where(and_(tokens.c.token_sha256 == token_digest(token), tokens.c.revoked_at.is_(None)))
        .values(revoked_at=iso(now()))
    )


def revoke_account_tokens(conn: Connection, account_id: int) -> int:
    return conn.execute(
        update(tokens)
        .where(and_(tokens.c.account_id == account_id, tokens.c.revoked_at.is_(None)))
        .values(revoked_at=iso(now()))
    ).rowcount
