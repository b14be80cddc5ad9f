"""Every sync starts with an encrypted backup of the file as it was then, written while the sync
goes on; the court's number of them is kept, and none is made when nothing changed."""

import dataclasses
import time

from tests.sync.conftest import laptop, sync
from workstation import backup
from workstation.domain import settings
from workstation.store.casefile import Edit


def test_each_sync_makes_a_backup_first_and_keeps_the_last_n(server, tmp_path, monkeypatch):
    keep = dataclasses.replace(settings.default_settings(), backups_kept_before_sync=2)
    monkeypatch.setattr(settings, "default_settings", lambda: keep)
    cf = laptop(tmp_path, "a", server)
    assert sync(cf, server).backup.skipped  # the first sync into an empty file: nothing to keep
    folder = cf.path.parent / "backups"
    made = []
    for n in range(3):
        case_id = cf.conn.execute("SELECT id FROM cases LIMIT 1").fetchone()
        # something new each time, so each sync has a state to keep
        cf.save([Edit("case", {"notes": f"第{n}次"}, record_id=case_id[0])])
        report = sync(cf, server)
        assert report.backup is not None and report.backup.wait() == ""
        assert not report.backup.skipped
        made.append(report.backup.path)
        assert len(list(folder.iterdir())) == min(n + 1, 2)
    newest = sorted(folder.iterdir())[-1]
    assert newest == made[-1]
    assert b"SQLite format 3" not in newest.read_bytes()


def test_nothing_changed_since_the_newest_backup_makes_none(server, tmp_path):
    cf = laptop(tmp_path, "a", server)
    sync(cf, server).backup.wait()  # an empty file: none
    first = sync(cf, server).backup  # after the first sync pulled: a new state, a new backup
    assert first.wait() == "" and not first.skipped
    again = sync(cf, server).backup
    assert again.wait() == "" and again.skipped and again.path == first.path
    assert len(list((cf.path.parent / "backups").iterdir())) == 1


def test_the_backup_holds_the_moment_the_sync_began(server, tmp_path):
    cf = laptop(tmp_path, "a", server)
    sync(cf, server).backup.wait()
    before = backup.journal_head(cf.conn)
    started = backup.BackupBeforeSync.start(cf)
    case_id = cf.conn.execute("SELECT id FROM cases LIMIT 1").fetchone()[0]
    cf.save([Edit("case", {"notes": "备份开始后的修改"}, record_id=case_id)])
    assert backup.journal_head(cf.conn) != before
    assert started.wait() == ""
    manifest = backup.read_manifest(started.path)
    assert manifest["journal_head"] == before


def test_a_failed_backup_is_reported_and_the_sync_goes_on(server, tmp_path, monkeypatch):
    def full(*args, **kw):
        raise OSError(28, "No space left on device")

    cf = laptop(tmp_path, "a", server)
    sync(cf, server).backup.wait()  # an empty file: no backup to fail
    monkeypatch.setattr(backup, "auto_backup", full)
    case_id = cf.conn.execute("SELECT id FROM cases LIMIT 1").fetchone()[0]
    cf.save([Edit("case", {"notes": "待上传"}, record_id=case_id)])
    report = sync(cf, server)
    assert "自动备份没有完成" in report.backup.wait()
    assert report.pushed == 1


def test_the_copy_is_written_once_the_sync_has_ended(server, tmp_path):
    """The moment is fixed at the start, the copy written after the sync (not alongside it)."""
    cf = laptop(tmp_path, "a", server)
    sync(cf, server).backup.wait()
    folder = cf.path.parent / "backups"
    folder.mkdir(exist_ok=True)
    before = set(folder.iterdir())
    case_id = cf.conn.execute("SELECT id FROM cases LIMIT 1").fetchone()[0]
    cf.save([Edit("case", {"notes": "同步前的修改"}, record_id=case_id)])
    head = backup.journal_head(cf.conn)
    started = backup.BackupBeforeSync.start(cf)
    cf.save([Edit("case", {"notes": "同步中的修改"}, record_id=case_id)])
    time.sleep(0.5)  # a copy written alongside would have appeared by now
    assert started.path is None and set(folder.iterdir()) == before
    assert started.wait() == ""
    assert started.path is not None and started.path.parent == folder
    assert backup.read_manifest(started.path)["journal_head"] == head


def test_a_file_with_nothing_recorded_gets_no_backup(server, tmp_path):
    """A first sync into a new file: nothing to keep, so no backup and no read transaction
    holding the write-ahead log open while the sync fills it."""
    cf = laptop(tmp_path, "a", server)
    assert backup.journal_head(cf.conn) == [0, ""]
    started = backup.BackupBeforeSync.start(cf)
    assert started.wait() == "" and started.skipped and started.path is None
    assert not (cf.path.parent / "backups").exists() or not any(
        (cf.path.parent / "backups").iterdir()
    )
