"""Telephone numbers of parties: mainland mobiles and landlines.

Numbering plan (工业和信息化部《电信网编号计划》): mobiles are 11 digits starting 13-19; a
landline is a trunk prefix 0 plus an area code, 3 digits for 010 (Beijing) and 02x, 4 digits for
03xx-09xx (0379 Luoyang; 010 is the only 01x), then a 7- or 8-digit local number. Knowing that
rule lets an undashed 037912345678 be split the one right way.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidPhone

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_COUNTRY_PREFIXES = ("+86", "0086", "86")
_EXAMPLES = "手机号如13812345678，固定电话如0379-12345678"


def parse_phone(text: str) -> str:
    """Read a phone number; return 13812345678 for a mobile, 0379-12345678(-123) for a landline.

    Mobiles may carry +86, spaces and dashes. Landlines may be written 0379-12345678,
    (0379)12345678, 0379 12345678 or 037912345678, with an extension after -, 转 or 分机.
    """
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    if not compact:
        raise InvalidPhone(f"电话号码为空，请填写，{_EXAMPLES}")
    shown = text.strip()
    digits_only = compact.replace("-", "")
    for prefix in _COUNTRY_PREFIXES:
        rest = digits_only.removeprefix(prefix)
        if rest != digits_only and _MOBILE.fullmatch(rest):
            return rest
    if _MOBILE.fullmatch(digits_only):
        return digits_only
    if re.fullmatch(r"1[0-9]{10}", digits_only):
        raise InvalidPhone(f"手机号“{shown}”第二位应为3至9，请核对号码")
    if digits_only.isascii() and digits_only.isdigit():
        if digits_only.startswith("1") and len(digits_only) in (10, 12):
            raise InvalidPhone(
                f"手机号“{shown}”应为11位，实际为{len(digits_only)}位，请核对是否多输或漏输"
            )
        if not digits_only.startswith("0") and len(digits_only) in (7, 8):
            raise InvalidPhone(f"固定电话“{shown}”缺少区号，请加上区号，写作如0379-{digits_only}")
    return _parse_landline(text, shown)


def _parse_landline(text: str, shown: str) -> str:
    # every separator becomes one "-": "(0379) 12345678 转 12" -> "0379-12345678-12"
    unified = unicodedata.normalize("NFKC", text).strip()
    unified = re.sub(r"分机|转|ext\.?|x", "-", unified, flags=re.IGNORECASE)
    unified = re.sub(r"[\s()\-]+", "-", unified).strip("-")
    if not re.fullmatch(r"[0-9]+(?:-[0-9]+)*", unified):
        raise InvalidPhone(f"电话号码“{shown}”含有无法识别的字符，{_EXAMPLES}")
    parts = unified.split("-")
    if not parts[0].startswith("0"):
        raise InvalidPhone(
            f"电话号码“{shown}”既不是手机号（11位，以1开头），也不是带区号的固定电话"
            f"（区号以0开头），{_EXAMPLES}"
        )
    if len(parts) > 3:
        raise InvalidPhone(f"电话号码“{shown}”分段太多，固定电话应写作区号-号码-分机，{_EXAMPLES}")
    first = parts[0]
    area_length = 3 if first.startswith(("010", "02")) else 4
    if len(first) >= area_length + 7:  # area code and number written together
        parts = [first[:area_length], first[area_length:], *parts[1:]]
    if len(parts) > 3:
        raise InvalidPhone(f"电话号码“{shown}”分段太多，固定电话应写作区号-号码-分机，{_EXAMPLES}")
    area = parts[0]
    if len(area) != area_length or (area.startswith("01") and area != "010"):
        raise InvalidPhone(
            f"区号“{area}”不对：区号为010、02X（3位）或03XX至09XX（4位，如0379），请核对"
        )
    if len(parts) == 1:
        raise InvalidPhone(f"电话号码“{shown}”只有区号，缺少号码，{_EXAMPLES}")
    local = parts[1]
    if not re.fullmatch(r"[1-9][0-9]{6,7}", local):
        raise InvalidPhone(f"固定电话号码“{local}”应为7或8位且不以0开头，请核对，{_EXAMPLES}")
    canonical = f"{area}-{local}"
    if len(parts) == 3:
        extension = parts[2]
        if not 1 <= len(extension) <= 6:
            raise InvalidPhone(f"分机号“{extension}”应为1至6位数字，请核对")
        canonical += f"-{extension}"
    return canonical
