import re
import tomllib

import pytest

from workstation.domain.case_number import CaseNumber
from workstation.domain.courts import Court, CourtTable, court_warning, load_courts
from workstation.domain.errors import InvalidValue
from workstation.resources import resource

LUOYANG_BASIC = {
    "豫0302": "河南省洛阳市老城区人民法院",
    "豫0303": "河南省洛阳市西工区人民法院",
    "豫0304": "河南省洛阳市瀍河回族区人民法院",
    "豫0305": "河南省洛阳市涧西区人民法院",
    "豫0306": "河南省洛阳市吉利区人民法院",
    "豫0311": "河南省洛阳市洛龙区人民法院",
    "豫0322": "河南省孟津县人民法院",
    "豫0323": "河南省新安县人民法院",
    "豫0324": "河南省栾川县人民法院",
    "豫0325": "河南省嵩县人民法院",
    "豫0326": "河南省汝阳县人民法院",
    "豫0327": "河南省宜阳县人民法院",
    "豫0328": "河南省洛宁县人民法院",
    "豫0329": "河南省伊川县人民法院",
    "豫0381": "河南省偃师市人民法院",
    "豫0391": "河南省洛阳高新技术产业开发区人民法院",
}

GOOD_ENTRY = """
[[court]]
code = "豫"
name = "河南省高级人民法院"
level = "high"
confirmed = true
"""


@pytest.fixture(scope="module")
def table() -> CourtTable:
    return load_courts()


def write(tmp_path, text: str):
    path = tmp_path / "courts.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the bundled table --------------------------------------------------------------------


def test_bundled_table_is_the_default(table):
    assert [c.code for c in load_courts(resource("courts.toml")).all()] == [
        c.code for c in table.all()
    ]


def test_luoyang_intermediate_court_has_exactly_the_sixteen_basic_courts(table):
    children = table.children("豫03")
    assert {c.code: c.name for c in children} == LUOYANG_BASIC
    assert all(c.level == "basic" and c.parent == "豫03" for c in children)


def test_only_the_codes_confirmed_in_the_reference_are_marked_confirmed(table):
    assert {c.code for c in table.all() if c.confirmed} == {"豫", "豫03", "豫0302"}


def test_high_and_intermediate_courts_have_their_levels_and_parents(table):
    assert table.get("豫") == Court("豫", "河南省高级人民法院", "high", None, True)
    luoyang = table.get("豫03")
    assert (luoyang.name, luoyang.level, luoyang.parent) == (
        "河南省洛阳市中级人民法院",
        "intermediate",
        "豫",
    )


def test_zhengzhou_airport_court_from_the_published_ruling_is_listed_unconfirmed(table):
    airport = table.get("豫0192")
    assert airport.name == "河南省郑州航空港经济综合实验区人民法院"
    assert airport.parent == "豫01" and not airport.confirmed
    assert table.get("豫01").name == "河南省郑州市中级人民法院"
    assert not table.get("豫01").confirmed


def test_every_bundled_court_code_reads_in_a_case_number(table):
    for court in table.all():
        assert CaseNumber.parse(f"（2021）{court.code}执1号").court == court.code


def test_unknown_code_is_not_known_and_its_name_is_the_code(table):
    assert not table.is_known("豫0399")
    assert table.get("豫0399") is None
    assert table.name("豫0399") == "豫0399"
    assert table.name("豫0302") == "河南省洛阳市老城区人民法院"
    assert table.is_known("豫0302")


def test_children_of_a_basic_court_are_none(table):
    assert table.children("豫0302") == []


def test_table_keeps_file_order(table):
    codes = [c.code for c in table.all()]
    assert codes[0] == "豫"
    assert codes.index("豫03") < codes.index("豫0302") < codes.index("豫0391")


def test_all_returns_a_copy_the_caller_cannot_use_to_change_the_table(table):
    table.all().clear()
    assert table.all()


# --- court_warning ------------------------------------------------------------------------


