"""执行质效指标 (reference §5, §6): every indicator computed from the case file, in one module.

The definitions (numerator, denominator, period rule, case types, source and confidence) are data
in resources/indicators.toml, because courts' definitions differ and several are unconfirmed.
This module turns them into SQL: one pass over the cases for the case indicators, grouped by
(case type, which conditions hold), and a prefiltered pass over the funds for the disbursement
indicators, whose lateness is decided by THE deadline function (domain.funds.case_funds ->
disbursement_deadline). The legal six-month period comes from THE period function
(CourtSettings.legal_period_end); "open longer than a year" from periods.open_longer_than_cutoff.

The same SQL runs on the workstation's case file (SQLite) and on the central server's indicator
tables (SQLite or PostgreSQL, central/indicators.py): `Tables` names the tables, `Dialect`
spells the few expressions that differ. One formula source: the definitions file and `_TERMS`.
"""

from __future__ import annotations

import calendar as _calendar
import functools
import json
import logging
import re
import sqlite3
import tomllib
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .domain.calendar import MissingHolidayData
from .domain.case import CLOSING_METHODS
from .domain.case_number import CASE_KINDS
from .domain.errors import InvalidValue
from .domain.funds import case_funds
from .domain.money import FEN_PER_YUAN
from .domain.periods import Period, open_longer_than_cutoff
from .domain.settings import CourtSettings
from .resources import resource

log = logging.getLogger(__name__)

DEFINITIONS_FILE = "indicators.toml"
SIX_MONTHS = Period(months=6)
UNITS = {"percent": "%", "days": "日", "count": "笔"}
AMOUNTS = ("claim", "recovered", "days")
CONFIDENCE = {"C": "已核实", "P": "部分核实", "U": "未核实"}


# -- definitions ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Side:
    """The numerator or the denominator: conditions that all hold, and what is summed."""

    terms: tuple[str, ...]
    amount: str | None = None  # claim, recovered, days; None: count cases (or receipts)


@dataclass(frozen=True)
class Definition:
    code: str
    name: str
    unit: str  # percent, days, count
    kinds: tuple[str, ...]
    numerator: Side
    denominator: Side | None
    funds: bool
    period: str
    source: str
    confidence: str  # C, P, U

    @property
    def uses_amounts(self) -> bool:
        return self.numerator.amount in ("claim", "recovered") or self.funds


@dataclass(frozen=True)
class Definitions:
    indicators: tuple[Definition, ...]
    legal_period: Period = SIX_MONTHS

    def get(self, code: str) -> Definition:
        for d in self.indicators:
            if d.code == code:
                return d
        raise KeyError(code)


CASE_TERMS = (
    "accepted",
    "filed",
    "closed",
    "open_at_end",
    "monetary",
    "recovered",
    "has_ruling",
    "within_legal_period",
    "open_over_one_year",
)
FUNDS_TERMS = ("disbursed", "paid_late", "overdue_held")


def _problem(path: Path, where: str, text: str) -> InvalidValue:
    return InvalidValue(f"指标定义文件 {path} 中 {where} {text}，请改正后再试。")


def _side(raw: Any, funds: bool, path: Path, where: str) -> Side:
    key = "funds" if funds else "cases"
    if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
        raise _problem(path, where, f"应写作 {{ {key} = [条件, ...] }}")
    terms = tuple(raw[key])
    for term in terms:
        name, _, arg = str(term).partition(":")
        if funds:
            ok = term in FUNDS_TERMS
        elif name in ("method", "not_method"):
            ok = bool(arg) and all(m in CLOSING_METHODS for m in arg.split(","))
        else:
            ok = term in CASE_TERMS and not arg
        if not ok:
            raise _problem(path, where, f"的条件“{term}”不认识（是否拼错？）")
    amount = raw.get("amount")
    if amount is not None and (funds or amount not in AMOUNTS):
        raise _problem(path, where, f"的金额口径“{amount}”不认识，应为 {'、'.join(AMOUNTS)}")
    return Side(terms, amount)


