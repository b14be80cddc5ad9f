"""Errors an officer can fix: a value typed or imported in a form that the domain cannot accept.

Every message is Chinese, says what is wrong and how to put it right, and is what `str(exc)`
shows, so a view can display it as is. `field` names the form field when the raiser knows it;
each subclass has a default (the kind of value), which a caller may override.
"""

from __future__ import annotations


class InvalidValue(ValueError):
    """A value the officer typed (or a data file the officer edited) cannot be accepted."""

    default_field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field if field is not None else self.default_field

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # keyword-only `field` would otherwise be lost when the error crosses a process or a copy
        return (_rebuild, (type(self), self.message, self.field))


def _rebuild(cls: type[InvalidValue], message: str, field: str | None) -> InvalidValue:
    return cls(message, field=field)


class InvalidCaseNumber(InvalidValue):
    """案号 that does not follow 法〔2015〕137号 or is not an enforcement (执) case."""

    default_field = "case_number"


class InvalidIdNumber(InvalidValue):
    """身份证号 (GB 11643-1999) or 统一社会信用代码 (GB 32100-2015) that is malformed."""

    default_field = "id_number"


class InvalidMoney(InvalidValue):
    """An amount of money that cannot be read as whole fen."""

    default_field = "money"


class InvalidDate(InvalidValue):
    """A date that is malformed, impossible or outside a sane range."""

    default_field = "date"


class InvalidPhone(InvalidValue):
    """A telephone number that is neither a mainland mobile nor a landline."""

    default_field = "phone"
