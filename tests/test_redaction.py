"""The publication copy (法释〔2016〕19号 第九条、第十条): hand-written cases for each rule, then
many generated documents scanned, as Document text and as text read back from the PDF."""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from pypdf import PdfReader

from workstation.documents import (
    Document,
    FontSet,
    Heading,
    KeyValueTable,
    Para,
    RightLine,
    Signatures,
    Spacer,
    Title,
    bundled_fonts,
    render_pdf,
)
from workstation.domain.address import county_level
from workstation.domain.identity import check_digit, credit_check_char
from workstation.redaction import (
    POLICIES,
    Redaction,
    anonymised_name,
    anonymised_organisation,
    public_copy,
    redaction_summary,
)

COURT = "洛阳市老城区人民法院"
KEEP = ["张伟", "刘晓露", "吴楠", COURT]


def resident_id(region: str = "410302", birth: str = "19800101", sequence: str = "123") -> str:
    first17 = region + birth + sequence
    return first17 + check_digit(first17)


ID_1 = resident_id()  # 41030219800101123?, a valid check digit
ID_2 = resident_id("410305", "19920229", "046")


def copy_text(paras: list[str], inputs: dict[str, Any], policy: str = "2016") -> str:
    doc = Document(tuple(Para(p) for p in paras), kind="ruling")
    public, _ = public_copy(doc, inputs, policy)
    return "\n".join(block.text for block in public.blocks if isinstance(block, Para))


def one(text: str, inputs: dict[str, Any], policy: str = "2016") -> str:
    return copy_text([text], inputs, policy)


def ruling(*extra: str) -> Document:
    return Document(
        (
            Title(COURT),
            Heading("执行裁定书"),
            RightLine("（2024）豫0302执1234号"),
            Para("申请执行人：王五，男，汉族，1980年1月1日出生，住洛阳市老城区邙山镇后营村5号。"),
            Para("被执行人：洛阳宏达商贸有限公司，住所地洛阳市西工区。法定代表人：李四。"),
            *(Para(t) for t in extra),
            Para("终结本次执行程序。"),
            Signatures(("审判员  张伟", "二〇二四年五月六日", "（院印）", "法官助理  刘晓露")),
            Signatures(("书记员  吴楠",)),
            Para("本件与原本核对无异", indent=False),
        ),
        kind="ruling",
    )


BASE_INPUTS: dict[str, Any] = {
    "persons": [{"name": "王五", "ethnicity": "汉族", "foreign": False}, {"name": "李四"}],
    "organisations": ["洛阳宏达商贸有限公司"],
    "sensitive": [ID_1, "13800000000", "洛阳市老城区邙山镇后营村5号"],
    "keep": KEEP,
}


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ethnicity", "foreign", "expected"),
    [
        ("王五", "汉族", False, "王某"),
        ("李小龙", "", False, "李某"),
        ("欧阳娜娜", "汉族", False, "欧阳某"),
        ("诸葛亮", "汉族", False, "诸葛某"),
        ("买买提·吐尔逊", "维吾尔族", False, "买某"),
        ("阿依古丽", "维吾尔族", False, "阿某"),
        ("扎西顿珠", "藏族", False, "扎某"),
        ("约翰·史密斯", "", True, "约某"),
        ("史密斯", "", True, "史某"),
        ("John Smith", "", True, "J"),
    ],
)
def test_names_are_reduced_by_article_nine(
    name: str, ethnicity: str, foreign: bool, expected: str
) -> None:
    assert anonymised_name(name, ethnicity=ethnicity, foreign=foreign) == expected
    inputs = {"persons": [{"name": name, "ethnicity": ethnicity, "foreign": foreign}]}
    text = one(f"被执行人{name}未履行义务，{name}的财产已查询。", inputs)
    assert name not in text
    assert text == f"被执行人{expected}未履行义务，{expected}的财产已查询。"


def test_two_people_who_become_the_same_name_are_numbered_by_first_appearance() -> None:
    inputs = {"persons": [{"name": "王五"}, {"name": "王六"}, {"name": "李四"}]}
    text = copy_text(["被执行人王六、申请执行人王五。", "王五向王六借款，李四作保。"], inputs)
    assert text == "被执行人王某1、申请执行人王某2。\n王某2向王某1借款，李某作保。"


