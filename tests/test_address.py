"""county_level: a residence printed only to its county-level unit (reference §2.2, §4)."""

import pytest

from workstation.domain.address import county_level


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        # province, prefecture-level city, district
        ("河南省洛阳市涧西区长安路12号3号楼2单元501室", "河南省洛阳市涧西区"),
        ("河南省洛阳市西工区王城大道100号", "河南省洛阳市西工区"),
        # county-level city under the province as written (reference §2.2: 住河南省新郑市)
        ("河南省新郑市梨河镇某村3组", "河南省新郑市"),
        ("新郑市梨河镇", "新郑市"),
        # county
        ("河南省镇平县城关镇解放路8号", "河南省镇平县"),
        ("湖南省永州市道县濂溪街道", "湖南省永州市道县"),
        # municipalities: the district follows directly
        ("北京市朝阳区建国路88号院3号楼", "北京市朝阳区"),
        ("上海市浦东新区世纪大道100号", "上海市浦东新区"),
        ("重庆市石柱土家族自治县南宾街道", "重庆市石柱土家族自治县"),
        # autonomous regions, prefectures, leagues, banners
        ("新疆维吾尔自治区乌鲁木齐市天山区解放北路1号", "新疆维吾尔自治区乌鲁木齐市天山区"),
        ("广西壮族自治区南宁市青秀区民族大道", "广西壮族自治区南宁市青秀区"),
        ("西藏自治区阿里地区噶尔县狮泉河镇", "西藏自治区阿里地区噶尔县"),
        ("内蒙古自治区锡林郭勒盟锡林浩特市", "内蒙古自治区锡林郭勒盟锡林浩特市"),
        (
            "内蒙古自治区呼伦贝尔市鄂温克族自治旗巴彦托海镇",
            "内蒙古自治区呼伦贝尔市鄂温克族自治旗",
        ),
        # autonomous prefecture with a county-level city
        ("吉林省延边朝鲜族自治州延吉市光明街", "吉林省延边朝鲜族自治州延吉市"),
        ("湖北省恩施土家族苗族自治州恩施市舞阳大道", "湖北省恩施土家族苗族自治州恩施市"),
        # forest district and special district
        ("湖北省神农架林区松柏镇", "湖北省神农架林区"),
        ("贵州省六盘水市六枝特区平寨镇", "贵州省六盘水市六枝特区"),
        # county under the province directly
        ("海南省琼中黎族苗族自治县营根镇市场路", "海南省琼中黎族苗族自治县"),
        # functional zones read as county level
        ("河南省郑州航空港经济综合实验区新港大道", "河南省郑州航空港经济综合实验区"),
        ("洛阳市高新技术产业开发区丰华路", "洛阳市高新技术产业开发区"),
        # district names that start with 路/道
        ("黑龙江省哈尔滨市道里区中央大街", "黑龙江省哈尔滨市道里区"),
        # no province written
        ("洛阳市西工区王城大道与市场街交叉口", "洛阳市西工区"),
        ("西工区王城大道", "西工区"),
    ],
)
def test_the_address_is_cut_after_its_county(address, kept):
    assert county_level(address) == kept


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        # no county-level unit: only the levels above it, never a street or township
        ("广东省东莞市长安镇振安路1号", "广东省东莞市"),
        ("河南省洛阳市中州中路100号", "河南省洛阳市"),
        ("河南省洛阳市", "河南省洛阳市"),
        # nothing recognisable at the start: nothing is safe to print
        ("某村3组", ""),
        ("河南天明律师事务所", ""),
        ("", ""),
    ],
)
def test_without_a_county_only_what_is_safe_is_kept(address, kept):
    assert county_level(address) == kept


@pytest.mark.parametrize(
    "address",
    [
        "山东省济南市市中区经四路100号",  # a district named 市中
        "河北省唐山市路北区建设路5号",  # a district named 路北
        "河南省洛阳市老城区邙山镇某村5号",
        "北京市海淀区中关村大街1号",
    ],
)
def test_whatever_is_kept_is_a_prefix_and_holds_nothing_below_the_county(address):
    kept = county_level(address)
    assert kept and address.startswith(kept)
    below = address[len(kept) :]
    assert any(ch.isdigit() for ch in below)  # the house number is never kept
    assert not any(word in kept for word in ("镇", "村", "大街", "号", "经四路", "建设路"))
