"""`python -m workstation`, and the entry point of the frozen program (build.spec).

The program answers to two names. `workstation` is the command line; any other name (the
`EnforcementWorkstation` executable, `python -m workstation`) is the window. On Windows they are
two executables over one folder (a console one and a windowed one: Windows decides at start-up
whether a program has a console). On Linux and macOS there is one executable,
`EnforcementWorkstation`, and `workstation` is a symbolic link to it in the same folder (made by
build.spec): the name it was started under, the basename of sys.argv[0], says which it is.

Both take the same arguments (`--selftest`, `--version`, `--data-dir`, the commands); with no
command both open the window, as before.
"""

import multiprocessing
import os
import sys
from collections.abc import Callable

CLI_NAME = "workstation"


def invoked_as_cli(argv0: str) -> bool:
    """True when started as `workstation` (`workstation.exe`, any path, a link to it)."""
    name = argv0.replace("\\", "/").rsplit("/", 1)[-1].casefold()
    return name.removesuffix(".exe") == CLI_NAME


def _cli_main() -> int:
    from workstation.cli import main

    return main()


def _gui_main() -> int:
    # A windowed executable on Windows has no console: print() and argparse would fail on None.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    from workstation.cli import main

    return main()  # with no command, the window


def entry(argv0: str) -> Callable[[], int]:
    """The main function for the name the program was started under."""
    return _cli_main if invoked_as_cli(argv0) else _gui_main


if __name__ == "__main__":
    multiprocessing.freeze_support()  # the demo generator's second process, in a frozen program
    sys.exit(entry(sys.argv[0])())
