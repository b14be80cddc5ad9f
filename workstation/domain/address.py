"""Addresses of parties: the part a ruling prints and a published copy keeps.

A ruling gives a natural person's residence only to county level ("住河南省新郑市", legal
reference §2.2), and the publication rules delete the address below county level (2013
《裁判文书格式要求及技术处理规范》; 法释〔2016〕19号 第十条, legal reference §4). County level
means 县, 县级市, 市辖区, 旗 (直辖市: the 区).
"""

from __future__ import annotations

import re

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

# A unit's own name may not contain another unit's marker or a below-county word, so that
# "洛阳市道北路12号" stops at 洛阳市 instead of reading 道北路12号 as a county;
# 镇/乡/道 may begin a name (镇平县, 乡宁县, 道县) but not follow its first character.
_NAME = (
    r"(?:(?![省市县区旗路街巷号村组楼室])[\u4e00-\u9fff])"
    r"(?:(?![省市县区旗路街道巷号镇乡村组楼室])[\u4e00-\u9fff]){0,11}?"
)
_PROVINCE = rf"(?:{_NAME}(?:省|自治区|特别行政区))"
_CITY = rf"(?:{_NAME}(?:市|自治州|地区|盟))"
_COUNTY = rf"(?:{_NAME}(?:自治县|自治旗|县|区|市|旗|林区|特区))"
_LEVELS = re.compile(
    rf"^\s*(?:{'|'.join(MUNICIPALITIES)}|{_PROVINCE})?\s*{_CITY}?\s*{_COUNTY}?",
)
_TRAILING_MARKER = re.compile(r"(?:省|自治区|特别行政区|市|自治州|地区|盟|自治县|自治旗|县|区|旗)$")


def county_level(address: str) -> str:
    """The address cut after its county-level unit: 洛阳市老城区邙山镇某村5号 -> 洛阳市老城区.

    Reads at most province (or 直辖市), city and county from the start; what follows is below
    county level and dropped. An address with no administrative unit at its start gives "".
    A 县级市 read as the city ("河南省新郑市龙湖镇") is kept, since nothing county-like follows.
    """
    match = _LEVELS.match(address)
    kept = match.group(0).strip() if match else ""
    if not _TRAILING_MARKER.search(kept):
        return ""
    return kept
