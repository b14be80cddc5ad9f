"""Court settings and the legal-basis table: editable data in resources/, with defaults.

Thresholds and windows that differ between courts, or that the law leaves open, are settings
(reference §1 "建议把依据条文做成可配置的表", §6 30 日 vs 5 日, §9 届满之日, §10). Each setting
has a default (the law's answer where there is one) and a source in `SETTING_SOURCES`; a file
that sets a key wrongly raises InvalidValue naming the file and the key, in Chinese.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..resources import resource
from .calendar import HolidayCalendar
from .errors import InvalidValue
from .measures import AssetKind, InquiryChannel
from .money import FEN_PER_YUAN
from .periods import Period, period_end

SETTINGS_FILE = "court-settings.toml"
LEGAL_BASES_FILE = "legal-bases.toml"

TERM_CLASSES = {
    "deposit": "冻结存款",
    "movable": "查封、扣押动产",
    "real_estate": "查封不动产",
    "other_right": "冻结其他财产权",
}
RENEWAL_STARTS = {"renewal_date": "续行之日", "previous_expiry": "上一期届满之次日"}

DEFAULT_SEIZURE_TERMS = {
    "deposit": Period(years=1),
    "movable": Period(years=2),
    "real_estate": Period(years=3),
    "other_right": Period(years=3),
}
DEFAULT_TERM_CLASS = {
    AssetKind.DEPOSIT: "deposit",
    AssetKind.INTERNET_ACCOUNT: "deposit",
    AssetKind.VEHICLE: "movable",
    AssetKind.MOVABLE: "movable",
    AssetKind.REAL_ESTATE: "real_estate",
    AssetKind.SECURITIES: "other_right",
    AssetKind.EQUITY: "other_right",
    AssetKind.HOUSING_FUND: "deposit",
    AssetKind.WEALTH_MANAGEMENT: "other_right",
    AssetKind.INSURANCE: "other_right",
    AssetKind.RECEIVABLE: "other_right",
    AssetKind.OTHER_RIGHT: "other_right",
}
THREE_MONTHS = Period(months=3)
SIX_MONTHS = Period(months=6)
FIVE_YEARS = Period(years=5)
CORE_CHANNELS = (
    InquiryChannel.BANK,
    InquiryChannel.SECURITIES,
    InquiryChannel.INTERNET_BANK,
    InquiryChannel.VEHICLE,
    InquiryChannel.REAL_ESTATE,
    InquiryChannel.MARKET_REGULATION,
    InquiryChannel.CENTRAL_BANK,
)
ADDITIONAL_CHANNELS = (
    InquiryChannel.HOUSING_FUND,
    InquiryChannel.WEALTH_MANAGEMENT,
    InquiryChannel.INCOME_INSURANCE,
    InquiryChannel.DIVIDENDS,
)


@dataclass(frozen=True)
class CourtSettings:
    """The court's deadlines and thresholds. `CourtSettings()` is the default set."""

    count_start_day: bool = False
    legal_periods_skip_holidays: bool = True
    disbursement_days: int = 30
    disbursement_skips_holidays: bool = False
    cash_hand_in_working_days: int = 1
    unmatched_receipt_days: int = 30
    reminder_lead_days: int = 30
    min_time_since_filing: Period = THREE_MONTHS
    online_inquiry_window: Period = THREE_MONTHS
    online_inquiry_channels: tuple[InquiryChannel, ...] = CORE_CHANNELS
    additional_inquiry_channels: tuple[InquiryChannel, ...] = ADDITIONAL_CHANNELS
    person_only_channels: tuple[InquiryChannel, ...] = (InquiryChannel.HOUSING_FUND,)
    small_balance_below: int = 1000 * FEN_PER_YUAN  # fen; the balance must be strictly below
    small_balance_max_percent: int = 5  # and at most this share of the claim
    interview_exempt_applicant_words: tuple[str, ...] = ("人民法院",)
    interview_exempt_cause_codes: tuple[str, ...] = ()
    delay_interest_due_day_counts: bool = False
    excessive_seizure_includes_delay_interest: bool = True
    seizure_count_start_day: bool = True
    renewal_runs_from: str = "renewal_date"
    seizure_terms: Mapping[str, Period] = field(default_factory=lambda: dict(DEFAULT_SEIZURE_TERMS))
    renewal_terms: Mapping[str, Period] = field(default_factory=lambda: dict(DEFAULT_SEIZURE_TERMS))
    seizure_term_class: Mapping[AssetKind, str] = field(
        default_factory=lambda: dict(DEFAULT_TERM_CLASS)
    )
    clue_verification_days: int = 7
    clue_urgent_verification_days: int = 3
    aftercare_interval: Period = SIX_MONTHS
    aftercare_duration: Period = FIVE_YEARS
    dishonest_removal_inquiries: int = 2
    backups_kept_before_sync: int = 5
    idle_lock_minutes: int = 10

    def legal_period_end(
        self, start: date, period: Period, calendar: HolidayCalendar | None = None
    ) -> date:
        """The end of a legal period (法定期间): start day and holidays as the court set them."""
        return period_end(
            start,
            years=period.years,
            months=period.months,
            days=period.days,
            count_start_day=self.count_start_day,
            skip_holidays=self.legal_periods_skip_holidays,
            calendar=calendar,
        )

    def seizure_term(self, kind: AssetKind) -> Period:
        """The longest term a seizure of this kind of asset may run (《民诉法解释》第485条)."""
        return self.seizure_terms[self.seizure_term_class.get(kind, "other_right")]

    def renewal_term(self, kind: AssetKind) -> Period:
        """The term of one renewal (续行): by law no longer than the seizure term itself."""
        return self.renewal_terms[self.seizure_term_class.get(kind, "other_right")]


