"""The program's log: a rotating file in the data directory, for court IT.

Log records name files, record ids and error details, never personal data (names, ID numbers,
phone numbers, addresses): those stay in the case file.
"""

import logging
from pathlib import Path

LOG_NAME = "workstation.log"


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Send log records to `<data_dir>/workstation.log` (1 MB × 5 files). Returns the path."""
    import logging.handlers  # not on the start-up path of commands that do not log to a file

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOG_NAME
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    # Data warnings (e.g. a year missing from the holiday calendar) go to the log for court IT,
    # not to the officer's terminal as Python warnings.
    logging.captureWarnings(True)
    return path
