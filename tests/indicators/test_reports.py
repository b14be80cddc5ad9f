"""Briefings and ledgers read back: PDF text, Excel cell types and formats, CSV; the commands."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.indicators import fixed_cases
from workstation.cli import main
from workstation.documents import render_pdf, render_png_pages
from workstation.indicators import ReportPeriod
from workstation.paths import case_file_path
from workstation.reports import briefing, briefing_document, export_ledger, save_briefing
from workstation.store.casefile import CaseFile

OCTOBER = ReportPeriod.month(2026, 10)


@pytest.fixture
def data_dir(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = case_file_path(tmp_path / "data")
    path.parent.mkdir(parents=True, exist_ok=True)
    with CaseFile.open(path, create=True, officer="张伟") as cf:
        ids = fixed_cases.build(cf)
    return tmp_path / "data", ids


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_monthly_review_pdf_reads_back(data_dir, tmp_path: Path) -> None:
    directory, _ = data_dir
    with CaseFile.open(case_file_path(directory), readonly=True) as cf:
        b = briefing(cf.conn, "monthly", "豫0302", OCTOBER)
    pdf = render_pdf(briefing_document(b))
    text = pdf_text(pdf)
    for words in (
        "执行工作月讲评",
        "2026年10月",
        "结案率",
        "62.50%",
        "终本合格率",
        "50.00%",
        "案款超期发放",
        "1笔 800.00元",
        "张伟",
        "李娜",
        "主要指标趋势",
    ):
        assert words in text, words
    pages = render_png_pages(pdf, tmp_path / "png")
    assert pages


def test_weekly_briefing_excel_has_numbers_not_strings(data_dir, tmp_path: Path) -> None:
    directory, _ = data_dir
    out = tmp_path / "weekly.xlsx"
    assert (
        main(
            [
                "report",
                "weekly",
                "--court",
                "豫0302",
                "--period",
                "2026-W44",
                "-o",
                str(out),
                "--data-dir",
                str(directory),
            ]
        )
        == 0
    )
    wb = load_workbook(out)
    ws = wb["指标"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=3)}
    closure = rows["结案率（收结比）"]
    # week 10-26..11-01: A, B and G closed
    assert closure[1].value == 3 and isinstance(closure[1].value, int)
    recovery = rows["实际执行到位率"]
    # A's 1,000.00 and B's 300.00 (B closed on 11-01, in this week): a number shown as 0.00
    assert isinstance(recovery[2].value, int | float) and recovery[2].number_format == "0.00"
    assert recovery[2].value == pytest.approx(1300.00)
    assert set(wb.sheetnames) == {"指标", "承办人", "趋势"}
    assert wb["趋势"].max_row == 9  # header + 8 weeks


def test_report_refuses_a_bad_period(data_dir, tmp_path: Path, capsys) -> None:
    directory, _ = data_dir
    code = main(
        [
            "report",
            "monthly",
            "--court",
            "豫0302",
            "--period",
            "十月",
            "-o",
            str(tmp_path / "x.pdf"),
            "--data-dir",
            str(directory),
        ]
    )
    assert code == 2
    assert "请写作" in capsys.readouterr().err


def test_case_ledger_excel_amounts_and_dates_are_typed(data_dir, tmp_path: Path) -> None:
    directory, _ = data_dir
    out = tmp_path / "cases.xlsx"
    assert (
        main(
            [
                "ledger",
                "cases",
                "--columns",
                "case_number,filing_date,principal,recovered,closing_method",
                "-o",
                str(out),
                "--data-dir",
                str(directory),
            ]
        )
        == 0
    )
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]] == [
        "案号",
        "立案日期",
        "执行标的（本金）（元）",
        "到位金额（元）",
        "结案方式",
    ]
    first = ws[2]  # D, filed 2024-01-10, is the oldest
    assert first[1].value == dt.datetime(2024, 1, 10) and first[1].is_date
    assert first[2].value == pytest.approx(2000.00) and first[2].number_format == "0.00"
    assert first[3].value == pytest.approx(500.00)
    assert first[4].value == "终结本次执行程序"
    assert ws.max_row == 1 + len(fixed_cases.CASES)


def test_funds_ledger_csv_reads_back(data_dir, tmp_path: Path) -> None:
    directory, _ = data_dir
    out = tmp_path / "funds.csv"
    with CaseFile.open(case_file_path(directory), readonly=True) as cf:
        n = export_ledger(
            cf.conn, "funds", ["case_number", "kind", "date", "amount"], out, court="豫0302"
        )
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["案号", "类别", "日期", "金额（元）"]
    assert n == len(rows) - 1 == 6
    assert ["到账", "2026-09-01", "1000.00"] in [r[1:] for r in rows]
    assert ["发放", "2026-10-16", "800.00"] in [r[1:] for r in rows]


def test_ledger_with_an_unknown_column_lists_the_choices(data_dir, tmp_path: Path, capsys) -> None:
    directory, _ = data_dir
    code = main(
        [
            "ledger",
            "funds",
            "--columns",
            "amount,colour",
            "-o",
            str(tmp_path / "f.csv"),
            "--data-dir",
            str(directory),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "colour" in err and "amount（金额）" in err


def test_briefing_by_suffix_refuses_other_files(data_dir, tmp_path: Path) -> None:
    directory, _ = data_dir
    with CaseFile.open(case_file_path(directory), readonly=True) as cf:
        b = briefing(cf.conn, "weekly", "豫0302", ReportPeriod.week(dt.date(2026, 10, 31)))
    save_briefing(b, tmp_path / "w.pdf")
    assert (tmp_path / "w.pdf").read_bytes().startswith(b"%PDF")