@dataclass(frozen=True)
class SettingInfo:
    section: str
    key: str
    label: str  # Chinese, for the settings screen
    source: str  # legal source with its [C]/[P]/[U] mark


SETTING_SOURCES: dict[str, SettingInfo] = {
    f"{info.section}.{info.key}": info
    for info in (
        SettingInfo(
            "periods", "count_start_day", "期间开始的当日是否计入", "《民法典》第二百零一条 [P]"
        ),
        SettingInfo(
            "periods",
            "legal_periods_skip_holidays",
            "法定期间届满日遇节假日顺延",
            "《民事诉讼法》第八十五条；《民法典》第二百零三条 [P]",
        ),
        SettingInfo(
            "funds", "disbursement_days", "案款发放期限（日）", "法发〔2017〕6号 [P]；部分法院5日"
        ),
        SettingInfo(
            "funds",
            "disbursement_skips_holidays",
            "案款发放期限遇节假日顺延",
            "内部管理期限，各院规定不一 [U]",
        ),
        SettingInfo(
            "funds",
            "cash_hand_in_working_days",
            "现金移交期限（工作日）",
            "法发〔2006〕11号 第6条 [C]",
        ),
        SettingInfo(
            "funds",
            "unmatched_receipt_days",
            "未认领款项超过多少日突出显示",
            "本院管理要求 [U]",
        ),
        SettingInfo("reminders", "lead_days", "提前提醒天数", "本院管理要求"),
        SettingInfo(
            "termination",
            "min_time_since_filing",
            "立案后须超过的期间",
            "法〔2016〕373号 第一条第（四）项 [C]",
        ),
        SettingInfo(
            "termination",
            "online_inquiry_window",
            "结案前网络查控的有效期间",
            "终本合规核查第2项（代码按91天计）[P]",
        ),
        SettingInfo(
            "termination",
            "online_inquiry_channels",
            "必须网络查询的财产项目",
            "终本合规核查第2项 [P]",
        ),
        SettingInfo(
            "termination",
            "additional_inquiry_channels",
            "还须调查的财产项目",
            "终本合规核查第4项 [P]",
        ),
        SettingInfo(
            "termination",
            "person_only_channels",
            "只对自然人调查的项目",
            "终本合规核查第4项 [P]",
        ),
        SettingInfo(
            "termination",
            "small_balance_below_yuan",
            "可忽略的小额余额上限（元，不含）",
            "终本合规核查第6项 [P]",
        ),
        SettingInfo(
            "termination",
            "small_balance_max_percent",
            "可忽略的小额余额占应执行标的额的比例上限（%）",
            "终本合规核查第6项 [P]",
        ),
        SettingInfo(
            "termination",
            "interview_exempt_applicant_words",
            "免约谈的申请执行人名称用字",
            "终本合规核查第8项 [P]",
        ),
        SettingInfo(
            "termination",
            "interview_exempt_cause_codes",
            "免约谈的案由代码",
            "终本合规核查第8项（清单未找到）[U]",
        ),
        SettingInfo(
            "interest",
            "due_day_counts",
            "迟延履行利息：届满之日当天计入",
            "迟延履行利息解释第2条，条文未写明 [U]",
        ),
        SettingInfo(
            "seizure",
            "include_delay_interest",
            "超标的查封比较时计入迟延履行利息",
            "查封规定第19条，条文未写明 [U]",
        ),
        SettingInfo(
            "seizure",
            "count_start_day",
            "查封期限的起始日计入",
            "协助执行通知书的通常写法 [U]",
        ),
        SettingInfo(
            "seizure", "renewal_runs_from", "续行期限的起算", "《民诉法解释》第485条未写明 [U]"
        ),
        SettingInfo(
            "seizure", "terms", "查封、扣押、冻结期限", "《民诉法解释》（2022）第485条 [C]"
        ),
        SettingInfo(
            "seizure",
            "renewal_terms",
            "每次续行的期限",
            "《民诉法解释》（2022）第485条：不得超过查封期限 [C]",
        ),
        SettingInfo(
            "seizure", "term_class", "各类财产适用的期限", "互联网金融账户余额按存款计 [U]"
        ),
        SettingInfo("clues", "verification_days", "线索核实期限（日）", "财产调查规定 第2条 [C]"),
        SettingInfo(
            "clues",
            "urgent_verification_days",
            "紧急线索核实期限（日）",
            "财产调查规定 第2条 [C]",
        ),
        SettingInfo(
            "aftercare", "inquiry_interval", "终本后复查间隔", "法〔2016〕373号 第九条 [C]"
        ),
        SettingInfo(
            "aftercare", "inquiry_duration", "终本后复查年限", "法〔2016〕373号 第九条 [C]"
        ),
        SettingInfo(
            "aftercare",
            "dishonest_removal_inquiries",
            "删除失信所需的无财产查询次数",
            "失信规定 第十条第（四）项 [P]",
        ),
        SettingInfo(
            "backups",
            "kept_before_sync",
            "同步前自动备份保留的份数",
            "本院管理要求 [U]",
        ),
        SettingInfo(
            "security",
            "idle_lock_minutes",
            "无操作多少分钟后锁定窗口",
            "本院管理要求 [U]",
        ),
    )
}