def test_a_minority_name_colliding_with_a_han_surname_is_numbered_too() -> None:
    inputs = {
        "persons": [
            {"name": "马军", "ethnicity": "汉族"},
            {"name": "马哈木提·艾力", "ethnicity": "维吾尔族"},
        ]
    }
    assert one("马哈木提·艾力与马军", inputs) == "马某1与马某2"


def test_a_name_is_replaced_inside_free_text_and_possessives() -> None:
    inputs = {"persons": [{"name": "王五"}]}
    text = one("干警备注：王五的妻子称王五外出打工，王五家中无人。", inputs)
    assert text == "干警备注：王某的妻子称王某外出打工，王某家中无人。"


def test_a_name_written_with_another_middle_dot_is_still_found() -> None:
    inputs = {"persons": [{"name": "买买提·吐尔逊", "ethnicity": "维吾尔族"}]}
    assert one("被执行人买买提•吐尔逊", inputs) == "被执行人买某"


def test_an_english_name_is_found_in_any_case() -> None:
    inputs = {"persons": [{"name": "John Smith", "foreign": True}]}
    assert one("外籍被执行人JOHN SMITH（John Smith）", inputs) == "外籍被执行人J（J）"


def test_kept_names_and_the_court_name_are_untouched() -> None:
    inputs = {"persons": [{"name": "王五"}, {"name": "张伟明"}], "keep": KEEP}
    public, _ = public_copy(
        Document(
            (
                Title(COURT),
                Para("审判员张伟、书记员吴楠送达王五，张伟明在场。"),
                Signatures(("审判员  张伟", "书记员  吴楠")),
            ),
            kind="ruling",
        ),
        inputs,
    )
    text = public.text()
    assert COURT in text
    assert "审判员张伟、书记员吴楠送达王某，张某在场。" in text
    assert "审判员  张伟" in text and "书记员  吴楠" in text


def test_a_one_character_name_is_left_alone_rather_than_wiping_the_character() -> None:
    assert one("王某某", {"persons": [{"name": "王"}]}) == "王某某"


# --- organisations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("洛阳宏达商贸有限公司", "洛阳某某商贸有限公司"),
        ("河南省洛阳市鑫源建筑工程有限责任公司", "河南省洛阳市某某建筑工程有限责任公司"),
        ("洛阳市老城区恒丰实业股份有限公司", "洛阳市老城区某某实业股份有限公司"),
        ("中国建设银行股份有限公司洛阳涧西支行", "中国某某银行股份有限公司洛阳涧西支行"),
        ("嵩县绿源农民专业合作社", "嵩县某某农民专业合作社"),
        ("宏达商贸有限公司", "某某商贸有限公司"),
    ],
)
def test_organisation_names_keep_place_industry_and_form(name: str, expected: str) -> None:
    assert anonymised_organisation(name) == expected


def test_organisation_names_stay_under_the_2016_policy_and_go_under_current_practice() -> None:
    inputs = {"organisations": ["洛阳宏达商贸有限公司"], "keep": KEEP}
    text = "被执行人洛阳宏达商贸有限公司（以下简称宏达商贸有限公司）。"
    assert one(text, inputs, "2016") == text
    assert (
        one(text, inputs, "current") == "被执行人洛阳某某商贸有限公司（以下简称某某商贸有限公司）。"
    )


def test_colliding_organisation_names_are_numbered() -> None:
    inputs = {"organisations": ["洛阳宏达商贸有限公司", "洛阳鑫源商贸有限公司"]}
    text = one("洛阳鑫源商贸有限公司欠洛阳宏达商贸有限公司货款。", inputs, "current")
    assert text == "洛阳某某1商贸有限公司欠洛阳某某2商贸有限公司货款。"


def test_a_credit_code_is_kept_in_2016_and_removed_under_current_practice() -> None:
    first17 = "91410300MA44ABCD1"
    code = first17 + credit_check_char(first17)
    text = f"统一社会信用代码{code}。"
    assert one(text, {}, "2016") == text
    assert one(text, {}, "current") == "统一社会信用代码×××。"


def test_an_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="policy"):
        public_copy(ruling(), BASE_INPUTS, "2024")
    assert set(POLICIES) == {"2016", "current"}


# --- numbers and other information -------------------------------------------------------------


def test_an_id_number_inside_officer_typed_free_text_is_replaced_by_crosses() -> None:
    text = one(f"干警备注：当事人自称身份证号{ID_2.lower()}，与户籍信息一致。", {})
    assert text == "干警备注：当事人自称身份证号×××，与户籍信息一致。"


