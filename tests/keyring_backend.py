"""A keyring for the test run only: a JSON file named by $WORKSTATION_TEST_KEYRING, shared with the
program processes the tests start (PYTHON_KEYRING_BACKEND names this class). Plain text, so never
anything but tests; the program itself never uses a plain-text keyring."""

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["WORKSTATION_TEST_KEYRING"])

    def _items(self) -> dict[str, str]:
        try:
            return json.loads(self._path().read_text())
        except FileNotFoundError:
            return {}

    def _save(self, items: dict[str, str]) -> None:
        tmp = self._path().with_name(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(items))
        os.replace(tmp, self._path())

    def get_password(self, service: str, username: str) -> str | None:
        return self._items().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._save(self._items() | {f"{service}|{username}": password})

    def delete_password(self, service: str, username: str) -> None:
        items = self._items()
        items.pop(f"{service}|{username}", None)
        self._save(items)
