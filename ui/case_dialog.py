"""Create or edit a case and its parties. Every message comes from the core's validation."""

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workstation.cases import CaseDetail, PartyForm, ValidationFailed, save_case
from workstation.domain.case import (
    AUTHORITIES,
    BASIS_KINDS,
    CLOSING_METHODS,
    PARTY_KINDS,
    PARTY_ROLES,
    SEXES,
)
from workstation.domain.ethnicity import ETHNICITIES
from workstation.domain.money import format_yuan
from workstation.store.casefile import CaseFile
from workstation.store.errors import CaseFileError

from .dialog_parts import ERROR_STYLE


class FieldRow(QWidget):
    """An input with its error message underneath."""

    def __init__(self, editor: QWidget) -> None:
        super().__init__()
        self.editor = editor
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor)
        layout.addWidget(self.error)

    def text(self) -> str:
        e = self.editor
        if isinstance(e, QLineEdit):
            return e.text()
        if isinstance(e, QPlainTextEdit):
            return e.toPlainText()
        if isinstance(e, QComboBox):
            data = e.currentData()
            return data if data is not None else e.currentText()
        raise TypeError(type(e))

    def set_text(self, value: str | None) -> None:
        e = self.editor
        value = value or ""
        if isinstance(e, QLineEdit):
            e.setText(value)
        elif isinstance(e, QPlainTextEdit):
            e.setPlainText(value)
        elif isinstance(e, QComboBox):
            i = e.findData(value)
            if i < 0:
                i = e.findText(value)
            if i >= 0:
                e.setCurrentIndex(i)
            elif e.isEditable():
                e.setEditText(value)

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


def _combo(
    items: dict[str, str] | tuple[str, ...], *, blank: str | None = None, editable: bool = False
) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(editable)
    if blank is not None:
        combo.addItem(blank, "")
    if isinstance(items, dict):
        for code, text in items.items():
            combo.addItem(text, code)
    else:
        for text in items:
            combo.addItem(text, text)
    return combo


