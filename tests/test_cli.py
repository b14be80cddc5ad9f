"""The command line: `workstation demo|search|show`, in-process and as a real program."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workstation.cli import main
from workstation.paths import CASE_FILE_NAME
from workstation.store import database, keys
from workstation.store.casefile import CaseFile

SEED = 7
CASES = 300


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The command line as the officer runs it: a separate Python process."""
    return subprocess.run(
        [sys.executable, "-m", "workstation.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory filled by `workstation demo` run as a real process."""
    data_dir = tmp_path_factory.mktemp("cli-demo")
    done = run("demo", "--cases", str(CASES), "--seed", str(SEED), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert f"已生成演示数据：{CASES} 件案件" in done.stdout
    assert "Traceback" not in done.stderr
    return data_dir


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def case_rows(data_dir: Path) -> list[tuple]:
    path = data_dir / CASE_FILE_NAME
    conn = database.connect(path, keys.key_for(path), readonly=True)
    try:
        return conn.execute(
            """SELECT c.case_number, group_concat(p.name, '、')
               FROM cases c JOIN parties p ON p.case_id = c.id
               GROUP BY c.n ORDER BY c.n"""
        ).fetchall()
    finally:
        conn.close()


def a_case(data_dir: Path) -> tuple[str, list[str]]:
    """A case number of the demo file and its parties' names."""
    number, names = case_rows(data_dir)[17]
    return number, names.split("、")


# -- demo -------------------------------------------------------------------------------------


def test_demo_makes_the_number_of_cases_asked_for(demo_dir: Path) -> None:
    assert len(case_rows(demo_dir)) == CASES


def test_same_seed_gives_the_same_cases_in_another_directory(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    again = tmp_path / "again"
    assert main(["demo", "--cases", str(CASES), "--seed", str(SEED), "--data-dir", str(again)]) == 0
    assert f"{CASES} 件案件" in capsys.readouterr().out
    assert case_rows(again) == case_rows(demo_dir)
    with (
        CaseFile.open(demo_dir / CASE_FILE_NAME, readonly=True) as first,
        CaseFile.open(again / CASE_FILE_NAME, readonly=True) as second,
    ):
        assert first.state_snapshot() == second.state_snapshot()


def test_another_seed_gives_other_cases(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--cases", "20", "--seed", "8", "--data-dir", str(tmp_path)]) == 0
    assert case_rows(tmp_path) != case_rows(demo_dir)[:20]


def test_demo_into_a_directory_with_cases_is_refused_and_changes_nothing(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = demo_dir / CASE_FILE_NAME
    before = digest(path)
    code = main(["demo", "--cases", "5", "--data-dir", str(demo_dir)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"已有 {CASES} 件案件" in err
    assert "--replace" in err
    assert digest(path) == before
    assert len(case_rows(demo_dir)) == CASES


def test_demo_with_no_cases_asked_for_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--cases", "0", "--data-dir", str(tmp_path)]) == 2
    assert "正整数" in capsys.readouterr().err
    assert not (tmp_path / CASE_FILE_NAME).exists()


# -- search -----------------------------------------------------------------------------------


def test_search_prints_the_matching_cases(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number, names = a_case(demo_dir)
    assert main(["search", names[0], "--data-dir", str(demo_dir)]) == 0
    out = capsys.readouterr().out
    assert number in out
    assert names[0] in out
    assert "共 " in out


def test_search_as_json_lists_the_cases_and_the_total(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number, _ = a_case(demo_dir)
    assert main(["search", number, "--json", "--data-dir", str(demo_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 1
    (case,) = data["cases"]
    assert case["case_number"] == number
    assert {"id", "applicants", "debtors", "officer", "filing_date", "status"} <= set(case)
    assert "n" not in case


def test_search_as_json_is_limited_but_counts_everything(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "洛阳市", "--json", "--limit", "5", "--data-dir", str(demo_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["cases"]) == 5
    assert data["total"] > 5


def test_search_that_finds_nothing_says_so(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "诸葛孔明", "--data-dir", str(demo_dir)]) == 1
    assert "没有找到" in capsys.readouterr().err


def test_search_as_a_real_process(demo_dir: Path) -> None:
    number, names = a_case(demo_dir)
    done = run("search", names[-1], "--json", "--data-dir", str(demo_dir))
    assert done.returncode == 0, done.stderr
    assert number in [c["case_number"] for c in json.loads(done.stdout)["cases"]]


def test_search_without_a_case_file_says_to_run_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "王五", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "还没有案件数据" in err
    assert "workstation demo" in err
    assert list(tmp_path.iterdir()) == []


# -- show -------------------------------------------------------------------------------------


def test_show_as_json_has_the_case_and_its_parties(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number, names = a_case(demo_dir)
    assert main(["show", number, "--json", "--data-dir", str(demo_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["case_number"] == number
    assert [p["name"] for p in data["parties"]] == names
    assert {p["role"] for p in data["parties"]} >= {"applicant", "debtor"}


def test_show_accepts_half_width_parentheses(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number, names = a_case(demo_dir)
    typed = number.replace("（", "(").replace("）", ")").removesuffix("号")
    assert main(["show", typed, "--data-dir", str(demo_dir)]) == 0
    out = capsys.readouterr().out
    assert f"案号：{number}" in out
    assert f"申请执行人：{names[0]}" in out


def test_show_of_an_unknown_case_number_says_so(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "（2099）豫0302执1号", "--data-dir", str(demo_dir)]) == 2
    captured = capsys.readouterr()
    assert "没有找到案号为（2099）豫0302执1号的案件" in captured.err
    assert captured.out == ""


def test_show_of_a_malformed_case_number_explains_without_a_traceback(demo_dir: Path) -> None:
    done = run("show", "（2021）豫0302民初12号", "--data-dir", str(demo_dir))
    assert done.returncode == 2
    assert "不是执行类案件的代字" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


# -- where the data is --------------------------------------------------------------------------


@pytest.mark.parametrize("before", [True, False], ids=["before-command", "after-command"])
def test_data_dir_is_accepted_before_or_after_the_command(
    demo_dir: Path, capsys: pytest.CaptureFixture[str], before: bool
) -> None:
    number, _ = a_case(demo_dir)
    option = ["--data-dir", str(demo_dir)]
    args = [*option, "show", number] if before else ["show", number, *option]
    assert main(args) == 0
    assert f"案号：{number}" in capsys.readouterr().out


def test_data_dir_comes_from_the_environment_when_not_given(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    number, _ = a_case(demo_dir)
    monkeypatch.setenv("WORKSTATION_DATA_DIR", str(demo_dir))
    assert main(["show", number]) == 0
    assert f"案号：{number}" in capsys.readouterr().out


def test_data_dir_option_wins_over_the_environment(
    demo_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WORKSTATION_DATA_DIR", str(demo_dir))
    assert main(["search", "王", "--data-dir", str(tmp_path)]) == 2
    assert "workstation demo" in capsys.readouterr().err


def test_environment_data_dir_in_a_real_process(demo_dir: Path) -> None:
    number, _ = a_case(demo_dir)
    done = run("show", number, "--json", env={"WORKSTATION_DATA_DIR": str(demo_dir)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["case_number"] == number


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is an X11 notion")
def test_starting_the_window_without_a_desktop_says_so_in_chinese(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "workstation.cli", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2
    assert "没有图形桌面" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / CASE_FILE_NAME).exists()
