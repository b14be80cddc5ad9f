import copy
import pickle

import pytest

from workstation.domain.errors import (
    InvalidCaseNumber,
    InvalidDate,
    InvalidIdNumber,
    InvalidMoney,
    InvalidPhone,
    InvalidValue,
)

SUBCLASSES = [InvalidCaseNumber, InvalidIdNumber, InvalidMoney, InvalidDate, InvalidPhone]


@pytest.mark.parametrize("cls", SUBCLASSES)
def test_every_specific_error_is_an_invalid_value_and_a_value_error(cls):
    error = cls("出错了")
    assert isinstance(error, InvalidValue)
    assert isinstance(error, ValueError)


def test_str_of_error_is_the_chinese_message_alone():
    error = InvalidMoney("金额不能为负，请填写正数", field="principal")
    assert str(error) == "金额不能为负，请填写正数"
    assert error.message == "金额不能为负，请填写正数"


def test_field_given_by_caller_overrides_the_default():
    assert InvalidMoney("x", field="principal").field == "principal"


@pytest.mark.parametrize(
    ("cls", "field"),
    [
        (InvalidCaseNumber, "case_number"),
        (InvalidIdNumber, "id_number"),
        (InvalidMoney, "money"),
        (InvalidDate, "date"),
        (InvalidPhone, "phone"),
    ],
)
def test_each_subclass_names_its_kind_of_field_by_default(cls, field):
    assert cls("x").field == field


def test_plain_invalid_value_has_no_field_by_default():
    assert InvalidValue("x").field is None


@pytest.mark.parametrize("clone", [copy.copy, lambda e: pickle.loads(pickle.dumps(e))])
def test_error_keeps_message_field_and_class_when_copied_or_pickled(clone):
    error = InvalidPhone("电话号码为空", field="party.phone")
    copied = clone(error)
    assert type(copied) is InvalidPhone
    assert (copied.message, copied.field) == ("电话号码为空", "party.phone")
