"""The court code table (法院代字 -> 法院): editable data in resources/courts.toml.

Legal reference §3.3 advises keeping the table as data, not code: most Luoyang basic-court codes
are derived from administrative division codes and unconfirmed, and the 2021 redistricting may or
may not have changed them (法〔2015〕137号 第十三条 keeps the old code until the court changes).
`CaseNumber.parse` never consults this table; `court_warning` tells the officer when a code is
unknown or not yet confirmed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..resources import resource
from .case_number import CaseNumber, is_court_code
from .errors import InvalidValue

LEVELS = {"high": "高级人民法院", "intermediate": "中级人民法院", "basic": "基层人民法院"}
COURTS_FILE = "courts.toml"

_REQUIRED = ("code", "name", "level", "confirmed")
_KNOWN_KEYS = {*_REQUIRED, "parent", "note"}


@dataclass(frozen=True)
class Court:
    """One court: its 法院代字, full name (as in a ruling's heading) and place in the hierarchy."""

    code: str  # 法院代字, e.g. "豫0302"
    name: str  # 全称, e.g. "河南省洛阳市老城区人民法院"
    level: str  # "high" | "intermediate" | "basic"
    parent: str | None  # the superior court's code; None for a high court
    confirmed: bool  # code checked against real rulings or data ([C] in the reference)
    note: str = ""


class CourtTable:
    """The courts from one table file, in file order."""

    def __init__(self, courts: list[Court]) -> None:
        self._courts = list(courts)
        self._by_code = {court.code: court for court in self._courts}

    def get(self, code: str) -> Court | None:
        """The court with this code, or None."""
        return self._by_code.get(code)

    def is_known(self, code: str) -> bool:
        """True if the table has this code (confirmed or not)."""
        return code in self._by_code

    def children(self, code: str) -> list[Court]:
        """The courts directly under `code`, in file order."""
        return [court for court in self._courts if court.parent == code]

    def all(self) -> list[Court]:
        """Every court, in file order."""
        return list(self._courts)

    def name(self, code: str) -> str:
        """The court's full name, or the code itself when the table does not know it."""
        court = self._by_code.get(code)
        return court.name if court else code


def load_courts(path: Path | None = None) -> CourtTable:
    """Read a court table; the default is the bundled resources/courts.toml.

    A missing or malformed file raises InvalidValue naming the file and what to fix, since the
    officer (or an administrator) edits this file by hand.
    """
    if path is None:
        path = resource(COURTS_FILE)
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise InvalidValue(f"找不到法院代码表文件 {path}，请确认程序安装完整") from None
    except OSError as exc:
        raise InvalidValue(f"无法读取法院代码表文件 {path}：{exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValue(
            f"法院代码表文件 {path} 格式错误（{exc}），请按文件开头的说明修改"
        ) from None
    except UnicodeDecodeError:
        raise InvalidValue(f"法院代码表文件 {path} 不是 UTF-8 编码，请用 UTF-8 保存") from None
    return CourtTable(_courts_from(data, path))


def _courts_from(data: dict[str, object], path: Path) -> list[Court]:
    def problem(text: str) -> InvalidValue:
        return InvalidValue(f"法院代码表文件 {path} 有误：{text}")

    extra = set(data) - {"court"}
    if extra:
        raise problem(f"不认识的项目“{'、'.join(sorted(extra))}”，每家法院应写在 [[court]] 下")
    entries = data.get("court", [])
    if not isinstance(entries, list) or not entries:
        raise problem("没有任何 [[court]] 表")
    courts: list[Court] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"第{number}个 [[court]]"
        if not isinstance(entry, dict):
            raise problem(f"{where} 应为表")
        missing = [key for key in _REQUIRED if key not in entry]
        if missing:
            raise problem(f"{where} 缺少 {'、'.join(missing)}")
        unknown = set(entry) - _KNOWN_KEYS
        if unknown:
            raise problem(f"{where} 有不认识的项目 {'、'.join(sorted(unknown))}（是否拼错？）")
        code, name, level = entry["code"], entry["name"], entry["level"]
        parent, confirmed, note = entry.get("parent"), entry["confirmed"], entry.get("note", "")
        if not isinstance(code, str) or not is_court_code(code):
            raise problem(f"{where} 的 code “{code}” 不是法院代字，应如 豫、豫03、豫0302")
        where = f"{where}（{code}）"
        if code in seen:
            raise problem(f"法院代字 {code} 出现了两次，请删去一处")
        if not isinstance(name, str) or not name.strip():
            raise problem(f"{where} 的 name 应为法院全称")
        if level not in LEVELS:
            raise problem(f"{where} 的 level “{level}” 应为 high、intermediate 或 basic")
        if parent is not None and not (isinstance(parent, str) and is_court_code(parent)):
            raise problem(f"{where} 的 parent “{parent}” 不是法院代字")
        if not isinstance(confirmed, bool):
            raise problem(f"{where} 的 confirmed 应为 true 或 false（不加引号）")
        if not isinstance(note, str):
            raise problem(f"{where} 的 note 应为文字（加引号）")
        seen.add(code)
        courts.append(Court(code, name.strip(), level, parent, confirmed, note))
    for court in courts:
        if court.parent is not None and court.parent not in seen:
            raise problem(f"{court.code} 的上级法院 {court.parent} 不在表中，请先添加该法院")
    return courts


def court_warning(case_number: CaseNumber, table: CourtTable) -> str | None:
    """A Chinese warning when the case number's court code is unknown or unconfirmed, else None."""
    court = table.get(case_number.court)
    if court is None:
        return (
            f"法院代字“{case_number.court}”不在法院代码表中，请核对案号{case_number}；"
            f"如确为新设法院，请在法院代码表（{COURTS_FILE}）中补充"
        )
    if not court.confirmed:
        return (
            f"法院代字“{court.code}”（{court.name}）尚未核实，请以立案系统中的案号为准；"
            f"核实后可在法院代码表（{COURTS_FILE}）中将其标为已核实"
        )
    return None
