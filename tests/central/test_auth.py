"""Signing in, tokens, and refusing requests without a valid one."""

import pytest
from sqlalchemy import select, update

from central import admin, auth
from central.auth import FAILURE_LIMIT, token_digest
from central.tables import tokens

from .helpers import PASSWORD, Central


def test_sign_in_gives_a_token_that_opens_the_api(central: Central):
    central.add_account("zhangwei", name="张伟")
    reply = central.sign_in("zhangwei")
    assert reply.status_code == 200
    body = reply.json()
    assert len(body["token"]) >= 40
    assert body["expires_at"].endswith("Z")
    assert body["account"] == {
        "username": "zhangwei",
        "display_name": "张伟",
        "role": "officer",
        "court_code": "豫0302",
    }
    status = central.client(body["token"]).get("/status")
    assert status.status_code == 200
    assert status.json()["account"]["username"] == "zhangwei"
    assert status.json()["latest_seq"] == 0
    assert status.json()["server_time"].endswith("Z")


def test_passwords_are_hashed_with_scrypt_and_a_random_salt(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(auth, "SCRYPT_N", 2**14)  # undo the tests' cheaper hashing
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first.startswith("scrypt$16384$8$1$")
    assert first != second
    assert PASSWORD not in first
    assert auth.check_password(PASSWORD, first)
    assert not auth.check_password(PASSWORD + "x", first)


def test_only_the_tokens_hash_is_stored(central: Central):
    central.add_account("zhangwei")
    token = central.sign_in("zhangwei").json()["token"]
    with central.database().read() as conn:
        stored = conn.execute(select(tokens.c.token_sha256)).scalars().all()
    assert stored == [token_digest(token)]


def test_wrong_password_and_unknown_user_get_the_same_answer(central: Central):
    central.add_account("zhangwei")
    wrong = central.sign_in("zhangwei", "not the password")
    unknown = central.sign_in("nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["reason"] == unknown.json()["reason"] == "用户名或密码错误。"


def test_repeated_failures_lock_the_user_name_but_not_others(central: Central):
    central.add_account("zhangwei")
    central.add_account("lina")
    for _ in range(FAILURE_LIMIT):
        assert central.sign_in("zhangwei", "guess").status_code == 401
    locked = central.sign_in("zhangwei")  # even the right password, until the window passes
    assert locked.status_code == 429
    assert "15 分钟" in locked.json()["reason"]
    assert central.sign_in("lina").status_code == 200


def test_requests_without_a_valid_token_are_refused_in_chinese(central: Central):
    client = central.client()
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        reply = client.get("/changes", headers=headers)
        assert reply.status_code == 401
        assert "登录" in reply.json()["reason"]


def test_expired_token_is_refused(central: Central):
    central.add_account("zhangwei")
    token = central.sign_in("zhangwei").json()["token"]
    with central.database().write() as conn:
        conn.execute(
            update(tokens)
            .where(tokens.c.token_sha256 == token_digest(token))
            .values(expires_at="2020-01-01T00:00:00.000Z")
        )
    reply = central.client(token).get("/status")
    assert reply.status_code == 401
    assert reply.json()["reason"] == "登录已过期，请重新登录。"


def test_signed_out_token_is_refused(central: Central):
    central.add_account("zhangwei")
    token = central.sign_in("zhangwei").json()["token"]
    client = central.client(token)
    assert client.delete("/session").status_code == 200
    reply = client.get("/status")
    assert reply.status_code == 401
    assert reply.json()["reason"] == "登录凭据已注销，请重新登录。"


def test_revoking_an_account_refuses_all_its_tokens(central: Central):
    central.add_account("zhangwei")
    first = central.client(central.sign_in("zhangwei").json()["token"])
    second = central.client(central.sign_in("zhangwei").json()["token"])
    assert admin.revoke(central.database(), "zhangwei") == 2
    assert first.get("/summary").status_code == 401
    assert second.get("/summary").status_code == 401
    assert central.sign_in("zhangwei", PASSWORD).status_code == 200  # signing in again works
