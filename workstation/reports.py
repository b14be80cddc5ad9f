"""周通报 and 月讲评 (the court's weekly briefing and monthly review) and the ledgers (台账).

A briefing holds the court's indicators for the period beside the period before, one row per
officer, and the trend of the main indicators (8 weeks, or 6 months). It prints through the
documents layer (court layout, DataTable and Chart blocks) and saves as Excel. The ledgers export
the case file for supervision with the columns the user picks: Excel with numeric amount cells
(number format 0.00, in yuan) and date cells, or CSV (UTF-8 with BOM, so Excel reads the Chinese).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .documents import Document, Heading, Para, RightLine, Title, render_pdf
from .documents.figures import Chart, DataTable
from .domain.case import CASE_STATUSES, CLOSING_METHODS, status_label
from .domain.courts import load_courts
from .domain.errors import InvalidValue
from .domain.money import FEN_PER_YUAN
from .indicators import (
    IndicatorReport,
    IndicatorValue,
    ReportPeriod,
    Scope,
    compute,
    recent_months,
    recent_weeks,
    trend,
    yuan,
)

KINDS = {"weekly": "执行工作周通报", "monthly": "执行工作月讲评"}
TREND_CODES = ("closure_rate", "completion_rate", "termination_rate", "legal_period_rate")


@dataclass(frozen=True)
class Briefing:
    kind: str  # weekly, monthly
    court: str
    court_name: str
    period: ReportPeriod
    current: IndicatorReport
    previous: IndicatorReport
    officers: tuple[tuple[str, IndicatorReport], ...]
    trend: tuple[IndicatorReport, ...]

    @property
    def title(self) -> str:
        return KINDS[self.kind]


@functools.cache
def _courts() -> Any:
    return load_courts()


def court_name(code: str) -> str:
    court = _courts().get(code)
    return court.name if court is not None else code


def _officers(conn: Any, court: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT officer FROM cases WHERE deleted = 0 AND court_code = ? "
            "AND officer <> '' ORDER BY officer",
            (court,),
        )
    ]


def briefing(conn: Any, kind: str, court: str, period: ReportPeriod) -> Briefing:
    """The weekly briefing or monthly review of `court` for `period`, from the case file."""
    if kind not in KINDS:
        raise InvalidValue("报告种类应为 weekly（周通报）或 monthly（月讲评）")
    scope = Scope(court=court)
    current = compute(conn, period, scope)
    previous = compute(conn, period.previous(), scope, with_ids=False)
    officers = tuple(
        (name, compute(conn, period, Scope(court=court, officer=name), with_ids=False))
        for name in _officers(conn, court)
    )
    periods = recent_weeks(period.end, 8) if kind == "weekly" else recent_months(period.end, 6)
    return Briefing(
        kind,
        court,
        court_name(court),
        period,
        current,
        previous,
        officers,
        tuple(trend(conn, periods, scope)),
    )


def _change(now: IndicatorValue, before: IndicatorValue) -> str:
    if now.value is None or before.value is None:
        return "—"
    delta = now.value - before.value
    unit = {"percent": "个百分点", "days": "日", "count": "笔"}[now.definition.unit]
    if abs(delta) < 0.005:
        return "持平"
    return f"{'上升' if delta > 0 else '下降'}{abs(delta):.2f}{unit}"


def _sides(v: IndicatorValue) -> tuple[str, str]:
    d = v.definition
    money = d.numerator.amount in ("claim", "recovered") or d.funds
    if d.unit == "days":
        return f"{v.numerator.amount}日", f"{v.denominator.count if v.denominator else 0}件"
    if money:
        num = (
            f"{v.numerator.count}笔 {yuan(v.numerator.amount)}元"
            if d.funds
            else (f"{yuan(v.numerator.amount)}元")
        )
        if v.denominator is None:
            return num, ""
        den = (
            f"{v.denominator.count}笔 {yuan(v.denominator.amount)}元"
            if d.funds
            else f"{yuan(v.denominator.amount)}元"
        )
        return num, den
    return f"{v.numerator.count}件", f"{v.denominator.count}件" if v.denominator else ""


def briefing_document(b: Briefing) -> Document:
    """The briefing as a printable document (court layout, tables, a trend chart)."""
    blocks: list[Any] = [
        Title(b.court_name, "小二"),
        Heading(b.title),
        RightLine(f"{b.period.label}（{b.period.start.isoformat()}至{b.period.end.isoformat()}）"),
    ]
    closure = b.current.get("closure_rate")
    blocks.append(
        Para(
            f"本期受理执行实施案件{closure.denominator.count if closure.denominator else 0}件，"
            f"结案{closure.numerator.count}件，结案率{closure.display()}，"
            f"较上期{_change(closure, b.previous.get('closure_rate'))}。各项指标如下："
        )
    )
    rows = []
    for v in b.current.values:
        num, den = _sides(v)
        rows.append(
            (
                v.definition.name,
                num,
                den,
                v.display(),
                _change(v, b.previous.get(v.definition.code)),
            )
        )
    blocks.append(
        DataTable(
            ("指标", "分子", "分母", "本期", "较上期"),
            tuple(rows),
            widths=(2.2, 2.0, 2.0, 1.2, 1.8),
            align=("left", "right", "right", "right", "left"),
        )
    )
    if b.officers:
        blocks.append(Para("各承办人情况（执、执恢案件）：", indent=False))
        codes = ("closure_rate", "completion_rate", "termination_rate", "average_days")
        header = ("承办人", "受理", "结案", *(b.current.get(c).definition.name for c in codes))
        officer_rows = []
        for name, report in b.officers:
            c = report.get("closure_rate")
            officer_rows.append(
                (
                    name,
                    str(c.denominator.count if c.denominator else 0),
                    str(c.numerator.count),
                    *(report.get(code).display() for code in codes),
                )
            )
        blocks.append(
            DataTable(
                tuple(h.replace("（收结比）", "") for h in header),
                tuple(officer_rows),
                widths=(1.4, 0.9, 0.9, 1.2, 1.3, 1.1, 1.4),
                align=("left", "right", "right", "right", "right", "right", "right"),
            )
        )
    blocks.append(
        Chart(
            "主要指标趋势（" + ("近8周" if b.kind == "weekly" else "近6个月") + "）",
            tuple(_short(r.period) for r in b.trend),
            tuple(
                (
                    b.current.get(code).definition.name.replace("（收结比）", ""),
                    tuple(round(r.get(code).value or 0.0, 2) for r in b.trend),
                )
                for code in TREND_CODES
            ),
            unit="%",
        )
    )
    blocks.append(
        Para(
            "说明：指标口径见 resources/indicators.toml，标注“未核实”的口径请按本院考核口径核对。",
            indent=False,
        )
    )
    return Document(tuple(blocks), kind="briefing")


def _short(period: ReportPeriod) -> str:
    if period.label.endswith("周"):
        return period.start.strftime("%m-%d")
    return f"{period.start.month}月"


def save_briefing(b: Briefing, path: Path) -> None:
    """.pdf or .xlsx, by the file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        render_pdf(briefing_document(b), Path(path))
    elif suffix == ".xlsx":
        briefing_workbook(b).save(path)
    else:
        raise InvalidValue("输出文件应以 .pdf 或 .xlsx 结尾")


