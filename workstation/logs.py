"""The program's log: a rotating file in the data directory, for court IT.

Log records name files, record ids and error details, never personal data (names, ID numbers,
phone numbers, addresses, bank accounts): those stay in the case file. The calls are written so;
as a safety net the file's handler masks anything shaped like an ID number, a phone number or an
account number before it is written (`PersonalDataFilter`), tracebacks included.
"""

import logging
import re
from pathlib import Path

LOG_NAME = "workstation.log"
MAX_BYTES = 1_000_000
BACKUPS = 5

# Not inside a longer word or a record id (UUIDs are hex groups joined by dashes).
_BEFORE = r"(?<![0-9A-Za-z-])"
_AFTER = r"(?![0-9A-Za-z-])"
# Most specific first: each pattern replaces what it finds before the next one looks.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 居民身份证号: 18 characters (the last may be X) or the old 15 digits
    ("id", re.compile(_BEFORE + r"(?:\d{17}[\dXx]|\d{15})" + _AFTER)),
    # 统一社会信用代码 (an organisation's, but it names the debtor): 18 characters, digits inside
    ("id", re.compile(_BEFORE + r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}" + _AFTER)),
    # mobile numbers, also written 138-0379-1234 or +86 138 0379 1234
    ("phone", re.compile(_BEFORE + r"(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}" + _AFTER)),
    # landlines with an area code: 0379-12345678, (0379)1234567
    ("phone", re.compile(_BEFORE + r"[(（]?0\d{2,3}[)）-]?\s?\d{7,8}" + _AFTER)),
    # bank accounts and cards: 12 to 30 digits, possibly in groups of four
    ("number", re.compile(_BEFORE + r"\d{4}(?:[ -]?\d{4}){2,6}(?:[ -]?\d{1,4})?" + _AFTER)),
    ("number", re.compile(_BEFORE + r"\d{12,30}" + _AFTER)),
)


def mask_personal_data(text: str) -> str:
    """`text` with every ID-, phone- and account-shaped number replaced by a marker."""
    for kind, pattern in PATTERNS:
        text = pattern.sub(f"[{kind} masked]", text)
    return text


def find_personal_data(text: str) -> list[str]:
    """The ID-, phone- and account-shaped numbers in `text` (to check a log file)."""
    found: list[str] = []
    for _kind, pattern in PATTERNS:
        found += pattern.findall(text)
        text = pattern.sub(" ", text)
    return found


class PersonalDataFilter(logging.Filter):
    """Masks numbers shaped like personal data in a record's message and traceback, in place
    (so every handler after this one sees the masked text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


_installed: logging.Handler | None = None
_level_before = logging.NOTSET


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Send log records to `<data_dir>/workstation.log` (1 MB × 5 files). Returns the path.
    Called again (another data directory, a command after the window), the previous file is
    closed and replaced; the same directory keeps the handler it has."""
    import logging.handlers  # not on the start-up path of commands that do not log to a file

    global _installed, _level_before
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOG_NAME
    if _installed is not None:
        if Path(getattr(_installed, "baseFilename", "")) == path.resolve():
            return path
        stop_logging()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setLevel(level)
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    _level_before = root.level
    if root.level > level:  # NOTSET (0) already lets everything through
        root.setLevel(level)
    # Each HTTP request at INFO is noise here; the sync client logs what matters.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Data warnings (e.g. a year missing from the holiday calendar) go to the log for court IT,
    # not to the officer's terminal as Python warnings.
    logging.captureWarnings(True)
    _installed = handler
    return path


def stop_logging() -> None:
    """Close the log file `setup_logging` opened (the end of a command, a test)."""
    global _installed
    if _installed is None:
        return
    root = logging.getLogger()
    root.removeHandler(_installed)
    root.setLevel(_level_before)
    logging.captureWarnings(False)
    _installed.close()
    _installed = None
