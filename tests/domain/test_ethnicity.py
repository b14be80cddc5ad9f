import pytest

from workstation.domain.ethnicity import ETHNICITIES, OTHER_ETHNICITIES, is_ethnicity


def test_there_are_fifty_six_distinct_groups():
    assert len(ETHNICITIES) == 56
    assert len(set(ETHNICITIES)) == 56


def test_official_order_starts_with_han_and_ends_with_jino():
    assert ETHNICITIES[:5] == ("汉族", "蒙古族", "回族", "藏族", "维吾尔族")
    assert ETHNICITIES[-1] == "基诺族"


@pytest.mark.parametrize(("code", "name"), [(10, "朝鲜族"), (22, "畲族"), (38, "锡伯族"),
                                             (44, "俄罗斯族"), (49, "京族"), (50, "塔塔尔族"),
                                             (55, "珞巴族")])  # fmt: skip
def test_position_matches_the_gb_3304_code(code, name):
    assert ETHNICITIES[code - 1] == name


def test_every_name_ends_with_zu():
    assert all(name.endswith("族") for name in ETHNICITIES)


@pytest.mark.parametrize("name", ["汉族", "回族", "基诺族", " 满族 ", *OTHER_ETHNICITIES])
def test_listed_names_are_accepted(name):
    assert is_ethnicity(name)


@pytest.mark.parametrize("name", ["汉", "Han", "", "汉族人", "穿青人", "犹太族"])
def test_unlisted_names_are_refused(name):
    assert not is_ethnicity(name)
