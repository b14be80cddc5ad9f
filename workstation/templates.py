"""Document templates a court edits without programming: TOML files in resources/templates/.

Each template file has an `id`, a `version` and texts written as Jinja2 templates, filled from the
case's facts. Texts are rendered in a sandbox with strict undefined names, so a misspelt name in
an edited template is reported (in Chinese, naming the file and the name) instead of printing an
empty gap in a legal document.
"""

import functools
import logging
import tomllib
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .resources import resource

log = logging.getLogger(__name__)

_ENV = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
)


class TemplateProblem(Exception):
    """A template that cannot be used; `message` is for the officer, `detail` for the log."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or message


def template_path(kind: str, template_id: str) -> Path:
    """resources/templates/<kind>/<name>.toml for the id "<kind>.<name>"."""
    prefix, _, name = template_id.partition(".")
    if prefix != kind or not name or not name.replace("_", "").replace("-", "").isalnum():
        raise TemplateProblem(
            f"模板编号“{template_id}”不合规定。", f"bad template id {template_id!r} for {kind}"
        )
    return resource("templates", kind, f"{name}.toml")


def load_template(kind: str, template_id: str, directory: Path | None = None) -> dict[str, Any]:
    """The template as data. `directory` overrides resources/templates/<kind>/ (tests, courts)."""
    path = template_path(kind, template_id)
    if directory is not None:
        path = directory / path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateProblem(
            f"找不到文书模板“{template_id}”（{path}）。请联系法院信息技术人员。",
            f"template file missing: {path}",
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TemplateProblem(
            f"文书模板“{path.name}”格式有误，无法使用：{exc}。请联系法院信息技术人员。",
            f"template {path}: {exc}",
        ) from None
    for key in ("id", "version"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise TemplateProblem(
                f"文书模板“{path.name}”缺少“{key}”。", f"template {path} lacks {key}"
            )
    if data["id"] != template_id:
        raise TemplateProblem(
            f"文书模板“{path.name}”的编号应为“{template_id}”，实为“{data['id']}”。",
            f"template {path}: id {data['id']!r} != {template_id!r}",
        )
    return data


@functools.lru_cache(maxsize=1024)
def _compiled(text: str) -> Template:
    # compiling is most of the cost of filling a text; a batch of rulings fills the same ones
    return _ENV.from_string(text)


def fill(text: str, facts: dict[str, Any], *, where: str = "") -> str:
    """One template text filled from `facts`. Unknown names and syntax errors are refused."""
    try:
        return _compiled(text).render(**facts).strip()
    except TemplateError as exc:
        log.error("template text %s failed: %s", where, exc)
        raise TemplateProblem(
            f"文书模板中“{where or '一段文字'}”无法填写（{exc.message or exc}）。"
            "请联系法院信息技术人员修改模板。",
            f"template text {where}: {type(exc).__name__}: {exc}",
        ) from None
