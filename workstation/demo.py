"""A demo case file of realistic Luoyang enforcement cases, deterministic for a seed.

The names, numbers and addresses are invented but well-formed: ID numbers and credit codes carry
correct check characters, so the demo exercises the same validation as real data. Every record is
written through the change journal, like any other.
"""

import dataclasses
import multiprocessing
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .domain.identity import check_digit, credit_check_char
from .domain.measures import InquiryChannel
from .ids import uuid7
from .store.casefile import CaseFile
from .store.journal import Change

COMMON_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
RARE_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "皇甫", "仝", "禚", "亓", "阙", "𠮷", "琚", "昝"]
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国红梅志文斌鹏辉宇浩然子轩欣怡晨阳思雨佳琪博文一鸣婷婷海燕春燕小龙新民建军卫东"  # noqa: E501
RARE_GIVEN = "堃𠮷玥喆昇燚犇淼垚鑫彧昕珺翀"
MINORITY_NAMES = [
    ("买买提·吐尔逊", "维吾尔族"),
    ("阿依古丽·艾买提", "维吾尔族"),
    ("热依拉·阿不都", "维吾尔族"),
    ("努尔兰·哈力克", "哈萨克族"),
    ("扎西·次仁", "藏族"),
    ("巴特尔", "蒙古族"),
    ("其其格", "蒙古族"),
]
# Luoyang districts and counties: (division code, name) for ID numbers and addresses.
DIVISIONS = [
    ("410302", "老城区"),
    ("410303", "西工区"),
    ("410304", "瀍河回族区"),
    ("410305", "涧西区"),
    ("410311", "洛龙区"),
    ("410322", "孟津县"),
    ("410323", "新安县"),
    ("410324", "栾川县"),
    ("410325", "嵩县"),
    ("410326", "汝阳县"),
    ("410327", "宜阳县"),
    ("410328", "洛宁县"),
    ("410329", "伊川县"),
    ("410381", "偃师市"),
]
STREETS = [
    "中州路",
    "九都路",
    "王城大道",
    "凯旋路",
    "唐宫路",
    "西苑路",
    "建设路",
    "南昌路",
    "太康路",
    "开元大道",
    "滨河路",
    "定鼎路",
    "关林路",
    "春都路",
    "洛宜路",
    "龙门大道",
]
COURTS = ["豫0302", "豫0303", "豫0304", "豫0305", "豫0311", "豫0322", "豫0323", "豫0381", "豫0391"]
OFFICERS = ["张伟", "李娜", "王强", "刘洋", "陈静", "杨帆", "赵磊", "周敏"]
CAUSES = [
    ("民间借贷纠纷", 30),
    ("买卖合同纠纷", 15),
    ("金融借款合同纠纷", 12),
    ("信用卡纠纷", 8),
    ("追索劳动报酬纠纷", 6),
    ("机动车交通事故责任纠纷", 6),
    ("房屋租赁合同纠纷", 6),
    ("建设工程施工合同纠纷", 5),
    ("劳务合同纠纷", 5),
    ("离婚后财产纠纷", 3),
    ("承揽合同纠纷", 4),
]
ORG_PREFIX = [
    "洛阳",
    "洛阳市",
    "河南",
    "河南省",
    "洛阳新区",
    "伊洛",
    "龙门",
    "牡丹",
    "河洛",
    "中原",
]
ORG_WORDS = [
    "宏达",
    "鑫源",
    "华豫",
    "恒通",
    "瑞丰",
    "金鼎",
    "嘉禾",
    "盛世",
    "天元",
    "博远",
    "兴隆",
    "九州",
    "永昌",
    "锦程",
    "众诚",
]
ORG_TRADES = [
    "商贸",
    "建筑工程",
    "房地产开发",
    "物流",
    "机械制造",
    "农业科技",
    "餐饮管理",
    "装饰工程",
    "汽车销售",
    "小额贷款",
]
BANKS = [
    "中国工商银行股份有限公司洛阳分行",
    "洛阳银行股份有限公司",
    "中国农业银行股份有限公司洛阳分行",
]
CLOSINGS = [
    ("completed", 40),
    ("termination", 45),
    ("ended", 5),
    ("withdrawn", 4),
    ("not_enforced", 3),
    ("rejected", 3),
]
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DEMO_TODAY = date(2026, 11, 26)
# Share of demo cases with a full enforcement record (measures, assets, funds ...): enough to try
# every screen, few enough that 100,000 cases still generate in well under a minute.
DETAIL_SHARE = 0.015


