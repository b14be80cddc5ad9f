"""执行干警离线工作站: the core. Pure Python, no Qt: for the CLI, tests and server."""

# The one place the version is written; pyproject.toml reads it from here.
__version__ = "0.1.0"
