"""`python -m workstation`, and the entry point of the frozen program (build.spec): both the
windowed executable and the console one start here."""

import multiprocessing
import os
import sys


def _frozen_main() -> int:
    # A windowed executable on Windows has no console: print() and argparse would fail on None.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    from workstation.cli import main

    return main()


if __name__ == "__main__":
    multiprocessing.freeze_support()  # the demo generator's second process, in a frozen program
    sys.exit(_frozen_main())
