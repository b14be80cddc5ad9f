"""The enforcement record's vocabulary: measures, clues, assets, seizures and fund events.

Plain frozen dataclasses over plain data (money in whole fen, dates as `date`), so the store can
build them from rows and every rule can be tested without a database. Each enum member carries
its Chinese label (`.label`); the value is the English code kept in storage. A record checks only
what it can know by itself in `__post_init__`; checks against the case (dates after filing, not
in the future) are in the `check_*` functions, which take what they compare with.

Sources: issue 4; legal reference §1 (measures, inquiry channels, the twelve checks), §6 (fund
ledger fields, deferral and escrow reasons), §7 (seizure kinds and terms).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from .errors import InvalidDate, InvalidMoney, InvalidValue
from .money import format_money


class LabelledEnum(StrEnum):
    """A StrEnum whose members are declared as ("code", "中文标签")."""

    label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


# --- measures (执行措施) ---------------------------------------------------------------------


class MeasureKind(LabelledEnum):
    EXECUTION_NOTICE = ("execution_notice", "执行通知书")
    PROPERTY_REPORT_ORDER = ("property_report_order", "报告财产令")
    PROPERTY_REPORT_RECEIVED = ("property_report_received", "被执行人报告财产")
    PROPERTY_REPORT_VERIFIED = ("property_report_verified", "核查被执行人报告的财产")
    CONSUMPTION_RESTRICTION = ("consumption_restriction", "限制消费令")
    CONSUMPTION_RESTRICTION_LIFTED = ("consumption_restriction_lifted", "解除限制消费")
    DISHONEST_LIST_ENTRY = ("dishonest_list_entry", "纳入失信被执行人名单")
    DISHONEST_LIST_REMOVAL = ("dishonest_list_removal", "删除失信信息")
    ONLINE_INQUIRY = ("online_inquiry", "网络查控")
    FIELD_VISIT = ("field_visit", "现场调查")
    SEARCH = ("search", "搜查")
    REWARD_NOTICE = ("reward_notice", "悬赏公告")
    AUDIT = ("audit", "审计调查")
    FINE = ("fine", "罚款")
    DETENTION = ("detention", "拘留")
    CRIMINAL_REFERRAL = ("criminal_referral", "移送追究刑事责任")
    DEBTOR_SEARCH = ("debtor_search", "查找下落不明的被执行人")


# 传统查控 ("终本合规核查"第3项): at least one of these
TRADITIONAL_INQUIRIES = frozenset(
    {MeasureKind.FIELD_VISIT, MeasureKind.SEARCH, MeasureKind.REWARD_NOTICE, MeasureKind.AUDIT}
)
COERCIVE_MEASURES = frozenset({MeasureKind.FINE, MeasureKind.DETENTION})


class InquiryChannel(LabelledEnum):
    """网络查控的财产项目."""

    BANK = ("bank", "银行存款")
    SECURITIES = ("securities", "证券")
    INTERNET_BANK = ("internet_bank", "互联网银行及支付平台")
    VEHICLE = ("vehicle", "车辆")
    REAL_ESTATE = ("real_estate", "不动产")
    MARKET_REGULATION = ("market_regulation", "工商登记（市场监管）")
    CENTRAL_BANK = ("central_bank", "人民银行")
    HOUSING_FUND = ("housing_fund", "住房公积金")
    WEALTH_MANAGEMENT = ("wealth_management", "金融理财产品")
    INCOME_INSURANCE = ("income_insurance", "收益类保险")
    DIVIDENDS = ("dividends", "股息红利")


@dataclass(frozen=True)
class Measure:
    """One step on the case's timeline.

    `debtor_id` names the debtor it concerns; empty means every debtor of the case. For an online
    inquiry `channel` is required and `property_found` says whether anything was found (None:
    result not yet back); `told_applicant` is the day the result was told to the applicant.
    """

    id: str
    kind: MeasureKind
    date: date
    officer: str
    result: str = ""
    debtor_id: str = ""
    channel: InquiryChannel | None = None
    property_found: bool | None = None
    served_date: date | None = None
    told_applicant: date | None = None
    documents: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind is MeasureKind.ONLINE_INQUIRY and self.channel is None:
            raise InvalidValue(
                "网络查控应选择查询的财产项目（银行存款、车辆、不动产等）", field="channel"
            )
        if self.kind is not MeasureKind.ONLINE_INQUIRY and self.channel is not None:
            raise InvalidValue(f"{self.kind.label}不是网络查控，不应填写财产项目", field="channel")
        if self.served_date is not None and self.served_date < self.date:
            raise InvalidDate(
                f"{self.kind.label}的送达日期{self.served_date.isoformat()}早于发出日期"
                f"{self.date.isoformat()}，请核对",
                field="served_date",
            )
        if self.told_applicant is not None and self.told_applicant < self.date:
            raise InvalidDate(
                f"告知申请执行人的日期{self.told_applicant.isoformat()}早于查询日期"
                f"{self.date.isoformat()}，请核对",
                field="told_applicant",
            )

    def concerns(self, debtor_id: str) -> bool:
        return not self.debtor_id or self.debtor_id == debtor_id


def check_measure(measure: Measure, *, filing_date: date, today: date) -> None:
    """Refuse a measure dated in the future or before the case was filed."""
    if measure.date > today:
        raise InvalidDate(
            f"{measure.kind.label}的日期{measure.date.isoformat()}晚于今天{today.isoformat()}，"
            "尚未发生的措施不能登记，请核对日期",
        )
    if measure.date < filing_date:
        raise InvalidDate(
            f"{measure.kind.label}的日期{measure.date.isoformat()}早于立案日期"
            f"{filing_date.isoformat()}，请核对日期",
        )


# --- property clues (财产线索) ---------------------------------------------------------------


class ClueStatus(LabelledEnum):
    PENDING = ("pending", "待核实")
    VERIFYING = ("verifying", "核实中")
    FOUND = ("found", "已核实，发现财产")
    NOTHING_FOUND = ("nothing_found", "已核实，未发现财产")
    NOT_SPECIFIC = ("not_specific", "线索不明确，无法核实")

    @property
    def open(self) -> bool:
        """Still to be verified ("正在核实中的执行线索")."""
        return self in (ClueStatus.PENDING, ClueStatus.VERIFYING)


@dataclass(frozen=True)
class PropertyClue:
    """A property clue given by the applicant (or another person) on `given_date`."""

    id: str
    given_date: date
    description: str
    urgent: bool = False
    status: ClueStatus = ClueStatus.PENDING
    given_by: str = ""
    verified_date: date | None = None
    debtor_id: str = ""

    def __post_init__(self) -> None:
        if self.verified_date is not None and self.verified_date < self.given_date:
            raise InvalidDate(
                f"线索核实日期{self.verified_date.isoformat()}早于提供日期"
                f"{self.given_date.isoformat()}，请核对",
                field="verified_date",
            )


# --- assets (财产) ---------------------------------------------------------------------------


class AssetKind(LabelledEnum):
    DEPOSIT = ("deposit", "银行存款")
    INTERNET_ACCOUNT = ("internet_account", "互联网金融账户余额")
    VEHICLE = ("vehicle", "车辆")
    MOVABLE = ("movable", "其他动产")
    REAL_ESTATE = ("real_estate", "不动产")
    SECURITIES = ("securities", "有价证券")
    EQUITY = ("equity", "股权")
    HOUSING_FUND = ("housing_fund", "住房公积金")
    WEALTH_MANAGEMENT = ("wealth_management", "理财产品")
    INSURANCE = ("insurance", "保险")
    RECEIVABLE = ("receivable", "到期债权")
    OTHER_RIGHT = ("other_right", "其他财产权")


# "终本合规核查"第6项例外 applies to these balances
BALANCE_KINDS = frozenset({AssetKind.DEPOSIT, AssetKind.INTERNET_ACCOUNT})


class ValueBasis(LabelledEnum):
    APPRAISAL = ("appraisal", "评估价")
    REFERENCE_PRICE = ("reference_price", "参考价（询价）")
    BALANCE = ("balance", "账户余额")
    DECLARED = ("declared", "被执行人申报")
    OFFICER_ESTIMATE = ("officer_estimate", "承办人估算")


class AssetStatus(LabelledEnum):
    FOUND = ("found", "已发现")
    SEIZED = ("seized", "已控制")
    DISPOSED = ("disposed", "已处置")
    CANNOT_DISPOSE = ("cannot_dispose", "不能处置")


@dataclass(frozen=True)
class Identifier:
    """An account, plate or certificate number; personal data is redacted for publication."""

    kind: str  # 账号, 车牌号, 不动产权证号 ...
    value: str
    personal: bool = True


@dataclass(frozen=True)
class Asset:
    """Property of a debtor found during the inquiry.

    `value` (fen) is what `value_basis` says it is worth; `prior_encumbrances` (fen) are
    registered prior rights (a mortgage) that come before the applicant.
    """

    id: str
    kind: AssetKind
    description: str
    status: AssetStatus = AssetStatus.FOUND
    value: int | None = None
    value_basis: ValueBasis | None = None
    prior_encumbrances: int = 0
    cannot_dispose_reason: str = ""
    identifiers: tuple[Identifier, ...] = ()
    debtor_id: str = ""
    found_date: date | None = None

    def __post_init__(self) -> None:
        if self.value is not None:
            _check_amount(self.value, "财产价值", allow_zero=True)
            if self.value_basis is None:
                raise InvalidValue("填写了财产价值，请同时选择价值依据（评估价、参考价、余额等）")
        _check_amount(self.prior_encumbrances, "在先优先权金额", allow_zero=True)
        if self.status is AssetStatus.CANNOT_DISPOSE and not self.cannot_dispose_reason.strip():
            raise InvalidValue(
                "财产状态为“不能处置”时应写明原因（如拍卖、变卖未成交且申请执行人不接受抵债）",
                field="cannot_dispose_reason",
            )


# --- seizures (查封、扣押、冻结) --------------------------------------------------------------


class SeizureKind(LabelledEnum):
    SEAL = ("seal", "查封")
    DISTRAIN = ("distrain", "扣押")
    FREEZE = ("freeze", "冻结")


@dataclass(frozen=True)
class Renewal:
    """续行查封、扣押、冻结 on `date`: the full legal term, or to `until` if the notice says so."""

    date: date
    until: date | None = None


@dataclass(frozen=True)
class Release:
    """解除: the whole seizure, or part of it (an amount of a freeze, or a share)."""

    date: date
    whole: bool = True
    amount: int | None = None
    share: Fraction | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if not self.whole and self.amount is None and self.share is None:
            raise InvalidValue("部分解除应写明解除的金额或份额", field="release")
        if self.amount is not None:
            _check_amount(self.amount, "解除金额")
        if self.share is not None and not 0 < self.share <= 1:
            raise InvalidValue("解除的份额应大于0、不超过1，如1/2", field="release")


@dataclass(frozen=True)
class Seizure:
    """A seizure of one asset. `amount` is a freeze's frozen amount; `share` a seized share.

    `until` is the expiry stated on the notice when it differs from the legal term;
    `from_preservation` marks a seizure made in 诉讼保全 before the enforcement case was filed.
    """

    id: str
    asset_id: str
    kind: SeizureKind
    date: date
    amount: int | None = None
    share: Fraction | None = None
    until: date | None = None
    renewals: tuple[Renewal, ...] = ()
    releases: tuple[Release, ...] = ()
    from_preservation: bool = False

    def __post_init__(self) -> None:
        if self.amount is not None:
            _check_amount(self.amount, "冻结金额")
        if self.share is not None and not 0 < self.share <= 1:
            raise InvalidValue("查封份额应大于0、不超过1，如1/2", field="share")
        if self.until is not None and self.until <= self.date:
            raise InvalidDate("查封到期日应晚于查封日期，请核对", field="until")
        for renewal in self.renewals:
            if renewal.date < self.date:
                raise InvalidDate(
                    f"续行日期{renewal.date.isoformat()}早于查封日期{self.date.isoformat()}，请核对"
                )
        for release in self.releases:
            if release.date < self.date:
                raise InvalidDate(
                    f"解除日期{release.date.isoformat()}早于查封日期{self.date.isoformat()}，请核对"
                )

    def released_on(self, day: date) -> bool:
        """True when the whole seizure has been released on or before `day`."""
        return any(release.whole and release.date <= day for release in self.releases)


def check_seizure(seizure: Seizure, *, filing_date: date, today: date) -> None:
    """Refuse a seizure dated in the future, or before filing unless it came from preservation."""
    if seizure.date > today:
        raise InvalidDate(
            f"{seizure.kind.label}日期{seizure.date.isoformat()}晚于今天{today.isoformat()}，"
            "请核对日期",
        )
    if seizure.date < filing_date and not seizure.from_preservation:
        raise InvalidDate(
            f"{seizure.kind.label}日期{seizure.date.isoformat()}早于立案日期"
            f"{filing_date.isoformat()}；如果是诉讼保全转为执行的查封，请勾选“保全转执行”，"
            "否则请核对日期",
        )


# --- case funds (案款) ------------------------------------------------------------------------


class ReceiptSource(LabelledEnum):
    TRANSFER = ("transfer", "划拨")
    DEBTOR_PAYMENT = ("debtor_payment", "被执行人交款")
    AUCTION_OR_SALE = ("auction_or_sale", "拍卖、变卖款")
    OTHER = ("other", "其他")


class DeferralReason(LabelledEnum):
    """延缓发放事由 (reference §6 [P]; "其他正当理由" [U])."""

    DISTRIBUTION = ("distribution", "需要进行案款分配")
    APPLICANT_FUNDS_FROZEN = ("applicant_funds_frozen", "申请执行人的款项被保全或冻结")
    NOT_COLLECTED = ("not_collected", "申请执行人经通知未领取")
    CASE_SUSPENDED = ("case_suspended", "案件被依法中止或暂缓执行")
    OTHER = ("other", "其他正当理由")


class EscrowReason(LabelledEnum):
    """提存事由 (reference §6 [U]; 《民法典》第570条)."""

    REFUSED = ("refused", "申请执行人无正当理由拒绝领取")
    MISSING = ("missing", "申请执行人下落不明")
    NO_HEIR_OR_GUARDIAN = ("no_heir_or_guardian", "死亡未确定继承人或丧失行为能力未确定监护人")
    UNREACHABLE = ("unreachable", "按其提供的联系方式无法通知领取")
    OTHER = ("other", "其他情形")


@dataclass(frozen=True)
class Receipt:
    """Money received for a case (到账). `case_id` None: received but not yet matched to a case.

    Cash taken in the field (`cash`) needs two officers and is handed in on `handed_in`.
    """

    id: str
    date: date
    amount: int
    source: ReceiptSource
    payer: str = ""
    receipt_number: str = ""
    case_id: str | None = None
    cash: bool = False
    officers: tuple[str, ...] = ()
    handed_in: date | None = None

    def __post_init__(self) -> None:
        _check_amount(self.amount, "到账金额")
        if self.cash:
            present = {name.strip() for name in self.officers if name.strip()}
            if len(present) < 2:
                raise InvalidValue(
                    "代收现金应有两名以上执行人员在场，请填写在场的两名执行人员"
                    "（法发〔2006〕11号 第6条）",
                    field="officers",
                )
        elif self.handed_in is not None:
            raise InvalidValue("只有代收的现金需要填写移交日期", field="handed_in")
        if self.handed_in is not None and self.handed_in < self.date:
            raise InvalidDate(
                f"现金移交日期{self.handed_in.isoformat()}早于收款日期{self.date.isoformat()}，请核对",
                field="handed_in",
            )


@dataclass(frozen=True)
class Payout:
    """Money paid out of the case's funds (发放). `receipt_id` ties it to one receipt if known."""

    id: str
    date: date
    amount: int
    payee: str
    account: str = ""
    approver: str = ""
    receipt_id: str | None = None

    def __post_init__(self) -> None:
        _check_amount(self.amount, "发放金额")
        if not self.payee.strip():
            raise InvalidValue("请填写发放对象", field="payee")


