"""Errors of the central server: a Chinese `reason` for people, a precise `detail` for the log."""


class CentralError(Exception):
    """Something an administrator or a workstation user can act on."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail or reason

    def __str__(self) -> str:
        return self.reason


class NewerSchema(CentralError):
    """The database was made by a newer server version: refused, left untouched."""


class DatabaseUnavailable(CentralError):
    """The database cannot be reached or opened (wrong URL, server down, file missing)."""


class ApiError(CentralError):
    """A refused request: the HTTP status and the reason sent back to the workstation."""

    def __init__(self, status: int, reason: str, detail: str = "", **extra: object) -> None:
        super().__init__(reason, detail)
        self.status = status
        self.extra = extra
