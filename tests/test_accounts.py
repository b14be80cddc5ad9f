"""Officer accounts: made, checked, wrong passwords limited across restarts."""

import contextlib
import json
import multiprocessing
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workstation import accounts
from workstation.accounts import AccountError, Accounts, SignInRefused, wait_after, wait_text
from workstation.store import keys
from workstation.store.errors import WrongPassphrase

PASSWORD = "correct-horse"


@pytest.fixture
def store(tmp_path: Path) -> Accounts:
    return Accounts(tmp_path)


def test_first_account_keeps_the_data_dirs_own_case_file(store, tmp_path):
    first = store.create("zhangwei", "张伟", PASSWORD)
    second = store.create("lina", "李娜", PASSWORD)
    assert first.case_file == tmp_path / "casefile.sqlite3"
    assert second.case_file == tmp_path / "officers" / "lina" / "casefile.sqlite3"
    assert [a.display_name for a in store.list()] == ["张伟", "李娜"]


def test_the_file_holds_no_password(store):
    store.create("zhangwei", "张伟", PASSWORD)
    text = store.path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    entry = json.loads(text)["accounts"]["zhangwei"]["password"]
    assert entry["kdf"] == "scrypt" and entry["n"] == accounts.SCRYPT["n"]


def test_right_password_signs_in_and_wrong_is_refused(store):
    store.create("zhangwei", "张伟", PASSWORD)
    assert store.verify("zhangwei", PASSWORD).display_name == "张伟"
    assert store.verify(" ZhangWei ", PASSWORD).username == "zhangwei"
    with pytest.raises(SignInRefused, match="用户名或密码不对"):
        store.verify("zhangwei", PASSWORD + "x")
    with pytest.raises(SignInRefused, match="用户名或密码不对"):
        store.verify("nobody", PASSWORD)


@pytest.mark.parametrize("username", ["a", "张伟", "has space", "-dash", "x" * 40])
def test_bad_user_names_are_refused_with_a_reason(store, username):
    with pytest.raises(AccountError, match="用户名应为"):
        store.create(username, "", PASSWORD)


def test_short_password_and_duplicate_name_are_refused(store):
    with pytest.raises(AccountError, match="至少 8 个字符"):
        store.create("zhangwei", "张伟", "short")
    store.create("zhangwei", "张伟", PASSWORD)
    with pytest.raises(AccountError, match="已经有了"):
        store.create("zhangwei", "张伟", PASSWORD)


def test_waits_grow_after_five_failures():
    assert [wait_after(n).total_seconds() for n in range(1, 9)] == [0, 0, 0, 0, 30, 60, 120, 240]
    assert wait_after(40) == accounts.LONGEST_WAIT
    assert wait_text(30) == "30 秒" and wait_text(120) == "2 分钟" and wait_text(90) == "1 分 30 秒"


def test_five_wrong_passwords_make_the_officer_wait_even_after_a_restart(store, tmp_path):
    store.create("zhangwei", "张伟", PASSWORD)
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    for _ in range(4):
        with pytest.raises(SignInRefused) as refused:
            store.verify("zhangwei", "wrong-password", now)
        assert refused.value.wait_seconds == 0
    with pytest.raises(SignInRefused, match="请等 30 秒后再试") as refused:
        store.verify("zhangwei", "wrong-password", now)
    assert refused.value.wait_seconds == 30
    restarted = Accounts(tmp_path)  # a new program: the wait is in the file
    assert restarted.refused_for("zhangwei", now + timedelta(seconds=10)) == 20
    # while the wait runs even the right password is refused, and not counted
    with pytest.raises(SignInRefused, match="请等 20 秒后再试"):
        restarted.verify("zhangwei", PASSWORD, now + timedelta(seconds=10))
    later = now + timedelta(seconds=31)
    with pytest.raises(SignInRefused, match="请等 1 分钟后再试") as refused:
        restarted.verify("zhangwei", "wrong-password", later)
    assert refused.value.wait_seconds == 60
    after_wait = later + timedelta(seconds=61)
    assert restarted.verify("zhangwei", PASSWORD, after_wait).username == "zhangwei"
    assert restarted.refused_for("zhangwei", after_wait) == 0
    # the count starts again after a good sign-in
    with pytest.raises(SignInRefused) as refused:
        restarted.verify("zhangwei", "wrong-password", after_wait)
    assert refused.value.wait_seconds == 0


