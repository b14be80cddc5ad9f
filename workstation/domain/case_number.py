"""案号: the case number of an enforcement case, e.g. （2021）豫0302执123号.

Source: 《最高人民法院关于人民法院案件案号的若干规定》（法〔2015〕137号, 2016-01-01 施行）
第二、三条: "（" + 收案年度 + "）" + 法院代字 + 类型代字 + 案件编号 + "号"; 第四、五条: 法院代字 is
"最高法", a province abbreviation (内蒙古 "内", 军事法院 "军", 兵团分院 "兵"), plus two digits for
an intermediate court or four for a basic court. 类型代字 for enforcement cases: 《人民法院案件类型
及其代字标准》 codes 1002-1010 (legal reference §3.2). The suffix 之一, 之二 ... marks a second or
later document in the same case (reference §2.2, itself [U]).

Only enforcement kinds parse: this program handles nothing else. The court code is checked for
shape only; whether a court exists is `courts.court_warning`'s business, since the table is
editable and may lag behind reality.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from .dates import chinese_number, parse_chinese_number
from .errors import InvalidCaseNumber

CASE_KINDS: dict[str, str] = {
    "执": "首次执行",
    "执恢": "恢复执行",
    "执保": "财产保全执行",
    "执异": "执行异议",
    "执复": "执行复议",
    "执监": "执行监督",
    "执协": "执行协调",
    "执他": "其他执行",
}

SUPREME_COURT = "最高法"
# 法院代字 of the high courts (法〔2015〕137号 第四条): provinces, 内 for 内蒙古, 军 and 兵.
PROVINCE_CODES = "京津沪渝冀晋内辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川黔云藏陕甘青宁新军兵"

EARLIEST_YEAR = 1949
LATEST_YEAR = 2100
MAX_SERIAL = 9_999_999
MAX_SUFFIX = 99

_COURT_CODE = re.compile(rf"{SUPREME_COURT}|[{PROVINCE_CODES}](?:[0-9]{{2}}|[0-9]{{4}})?")
_OPENING = "([〔【"
_CLOSING = ")]〕】"
_EXAMPLE = "（2021）豫0302执123号"
_ACCEPTED_KINDS = "、".join(f"{kind}（{name}）" for kind, name in CASE_KINDS.items())


def is_court_code(code: str) -> bool:
    """True if `code` has the shape of a 法院代字 (最高法, 豫, 豫03, 豫0302); not that it exists."""
    return _COURT_CODE.fullmatch(code) is not None


@dataclass(frozen=True, order=True)
class CaseNumber:
    """One case number; `str()` is the one canonical spelling, `parse` reads the usual variants."""

    year: int  # 收案年度
    court: str  # 法院代字, e.g. "豫0302"
    kind: str  # 类型代字, e.g. "执", "执恢"
    serial: int  # 案件编号
    suffix: int = 0  # 之一, 之二 ...; 0 for none

    def __post_init__(self) -> None:
        if not EARLIEST_YEAR <= self.year <= LATEST_YEAR:
            raise InvalidCaseNumber(
                f"收案年度{self.year}不在{EARLIEST_YEAR}至{LATEST_YEAR}年之间，请核对案号中的年份"
            )
        if not is_court_code(self.court):
            raise InvalidCaseNumber(
                f"法院代字“{self.court}”格式不对，应为省级简称加两位或四位数字，如“豫03”“豫0302”"
            )
        if self.kind not in CASE_KINDS:
            raise InvalidCaseNumber(
                f"类型代字“{self.kind}”不是执行类案件的代字，只接受：{_ACCEPTED_KINDS}"
            )
        if not 1 <= self.serial <= MAX_SERIAL:
            raise InvalidCaseNumber(
                f"案件编号{self.serial}不对，应为1至{MAX_SERIAL}之间的自然数，请核对案号"
            )
        if not 0 <= self.suffix <= MAX_SUFFIX:
            raise InvalidCaseNumber(
                f"案号后缀“之{self.suffix}”超出范围，只支持之一至之{chinese_number(MAX_SUFFIX)}"
            )

    @classmethod
    def parse(cls, text: str) -> CaseNumber:
        """Read a case number as typed or pasted: （2021）豫0302执123号.

        Accepts half- and full-width parentheses, [2021], 〔2021〕, 【2021】, full-width digits and
        spaces anywhere; the year brackets and the final 号 may be left out. The suffix is 之一 ..
        之九十九 (之1 also reads). Raises InvalidCaseNumber saying which part is wrong.
        """
        compact = _compact(text)
        if not compact:
            raise InvalidCaseNumber(f"案号为空，请填写案号，例如{_EXAMPLE}")
        year, rest = _take_year(compact)
        court, rest = _take_court(rest)
        kind, rest = _take_kind(rest)
        serial, rest = _take_serial(rest)
        suffix = _take_suffix(rest)
        return cls(year, court, kind, serial, suffix)

    def __str__(self) -> str:
        text = f"（{self.year}）{self.court}{self.kind}{self.serial}号"
        if self.suffix:
            text += "之" + chinese_number(self.suffix)
        return text

    @property
    def kind_name(self) -> str:
        """The meaning of the 类型代字: 执恢 -> 恢复执行."""
        return CASE_KINDS[self.kind]

    def with_suffix(self, n: int) -> CaseNumber:
        """The same case with 之n (n = 0 removes the suffix), for a second or later document."""
        return replace(self, suffix=n)


def normalize_fragment(text: str) -> str:
    """A search fragment in the form the case-number search index compares.

    The index stores `normalize_fragment(str(case_number))` and a query matches when
    `normalize_fragment(query)` is a substring of it. Both sides are NFKC-folded (full-width
    digits and parentheses become half-width), casefolded, stripped of all whitespace, and every
    bracket variant ([ 〔 【) becomes ( or ), so that "豫0302执12", "(2021)豫0302" and
    "〔2021〕 豫 0302" all find （2021）豫0302执123号.
    """
    return _compact(text).casefold()


def _compact(text: str) -> str:
    # NFKC's quick check passes most text (Chinese, ASCII) without normalizing it, and brackets
    # are rare while str.translate looks up every character: a case's 300-character search text
    # took 15 microseconds to translate, 1 to search for a bracket.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    folded = "".join(text.split())
    return folded.translate(_BRACKETS) if _BRACKET.search(folded) else folded


_BRACKETS = str.maketrans({**dict.fromkeys(_OPENING, "("), **dict.fromkeys(_CLOSING, ")")})
# the brackets translate changes: all but ( and )
_BRACKET = re.compile(f"[{re.escape(''.join(set(_OPENING + _CLOSING) - set('()')))}]")


def _take_year(text: str) -> tuple[int, str]:
    if text.startswith("("):
        close = text.find(")")
        if close < 0:
            raise InvalidCaseNumber(f"案号中年份的括号没有闭合，应写作如{_EXAMPLE}")
        year_text, rest = text[1:close], text[close + 1 :]
        if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
            raise InvalidCaseNumber(
                f"括号内应为四位数字的收案年度，实际为“{year_text}”，应写作如{_EXAMPLE}"
            )
    else:
        match = re.match(r"[0-9]+", text)
        if match is None:
            raise InvalidCaseNumber(f"案号应以括号内的收案年度开头，例如{_EXAMPLE}")
        year_text, rest = match.group(), text[match.end() :]
        if len(year_text) != 4:
            raise InvalidCaseNumber(
                f"收案年度应为四位数字，实际为“{year_text}”，应写作如{_EXAMPLE}"
            )
    year = int(year_text)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise InvalidCaseNumber(
            f"收案年度{year}不在{EARLIEST_YEAR}至{LATEST_YEAR}年之间，请核对案号中的年份"
        )
    return year, rest


def _take_court(text: str) -> tuple[str, str]:
    if text.startswith(SUPREME_COURT):
        rest = text[len(SUPREME_COURT) :]
        if re.match("[0-9]", rest):
            raise InvalidCaseNumber("最高人民法院的代字“最高法”后面不带数字，请核对案号")
        return SUPREME_COURT, rest
    if not text:
        raise InvalidCaseNumber(f"案号在年份之后缺少法院代字，应写作如{_EXAMPLE}")
    if text[0] not in PROVINCE_CODES:
        raise InvalidCaseNumber(
            f"年份之后应为法院代字（省级简称，如“豫”“豫03”“豫0302”），实际为“{text[0]}”"
        )
    digits = re.match(r"[0-9]*", text[1:]).group()
    after = text[1 + len(digits) :]
    if len(digits) > 4 and (not after or after.startswith("号")):
        raise InvalidCaseNumber(f"法院代字之后缺少类型代字（如“执”“执恢”），应写作如{_EXAMPLE}")
    if len(digits) not in (0, 2, 4):
        raise InvalidCaseNumber(
            f"法院代字“{text[0]}{digits}”的数字部分应为两位（中级法院）或四位（基层法院），"
            f"实际为{len(digits)}位"
        )
    end = 1 + len(digits)
    return text[:end], text[end:]


def _take_kind(text: str) -> tuple[str, str]:
    kind = re.match(r"[^0-9]*", text).group()
    if not kind:
        raise InvalidCaseNumber(f"法院代字之后缺少类型代字（如“执”“执恢”），应写作如{_EXAMPLE}")
    if kind not in CASE_KINDS:
        before_hao = kind.split("号", 1)[0]
        if before_hao in CASE_KINDS:
            raise InvalidCaseNumber(f"案号缺少案件编号（“号”前的数字），应写作如{_EXAMPLE}")
        if not before_hao:
            raise InvalidCaseNumber(f"法院代字之后缺少类型代字（如“执”“执恢”），应写作如{_EXAMPLE}")
        raise InvalidCaseNumber(
            f"类型代字“{before_hao}”不是执行类案件的代字，本程序只接受：{_ACCEPTED_KINDS}"
        )
    return kind, text[len(kind) :]


def _take_serial(text: str) -> tuple[int, str]:
    digits = re.match(r"[0-9]*", text).group()
    if not digits:
        raise InvalidCaseNumber(f"案号缺少案件编号（“号”前的数字），应写作如{_EXAMPLE}")
    serial = int(digits)
    if not 1 <= serial <= MAX_SERIAL:
        raise InvalidCaseNumber(
            f"案件编号“{digits}”不对，应为1至{MAX_SERIAL}之间的自然数，请核对案号"
        )
    return serial, text[len(digits) :]


def _take_suffix(text: str) -> int:
    if text in ("", "号"):
        return 0
    if not text.startswith("号之"):
        raise InvalidCaseNumber(
            f"案号末尾“{text}”无法识别：案件编号之后应为“号”，如有后缀写作“号之一”"
        )
    numeral = text[2:]
    if numeral.isascii() and numeral.isdigit():
        suffix = int(numeral)
    else:
        try:
            suffix = parse_chinese_number(numeral)
        except ValueError:
            raise InvalidCaseNumber(
                f"案号后缀“之{numeral}”无法识别，应写作之一、之二……之十、之十一"
            ) from None
    if not 1 <= suffix <= MAX_SUFFIX:
        raise InvalidCaseNumber(
            f"案号后缀“之{numeral}”超出范围，只支持之一至之{chinese_number(MAX_SUFFIX)}"
        )
    return suffix
