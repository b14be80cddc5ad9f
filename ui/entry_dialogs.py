"""Dialogs for the rarer entries of the enforcement record: deferral and escrow of case funds, the
excessive-seizure exception, the after-termination result told to the applicant, and starting a
resumption case. Each hands the fields as typed to one core function (`enforcement_entries`,
`resumption`) and shows its Chinese messages; nothing is decided here."""

from datetime import date

from PySide6.QtWidgets import QLineEdit, QWidget

from workstation import enforcement_entries, resumption
from workstation.domain.measures import DeferralReason, EscrowReason
from workstation.domain.money import format_money
from workstation.store.casefile import CaseFile

from .case_dialog import _combo, _line
from .record_dialogs import DATE_HINT, MONEY_HINT, CheckRow, RecordDialog, Spec, _labelled
from .record_dialogs import _text_box as text_box


def _today_line(today: date | None) -> QLineEdit:
    line = _line(DATE_HINT)
    line.setText((today or date.today()).isoformat())
    return line


def deferral_dialog(
    cf: CaseFile,
    case_id: str,
    receipt_id: str,
    receipt_text: str,
    today: date | None,
    parent: QWidget | None = None,
) -> RecordDialog:
    specs: list[Spec] = [
        ("reason", "延缓事由", _combo(_labelled(DeferralReason), blank="（请选择）")),
        ("approver", "批准人", _line("执行局长或主管院领导")),
        ("date", "开始日期", _today_line(today)),
        ("end_date", "结束日期", _line("事由消失之日；尚未消失的留空，以后登记")),
        ("note", "说明", text_box(50)),
    ]
    return RecordDialog(
        "暂缓发放",
        specs,
        lambda values: enforcement_entries.record_deferral(
            cf, case_id, values | {"receipt_id": receipt_id}, today
        ),
        parent,
        note=f"到账款：{receipt_text}。\n执行款应在到账之日起三十日内发放；有法定事由的，"
        "经批准可以延缓，延缓期间不计入发放期限。",
    )


def end_deferral_dialog(
    cf: CaseFile, deferral_id: str, what: str, today: date | None, parent: QWidget | None = None
) -> RecordDialog:
    return RecordDialog(
        "暂缓结束",
        [("end_date", "结束日期", _today_line(today))],
        lambda values: enforcement_entries.end_deferral(cf, deferral_id, values, today),
        parent,
        note=f"{what}。\n登记延缓事由消失之日，此后发放期限继续计算。",
    )


def escrow_dialog(
    cf: CaseFile,
    case_id: str,
    receipt_id: str,
    receipt_text: str,
    held: int,
    today: date | None,
    parent: QWidget | None = None,
) -> RecordDialog:
    amount = _line(MONEY_HINT)
    amount.setText(f"{held // 100}.{held % 100:02d}")  # whole fen, as typed: 50000.00
    specs: list[Spec] = [
        ("reason", "提存事由", _combo(_labelled(EscrowReason), blank="（请选择）")),
        ("amount", "提存金额（元）", amount),
        ("date", "提存日期", _today_line(today)),
        ("approver", "批准人", _line()),
        ("note", "说明", text_box(50)),
    ]
    return RecordDialog(
        "提存",
        specs,
        lambda values: enforcement_entries.record_escrow(
            cf, case_id, values | {"receipt_id": receipt_id}, today
        ),
        parent,
        note=f"到账款：{receipt_text}，尚未发放{format_money(held)}。\n提存的款项按已发放计。",
    )


def excess_exception_dialog(
    cf: CaseFile,
    seizure_id: str,
    what: str,
    today: date | None,
    parent: QWidget | None = None,
) -> RecordDialog:
    officer = _line()
    officer.setText(cf.officer)
    specs: list[Spec] = [
        ("indivisible", "", CheckRow("该财产为不可分物")),
        (
            "no_other_property",
            "",
            CheckRow("被执行人无其他可供执行的财产，或者其他财产不足以清偿债务"),
        ),
        ("reason", "具体理由", text_box(70)),
        ("officer", "承办人", officer),
        ("date", "记录日期", _today_line(today)),
    ]
    return RecordDialog(
        "记录超标的查封的例外情形",
        specs,
        lambda values: enforcement_entries.record_excess_exception(cf, seizure_id, values, today),
        parent,
        note=f"{what}。\n查封规定第19条：超标的额部分应当及时解除，但该财产为不可分物且被执行人"
        "无其他可供执行的财产或者其他财产不足以清偿债务的除外。两项须同时具备。",
    )


def told_applicant_dialog(
    cf: CaseFile, measure_id: str, what: str, today: date | None, parent: QWidget | None = None
) -> RecordDialog:
    return RecordDialog(
        "查询结果已告知申请执行人",
        [("told_applicant", "告知日期", _today_line(today))],
        lambda values: enforcement_entries.record_told_applicant(cf, measure_id, values, today),
        parent,
        note=f"{what}。\n终本后每六个月的网络查询结果应告知申请执行人（法〔2016〕373号 第九条）。",
    )


def resumption_dialog(
    cf: CaseFile,
    original_case_id: str,
    original_number: str,
    today: date | None,
    parent: QWidget | None = None,
) -> RecordDialog:
    number = _line("如（2026）豫0302执恢12号")
    number.setText(resumption.proposed_number(cf, original_case_id, today))
    officer = _line()
    officer.setText(cf.get("case", original_case_id).values["officer"] or cf.officer)
    specs: list[Spec] = [
        ("case_number", "案号", number),
        ("filing_date", "立案日期", _today_line(today)),
        ("officer", "承办人", officer),
        ("notes", "备注", text_box(50)),
    ]
    dialog = RecordDialog(
        "恢复执行",
        specs,
        lambda values: resumption.start_resumption(cf, original_case_id, values, today),
        parent,
        note=f"原案：{original_number}（终结本次执行程序）。\n新立执恢案件，当事人和执行依据照原案"
        "登记，原案已到位的款项计入本案已到位金额；原案不作改动。请在案号中补上序号。",
    )
    dialog.setMinimumWidth(560)
    number.setFocus()
    number.end(False)
    return dialog