def test_a_legacy_fifteen_digit_id_number_is_removed() -> None:
    assert one("身份证号410302800101123。", {}) == "身份证号×××。"


def test_an_id_number_from_the_case_is_found_with_spaces_and_full_width_digits() -> None:
    spaced = f"{ID_1[:6]} {ID_1[6:14]} {ID_1[14:]}"
    wide = "".join(chr(ord(c) + 0xFEE0) for c in ID_1)
    inputs = {"sensitive": [ID_1]}
    assert one(f"号码{spaced}；又写作{wide}。", inputs) == "号码×××；又写作×××。"


@pytest.mark.parametrize(
    "phone",
    [
        "13800000000",
        "138 0000 0000",
        "+86 13912345678",
        "0379-61234567",
        "0379-6123456",
        "(0379)61234567",
        "（0379）61234567",
        "037961234567",
        "010-87654321",
        "0379-61234567转8012",
    ],
)
def test_phone_numbers_are_removed(phone: str) -> None:
    assert one(f"联系电话{phone}，已拨打。", {}) == "联系电话×××，已拨打。"


@pytest.mark.parametrize(
    "account",
    ["6222021234567890123", "6222 0212 3456 7890 123", "622848001234567890", "123456789012"],
)
def test_bank_accounts_are_removed(account: str) -> None:
    assert one(f"冻结其账户{account}内存款。", {}) == "冻结其账户×××内存款。"


@pytest.mark.parametrize(
    "plate", ["豫C12345", "豫C·12345", "豫AD12345", "豫A·D12345", "京N12345挂"]
)
def test_plate_numbers_are_removed(plate: str) -> None:
    assert one(f"查封车辆{plate}一辆。", {}) == "查封车辆×××一辆。"


def test_an_e_mail_address_is_removed() -> None:
    assert one("电子邮箱wangwu_1980@163.com。", {}) == "电子邮箱×××。"


def test_a_certificate_number_from_the_case_is_removed_though_no_pattern_matches() -> None:
    certificate = "豫(2021)洛阳市不动产权第0012345号"
    text = one(f"查封其名下房产（{certificate}）。", {"sensitive": [certificate]})
    assert text == "查封其名下房产（×××）。"


def test_a_case_address_is_cut_at_the_county() -> None:
    address = "洛阳市老城区邙山镇后营村5号"
    assert county_level(address) == "洛阳市老城区"
    inputs = {"sensitive": [address], "keep": KEEP}
    text = copy_text([f"申请执行人住{address}。", "干警前往邙山镇后营村5号调查。", COURT], inputs)
    assert text == f"申请执行人住洛阳市老城区。\n干警前往×××调查。\n{COURT}"


def test_a_county_level_address_is_not_removed() -> None:
    inputs = {"sensitive": ["洛阳市老城区"], "keep": KEEP}
    assert one(f"住洛阳市老城区。{COURT}", inputs) == f"住洛阳市老城区。{COURT}"


def test_a_typed_street_address_is_cut_where_the_county_ends() -> None:
    text = one("被执行人住洛阳市西工区道北路12号3单元，又在九都西路88号开店。", {})
    assert text == "被执行人住洛阳市西工区，又在×××开店。"


def test_longer_values_go_before_shorter_and_none_is_left_half_removed() -> None:
    inputs = {"sensitive": ["6222021234", "6222021234567890123", "567890123ABC"]}
    text = one("账户6222021234567890123ABC，另一账户6222021234。", inputs)
    assert text == "账户×××，另一账户×××。"


def test_a_value_in_a_table_cell_is_removed() -> None:
    doc = Document(
        (KeyValueTable((("身份证号", ID_1, "电话", "13800000000"), ("住址", "道北路12号"))),),
        kind="interview_record",
    )
    public, _ = public_copy(doc, {})
    assert public.blocks == (KeyValueTable((("身份证号", "×××", "电话", "×××"), ("住址", "×××"))),)


def test_case_numbers_dates_and_amounts_are_not_taken_for_numbers() -> None:
    text = (
        "依据本院（2020）豫0302民初3061号民事判决书，被执行人应偿还借款400，000元及利息"
        "（共计1234567.89元），于2020年11月30日申请执行。"
    )
    assert one(text, {}) == text


# --- seals, document shape, review list ---------------------------------------------------------


