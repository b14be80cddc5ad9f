"""执行干警离线工作站: the core. Pure Python, no Qt: for the CLI, tests and server."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("enforcement-workstation")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
