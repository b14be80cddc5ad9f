"""The log file: rotating, in the data directory, and without personal data. A run over the demo
file (demo generation, search, show, readiness, ruling, the window opening and searching cases)
writes none of the demo's ID numbers or phone numbers into it."""

import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from workstation import logs
from workstation.store.casefile import CaseFile


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = logs.setup_logging(tmp_path / "data")
    yield path
    logs.stop_logging()


def read_log(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "".join(p.read_text("utf-8") for p in sorted(path.parent.glob(logs.LOG_NAME + "*")))


def personal_values(case_file: Path) -> set[str]:
    """The ID numbers, credit codes and phone numbers held in a case file."""
    with CaseFile.open(case_file, readonly=True) as cf:
        rows = cf.conn.execute(
            "SELECT id_number, credit_code, phone FROM parties WHERE deleted = 0"
        ).fetchall()
    return {v for row in rows for v in row if v and len(v) >= 11}


def assert_no_personal_data(text: str, values: set[str]) -> None:
    leaked = sorted(v for v in values if v in text)
    assert not leaked, f"{len(leaked)} personal values in the log, e.g. {leaked[:3]}"
    assert logs.find_personal_data(text) == []


# -- masking ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("身份证号410303196803152429，", "id"),
        ("id 41030319680315242X.", "id"),
        ("old id 410303680315242 here", "id"),
        ("统一社会信用代码91410300MA44X1Y21K", "id"),
        ("电话13803791234", "phone"),
        ("phone: 138-0379-1234", "phone"),
        ("+86 138 0379 1234", "phone"),
        ("座机0379-62345678", "phone"),
        ("账号6222021234567890123", "number"),
        ("card 6222 0212 3456 7890 123", "number"),
    ],
)
def test_personal_numbers_are_masked(text: str, kind: str) -> None:
    masked = logs.mask_personal_data(text)
    assert f"[{kind} masked]" in masked
    assert not any(ch.isdigit() for ch in masked.replace("[", "").split("masked]")[0][-4:])
    assert logs.find_personal_data(masked) == []


@pytest.mark.parametrize(
    "text",
    [
        "ruling 01934567-8901-7234-8abc-012345678901 issued on case 0193aa67-0001-7000-8000-abc",
        "（2026）豫0302执9001号 on 2026-11-26 12:30:01, 1234567 rows, 3.5 MB",
        "pushed 120 changes in 4 batches; cursor 98765",
    ],
)
def test_record_ids_dates_and_counts_are_left_alone(text: str) -> None:
    assert logs.mask_personal_data(text) == text


def test_the_file_masks_messages_arguments_and_tracebacks(log_file: Path) -> None:
    log = logging.getLogger("workstation.test")
    log.warning("party %s phone %s", "410303196803152429", "13803791234")
    try:
        raise ValueError("bad id 410303196803152429 for 15937905678")
    except ValueError:
        log.exception("failed")
    text = read_log(log_file)
    assert "410303196803152429" not in text and "13803791234" not in text
    assert "15937905678" not in text
    assert "party [id masked] phone [phone masked]" in text
    assert "ValueError: bad id [id masked] for [phone masked]" in text


def test_the_file_rotates_and_a_second_setup_keeps_one_handler(log_file: Path) -> None:
    handlers = [h for h in logging.getLogger().handlers if hasattr(h, "baseFilename")]
    assert logs.setup_logging(log_file.parent) == log_file
    again = [h for h in logging.getLogger().handlers if hasattr(h, "baseFilename")]
    assert again == handlers
    (handler,) = [h for h in again if Path(h.baseFilename) == log_file.resolve()]
    assert handler.maxBytes == logs.MAX_BYTES and handler.backupCount == logs.BACKUPS
    log = logging.getLogger("workstation.test")
    for i in range(3 * logs.MAX_BYTES // 1000):
        log.info("line %d %s", i, "x" * 1000)
    rotated = sorted(log_file.parent.glob(logs.LOG_NAME + ".*"))
    assert 1 <= len(rotated) <= logs.BACKUPS
    assert all(p.stat().st_size <= logs.MAX_BYTES + 2000 for p in [log_file, *rotated])


# -- a run over the demo file -------------------------------------------------------------------
def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workstation", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_a_run_over_the_demo_file_logs_no_id_or_phone_number(tmp_path: Path, qtbot) -> None:
    data = tmp_path / "data"
    done = run("demo", "--cases", "300", "--seed", "5", "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    case_file = data / "casefile.sqlite3"
    values = personal_values(case_file)
    assert len(values) > 300
    with CaseFile.open(case_file, readonly=True) as cf:
        conn: sqlite3.Connection = cf.conn
        id_number, phone, case_number = conn.execute(
            "SELECT p.id_number, p.phone, c.case_number FROM parties p "
            "JOIN cases c ON c.id = p.case_id WHERE p.id_number != '' AND p.phone != '' LIMIT 1"
        ).fetchone()
    for args in (
        ("search", id_number),
        ("search", phone, "--json"),
        ("show", case_number),
        ("readiness", case_number),
        ("ruling", case_number, "-o", str(tmp_path / "r.pdf")),
        ("interview-record", case_number, "-o", str(tmp_path / "i.pdf")),
        ("search", "没有这样的人"),
    ):
        done = run(*args, "--data-dir", str(data))
        assert done.returncode in (0, 1, 2), done.stderr

    # the window on the same file, searching by the ID number and opening the case
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    logs.setup_logging(data)
    try:
        cf = CaseFile.open(case_file)
        window = MainWindow(cf, QSettings(str(data / "window.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        window.show()
        qtbot.keyClicks(window.search, id_number)
        qtbot.waitUntil(lambda: window.model.rowCount() == 1)
        window.table.selectRow(0)
        qtbot.waitUntil(lambda: case_number in window.case_view.title.text())
        window.close()
        cf.close()
        text = read_log(data / logs.LOG_NAME)
    finally:
        logs.stop_logging()
    assert "created case file" in text  # the commands did write to the log
    assert_no_personal_data(text, values)