class DemoGenerator:
    """Makes the journal changes of a demo case file. Same seed, same cases, same ids."""

    def __init__(
        self, seed: int = 1, today: date = DEMO_TODAY, courts: list[str] | None = None
    ) -> None:
        self.rng = random.Random(seed)
        self.courts = courts or COURTS
        self.today = today
        self.serials: dict[tuple[int, str, str], int] = {}
        self.clock_ms = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000) + seed * 7919

    def _id(self) -> str:
        self.clock_ms += 1
        return uuid7(ms=self.clock_ms, rand=self.rng.randbytes(10))

    def _weighted(self, pairs: list[tuple[str, int]]) -> str:
        return self.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]

    def person_name(self) -> tuple[str, str]:
        r = self.rng.random()
        if r < 0.03:
            return self.rng.choice(MINORITY_NAMES)
        surname = self.rng.choice(RARE_SURNAMES) if r < 0.06 else self.rng.choice(COMMON_SURNAMES)
        length = 1 if self.rng.random() < 0.35 else 2
        chars = [
            self.rng.choice(RARE_GIVEN)
            if self.rng.random() < 0.04
            else self.rng.choice(GIVEN_CHARS)
            for _ in range(length)
        ]
        ethnicity = "回族" if self.rng.random() < 0.04 else "汉族"
        return surname + "".join(chars), ethnicity

    def id_number(self, division: str, birth: date, male: bool) -> str:
        seq = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
        first17 = f"{division}{birth:%Y%m%d}{seq:03d}"
        return first17 + check_digit(first17)

    def credit_code(self, division: str) -> str:
        body = "".join(self.rng.choice(CREDIT_ALPHABET) for _ in range(9))
        first17 = f"91{division}{body}"
        return first17 + credit_check_char(first17)

    def address(self, division_name: str) -> str:
        street = self.rng.choice(STREETS)
        return (
            f"河南省洛阳市{division_name}{street}{self.rng.randint(1, 400)}号"
            f"{self.rng.randint(1, 30)}号楼{self.rng.randint(1, 6)}单元"
            f"{self.rng.randint(101, 2802)}室"
        )

    def phone(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"

    def party(self, case_id: str, role: str, org_share: float) -> dict:
        division, division_name = self.rng.choice(DIVISIONS)
        if self.rng.random() < org_share:
            name = (
                self.rng.choice(BANKS)
                if role == "applicant" and self.rng.random() < 0.3
                else f"{self.rng.choice(ORG_PREFIX)}{self.rng.choice(ORG_WORDS)}"
                f"{self.rng.choice(ORG_TRADES)}有限公司"
            )
            return {
                "case_id": case_id,
                "role": role,
                "kind": "organisation",
                "name": name,
                "credit_code": self.credit_code(division),
                "address": self.address(division_name),
                "legal_representative": self.person_name()[0],
                "phone": f"0379-{self.rng.randint(60000000, 69999999)}",
            }
        name, ethnicity = self.person_name()
        male = self.rng.random() < 0.62
        birth = date(1950, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 52))
        return {
            "case_id": case_id,
            "role": role,
            "kind": "person",
            "name": name,
            "sex": "male" if male else "female",
            "ethnicity": ethnicity,
            "birth_date": birth.isoformat(),
            "id_number": self.id_number(division, birth, male),
            "address": self.address(division_name),
            "phone": self.phone(),
        }

    def amount(self) -> int:
        """Fen, log-uniform between 500 and 50,000,000 yuan, rounded as judgments are."""
        yuan = 10 ** self.rng.uniform(2.7, 7.7)
        step = 100 if yuan < 100_000 else 1000
        return int(round(yuan / step) * step) * 100 + self.rng.choice([0, 0, 0, 50, 37])

    def case(self, officer: str | None = None) -> tuple[list[dict], str]:
        rng = self.rng
        filed = self.today - timedelta(days=int(rng.triangular(0, 365 * 7, 200)))
        court = rng.choice(self.courts)
        kind = rng.choices(["执", "执恢", "执保"], weights=[88, 9, 3])[0]
        key = (filed.year, court, kind)
        self.serials[key] = self.serials.get(key, 0) + rng.randint(1, 3)
        number = f"（{filed.year}）{court}{kind}{self.serials[key]}号"
        effective = filed - timedelta(days=rng.randint(20, 400))
        cause = self._weighted(CAUSES)
        principal = self.amount()
        case_id = self._id()
        age_days = (self.today - filed).days
        closed = rng.random() < min(0.9, age_days / 400)
        closing_method = self._weighted(CLOSINGS) if closed else None
        closing_date = (
            min(self.today, filed + timedelta(days=rng.randint(20, max(21, age_days))))
            if closed
            else None
        )
        case = {
            "case_number": number,
            "court_code": court,
            "officer": officer or rng.choice(OFFICERS),
            "filing_date": filed.isoformat(),
            "cause": cause,
            "basis_court": "",
            "basis_number": f"（{effective.year}）{court}民初{rng.randint(100, 9999)}号",
            "basis_kind": rng.choices(["民事判决书", "民事调解书", "仲裁裁决书"], [70, 25, 5])[0],
            "basis_effective_date": effective.isoformat(),
            "principal": principal,
            "interest": rng.choice([0, 0, principal // 20]),
            "interest_terms": rng.choice(
                [
                    "",
                    "按年利率3.85%自起诉之日起计算至实际清偿之日止",
                    "按全国银行间同业拆借中心公布的一年期贷款市场报价利率计算",
                ]
            ),
            "enforcement_fee": min(principal // 100, 50_000_000),
            "status": "closed" if closed else "open",
            "closing_date": closing_date.isoformat() if closing_date else None,
            "closing_method": closing_method,
            "notes": rng.choice(
                ["", "", "", "被执行人外出务工，下落不明", "申请执行人要求尽快查控车辆"]
            ),
            "termination_date": closing_date.isoformat()
            if closing_method == "termination" and closing_date
            else None,
        }
        records = [{"_type": "case", "_id": case_id, **case}]
        org_share = 0.35 if cause in ("买卖合同纠纷", "金融借款合同纠纷") else 0.15
        applicant = self.party(case_id, "applicant", org_share)
        applicant_id = self._id()
        records.append({"_type": "party", "_id": applicant_id, **applicant})
        for _ in range(rng.choices([1, 2, 3], [70, 22, 8])[0]):
            records.append(
                {"_type": "party", "_id": self._id(), **self.party(case_id, "debtor", 0.2)}
            )
        if rng.random() < 0.25:
            agent_name = self.person_name()[0]
            records.append(
                {
                    "_type": "party",
                    "_id": self._id(),
                    "case_id": case_id,
                    "role": "agent",
                    "kind": "person",
                    "name": agent_name,
                    "phone": self.phone(),
                    "represents": applicant_id,
                    "authority": rng.choice(["special", "special", "general"]),
                    "authority_document": f"授权委托书（{effective.year}年）",
                    "address": "河南某某律师事务所",
                }
            )
        if rng.random() < DETAIL_SHARE:
            debtors = [r["_id"] for r in records if r.get("role") == "debtor"]
            records.extend(self.enforcement(case_id, case, filed, debtors, applicant["name"]))
        at = datetime.combine(filed, datetime.min.time(), UTC).isoformat() + "Z"
        return records, at.replace("+00:00", "")

    def enforcement(
        self, case_id: str, case: dict, filed: date, debtors: list[str], applicant: str
    ) -> list[dict]:
        """The enforcement record of a case, as far as its age and outcome took it."""
        rng = self.rng
        end = date.fromisoformat(case["closing_date"]) if case["closing_date"] else self.today
        age = (end - filed).days
        officer = case["officer"]
        out: list[dict] = []

        def add(rtype: str, **fields: object) -> str:
            rid = self._id()
            out.append({"_type": rtype, "_id": rid, "case_id": case_id, **fields})
            return rid

        def on(days: int) -> str:
            return min(end, filed + timedelta(days=days)).isoformat()

        if age >= 3:
            for kind in ("execution_notice", "property_report_order"):
                add(
                    "measure",
                    kind=kind,
                    date=on(2),
                    officer=officer,
                    result="已送达",
                    served_date=on(5),
                )
        if age >= 12:
            for debtor in debtors:  # each debtor reported property, or was fined for not doing so
                if rng.random() < 0.7:
                    add(
                        "measure",
                        kind="property_report_received",
                        date=on(10),
                        officer=officer,
                        debtor_id=debtor,
                        result="被执行人申报无可供执行的财产",
                    )
                    add(
                        "measure",
                        kind="property_report_verified",
                        date=on(11),
                        officer=officer,
                        debtor_id=debtor,
                        result="经核查，申报属实",
                    )
                else:
                    add(
                        "measure",
                        kind="fine",
                        date=on(11),
                        officer=officer,
                        debtor_id=debtor,
                        result="逾期不报告财产，决定罚款5000元",
                    )
        if age >= 15:
            # online inquiries of every channel: within the last three months when ready
            asked = max(filed + timedelta(days=10), end - timedelta(days=rng.randint(5, 80)))
            for channel in InquiryChannel:
                add(
                    "measure",
                    kind="online_inquiry",
                    date=asked.isoformat(),
                    officer=officer,
                    channel=channel.value,
                    found="no",
                    result="未发现可供执行的财产",
                )
            add(
                "measure",
                kind="consumption_restriction",
                date=on(12),
                officer=officer,
                result="已发出限制消费令",
            )
            add(
                "measure",
                kind="dishonest_list_entry",
                date=on(14),
                officer=officer,
                result="已纳入失信被执行人名单",
            )
        if age >= 40:
            visit = on(rng.randint(30, max(31, age - 3)))
            add(
                "measure",
                kind="field_visit",
                date=visit,
                officer=officer,
                result="前往被执行人住所地调查，未发现可供执行的财产",
            )
            add(
                "field_visit",
                date=visit,
                officers=f"{officer}、{rng.choice(OFFICERS)}",
                place="被执行人住所地",
                purpose="查找财产、送达文书",
                findings="被执行人不在家，邻居称其外出务工；屋内无可供执行的财产",
            )
        if age >= 60 and rng.random() < 0.5 and debtors:
            balance = rng.randint(100, 90_000)
            asset = add(
                "asset",
                kind="deposit",
                description="银行账户存款",
                status="seized",
                value=balance,
                value_basis="balance",
                identifiers=f'[{{"kind": "账号", "value": "62284{rng.randrange(10**14):014d}"}}]',
                debtor_id=debtors[0],
                found_date=on(20),
                cannot_dispose_reason="余额较小，已冻结" if balance < 100_000 else "",
            )
            add("seizure", asset_id=asset, kind="freeze", date=on(22), amount=balance)
        if age >= 30 and rng.random() < 0.4:
            amount = min(case["principal"], rng.randint(1, 50) * 100_000)
            receipt = add(
                "funds",
                kind="receipt",
                date=on(rng.randint(20, max(21, age))),
                amount=amount,
                source=rng.choice(["transfer", "debtor_payment"]),
                payer="被执行人",
                receipt_number=f"ZK{rng.randrange(10**8):08d}",
            )
            if rng.random() < 0.7:
                receipt_date = date.fromisoformat(out[-1]["date"])
                paid = min(end, receipt_date + timedelta(days=rng.randint(3, 45)))
                if paid >= receipt_date:
                    add(
                        "funds",
                        kind="payout",
                        date=paid.isoformat(),
                        amount=amount,
                        payee=applicant,
                        approver="执行局长",
                        receipt_id=receipt,
                    )
        if rng.random() < 0.15:
            add(
                "clue",
                given_date=on(rng.randint(5, max(6, age))),
                description="申请执行人称被执行人在城郊有一处门面房",
                urgent=0,
                status=rng.choice(["pending", "nothing_found", "nothing_found"]),
                given_by="申请执行人",
            )
        return out

    def changes(self, count: int, device: str, officer: str = "") -> Iterator[Change]:
        for _ in range(count):
            records, at = self.case()
            for rec in records:
                fields = {k: v for k, v in rec.items() if not k.startswith("_")}
                yield Change(
                    self._id(),
                    rec["_type"],
                    rec["_id"],
                    fields,
                    {k: None for k in fields},
                    officer or "演示数据",
                    device,
                    at,
                    origin="demo",
                )


def _produce(cases: int, seed: int, device: str, officer: str, batch: int, out: Any) -> None:
    """Worker process: generate the changes and send them in batches (plain tuples pickle fast)."""
    gen = DemoGenerator(seed)
    pending: list[tuple] = []
    for ch in gen.changes(cases, device, officer):
        pending.append(astuple_change(ch))
        if len(pending) >= batch:
            out.put(pending)
            pending = []
    out.put(pending)
    out.put(None)


def astuple_change(ch: Change) -> tuple:
    return tuple(getattr(ch, f) for f in CHANGE_FIELDS)


CHANGE_FIELDS = [f.name for f in dataclasses.fields(Change)]


def fill_demo(casefile: CaseFile, cases: int, seed: int = 1, batch: int = 8000) -> int:
    """Add `cases` demo cases to a case file. Returns the number of journal changes.

    A second process generates while this one writes (the machine has two cores); the result is
    the same as generating here, since one generator makes every change in order.
    """
    casefile.set_meta("demo", "1")  # demo data is never synced with a real server
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue(maxsize=4)
    producer = ctx.Process(
        target=_produce,
        args=(cases, seed, casefile.device, casefile.officer, batch, queue),
        daemon=True,
    )
    producer.start()
    written = 0
    try:
        while (items := queue.get(timeout=120)) is not None:
            if items:
                casefile.apply([Change(*t) for t in items], check_base=False)
                written += len(items)
    finally:
        producer.join(timeout=10)
        if producer.is_alive():
            producer.kill()
    return written
