"""Every sync starts with an encrypted backup; the court's number of them is kept."""

import dataclasses

from tests.sync.conftest import laptop, sync
from workstation.domain import settings


def test_each_sync_makes_a_backup_first_and_keeps_the_last_n(server, tmp_path, monkeypatch):
    keep = dataclasses.replace(settings.default_settings(), backups_kept_before_sync=2)
    monkeypatch.setattr(settings, "default_settings", lambda: keep)
    cf = laptop(tmp_path, "a", server)
    folder = cf.path.parent / "backups"
    for n in range(3):
        cf.set_meta("note", str(n))
        sync(cf, server)
        assert len(list(folder.iterdir())) == min(n + 1, 2)
    newest = sorted(folder.iterdir())[-1]
    assert b"SQLite format 3" not in newest.read_bytes()


def test_a_failed_backup_is_reported_and_the_sync_goes_on(server, tmp_path, monkeypatch):
    from workstation import backup

    def full(*args, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "auto_backup", full)
    cf = laptop(tmp_path, "a", server)
    report = sync(cf, server)
    assert any("自动备份没有完成" in w for w in report.warnings)
    assert report.pulled > 0