def load_definitions(path: Path | None = None) -> Definitions:
    """Read the indicator definitions; the default is the bundled resources/indicators.toml.

    A wrong entry raises InvalidValue naming the file, the indicator and the key, in Chinese.
    """
    path = path or resource(DEFINITIONS_FILE)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise InvalidValue(f"读不到指标定义文件 {path}：{exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValue(f"指标定义文件 {path} 格式有误：{exc}") from None
    legal = data.get("legal_period", {"months": 6})
    try:
        legal_period = Period(**legal)
    except (TypeError, ValueError):
        raise _problem(path, "[legal_period]", "应写作 months = 6") from None
    out: list[Definition] = []
    seen: set[str] = set()
    for n, raw in enumerate(data.get("indicator", []), start=1):
        where = f"第{n}个 [[indicator]]（{raw.get('code', '')}）"
        for key in ("code", "name", "unit", "kinds", "numerator"):
            if key not in raw:
                raise _problem(path, where, f"缺少 {key}")
        if raw["code"] in seen:
            raise _problem(path, where, "的 code 重复")
        seen.add(raw["code"])
        if raw["unit"] not in UNITS:
            raise _problem(path, where, f"的 unit 应为 {'、'.join(UNITS)}")
        kinds = tuple(raw["kinds"])
        if not kinds or any(k not in CASE_KINDS for k in kinds):
            raise _problem(path, where, f"的 kinds 应为案件类型代字，如 {'、'.join(CASE_KINDS)}")
        funds = bool(raw.get("funds", False))
        numerator = _side(raw["numerator"], funds, path, where + " 的 numerator")
        denominator = None
        if "denominator" in raw:
            denominator = _side(raw["denominator"], funds, path, where + " 的 denominator")
        elif raw["unit"] != "count":
            raise _problem(path, where, "缺少 denominator")
        if raw.get("confidence", "U") not in CONFIDENCE:
            raise _problem(path, where, "的 confidence 应为 C、P 或 U")
        out.append(
            Definition(
                code=raw["code"],
                name=raw["name"],
                unit=raw["unit"],
                kinds=kinds,
                numerator=numerator,
                denominator=denominator,
                funds=funds,
                period=raw.get("period", ""),
                source=raw.get("source", ""),
                confidence=raw.get("confidence", "U"),
            )
        )
    return Definitions(tuple(out), legal_period)


@functools.cache
def default_definitions() -> Definitions:
    return load_definitions()


# -- periods -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportPeriod:
    """A reporting period, both ends included: a week (Monday to Sunday), a month or a range."""

    start: date
    end: date
    label: str

    @classmethod
    def week(cls, day: date) -> ReportPeriod:
        start = day - timedelta(days=day.weekday())
        year, week, _ = start.isocalendar()
        return cls(start, start + timedelta(days=6), f"{year}年第{week}周")

    @classmethod
    def month(cls, year: int, month: int) -> ReportPeriod:
        last = _calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), f"{year}年{month}月")

    @classmethod
    def year(cls, year: int) -> ReportPeriod:
        return cls(date(year, 1, 1), date(year, 12, 31), f"{year}年")

    @classmethod
    def between(cls, start: date, end: date) -> ReportPeriod:
        if end < start:
            raise InvalidValue(f"期间的截止日{end.isoformat()}早于起始日{start.isoformat()}")
        return cls(start, end, f"{start.isoformat()}至{end.isoformat()}")

    @classmethod
    def parse(cls, text: str) -> ReportPeriod:
        """2026-W47 (ISO week), 2026-11 (month), 2026 (year), 2026-11-01..2026-11-30 (range)."""
        t = text.strip()
        try:
            if m := re.fullmatch(r"(\d{4})-?W(\d{1,2})", t, re.IGNORECASE):
                return cls.week(date.fromisocalendar(int(m[1]), int(m[2]), 1))
            if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
                return cls.month(int(m[1]), int(m[2]))
            if re.fullmatch(r"\d{4}", t):
                return cls.year(int(t))
            if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|至|~|/)\s*(\d{4}-\d{2}-\d{2})", t):
                return cls.between(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
        except ValueError:
            pass
        raise InvalidValue(
            f"期间“{text}”看不懂。请写作 2026-W47（周）、2026-11（月）、2026（年）"
            "或 2026-11-01..2026-11-30（起止日期）"
        )

    def previous(self) -> ReportPeriod:
        """The period of the same kind just before this one."""
        if self.label.endswith("周"):
            return ReportPeriod.week(self.start - timedelta(days=7))
        if self.label.endswith("月") and self.start.day == 1:
            before = self.start - timedelta(days=1)
            return ReportPeriod.month(before.year, before.month)
        length = self.end - self.start
        return ReportPeriod.between(
            self.start - length - timedelta(days=1), self.start - timedelta(1)
        )


def recent_weeks(today: date, n: int) -> list[ReportPeriod]:
    """The last `n` weeks up to the one holding `today`, oldest first."""
    current = ReportPeriod.week(today)
    return [ReportPeriod.week(current.start - timedelta(days=7 * k)) for k in range(n - 1, -1, -1)]


def recent_months(today: date, n: int) -> list[ReportPeriod]:
    out = []
    year, month = today.year, today.month
    for _ in range(n):
        out.append(ReportPeriod.month(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


# -- results -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """One side of an indicator: how many (cases or receipts), the amount summed, and the cases."""

    count: int = 0
    amount: int = 0  # fen, or days for `days`
    ids: tuple[str, ...] = ()
    # the cases, read when first asked for (compute's case lists): None: `ids` holds them
    load: Callable[[], tuple[str, ...]] | None = field(default=None, compare=False, repr=False)

    @property
    def case_ids(self) -> tuple[str, ...]:
        """The cases behind the figure, sorted by id."""
        return self.load() if self.load is not None else self.ids


@dataclass(frozen=True)
class IndicatorValue:
    definition: Definition
    numerator: Figure
    denominator: Figure | None

    @property
    def value(self) -> float | None:
        """Percent (0-100), average days, or the numerator's count; None when undefined."""
        d, num, den = self.definition, self.numerator, self.denominator
        if d.unit == "count" or den is None:
            return float(num.count)
        if d.unit == "days":
            return num.amount / den.count if den.count else None
        if d.numerator.amount or (d.funds and d.denominator and den.amount):
            top, bottom = num.amount, den.amount
        else:
            top, bottom = num.count, den.count
        return 100.0 * top / bottom if bottom else None

    @property
    def count_rate(self) -> float | None:
        """For funds: the share by number of disbursements (value is by amount)."""
        den = self.denominator
        return 100.0 * self.numerator.count / den.count if den and den.count else None

    def display(self) -> str:
        v = self.value
        if v is None:
            return "—"
        if self.definition.unit == "percent":
            return f"{v:.2f}%"
        if self.definition.unit == "days":
            return f"{v:.1f}日"
        return f"{int(v)}笔"


@dataclass(frozen=True)
class Scope:
    """Whose cases: a court (法院代字), an officer (承办人), both, or the whole file (None)."""

    court: str | None = None
    officer: str | None = None

    def label(self) -> str:
        parts = [p for p in (self.court, self.officer) if p]
        return "、".join(parts) if parts else "全部案件"


@dataclass(frozen=True)
class IndicatorReport:
    scope: Scope
    period: ReportPeriod
    values: tuple[IndicatorValue, ...]

    def get(self, code: str) -> IndicatorValue:
        for v in self.values:
            if v.definition.code == code:
                return v
        raise KeyError(code)


# -- SQL -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tables:
    """Where the rows are. The workstation's own tables; the server has copies with the same
    columns (central/indicators.py)."""

    cases: str = "cases"
    funds: str = "funds"
    documents: str = "documents"
    # a column of `cases` holding kind_code(case_number); empty: computed from the case number
    kind_code: str = ""

    def kind(self, dialect: Dialect) -> str:
        """The case type code of the case `c`."""
        return f"c.{self.kind_code}" if self.kind_code else dialect.kind_code("c.case_number")


@dataclass(frozen=True)
class Dialect:
    name: str  # "sqlite" or "postgresql"

    def kind_code(self, column: str) -> str:
        """The case type code (index into CASE_KINDS, 1-based; 0 unknown) from the canonical case
        number: the character after 执 (a digit of the serial for 执 itself; 恢 for 执恢 ...)."""
        find = "instr" if self.name == "sqlite" else "strpos"
        whens = " ".join(
            f"WHEN '{kind[1]}' THEN {n}"
            for n, kind in enumerate(CASE_KINDS, start=1)
            if len(kind) == 2
        )
        digits = " ".join(f"WHEN '{d}' THEN 1" for d in "0123456789")
        return f"CASE substr({column}, {find}({column}, '执') + 1, 1) {whens} {digits} ELSE 0 END"

    def scan(self, column: str) -> str:
        """`column` in a condition that must not choose an index: the pass reads most rows, and
        fetching them in index order costs a page read each (SQLite's unary +)."""
        return f"+{column}" if self.name == "sqlite" else column

    def keep_subquery(self) -> str:
        """Appended to a subquery under an aggregate so that it is not flattened (and then its
        expressions evaluated once for the WHERE, once for the GROUP BY, once for the row)."""
        return " LIMIT -1" if self.name == "sqlite" else " OFFSET 0"

    def least(self, a: str, b: str) -> str:
        return f"MIN({a}, {b})" if self.name == "sqlite" else f"LEAST({a}, {b})"

    def days_between(self, first: str, last: str) -> str:
        if self.name == "sqlite":
            return f"CAST(julianday({last}) - julianday({first}) AS INTEGER)"
        return f"(CAST({last} AS date) - CAST({first} AS date))"

    def json_pairs(self, param: str) -> str:
        """(key, value) rows of a JSON object passed as a text parameter."""
        if self.name == "sqlite":
            return f"SELECT key, value FROM json_each({param})"
        return f"SELECT key, value FROM json_each_text(CAST({param} AS json))"

    def deadline_lookup(self) -> tuple[str, str, str]:
        """(WITH clause, join, expression) for the legal deadline of c.filing_date.

        SQLite: a materialized table looked up only for the cases that reach the condition (a
        join would probe it for every case); PostgreSQL: a hash join."""
        pairs = self.json_pairs(":deadlines")
        if self.name == "sqlite":
            return (
                f"WITH dl AS MATERIALIZED ({pairs}) ",
                "",
                "(SELECT value FROM dl WHERE dl.key = c.filing_date)",
            )
        return "", f" LEFT JOIN ({pairs}) dl ON dl.key = c.filing_date", "dl.value"

    def ids(self, column: str) -> str:
        return (
            f"group_concat({column}, ',')"
            if self.name == "sqlite"
            else f"string_agg({column}, ',')"
        )


SQLITE = Dialect("sqlite")
KIND_CODES = {kind: n for n, kind in enumerate(CASE_KINDS, start=1)}
_KIND_BY_CHAR = {kind[1]: n for kind, n in KIND_CODES.items() if len(kind) == 2} | dict.fromkeys(
    "0123456789", 1
)


def kind_code(case_number: str) -> int:
    """Dialect.kind_code in Python, for a server that keeps it as a column (central/facts.py)."""
    at = case_number.find("执") + 1  # 0 when absent, as SQL's instr
    return _KIND_BY_CHAR.get(case_number[at : at + 1], 0)


def _term_sql(term: str) -> str:
    """One condition of the definitions file as SQL over c (case), rec, rul and dl."""
    name, _, arg = term.partition(":")
    if name in ("method", "not_method"):
        methods = ", ".join(f"'{m}'" for m in arg.split(","))  # checked against CLOSING_METHODS
        if name == "method":
            return f"c.closing_method IN ({methods})"
        return f"COALESCE(c.closing_method, '') NOT IN ({methods})"
    return _TERMS[name]


# Each case condition once. Rows reaching them are already "accepted" (see _case_sql's WHERE).
_TERMS = {
    "accepted": "1 = 1",
    "filed": "c.filing_date >= :start",
    "closed": "c.status = 'closed' AND c.closing_date >= :start AND c.closing_date <= :end",
    "open_at_end": "NOT (c.status = 'closed' AND COALESCE(c.closing_date, '') <= :end)",
    "monetary": "c.claim_is_monetary = 1",
    "recovered": "COALESCE(rec.recovered, 0) > 0",
    "has_ruling": "rul.case_id IS NOT NULL",
    "within_legal_period": "c.closing_date <= dl.value",
    "open_over_one_year": "c.filing_date < :year_cutoff",
}


def _case_sets(defs: Sequence[Definition]) -> list[tuple[str, ...]]:
    """The distinct condition lists of the case indicators: one bit of the mask each."""
    sets: list[tuple[str, ...]] = []
    for d in defs:
        for side in (d.numerator, d.denominator):
            if side is not None and not d.funds and side.terms not in sets:
                sets.append(side.terms)
    return sets


def _case_sql(
    sets: Sequence[tuple[str, ...]],
    tables: Tables,
    dialect: Dialect,
    scope_sql: str,
    group: str | None,
    with_ids: bool,
) -> str:
    bits = " + ".join(
        f"CASE WHEN {' AND '.join(_term_sql(t) for t in terms) or '1 = 1'} THEN {1 << k} ELSE 0 END"
        for k, terms in enumerate(sets)
    )
    claim = "(c.principal + c.interest)"
    recovered = dialect.least("COALESCE(rec.recovered, 0)", claim)
    days = (
        "CASE WHEN c.status = 'closed' AND c.closing_date IS NOT NULL "
        f"THEN {dialect.days_between('c.filing_date', 'c.closing_date')} ELSE 0 END"
    )
    uses = " ".join(t for terms in sets for t in terms)
    # receipts to the period's end: the recovered amount, summed in the same pass
    joins = (
        f" LEFT JOIN (SELECT case_id, SUM(amount) AS recovered FROM {tables.funds} fr"
        " WHERE kind = 'receipt' AND deleted = 0 AND date <= :end GROUP BY case_id) rec"
        " ON rec.case_id = c.id"
    )
    if "has_ruling" in uses:
        joins += (
            f" LEFT JOIN (SELECT DISTINCT case_id FROM {tables.documents} dr"
            " WHERE kind = 'ruling' AND deleted = 0) rul ON rul.case_id = c.id"
        )
    with_clause = ""
    if "within_legal_period" in uses:
        with_clause, join, deadline = dialect.deadline_lookup()
        joins += join
        bits = bits.replace("dl.value", deadline)
    inner_key = f"c.{group} AS grp, " if group else ""
    key = "grp, " if group else ""
    ids = f", {dialect.ids('id')}" if with_ids else ""
    return f"""{with_clause}
        SELECT {key}kind, mask, COUNT(*), SUM(claim), SUM(recovered), SUM(days){ids}
        FROM (
            SELECT {inner_key}c.id AS id,
                   {tables.kind(dialect)} AS kind,
                   {bits} AS mask,
                   {claim} AS claim, {recovered} AS recovered, {days} AS days
            FROM {tables.cases} c{joins}
            WHERE c.deleted = 0 AND {dialect.scan("c.filing_date")} <= :end
              AND NOT (c.status = 'closed' AND COALESCE(c.closing_date, '9999-12-31') < :start)
              {scope_sql}{dialect.keep_subquery()}
        ) t
        WHERE mask <> 0
        GROUP BY {key}kind, mask
    """


def _funds_candidates_sql(tables: Tables, scope_sql: str) -> str:
    """Cases that may have a disbursement in the period or money overdue at its end: a necessary
    condition only; the deadline function decides."""
    return f"""
        SELECT c.id, {{kind}} AS kind{{group}}
        FROM {tables.cases} c
        WHERE c.deleted = 0 {scope_sql} AND c.id IN (
            SELECT case_id FROM {tables.funds} fa
            WHERE deleted = 0 AND kind IN ('payout', 'escrow') AND date >= :start AND date <= :end
            UNION
            SELECT case_id FROM {tables.funds} fb
            WHERE deleted = 0 AND date <= :end
            GROUP BY case_id
            HAVING SUM(CASE WHEN kind = 'receipt' THEN amount ELSE 0 END)
                 > SUM(CASE WHEN kind IN ('payout', 'escrow') THEN amount ELSE 0 END)
               AND MIN(CASE WHEN kind = 'receipt' THEN date END) <= :earliest_due
        )
    """


FUNDS_COLUMNS = ("id", "case_id", "kind", "date", "amount", "receipt_id", "reason", "end_date")
_FUNDS_DEFAULTS = {
    "source": None,
    "payer": "",
    "receipt_number": "",
    "cash": 0,
    "officers": "[]",
    "handed_in": None,
    "payee": "—",  # not needed here; the domain type wants one
    "account": "",
    "approver": "",
    "note": "",
}


# -- the computation -----------------------------------------------------------------------------
Execute = Callable[[str, Mapping[str, Any]], Iterable[Sequence[Any]]]


@dataclass
class _Acc:
    count: int = 0
    amount: int = 0
    ids: list[str] = field(default_factory=list)


def legal_deadlines(
    period: ReportPeriod, settings: CourtSettings, legal_period: Period
) -> dict[str, str]:
    """filing date -> last day of the legal enforcement period, for every filing date whose case
    closed in `period` could have closed in time (an earlier one cannot: it is left out)."""
    first = period.start - timedelta(days=31 * (legal_period.months + 12 * legal_period.years) + 31)
    first -= timedelta(days=legal_period.days)
    out = {}
    day = first
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MissingHolidayData)
        while day <= period.end:
            # A deadline after the period's end, before any holiday shift, holds for every case
            # closed in the period: no need to look at a holiday calendar (perhaps of a future
            # year).
            plain = legal_period.end(day, count_start_day=settings.count_start_day)
            deadline = plain if plain > period.end else _deadline(day, settings, legal_period)
            out[day.isoformat()] = deadline.isoformat()
            day += timedelta(days=1)
    # Past years missing from the holiday file: weekends only (said once in the log, not as a
    # warning per report)
    for message in {str(w.message) for w in caught}:
        log.info("indicators: %s", message)
    return out


_deadlines: dict[tuple[date, bool, bool, Period], date] = {}


def _deadline(day: date, settings: CourtSettings, legal_period: Period) -> date:
    """settings.legal_period_end, remembered (the same few thousand filing dates every time)."""
    key = (day, settings.count_start_day, settings.legal_periods_skip_holidays, legal_period)
    found = _deadlines.get(key)
    if found is None:
        found = _deadlines[key] = settings.legal_period_end(day, legal_period)
    return found


def compute_grouped(
    execute: Execute,
    period: ReportPeriod,
    settings: CourtSettings,
    *,
    definitions: Definitions | None = None,
    tables: Tables = Tables(),
    dialect: Dialect = SQLITE,
    scope_sql: str = "",
    scope_params: Mapping[str, Any] | None = None,
    group: str | None = None,
    with_ids: bool = True,
    lazy_ids: bool = False,
) -> dict[Any, tuple[IndicatorValue, ...]]:
    """Every indicator for `period`, per value of the case column `group` (None: one group, key
    None). `execute(sql, params)` runs a query with :named parameters and returns its rows.

    `scope_sql` is an extra "AND ..." restriction on the cases table `c`. `lazy_ids`: the cases'
    case lists are read when one is first asked for (one more pass, through `execute`, which
    must still work then); the funds' are read at once (few).
    """
    defs = definitions or default_definitions()
    params: dict[str, Any] = dict(scope_params or {})
    params |= {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "year_cutoff": open_longer_than_cutoff(period.end).isoformat(),
        "earliest_due": (
            period.end - timedelta(days=max(0, settings.disbursement_days - 1))
        ).isoformat(),
    }
    case_defs = [d for d in defs.indicators if not d.funds]
    sets = _case_sets(case_defs)
    # accumulators: group -> set index -> kind code -> _Acc
    found: dict[Any, dict[int, dict[int, _Acc]]] = {}
    lists: _CaseLists | None = None
    if sets:
        eager = with_ids and not lazy_ids
        if any("within_legal_period" in terms for terms in sets):
            params["deadlines"] = json.dumps(legal_deadlines(period, settings, defs.legal_period))
        wanted_amounts = {
            k: side.amount
            for d in case_defs
            for side in (d.numerator, d.denominator)
            if side is not None and side.amount
            for k in [sets.index(side.terms)]
        }
        sql = _case_sql(sets, tables, dialect, scope_sql, group, eager)
        found = _accumulate(execute(sql, params), len(sets), group, eager, wanted_amounts)
        if with_ids and lazy_ids:
            sql_ids = _case_sql(sets, tables, dialect, scope_sql, group, True)
            bind = dict(params)
            lists = _CaseLists(
                lambda: _accumulate(execute(sql_ids, bind), len(sets), group, True, {})
            )
    funds_found = _funds(execute, period, settings, defs, tables, dialect, scope_sql, params, group)
    keys = set(found) | set(funds_found)
    if group is None:
        keys.add(None)
    out: dict[Any, tuple[IndicatorValue, ...]] = {}
    for key in keys:
        values = []
        for d in defs.indicators:
            if d.funds:
                figures = funds_found.get(key, {})
                num = figures.get(d.numerator.terms, Figure())
                den = figures.get(d.denominator.terms, Figure()) if d.denominator else None
            else:
                by_set = found.get(key, {})
                sides = []
                for side in (d.numerator, d.denominator):
                    if side is None:
                        sides.append(None)
                        continue
                    k = sets.index(side.terms)
                    figure = _figure(by_set.get(k, {}), d.kinds)
                    if lists is not None:
                        load = functools.partial(lists.ids, key, k, d.kinds)
                        figure = Figure(figure.count, figure.amount, load=load)
                    sides.append(figure)
                num, den = sides
            values.append(IndicatorValue(d, num, den))
        out[key] = tuple(values)
    return out


def _accumulate(
    rows: Iterable[Sequence[Any]],
    n_sets: int,
    group: str | None,
    with_ids: bool,
    wanted_amounts: Mapping[int, str],
) -> dict[Any, dict[int, dict[int, _Acc]]]:
    """The case pass's rows (group, kind, mask, count, sums, ids) added up per group, condition
    set and case type."""
    amount_of = {"claim": 3, "recovered": 4, "days": 5}
    found: dict[Any, dict[int, dict[int, _Acc]]] = {}
    for row in rows:
        if group:
            key, row = row[0], row[1:]
        else:
            key = None
        kind, mask, count = row[0], row[1], row[2]
        ids = row[6].split(",") if with_ids and row[6] else []
        by_set = found.setdefault(key, {})
        for k in range(n_sets):
            if mask & (1 << k):
                acc = by_set.setdefault(k, {}).setdefault(kind, _Acc())
                acc.count += count
                amount = wanted_amounts.get(k)
                if amount:
                    acc.amount += int(row[amount_of[amount]] or 0)
                acc.ids.extend(ids)
    return found


class _CaseLists:
    """The case lists of one computation, read on the first request for any of them."""

    def __init__(self, load: Callable[[], dict[Any, dict[int, dict[int, _Acc]]]]) -> None:
        self._load = load
        self._found: dict[Any, dict[int, dict[int, _Acc]]] | None = None
        self._made: dict[tuple[Any, int, tuple[str, ...]], tuple[str, ...]] = {}

    def ids(self, key: Any, k: int, kinds: Sequence[str]) -> tuple[str, ...]:
        if self._found is None:
            self._found = self._load()
        made = self._made.get((key, k, tuple(kinds)))
        if made is None:
            by_set = self._found.get(key, {})
            made = self._made[(key, k, tuple(kinds))] = _figure(by_set.get(k, {}), kinds).ids
        return made


def _figure(by_kind: Mapping[int, _Acc], kinds: Sequence[str]) -> Figure:
    codes = [KIND_CODES[k] for k in kinds]
    accs = [by_kind[c] for c in codes if c in by_kind]
    ids: list[str] = []
    for a in accs:
        ids.extend(a.ids)
    return Figure(sum(a.count for a in accs), sum(a.amount for a in accs), tuple(sorted(ids)))


def _funds(
    execute: Execute,
    period: ReportPeriod,
    settings: CourtSettings,
    defs: Definitions,
    tables: Tables,
    dialect: Dialect,
    scope_sql: str,
    params: Mapping[str, Any],
    group: str | None,
) -> dict[Any, dict[tuple[str, ...], Figure]]:
    """Disbursements in the period and money overdue at its end, decided per receipt by
    domain.funds.case_funds (THE deadline: disbursement_deadline)."""
    funds_defs = [d for d in defs.indicators if d.funds]
    if not funds_defs:
        return {}
    from .enforcement import to_fund_events  # the records -> domain objects, once

    sql = _funds_candidates_sql(tables, scope_sql).format(
        kind=tables.kind(dialect), group=f", c.{group}" if group else ""
    )
    candidates = {row[0]: (row[1], row[2] if group else None) for row in execute(sql, params)}
    if not candidates:
        return {}
    rows_by_case: dict[str, list[dict[str, Any]]] = {}
    ids = sorted(candidates)
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ", ".join(f":c{k}" for k in range(len(part)))
        query = (
            f"SELECT {', '.join(FUNDS_COLUMNS)} FROM {tables.funds} fx "
            f"WHERE deleted = 0 AND case_id IN ({marks})"
        )
        for row in execute(query, {f"c{k}": v for k, v in enumerate(part)}):
            rows_by_case.setdefault(row[1], []).append(
                _FUNDS_DEFAULTS | dict(zip(FUNDS_COLUMNS, row, strict=True))
            )
    # per group, per kind code, per term: count, amount, case ids
    acc: dict[Any, dict[int, dict[str, _Acc]]] = {}
    start, end = period.start, period.end
    for case_id, rows in rows_by_case.items():
        kind, key = candidates[case_id]
        funds = case_funds(to_fund_events(rows), end, settings)
        terms = acc.setdefault(key, {}).setdefault(kind, {})
        events: dict[str, list[int]] = {}  # disbursement id -> [amount in period, late amount]
        for status in funds.receipts:
            for part in status.disbursed:
                if start <= part.date <= end:
                    e = events.setdefault(part.event_id, [0, 0])
                    e[0] += part.amount
                    if part.days_late > 0:
                        e[1] += part.amount
            if status.overdue_amount:
                _add(terms, "overdue_held", 1, status.overdue_amount, case_id)
        for total, late in events.values():
            _add(terms, "disbursed", 1, total, case_id)
            if late:
                _add(terms, "paid_late", 1, late, case_id)
    out: dict[Any, dict[tuple[str, ...], Figure]] = {}
    for key, by_kind in acc.items():
        figures: dict[tuple[str, ...], Figure] = {}
        for d in funds_defs:
            for side in (d.numerator, d.denominator):
                if side is None:
                    continue
                count = amount = 0
                case_ids: set[str] = set()
                for code in (KIND_CODES[k] for k in d.kinds):
                    for term in side.terms:  # one term per funds side
                        a = by_kind.get(code, {}).get(term)
                        if a is not None:
                            count += a.count
                            amount += a.amount
                            case_ids.update(a.ids)
                figures[side.terms] = Figure(count, amount, tuple(sorted(case_ids)))
        out[key] = figures
    return out


def _add(terms: dict[str, _Acc], term: str, count: int, amount: int, case_id: str) -> None:
    a = terms.setdefault(term, _Acc())
    a.count += count
    a.amount += amount
    if not a.ids or a.ids[-1] != case_id:
        a.ids.append(case_id)


# -- the case file -------------------------------------------------------------------------------
def _sqlite_execute(conn: sqlite3.Connection) -> Execute:
    def execute(sql: str, params: Mapping[str, Any]) -> Iterable[Sequence[Any]]:
        return conn.execute(sql, dict(params)).fetchall()

    return execute


def _scope_sql(scope: Scope) -> tuple[str, dict[str, Any]]:
    sql, params = "", {}
    if scope.court:
        sql += " AND c.court_code = :scope_court"
        params["scope_court"] = scope.court
    if scope.officer:
        sql += " AND c.officer = :scope_officer"
        params["scope_officer"] = scope.officer
    return sql, params


def compute(
    conn: sqlite3.Connection,
    period: ReportPeriod,
    scope: Scope = Scope(),
    *,
    settings: CourtSettings | None = None,
    definitions: Definitions | None = None,
    with_ids: bool = True,
    lazy_ids: bool = True,
) -> IndicatorReport:
    """Every indicator of the case file for `scope` in `period`, with the cases behind each.

    The case lists are read from `conn` when one is first asked for (`Figure.case_ids`; most
    reports never ask): ask while `conn` is open. They then show the file as it is at that
    moment. `lazy_ids=False` reads them at once."""
    from .enforcement import court_settings

    sql, params = _scope_sql(scope)
    grouped = compute_grouped(
        _sqlite_execute(conn),
        period,
        settings or court_settings(),
        definitions=definitions,
        scope_sql=sql,
        scope_params=params,
        with_ids=with_ids,
        lazy_ids=lazy_ids,
    )
    return IndicatorReport(scope, period, grouped[None])


def trend(
    conn: sqlite3.Connection,
    periods: Sequence[ReportPeriod],
    scope: Scope = Scope(),
    *,
    settings: CourtSettings | None = None,
    definitions: Definitions | None = None,
) -> list[IndicatorReport]:
    """The indicators for each period (weeks or months), without case lists (for charts)."""
    return [
        compute(conn, p, scope, settings=settings, definitions=definitions, with_ids=False)
        for p in periods
    ]


def courts(conn: sqlite3.Connection) -> list[str]:
    """The court codes of the case file's cases."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT court_code FROM cases WHERE deleted = 0 AND court_code <> '' "
            "ORDER BY court_code"
        )
    ]


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals, no grouping (reports, exports)."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{part:02d}"


def case_rows(conn: Any, case_ids: Sequence[str]) -> list[tuple[str, str, str, str, str, str]]:
    """(id, case number, officer, filing date, closing date, how closed) of the cases behind a
    figure, by case number."""
    out: list[tuple[str, str, str, str, str, str]] = []
    ids = list(case_ids)
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ", ".join("?" * len(part))
        for r in conn.execute(
            "SELECT id, case_number, officer, filing_date, COALESCE(closing_date, ''), "
            f"COALESCE(closing_method, '') FROM cases WHERE id IN ({marks})",
            part,
        ):
            out.append((r[0], r[1], r[2], r[3], r[4], CLOSING_METHODS.get(r[5], "")))
    return sorted(out, key=lambda r: r[1])
