"""`workstation --selftest`: every step passes on a working installation, and a broken step fails
the run with its name; the building blocks (the ready case, the PDF check) on their own."""

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from ui import selftest as ui_selftest
from workstation import selftest
from workstation.domain.identity import parse_identity
from workstation.enforcement import readiness
from workstation.store.casefile import CaseFile


def test_the_selftest_passes_from_the_command_line_and_leaves_no_files(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "workstation", "--selftest"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    steps = [line for line in lines if line.startswith("通过 ok")]
    assert len(steps) == len(selftest.CORE_STEPS) + len(ui_selftest.STEPS) + len(
        selftest.LAST_STEPS
    )
    for needed in (
        "约谈笔录 PDF",
        "终本条件核查",
        "终本裁定 PDF",
        "排序",
        "主窗口",
        "日志无个人信息",
    ):
        assert any(needed in line for line in steps), needed
    assert lines[-1].startswith("自检通过 / self-test passed")
    assert list(tmp_path.iterdir()) == []  # the temporary folder is removed after a pass


def test_the_version_is_the_packages(capsys: pytest.CaptureFixture[str]) -> None:
    from workstation import __version__
    from workstation.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"workstation {__version__}"


def test_a_failing_step_fails_the_run_names_the_step_and_keeps_the_files(tmp_path: Path) -> None:
    def broken(t: selftest.SelfTest) -> str:
        raise selftest.StepFailed("the window is blank")

    out = io.StringIO()
    code = selftest.run_selftest([("主窗口 / main window", broken)], out=out, folder=tmp_path)
    text = out.getvalue()
    assert code == 1
    assert "失败 FAIL  主窗口 / main window: the window is blank" in text
    assert "日志无个人信息" not in text  # nothing after the failed step runs
    assert text.splitlines()[-1].startswith("自检未通过 / self-test FAILED: 主窗口")
    assert (tmp_path / "ruling.pdf").exists() and (tmp_path / "data" / "workstation.log").exists()
    assert "the window is blank" in (tmp_path / "data" / "workstation.log").read_text("utf-8")


def test_the_ready_case_passes_the_termination_check_once_the_applicant_is_interviewed(
    case_file: CaseFile,
) -> None:
    today = date(2026, 11, 26)
    ready = selftest.build_ready_case(case_file, today)
    before = readiness(case_file, ready.case_id, today)
    assert not before.ready
    assert [f.code for f in before.unmet] == ["interview"]
    selftest.hold_interview(case_file, ready, today)
    assert readiness(case_file, ready.case_id, today).ready
    ids = [v for v in ready.personal_values if len(v) == 18]
    assert len(ids) == 2
    for number in ids:
        parse_identity(number)  # well-formed: the check digit is right


def test_a_pdf_with_a_standard_font_is_refused_as_not_embedded(tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 720, "not embedded")
    canvas.showPage()
    canvas.save()
    facts = selftest.pdf_facts(path.read_bytes())
    assert facts.pages == 1 and "Helvetica" in facts.unembedded_fonts
    with pytest.raises(selftest.StepFailed, match="fonts not embedded"):
        selftest.check_pdf(path, 1)
    with pytest.raises(selftest.StepFailed, match="not a complete PDF"):
        selftest.pdf_facts(b"%PDF-1.4 cut off")
