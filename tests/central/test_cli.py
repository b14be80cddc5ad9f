"""`workstation-central`: the administrator's commands, against a running server."""

import json
from pathlib import Path

import pytest

from central import testing
from central.cli import main

from .helpers import PASSWORD, Central, expected_summary, pull_all

CASE = {
    "case_number": "(2024)豫0302执1234号",
    "filing_date": "2024-03-05",
    "cause": "民间借贷纠纷",
    "principal": 5_000_000,
    "parties": [
        {"role": "applicant", "kind": "person", "name": "王五", "sex": "male"},
        {"role": "debtor", "kind": "organisation", "name": "洛阳宏达商贸有限公司"},
    ],
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_accounts_cases_and_assignment_from_the_command_line(
    central: Central, tmp_path: Path, capsys, monkeypatch
):
    db = central.db_url
    monkeypatch.setenv("NEW_PASSWORD", PASSWORD)
    code, out, _ = run(capsys, "init", "--db", db)
    assert code == 0
    for user, name in (("zhang", "张伟"), ("li", "李娜")):
        code, out, err = run(
            capsys,
            "add-account", "--db", db, "--username", user, "--password-env", "NEW_PASSWORD",
            "--role", "officer", "--court", "豫0302", "--name", name,
        )  # fmt: skip
        assert code == 0, err
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(CASE, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(
        capsys, "add-case", "--db", db, "--json", str(case_file), "--officer", "zhang"
    )
    assert code == 0, err
    zhang = central.client(central.sign_in("zhang").json()["token"])
    li = central.client(central.sign_in("li").json()["token"])
    changes = pull_all(zhang)
    assert [c["record_type"] for c in changes] == ["case", "party", "party"]
    case = changes[0]["fields"]
    assert case["case_number"] == "（2024）豫0302执1234号"  # canonical spelling
    assert case["court_code"] == "豫0302" and case["officer"] == "张伟"
    assert pull_all(li) == []

    code, out, err = run(
        capsys, "assign", "--db", db, "--case-number", "（2024）豫0302执1234号", "--officer", "li"
    )
    assert code == 0, err
    assert pull_all(zhang) == []
    assert pull_all(li) == changes
    assert li.get("/summary").json() == expected_summary(changes)

    code, out, err = run(capsys, "revoke", "--db", db, "--username", "li")
    assert code == 0 and "1" in out
    assert li.get("/status").status_code == 401


def test_load_demo_from_the_command_line(central: Central, capsys):
    central.add_account("zhang")
    code, out, err = run(
        capsys, "load-demo", "--db", central.db_url, "--cases", "50", "--seed", "3",
        "--court", "豫0302", "--officer", "zhang",
    )  # fmt: skip
    assert code == 0, err
    assert "50 件案件" in out
    zhang = central.client(central.sign_in("zhang").json()["token"])
    assert len({c["record_id"] for c in pull_all(zhang) if c["record_type"] == "case"}) == 50


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add-account", "--username", "x", "--password", "short", "--role", "officer",
          "--court", "豫0302"], "至少需要 8 个字符"),
        (["add-account", "--username", "x", "--password", "long enough", "--role", "officer",
          "--court", "豫9999"], "不在法院代码表中"),
        (["add-account", "--username", "zhang", "--password", "long enough", "--role",
          "officer", "--court", "豫0302"], "已被使用"),
        (["add-account", "--username", "x", "--password-env", "UNSET_VARIABLE_X", "--role",
          "officer", "--court", "豫0302"], "未设置"),
        (["load-demo", "--cases", "5", "--court", "豫0303", "--officer", "zhang"], "不能为其生成"),
        (["load-demo", "--cases", "5", "--court", "豫0302", "--officer", "nobody"], "没有用户名"),
        (["assign", "--case-number", "（2024）豫0302执1号", "--officer", "zhang"], "没有案号"),
        (["assign", "--case-number", "不是案号", "--officer", "zhang"], ""),
        (["revoke", "--username", "nobody"], "没有用户名"),
        (["add-case", "--json", "/no/such/file.json", "--officer", "zhang"], "找不到文件"),
    ],
)  # fmt: skip
def test_command_line_errors_are_chinese_with_status_2(db_url: str, capsys, argv, message):
    testing.add_account(db_url, "zhang", PASSWORD)
    code, out, err = run(capsys, argv[0], "--db", db_url, *argv[1:])
    assert code == 2
    assert err.startswith("错误：") and message in err
    assert out == ""


def test_a_case_refused_by_the_accept_path_is_not_stored(central: Central, tmp_path, capsys):
    central.add_account("zhang")
    case_file = tmp_path / "case.json"
    bad = {**CASE, "court_code": "豫0303"}
    case_file.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    argv = ["add-case", "--db", central.db_url, "--json", str(case_file), "--officer", "zhang"]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "未导入任何内容" in err
    zhang = central.client(central.sign_in("zhang").json()["token"])
    assert pull_all(zhang) == []


def test_a_bad_database_url_is_explained(capsys, tmp_path):
    code, _, err = run(capsys, "init", "--db", str(tmp_path / "missing-dir" / "c.sqlite3"))
    assert code == 2 and "目录不存在" in err
    code, _, err = run(capsys, "init", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 2 and "无法连接数据库" in err