def test_one_officers_failures_do_not_lock_another(store):
    store.create("zhangwei", "张伟", PASSWORD)
    store.create("lina", "李娜", PASSWORD)
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    for _ in range(6):
        with pytest.raises(SignInRefused):
            store.verify("zhangwei", "wrong-password", now)
    assert store.verify("lina", PASSWORD, now).username == "lina"
    assert store.last_user() == "lina"


def test_change_password(store):
    store.create("zhangwei", "张伟", PASSWORD)
    store.create("lina", "李娜", "lina-password")
    before = json.loads(store.path.read_text(encoding="utf-8"))["accounts"]["lina"]
    assert store.change_password("zhangwei", PASSWORD, "another-password") is False  # no file
    assert store.verify("zhangwei", "another-password")
    with pytest.raises(SignInRefused):
        store.verify("zhangwei", PASSWORD)
    # the other officer's entry is untouched, and no password is in the file
    text = store.path.read_text(encoding="utf-8")
    assert json.loads(text)["accounts"]["lina"] == before
    assert "another-password" not in text and PASSWORD not in text


def test_change_password_counts_a_wrong_current_password_like_a_sign_in(store):
    store.create("zhangwei", "张伟", PASSWORD)
    for _ in range(accounts.MAX_FAILURES - 1):
        with pytest.raises(SignInRefused, match="当前密码不对"):
            store.change_password("zhangwei", "wrong-password", "another-password")
    # the fifth wrong password, here or at sign-in, starts the wait
    with pytest.raises(SignInRefused, match="请等"):
        store.change_password("zhangwei", "wrong-password", "another-password")
    assert store.refused_for("zhangwei") > 0
    # while it runs the right password is refused here as at sign-in: no way around it
    with pytest.raises(SignInRefused, match="请等"):
        store.change_password("zhangwei", PASSWORD, "another-password")
    later = datetime.now(UTC) + timedelta(hours=2)
    assert store.verify("zhangwei", PASSWORD, later)  # still the old password


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [("wrong-password", "short", "至少 8 个字符"), (PASSWORD, PASSWORD, "与当前密码相同")],
)
def test_a_new_password_breaking_the_rules_is_refused_uncounted(store, old, new, reason):
    store.create("zhangwei", "张伟", PASSWORD)
    with pytest.raises(AccountError, match=reason):
        store.change_password("zhangwei", old, new)
    entry = json.loads(store.path.read_text(encoding="utf-8"))["accounts"]["zhangwei"]
    assert entry["failures"] == 0
    assert store.verify("zhangwei", PASSWORD)


# -- the case file's key wrapped under the sign-in password ------------------------------------

NEW = "new-password-2"


@pytest.fixture
def officer_file(store, monkeypatch) -> Path:
    """An officer whose case file's key is wrapped under their sign-in password (no keyring)."""
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    account = store.create("zhangwei", "张伟", PASSWORD)
    keys.setup(account.case_file, passphrase=PASSWORD)
    keys.forget_cached()
    yield account.case_file
    keys.forget_cached()


def _opens(case_file: Path, passphrase: str) -> bool:
    keys.forget_cached()
    try:
        keys.key_for(case_file, passphrase=passphrase)
        return True
    except WrongPassphrase:
        return False
    finally:
        keys.forget_cached()


def test_changing_the_password_rewraps_a_key_wrapped_under_it(store, officer_file):
    assert store.change_password("zhangwei", PASSWORD, NEW) is True
    assert _opens(officer_file, NEW) and not _opens(officer_file, PASSWORD)
    assert keys.PREVIOUS_WRAP not in keys.read_sidecar(officer_file)["wrapped"]
    assert NEW not in keys.sidecar_path(officer_file).read_text(encoding="utf-8")