@dataclass(frozen=True)
class Deferral:
    """An approved deferral of disbursement from `start` to `end` (inclusive; None: not over).

    `receipt_id` None: the deferral covers every receipt of the case.
    """

    id: str
    reason: DeferralReason
    approver: str
    start: date
    end: date | None = None
    receipt_id: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not self.approver.strip():
            raise InvalidValue("延缓发放须经批准，请填写批准人", field="approver")
        if self.end is not None and self.end < self.start:
            raise InvalidDate("延缓发放的结束日期早于开始日期，请核对", field="end")
        if self.reason is DeferralReason.OTHER and not self.note.strip():
            raise InvalidValue("延缓事由为“其他正当理由”时，请写明理由", field="note")


@dataclass(frozen=True)
class Escrow:
    """提存: the money is lodged instead of paid to the applicant, for `reason`."""

    id: str
    date: date
    amount: int
    reason: EscrowReason
    receipt_id: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check_amount(self.amount, "提存金额")
        if self.reason is EscrowReason.OTHER and not self.note.strip():
            raise InvalidValue("提存事由为“其他情形”时，请写明情形", field="note")


@dataclass(frozen=True)
class FundEvents:
    """Everything in one case's funds ledger."""

    receipts: tuple[Receipt, ...] = ()
    payouts: tuple[Payout, ...] = ()
    deferrals: tuple[Deferral, ...] = ()
    escrows: tuple[Escrow, ...] = ()


def _check_amount(fen: int, what: str, *, allow_zero: bool = False) -> None:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"money is whole fen as int, got {type(fen).__name__}: {fen!r}")
    if fen < 0 or (fen == 0 and not allow_zero):
        shown = format_money(fen)
        raise InvalidMoney(f"{what}应大于0，现为{shown}，请核对")