def _yuan_decimal(fen: int) -> Decimal:
    return Decimal(fen) / FEN_PER_YUAN


def briefing_workbook(b: Briefing) -> Any:
    """The briefing as an Excel workbook: numbers as numbers (rates in percent, amounts in yuan
    with format 0.00), a sheet of indicators, one per officer and one of the trend with a chart."""
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append([f"{b.court_name}{b.title}", b.period.label])
    ws.append(
        [
            "指标",
            "分子（件或笔）",
            "分子金额（元）",
            "分母（件或笔）",
            "分母金额（元）",
            "本期值",
            "单位",
            "上期值",
            "口径",
            "置信度",
        ]
    )
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for v in b.current.values:
        d = v.definition
        before = b.previous.get(d.code)
        row = [
            d.name,
            v.numerator.count,
            _yuan_decimal(v.numerator.amount) if d.uses_amounts else None,
            v.denominator.count if v.denominator else None,
            _yuan_decimal(v.denominator.amount) if v.denominator and d.uses_amounts else None,
            round(v.value, 4) if v.value is not None else None,
            {"percent": "%", "days": "日", "count": "笔"}[d.unit],
            round(before.value, 4) if before.value is not None else None,
            d.period,
            d.confidence,
        ]
        ws.append(row)
        r = ws.max_row
        for col in (3, 5):
            ws.cell(r, col).number_format = "0.00"
        for col in (6, 8):
            ws.cell(r, col).number_format = "0.00"
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["I"].width = 60
    officers = wb.create_sheet("承办人")
    codes = [v.definition.code for v in b.current.values if not v.definition.funds]
    officers.append(["承办人", *(b.current.get(c).definition.name for c in codes)])
    for name, report in b.officers:
        officers.append(
            [
                name,
                *(
                    round(report.get(c).value, 4) if report.get(c).value is not None else None
                    for c in codes
                ),
            ]
        )
        for cell in officers[officers.max_row][1:]:
            cell.number_format = "0.00"
    trend_ws = wb.create_sheet("趋势")
    trend_ws.append(["期间", *(b.current.get(c).definition.name for c in TREND_CODES)])
    for report in b.trend:
        trend_ws.append(
            [report.period.label, *(round(report.get(c).value or 0.0, 4) for c in TREND_CODES)]
        )
        for cell in trend_ws[trend_ws.max_row][1:]:
            cell.number_format = "0.00"
    chart = LineChart()
    chart.title = "主要指标趋势（%）"
    chart.add_data(
        Reference(
            trend_ws, min_col=2, max_col=1 + len(TREND_CODES), min_row=1, max_row=1 + len(b.trend)
        ),
        titles_from_data=True,
    )
    chart.set_categories(Reference(trend_ws, min_col=1, min_row=2, max_row=1 + len(b.trend)))
    chart.width, chart.height = 22, 10
    trend_ws.add_chart(chart, "G2")
    return wb


