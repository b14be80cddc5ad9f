"""The frozen program's entry point tells the command line from the window by the name it was
started under: on Linux `workstation` is a symbolic link to `EnforcementWorkstation` (the frozen
bundle itself is checked by scripts/build.sh, which self-tests both names)."""

import sys

import pytest

from workstation import __main__ as entry_point


@pytest.mark.parametrize(
    "argv0",
    [
        "workstation",
        "./workstation",
        "/opt/EnforcementWorkstation/workstation",
        r"C:\Program Files\EnforcementWorkstation\workstation.exe",
        r"C:\Program Files\EnforcementWorkstation\WORKSTATION.EXE",
    ],
)
def test_the_command_line_name_runs_the_command_line(argv0: str) -> None:
    assert entry_point.invoked_as_cli(argv0)
    assert entry_point.entry(argv0) is entry_point._cli_main


@pytest.mark.parametrize(
    "argv0",
    [
        "EnforcementWorkstation",
        "/opt/EnforcementWorkstation/EnforcementWorkstation",
        r"C:\Program Files\EnforcementWorkstation\EnforcementWorkstation.exe",
        "/src/workstation/__main__.py",  # python -m workstation
        "workstation-central",
        "",
    ],
)
def test_any_other_name_is_the_window(argv0: str) -> None:
    assert not entry_point.invoked_as_cli(argv0)
    assert entry_point.entry(argv0) is entry_point._gui_main


def test_the_window_without_a_console_still_answers_the_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A windowed Windows program has no stdout: argparse's --version must not fail on None."""
    monkeypatch.setattr(sys, "argv", ["EnforcementWorkstation.exe", "--version"])
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    with pytest.raises(SystemExit) as done:
        entry_point.entry(sys.argv[0])()
    assert done.value.code == 0
