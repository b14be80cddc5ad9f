"""Everything that touches the OS keyring: the sync server token, and which keyring there is.

The token never goes into the case file or a config file. Where the OS has no keyring (a headless
Linux box has none), nothing is stored and the officer is asked for the password at each sync.

`keyring` is imported on first use, not at start-up (about 90 ms here), and its backend is chosen
by platform (Windows Credential Manager, macOS Keychain, Secret Service on Linux) instead of by
keyring's entry-point discovery (about 140 ms more here). PYTHON_KEYRING_BACKEND or a keyring
config file still decide first; a platform backend that is not usable falls back to discovery.
"""

import logging
import sys
import threading
from typing import Any

log = logging.getLogger(__name__)

SERVICE = "EnforcementWorkstation"
PLATFORM_BACKENDS = {
    "win32": "keyring.backends.Windows.WinVaultKeyring",
    "darwin": "keyring.backends.macOS.Keyring",
    "linux": "keyring.backends.SecretService.Keyring",
}
_chosen = threading.Lock()
_decided = False


def _platform_backend() -> Any:
    """The platform's keyring backend if it is usable here, else None."""
    from keyring import core

    name = PLATFORM_BACKENDS.get("linux" if sys.platform.startswith("linux") else sys.platform)
    if name is None:
        return None
    try:
        return core.load_keyring(name)  # raises when the backend is not viable here
    except Exception as exc:  # no D-Bus session, a missing module: not this backend
        log.info("keyring backend %s not usable: %s", name, exc)
        return None


def backend() -> Any:
    """The keyring backend, chosen once per process (see the module docstring)."""
    global _decided
    import keyring
    from keyring import core

    with _chosen:
        if not _decided:
            _decided = True
            if core._keyring_backend is None:  # nobody (a test, a bench) set one already
                try:
                    chosen = core.load_env() or core.load_config() or _platform_backend()
                except Exception as exc:  # a broken configuration: keyring's own discovery
                    log.warning("keyring configuration not usable: %s", exc)
                    chosen = None
                if chosen is not None:
                    keyring.set_keyring(chosen)
    return keyring.get_keyring()  # discovery, when nothing was chosen above


def keyring_available() -> bool:
    """Whether the OS offers a keyring to keep the token and the case file's key in."""
    try:
        from keyring.backends import fail

        found = backend()
    except Exception:  # a broken keyring configuration is no keyring
        return False
    return not isinstance(found, fail.Keyring) and getattr(found, "priority", 1) > 0


def _key(server_url: str, username: str) -> str:
    return f"{server_url.rstrip('/')}|{username}"


def load_token(server_url: str, username: str) -> str | None:
    if not keyring_available():
        return None
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(SERVICE, _key(server_url, username))
    except keyring.errors.KeyringError as exc:
        log.warning("keyring read failed: %s", exc)
        return None


def save_token(server_url: str, username: str, token: str) -> bool:
    """Keep the token in the keyring; False when there is none (then it is not kept at all)."""
    if not keyring_available():
        return False
    import keyring
    import keyring.errors

    try:
        keyring.set_password(SERVICE, _key(server_url, username), token)
        return True
    except keyring.errors.KeyringError as exc:
        log.warning("keyring write failed: %s", exc)
        return False


def forget_token(server_url: str, username: str) -> None:
    if not keyring_available():
        return
    import keyring
    import keyring.errors

    try:
        keyring.delete_password(SERVICE, _key(server_url, username))
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as exc:
        log.warning("keyring delete failed: %s", exc)
