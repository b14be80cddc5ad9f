"""Encryption at rest: the case file, its key file, the recovery key, passphrase mode, attachments,
and converting a plain file from an older program."""

import gc
import json
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from tests.sync.conftest import MemoryKeyring
from workstation import attachments
from workstation.store import blobs, database, keys
from workstation.store.casefile import CaseFile, Edit
from workstation.store.errors import (
    KeyFileDamaged,
    KeyMissing,
    NotACaseFile,
    PassphraseNeeded,
    WrongPassphrase,
    WrongRecoveryKey,
)

NAME = "欧阳娜娜"
ID_NUMBER = "410302198001011234"
CASE_NUMBER = "（2021）豫0302执12号"


def save_case(cf: CaseFile) -> str:
    (case_id,) = cf.save([Edit("case", {"case_number": CASE_NUMBER, "filing_date": "2021-03-04"})])
    cf.save(
        [
            Edit(
                "party",
                {
                    "case_id": case_id,
                    "role": "debtor",
                    "kind": "person",
                    "name": NAME,
                    "id_number": ID_NUMBER,
                },
            )
        ]
    )
    return case_id


def names(cf: CaseFile) -> list[str]:
    return [r[0] for r in cf.conn.execute("SELECT name FROM parties")]


def on_disk(path: Path) -> bytes:
    """Every byte SQLite keeps for the case file: the file, its WAL and shared memory."""
    return b"".join(
        Path(f"{path}{s}").read_bytes() for s in ("", "-wal", "-shm") if Path(f"{path}{s}").exists()
    )


def state(path: Path) -> tuple[bytes, int, list[str]]:
    """What a refused open must leave as it was: the bytes, the mtime, and no -wal/-shm."""
    gc.collect()
    extra = [s for s in ("-wal", "-shm") if Path(f"{path}{s}").exists()]
    return path.read_bytes(), path.stat().st_mtime_ns, extra


@pytest.fixture
def closed_file(tmp_path: Path) -> Path:
    path = tmp_path / "casefile.sqlite3"
    with CaseFile.open(path, create=True, officer="张伟") as cf:
        save_case(cf)
    return path


