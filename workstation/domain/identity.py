"""Identity numbers of parties: 居民身份证号 for people, 统一社会信用代码 for organisations.

Sources:
- GB 11643-1999《公民身份号码》: 6-digit address code, 8-digit birth date, 3-digit sequence
  (odd for men, even for women), and a check character by ISO 7064 MOD 11-2 (X stands for 10).
  The legacy 15-digit number (before 1999) has a 2-digit birth year (19yy) and no check digit.
- GB 32100-2015《法人和其他组织统一社会信用代码编码规则》: 18 characters from a 31-character
  alphabet (no I, O, S, V, Z), positions 3-8 the registering authority's region code, and a
  check character by the weighted sum modulo 31.

Publication strips identity numbers entirely (法释〔2016〕19号 第十条, legal reference §4);
`ResidentId.masked()` is only for keeping a number off a screen someone else can see.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from .errors import InvalidIdNumber

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"  # index = weighted sum mod 11

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# First two digits of the address code: provinces (GB/T 2260), plus 71 台湾 and 81/82/83 for
# the residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证).
PROVINCE_PREFIXES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
        "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
        "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
    }
)  # fmt: skip
EARLIEST_BIRTH = date(1900, 1, 1)


def check_digit(first17: str) -> str:
    """The 18th character of a resident ID: ISO 7064 MOD 11-2 over the first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"check_digit needs 17 ASCII digits, got {first17!r}")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def credit_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015 §5)."""
    if len(first17) != 17 or any(c not in CREDIT_ALPHABET for c in first17):
        raise ValueError(
            f"credit_check_char needs 17 characters of {CREDIT_ALPHABET}, got {first17!r}"
        )
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _decode_resident(number: str) -> tuple[date, str, str]:
    """(birth date, sex, region) from a resident ID of the right shape; raises InvalidIdNumber."""
    if number[:2] not in PROVINCE_PREFIXES:
        raise InvalidIdNumber(f"身份证号前两位“{number[:2]}”不是有效的省级行政区划代码，请核对号码")
    if len(number) == 18:
        birth_text, sequence_digit = number[6:14], number[16]
    else:
        birth_text, sequence_digit = "19" + number[6:12], number[14]
    year, month, day = int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:8])
    try:
        birth = date(year, month, day)
    except ValueError:
        raise InvalidIdNumber(
            f"身份证号中的出生日期“{birth_text}”不存在（{year}年{month}月{day}日），请核对号码"
        ) from None
    if birth < EARLIEST_BIRTH:
        raise InvalidIdNumber(f"身份证号中的出生日期“{birth_text}”早于1900年，请核对号码")
    sex = "男" if int(sequence_digit) % 2 else "女"
    return birth, sex, number[:6]


@dataclass(frozen=True)
class ResidentId:
    """A 居民身份证号 (GB 11643-1999); `str()` is the number with an uppercase X."""

    number: str
    birth_date: date
    sex: str  # "男" or "女", from the parity of the sequence code
    region: str  # 6-digit address code (行政区划代码) at the time of issue

    def __post_init__(self) -> None:
        # the fields are read from the number; a mismatch means the caller built it by hand wrongly
        _check_resident_shape(self.number)
        if _decode_resident(self.number) != (self.birth_date, self.sex, self.region):
            raise InvalidIdNumber(f"身份证号{self.number}与所给出生日期、性别或地区不一致")

    @classmethod
    def parse(cls, text: str, *, today: date | None = None) -> ResidentId:
        """Read an 18-digit (or legacy 15-digit) resident ID; spaces and a lowercase x are fine.

        Checks the province code, that the birth date exists, is not before 1900 and not after
        `today` (default: the real today), and the check character.
        """
        number = _compact(text)
        _check_resident_shape(number)
        birth, sex, region = _decode_resident(number)
        if birth > (today or date.today()):
            raise InvalidIdNumber(
                f"身份证号中的出生日期{birth.year}年{birth.month}月{birth.day}日晚于今天，请核对号码"
            )
        return cls(number, birth, sex, region)

    def __str__(self) -> str:
        return self.number

    @property
    def is_legacy(self) -> bool:
        """True for a 15-digit number issued before GB 11643-1999."""
        return len(self.number) == 15

    def to_18(self) -> ResidentId:
        """The 18-digit form of a legacy number (19 inserted before the year, check digit added)."""
        if not self.is_legacy:
            return self
        first17 = self.number[:6] + "19" + self.number[6:]
        return ResidentId(first17 + check_digit(first17), self.birth_date, self.sex, self.region)

    def masked(self) -> str:
        """For screens only: 110105********002X (first 6, last 4). Publication removes it whole."""
        return self.number[:6] + "*" * (len(self.number) - 10) + self.number[-4:]


def _check_resident_shape(number: str) -> None:
    if not number:
        raise InvalidIdNumber("身份证号为空，请填写18位身份证号")
    if len(number) not in (15, 18):
        raise InvalidIdNumber(
            f"身份证号应为18位（旧式为15位），实际为{len(number)}位，请核对是否多输或漏输"
        )
    digits_part = number[:17] if len(number) == 18 else number
    for position, char in enumerate(digits_part, start=1):
        if not _is_digits(char):
            raise InvalidIdNumber(f"身份证号第{position}位“{char}”不是数字，请核对号码")
    if len(number) == 18:
        actual = number[17]
        if actual != "X" and not _is_digits(actual):
            raise InvalidIdNumber(f"身份证号最后一位“{actual}”只能是数字或X，请核对号码")
        expected = check_digit(number[:17])
        if actual != expected:
            raise InvalidIdNumber(
                f"身份证号校验位错误：按前17位应为{expected}，实际为{actual}，请核对号码"
            )


@dataclass(frozen=True)
class CreditCode:
    """An organisation's 统一社会信用代码 (GB 32100-2015); `str()` is the uppercase code."""

    code: str

    def __post_init__(self) -> None:
        _check_credit_code(self.code)

    @classmethod
    def parse(cls, text: str) -> CreditCode:
        """Read an 18-character code; spaces and lowercase letters are fine."""
        return cls(_compact(text))

    def __str__(self) -> str:
        return self.code

    @property
    def region(self) -> str:
        """Positions 3-8: the registering authority's administrative division code."""
        return self.code[2:8]


