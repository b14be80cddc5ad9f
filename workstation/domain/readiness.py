"""The termination check (终本条件): may the current enforcement procedure be ended today?

Sources (reference §1): the five conditions of 法〔2016〕373号 第一条 [C], the reporting order of
第二条 [C], the inquiry items of 第三条 [P], the duty to hear the applicant (第五条, number [U]) and
the twelve checks of the SPC process system's "终本合规核查" [P]. Where a condition of the rules
and a check say the same thing they are one finding citing both, so the officer sees each task
once:

    finding                          rules                               check
    notice_and_report_order          第一条(一), 第二条(一)               1
    report_verified                  第二条(二)
    report_sanctioned                第二条(三)
    restriction_and_dishonest        第一条(二)                           7
    online_inquiry                   第三条(二)                           2
    traditional_inquiry              第三条(三)                           3
    additional_inquiry                                                    4
    clues_verified                   第三条(一)                           5
    assets_cannot_be_enforced        第一条(三) second half, 第四条        6
    search                           第三条(四)
    audit_or_reward                  第三条(五)
    inquiry_exhausted                第一条(三) (all of the above inquiry findings)
    three_months                     第一条(四)
    missing_and_obstruction          第一条(五)
    interview                        第五条                               8
    outstanding                                                           9
    ruling                                                                10
    not_all_deceased                                                      11
    monetary_claim                                                        12

Windows and thresholds come from `CourtSettings`; citations from the legal-basis table, with
their [C]/[P]/[U] marks. `Readiness.ready` only when no applicable finding is unmet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from .calendar import HolidayCalendar, default_calendar
from .measures import (
    BALANCE_KINDS,
    COERCIVE_MEASURES,
    TRADITIONAL_INQUIRIES,
    Asset,
    AssetStatus,
    InquiryChannel,
    LabelledEnum,
    Measure,
    MeasureKind,
    PropertyClue,
)
from .money import format_money
from .outstanding import Outstanding, Recovery, outstanding
from .periods import Period, period_end
from .settings import CourtSettings, LegalBases, default_legal_bases


class FindingStatus(LabelledEnum):
    MET = ("met", "已满足")
    NOT_MET = ("not_met", "未满足")
    NOT_APPLICABLE = ("not_applicable", "不适用")


@dataclass(frozen=True)
class Finding:
    code: str
    title: str  # Chinese
    status: FindingStatus
    satisfied_by: tuple[str, ...]  # ids of the records that satisfy it, or descriptions
    legal_source: str  # citations with their [C]/[P]/[U] marks
    action: str  # what to do (Chinese); empty when met
    detail: str = ""  # why this status (Chinese)


@dataclass(frozen=True)
class Readiness:
    as_of: date  # the closing date when set, else today
    findings: tuple[Finding, ...]
    outstanding: Outstanding
    warnings: tuple[str, ...] = ()

    @property
    def ready(self) -> bool:
        return all(f.status is not FindingStatus.NOT_MET for f in self.findings)

    @property
    def unmet(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is FindingStatus.NOT_MET)

    def finding(self, code: str) -> Finding:
        return next(f for f in self.findings if f.code == code)


@dataclass(frozen=True)
class Party:
    """A party as the check needs it. `kind` is "person" or "organisation" (case.PARTY_KINDS)."""

    id: str
    name: str
    kind: str = "person"
    deceased: bool = False
    missing: bool = False  # 下落不明
    false_report: bool = False  # the debtor's property report was found false
    dishonest_exempt_reason: str = ""  # why this debtor does not meet the dishonest-list terms

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


@dataclass(frozen=True)
class CaseSnapshot:
    """A plain picture of one case, built by the store, for the termination check."""

    case_number: str
    filing_date: date
    applicants: tuple[Party, ...]
    debtors: tuple[Party, ...]
    principal: int = 0
    judgment_interest: int = 0
    enforcement_fee: int = 0
    delay_interest: int = 0
    recoveries: tuple[Recovery, ...] = ()
    claim_is_monetary: bool = True
    measures: tuple[Measure, ...] = ()  # online inquiries are measures with a channel
    clues: tuple[PropertyClue, ...] = ()
    assets: tuple[Asset, ...] = ()
    interview_date: date | None = None
    interview_opinion: str = ""  # the applicant's opinion on termination, as recorded
    closing_date: date | None = None
    applicant_asked_for_termination: bool = False
    cause_code: str = ""
    obstruction: bool = False  # the debtor or others obstructed enforcement
    obstruction_is_crime: bool = False
    hiding_property: bool = False  # hid property or account books and refused to hand them over
    applicant_asked_for_audit_or_reward: bool = False

    @property
    def applicant_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.applicants)


def clue_verification_deadline(
    clue: PropertyClue, settings: CourtSettings, *, calendar: HolidayCalendar | None = None
) -> date:
    """The day by which a clue must be verified: 7 days, 3 if urgent (财产调查规定 第2条 [C]).

    A legal period: the day the clue was given is not counted, and a last day on a holiday moves
    to the next working day (both per the court settings).
    """
    days = (
        settings.clue_urgent_verification_days if clue.urgent else settings.clue_verification_days
    )
    return settings.legal_period_end(clue.given_date, Period(days=days), calendar)


def termination_readiness(
    case: CaseSnapshot,
    today: date,
    settings: CourtSettings,
    *,
    bases: LegalBases | None = None,
    calendar: HolidayCalendar | None = None,
) -> Readiness:
    """法〔2016〕373号 第一条: every condition must hold. Each condition is a Finding."""
    calendar = calendar if calendar is not None else default_calendar()
    check = _Check(case, today, settings, bases or default_legal_bases(), calendar)
    return check.run()


class _Check:
    def __init__(
        self,
        case: CaseSnapshot,
        today: date,
        settings: CourtSettings,
        bases: LegalBases,
        calendar: HolidayCalendar,
    ) -> None:
        self.case = case
        self.settings = settings
        self.bases = bases
        self.calendar = calendar
        self.as_of = case.closing_date or today
        # only what had happened by the day of the check counts
        self.measures = [m for m in case.measures if m.date <= self.as_of]
        self.debtors = [d for d in case.debtors if not d.deceased]
        self.owed = outstanding(
            principal=case.principal,
            judgment_interest=case.judgment_interest,
            enforcement_fee=case.enforcement_fee,
            delay_interest=case.delay_interest,
            recoveries=case.recoveries,
            as_of=self.as_of,
        )
        self.warnings: list[str] = []

    def run(self) -> Readiness:
        inquiry = [
            self.online_inquiry(),
            self.traditional_inquiry(),
            self.additional_inquiry(),
            self.clues_verified(),
            self.assets_cannot_be_enforced(),
            self.search(),
            self.audit_or_reward(),
        ]
        findings = [
            self.notice_and_report_order(),
            self.report_verified(),
            self.report_sanctioned(),
            self.restriction_and_dishonest(),
            *inquiry,
            self.inquiry_exhausted(inquiry),
            self.three_months(),
            self.missing_and_obstruction(),
            self.interview(),
            self.outstanding(),
            self.ruling(),
            self.not_all_deceased(),
            self.monetary_claim(),
        ]
        return Readiness(self.as_of, tuple(findings), self.owed, tuple(self.warnings))

    # --- helpers ---

    def finding(
        self,
        code: str,
        title: str,
        sources: Iterable[str],
        *,
        met: bool | None,
        satisfied_by: Iterable[str] = (),
        action: str = "",
        detail: str = "",
    ) -> Finding:
        """met None: not applicable."""
        if met is None:
            status = FindingStatus.NOT_APPLICABLE
        else:
            status = FindingStatus.MET if met else FindingStatus.NOT_MET
        return Finding(
            code=code,
            title=title,
            status=status,
            satisfied_by=tuple(satisfied_by),
            legal_source="；".join(self.bases.cite(s) for s in sources),
            action="" if status is not FindingStatus.NOT_MET else action,
            detail=detail,
        )

    def of_kind(self, debtor: Party | None, *kinds: MeasureKind) -> list[Measure]:
        return [
            m
            for m in self.measures
            if m.kind in kinds and (debtor is None or m.concerns(debtor.id))
        ]

    def latest(self, debtor: Party, kind: MeasureKind) -> Measure | None:
        found = self.of_kind(debtor, kind)
        return max(found, key=lambda m: m.date) if found else None

    def per_debtor(self, missing_for: Callable[[Party], list[str]]) -> list[str]:
        """Run `missing_for` over the living debtors; each problem is prefixed with the name."""
        return [f"{debtor.name}：{text}" for debtor in self.debtors for text in missing_for(debtor)]

    # --- findings ---

    def notice_and_report_order(self) -> Finding:
        ids: list[str] = []

        def missing(debtor: Party) -> list[str]:
            gaps = []
            for kind in (MeasureKind.EXECUTION_NOTICE, MeasureKind.PROPERTY_REPORT_ORDER):
                found = self.of_kind(debtor, kind)
                if found:
                    ids.extend(m.id for m in found)
                else:
                    gaps.append(f"未登记{kind.label}的发出日期")
            return gaps

        problems = self.per_debtor(missing)
        return self.finding(
            "notice_and_report_order",
            "已发出执行通知书、报告财产令",
            ("termination.1.1", "termination.2.1", "check.1"),
            met=not problems,
            satisfied_by=ids,
            action="向被执行人发出执行通知书和报告财产令，并登记发出日期",
            detail="；".join(problems),
        )

    def report_verified(self) -> Finding:
        ids: list[str] = []
        problems: list[str] = []
        reported = 0
        for debtor in self.debtors:
            report = self.latest(debtor, MeasureKind.PROPERTY_REPORT_RECEIVED)
            if report is None:
                continue
            reported += 1
            checks = [
                m
                for m in self.of_kind(debtor, MeasureKind.PROPERTY_REPORT_VERIFIED)
                if m.date >= report.date
            ]
            if checks:
                ids.extend(m.id for m in checks)
            else:
                problems.append(f"{debtor.name}：{report.date.isoformat()}报告的财产尚未核查")
        return self.finding(
            "report_verified",
            "已核查被执行人报告的财产",
            ("termination.2.2",),
            met=None if not reported else not problems,
            satisfied_by=ids,
            action="核查被执行人报告的财产情况，并登记核查结果",
            detail="；".join(problems)
            if reported
            else "被执行人未报告财产，见“逾期、拒绝或虚假报告”",
        )

    def report_sanctioned(self) -> Finding:
        ids: list[str] = []
        problems: list[str] = []
        violators = 0
        for debtor in self.debtors:
            reported = self.of_kind(debtor, MeasureKind.PROPERTY_REPORT_RECEIVED)
            if reported and not debtor.false_report:
                continue
            violators += 1
            why = "虚假报告" if debtor.false_report else "未报告财产"
            coercive = self.of_kind(debtor, *COERCIVE_MEASURES, MeasureKind.CRIMINAL_REFERRAL)
            if coercive:
                ids.extend(m.id for m in coercive)
            else:
                problems.append(f"{debtor.name}{why}，未登记罚款、拘留等强制措施")
        return self.finding(
            "report_sanctioned",
            "对逾期、拒绝或虚假报告财产的被执行人已采取强制措施",
            ("termination.2.3",),
            met=None if not violators else not problems,
            satisfied_by=ids,
            action="对逾期报告、拒绝报告或虚假报告的被执行人依法罚款、拘留；构成犯罪的移送追究刑事责任",
            detail="；".join(problems) if violators else "被执行人均已如实报告财产",
        )

    def restriction_and_dishonest(self) -> Finding:
        ids: list[str] = []

        def missing(debtor: Party) -> list[str]:
            gaps = []
            restriction = self.latest(debtor, MeasureKind.CONSUMPTION_RESTRICTION)
            lifted = self.latest(debtor, MeasureKind.CONSUMPTION_RESTRICTION_LIFTED)
            if restriction is None:
                gaps.append("未发出限制消费令")
            elif lifted is not None and lifted.date >= restriction.date:
                gaps.append(f"限制消费已于{lifted.date.isoformat()}解除")
            else:
                ids.append(restriction.id)
            if debtor.dishonest_exempt_reason.strip():
                ids.append(f"{debtor.name}不纳入失信名单：{debtor.dishonest_exempt_reason.strip()}")
                return gaps
            entry = self.latest(debtor, MeasureKind.DISHONEST_LIST_ENTRY)
            removal = self.latest(debtor, MeasureKind.DISHONEST_LIST_REMOVAL)
            if entry is None:
                gaps.append("未纳入失信被执行人名单（不符合纳入条件的，请写明理由）")
            elif removal is not None and removal.date >= entry.date:
                gaps.append(f"失信信息已于{removal.date.isoformat()}删除")
            else:
                ids.append(entry.id)
            return gaps

        problems = self.per_debtor(missing)
        return self.finding(
            "restriction_and_dishonest",
            "已发出限制消费令并在有效期内，符合条件的已纳入失信名单",
            ("termination.1.2", "check.7"),
            met=not problems,
            satisfied_by=ids,
            action="对被执行人发出限制消费令、将符合条件的被执行人纳入失信名单；已解除的重新采取",
            detail="；".join(problems),
        )

    def online_inquiry(self) -> Finding:
        window = self.settings.online_inquiry_window
        ids: list[str] = []

        def fresh(measure: Measure) -> bool:
            # an inquiry made on day d still counts on every day up to the end of its window
            return self.as_of <= period_end(
                measure.date, years=window.years, months=window.months, days=window.days
            )

        def missing(debtor: Party) -> list[str]:
            gaps = []
            for channel in self.settings.online_inquiry_channels:
                if channel in self.settings.person_only_channels and not debtor.is_person:
                    continue
                done = [m for m in self._inquiries(debtor, channel) if fresh(m)]
                if done:
                    ids.append(max(done, key=lambda m: m.date).id)
                else:
                    gaps.append(channel.label)
            return [f"{window}内未查询{'、'.join(gaps)}"] if gaps else []

        problems = self.per_debtor(missing)
        return self.finding(
            "online_inquiry",
            f"结案前{window}内已对全部财产项目进行网络查控",
            ("termination.3.2", "check.2"),
            met=not problems,
            satisfied_by=ids,
            action=f"通过网络执行查控系统重新查询（须在结案前{window}内）并登记结果",
            detail="；".join(problems),
        )

    def traditional_inquiry(self) -> Finding:
        done = self.of_kind(None, *TRADITIONAL_INQUIRIES)
        return self.finding(
            "traditional_inquiry",
            "已采取传统调查措施（现场调查、搜查、悬赏、审计至少一种）",
            ("termination.3.3", "check.3"),
            met=bool(done),
            satisfied_by=[m.id for m in done],
            action="到被执行人住所地或者财产所在地进行现场调查，并登记调查笔录",
            detail="" if done else "未登记现场调查、搜查、悬赏公告或审计调查",
        )

    def additional_inquiry(self) -> Finding:
        ids: list[str] = []

        def missing(debtor: Party) -> list[str]:
            gaps = []
            for channel in self.settings.additional_inquiry_channels:
                if channel in self.settings.person_only_channels and not debtor.is_person:
                    continue
                done = self._inquiries(debtor, channel)
                if done:
                    ids.append(max(done, key=lambda m: m.date).id)
                else:
                    gaps.append(channel.label)
            return [f"未调查{'、'.join(gaps)}"] if gaps else []

        problems = self.per_debtor(missing)
        return self.finding(
            "additional_inquiry",
            "已调查住房公积金（自然人）、理财产品、收益类保险、股息红利",
            ("check.4",),
            met=not problems,
            satisfied_by=ids,
            action="查询上述财产项目并登记结果",
            detail="；".join(problems),
        )

    def clues_verified(self) -> Finding:
        open_clues = [c for c in self.case.clues if c.status.open]
        closed = [c.id for c in self.case.clues if not c.status.open]
        details = []
        for clue in open_clues:
            due = clue_verification_deadline(clue, self.settings, calendar=self.calendar)
            details.append(
                f"{clue.description}（{clue.status.label}，应于{due.isoformat()}前核实）"
            )
        return self.finding(
            "clues_verified",
            "申请执行人提供的财产线索均已核实",
            ("termination.3.1", "check.5"),
            met=not open_clues,
            satisfied_by=closed,
            action="核实尚未核实的财产线索并登记结果",
            detail="；".join(details),
        )

    def assets_cannot_be_enforced(self) -> Finding:
        settings = self.settings
        ok: list[str] = []
        problems: list[str] = []
        claim = self.owed.claim
        for asset in self.case.assets:
            if asset.status is AssetStatus.CANNOT_DISPOSE:
                ok.append(f"{asset.id}：{asset.cannot_dispose_reason}")
            elif asset.status is AssetStatus.DISPOSED:
                ok.append(f"{asset.id}：已处置")
            elif (
                asset.kind in BALANCE_KINDS
                and asset.value is not None
                and asset.value < settings.small_balance_below
                and asset.value * 100 <= claim * settings.small_balance_max_percent
            ):
                ok.append(f"{asset.id}：小额余额{format_money(asset.value)}，可以忽略")
            else:
                problems.append(f"{asset.description}（{asset.status.label}）")
        return self.finding(
            "assets_cannot_be_enforced",
            "未发现可供执行的财产，或发现的财产均不能处置",
            ("termination.1.3", "termination.4", "check.6"),
            met=not problems,
            satisfied_by=ok,
            action="处置上述财产；确实不能处置的，将财产状态改为“不能处置”并写明原因",
            detail=("尚有可供执行的财产：" + "、".join(problems)) if problems else "",
        )

    def search(self) -> Finding:
        if not self.case.hiding_property:
            return self.finding(
                "search", "已对隐匿财产的被执行人依法搜查", ("termination.3.4",), met=None
            )
        done = self.of_kind(None, MeasureKind.SEARCH)
        return self.finding(
            "search",
            "已对隐匿财产的被执行人依法搜查",
            ("termination.3.4",),
            met=bool(done),
            satisfied_by=[m.id for m in done],
            action="被执行人隐匿财产、会计账簿等资料且拒不交出，应依法搜查并登记",
        )

    def audit_or_reward(self) -> Finding:
        if not self.case.applicant_asked_for_audit_or_reward:
            return self.finding(
                "audit_or_reward",
                "已依申请执行人的申请采取审计调查或悬赏公告",
                ("termination.3.5",),
                met=None,
            )
        done = self.of_kind(None, MeasureKind.AUDIT, MeasureKind.REWARD_NOTICE)
        return self.finding(
            "audit_or_reward",
            "已依申请执行人的申请采取审计调查或悬赏公告",
            ("termination.3.5",),
            met=bool(done),
            satisfied_by=[m.id for m in done],
            action="申请执行人申请了审计调查或悬赏公告，应依法采取并登记",
        )

    def inquiry_exhausted(self, parts: list[Finding]) -> Finding:
        unmet = [f for f in parts if f.status is FindingStatus.NOT_MET]
        return self.finding(
            "inquiry_exhausted",
            "已穷尽财产调查措施，未发现可供执行的财产或发现的财产不能处置",
            ("termination.1.3",),
            met=not unmet,
            satisfied_by=[f.code for f in parts if f.status is FindingStatus.MET],
            action="完成以下各项：" + "、".join(f.title for f in unmet),
            detail="；".join(f.title for f in unmet),
        )

    def three_months(self) -> Finding:
        period = self.settings.min_time_since_filing
        end = self.settings.legal_period_end(self.case.filing_date, period, self.calendar)
        gap = self.calendar.warning(end, end)
        if gap:
            self.warnings.append(gap)
        met = self.as_of > end
        return self.finding(
            "three_months",
            f"自立案之日起已超过{period}",
            ("termination.1.4",),
            met=met,
            satisfied_by=[
                f"立案日期{self.case.filing_date.isoformat()}，{period}期间至{end.isoformat()}届满"
            ],
            action=f"{end.isoformat()}之后才能终结本次执行程序",
            detail=""
            if met
            else f"立案日期{self.case.filing_date.isoformat()}，期间至{end.isoformat()}届满",
        )

    def missing_and_obstruction(self) -> Finding:
        ids: list[str] = []
        problems: list[str] = []
        missing = [d for d in self.debtors if d.missing]
        for debtor in missing:
            found = self.of_kind(debtor, MeasureKind.DEBTOR_SEARCH)
            if found:
                ids.extend(m.id for m in found)
            else:
                problems.append(f"{debtor.name}下落不明，未登记查找")
        if self.case.obstruction:
            coercive = self.of_kind(None, *COERCIVE_MEASURES)
            if coercive:
                ids.extend(m.id for m in coercive)
            else:
                problems.append("有妨害执行行为，未登记罚款、拘留等强制措施")
        if self.case.obstruction_is_crime:
            referral = self.of_kind(None, MeasureKind.CRIMINAL_REFERRAL)
            if referral:
                ids.extend(m.id for m in referral)
            else:
                problems.append("妨害执行构成犯罪，未登记移送追究刑事责任")
        applicable = bool(missing) or self.case.obstruction or self.case.obstruction_is_crime
        return self.finding(
            "missing_and_obstruction",
            "下落不明的已查找；妨害执行的已采取强制措施",
            ("termination.1.5",),
            met=None if not applicable else not problems,
            satisfied_by=ids,
            action="依法查找下落不明的被执行人；对妨害执行的依法罚款、拘留，构成犯罪的移送追究刑事责任",
            detail="；".join(problems) if applicable else "无下落不明或妨害执行的情形",
        )

    def interview(self) -> Finding:
        title = "已约谈申请执行人并记录其对终本的意见"
        sources = ("termination.interview", "check.8")
        exemption = self._interview_exemption()
        if exemption:
            return self.finding(
                title=title, code="interview", sources=sources, met=None, detail=exemption
            )
        date_ = self.case.interview_date
        problems = []
        if date_ is None:
            problems.append("未登记约谈")
        elif date_ > self.as_of:
            problems.append(f"约谈日期{date_.isoformat()}晚于结案日期{self.as_of.isoformat()}")
        if not self.case.interview_opinion.strip():
            problems.append("未记录申请执行人是否同意终本的意见")
        return self.finding(
            "interview",
            title,
            sources,
            met=not problems,
            satisfied_by=[f"{date_.isoformat()}约谈"] if date_ and not problems else [],
            action="在结案前约谈申请执行人，告知执行情况及终本的依据和后果，记录其意见",
            detail="；".join(problems),
        )

    def _interview_exemption(self) -> str:
        if self.case.applicant_asked_for_termination:
            return "申请执行人本人申请终结本次执行程序"
        for name in self.case.applicant_names:
            for word in self.settings.interview_exempt_applicant_words:
                if word in name:
                    return f"申请执行人“{name}”名称含“{word}”"
        if (
            self.case.cause_code
            and self.case.cause_code in self.settings.interview_exempt_cause_codes
        ):
            return f"案由代码{self.case.cause_code}免约谈"
        return ""

    def outstanding(self) -> Finding:
        owed = self.owed
        return self.finding(
            "outstanding",
            "尚有未执行的金额",
            ("check.9",),
            met=owed.amount > 0,
            satisfied_by=[f"尚未执行{format_money(owed.amount)}"],
            action="款项已全部到位的，应以执行完毕结案，不能终结本次执行程序",
            detail=(f"应执行{format_money(owed.total_due)}，已到位{format_money(owed.recovered)}"),
        )

    def ruling(self) -> Finding:
        return self.finding(
            "ruling",
            "已作出终结本次执行程序裁定",
            ("check.10",),
            met=None,
            detail="本核查在作出裁定之前进行；裁定在各项条件满足后制作",
        )

    def not_all_deceased(self) -> Finding:
        living = [d.name for d in self.case.debtors if not d.deceased]
        return self.finding(
            "not_all_deceased",
            "被执行人并非全部已死亡",
            ("check.11",),
            met=bool(living),
            satisfied_by=living,
            action="被执行人均已死亡的，应依法变更、追加被执行人或终结执行，不能终结本次执行程序",
        )

    def monetary_claim(self) -> Finding:
        return self.finding(
            "monetary_claim",
            "执行标的不只是行为",
            ("check.12",),
            met=self.case.claim_is_monetary,
            action="只要求被执行人为一定行为的案件不能终结本次执行程序",
        )

    def _inquiries(self, debtor: Party, channel: InquiryChannel) -> list[Measure]:
        return [m for m in self.of_kind(debtor, MeasureKind.ONLINE_INQUIRY) if m.channel is channel]
