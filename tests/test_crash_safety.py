"""Crash safety: a writer or a backup killed (SIGKILL) at random moments, and a full disk.

After every kill the case file opens with its key, passes SQLite's integrity check and
`workstation verify`, and holds every change that was reported as saved. A backup killed midway
leaves the case file as it was, and what it left behind is never taken by restore for a good
backup. On a full disk a save fails with the Chinese StorageFull message and changes nothing.

Short by default; WORKSTATION_LONG_TESTS=1 kills hundreds of times. WORKSTATION_CRASH_SEED
repeats a run's choice of moments (the seed is in every failure message).
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OFFICER, fingerprint
from workstation import attachments, backup
from workstation.store import database
from workstation.store.casefile import CaseFile, Edit
from workstation.store.errors import CaseFileError, CaseFileMissing, StorageFull
from workstation.store.keys import sidecar_path

try:
    from workstation.verify import verify
except ImportError:  # `workstation verify` not there yet: the integrity check still runs
    verify = None

LONG = os.environ.get("WORKSTATION_LONG_TESTS") == "1"
SEED = int(os.environ.get("WORKSTATION_CRASH_SEED") or random.randrange(10**6))


def _wait_for(path: Path, text: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text("utf-8", errors="replace"):
            return
        if proc.poll() is not None:
            return
        time.sleep(0.005)
    raise AssertionError(f"no {text!r} from the writer within {timeout} s (seed {SEED})")


def _reported(out: Path) -> list[tuple[int, list[str], list[str]]]:
    """(save number, change ids, record ids) of each save the writer reported as done."""
    saves = []
    for line in out.read_text("utf-8").splitlines(keepends=True):
        if line.startswith("saved ") and line.endswith("\n"):
            _, n, changes, records = line.split()
            saves.append((int(n), changes.split(","), records.split(",")))
    return saves


def assert_whole(path: Path, context: str) -> CaseFile:
    """The file opens (for writing, as the program opens it), its integrity check and every
    `workstation verify` check pass. Returns it open; the caller closes it."""
    cf = CaseFile.open(path)
    try:
        assert cf.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], context
        if verify is not None:
            result = verify(cf.conn)
            assert result.ok, f"{context}: {[f.message for f in result.findings]}"
    except BaseException:
        cf.close()
        raise
    return cf


def test_saves_killed_at_random_moments_lose_nothing_reported(tmp_path: Path) -> None:
    path = tmp_path / "data" / "casefile.sqlite3"
    rng = random.Random(SEED)
    kills = 300 if LONG else 30
    previous_notes: str | None = None
    previous_count = 0
    reported_total: list[str] = []
    for run in range(kills):
        out, err = tmp_path / f"run{run}.out", tmp_path / f"run{run}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.crash_writer", str(path), str(run), str(SEED + run)],
                stdout=stdout,
                stderr=stderr,
            )
        try:
            if rng.random() < 0.15:  # while it opens the file (and, the first time, makes it)
                time.sleep(rng.uniform(0, 0.6))
            else:
                _wait_for(out, "ready", proc)
                time.sleep(rng.uniform(0, 0.25))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        context = f"seed {SEED}, kill {run}"
        assert proc.returncode == -signal.SIGKILL, f"{context}: {err.read_text()}"
        saves = _reported(out)
        if not path.exists():
            assert not saves, context
            continue
        try:
            cf = assert_whole(path, context)
        except CaseFileMissing:
            assert not saves, context
            continue
        with cf:
            journal = {r[0] for r in cf.conn.execute("SELECT change_id FROM journal")}
            count = len(journal)
            reported = [c for _, changes, _ in saves for c in changes]
            reported_total += reported
            assert set(reported_total) <= journal, f"{context}: a saved change is missing"
            # beyond what was reported, at most the one save in progress (and the counter case)
            assert 0 <= count - previous_count - len(reported) <= 3, context
            for _, _, records in saves:
                for record_id in records:
                    assert (cf.get("case", record_id) or cf.get("party", record_id)) is not None, (
                        context
                    )
            row = cf.conn.execute(
                "SELECT notes FROM cases WHERE case_number = '（2024）豫0302执1号'"
            ).fetchone()
            notes = " ".join(row[0].split()[:4]) if row else None
            if saves:
                last = saves[-1][0]
                assert notes in (f"run {run} save {last}", f"run {run} save {last + 1}"), context
            else:
                assert notes in (previous_notes, f"run {run} save 0", "", None), context
            previous_notes, previous_count = notes, count
    assert reported_total, f"seed {SEED}: no save was ever reported"


# -- backups killed midway ------------------------------------------------------------------------


def _backup_process(data_dir: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workstation.cli",
            "backup",
            "--data-dir",
            str(data_dir),
            "--out",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _checked_backup(backup_file: Path) -> dict[str, Any] | None:
    """The manifest of `backup_file` if restore's own full check accepts it (nothing is
    replaced), None if restore would refuse it."""
    with tempfile.TemporaryDirectory() as staging:
        try:
            return backup.verify_backup(backup_file, Path(staging))
        except CaseFileError:
            return None


def test_backup_killed_midway_leaves_the_case_file_whole_and_no_backup_restore_would_take(
    demo_template: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = data / "casefile.sqlite3"
    shutil.copyfile(demo_template, path)
    shutil.copyfile(sidecar_path(demo_template), sidecar_path(path))
    with CaseFile.open(path) as cf:  # photos: the backup spends a while writing its tar file
        case_id = cf.conn.execute("SELECT id FROM cases LIMIT 1").fetchone()[0]
        for n in range(3):
            photo = tmp_path / f"photo{n}.jpg"
            photo.write_bytes(random.Random(n).randbytes(4 << 20))
            attachments.add_attachment(cf, case_id, photo)
    out = tmp_path / "backups" / "nightly.ewbackup"
    started = time.monotonic()
    first = _backup_process(data, out)
    assert first.wait(timeout=120) == 0, first.stderr.read().decode()
    duration = time.monotonic() - started
    good = out.read_bytes()
    with CaseFile.open(path, readonly=True) as cf:
        expected = database.fingerprint(cf.conn)
    rng = random.Random(SEED)
    kills = 100 if LONG else 8
    partials = 0
    for run in range(kills):
        proc = _backup_process(data, out)
        time.sleep(rng.uniform(0.3, duration))  # past the interpreter's start
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        context = f"seed {SEED}, kill {run}"
        with assert_whole(path, context):
            pass
        # the backup file is the one before or a whole new one, never a part
        assert out.read_bytes() == good or _checked_backup(out), context
        # what a killed backup left: restore refuses it, or it is whole (killed after the last
        # byte, before the rename) and holds exactly the case file
        for partial in out.parent.glob(".backup-*/backup.tar"):
            partials += 1
            manifest = _checked_backup(partial)
            assert manifest is None or manifest["fingerprint"] == expected, context
    finished = _backup_process(data, out)
    assert finished.wait(timeout=120) == 0, finished.stderr.read().decode()
    assert _checked_backup(out)["fingerprint"] == expected
    # the next backup cleared away what the killed ones left
    assert list(out.parent.iterdir()) == [out]
    print(f"{kills} kills, {partials} partial tar files seen, seed {SEED}")


# -- a full disk -------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """A fresh tmpfs of the given size (e.g. "2m"): a disk that really fills up. Mounting needs
    root (CI and the development machines run as root); elsewhere these tests are skipped."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        where = tmp_path / f"disk{len(mounted)}"
        where.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
            capture_output=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(folder: Path) -> Path:
    """Take every free byte of the filesystem of `folder`: returns the filler file."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def _case_file_on(disk: Path) -> tuple[CaseFile, str]:
    cf = CaseFile.open(disk / "casefile.sqlite3", create=True, officer=OFFICER)
    (case_id,) = cf.save(
        [Edit("case", {"case_number": "（2024）豫0302执7号", "filing_date": "2024-03-01"})]
    )
    return cf, case_id


def _big_save(case_id: str, n: int) -> list[Edit]:
    return [Edit("case", {"notes": f"第{n}次走访：" + "被执行人不在家" * 2000}, case_id)] + [
        Edit(
            "party",
            {"case_id": case_id, "role": "debtor", "kind": "person", "name": f"被执行人{n}-{i}"},
        )
        for i in range(50)
    ]


def test_a_save_on_a_full_disk_fails_with_a_clear_message_and_changes_nothing(
    small_disk: Callable[[str], Path],
) -> None:
    disk = small_disk("2m")
    cf, case_id = _case_file_on(disk)
    with cf:
        filler = _fill(disk)
        for n in range(50):  # the WAL may have room for the first saves; the disk fills soon
            before = fingerprint(cf)
            try:
                cf.save(_big_save(case_id, n))
            except StorageFull as exc:
                refused = exc
                break
        else:
            raise AssertionError("50 large saves on a full disk all succeeded")
        assert "磁盘空间已满" in refused.message and "没有保存" in refused.message
        assert fingerprint(cf) == before
        # the same connection saves again once there is room
        filler.unlink()
        cf.save(_big_save(case_id, 999))
        after = fingerprint(cf)
    with assert_whole(disk / "casefile.sqlite3", "after a full disk") as reopened:
        assert fingerprint(reopened) == after


def test_a_backup_to_a_full_disk_is_refused_in_chinese_and_leaves_no_file(
    case_file: CaseFile, small_disk: Callable[[str], Path], tmp_path: Path
) -> None:
    case_file.save(
        [Edit("case", {"case_number": "（2024）豫0302执8号", "filing_date": "2024-03-01"})]
    )
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(random.Random(1).randbytes(3 << 20))  # more than the disk holds
    (case_id,) = [r[0] for r in case_file.conn.execute("SELECT id FROM cases")]
    attachments.add_attachment(case_file, case_id, photo)
    disk = small_disk("1m")
    out = disk / "backups" / "b.ewbackup"
    with pytest.raises(backup.BackupFailed) as refused:
        backup.make_backup(case_file, out)
    assert "磁盘空间不足" in refused.value.message
    assert list(out.parent.iterdir()) == []  # no partial file, no staging folder
    # an older backup at the same place stays as it was
    small = small_disk("8m")
    older = small / "b.ewbackup"
    backup.make_backup(case_file, older)
    kept = older.read_bytes()
    _fill(small)
    with pytest.raises(backup.BackupFailed):
        backup.make_backup(case_file, older)
    assert older.read_bytes() == kept
    assert _checked_backup(older)
    assert sorted(p.name for p in small.iterdir()) == ["b.ewbackup", "filler"]
