"""Reading what the officer typed into a form: text, dates, amounts, yes/no, with a Chinese
message per field when it cannot be read. The one place these are parsed for every form
(cases, parties, the enforcement record)."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from .domain.dates import parse_date
from .domain.errors import InvalidValue
from .domain.money import parse_money


def text(raw: Mapping[str, Any], key: str) -> str:
    """A one-line field: spaces collapsed."""
    return " ".join(str(raw.get(key) or "").split())


def long_text(raw: Mapping[str, Any], key: str, errors: dict[str, str], limit: int) -> str:
    text = str(raw.get(key) or "").strip()
    if len(text) > limit:
        errors[key] = f"内容过长（{len(text)}字），请精简到{limit}字以内。"
    return text


def flag(raw: Mapping[str, Any], key: str) -> bool:
    value = raw.get(key)
    return value not in (None, "", "0", 0, False)


def typed_date(
    raw: Mapping[str, Any],
    key: str,
    errors: dict[str, str],
    today: date,
    *,
    what: str,
    required: bool = True,
    not_before: date | None = None,
    not_before_what: str = "立案日期",
) -> date | None:
    """A date as typed: not in the future, and not before `not_before` when given."""
    typed = text(raw, key)
    if not typed:
        if required:
            errors[key] = f"请填写{what}。"
        return None
    try:
        value = parse_date(typed, today=today)
    except InvalidValue as exc:
        errors[key] = exc.message
        return None
    if value > today:
        errors[key] = f"{what}{value.isoformat()}晚于今天{today.isoformat()}，请核对日期。"
        return None
    if not_before is not None and value < not_before:
        errors[key] = (
            f"{what}{value.isoformat()}早于{not_before_what}{not_before.isoformat()}，请核对日期。"
        )
        return None
    return value


def typed_money(
    raw: Mapping[str, Any], key: str, errors: dict[str, str], *, what: str, required: bool = True
) -> int | None:
    value = raw.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return value  # already fen (a caller that is not a form)
    typed = text(raw, key)
    if not typed:
        if required:
            errors[key] = f"请填写{what}，如400000、40万、4.5万元。"
        return None
    try:
        return parse_money(typed)
    except InvalidValue as exc:
        errors[key] = exc.message
        return None
