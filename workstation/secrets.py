"""Everything that touches the OS keyring: the sync server token.

The token never goes into the case file or a config file. Where the OS has no keyring (a headless
Linux box has none), nothing is stored and the officer is asked for the password at each sync.
"""

import logging

import keyring
import keyring.errors
from keyring.backends import fail

log = logging.getLogger(__name__)

SERVICE = "EnforcementWorkstation"


def keyring_available() -> bool:
    """Whether the OS offers a keyring to keep the token in."""
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration is no keyring
        return False
    return not isinstance(backend, fail.Keyring) and getattr(backend, "priority", 1) > 0


def _key(server_url: str, username: str) -> str:
    return f"{server_url.rstrip('/')}|{username}"


def load_token(server_url: str, username: str) -> str | None:
    if not keyring_available():
        return None
    try:
        return keyring.get_password(SERVICE, _key(server_url, username))
    except keyring.errors.KeyringError as exc:
        log.warning("keyring read failed: %s", exc)
        return None


def save_token(server_url: str, username: str, token: str) -> bool:
    """Keep the token in the keyring; False when there is none (then it is not kept at all)."""
    if not keyring_available():
        return False
    try:
        keyring.set_password(SERVICE, _key(server_url, username), token)
        return True
    except keyring.errors.KeyringError as exc:
        log.warning("keyring write failed: %s", exc)
        return False


def forget_token(server_url: str, username: str) -> None:
    if not keyring_available():
        return
    try:
        keyring.delete_password(SERVICE, _key(server_url, username))
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as exc:
        log.warning("keyring delete failed: %s", exc)