# -- ledgers ---------------------------------------------------------------------------------------
TEXT, MONEY, DATE = "text", "money", "date"


@dataclass(frozen=True)
class Column:
    header: str  # Chinese, as printed
    kind: str  # text, money (fen), date (ISO text)
    sql: str  # over the ledger's FROM clause
    show: Callable[[Any], Any] | None = None


def _method(value: Any) -> str:
    return CLOSING_METHODS.get(value or "", "")


def _status(value: Any) -> str:
    return CASE_STATUSES.get(value or "", value or "")


FUNDS_KINDS = {"receipt": "到账", "payout": "发放", "deferral": "暂缓发放", "escrow": "提存"}

# 案件台账: the case's own fields and what was recovered.
CASE_COLUMNS: dict[str, Column] = {
    "case_number": Column("案号", TEXT, "c.case_number"),
    "court_code": Column("法院代字", TEXT, "c.court_code"),
    "officer": Column("承办人", TEXT, "c.officer"),
    "applicants": Column("申请执行人", TEXT, "ci.applicants"),
    "debtors": Column("被执行人", TEXT, "ci.debtors"),
    "cause": Column("案由", TEXT, "c.cause"),
    "filing_date": Column("立案日期", DATE, "c.filing_date"),
    "principal": Column("执行标的（本金）", MONEY, "c.principal"),
    "interest": Column("判决利息", MONEY, "c.interest"),
    "enforcement_fee": Column("执行费", MONEY, "c.enforcement_fee"),
    "recovered": Column(
        "到位金额",
        MONEY,
        "(SELECT COALESCE(SUM(f.amount), 0) FROM funds f WHERE f.case_id = c.id "
        "AND f.kind = 'receipt' AND f.deleted = 0)",
    ),
    "status": Column("状态", TEXT, "c.status", _status),
    "closing_date": Column("结案日期", DATE, "c.closing_date"),
    "closing_method": Column("结案方式", TEXT, "c.closing_method", _method),
    "basis_number": Column("执行依据文号", TEXT, "c.basis_number"),
}

# 案款台账 (reference §6 suggested fields [P]): one row per receipt, payout, deferral, escrow.
FUNDS_COLUMNS: dict[str, Column] = {
    "case_number": Column("案号", TEXT, "c.case_number"),
    "officer": Column("承办人", TEXT, "c.officer"),
    "kind": Column("类别", TEXT, "f.kind", lambda v: FUNDS_KINDS.get(v, v)),
    "date": Column("日期", DATE, "f.date"),
    "amount": Column("金额", MONEY, "f.amount"),
    "source": Column("来源", TEXT, "f.source"),
    "payer": Column("交款人", TEXT, "f.payer"),
    "receipt_number": Column("票据号", TEXT, "f.receipt_number"),
    "payee": Column("领款人", TEXT, "f.payee"),
    "approver": Column("审批人", TEXT, "f.approver"),
    "reason": Column("事由", TEXT, "f.reason"),
    "end_date": Column("事由消失日期", DATE, "f.end_date"),
    "note": Column("备注", TEXT, "f.note"),
}