def _check_credit_code(code: str) -> None:
    if not code:
        raise InvalidIdNumber("统一社会信用代码为空，请填写18位代码")
    if len(code) != 18:
        raise InvalidIdNumber(
            f"统一社会信用代码应为18位，实际为{len(code)}位，请核对是否多输或漏输"
        )
    for position, char in enumerate(code, start=1):
        if char not in CREDIT_ALPHABET:
            hint = "（代码中不使用字母I、O、S、V、Z）" if char in "IOSVZ" else ""
            raise InvalidIdNumber(
                f"统一社会信用代码第{position}位“{char}”不是有效字符{hint}，请核对代码"
            )
    if not _is_digits(code[2:8]):
        raise InvalidIdNumber(
            f"统一社会信用代码第3至8位“{code[2:8]}”应为行政区划代码（数字），请核对代码"
        )
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        raise InvalidIdNumber(
            f"统一社会信用代码校验位错误：按前17位应为{expected}，实际为{code[17]}，请核对代码"
        )


def parse_identity(text: str, *, today: date | None = None) -> ResidentId | CreditCode:
    """A party's identity number, told apart by shape.

    15 digits, or 17 digits and a digit or X, is read as a resident ID first. If that fails, it is
    tried as a credit code only when it does not look like a mistyped resident ID (a province
    code followed, at positions 7-10, by a birth year 19xx or 20xx): otherwise one typo in 31
    would pass as some organisation's code. Such an all-digit credit code (rare: its region code
    ends in 19 or 20) is refused here with a hint; `CreditCode.parse` reads it. An all-digit
    credit code that is also a valid resident ID reads as the resident ID. A form that knows
    whether the party is a person or an organisation should call the specific parser.
    """
    compact = _compact(text)
    if not compact:
        raise InvalidIdNumber("证件号码为空，请填写身份证号或统一社会信用代码")
    looks_resident = _is_digits(compact) and len(compact) == 15
    looks_resident = looks_resident or (
        len(compact) == 18
        and _is_digits(compact[:17])
        and (compact[17] == "X" or _is_digits(compact[17]))
    )
    if looks_resident:
        try:
            return ResidentId.parse(compact, today=today)
        except InvalidIdNumber as resident_error:
            if len(compact) == 18 and not _looks_like_mistyped_resident_id(compact):
                try:
                    return CreditCode.parse(compact)
                except InvalidIdNumber as credit_error:
                    raise InvalidIdNumber(
                        f"“{compact}”既不是有效的身份证号（{resident_error.message}），"
                        f"也不是有效的统一社会信用代码（{credit_error.message}）"
                    ) from None
            if len(compact) == 18 and _is_credit_code(compact):
                raise InvalidIdNumber(
                    f"{resident_error.message}；如果这是单位的统一社会信用代码，"
                    "请按单位（统一社会信用代码）填写"
                ) from None
            raise resident_error from None
    if len(compact) == 18:
        return CreditCode.parse(compact)
    raise InvalidIdNumber(
        f"无法识别证件号码“{text.strip()}”：身份证号为18位（旧式15位）数字，最后一位可为X；"
        f"统一社会信用代码为18位数字和大写字母；实际为{len(compact)}位"
    )


def _is_credit_code(compact: str) -> bool:
    try:
        _check_credit_code(compact)
    except InvalidIdNumber:
        return False
    return True


def _looks_like_mistyped_resident_id(compact: str) -> bool:
    return compact[:2] in PROVINCE_PREFIXES and compact[6:8] in ("19", "20")
