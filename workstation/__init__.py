"""执行干警离线工作站: the core. Pure Python, no Qt: for the CLI, tests and server."""


def __getattr__(name: str) -> str:
    # The version comes from the installed package; read lazily (importlib.metadata costs ~50 ms).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("enforcement-workstation")
        except PackageNotFoundError:  # a source tree that was not installed
            return "0.0.0+source"
    raise AttributeError(name)
