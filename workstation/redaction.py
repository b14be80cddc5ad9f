"""The publication copy of a ruling (上网公开): names hidden, personal information removed.

法释〔2016〕19号 (legal reference §4):
- 第九条: a natural person keeps the surname, the given name becomes 某; ethnic-minority names and
  the Chinese rendering of foreign names keep their first character, the rest becomes 某; an
  English name keeps its first letter; names that collide after this are numbered (王某1, 王某2).
- 第十条: delete home address, phone numbers, ID numbers, bank accounts, plate numbers and
  certificate numbers; where deleting would garble the sentence, "×" stands in for part of it.
- the 2013 technical rules: the address is cut below county level; "（院印）" and
  "本件与原本核对无异" are removed.
Current practice (2026 reply of the SPC's 审管办) also hides the names of legal persons and other
organisations; judges, assistants, clerks and the case number are never hidden.

Pure functions over a `Document`: no Qt, no database. The ruling passes the case's own values
(parties, organisations, the numbers and addresses on file); patterns catch what the officer
typed into free text beyond those.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from workstation.documents.model import (
    Block,
    Document,
    Heading,
    KeyValueTable,
    Para,
    RightLine,
    Signatures,
    Title,
)
from workstation.domain.address import county_level
from workstation.domain.errors import InvalidIdNumber, InvalidPhone
from workstation.domain.identity import CREDIT_ALPHABET, CreditCode, ResidentId
from workstation.domain.phone import parse_phone

POLICIES: dict[str, str] = {
    "2016": "2016年规定（自然人隐名）",
    "current": "现行做法（法人及其他组织名称也隐名）",
}

LABELS: dict[str, str] = {
    "person": "自然人姓名",
    "organisation": "法人及其他组织名称",
    "id_number": "身份证号码",
    "phone": "电话号码",
    "bank_account": "银行账号",
    "plate": "车牌号码",
    "certificate": "权属证书编号",
    "address": "县级以下住址",
    "seal": "院印及核对章",
    "other": "其他不宜公开的信息",
}

# What stands in for a removed value: 第十条 allows "×" in part, and published rulings show ×××.
CROSSES = "×××"


@dataclass(frozen=True)
class Redaction:
    """One change in the publication copy, for the officer to review before export."""

    kind: str  # a key of LABELS
    original: str
    replacement: str
    label: str


def redaction_summary(redactions: Iterable[Redaction]) -> list[tuple[str, str, str]]:
    """(label, original, replacement) once each, in the order they first occur."""
    seen: dict[tuple[str, str, str], None] = {}
    for r in redactions:
        seen.setdefault((r.label, r.original, r.replacement), None)
    return list(seen)


# ---------------------------------------------------------------------------------------------
# Names


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# 复姓: the surname is two characters, the given name the rest (欧阳娜娜 -> 欧阳某).
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    _words(
        """
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 澹台
    公冶 太史 端木 申屠 南宫 独孤 西门 万俟 闻人 赫连 濮阳 呼延 拓跋 百里 东郭 左丘 第五
    司空 单于 公羊 淳于 仲孙 羊舌 微生 梁丘 东门 南门 谷梁 宰父 乐正 漆雕 壤驷 公良 巫马
    亓官 司寇 子车 颛孙 段干 公西 鲜于 闾丘 呼衍 叱干 贺兰 尉缭
    """
    )
)
_NAME_DOTS = "·•・‧∙．."


def anonymised_name(name: str, *, ethnicity: str = "", foreign: bool = False) -> str:
    """A natural person's name as published, before collision numbering (法释〔2016〕19号 第九条).

    王五 -> 王某, 欧阳娜娜 -> 欧阳某; a minority (ethnicity other than 汉族) or foreign name, or
    any name written with a middle dot, keeps its first character: 买买提·吐尔逊 -> 买某;
    a name in Latin letters keeps its first letter: John Smith -> J.
    """
    name = name.strip()
    if not name:
        return name
    if name[0].isascii() and name[0].isalpha():
        return name[0].upper()
    minority = bool(ethnicity.strip()) and ethnicity.strip() != "汉族"
    if minority or foreign or any(dot in name for dot in _NAME_DOTS):
        return name[0] + "某"
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2] + "某"
    return name[0] + "某"


# ---------------------------------------------------------------------------------------------
# Organisations (current practice only)

# Place names an organisation's name may begin with
# (企业名称登记管理规定: 行政区划 + 字号 + 行业 + 组织形式).
PLACES: tuple[str, ...] = _words(
    """
    中国 中华 北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南
    湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门
    洛阳 郑州 开封 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店
    济源 老城 西工 瀍河 涧西 洛龙 偃师 孟津 吉利 新安 栾川 嵩县 汝阳 宜阳 洛宁 伊川 新郑 巩义
    荥阳 登封 新密 中牟 石家庄 太原 沈阳 大连 长春 哈尔滨 南京 苏州 无锡 杭州 宁波 合肥 福州
    厦门 南昌 济南 青岛 武汉 长沙 广州 深圳 珠海 东莞 佛山 南宁 海口 成都 贵阳 昆明 拉萨 西安
    兰州 西宁 银川 乌鲁木齐 呼和浩特
    """
)
_PLACE_UNIT = (
    "(?:"
    + "|".join(sorted(map(re.escape, PLACES), key=len, reverse=True))
    + ")(?:省|市|县|区|自治区)?"
)
# after a known place, a county-level unit with its marker: 洛阳市老城区宏达…
_PLACE_PREFIX = re.compile(
    rf"^(?:{_PLACE_UNIT}){{1,3}}(?:(?![省市县区])[\u4e00-\u9fff]{{1,4}}?(?:县|区))?"
)
# 组织形式, longest first; the first one found ends the trade name and is kept with all after it
# (so a branch keeps 股份有限公司洛阳涧西支行).
ORG_FORMS: tuple[str, ...] = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份合作公司",
    "集团公司",
    "分公司",
    "公司",
    "农民专业合作社",
    "专业合作社",
    "合作社",
    "合伙企业",
    "（普通合伙）",
    "（有限合伙）",
    "律师事务所",
    "会计师事务所",
    "事务所",
    "村民委员会",
    "居民委员会",
    "委员会",
    "研究所",
    "分行",
    "支行",
    "营业部",
    "经营部",
    "商行",
    "中心",
    "医院",
    "学校",
    "协会",
    "厂",
    "店",
)
# 行业: kept between 某某 and the organisational form
# (洛阳宏达商贸有限公司 -> 洛阳某某商贸有限公司); longest first.
INDUSTRIES: tuple[str, ...] = tuple(
    sorted(
        _words(
            """
        商贸 贸易 国际贸易 建筑 建筑工程 建设 建设工程 工程 房地产开发 房地产 置业 实业 科技
        信息技术 网络科技 电子 电子商务 机械 机械设备 汽车销售 汽车服务 汽车 物流 运输 餐饮
        餐饮管理 食品 农业 农业科技 投资 投资管理 文化传媒 传媒 广告 装饰 装饰工程 装饰装修 劳务
        商务 化工 医药 服装 家具 电器 钢铁 矿业 能源 环保 物业管理 物业服务 酒店 酒店管理 旅游
        教育 教育科技 咨询 企业管理 担保 融资担保 小额贷款 银行 农村商业银行 保险 证券 设备 材料
        建材 木业 纺织 印刷 包装 制造 生物 生物科技 种植 养殖 水泥 石油 商业 超市 机电 电力 通信
        软件 医疗器械 药业 药房 五金 农资 面粉 纸业 陶瓷 铝业 耐火材料 新材料 新能源 电气 仪器
        光电 园林 绿化 市政 路桥 水利
        """
        ),
        key=len,
        reverse=True,
    )
)


@dataclass(frozen=True)
class _OrgParts:
    place: str
    trade: str
    industry: str
    form: str


def _org_parts(name: str) -> _OrgParts:
    match = _PLACE_PREFIX.match(name)
    place = match.group(0) if match else ""
    rest = name[len(place) :]
    form_at = -1
    for form in ORG_FORMS:
        at = rest.find(form, 1)  # a trade name comes first, so not at position 0
        if at > 0 and (form_at < 0 or at < form_at):
            form_at = at
    if form_at < 0:
        middle, form = rest, ""
    else:
        middle, form = rest[:form_at], rest[form_at:]
    industry = next((i for i in INDUSTRIES if middle.endswith(i) and len(middle) > len(i)), "")
    return _OrgParts(place, middle[: len(middle) - len(industry)], industry, form)


def anonymised_organisation(name: str, number: str = "") -> str:
    """洛阳宏达商贸有限公司 -> 洛阳某某商贸有限公司: place, industry and form kept, trade name 某某.

    `number` (for colliding names) follows 某某: 洛阳某某1商贸有限公司.
    """
    parts = _org_parts(name.strip())
    return parts.place + "某某" + number + parts.industry + parts.form


# ---------------------------------------------------------------------------------------------
# Patterns for what the officer may have typed

_D = "[0-9０-９]"
_ND_BEFORE = "(?<![0-9０-９])"
_ND_AFTER = "(?![0-9０-９])"
_SEP = r"[ \u3000\-－]"
_ID_PATTERN = re.compile(rf"{_ND_BEFORE}{_D}{{17}}[0-9０-９XxＸｘ]{_ND_AFTER}(?![A-Za-z])")
_DIGIT_RUN = re.compile(rf"{_ND_BEFORE}{_D}{{12,19}}{_ND_AFTER}")
_GROUPED_DIGITS = re.compile(
    rf"{_ND_BEFORE}{_D}{{2,6}}(?:{_SEP}{_D}{{2,6}}){{2,6}}(?:{_SEP}?[XxＸｘ])?{_ND_AFTER}"
)
_MOBILE = re.compile(
    rf"{_ND_BEFORE}(?:(?:\+|＋)?86{_SEP}?)?[1１][3-9３-９]{_D}(?:{_SEP}?{_D}{{4}}){{2}}{_ND_AFTER}"
)
_LANDLINE = re.compile(
    rf"{_ND_BEFORE}(?:[(（]\s*[0０]{_D}{{2,3}}\s*[)）]\s*|[0０]{_D}{{2,3}}{_SEP}?)"
    rf"[1-9１-９]{_D}{{6,7}}(?:(?:[\-－]|转|分机){_D}{{1,6}})?{_ND_AFTER}"
)
_PROVINCE_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
_PLATE = re.compile(
    rf"[{_PROVINCE_ABBREVIATIONS}][A-ZＡ-Ｚ][·•\s]?[A-Z0-9Ａ-Ｚ０-９]{{5,6}}[挂学警港澳]?"
    r"(?![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_CREDIT_CODE = re.compile(
    rf"(?<![0-9A-Za-z])[{CREDIT_ALPHABET}]{{18}}(?![0-9A-Za-z])",
)
# A street or village address with a house number, typed outside the case's own values: the
# name may not run into county-level units or the words that lead up to an address.
_PLACE_NAME_CHAR = (
    r"(?:(?![省市县区旗的在于到往住地至及和与向赴去是为其位处下将对把被从自经已、，。；：])"
    r"[\u4e00-\u9fff])"
)
_HOUSE_NUMBER = rf"(?:{_D}+|[一二三四五六七八九十百零〇]+)(?:[\-－之]{_D}+)?号"
_STREET_ADDRESS = re.compile(
    rf"{_PLACE_NAME_CHAR}{{1,4}}?(?:大街|大道|路|街|巷|胡同|弄)(?:[东西南北中]段)?"
    rf"{_HOUSE_NUMBER}(?:院)?(?:{_D}+(?:号楼|栋|幢|单元|层|楼|室|户))*"
    rf"|{_PLACE_NAME_CHAR}{{1,4}}?(?:村|社区|小区|花园|家园|公寓)"
    rf"(?:{_D}+组)?(?:{_HOUSE_NUMBER})?(?:{_D}+(?:号楼|栋|幢|单元|层|楼|室|户))*"
    rf"(?<=[组号楼栋幢元层室户])"
)
_SEAL_INLINE = re.compile(
    r"[（(【\[]\s*院\s*印\s*[）)】\]]|本\s*件\s*与\s*原\s*本\s*核\s*对\s*无\s*异"
)
_SEAL_LINE = re.compile(r"^\s*院\s*印\s*$")

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９ＸｘＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
    "0123456789XXABCDEFGHIJKLMNOPQRSTUVWXYZ",
)
_FAR_FUTURE = date(9999, 12, 31)


def _compact(text: str) -> str:
    return re.sub(r"[\s\-－()（）+＋·•]", "", text).translate(_FULLWIDTH).upper()


def _is_resident_id(compact: str) -> bool:
    try:
        ResidentId.parse(compact, today=_FAR_FUTURE)
    except InvalidIdNumber:
        return False
    return True


def _is_phone(text: str) -> bool:
    try:
        parse_phone(text.translate(_FULLWIDTH))
    except InvalidPhone:
        return False
    return True


def _number_kind(text: str) -> str | None:
    """What a run of digits is: id_number, phone or bank_account; None if none of them."""
    compact = _compact(text)
    if len(compact) in (15, 18) and _is_resident_id(compact):
        return "id_number"
    if len(compact) == 18 and compact[:17].isdigit() and compact[17] == "X":
        return "id_number"  # a mistyped ID number is still an ID number
    if not compact.isdigit():
        return None
    if 11 <= len(compact) <= 12 and _is_phone(text):
        return "phone"
    if 12 <= len(compact) <= 19:
        return "bank_account"
    return None


def _value_kind(value: str) -> str:
    """What a value the ruling passes in `sensitive` is, for the review list."""
    compact = _compact(value)
    kind = _number_kind(value)
    if kind:
        return kind
    if compact.isdigit() and 7 <= len(compact) <= 12 and _is_phone(value):
        return "phone"
    if _PLATE.fullmatch(value.strip()):
        return "plate"
    if _EMAIL.fullmatch(value.strip()):
        return "other"
    if county_level(value) or _STREET_ADDRESS.search(value):
        return "address"
    if any(c.isdigit() for c in value):
        return "certificate"
    return "other"


# Text is searched in a folded copy of the same length: full-width forms as ASCII, Latin letters
# upper case, every middle dot as "·". Offsets in the copy are offsets in the original.
_FOLD: dict[int, int] = {0xFF01 + i: 0x21 + i for i in range(0x5E)}
_FOLD.update({ord(c): ord(c.upper()) for c in "abcdefghijklmnopqrstuvwxyz"})
_FOLD.update({ord(d): ord("·") for d in _NAME_DOTS})
_FOLD[0x3000] = ord(" ")
# what may sit inside a number as written: 6222 0212 …, 138-0000-0000, (0379)6123…
_NUMBER_SEPARATORS = frozenset(" \t\n-·()")


def _fold(text: str) -> str:
    return text.translate(_FOLD)


def _is_compact_number(value: str) -> bool:
    """True for a value found with its separators ignored: digits and letters, 6 or more."""
    compact = _compact(value)
    return compact.isascii() and compact.isalnum() and len(compact) >= 6


def _find_literal(needle: str, haystack: str) -> Iterator[tuple[int, int]]:
    start = haystack.find(needle)
    while start >= 0:
        yield start, start + len(needle)
        start = haystack.find(needle, start + len(needle))


# ---------------------------------------------------------------------------------------------
# The plan: everything to look for, compiled once per document


@dataclass(frozen=True)
class _Rule:
    needle: str  # folded; for a compact rule, also without separators
    group: str  # "remove", "name" or "keep"
    kind: str
    replacement: str  # for "remove" and "name"; "" means computed from the match
    key: str = ""  # the person or organisation a name rule stands for
    compact: bool = False  # found in the text with number separators ignored
    latin: bool = False  # a Latin-letter name: not part of a longer word


@dataclass
class _Span:
    start: int
    end: int
    rule: _Rule
    original: str
    replacement: str


# the rule a pattern match stands for, one per kind
_PATTERN_RULES: dict[str, _Rule] = {kind: _Rule("", "remove", kind, CROSSES) for kind in LABELS}


class _Plan:
    def __init__(self, inputs: Mapping[str, Any], policy: str) -> None:
        self.policy = policy
        self.rules: list[_Rule] = []
        self.people: dict[str, str] = {}  # name -> replacement before numbering
        self.organisations: dict[str, tuple[str, str]] = {}  # name -> (base, place-less variant)
        self.numbers: dict[str, str] = {}  # name -> collision number, once assigned
        self._read_inputs(inputs)

    def _read_inputs(self, inputs: Mapping[str, Any]) -> None:
        for value in inputs.get("keep", ()) or ():
            if isinstance(value, str) and value.strip():
                self.rules.append(_Rule(_fold(value.strip()), "keep", "keep", ""))
        for person in inputs.get("persons", ()) or ():
            if isinstance(person, str):
                person = {"name": person}
            name = str(person.get("name", "")).strip()
            if len(name) < 2:
                continue  # one character would wipe that character from the whole text
            base = anonymised_name(
                name,
                ethnicity=str(person.get("ethnicity") or ""),
                foreign=bool(person.get("foreign")),
            )
            self.people.setdefault(name, base)
            self.rules.append(_Rule(_fold(name), "name", "person", "", name, latin=name.isascii()))
        if self.policy == "current":
            for org in inputs.get("organisations", ()) or ():
                name = str(org.get("name", "") if isinstance(org, Mapping) else org).strip()
                if len(name) < 2:
                    continue
                parts = _org_parts(name)
                self.organisations.setdefault(name, (anonymised_organisation(name), parts.place))
                self.rules.append(_Rule(_fold(name), "name", "organisation", "", name))
                short = name[len(parts.place) :]
                if parts.place and len(short) >= 4:
                    self.rules.append(_Rule(_fold(short), "name", "organisation", "", name))
        for key, forced in (
            ("sensitive", None),
            ("addresses", "address"),
            ("certificates", "certificate"),
        ):
            for value in inputs.get(key, ()) or ():
                self._add_sensitive(str(value), forced)

    def _add_sensitive(self, value: str, forced: str | None) -> None:
        value = value.strip()
        if not value:
            return
        kind = forced or _value_kind(value)
        if kind == "address":
            county = county_level(value)
            below = value[len(county) :].strip()
            if not below:
                return  # an address at county level is what the ruling may print
            self.rules.append(_Rule(_fold(value), "remove", "address", county or CROSSES))
            self.rules.append(_Rule(_fold(below), "remove", "address", CROSSES))
            return
        if _is_compact_number(value):
            self.rules.append(_Rule(_compact(value), "remove", kind, CROSSES, compact=True))
        else:
            self.rules.append(_Rule(_fold(value), "remove", kind, CROSSES))

    # -- finding ------------------------------------------------------------------------------

    def spans(self, text: str) -> list[_Span]:
        """The non-overlapping changes to make in `text`, in order."""
        folded = _fold(text)
        kept = [i for i, c in enumerate(folded) if c not in _NUMBER_SEPARATORS]
        squeezed = "".join(folded[i] for i in kept)
        removals: list[_Span] = []
        others: list[_Span] = []
        for rule in self.rules:
            if rule.compact:
                found = [
                    (kept[a], kept[b - 1] + 1) for a, b in _find_literal(rule.needle, squeezed)
                ]
            else:
                found = list(_find_literal(rule.needle, folded))
            for start, end in found:
                if rule.latin and not _latin_word(folded, start, end):
                    continue
                target = removals if rule.group == "remove" else others
                target.append(_Span(start, end, rule, text[start:end], rule.replacement))
        removals.extend(self._pattern_removals(text))
        merged = _merge_removals(text, removals)
        chosen: list[_Span] = list(merged)
        # names and kept names: longest first, a kept name wins a tie; never inside a removal
        others.sort(key=lambda s: (-(s.end - s.start), s.rule.group != "keep", s.start))
        for span in others:
            if not any(span.start < c.end and c.start < span.end for c in chosen):
                chosen.append(span)
        return sorted((s for s in chosen if s.rule.group != "keep"), key=lambda s: s.start)

    def _pattern_removals(self, text: str) -> list[_Span]:
        found: list[_Span] = []

        def add(m: re.Match[str], kind: str) -> None:
            found.append(_Span(m.start(), m.end(), _PATTERN_RULES[kind], m.group(0), CROSSES))

        for pattern in (_ID_PATTERN, _DIGIT_RUN, _GROUPED_DIGITS):
            for m in pattern.finditer(text):
                kind = _number_kind(m.group(0))
                if kind:
                    add(m, kind)
        for m in _MOBILE.finditer(text):
            add(m, "phone")
        for m in _LANDLINE.finditer(text):
            add(m, "phone")
        for m in _PLATE.finditer(text):
            add(m, "plate")
        for m in _EMAIL.finditer(text):
            add(m, "other")
        for m in _STREET_ADDRESS.finditer(text):
            add(m, "address")
        if self.policy == "current":
            for m in _CREDIT_CODE.finditer(text):
                code = m.group(0)
                if not code.isdigit() and _is_credit_code(code):
                    add(m, "id_number")
        return found

    # -- replacing ----------------------------------------------------------------------------

    def number_collisions(self, order: Sequence[str]) -> None:
        """Number names that collide after anonymising, by first appearance (then input order)."""
        ranked = list(dict.fromkeys([*order, *self.people, *self.organisations]))
        by_base: dict[str, list[str]] = {}
        for key in ranked:
            if key in self.people:
                by_base.setdefault("p" + self.people[key], []).append(key)
            elif key in self.organisations:
                by_base.setdefault("o" + self.organisations[key][0], []).append(key)
        for keys in by_base.values():
            if len(keys) > 1:
                for n, key in enumerate(keys, start=1):
                    self.numbers[key] = str(n)

    def name_replacement(self, span: _Span) -> str:
        key = span.rule.key
        number = self.numbers.get(key, "")
        if span.rule.kind == "person":
            return self.people[key] + number
        base_place = self.organisations[key][1]
        full = anonymised_organisation(key, number)
        return full if span.original.startswith(base_place) else full[len(base_place) :]

    def apply(self, text: str, out: list[Redaction]) -> str:
        pieces: list[str] = []
        at = 0
        for span in self.spans(text):
            replacement = span.replacement
            if span.rule.group == "name":
                replacement = self.name_replacement(span)
            elif (
                span.rule.kind == "address" and replacement == CROSSES and _after_county(text, span)
            ):
                replacement = ""  # "住洛阳市西工区道北路12号" reads well as "住洛阳市西工区"
            pieces.append(text[at : span.start])
            pieces.append(replacement)
            at = span.end
            if replacement != span.original:
                kind = span.rule.kind
                out.append(Redaction(kind, span.original, replacement, LABELS[kind]))
        pieces.append(text[at:])
        return "".join(pieces)


def _latin_word(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is not part of a longer Latin word."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())


def _after_county(text: str, span: _Span) -> bool:
    """True when the removed address part directly follows a county-level unit."""
    return span.start > 0 and text[span.start - 1] in "县区市旗"


def _is_credit_code(code: str) -> bool:
    try:
        CreditCode.parse(code)
    except InvalidIdNumber:
        return False
    return True


_KIND_RANK = ("id_number", "bank_account", "phone", "plate", "certificate", "address", "other")


def _merge_removals(text: str, spans: list[_Span]) -> list[_Span]:
    """Overlapping removals become one, so no value is left half removed.

    The merged span takes the kind of its longest member (an ID number before an account when
    equally long), and that member's replacement when it covers the whole merged span.
    """
    spans = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    groups: list[list[_Span]] = []
    for span in spans:
        if groups and span.start < max(s.end for s in groups[-1]):
            groups[-1].append(span)
        else:
            groups.append([span])
    merged: list[_Span] = []
    for group in groups:
        start, end = group[0].start, max(s.end for s in group)
        best = min(
            group,
            key=lambda s: (
                -(s.end - s.start),
                s.rule.replacement == CROSSES,  # a case's address keeps its county part
                _KIND_RANK.index(s.rule.kind) if s.rule.kind in _KIND_RANK else len(_KIND_RANK),
            ),
        )
        replacement = best.replacement if (best.start, best.end) == (start, end) else CROSSES
        merged.append(_Span(start, end, best.rule, text[start:end], replacement))
    return merged


# ---------------------------------------------------------------------------------------------
# The document


def _strip_seals(text: str, out: list[Redaction]) -> str | None:
    """Remove 院印 and 本件与原本核对无异; None when nothing but those was on the lines."""
    if not _SEAL_INLINE.search(text) and not any(_SEAL_LINE.match(x) for x in text.split("\n")):
        return text
    kept: list[str] = []
    for line in text.split("\n"):
        if _SEAL_LINE.match(line):
            out.append(Redaction("seal", line.strip(), "", LABELS["seal"]))
            continue
        for m in _SEAL_INLINE.finditer(line):
            out.append(Redaction("seal", m.group(0), "", LABELS["seal"]))
        stripped = _SEAL_INLINE.sub("", line)
        if stripped.strip() or not line.strip():
            kept.append(stripped.rstrip() if stripped != line else line)
    result = "\n".join(kept)
    return result if result.strip() else None


def _texts(block: Block) -> list[str]:
    if isinstance(block, Title | Heading | RightLine):
        return [block.text]
    if isinstance(block, Para):
        return [block.bold_prefix, block.text]
    if isinstance(block, KeyValueTable):
        return [cell for row in block.rows for cell in row]
    if isinstance(block, Signatures):
        return list(block.lines)
    return []


def _redact_block(block: Block, edit: Any) -> Block | None:
    """The block with `edit(text) -> str | None` applied to each of its texts; None to drop it."""
    if isinstance(block, Title | Heading | RightLine):
        text = edit(block.text)
        return None if text is None else replace(block, text=text)
    if isinstance(block, Para):
        text = edit(block.text)
        if text is None:
            return None
        return replace(block, text=text, bold_prefix=edit(block.bold_prefix) or "")
    if isinstance(block, KeyValueTable):
        rows = tuple(tuple(edit(cell) or "" for cell in row) for row in block.rows)
        return replace(block, rows=rows)
    if isinstance(block, Signatures):
        lines = tuple(line for line in (edit(x) for x in block.lines) if line is not None)
        return replace(block, lines=lines) if lines else None
    return block


def public_copy(
    doc: Document, inputs: Mapping[str, Any], policy: str = "2016"
) -> tuple[Document, list[Redaction]]:
    """The copy published online, and every change made, in document order.

    `inputs`: "persons" (dicts with name, ethnicity, foreign; or bare names), "organisations"
    (names), "sensitive" (the case's own ID numbers, phones, accounts, plates, certificate
    numbers and addresses: each removed wherever it occurs, an address down to its county
    part), "keep" (judges, assistant, clerk and the court's name: never changed). Optional
    "addresses" and "certificates" are values of known kind. `policy` is a key of POLICIES.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown publication policy {policy!r}; one of {', '.join(POLICIES)}")
    plan = _Plan(inputs, policy)
    order: list[str] = []
    for text in [t for b in doc.blocks for t in _texts(b)] + [doc.page_footer]:
        for span in plan.spans(text):
            if span.rule.group == "name":
                order.append(span.rule.key)
    plan.number_collisions(order)

    redactions: list[Redaction] = []

    def edit(text: str) -> str | None:
        stripped = _strip_seals(text, redactions)
        if stripped is None:
            return None
        return plan.apply(stripped, redactions)

    blocks = [b for b in (_redact_block(block, edit) for block in doc.blocks) if b is not None]
    footer = edit(doc.page_footer) or ""
    public = Document(tuple(blocks), doc.kind, page_footer=footer, page_numbers=doc.page_numbers)
    return public, redactions
