"""The dialogs that record what an officer did on a case: measures, clues, assets, seizures,
receipts, payouts, field visits. Each sends the fields as typed to one core function and shows
its Chinese messages under the fields; nothing is decided here."""

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workstation import enforcement, enforcement_more
from workstation.cases import ValidationFailed
from workstation.domain.measures import (
    AssetKind,
    AssetStatus,
    ClueStatus,
    InquiryChannel,
    MeasureKind,
    ReceiptSource,
    SeizureKind,
    ValueBasis,
)
from workstation.domain.money import format_money
from workstation.store.casefile import CaseFile
from workstation.store.errors import CaseFileError

from .case_dialog import ERROR_STYLE, FieldRow, _combo, _line

DATE_HINT = "例如 2026-11-20 或 2026年11月20日"
MONEY_HINT = "例如 50000、5万、4.5万元"


class CheckRow(FieldRow):
    """A tick box with its error message underneath; its text is "1" when ticked."""

    def __init__(self, text: str, checked: bool = False) -> None:
        box = QCheckBox(text)
        box.setChecked(checked)
        super().__init__(box)

    def text(self) -> str:
        return "1" if self.editor.isChecked() else ""

    def set_text(self, value: str | None) -> None:
        self.editor.setChecked(bool(value) and value != "0")


def _text_box(height: int = 60) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setFixedHeight(height)
    return edit


def _labelled(enum: Any) -> dict[str, str]:
    return {member.value: member.label for member in enum}


Spec = tuple[str, str, QWidget | FieldRow]  # key, label, editor (or a ready FieldRow)