def test_the_seal_lines_are_removed_entirely() -> None:
    public, redactions = public_copy(ruling(), BASE_INPUTS)
    text = public.text()
    assert "院印" not in text
    assert "本件与原本核对无异" not in text
    assert Signatures(("审判员  张伟", "二〇二四年五月六日", "法官助理  刘晓露")) in public.blocks
    assert not any(isinstance(b, Para) and not b.text for b in public.blocks)
    assert [r.original for r in redactions if r.kind == "seal"] == [
        "（院印）",
        "本件与原本核对无异",
    ]


def test_an_inline_seal_mark_is_removed_and_a_standalone_one_drops_its_block() -> None:
    doc = Document(
        (Signatures(("二〇二四年五月六日（院印）",)), Para("院印"), Spacer()), kind="ruling"
    )
    public, _ = public_copy(doc, {})
    assert public.blocks == (Signatures(("二〇二四年五月六日",)), Spacer())


def test_the_copy_has_the_same_block_types_and_leaves_the_original_alone() -> None:
    doc = ruling("干警备注：王五电话13800000000。")
    before = doc.text()
    public, _ = public_copy(doc, BASE_INPUTS)
    assert doc.text() == before
    assert {type(b) for b in public.blocks} <= {type(b) for b in doc.blocks}
    assert public.kind == doc.kind and public.page_numbers == doc.page_numbers


def test_the_page_footer_is_redacted_too() -> None:
    doc = Document((Para("正文"),), kind="interview_record", page_footer="被约谈人：王五")
    public, _ = public_copy(doc, {"persons": ["王五"]})
    assert public.page_footer == "被约谈人：王某"


def test_the_review_list_names_each_change_once_with_its_label() -> None:
    doc = ruling("干警备注：王五电话13800000000，王五身份证" + ID_1 + "。")
    _, redactions = public_copy(doc, BASE_INPUTS, "current")
    summary = redaction_summary(redactions)
    assert len(summary) == len(set(summary))
    assert ("自然人姓名", "王五", "王某") in summary
    assert ("法人及其他组织名称", "洛阳宏达商贸有限公司", "洛阳某某商贸有限公司") in summary
    assert ("身份证号码", ID_1, "×××") in summary
    assert ("电话号码", "13800000000", "×××") in summary
    assert ("县级以下住址", "洛阳市老城区邙山镇后营村5号", "洛阳市老城区") in summary
    assert ("院印及核对章", "（院印）", "") in summary
    assert sum(1 for r in redactions if r.original == "王五") == 3
    assert all(isinstance(r, Redaction) and r.label for r in redactions)


# --- generated documents -----------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭罗"
COMPOUND = ["欧阳", "司马", "诸葛", "上官", "慕容"]
GIVEN = "秀英敏静丽强磊军洋勇艳杰娟涛超霞平刚桂芳玉兰凤红梅鹏飞浩宇子涵"
MINORITY = [
    ("买买提·吐尔逊", "维吾尔族"),
    ("阿依古丽·买买提", "维吾尔族"),
    ("扎西顿珠", "藏族"),
    ("巴特尔", "蒙古族"),
    ("努尔兰·赛力克", "哈萨克族"),
]
FOREIGN = ["约翰·史密斯", "玛丽亚·冈萨雷斯", "John Smith", "Anna Müller"]
TRADE = ["宏达", "鑫源", "恒丰", "瑞祥", "金穗", "华鼎", "永盛"]
INDUSTRY = ["商贸", "建筑工程", "实业", "科技", "物流", "餐饮管理"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
COUNTIES = ["洛阳市老城区", "洛阳市西工区", "河南省新郑市", "河南省洛阳市嵩县", "洛阳市涧西区"]
TOWNS = ["邙山镇", "城关镇", "龙湖镇", "辛店街道"]
STREETS = ["后营村", "道北路", "中州中路", "九都西路", "凯旋东路", "史家屯村"]
FILLER = [
    "本院在执行过程中依法向被执行人发出执行通知书、报告财产令",
    "通过执行网络查控系统查询",
    "未发现可供执行的财产",
    "干警前往现场调查",
    "申请执行人表示暂无财产线索",
    "被执行人下落不明",
]


def random_id(rng: random.Random) -> str:
    region = rng.choice(["410302", "410303", "410305", "410311", "110105", "650102"])
    birth = f"{rng.randint(1950, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return resident_id(region, birth, f"{rng.randint(0, 999):03d}")


def random_legacy_id(rng: random.Random) -> str:
    return f"410302{rng.randint(50, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + (
        f"{rng.randint(0, 999):03d}"
    )


def random_mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"


