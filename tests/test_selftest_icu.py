"""The self-test's ICU checks (ui/selftest.py) pass from the source tree too, with PySide6's full
ICU data; the frozen Linux bundle, whose ICU data scripts/filter_icu.py cuts down, runs the same
checks in `--selftest` (scripts/build.sh)."""

import sys

import pytest

from ui import selftest as ui_selftest
from workstation.selftest import StepFailed


def test_names_sort_by_pinyin(qapp) -> None:
    assert ui_selftest.check_collation() == "拼音排序/pinyin 李四<王五<张三"


def test_word_boundaries_fall_inside_chinese_text(qapp) -> None:
    assert ui_selftest.check_word_boundaries().startswith("分词/word boundaries ")


def test_gb18030_goes_both_ways(qapp) -> None:
    detail = ui_selftest.check_gb18030()
    if sys.platform.startswith("linux"):
        assert detail == "GB18030 往返/round trip"
        assert ui_selftest._icu_encode("执行裁定书", "GB18030") == "执行裁定书".encode("gb18030")


def test_a_converter_icu_lacks_fails_the_check(qapp) -> None:
    if ui_selftest._icu_common() is None:
        pytest.skip("Qt without ICU here")
    with pytest.raises(StepFailed, match="cannot open the NO-SUCH-CODEC converter"):
        ui_selftest._icu_encode("执行", "NO-SUCH-CODEC")


def test_shanghai_is_a_time_zone_named_in_chinese(qapp) -> None:
    detail = ui_selftest.check_time_zone()
    assert detail.startswith("Asia/Shanghai")
    if sys.platform.startswith("linux"):
        assert detail == "Asia/Shanghai 中国标准时间"


def test_dates_read_in_chinese(qapp) -> None:
    assert ui_selftest.check_chinese_date() == "2026年11月26日星期四"


def test_the_icu_step_names_what_it_checked(qapp) -> None:
    detail = ui_selftest._step_icu(None)  # type: ignore[arg-type]  # the step needs no state
    for part in ("拼音排序", "分词", "GB18030", "Asia/Shanghai", "2026年11月26日"):
        assert part in detail