class RecordDialog(QDialog):
    """A form of fields; 保存 hands the values to `submit`, which saves or raises
    ValidationFailed with {field: Chinese message}. On success `record_id` holds its answer."""

    def __init__(
        self,
        title: str,
        specs: Sequence[Spec],
        submit: Callable[[dict[str, str]], Any],
        parent: QWidget | None = None,
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.submit = submit
        self.record_id: Any = None
        self.attachments: AttachmentPicker | None = None  # dialogs that take files
        self.fields: dict[str, FieldRow] = {}
        self.labels: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        if note:
            hint = QLabel(note)
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #555;")
            layout.addWidget(hint)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for key, label, editor in specs:
            if isinstance(editor, QComboBox):
                editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            row = editor if isinstance(editor, FieldRow) else FieldRow(editor)
            self.fields[key] = row
            self.labels[key] = QLabel(label)
            form.addRow(self.labels[key], row)
        layout.addLayout(form)
        self.summary = QLabel()
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setWordWrap(True)
        self.summary.hide()
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def set_visible(self, key: str, visible: bool) -> None:
        self.fields[key].setVisible(visible)
        self.labels[key].setVisible(visible)

    def values(self) -> dict[str, str]:
        return {key: row.text() for key, row in self.fields.items() if not row.isHidden()}

    def save(self) -> None:
        for row in self.fields.values():
            row.set_error("")
        self.summary.hide()
        try:
            self.record_id = self.submit(self.values())
        except ValidationFailed as exc:
            self.show_errors(exc.errors)
            return
        except CaseFileError as exc:
            QMessageBox.warning(self, "未能保存", exc.message)
            return
        self.accept()

    def show_errors(self, errors: Mapping[str, str]) -> None:
        elsewhere = []
        first: QWidget | None = None
        for key, message in errors.items():
            row = self.fields.get(key)
            if row is not None and not row.isHidden():
                row.set_error(message)
                first = first or row.editor
            else:
                elsewhere.append(message)
        text = f"有 {len(errors)} 处需要修改，请查看红色提示。"
        if elsewhere:
            text += "\n" + "\n".join(elsewhere)
        self.summary.setText(text)
        self.summary.show()
        self._fit()
        if first is not None:
            first.setFocus()

    def _fit(self) -> None:
        """Grow to show the messages whole (a wrapped message needs more height than before)."""
        self.layout().activate()
        width = self.width()
        height = self.layout().heightForWidth(width) if self.layout().hasHeightForWidth() else -1
        self.resize(width, max(height, self.sizeHint().height(), self.height()))

    def error_text(self, key: str) -> str:
        return self.fields[key].error.text()


ATTACHMENT_FILTER = "照片和文档 (*.jpg *.jpeg *.png *.heic *.tif *.tiff *.pdf);;所有文件 (*)"


def choose_files(parent: QWidget | None) -> list[Path]:
    """The officer picks photos or scans (a file dialog; nothing when cancelled)."""
    paths, _filter = QFileDialog.getOpenFileNames(parent, "添加附件", "", ATTACHMENT_FILTER)
    return [Path(p) for p in paths]


class AttachmentPicker(QWidget):
    """添加附件…: files picked for a record not saved yet; the core keeps them when it saves."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[Path] = []
        self.button = QPushButton("添加附件…")
        self.button.clicked.connect(lambda: self.add(choose_files(self)))
        self.names = QLabel("可添加现场照片、文书扫描件")
        self.names.setStyleSheet("color: #555;")
        self.names.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.names, 1)

    def add(self, paths: Sequence[Path]) -> None:
        self.paths += [Path(p) for p in paths if Path(p) not in self.paths]
        if self.paths:
            names = "、".join(p.name for p in self.paths)
            self.names.setText(f"附件{len(self.paths)}个：{names}")
            self.names.setStyleSheet("color: #333;")


# -- one dialog per record kind -----------------------------------------------------------------
def measure_dialog(
    cf: CaseFile, case_id: str, today: date | None, parent: QWidget | None = None
) -> RecordDialog:
    kind = _combo(_labelled(MeasureKind))
    kind.setCurrentIndex(kind.findData(MeasureKind.ONLINE_INQUIRY.value))
    found = QComboBox()
    for text, code in (("结果尚未反馈", ""), ("未发现财产", "no"), ("发现财产", "yes")):
        found.addItem(text, code)
    officer = _line()
    officer.setText(cf.officer)
    day = _line(DATE_HINT)
    day.setText((today or date.today()).isoformat())
    specs: list[Spec] = [
        ("kind", "措施", kind),
        ("date", "日期", day),
        ("channel", "查询的财产项目", _combo(_labelled(InquiryChannel))),
        ("found", "查询结果", found),
        ("result", "结果或情况", _line("例如：已送达；未发现可供执行的财产")),
        ("officer", "承办人", officer),
    ]

    picker = AttachmentPicker()

    def submit(values: dict[str, str]) -> str:
        return enforcement.record_measure(cf, case_id, values, today, documents=picker.paths)

    dialog = RecordDialog("登记执行措施", specs, submit, parent)
    dialog.layout().insertWidget(dialog.layout().indexOf(dialog.summary), picker)
    dialog.attachments = picker

    def kind_changed() -> None:
        online = dialog.fields["kind"].text() == MeasureKind.ONLINE_INQUIRY.value
        dialog.set_visible("channel", online)
        dialog.set_visible("found", online)

    kind.currentIndexChanged.connect(kind_changed)
    kind_changed()
    return dialog


def clue_dialog(
    cf: CaseFile, case_id: str, today: date | None, parent: QWidget | None = None
) -> RecordDialog:
    day = _line(DATE_HINT)
    day.setText((today or date.today()).isoformat())
    given_by = _line()
    given_by.setText("申请执行人")
    specs: list[Spec] = [
        ("given_date", "提供日期", day),
        ("description", "线索内容", _text_box()),
        ("given_by", "提供人", given_by),
        ("urgent", "", CheckRow("情况紧急（3日内核实）")),
    ]
    return RecordDialog(
        "登记财产线索",
        specs,
        lambda values: enforcement_more.record_clue(cf, case_id, values, today),
        parent,
        note="申请执行人提供的财产线索应在7日内核实，情况紧急的3日内核实。",
    )


def clue_result_dialog(
    cf: CaseFile, clue_id: str, description: str, today: date | None, parent: QWidget | None = None
) -> RecordDialog:
    statuses = {s.value: s.label for s in ClueStatus if s is not ClueStatus.PENDING}
    status = _combo(statuses)
    status.setCurrentIndex(status.findData(ClueStatus.NOTHING_FOUND.value))
    day = _line(DATE_HINT)
    day.setText((today or date.today()).isoformat())
    specs: list[Spec] = [("status", "核实结果", status), ("verified_date", "核实日期", day)]
    return RecordDialog(
        "登记线索核实结果",
        specs,
        lambda values: enforcement_more.record_clue_result(cf, clue_id, values, today),
        parent,
        note=f"线索：{description}",
    )


def asset_dialog(
    cf: CaseFile,
    case_id: str,
    debtors: Sequence[tuple[str, str]],
    today: date | None,
    parent: QWidget | None = None,
) -> RecordDialog:
    debtor = QComboBox()
    debtor.addItem("（未指定）", "")
    for debtor_id, name in debtors:
        debtor.addItem(name, debtor_id)
    identifier_kind = _combo(("账号", "车牌号", "不动产权证号", "证券账户", "其他号码"), blank="")
    identifier_kind.setEditable(True)
    found = _line(DATE_HINT)
    found.setText((today or date.today()).isoformat())
    specs: list[Spec] = [
        ("kind", "财产种类", _combo(_labelled(AssetKind))),
        ("description", "财产", _line("例如：洛阳银行尾号1234账户存款")),
        ("debtor_id", "所属被执行人", debtor),
        ("identifier_kind", "号码种类", identifier_kind),
        ("identifier_value", "号码", _line("账号、车牌号、权证号（属个人信息，公开时隐去）")),
        ("value", "价值（元）", _line("不知道可留空")),
        ("value_basis", "价值依据", _combo(_labelled(ValueBasis), blank="")),
        ("prior_encumbrances", "在先优先权（元）", _line("如抵押债权；没有可留空")),
        ("status", "状态", _combo(_labelled(AssetStatus))),
        ("cannot_dispose_reason", "不能处置的原因", _line("状态为“不能处置”时必填")),
        ("found_date", "发现日期", found),
    ]
    return RecordDialog(
        "登记财产",
        specs,
        lambda values: enforcement_more.record_asset(cf, case_id, values, today),
        parent,
    )


def seizure_dialog(
    cf: CaseFile,
    case_id: str,
    assets: Sequence[tuple[str, str]],
    today: date | None,
    asset_id: str | None = None,
    parent: QWidget | None = None,
) -> RecordDialog:
    asset = QComboBox()
    for aid, text in assets:
        asset.addItem(text, aid)
    if asset_id:
        asset.setCurrentIndex(max(asset.findData(asset_id), 0))
    day = _line(DATE_HINT)
    day.setText((today or date.today()).isoformat())
    specs: list[Spec] = [
        ("asset_id", "财产", asset),
        ("kind", "措施", _combo(_labelled(SeizureKind))),
        ("date", "日期", day),
        ("amount", "冻结金额（元）", _line("冻结存款的数额；查封、扣押整件财产的留空")),
        ("share", "查封份额", _line("例如 1/2；整件财产的留空")),
        ("until", "到期日", _line("通知书写明的到期日；留空按法定期限计算")),
        ("from_preservation", "", CheckRow("保全转执行（诉讼保全中采取、立案前的查封）")),
    ]
    return RecordDialog(
        "登记查封、扣押、冻结",
        specs,
        lambda values: enforcement_more.record_seizure_as_typed(cf, case_id, values, today),
        parent,
        note="期限：冻结存款一年，查封、扣押动产二年，查封不动产、冻结其他财产权三年"
        "（《民诉法解释》第485条）。",
    )


def receipt_dialog(
    cf: CaseFile, case_id: str, today: date | None, parent: QWidget | None = None
) -> RecordDialog:
    day = _line(DATE_HINT)
    day.setText((today or date.today()).isoformat())
    specs: list[Spec] = [
        ("date", "到账日期", day),
        ("amount", "金额（元）", _line(MONEY_HINT)),
        ("source", "来源", _combo(_labelled(ReceiptSource))),
        ("payer", "交款人", _line()),
        ("receipt_number", "收据号或流水号", _line()),
        ("cash", "", CheckRow("现场代收的现金")),
        ("officers", "在场执行人员", _line("代收现金须两人以上在场，如“张伟、李娜”")),
        ("handed_in", "移交财务日期", _line("已移交的填写；未移交留空")),
    ]
    dialog = RecordDialog(
        "登记到账",
        specs,
        lambda values: enforcement_more.record_receipt(cf, case_id, values, today),
        parent,
    )

    def cash_changed() -> None:
        cash = bool(dialog.fields["cash"].text())
        dialog.set_visible("officers", cash)
        dialog.set_visible("handed_in", cash)

    dialog.fields["cash"].editor.toggled.connect(cash_changed)
    cash_changed()
    return dialog


def payout_dialog(
    cf: CaseFile,
    case_id: str,
    receipts: Sequence[tuple[str, str]],
    payee: str,
    today: date | None,
    parent: QWidget | None = None,
) -> RecordDialog:
    receipt = QComboBox()
    receipt.addItem("按到账先后（先到先发）", "")
    for rid, text in receipts:
        receipt.addItem(text, rid)
    day = _line(DATE_HINT)
    day.setText((today or date.today()).isoformat())
    payee_line = _line()
    payee_line.setText(payee)
    specs: list[Spec] = [
        ("date", "发放日期", day),
        ("amount", "金额（元）", _line(MONEY_HINT)),
        ("payee", "领款人", payee_line),
        ("account", "收款账号", _line()),
        ("approver", "批准人", _line()),
        ("receipt_id", "发放的到账款", receipt),
    ]
    return RecordDialog(
        "登记发放",
        specs,
        lambda values: enforcement_more.record_payout_as_typed(cf, case_id, values, today),
        parent,
    )


def hand_in_dialog(
    cf: CaseFile, receipt_id: str, amount: int, today: date | None, parent: QWidget | None = None
) -> RecordDialog:
    day = _line(DATE_HINT)
    day.setText((today or date.today()).isoformat())
    return RecordDialog(
        "登记现金移交",
        [("handed_in", "移交财务日期", day)],
        lambda values: enforcement_more.record_cash_handed_in(cf, receipt_id, values, today),
        parent,
        note=f"代收现金{format_money(amount)}，应在一个工作日内移交财务或存入专户。",
    )


def field_visit_dialog(
    cf: CaseFile, case_id: str, today: date | None, parent: QWidget | None = None
) -> RecordDialog:
    day = _line(DATE_HINT)
    day.setText((today or date.today()).isoformat())
    officers = _line("如“张伟、李娜”")
    officers.setText(cf.officer)
    specs: list[Spec] = [
        ("date", "日期", day),
        ("place", "地点", _line("例如：被执行人住所地")),
        ("officers", "外勤人员", officers),
        ("purpose", "事由", _line("例如：查找财产、送达文书")),
        ("findings", "情况", _text_box(80)),
        ("as_measure", "", CheckRow("同时登记为“现场调查”执行措施（传统调查措施）", True)),
    ]
    return RecordDialog(
        "登记外勤",
        specs,
        lambda values: enforcement_more.record_field_visit(cf, case_id, values, today),
        parent,
    )