LEDGERS = {
    "cases": (
        CASE_COLUMNS,
        "FROM cases c JOIN case_index ci ON ci.n = c.n WHERE c.deleted = 0",
        "c.filing_date, c.case_number",
    ),
    "funds": (
        FUNDS_COLUMNS,
        "FROM funds f JOIN cases c ON c.id = f.case_id WHERE f.deleted = 0 AND c.deleted = 0",
        "c.case_number, f.date, f.n",
    ),
}


def ledger_columns(which: str) -> dict[str, Column]:
    return LEDGERS[which][0]


def ledger_rows(
    conn: Any,
    which: str,
    columns: Sequence[str],
    *,
    court: str | None = None,
    officer: str | None = None,
) -> list[list[Any]]:
    """The ledger's rows, typed: text as str, amounts as int fen, dates as date (or None)."""
    if which not in LEDGERS:
        raise InvalidValue("台账种类应为 cases（案件台账）或 funds（案款台账）")
    known, source, order = LEDGERS[which]
    unknown = [c for c in columns if c not in known]
    if unknown or not columns:
        raise InvalidValue(
            f"不认识的列：{'、'.join(unknown) or '（未选择任何列）'}。可选的列："
            + "、".join(f"{k}（{c.header}）" for k, c in known.items())
        )
    params: list[Any] = []
    if court:
        source += " AND c.court_code = ?"
        params.append(court)
    if officer:
        source += " AND c.officer = ?"
        params.append(officer)
    cols = [known[c] for c in columns]
    sql = f"SELECT {', '.join(c.sql for c in cols)} {source} ORDER BY {order}"
    out = []
    for row in conn.execute(sql, params):
        typed = []
        for col, value in zip(cols, row, strict=True):
            if col.show is not None:
                value = col.show(value)
            if col.kind == DATE:
                value = date.fromisoformat(value) if value else None
            elif col.kind == MONEY:
                value = int(value or 0)
            elif value is None:
                value = ""
            typed.append(value)
        out.append(typed)
    return out


def export_ledger(
    conn: Any,
    which: str,
    columns: Sequence[str],
    path: Path,
    *,
    court: str | None = None,
    officer: str | None = None,
) -> int:
    """Write the ledger to `path` (.xlsx or .csv); returns the number of rows."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InvalidValue("输出文件应以 .xlsx 或 .csv 结尾")
    rows = ledger_rows(conn, which, columns, court=court, officer=officer)
    cols = [ledger_columns(which)[c] for c in columns]
    headers = [c.header + ("（元）" if c.kind == MONEY else "") for c in cols]
    if suffix == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(headers)
            for row in rows:
                writer.writerow(
                    [
                        yuan(v)
                        if c.kind == MONEY
                        else (v.isoformat() if c.kind == DATE and v else v or "")
                        for c, v in zip(cols, row, strict=True)
                    ]
                )
        return len(rows)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "案件台账" if which == "cases" else "案款台账"
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    money_cols = [k for k, c in enumerate(cols, start=1) if c.kind == MONEY]
    date_cols = [k for k, c in enumerate(cols, start=1) if c.kind == DATE]
    for row in rows:
        ws.append(
            [_yuan_decimal(v) if c.kind == MONEY else v for c, v in zip(cols, row, strict=True)]
        )
        r = ws.max_row
        for k in money_cols:
            ws.cell(r, k).number_format = "0.00"
        for k in date_cols:
            ws.cell(r, k).number_format = "yyyy-mm-dd"
    for k, c in enumerate(cols, start=1):
        letter = ws.cell(1, k).column_letter
        ws.column_dimensions[letter].width = 24 if c.kind == TEXT else 14
    ws.freeze_panes = "A2"
    wb.save(path)
    return len(rows)


__all__ = [
    "Briefing",
    "briefing",
    "briefing_document",
    "briefing_workbook",
    "export_ledger",
    "ledger_columns",
    "ledger_rows",
    "save_briefing",
    "status_label",
]