def test_a_key_under_another_passphrase_is_left_alone(store, monkeypatch):
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    account = store.create("zhangwei", "张伟", PASSWORD)
    keys.setup(account.case_file, passphrase="its-own-passphrase")
    before = keys.sidecar_path(account.case_file).read_bytes()
    assert store.change_password("zhangwei", PASSWORD, NEW) is False
    assert keys.sidecar_path(account.case_file).read_bytes() == before
    assert _opens(account.case_file, "its-own-passphrase")


def test_when_the_accounts_file_cannot_be_written_the_key_is_put_back(store, officer_file):
    # the new accounts file cannot be made (a directory in its way: refused even to root)
    (store.path.with_name(store.path.name + ".new")).mkdir()
    with pytest.raises(AccountError, match="密码仍是原来的"):
        store.change_password("zhangwei", PASSWORD, NEW)
    assert store.verify("zhangwei", PASSWORD)
    assert _opens(officer_file, PASSWORD) and not _opens(officer_file, NEW)
    assert keys.PREVIOUS_WRAP not in keys.read_sidecar(officer_file)["wrapped"]


@pytest.mark.parametrize("accounts_written", [False, True])
def test_a_crash_between_the_writes_leaves_the_sign_in_password_opening_the_file(
    store, officer_file, accounts_written
):
    # the process dies after the key file's first write, before or after the accounts file's
    assert keys.begin_passphrase_change(officer_file, PASSWORD, NEW)
    if accounts_written:
        data = json.loads(store.path.read_text(encoding="utf-8"))
        data["accounts"]["zhangwei"]["password"] = store._new_hash(NEW)
        store._write(data)
    signed_in_with = NEW if accounts_written else PASSWORD
    other = PASSWORD if accounts_written else NEW
    assert store.verify("zhangwei", signed_in_with)
    assert _opens(officer_file, signed_in_with)  # the next start opens it without asking
    # and the sign-in ends the change: only the password in force opens it from then on
    assert keys.settle_passphrase(officer_file, signed_in_with)
    assert _opens(officer_file, signed_in_with) and not _opens(officer_file, other)
    assert not keys.settle_passphrase(officer_file, signed_in_with)  # nothing left to do


def test_a_damaged_accounts_file_is_reported_and_left_alone(store):
    store.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(AccountError, match="登录账号文件") as damaged:
        store.verify("zhangwei", PASSWORD)
    assert "没有改动" in damaged.value.message
    assert store.path.read_text(encoding="utf-8") == "{not json"


def test_the_idle_lock_is_a_court_setting_of_ten_minutes_by_default():
    from workstation.domain.settings import default_settings

    assert default_settings().idle_lock_minutes == 10


# -- several program instances on one data directory ------------------------------------------


def _wrong_passwords(data_dir: str, start: float, count: int) -> None:
    while time.time() < start:  # both processes begin together
        time.sleep(0.001)
    for _ in range(count):
        with contextlib.suppress(SignInRefused):
            Accounts(Path(data_dir)).verify("zhang", "wrong-password")


def _new_accounts(data_dir: str, start: float, prefix: str) -> None:
    while time.time() < start:
        time.sleep(0.001)
    for n in range(3):
        Accounts(Path(data_dir)).create(f"{prefix}{n}", f"干警{prefix}{n}", "password-123")


def test_two_instances_at_once_lose_neither_a_failure_nor_an_account(store, tmp_path):
    """Each change is read, made and written under an OS lock: two processes counting wrong
    passwords, or making accounts, at the same moment keep all of them."""
    store.create("zhang", "张伟", PASSWORD)
    context = multiprocessing.get_context("spawn")
    start = time.time() + 2
    runs = [
        context.Process(target=_wrong_passwords, args=(str(tmp_path), start, 2)) for _ in range(2)
    ]
    runs += [
        context.Process(target=_new_accounts, args=(str(tmp_path), start, prefix))
        for prefix in ("li", "wang")
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join(60)
        assert run.exitcode == 0
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data["accounts"]["zhang"]["failures"] == 4
    names = {a.username for a in store.list()}
    assert names == {"zhang", "li0", "li1", "li2", "wang0", "wang1", "wang2"}