def random_landline(rng: random.Random) -> str:
    return f"0379-{rng.randint(2, 9)}{rng.randint(0, 9999999):07d}"


def random_account(rng: random.Random) -> str:
    length = rng.choice([16, 17, 18, 19])
    return "62" + "".join(str(rng.randint(0, 9)) for _ in range(length - 2))


def random_plate(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    if rng.random() < 0.3:
        return f"豫{rng.choice(letters)}{rng.choice('DF')}{rng.randint(0, 99999):05d}"
    tail = "".join(rng.choice(letters + "0123456789") for _ in range(4))
    return f"豫{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randint(1, 9)}{tail}"


def random_address(rng: random.Random) -> str:
    number = f"{rng.randint(1, 200)}号"
    if rng.random() < 0.4:
        number += f"{rng.randint(1, 9)}号楼{rng.randint(1, 4)}单元{rng.randint(101, 1802)}室"
    return rng.choice(COUNTIES) + rng.choice(TOWNS) + rng.choice(STREETS) + number


def spaced(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


@dataclass
class Case:
    persons: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    sensitive: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)

    def inputs(self) -> dict[str, Any]:
        return {
            "persons": self.persons,
            "organisations": self.organisations,
            "sensitive": self.sensitive,
            "keep": KEEP,
        }


def random_person(rng: random.Random, taken: set[str]) -> dict[str, Any]:
    while True:
        roll = rng.random()
        if roll < 0.12:
            name, ethnicity = rng.choice(MINORITY)
            person = {"name": name, "ethnicity": ethnicity, "foreign": False}
        elif roll < 0.2:
            person = {"name": rng.choice(FOREIGN), "ethnicity": "", "foreign": True}
        else:
            surname = rng.choice(COMPOUND) if roll < 0.3 else rng.choice(SURNAMES)
            given = "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
            person = {"name": surname + given, "ethnicity": "汉族", "foreign": False}
        name = person["name"]
        clashes = any(name in other or other in name for other in taken | set(KEEP))
        if not clashes:
            taken.add(name)
            return person


def generated_case(seed: int) -> tuple[Document, Case]:
    rng = random.Random(seed)
    case = Case()
    taken: set[str] = set()
    case.persons = [random_person(rng, taken) for _ in range(rng.randint(2, 5))]
    case.organisations = list(
        {
            rng.choice(["洛阳", "洛阳市", "河南省洛阳市", ""])
            + rng.choice(TRADE)
            + rng.choice(INDUSTRY)
            + rng.choice(FORMS)
            for _ in range(rng.randint(0, 2))
        }
    )
    ids = [random_id(rng) for _ in range(len(case.persons))] + [random_legacy_id(rng)]
    phones = [random_mobile(rng), random_landline(rng)]
    accounts = [random_account(rng) for _ in range(2)]
    plates = [random_plate(rng)]
    case.addresses = [random_address(rng) for _ in range(len(case.persons))]
    certificate = f"豫({rng.randint(2015, 2024)})洛阳市不动产权第{rng.randint(0, 9999999):07d}号"
    case.sensitive = [*ids, *phones, *accounts, *plates, *case.addresses, certificate]

    blocks: list[Any] = [Title(COURT), Heading("执行裁定书"), RightLine("（2024）豫0302执1234号")]
    for person, address, id_number in zip(case.persons, case.addresses, ids, strict=False):
        blocks.append(Para(f"被执行人：{person['name']}，汉族，身份证号{id_number}，住{address}。"))
    for org in case.organisations:
        blocks.append(Para(f"被执行人：{org}，住所地洛阳市。"))
    # what an officer types: values in other spellings, in the middle of sentences
    fragments = [
        f"{rng.choice(case.persons)['name']}的电话{phones[0][:3]} {phones[0][3:7]} {phones[0][7:]}",
        f"固定电话（0379）{phones[1][5:]}",
        f"账户{spaced(accounts[0])}已冻结",
        f"另一账户{accounts[1]}无余额",
        f"身份证{ids[0].lower()}",
        f"旧身份证{ids[-1]}",
        f"车辆{plates[0]}已查封",
        f"房产{certificate}",
        f"前往{case.addresses[0][len(county_level(case.addresses[0])) :]}调查",
        f"其住所{case.addresses[-1]}无人",
        f"联系电话{random_mobile(rng)}",
        f"{rng.choice(case.persons)['name']}称",
    ]
    for _ in range(rng.randint(3, 8)):
        parts = rng.sample(fragments, rng.randint(1, 4)) + rng.sample(FILLER, 2)
        rng.shuffle(parts)
        blocks.append(Para("干警备注：" + "，".join(parts) + "。"))
    blocks.append(
        KeyValueTable(
            (
                ("被执行人", rng.choice(case.persons)["name"], "电话", phones[0]),
                ("账号", accounts[0]),
                ("住址", rng.choice(case.addresses)),
            )
        )
    )
    blocks.append(Para("终结本次执行程序。"))
    blocks.append(Signatures(("审判员  张伟", "二〇二四年五月六日", "（院印）", "书记员  吴楠")))
    blocks.append(Para("本件与原本核对无异"))
    return Document(tuple(blocks), kind="ruling"), case


ID_18 = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
ID_15 = re.compile(r"(?<![0-9])[0-9]{15}(?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}[-)）]?[1-9][0-9]{6,7}(?![0-9])")
ACCOUNT = re.compile(r"(?<![0-9])[0-9]{12,19}(?![0-9])")
STREET = re.compile(r"(?:路|街|村)[0-9]+号")
SCANS = {"ID": ID_18, "legacy ID": ID_15, "mobile": MOBILE, "landline": LANDLINE}


def leaks(text: str, case: Case) -> list[str]:
    """What the scan finds in a publication copy's text: should be nothing."""
    found: list[str] = []
    for label, pattern in {**SCANS, "account": ACCOUNT, "street": STREET}.items():
        found += [f"{label}: {m.group(0)}" for m in pattern.finditer(text)]
    compact = re.sub(r"\s", "", text)
    found += [f"name: {p['name']}" for p in case.persons if re.sub(r"\s", "", p["name"]) in compact]
    for value in case.sensitive:
        if re.sub(r"\s", "", value) in compact:
            found.append(f"value: {value}")
    for address in case.addresses:
        below = address[len(county_level(address)) :]
        if below in compact:
            found.append(f"below county: {below}")
    return found


def test_generated_cases_are_really_generated_with_what_must_be_removed() -> None:
    doc, case = generated_case(1)
    text = doc.text()
    assert leaks(text, case)  # the scan itself finds the originals
    assert ID_18.search(text) and MOBILE.search(text) and ACCOUNT.search(text)


@pytest.mark.parametrize("policy", list(POLICIES))
def test_the_copies_of_many_generated_cases_leak_nothing(policy: str) -> None:
    for seed in range(300):
        doc, case = generated_case(seed)
        public, redactions = public_copy(doc, case.inputs(), policy)
        text = public.text()
        assert leaks(text, case) == [], f"seed {seed}: {text}"
        for name in KEEP:
            if name in doc.text():
                assert name in text, f"seed {seed}: kept name {name} lost"
        assert "（2024）豫0302执1234号" in text
        assert redactions
        if policy == "current":
            assert not any(org in text for org in case.organisations), f"seed {seed}"


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return bundled_fonts()


def test_the_rendered_copies_of_generated_cases_leak_nothing(fonts: FontSet) -> None:
    for seed in range(1000, 1025):
        doc, case = generated_case(seed)
        public, _ = public_copy(doc, case.inputs(), "current" if seed % 2 else "2016")
        reader = PdfReader(io.BytesIO(render_pdf(public, fonts=fonts)))
        text = "\n".join(page.extract_text() for page in reader.pages)
        joined = re.sub(r"\s", "", text)  # lines wrap inside values; join them back
        assert leaks(joined, case) == [], f"seed {seed}: {text}"
        assert "执行裁定书" in joined and "×××" in joined


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("洛阳市老城区邙山镇后营村5号", "洛阳市老城区"),
        ("河南省新郑市龙湖镇某村", "河南省新郑市"),
        ("河南省洛阳市偃师市首阳山镇", "河南省洛阳市偃师市"),
        ("河南省南阳市镇平县城关镇", "河南省南阳市镇平县"),
        ("河南省洛阳市瀍河回族区春都路184号", "河南省洛阳市瀍河回族区"),
        ("北京市朝阳区建国路88号", "北京市朝阳区"),
        ("新疆维吾尔自治区乌鲁木齐市天山区解放北路1号", "新疆维吾尔自治区乌鲁木齐市天山区"),
        ("洛阳市道北路12号", "洛阳市"),
        ("邙山镇后营村5号", ""),
    ],
)
def test_county_level_cuts_after_the_county_unit(address: str, expected: str) -> None:
    assert county_level(address) == expected
