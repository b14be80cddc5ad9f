"""Errors of the case file, sorted as qutebrowser does: what the officer can fix, and bugs.

Every error carries a Chinese `message` for the officer and a precise English `detail` for the log.
"""


class CaseFileError(Exception):
    """A problem with the case file that the officer (or court IT) can act on."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or message

    def __str__(self) -> str:
        return self.message


class CaseFileMissing(CaseFileError):
    """No case file at the path."""


class NotACaseFile(CaseFileError):
    """The file exists but is not a case file: it is refused and never written to."""


class NewerVersion(CaseFileError):
    """The file was written by a newer program version: refused, left untouched."""


class AlreadyOpen(CaseFileError):
    """Another program instance has the file open for writing."""


class StorageFull(CaseFileError):
    """The disk is full: the change was not saved, the file is as before."""


class ChangeRefused(CaseFileError):
    """A change that the store will not apply (unknown field, wrong type, stale version)."""


class KeyProblem(CaseFileError):
    """The case file's encryption key cannot be had: the file is refused and left untouched."""


class KeyMissing(KeyProblem):
    """Neither this computer's keyring nor the environment holds the file's key."""


class PassphraseNeeded(KeyProblem):
    """The file is protected by a passphrase and none was given."""


class WrongPassphrase(KeyProblem):
    """The passphrase given does not unlock the file's key."""


class WrongRecoveryKey(KeyProblem):
    """The recovery key is mistyped or belongs to another file."""


class KeyFileDamaged(KeyProblem):
    """The key file beside the case file is missing or damaged."""


class KeyFileMissing(KeyFileDamaged, NotACaseFile):
    """An encrypted-looking file with no key file beside it: a lost key file, or not ours."""