class _Problem:
    """Builds the Chinese error for one key of one settings file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, where: str, text: str) -> InvalidValue:
        return InvalidValue(f"法院设置文件 {self.path} 中 {where} {text}", field=where)


def load_settings(path: Path | None = None) -> CourtSettings:
    """Read the court settings; the default is the bundled resources/court-settings.toml.

    Keys left out take the defaults of `CourtSettings`. A malformed file, an unknown key or a
    value of the wrong kind raises InvalidValue naming the file and the key.
    """
    if path is None:
        path = resource(SETTINGS_FILE)
    data = _read_toml(path, "法院设置文件")
    problem = _Problem(path)
    values: dict[str, Any] = {}
    known_sections = {info.section for info in SETTING_SOURCES.values()}
    for section, table in data.items():
        if section not in known_sections:
            raise problem(f"[{section}]", "是不认识的部分（是否拼错？）")
        if not isinstance(table, dict):
            raise problem(f"[{section}]", "应为表，写作 [" + section + "]")
        for key, raw in table.items():
            where = f"[{section}] 的 {key}"
            reader = _READERS.get((section, key))
            if reader is None:
                raise problem(where, "是不认识的项目（是否拼错？）")
            attr, parse = reader
            values[attr] = parse(raw, where, problem)
    # kinds a file leaves out keep the legal term; a renewal defaults to the seizure term
    values["seizure_terms"] = {**DEFAULT_SEIZURE_TERMS, **values.get("seizure_terms", {})}
    values["renewal_terms"] = {**values["seizure_terms"], **values.get("renewal_terms", {})}
    settings = CourtSettings(**values)
    _check_consistent(settings, problem)
    return settings


@lru_cache(maxsize=1)
def default_settings() -> CourtSettings:
    """The bundled settings file, read once."""
    return load_settings()


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise InvalidValue(f"找不到{what} {path}，请确认程序安装完整") from None
    except OSError as exc:
        raise InvalidValue(f"无法读取{what} {path}：{exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValue(f"{what} {path} 格式错误（{exc}），请按文件开头的说明修改") from None
    except UnicodeDecodeError:
        raise InvalidValue(f"{what} {path} 不是 UTF-8 编码，请用 UTF-8 保存") from None


Parse = Callable[[Any, str, _Problem], Any]


def _flag(raw: Any, where: str, problem: _Problem) -> bool:
    if not isinstance(raw, bool):
        raise problem(where, "应为 true 或 false（不加引号）")
    return raw


def _count(low: int, high: int) -> Parse:
    def parse(raw: Any, where: str, problem: _Problem) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            raise problem(where, f"应为 {low} 至 {high} 之间的整数（不加引号）")
        return raw

    return parse


def _yuan(raw: Any, where: str, problem: _Problem) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 10**9:
        raise problem(where, "应为整数元（不加引号），如 1000")
    return raw * FEN_PER_YUAN


def _period(raw: Any, where: str, problem: _Problem) -> Period:
    shape = "应写成 { years = 1 }、{ months = 3 } 或 { days = 91 }"
    if not isinstance(raw, dict) or not raw or set(raw) - {"years", "months", "days"}:
        raise problem(where, shape)
    numbers = {}
    for unit, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
            raise problem(where, f"的 {unit} 应为不小于0的整数；{shape}")
        numbers[unit] = value
    if numbers.get("days") and (numbers.get("years") or numbers.get("months")):
        raise problem(where, f"不能同时按日和按年、月计算；{shape}")
    period = Period(**numbers)
    if not (period.years or period.months or period.days):
        raise problem(where, f"不能为零；{shape}")
    return period


def _channels(raw: Any, where: str, problem: _Problem) -> tuple[InquiryChannel, ...]:
    codes = "、".join(channel.value for channel in InquiryChannel)
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise problem(where, f"应为财产项目代码的列表，可用的代码：{codes}")
    result = []
    for item in raw:
        try:
            result.append(InquiryChannel(item))
        except ValueError:
            raise problem(where, f"中的“{item}”不是财产项目代码，可用的代码：{codes}") from None
    return tuple(dict.fromkeys(result))


def _words(raw: Any, where: str, problem: _Problem) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) and item for item in raw):
        raise problem(where, '应为文字的列表（加引号），如 ["人民法院"]，没有就写 []')
    return tuple(raw)


def _renewal_start(raw: Any, where: str, problem: _Problem) -> str:
    if raw not in RENEWAL_STARTS:
        raise problem(where, '应为 "renewal_date"（续行之日）或 "previous_expiry"（上一期届满）')
    return str(raw)


def _terms(raw: Any, where: str, problem: _Problem) -> dict[str, Period]:
    if not isinstance(raw, dict):
        raise problem(where, "应为表")
    terms: dict[str, Period] = {}  # only the kinds the file sets; merged in load_settings
    for key, value in raw.items():
        if key not in TERM_CLASSES:
            raise problem(f"{where}.{key}", f"不是期限种类，可用的种类：{'、'.join(TERM_CLASSES)}")
        terms[key] = _period(value, f"{where}.{key}", problem)
    return terms


def _term_class(raw: Any, where: str, problem: _Problem) -> dict[AssetKind, str]:
    if not isinstance(raw, dict):
        raise problem(where, "应为表")
    mapping = dict(DEFAULT_TERM_CLASS)
    for key, value in raw.items():
        try:
            kind = AssetKind(key)
        except ValueError:
            kinds = "、".join(kind.value for kind in AssetKind)
            raise problem(f"{where}.{key}", f"不是财产种类，可用的种类：{kinds}") from None
        if value not in TERM_CLASSES:
            raise problem(
                f"{where}.{key}", f"应为期限种类之一：{'、'.join(TERM_CLASSES)}（加引号）"
            )
        mapping[kind] = value
    return mapping


_READERS: dict[tuple[str, str], tuple[str, Parse]] = {
    ("periods", "count_start_day"): ("count_start_day", _flag),
    ("periods", "legal_periods_skip_holidays"): ("legal_periods_skip_holidays", _flag),
    ("funds", "disbursement_days"): ("disbursement_days", _count(1, 365)),
    ("funds", "disbursement_skips_holidays"): ("disbursement_skips_holidays", _flag),
    ("funds", "cash_hand_in_working_days"): ("cash_hand_in_working_days", _count(0, 30)),
    ("funds", "unmatched_receipt_days"): ("unmatched_receipt_days", _count(1, 3650)),
    ("reminders", "lead_days"): ("reminder_lead_days", _count(0, 365)),
    ("termination", "min_time_since_filing"): ("min_time_since_filing", _period),
    ("termination", "online_inquiry_window"): ("online_inquiry_window", _period),
    ("termination", "online_inquiry_channels"): ("online_inquiry_channels", _channels),
    ("termination", "additional_inquiry_channels"): ("additional_inquiry_channels", _channels),
    ("termination", "person_only_channels"): ("person_only_channels", _channels),
    ("termination", "small_balance_below_yuan"): ("small_balance_below", _yuan),
    ("termination", "small_balance_max_percent"): ("small_balance_max_percent", _count(0, 100)),
    ("termination", "interview_exempt_applicant_words"): (
        "interview_exempt_applicant_words",
        _words,
    ),
    ("termination", "interview_exempt_cause_codes"): ("interview_exempt_cause_codes", _words),
    ("interest", "due_day_counts"): ("delay_interest_due_day_counts", _flag),
    ("seizure", "include_delay_interest"): ("excessive_seizure_includes_delay_interest", _flag),
    ("seizure", "count_start_day"): ("seizure_count_start_day", _flag),
    ("seizure", "renewal_runs_from"): ("renewal_runs_from", _renewal_start),
    ("seizure", "terms"): ("seizure_terms", _terms),
    ("seizure", "renewal_terms"): ("renewal_terms", _terms),
    ("seizure", "term_class"): ("seizure_term_class", _term_class),
    ("clues", "verification_days"): ("clue_verification_days", _count(1, 365)),
    ("clues", "urgent_verification_days"): ("clue_urgent_verification_days", _count(1, 365)),
    ("aftercare", "inquiry_interval"): ("aftercare_interval", _period),
    ("aftercare", "inquiry_duration"): ("aftercare_duration", _period),
    ("aftercare", "dishonest_removal_inquiries"): ("dishonest_removal_inquiries", _count(1, 20)),
    ("backups", "kept_before_sync"): ("backups_kept_before_sync", _count(1, 100)),
    ("security", "idle_lock_minutes"): ("idle_lock_minutes", _count(1, 240)),
}


def _check_consistent(settings: CourtSettings, problem: _Problem) -> None:
    for key, renewal in settings.renewal_terms.items():
        term = settings.seizure_terms[key]
        if _approx_days(renewal) > _approx_days(term):
            raise problem(
                f"[seizure.renewal_terms] 的 {key}",
                f"为{renewal}，长于查封期限{term}；续行期限不得超过查封期限（《民诉法解释》第485条）",
            )
    if settings.clue_urgent_verification_days > settings.clue_verification_days:
        raise problem("[clues] 的 urgent_verification_days", "不应长于一般线索的 verification_days")
    stray = (
        set(settings.person_only_channels)
        - set(settings.additional_inquiry_channels)
        - set(settings.online_inquiry_channels)
    )
    if stray:
        names = "、".join(channel.value for channel in stray)
        raise problem(
            "[termination] 的 person_only_channels",
            f"中的 {names} 不在必须查询的项目中，请一并列入 online_inquiry_channels 或 "
            "additional_inquiry_channels",
        )


def _approx_days(period: Period) -> int:
    # only to compare two terms; a month counts as 31 days, so equal terms stay equal
    return period.years * 372 + period.months * 31 + period.days


# --- legal bases --------------------------------------------------------------------------


CONFIDENCE = {"C": "已核实", "P": "部分核实", "U": "未核实"}


@dataclass(frozen=True)
class LegalBasis:
    code: str
    citation: str
    text: str
    confidence: str  # "C" | "P" | "U"
    source: str = ""

    def cite(self) -> str:
        """The citation with its confidence mark kept: "法〔2016〕373号 第一条第（四）项 [C]"."""
        return f"{self.citation} [{self.confidence}]"


class LegalBases:
    """The legal-basis table, by code."""

    def __init__(self, bases: list[LegalBasis]) -> None:
        self._by_code = {basis.code: basis for basis in bases}

    def get(self, code: str) -> LegalBasis | None:
        return self._by_code.get(code)

    def cite(self, code: str) -> str:
        """The citation for `code`, or a note that the table lacks it (never an exception)."""
        basis = self._by_code.get(code)
        if basis is None:
            return f"（法律依据表 {LEGAL_BASES_FILE} 中缺少 {code}，请补充）"
        return basis.cite()

    def codes(self) -> set[str]:
        return set(self._by_code)


def load_legal_bases(path: Path | None = None) -> LegalBases:
    """Read the legal-basis table; the default is the bundled resources/legal-bases.toml."""
    if path is None:
        path = resource(LEGAL_BASES_FILE)
    data = _read_toml(path, "法律依据表文件")

    def problem(text: str) -> InvalidValue:
        return InvalidValue(f"法律依据表文件 {path} 有误：{text}")

    extra = set(data) - {"basis"}
    if extra:
        raise problem(f"不认识的项目“{'、'.join(sorted(extra))}”，每条依据应写在 [[basis]] 下")
    entries = data.get("basis", [])
    if not isinstance(entries, list) or not entries:
        raise problem("没有任何 [[basis]] 表")
    bases: list[LegalBasis] = []
    seen: set[str] = set()
    allowed = {"code", "citation", "text", "confidence", "source"}
    for number, entry in enumerate(entries, start=1):
        where = f"第{number}个 [[basis]]"
        if not isinstance(entry, dict):
            raise problem(f"{where} 应为表")
        unknown = set(entry) - allowed
        if unknown:
            raise problem(f"{where} 有不认识的项目 {'、'.join(sorted(unknown))}（是否拼错？）")
        for key in ("code", "citation", "text", "confidence"):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                raise problem(f"{where} 的 {key} 应为文字（加引号），不能为空")
        code = entry["code"].strip()
        where = f"{where}（{code}）"
        if code in seen:
            raise problem(f"{where} 的 code 出现了两次，请删去一处")
        seen.add(code)
        confidence = entry["confidence"].strip()
        if confidence not in CONFIDENCE:
            raise problem(f'{where} 的 confidence 应为 "C"、"P" 或 "U"')
        source = entry.get("source", "")
        if not isinstance(source, str):
            raise problem(f"{where} 的 source 应为文字（加引号）")
        bases.append(
            LegalBasis(code, entry["citation"].strip(), entry["text"].strip(), confidence, source)
        )
    return LegalBases(bases)


@lru_cache(maxsize=1)
def default_legal_bases() -> LegalBases:
    """The bundled legal-basis table, read once."""
    return load_legal_bases()
