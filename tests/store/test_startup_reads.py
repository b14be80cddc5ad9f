"""What start-up costs: the whole list is counted over a narrow index, a keyring-mode open needs
no AES library, and the keyring backend is chosen without entry-point discovery."""

import os
import subprocess
import sys

import keyring
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tests.conftest import REPO
from workstation import secrets
from workstation.store import keys, queries
from workstation.store.casefile import Edit


def test_whole_list_count_is_the_cases_not_deleted_and_reads_a_covering_index(demo_file):
    conn = demo_file.conn
    case_id = conn.execute("SELECT id FROM cases WHERE deleted = 0 LIMIT 1").fetchone()[0]
    demo_file.save([Edit("case", {"deleted": 1}, case_id)])
    alive = conn.execute("SELECT count(*) FROM cases WHERE deleted = 0").fetchone()[0]
    assert queries.count_cases(conn, queries.CaseFilter()) == alive
    assert queries.count_cases(conn, queries.CaseFilter(), cap=10) == 11
    plan = conn.execute("EXPLAIN QUERY PLAN SELECT 1 FROM case_index LIMIT 11").fetchall()
    assert "COVERING INDEX" in " ".join(str(row[3]) for row in plan)


def test_key_check_hkdf_is_the_same_as_cryptographys():
    for salt in (None, b"", os.urandom(16)):
        secret = os.urandom(32)
        expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"purpose").derive(
            secret
        )
        assert keys._hkdf(secret, b"purpose", salt) == expected


def test_opening_a_keyring_mode_file_imports_no_aes_library(case_file):
    path = case_file.path
    case_file.close()
    code = (
        "import sys; from workstation.store.casefile import CaseFile; "
        f"CaseFile.open({str(path)!r}).close(); "
        "print('cryptography' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "WORKSTATION_PASSPHRASE"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False", out.stderr


def test_backend_honours_an_explicit_choice(monkeypatch):
    # PYTHON_KEYRING_BACKEND (set for the test run) decides before the platform's backend
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setattr(secrets, "_decided", False)
    chosen = secrets.backend()
    assert type(chosen).__name__ == "FileKeyring"
    assert secrets.keyring_available()


def test_an_unusable_platform_backend_falls_back(monkeypatch):
    monkeypatch.setitem(secrets.PLATFORM_BACKENDS, "linux", "keyring.backends.nowhere.Keyring")
    monkeypatch.setitem(secrets.PLATFORM_BACKENDS, "win32", "keyring.backends.nowhere.Keyring")
    monkeypatch.setitem(secrets.PLATFORM_BACKENDS, "darwin", "keyring.backends.nowhere.Keyring")
    assert secrets._platform_backend() is None
