"""Backups: a consistent encrypted copy while the file is in use, restore only after checking it."""

import tarfile
import threading
from pathlib import Path

import keyring
import pytest

from tests.conftest import OFFICER
from tests.sync.conftest import MemoryKeyring
from workstation import attachments, backup
from workstation.cli import main
from workstation.store import blobs, keys
from workstation.store.casefile import CaseFile, Edit
from workstation.store.errors import AlreadyOpen, KeyMissing


def count_cases(path: Path) -> int:
    with CaseFile.open(path, readonly=True) as cf:
        return cf.conn.execute("SELECT count(*) FROM cases").fetchone()[0]


def new_case(cf: CaseFile, n: int) -> str:
    (case_id,) = cf.save(
        [Edit("case", {"case_number": f"（2025）豫0302执{n}号", "filing_date": "2025-03-04"})]
    )
    return case_id


@pytest.fixture
def with_photo(case_file: CaseFile, tmp_path: Path) -> tuple[CaseFile, str]:
    case_id = new_case(case_file, 1)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the debtor's car " * 1000)
    attachment_id = attachments.add_attachment(case_file, case_id, photo)
    (kept,) = attachments.attachments(case_file, [attachment_id])
    return case_file, kept.sha256


def test_a_backup_is_one_file_with_the_encrypted_copy_the_key_file_and_attachments(
    with_photo: tuple[CaseFile, str], tmp_path: Path
) -> None:
    cf, sha = with_photo
    out = backup.make_backup(cf, tmp_path / "out" / "b.ewbackup")
    with tarfile.open(out) as tar:
        names = set(tar.getnames())
    assert names == {
        "manifest.json",
        "casefile.sqlite3",
        "casefile.keys.json",
        f"attachments/{sha}",
    }
    raw = out.read_bytes()
    assert b"SQLite format 3" not in raw
    assert "豫0302执1号".encode() not in raw
    assert b"a photo of the debtor" not in raw


def test_restore_puts_the_backup_back_and_keeps_what_it_replaced(
    with_photo: tuple[CaseFile, str], tmp_path: Path
) -> None:
    cf, sha = with_photo
    out = backup.make_backup(cf, tmp_path / "b.ewbackup")
    new_case(cf, 2)
    path = cf.path
    cf.close()
    done = backup.restore(out, path)
    assert count_cases(path) == 1
    assert blobs.read_plain(path, sha).startswith(b"\xff\xd8")
    assert (done.kept / "casefile.sqlite3").exists()
    assert (done.kept / "casefile.keys.json").exists()
    kept_copy = done.kept / "casefile.sqlite3"
    assert count_cases(kept_copy) == 2  # the replaced file, whole, opens with its key


def test_restore_refuses_while_the_program_has_the_file_open(
    case_file: CaseFile, tmp_path: Path
) -> None:
    out = backup.make_backup(case_file, tmp_path / "b.ewbackup")
    with pytest.raises(AlreadyOpen):
        backup.restore(out, case_file.path)


def corrupt_member(backup_file: Path, name: str) -> None:
    """Flip a byte inside one member of the tar, in place."""
    with tarfile.open(backup_file) as tar:
        member = tar.getmember(name)
        offset = member.offset_data + member.size // 2
    data = bytearray(backup_file.read_bytes())
    data[offset] ^= 0x01
    backup_file.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    ["database", "key-file", "attachment", "manifest", "cut", "not-a-backup"],
)
def test_a_damaged_backup_is_refused_and_nothing_is_replaced(
    with_photo: tuple[CaseFile, str], tmp_path: Path, damage: str
) -> None:
    cf, sha = with_photo
    out = backup.make_backup(cf, tmp_path / "b.ewbackup")
    new_case(cf, 2)
    path = cf.path
    cf.close()
    if damage == "database":
        corrupt_member(out, "casefile.sqlite3")
    elif damage == "key-file":
        corrupt_member(out, "casefile.keys.json")
    elif damage == "attachment":
        corrupt_member(out, f"attachments/{sha}")
    elif damage == "manifest":
        corrupt_member(out, "manifest.json")
    elif damage == "cut":
        out.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    else:
        out.write_bytes(b"PK\x03\x04 not a backup at all" * 100)
    before = {p.name: p.read_bytes() for p in path.parent.iterdir() if p.is_file()}
    with pytest.raises(backup.BackupRefused) as refused:
        backup.restore(out, path)
    assert "未作任何替换" in refused.value.message
    after = {p.name: p.read_bytes() for p in path.parent.iterdir() if p.is_file()}
    assert after == before
    assert not list(path.parent.glob("before-restore-*"))
    assert not list(path.parent.glob(".restore-*"))
    assert count_cases(path) == 2


def test_a_backup_restores_on_another_machine_with_the_recovery_key(tmp_path: Path) -> None:
    path = tmp_path / "laptop" / "casefile.sqlite3"
    made = keys.setup(path)
    with CaseFile.open(path, create=True, officer=OFFICER) as cf:
        new_case(cf, 1)
        out = backup.make_backup(cf, tmp_path / "b.ewbackup")
    other = tmp_path / "new-laptop" / "casefile.sqlite3"
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    keys.forget_cached()
    try:
        with pytest.raises(KeyMissing):
            backup.restore(out, other)
        assert not other.exists()
        backup.restore(out, other, recovery_key=made.recovery_key)
        keys.forget_cached()
        assert count_cases(other) == 1
    finally:
        keyring.set_keyring(previous)
        keys.forget_cached()


def test_a_backup_made_while_another_connection_writes_is_consistent(
    demo_file: CaseFile, tmp_path: Path
) -> None:
    reader = CaseFile.open(demo_file.path, readonly=True)
    stop = threading.Event()
    written = []

    def write() -> None:
        n = 1000
        while not stop.is_set():
            new_case(demo_file, n)
            written.append(n)
            n += 1

    writer = threading.Thread(target=write)
    start = demo_file.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    writer.start()
    try:
        outs = [backup.make_backup(reader, tmp_path / f"b{i}.ewbackup") for i in range(3)]
    finally:
        stop.set()
        writer.join()
        reader.close()
    assert written
    counts = []
    for i, out in enumerate(outs):
        staging = tmp_path / f"check{i}"
        staging.mkdir()
        manifest = backup.verify_backup(out, staging)  # integrity check, rows, journal
        counts.append(manifest["fingerprint"]["rows"]["cases"])
    assert start <= counts[0] <= counts[-1] <= start + len(written)


def test_the_backup_before_sync_keeps_the_last_few(case_file: CaseFile) -> None:
    made = [backup.auto_backup(case_file, keep=3) for _ in range(5)]
    kept = sorted((case_file.path.parent / "backups").iterdir())
    assert kept == made[-3:]


def test_backup_and_restore_commands(demo_file: CaseFile, tmp_path: Path, capsys) -> None:
    data_dir = demo_file.path.parent
    out = tmp_path / "cli.ewbackup"
    # made while the program has the file open for writing
    assert main(["backup", "--out", str(out), "--data-dir", str(data_dir)]) == 0
    assert "已备份到" in capsys.readouterr().out
    new_case(demo_file, 99999)
    assert main(["restore", str(out), "--data-dir", str(data_dir)]) == 2
    assert "已在另一个工作站程序中打开" in capsys.readouterr().err
    demo_file.close()
    assert main(["restore", str(out), "--data-dir", str(data_dir)]) == 0
    printed = capsys.readouterr().out
    assert "已从备份恢复" in printed and "before-restore-" in printed
    out.write_bytes(out.read_bytes()[:1000])
    assert main(["restore", str(out), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "未作任何替换" in err and "Traceback" not in err