def _line(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    return edit


class PartyEditor(QGroupBox):
    """One party's fields; which are shown depends on natural person / organisation / agent."""

    PERSON_ONLY = ("sex", "ethnicity", "birth_date", "id_number")
    ORG_ONLY = ("credit_code", "legal_representative")
    AGENT_ONLY = ("represents", "authority", "authority_document")

    def __init__(
        self,
        dialog: "CaseDialog",
        role: str,
        party_id: str | None = None,
        seen: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.dialog = dialog
        self.party_id = party_id
        self.seen = seen
        self.fields: dict[str, FieldRow] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        specs: list[tuple[str, str, QWidget]] = [
            ("role", "身份", _combo(PARTY_ROLES)),
            ("kind", "类别", _combo(PARTY_KINDS)),
            ("name", "姓名或名称", _line()),
            ("sex", "性别", _combo(SEXES, blank="")),
            ("ethnicity", "民族", _combo(ETHNICITIES, blank="", editable=True)),
            ("birth_date", "出生日期", _line("例如 1982-05-24；填写身份证号后可留空")),
            ("id_number", "身份证号", _line("18 位或 15 位")),
            ("credit_code", "统一社会信用代码", _line("18 位")),
            ("legal_representative", "法定代表人", _line()),
            ("represents", "代理谁", QComboBox()),
            ("authority", "授权", _combo(AUTHORITIES, blank="")),
            ("authority_document", "授权委托书", _line("名称、日期或编号")),
            ("address", "住址或住所地", _line()),
            ("phone", "电话", _line("手机或 0379-12345678")),
        ]
        self.labels: dict[str, QLabel] = {}
        for key, label, editor in specs:
            row = FieldRow(editor)
            self.fields[key] = row
            self.labels[key] = QLabel(label)
            form.addRow(self.labels[key], row)
        self.fields["role"].set_text(role)
        self.remove_button = QPushButton("删除此当事人")
        self.remove_button.clicked.connect(lambda: dialog.remove_party(self))
        form.addRow("", self.remove_button)
        self.fields["role"].editor.currentIndexChanged.connect(self.update_visibility)
        self.fields["kind"].editor.currentIndexChanged.connect(self.update_visibility)
        self.fields["name"].editor.textChanged.connect(dialog.refresh_party_titles)
        self.update_visibility()

    def update_visibility(self) -> None:
        kind = self.fields["kind"].text()
        role = self.fields["role"].text()
        for key in self.fields:
            visible = True
            if key in self.PERSON_ONLY:
                visible = kind == "person"
            elif key in self.ORG_ONLY:
                visible = kind == "organisation"
            elif key in self.AGENT_ONLY:
                visible = role == "agent"
            self.fields[key].setVisible(visible)
            self.labels[key].setVisible(visible)
        self.dialog.refresh_party_titles()

    def set_values(self, values: dict[str, Any]) -> None:
        for key, row in self.fields.items():
            if key == "represents":
                continue
            value = values.get(key)
            row.set_text(value if isinstance(value, str) or value is None else str(value))
        self.update_visibility()

    def values(self) -> dict[str, str]:
        out = {key: row.text() for key, row in self.fields.items()}
        return out

    def clear_errors(self) -> None:
        for row in self.fields.values():
            row.set_error("")


class CaseDialog(QDialog):
    """新建案件 / 修改案件. Saves through `workstation.cases.save_case`, one transaction."""

    CASE_SPECS: tuple[tuple[str, str], ...] = (
        ("case_number", "案号"),
        ("officer", "承办人"),
        ("filing_date", "立案日期"),
        ("cause", "案由"),
        ("basis_number", "执行依据（文书案号）"),
        ("basis_kind", "执行依据文书种类"),
        ("basis_court", "作出执行依据的法院"),
        ("basis_effective_date", "执行依据生效日期"),
        ("principal", "本金（元）"),
        ("interest", "利息（元，判决确定的金额）"),
        ("interest_terms", "利息计算方式"),
        ("enforcement_fee", "执行费（元）"),
        ("due_date", "履行期限届满日"),
        ("claim_is_monetary", "执行标的为金钱给付"),
        ("applicant_asked_for_termination", "申请执行人申请终本"),
        ("obstruction", "有妨害执行行为"),
        ("status", "状态"),
        ("closing_date", "结案日期"),
        ("closing_method", "结案方式"),
        ("notes", "备注"),
    )

    def __init__(
        self, casefile: CaseFile, detail: CaseDetail | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.casefile = casefile
        self.detail = detail
        self.case_id: str | None = detail.case.id if detail else None
        self.removed_party_ids: list[str] = []
        self.setWindowTitle("修改案件" if detail else "新建案件")
        self.resize(760, 820)

        self.fields: dict[str, FieldRow] = {}
        case_box = QGroupBox("案件信息")
        form = QFormLayout(case_box)
        editors: dict[str, QWidget] = {
            "case_number": _line("例如（2021）豫0302执123号"),
            "filing_date": _line("例如 2021-06-17"),
            "basis_kind": _combo(BASIS_KINDS, blank="", editable=True),
            "basis_effective_date": _line("例如 2021-03-01"),
            "principal": _line("例如 400000、40万、4.5万元"),
            "interest": _line("没有可留空"),
            "enforcement_fee": _line("没有可留空"),
            "due_date": _line("迟延履行利息自次日起算；不计迟延利息可留空"),
            "claim_is_monetary": _combo({"1": "是", "0": "否（仅为行为）"}),
            "applicant_asked_for_termination": _combo({"0": "否", "1": "是"}),
            "obstruction": _combo({"0": "否", "1": "是（已采取或须采取罚款、拘留等）"}),
            "status": _combo({"open": "执行中", "closed": "已结案"}),
            "closing_date": _line("结案时填写"),
            "closing_method": _combo(CLOSING_METHODS, blank=""),
            "notes": QPlainTextEdit(),
        }
        editors["notes"].setFixedHeight(70)
        for key, label in self.CASE_SPECS:
            row = FieldRow(editors.get(key) or _line())
            self.fields[key] = row
            form.addRow(label, row)

        self.parties_box = QGroupBox("当事人")
        self.parties_layout = QVBoxLayout(self.parties_box)
        self.party_editors: list[PartyEditor] = []
        buttons = QHBoxLayout()
        for role in ("applicant", "debtor", "agent"):
            b = QPushButton(f"添加{PARTY_ROLES[role]}")
            b.clicked.connect(lambda _=False, r=role: self.add_party(r))
            buttons.addWidget(b)
        buttons.addStretch()
        self.parties_error = QLabel()
        self.parties_error.setStyleSheet(ERROR_STYLE)
        self.parties_error.hide()

        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(case_box)
        inner_layout.addWidget(self.parties_box)
        inner_layout.addWidget(self.parties_error)
        inner_layout.addLayout(buttons)
        inner_layout.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.scroll = scroll

        self.summary = QLabel()
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setWordWrap(True)
        self.summary.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        if detail:
            self._load(detail)
        else:
            self.fields["officer"].set_text(casefile.officer)
            self.add_party("applicant")
            self.add_party("debtor")

    # -- parties -----------------------------------------------------------------------------
    def add_party(
        self, role: str, party_id: str | None = None, seen: dict[str, str] | None = None
    ) -> PartyEditor:
        editor = PartyEditor(self, role, party_id, seen)
        self.party_editors.append(editor)
        self.parties_layout.addWidget(editor)
        self.refresh_party_titles()
        return editor

    def remove_party(self, editor: PartyEditor) -> None:
        if editor.party_id:
            self.removed_party_ids.append(editor.party_id)
        self.party_editors.remove(editor)
        editor.setParent(None)
        editor.deleteLater()
        self.refresh_party_titles()

    def refresh_party_titles(self) -> None:
        counts: dict[str, int] = {}
        for editor in getattr(self, "party_editors", []):
            role = editor.fields["role"].text()
            counts[role] = counts.get(role, 0) + 1
            editor.setTitle(f"{PARTY_ROLES.get(role, '当事人')} {counts[role]}")
        # Agents choose among the other parties (by id, or by position for new ones).
        for editor in getattr(self, "party_editors", []):
            combo: QComboBox = editor.fields["represents"].editor
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("", "")
            for i, other in enumerate(self.party_editors):
                if other is editor or other.fields["role"].text() == "agent":
                    continue
                name = other.fields["name"].text() or f"（第 {i + 1} 位当事人）"
                combo.addItem(name, other.party_id or f"#{i}")
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    # -- loading and saving -------------------------------------------------------------------
    def _load(self, detail: CaseDetail) -> None:
        c = detail.case.values
        for key, row in self.fields.items():
            value = c.get(key)
            if key in ("principal", "interest", "enforcement_fee"):
                value = format_yuan(value) if value else ""
            elif isinstance(value, int):  # the yes/no choices
                value = str(value)
            row.set_text(value)
        for p in detail.parties:
            editor = self.add_party(p.values["role"], p.id, p.versions)
            editor.set_values(p.values)
        for p, editor in zip(detail.parties, self.party_editors, strict=True):
            combo: QComboBox = editor.fields["represents"].editor
            i = combo.findData(p.values.get("represents") or "")
            combo.setCurrentIndex(max(i, 0))

    def case_values(self) -> dict[str, str]:
        return {key: row.text() for key, row in self.fields.items()}

    def clear_errors(self) -> None:
        for row in self.fields.values():
            row.set_error("")
        for editor in self.party_editors:
            editor.clear_errors()
        self.parties_error.hide()
        self.summary.hide()

    def show_errors(self, errors: dict[str, str]) -> None:
        first: QWidget | None = None
        for key, message in errors.items():
            row: FieldRow | None = None
            if key.startswith("case."):
                row = self.fields.get(key[5:])
            elif key.startswith("party["):
                index, _, name = key[6:].partition("].")
                row = self.party_editors[int(index)].fields.get(name)
            if row is not None:
                row.set_error(message)
                first = first or row.editor
            else:
                self.parties_error.setText(message)
                self.parties_error.show()
        self.summary.setText(f"有 {len(errors)} 处需要修改，请查看红色提示。")
        self.summary.show()
        if first is not None:
            first.setFocus()
            self.scroll.ensureWidgetVisible(first)

    def save(self) -> None:
        self.clear_errors()
        forms = [PartyForm(e.values(), e.party_id, e.seen) for e in self.party_editors]
        try:
            self.case_id = save_case(
                self.casefile,
                self.case_values(),
                forms,
                case_id=self.case_id,
                seen=self.detail.case.versions if self.detail else None,
                removed_party_ids=self.removed_party_ids,
            )
        except ValidationFailed as exc:
            self.show_errors(exc.errors)
            return
        except CaseFileError as exc:
            QMessageBox.warning(self, "未能保存", exc.message)
            return
        self.accept()

    def error_text(self, key: str) -> str:
        """The message shown for a field key ("case.filing_date", "party[0].id_number")."""
        if key.startswith("case."):
            return self.fields[key[5:]].error.text()
        index, _, name = key[6:].partition("].")
        return self.party_editors[int(index)].fields[name].error.text()