def test_confirmed_court_needs_no_warning(table):
    assert court_warning(CaseNumber.parse("（2021）豫0302执1号"), table) is None


def test_unconfirmed_court_warning_names_the_court(table):
    warning = court_warning(CaseNumber.parse("（2021）豫0303执1号"), table)
    assert "豫0303" in warning and "河南省洛阳市西工区人民法院" in warning and "尚未核实" in warning


def test_unknown_court_warning_names_the_code_and_the_table_file(table):
    warning = court_warning(CaseNumber.parse("（2021）豫0399执1号"), table)
    assert "豫0399" in warning and "不在法院代码表中" in warning and "courts.toml" in warning


# --- malformed files ----------------------------------------------------------------------


def test_missing_file_is_reported_in_chinese_with_its_path(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(InvalidValue) as caught:
        load_courts(path)
    assert str(path) in caught.value.message and "找不到" in caught.value.message


def test_toml_syntax_error_names_the_file_and_line(tmp_path):
    path = write(tmp_path, GOOD_ENTRY + '\n[[court]]\ncode = "豫03\n')
    with pytest.raises(InvalidValue) as caught:
        load_courts(path)
    assert str(path) in caught.value.message and "格式错误" in caught.value.message
    assert re.search(r"line \d+", caught.value.message)


def test_file_that_is_not_utf8_is_reported(tmp_path):
    path = tmp_path / "courts.toml"
    path.write_bytes(GOOD_ENTRY.encode("gbk"))
    with pytest.raises(InvalidValue, match="UTF-8"):
        load_courts(path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "没有任何 [[court]] 表"),
        ("title = 'x'\n" + GOOD_ENTRY, "不认识的项目“title”"),
        ('[[court]]\ncode = "豫"\nlevel = "high"\nconfirmed = true\n', "第1个 [[court]] 缺少 name"),
        (GOOD_ENTRY + GOOD_ENTRY, "法院代字 豫 出现了两次"),
        (GOOD_ENTRY.replace('"high"', '"supreme"'), "level “supreme”"),
        (GOOD_ENTRY.replace('"豫"', '"河南"'), "code “河南” 不是法院代字"),
        (GOOD_ENTRY.replace("true", '"yes"'), "confirmed 应为 true 或 false"),
        (GOOD_ENTRY.replace("河南省高级人民法院", " "), "name 应为法院全称"),
        (GOOD_ENTRY + "confimed = true\n", "不认识的项目 confimed"),
        (GOOD_ENTRY + "note = 3\n", "note 应为文字"),
        (
            GOOD_ENTRY + '[[court]]\ncode = "豫03"\nname = "x"\nlevel = "intermediate"\n'
            'parent = "豫9"\nconfirmed = false\n',
            "parent “豫9” 不是法院代字",
        ),
        (
            GOOD_ENTRY + '[[court]]\ncode = "豫0302"\nname = "x"\nlevel = "basic"\n'
            'parent = "豫03"\nconfirmed = false\n',
            "豫0302 的上级法院 豫03 不在表中",
        ),
    ],
)
def test_malformed_table_is_refused_naming_the_file_and_the_problem(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(InvalidValue) as caught:
        load_courts(path)
    assert str(path) in caught.value.message
    assert fragment in caught.value.message


def test_minimal_edited_table_loads(tmp_path):
    luoyang = """
[[court]]
code = "豫03"
name = "河南省洛阳市中级人民法院"
level = "intermediate"
parent = "豫"
confirmed = true
note = "已核实"
"""
    path = write(tmp_path, GOOD_ENTRY + luoyang)
    table = load_courts(path)
    assert table.get("豫03").note == "已核实"
    assert [c.code for c in table.children("豫")] == ["豫03"]


def test_bundled_file_is_valid_toml_with_only_court_tables():
    with resource("courts.toml").open("rb") as f:
        assert set(tomllib.load(f)) == {"court"}
