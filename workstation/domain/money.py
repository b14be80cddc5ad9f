"""Money: always whole fen (分) in an int, never a float.

Amounts are read with Decimal so that 0.1 + 0.2 never becomes 0.30000000000000004 fen. The
spelling in a ruling's body follows the Henan example in legal reference §2.2 and §2.4
("偿还借款400，000元"): Arabic digits, full-width comma for thousands.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, localcontext

from .errors import InvalidMoney

FEN_PER_YUAN = 100
MAX_YUAN = 10**13  # 10万亿元: more than any judgment; a bigger amount is a typing slip
MAX_FEN = MAX_YUAN * FEN_PER_YUAN

_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_GROUPED_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_PREFIXES = ("人民币", "¥", "RMB", "CNY")
_EXAMPLES = "如400000、400,000.50、40万、4.5万元"


def parse_money(text: str) -> int:
    """Read an amount of yuan as officers type it and return whole fen.

    Accepts 400000, 400,000.50, 400，000, 40万, 4.5万元, ¥1,234.5, ￥1234, 人民币1234元, 0.01,
    full-width digits and spaces. Rejects negatives, fractions of a fen (more than two decimals
    after 万 scaling: 1.234567万 is 12345.67元 and reads; 1.2345678万 does not), misplaced commas
    and amounts above 10万亿元.
    """
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    if not compact:
        raise InvalidMoney(f"金额为空，请填写金额，{_EXAMPLES}")
    shown = text.strip()
    number = compact
    for prefix in _PREFIXES:
        if number.upper().startswith(prefix):
            number = number[len(prefix) :]
            break
    if number.startswith(("-", "−", "負", "负")):
        raise InvalidMoney(f"金额“{shown}”是负数，金额不能为负，请填写正数")
    if number.endswith("元"):
        number = number[:-1]
    scale = 1
    if number.endswith("万"):
        number, scale = number[:-1], 10_000
    _check_number_shape(number, shown)
    digits = number.replace(",", "")
    # Decimal(str) is exact; the context must be wide enough that ×10000 and ×100 stay exact too
    with localcontext() as context:
        context.prec = len(digits) + 10
        yuan = Decimal(digits) * scale
        fen = yuan * FEN_PER_YUAN
        if fen != fen.to_integral_value():
            raise InvalidMoney(
                f"金额“{shown}”即{_plain(yuan)}元，精确到分以下了；金额最多保留两位小数（分），"
                "请核对"
            )
    if yuan > MAX_YUAN:
        raise InvalidMoney(f"金额“{shown}”超过上限{MAX_YUAN:,}元（10万亿元），请核对是否多输了位数")
    return int(fen)


def _check_number_shape(number: str, shown: str) -> None:
    if _PLAIN_NUMBER.fullmatch(number) or _GROUPED_NUMBER.fullmatch(number):
        return
    if not number:
        raise InvalidMoney(f"金额“{shown}”中没有数字，请填写金额，{_EXAMPLES}")
    if not re.fullmatch(r"[0-9.,]+", number):
        raise InvalidMoney(
            f"金额“{shown}”含有无法识别的字符，只能写数字、千分位逗号、小数点和“万”“元”，{_EXAMPLES}"
        )
    if number.count(".") > 1:
        raise InvalidMoney(f"金额“{shown}”有多个小数点，请只保留一个")
    if number.startswith(".") or number.endswith("."):
        raise InvalidMoney(f"金额“{shown}”的小数点前后都应有数字，如0.50")
    raise InvalidMoney(
        f"金额“{shown}”的千分位逗号位置不对：逗号应每三位一个，如1,234,567.89；也可以不写逗号"
    )


def _plain(yuan: Decimal) -> str:
    return format(yuan.normalize(), "f")


def _check_fen(fen: int) -> None:
    # bool is an int; a float here is the bug this module exists to prevent
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"money is whole fen as int, got {type(fen).__name__}: {fen!r}")


def format_yuan(fen: int) -> str:
    """Yuan with thousands commas and two decimals, no unit: 400,000.00 (for tables)."""
    _check_fen(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{yuan:,}.{cents:02d}"


def format_money(fen: int) -> str:
    """The on-screen spelling: 400,000.00元. `parse_money` reads it back to the same fen."""
    return format_yuan(fen) + "元"


def format_ruling_amount(fen: int) -> str:
    """The spelling in a ruling's body: 400，000元, 400，000.50元 (reference §2.2, §2.4).

    Full-width comma for thousands; decimals only when there are jiao or fen.
    """
    _check_fen(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    text = f"{yuan:,}".replace(",", "，")
    if cents:
        text += f".{cents:02d}"
    return f"{sign}{text}元"
