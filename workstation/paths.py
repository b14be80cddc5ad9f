"""Where the officer's data lives: `--data-dir`, else `WORKSTATION_DATA_DIR`, else OS default."""

import os
from pathlib import Path

import platformdirs

APP_NAME = "EnforcementWorkstation"
CASE_FILE_NAME = "casefile.sqlite3"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: the argument, else $WORKSTATION_DATA_DIR, else the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("WORKSTATION_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def case_file_path(explicit_dir: str | os.PathLike[str] | None = None) -> Path:
    """The case file inside the data directory."""
    return data_dir(explicit_dir) / CASE_FILE_NAME