@pytest.fixture
def fresh_machine() -> Iterator[MemoryKeyring]:
    """Another computer: an empty keyring and nothing unlocked in memory."""
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    keys.forget_cached()
    yield ring
    keyring.set_keyring(previous)
    keys.forget_cached()


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """A headless box: no keyring backend at all."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    keys.forget_cached()
    yield
    keyring.set_keyring(previous)
    keys.forget_cached()


# -- what is on disk ---------------------------------------------------------------------------


def test_the_file_on_disk_has_no_sqlite_header_and_no_plaintext(case_file: CaseFile) -> None:
    save_case(case_file)
    raw = on_disk(case_file.path)
    assert not case_file.path.read_bytes().startswith(database.SQLITE_MAGIC)
    assert b"SQLite format 3" not in raw
    for secret in (NAME, ID_NUMBER, CASE_NUMBER, "张伟"):
        assert secret.encode() not in raw
        assert secret.encode("utf-16-le") not in raw
    case_file.close()
    assert NAME.encode() not in case_file.path.read_bytes()


def test_the_key_file_holds_no_key_and_records_the_cipher(case_file: CaseFile) -> None:
    key = keys.key_for(case_file.path)
    text = keys.sidecar_path(case_file.path).read_text()
    assert key.hex() not in text
    assert key.hex().upper() not in text
    data = json.loads(text)
    assert data["mode"] == "keyring"
    assert data["cipher"]["cipher_page_size"] == 4096
    assert data["cipher"]["cipher_hmac_algorithm"] == "HMAC_SHA256"
    assert set(data["wrapped"]) == {"recovery"}
    assert keys.sidecar_path(case_file.path).name == "casefile.keys.json"


def test_the_key_is_kept_in_the_keyring_under_the_file_id(case_file: CaseFile) -> None:
    file_id = keys.read_sidecar(case_file.path)["file_id"]
    stored = keyring.get_password(keys.SERVICE, f"casefile:{file_id}")
    assert stored is not None and bytes.fromhex(stored) == keys.key_for(case_file.path)


def test_each_file_has_its_own_key(tmp_path: Path) -> None:
    a = CaseFile.open(tmp_path / "a" / "casefile.sqlite3", create=True)
    b = CaseFile.open(tmp_path / "b" / "casefile.sqlite3", create=True)
    try:
        assert keys.key_for(a.path) != keys.key_for(b.path)
    finally:
        a.close()
        b.close()


# -- refusing what cannot be opened, untouched -------------------------------------------------


@pytest.mark.parametrize("readonly", [False, True], ids=["write", "readonly"])
def test_a_missing_key_is_refused_with_the_file_untouched(
    closed_file: Path, fresh_machine: MemoryKeyring, readonly: bool
) -> None:
    before = state(closed_file)
    with pytest.raises(KeyMissing) as refused:
        CaseFile.open(closed_file, readonly=readonly)
    assert "恢复密钥" in refused.value.message
    assert "没有改动" in refused.value.message
    assert state(closed_file) == before


def test_a_wrong_key_is_refused_with_the_file_untouched(closed_file: Path) -> None:
    file_id = keys.read_sidecar(closed_file)["file_id"]
    right = keyring.get_password(keys.SERVICE, f"casefile:{file_id}")
    keyring.set_password(keys.SERVICE, f"casefile:{file_id}", os.urandom(32).hex())
    keys.forget_cached()
    before = state(closed_file)
    try:
        with pytest.raises(KeyMissing, match="不符"):
            CaseFile.open(closed_file)
        assert state(closed_file) == before
    finally:
        keyring.set_password(keys.SERVICE, f"casefile:{file_id}", right)


def test_a_missing_key_file_is_refused_with_the_file_untouched(closed_file: Path) -> None:
    keys.sidecar_path(closed_file).unlink()
    keys.forget_cached()
    before = state(closed_file)
    with pytest.raises(KeyFileDamaged, match=r"密钥文件“casefile\.keys\.json”缺失"):
        CaseFile.open(closed_file)
    assert state(closed_file) == before


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: "",
        lambda text: json.dumps({**json.loads(text), "mode": "cloud"}),
        lambda text: json.dumps({**json.loads(text), "wrapped": {}}),
        lambda text: "[1, 2]",
    ],
    ids=["cut", "empty", "mode", "no-wraps", "not-an-object"],
)
def test_a_damaged_key_file_is_refused_with_the_file_untouched(closed_file: Path, damage) -> None:
    sidecar = keys.sidecar_path(closed_file)
    sidecar.write_text(damage(sidecar.read_text()))
    keys.forget_cached()
    before = state(closed_file)
    with pytest.raises(KeyFileDamaged) as refused:
        CaseFile.open(closed_file)
    assert "密钥文件" in refused.value.message
    assert state(closed_file) == before


@pytest.mark.parametrize("offset", [0, 100, 2000, 5000])
def test_a_damaged_encrypted_file_is_refused_with_the_file_untouched(
    closed_file: Path, offset: int
) -> None:
    data = bytearray(closed_file.read_bytes())
    data[offset] ^= 0x40
    closed_file.write_bytes(bytes(data))
    before = state(closed_file)
    with pytest.raises(NotACaseFile) as refused:
        CaseFile.open(closed_file)
    assert "损坏" in refused.value.message
    assert state(closed_file) == before


# -- the recovery key --------------------------------------------------------------------------


def test_the_recovery_key_is_eight_groups_of_five_with_a_check() -> None:
    secret = os.urandom(keys.RECOVERY_SECRET_BYTES)
    text = keys.format_recovery_key(secret)
    groups = text.split("-")
    assert [len(g) for g in groups] == [5] * 8
    assert keys.parse_recovery_key(text) == secret
    assert keys.parse_recovery_key(" ".join(groups).lower()) == secret
    typo = text[:3] + ("A" if text[3] != "A" else "B") + text[4:]
    with pytest.raises(WrongRecoveryKey, match="校验不符"):
        keys.parse_recovery_key(typo)
    with pytest.raises(WrongRecoveryKey, match="格式不对"):
        keys.parse_recovery_key(text[:-5])


def test_the_recovery_key_opens_the_file_on_another_machine(tmp_path: Path) -> None:
    path = tmp_path / "casefile.sqlite3"
    made = keys.setup(path)
    with CaseFile.open(path, create=True) as cf:
        save_case(cf)
    copy = tmp_path / "other" / "casefile.sqlite3"
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    keys.sidecar_path(copy).write_bytes(keys.sidecar_path(path).read_bytes())
    previous = keyring.get_keyring()
    other = MemoryKeyring()
    keyring.set_keyring(other)
    keys.forget_cached()
    try:
        with pytest.raises(KeyMissing):
            CaseFile.open(copy)
        with pytest.raises(WrongRecoveryKey):
            keys.recover(copy, keys.format_recovery_key(os.urandom(20)))
        keys.recover(copy, made.recovery_key.lower())
        assert len(other.items) == 1  # now kept in this machine's keyring
        keys.forget_cached()
        with CaseFile.open(copy) as cf:
            assert names(cf) == [NAME]
    finally:
        keyring.set_keyring(previous)
        keys.forget_cached()


def test_a_new_recovery_key_replaces_the_old_one(closed_file: Path) -> None:
    old_wrap = keys.read_sidecar(closed_file)["wrapped"]["recovery"]
    text = keys.new_recovery_key(closed_file)
    assert keys.read_sidecar(closed_file)["wrapped"]["recovery"] != old_wrap
    keys.recover(closed_file, text)  # works


# -- passphrase mode ---------------------------------------------------------------------------


def test_without_a_keyring_the_passphrase_from_the_environment_protects_the_key(
    tmp_path: Path, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "correct horse battery")
    path = tmp_path / "casefile.sqlite3"
    with CaseFile.open(path, create=True) as cf:
        save_case(cf)
    data = keys.read_sidecar(path)
    assert data["mode"] == "passphrase"
    assert data["wrapped"]["passphrase"]["kdf"] == "scrypt"
    assert data["wrapped"]["passphrase"]["n"] >= 2**15
    keys.forget_cached()
    with CaseFile.open(path) as cf:
        assert names(cf) == [NAME]
    keys.forget_cached()
    monkeypatch.delenv(keys.PASSPHRASE_ENV)
    assert keys.needs_passphrase(path)
    before = state(path)
    with pytest.raises(PassphraseNeeded):
        CaseFile.open(path)
    with pytest.raises(WrongPassphrase, match="口令不对"):
        keys.key_for(path, passphrase="wrong horse battery")
    assert state(path) == before
    keys.key_for(path, passphrase="correct horse battery")  # as the window's dialog does
    assert not keys.needs_passphrase(path)
    with CaseFile.open(path) as cf:
        assert names(cf) == [NAME]


def test_without_a_keyring_or_a_passphrase_a_new_file_is_not_made(
    tmp_path: Path, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(keys.PASSPHRASE_ENV)
    path = tmp_path / "casefile.sqlite3"
    with pytest.raises(PassphraseNeeded, match="口令"):
        CaseFile.open(path, create=True)
    assert not path.exists()
    assert not keys.sidecar_path(path).exists()


def test_recovery_without_a_keyring_asks_for_a_new_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "casefile.sqlite3"
    made = keys.setup(path)
    with CaseFile.open(path, create=True) as cf:
        save_case(cf)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    keys.forget_cached()
    try:
        keys.recover(path, made.recovery_key, new_passphrase="a new passphrase")
        assert keys.read_sidecar(path)["mode"] == "passphrase"
        keys.forget_cached()
        monkeypatch.delenv(keys.PASSPHRASE_ENV)
        keys.key_for(path, passphrase="a new passphrase")
        with CaseFile.open(path) as cf:
            assert names(cf) == [NAME]
    finally:
        keyring.set_keyring(previous)
        keys.forget_cached()


# -- converting a plain file -------------------------------------------------------------------


def make_plain(path: Path) -> dict:
    """A plain (unencrypted) case file with data at `path`, as an older program left it."""
    source = path.with_name("source.sqlite3")
    with CaseFile.open(source, create=True, officer="张伟") as cf:
        save_case(cf)
        cf.save([Edit("case", {"case_number": "（2022）豫0302执7号", "filing_date": "2022-01-04"})])
    conn = database.connect(source, keys.key_for(source))
    conn.execute(f"ATTACH DATABASE '{path}' AS plain KEY ''")
    conn.execute("SELECT sqlcipher_export('plain')")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute(f"PRAGMA plain.user_version = {version}")
    conn.execute(f"PRAGMA plain.application_id = {database.APPLICATION_ID}")
    conn.execute("DETACH DATABASE plain")
    expected = database.fingerprint(conn)
    conn.close()
    assert path.read_bytes().startswith(database.SQLITE_MAGIC)
    return expected


def leftovers(path: Path) -> list[str]:
    return sorted(
        p.name
        for p in path.parent.iterdir()
        if p.name.startswith(path.name) and p.name != path.name and not p.name.endswith(".lock")
    )


def test_a_plain_file_is_converted_in_place(tmp_path: Path) -> None:
    path = tmp_path / "data" / "casefile.sqlite3"
    path.parent.mkdir()
    expected = make_plain(path)
    assert NAME.encode() in path.read_bytes()
    with CaseFile.open(path) as cf:
        assert database.fingerprint(cf.conn) == expected
        assert names(cf) == [NAME]
    assert not database.is_plain(path)
    assert NAME.encode() not in on_disk(path)
    assert leftovers(path) == []


def test_a_plain_file_opened_readonly_is_converted_first(tmp_path: Path) -> None:
    path = tmp_path / "data" / "casefile.sqlite3"
    path.parent.mkdir()
    make_plain(path)
    with CaseFile.open(path, readonly=True) as cf:
        assert names(cf) == [NAME]
    assert not database.is_plain(path)


STEPS = ["fingerprinted", "exported", "verified", "aside", "swapped"]


@pytest.mark.parametrize("step", STEPS)
def test_a_conversion_interrupted_at_any_step_leaves_a_file_that_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    path = tmp_path / "data" / "casefile.sqlite3"
    path.parent.mkdir()
    expected = make_plain(path)

    class Crash(BaseException):
        pass

    def crash(at: str) -> None:
        if at == step:
            raise Crash(at)

    monkeypatch.setattr(database, "_crash_point", crash)
    with pytest.raises(Crash):
        CaseFile.open(path)
    monkeypatch.setattr(database, "_crash_point", lambda at: None)
    # Whatever is at the path now is whole: the plain file or the encrypted one.
    if database.is_plain(path):
        assert step in ("fingerprinted", "exported", "verified", "aside")
    else:
        assert step == "swapped"
    with CaseFile.open(path) as cf:
        assert database.fingerprint(cf.conn) == expected
    assert not database.is_plain(path)
    assert leftovers(path) == []
    assert NAME.encode() not in b"".join(p.read_bytes() for p in path.parent.iterdir())


def test_a_converted_copy_that_does_not_verify_is_never_swapped_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data" / "casefile.sqlite3"
    path.parent.mkdir()
    make_plain(path)
    before = path.read_bytes()
    real = database.fingerprint
    calls = []

    def differs(conn):
        calls.append(1)
        got = real(conn)
        return got if len(calls) == 1 else {**got, "journal": "different"}

    monkeypatch.setattr(database, "fingerprint", differs)
    with pytest.raises(database.CaseFileError, match="不一致"):
        CaseFile.open(path)
    assert path.read_bytes() == before
    assert leftovers(path) == []


# -- attachments -------------------------------------------------------------------------------


def test_attachments_are_encrypted_on_disk_and_read_back_whole(
    case_file: CaseFile, tmp_path: Path
) -> None:
    case_id = save_case(case_file)
    photo = tmp_path / "现场照片.txt"
    content = (f"被执行人{NAME}身份证号{ID_NUMBER}\n" * 40_000).encode()  # over 1 MiB: chunks
    photo.write_bytes(content)
    attachment_id = attachments.add_attachment(case_file, case_id, photo)
    (kept,) = attachments.attachments(case_file, [attachment_id])
    raw = kept.path.read_bytes()
    assert ID_NUMBER.encode() not in raw
    assert raw.startswith(blobs.MAGIC)
    assert blobs.read_plain(case_file.path, kept.sha256) == content
    out = blobs.export(case_file.path, kept.sha256, tmp_path / "out.txt")
    assert out.read_bytes() == content


@pytest.mark.parametrize("damage", ["flip", "cut", "swap"])
def test_a_damaged_attachment_is_refused(case_file: CaseFile, tmp_path: Path, damage: str) -> None:
    case_id = save_case(case_file)
    ids = []
    for n in (1, 2):
        photo = tmp_path / f"photo{n}.jpg"
        photo.write_bytes(os.urandom(blobs.CHUNK + 1000))
        ids.append(attachments.add_attachment(case_file, case_id, photo))
    first, second = attachments.attachments(case_file, ids)
    raw = bytearray(first.path.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 1
        first.path.write_bytes(bytes(raw))
    elif damage == "cut":
        first.path.write_bytes(bytes(raw[: blobs.CHUNK + blobs.TAG + len(blobs.MAGIC) + 8]))
    else:
        first.path.write_bytes(second.path.read_bytes())
    with pytest.raises(blobs.BlobDamaged, match="已损坏"):
        blobs.read_plain(case_file.path, first.sha256)


def test_an_attachment_kept_before_encryption_is_encrypted_when_read(
    case_file: CaseFile, tmp_path: Path
) -> None:
    import hashlib

    content = b"scanned before encryption " + ID_NUMBER.encode()
    sha = hashlib.sha256(content).hexdigest()
    path = blobs.blob_path(case_file.path, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    assert blobs.encrypt_plain_blobs(case_file.path) == 1
    assert blobs.is_encrypted(path)
    assert blobs.read_plain(case_file.path, sha) == content


# -- files made with other cipher settings -----------------------------------------------------


def test_a_file_made_with_hmac_sha512_keeps_its_settings_saves_backs_up_and_restores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New files use HMAC-SHA256; files made before (SQLCipher's default SHA512) say so in their
    key file and must keep opening, saving, backing up and restoring with their own settings."""
    from workstation.backup import make_backup, restore

    path = tmp_path / "casefile.sqlite3"
    monkeypatch.setitem(keys.CIPHER, "cipher_hmac_algorithm", "HMAC_SHA512")
    with CaseFile.open(path, create=True, officer="张伟") as cf:
        save_case(cf)
    monkeypatch.undo()
    assert keys.CIPHER["cipher_hmac_algorithm"] == "HMAC_SHA256"
    assert keys.cipher_settings(path)["cipher_hmac_algorithm"] == "HMAC_SHA512"
    key = keys.key_for(path)
    conn = database.sqlcipher.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA cipher_hmac_algorithm = HMAC_SHA256")
    with pytest.raises(database.DatabaseError):  # the settings really differ on disk
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()
    with CaseFile.open(path) as cf:
        cf.save(
            [Edit("case", {"case_number": "（2021）豫0302执13号", "filing_date": "2021-03-05"})]
        )
        backup = make_backup(cf, tmp_path / "before.wsbackup")
        cf.save(
            [Edit("case", {"case_number": "（2021）豫0302执14号", "filing_date": "2021-03-06"})]
        )
    restore(backup, path)
    with CaseFile.open(path) as cf:
        numbers = sorted(r[0] for r in cf.conn.execute("SELECT case_number FROM cases"))
        assert numbers == ["（2021）豫0302执12号", "（2021）豫0302执13号"]
        assert names(cf) == [NAME]
    assert keys.cipher_settings(path)["cipher_hmac_algorithm"] == "HMAC_SHA512"
