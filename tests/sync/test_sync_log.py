"""A sync from the command line against the real server writes its log without the ID numbers
and phone numbers of the cases it pulls."""

import os
import subprocess
import sys

from central import admin
from tests.sync.conftest import COURT, PASSWORD, laptop
from tests.test_logs import assert_no_personal_data, personal_values
from workstation.logs import LOG_NAME


def test_a_command_line_sync_logs_no_id_or_phone_number(server, tmp_path):
    admin.load_demo(server.db, cases=60, seed=11, court=COURT, officer_username="zhang")
    cf = laptop(tmp_path, "a", server)
    data_dir = cf.path.parent
    cf.close()
    done = subprocess.run(
        [sys.executable, "-m", "workstation", "sync", "--quiet", "--data-dir", str(data_dir)],
        env={**os.environ, "WORKSTATION_SYNC_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    values = personal_values(cf.path)
    assert len(values) > 60  # the pulled cases' parties
    text = (data_dir / LOG_NAME).read_text("utf-8")
    assert "nothing recorded yet" in text  # no backup before a first sync, said in the log
    assert "pulled 2" in text  # the sync wrote its outcome (pulled 2xx changes)
    assert_no_personal_data(text, values)
