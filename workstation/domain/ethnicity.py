"""民族: the 56 ethnic groups, for the party paragraph of a ruling ("女，汉族，1982年5月24日出生").

Source: GB/T 3304-1991《中国各民族名称的罗马字母拼写法和代码》, codes 01-56 in this order;
codes 97 其他 and 98 外国血统中国籍人士 (naturalised citizens of foreign descent) are also valid.
"""

from __future__ import annotations

import unicodedata

ETHNICITIES: tuple[str, ...] = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族",
    "布依族", "朝鲜族", "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族",
    "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族",
    "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族",
    "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族",
    "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)  # fmt: skip

OTHER_ETHNICITIES: tuple[str, ...] = ("其他", "外国血统中国籍人士")


def is_ethnicity(name: str) -> bool:
    """True for one of the 56 groups by full name ("汉族", not "汉"), 其他 or 外国血统中国籍人士."""
    name = "".join(unicodedata.normalize("NFKC", name).split())
    return name in ETHNICITIES or name in OTHER_ETHNICITIES
