"""`workstation ...`: the command line. With no command it starts the program's window.

A thin layer over the core: parse arguments, call the core, print. Errors the officer can fix
go to stderr in Chinese with exit status 2; the precise reason goes to the log.
"""

import argparse
import json
import logging
import os
import sys
import time
import warnings
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from . import __version__
from .domain.case import PARTY_KINDS, PARTY_ROLES, SEXES, status_label
from .domain.case_number import CaseNumber
from .domain.errors import InvalidValue
from .domain.money import format_money
from .paths import case_file_path
from .store import keys, queries
from .store.casefile import CaseFile
from .store.errors import CaseFileError, CaseFileMissing

log = logging.getLogger("workstation.cli")

EXIT_USER_ERROR = 2


class UserError(Exception):
    """An error the person at the keyboard can fix; its text is Chinese."""


def _open_readonly(args: argparse.Namespace) -> CaseFile:
    path = case_file_path(args.data_dir)
    try:
        return CaseFile.open(path, readonly=True)
    except CaseFileMissing:
        raise UserError(
            f"数据目录中还没有案件数据（{path}）。请先在程序中新建案件，"
            "或运行 workstation demo 生成演示数据。"
        ) from None


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import fill_demo

    path = case_file_path(args.data_dir)
    if args.cases < 1:
        raise UserError("--cases 须为正整数。")
    if path.exists() and not args.replace:
        with CaseFile.open(path, readonly=True) as cf:
            existing = queries.count_cases(cf.conn)
        if existing:
            raise UserError(
                f"数据目录中已有 {existing} 件案件（{path}），为免混入演示数据，未作任何改动。"
                "请用 --data-dir 指定一个新目录，或加 --replace 删除原数据后重新生成。"
            )
    if path.exists() and args.replace:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    made = None if keys.sidecar_path(path).exists() else keys.setup(path)
    with CaseFile.open(path, create=True, officer=args.officer) as cf:
        changes = fill_demo(cf, args.cases, seed=args.seed)
        total = queries.count_cases(cf.conn)
    elapsed = time.perf_counter() - started
    print(f"已生成演示数据：{total} 件案件，{changes} 条变更记录，用时 {elapsed:.1f} 秒。")
    print(f"案件数据文件：{path}（已加密）")
    if made is not None:
        print(
            f"恢复密钥（演示数据；正式数据的恢复密钥须抄在纸上交信息技术人员保管）：{made.recovery_key}"
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with _open_readonly(args) as cf:
        flt = queries.CaseFilter(text=args.text)
        total = queries.count_cases(cf.conn, flt)
        rows = queries.list_cases(cf.conn, flt, limit=args.limit, matches=total)
    cols = queries.LIST_COLUMNS
    found = [dict(zip(cols, r, strict=True)) for r in rows]
    if args.json:
        for row in found:
            row.pop("n")
        print(json.dumps({"total": total, "cases": found}, ensure_ascii=False, indent=2))
        return 0 if found else 1
    if not found:
        print(f"没有找到与“{args.text}”相符的案件。", file=sys.stderr)
        return 1
    for row in found:
        print(
            f"{row['case_number']}\t{row['applicants']}\t{row['debtors']}\t{row['officer']}\t"
            f"{row['filing_date']}\t{status_label(row['status'], row['closing_method'])}"
        )
    print(f"共 {total} 件" + (f"，显示前 {len(found)} 件" if total > len(found) else ""))
    return 0


def _case_number(text: str) -> str:
    try:
        return str(CaseNumber.parse(text))
    except InvalidValue as exc:
        raise UserError(exc.message) from None


def case_as_dict(cf: CaseFile, case_id: str) -> dict[str, Any]:
    from .cases import load_case

    detail = load_case(cf, case_id)
    assert detail is not None
    return {
        "id": case_id,
        **detail.case.values,
        "parties": [{"id": p.id, **p.values} for p in detail.parties],
        "warnings": detail.warnings,
    }


def cmd_show(args: argparse.Namespace) -> int:
    number = _case_number(args.case_number)
    with _open_readonly(args) as cf:
        case_id = queries.find_case_id(cf.conn, number)
        if case_id is None:
            raise UserError(f"没有找到案号为{number}的案件。")
        data = case_as_dict(cf, case_id)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    lines = [
        f"案号：{data['case_number']}",
        f"承办人：{data['officer']}",
        f"立案日期：{data['filing_date']}",
        f"案由：{data['cause']}",
        f"执行依据：{data['basis_number']} {data['basis_kind']}（生效日期 "
        f"{data['basis_effective_date'] or '未填'}）",
        f"执行标的：本金 {format_money(data['principal'])}，利息 {format_money(data['interest'])}"
        f"{('（' + data['interest_terms'] + '）') if data['interest_terms'] else ''}，"
        f"执行费 {format_money(data['enforcement_fee'])}",
        f"状态：{status_label(data['status'], data['closing_method'])}"
        + (f"，结案日期 {data['closing_date']}" if data["closing_date"] else ""),
    ]
    for p in data["parties"]:
        role = PARTY_ROLES[p["role"]]
        if p["kind"] == "person":
            extra = "，".join(
                x
                for x in (
                    SEXES.get(p["sex"] or "", ""),
                    p["ethnicity"],
                    p["birth_date"] and f"{p['birth_date']}出生",
                    p["id_number"] and f"身份证号{p['id_number']}",
                    p["address"] and f"住{p['address']}",
                    p["phone"] and f"电话{p['phone']}",
                )
                if x
            )
        else:
            extra = "，".join(
                x
                for x in (
                    PARTY_KINDS[p["kind"]],
                    p["credit_code"] and f"统一社会信用代码{p['credit_code']}",
                    p["address"] and f"住所地{p['address']}",
                    p["legal_representative"] and f"法定代表人{p['legal_representative']}",
                )
                if x
            )
        lines.append(f"{role}：{p['name']}" + (f"，{extra}" if extra else ""))
    if data["notes"]:
        lines.append(f"备注：{data['notes']}")
    lines.extend(f"提示：{w}" for w in data["warnings"])
    print("\n".join(lines))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    import getpass

    from .sync.client import HttpTransport, SyncClient, SyncError, swap_in_recovered

    path = case_file_path(args.data_dir)
    try:
        cf = CaseFile.open(path)
    except CaseFileMissing:
        raise UserError(f"数据目录中还没有案件数据（{path}）。") from None
    try:
        if args.server:
            cf.set_meta("server_url", args.server.rstrip("/"))
        if args.user:
            cf.set_meta("server_username", args.user)
        server, user = cf.meta("server_url"), cf.meta("server_username")
        if not server or not user:
            raise UserError("请先用 --server 和 --user 指定同步服务器地址和用户名。")

        def password() -> str | None:
            if os.environ.get("WORKSTATION_SYNC_PASSWORD"):
                return os.environ["WORKSTATION_SYNC_PASSWORD"]
            if sys.stdin is not None and sys.stdin.isatty():
                return getpass.getpass(f"{user} 的密码：")
            return None

        def progress(phase: str, done: int, total: int | None) -> None:
            if not args.quiet:
                print(f"{phase}…" + (f" {done}/{total}" if total else ""), file=sys.stderr)

        transport = HttpTransport(server)
        try:
            report = SyncClient(
                cf,
                transport,
                server_url=server,
                username=user,
                password=password,
                progress=progress,
            ).run()
        except SyncError as exc:
            log.info("sync failed: %s", exc.detail)
            print(f"同步未完成：{exc.message}", file=sys.stderr)
            return 3
        finally:
            transport.close()
    finally:
        cf.close()
    if report.backup is not None and (warning := report.backup.wait()):
        report.warnings.append(warning)
    if report.recovered and report.recovery_file:
        kept = swap_in_recovered(path, report.recovery_file)
        print(f"已用服务器的完整数据替换本机数据；原数据保留在 {kept}")
    print(
        f"同步完成：上传 {report.pushed} 条，下载 {report.pulled} 条，"
        f"未解决的冲突 {report.open_conflicts} 条。"
    )
    for reason in {r for _, r in report.rejected}:
        print(f"服务器拒绝了部分修改：{reason}", file=sys.stderr)
    for warning in report.warnings:
        print(f"提示：{warning}", file=sys.stderr)
    return 0


def cmd_readiness(args: argparse.Namespace) -> int:
    """Exit 0 only when the law allows ending the procedure; 1 when it does not yet."""
    from .domain.dates import parse_date
    from .enforcement import readiness

    number = _case_number(args.case_number)
    today = None
    if args.today:
        try:
            today = parse_date(args.today)
        except InvalidValue as exc:
            raise UserError(exc.message) from None
    with _open_readonly(args) as cf, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        case_id = queries.find_case_id(cf.conn, number)
        if case_id is None:
            raise UserError(f"没有找到案号为{number}的案件。")
        result = readiness(cf, case_id, today)
    notes = list(dict.fromkeys([*result.warnings, *(str(w.message) for w in caught)]))
    if args.json:
        print(
            json.dumps(
                {
                    "case_number": number,
                    "ready": result.ready,
                    "as_of": result.as_of.isoformat(),
                    "outstanding_fen": result.outstanding.amount,
                    "findings": [
                        {
                            "code": f.code,
                            "title": f.title,
                            "status": f.status.value,
                            "satisfied_by": list(f.satisfied_by),
                            "legal_source": f.legal_source,
                            "action": f.action,
                            "detail": f.detail,
                        }
                        for f in result.findings
                    ],
                    "warnings": notes,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        verdict = "可以终结本次执行程序" if result.ready else "尚不能终结本次执行程序"
        print(
            f"{number}：{verdict}（核查日期 {result.as_of.isoformat()}，"
            f"尚未执行金额 {format_money(result.outstanding.amount)}）"
        )
        for f in result.findings:
            line = f"［{f.status.label}］{f.title}"
            if f.action and f.status.value == "not_met":
                line += f"\n    应办：{f.action}"
            line += f"\n    依据：{f.legal_source}"
            print(line)
        for note in notes:
            print(f"提示：{note}")
    return 0 if result.ready else 1


def cmd_interview_record(args: argparse.Namespace) -> int:
    """Print a finalised interview record to a PDF: by its id, or the case's current record."""
    from . import interview
    from .documents import missing_glyphs, page_count, render_pdf

    with _open_readonly(args) as cf:
        document_id = args.record
        if cf.get("document", document_id) is None:
            try:
                number = str(CaseNumber.parse(args.record))
            except InvalidValue:
                raise UserError(f"没有编号为{args.record}的约谈笔录。") from None
            case_id = queries.find_case_id(cf.conn, number)
            current = interview.current_record(cf, case_id) if case_id else None
            if current is None:
                raise UserError(f"案件{number}还没有定稿的约谈笔录。")
            document_id = current.id
        try:
            held = interview.record(cf, document_id)
        except CaseFileError as exc:
            raise UserError(exc.message) from None
    missing = missing_glyphs(held.document)
    if missing:
        raise UserError(
            "笔录中有本机字体无法打印的字："
            + "、".join(missing)
            + "。请安装含这些字的字体后再打印。"
        )
    out = Path(args.output)
    try:
        render_pdf(held.document, out)
    except OSError as exc:
        log.error("writing %s failed: %s", out, exc)
        raise UserError(f"无法写入文件{out}：{exc.strerror or exc}") from None
    print(f"已生成约谈笔录 {out}（共 {page_count(held.document)} 页）")
    return 0


EXIT_NOT_READY = 1


def cmd_ruling(args: argparse.Namespace) -> int:
    """The case's termination ruling to a PDF: the one already issued, else issue it now (only
    when the termination check passes: exit 1 with the unmet conditions otherwise)."""
    from . import ruling
    from .cases import ValidationFailed
    from .documents import missing_glyphs, page_count, render_pdf
    from .domain.dates import parse_date

    number = _case_number(args.case_number)
    today = date.today()
    if args.today:
        try:
            today = parse_date(args.today)
        except InvalidValue as exc:
            raise UserError(exc.message) from None
    path = case_file_path(args.data_dir)
    try:
        cf = CaseFile.open(path)
    except CaseFileMissing:
        raise UserError(f"数据目录中还没有案件数据（{path}）。") from None
    with cf:
        case_id = queries.find_case_id(cf.conn, number)
        if case_id is None:
            raise UserError(f"没有找到案号为{number}的案件。")
        issued = [r for r in ruling.rulings(cf, case_id) if r.kind == ruling.RULING]
        made_now = not issued
        if issued:
            held = issued[-1]
        else:
            raw = ruling.ruling_form_defaults(cf, case_id, today)
            for key, value in (
                ("route", args.route),
                ("judges", args.judges),
                ("judge_title", args.judge_title),
                ("clerk", args.clerk),
                ("assistant", args.assistant),
                ("ruling_date", args.date),
                ("prior_rulings", args.prior_rulings),
            ):
                if value is not None:
                    raw[key] = value
            try:
                held = ruling.ruling_record(cf, ruling.issue_ruling(cf, case_id, raw, today))
            except ruling.NotReady as exc:
                print(f"{number}：{exc.message}", file=sys.stderr)
                return EXIT_NOT_READY
            except ValidationFailed as exc:
                raise UserError("；".join(exc.errors.values())) from None
        document = held.document
        if args.public:
            from .redaction import public_copy

            document, _ = public_copy(document, ruling.public_inputs(cf, case_id), args.policy)
    missing = missing_glyphs(document)
    if missing:
        raise UserError(
            "裁定书中有本机字体无法打印的字："
            + "、".join(missing)
            + "。请安装含这些字的字体后再打印。"
        )
    out = Path(args.output)
    try:
        render_pdf(document, out)
    except OSError as exc:
        log.error("writing %s failed: %s", out, exc)
        raise UserError(f"无法写入文件{out}：{exc.strerror or exc}") from None
    what = "已作出并输出" if made_now else "已输出"
    copy = "（上网公开版）" if args.public else ""
    print(f"{what}终本裁定 {held.number}{copy}：{out}（共 {page_count(document)} 页）")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent encrypted copy, also while the program has the file open."""
    from .backup import make_backup

    with _open_readonly(args) as cf:
        out = make_backup(cf, Path(args.out))
    print(f"已备份到 {out}（加密；在本机直接可恢复，在其他电脑上需要恢复密钥）")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the case file by a backup, checked in full first; the replaced files are kept."""
    from .backup import restore

    path = case_file_path(args.data_dir)
    done = restore(Path(args.backup), path, recovery_key=args.recovery_key)
    print(f"已从备份恢复案件数据：{path}")
    print(f"原来的数据保留在 {done.kept}")
    if done.migrate:
        print("这份备份来自较早版本的程序，下次打开时会自动升级数据格式。")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    """Open the case file on this computer with its recovery key (kept on paper by court IT)."""
    path = case_file_path(args.data_dir)
    if not path.exists():
        raise UserError(f"数据目录中没有案件数据（{path}）。")
    new_passphrase = None
    if not keys.keyring_available() and not os.environ.get(keys.PASSPHRASE_ENV):
        new_passphrase = _new_passphrase()
    keys.recover(path, args.recovery_key, new_passphrase=new_passphrase)
    with CaseFile.open(path, readonly=True) as cf:
        total = queries.count_cases(cf.conn)
    where = "本机系统钥匙串" if keys.read_sidecar(path)["mode"] == "keyring" else "新口令"
    print(f"已用恢复密钥打开案件数据（{total} 件案件），密钥已由{where}保管。")
    return 0


def cmd_new_recovery_key(args: argparse.Namespace) -> int:
    path = case_file_path(args.data_dir)
    with CaseFile.open(path, readonly=True):
        text = keys.new_recovery_key(path)
    print("新的恢复密钥（只显示这一次，请抄在纸上交法院信息技术人员保管；旧的恢复密钥已作废）：")
    print(text)
    return 0


def _new_passphrase() -> str:
    import getpass

    if sys.stdin is None or not sys.stdin.isatty():
        raise UserError(f"本机没有系统钥匙串：请用环境变量 {keys.PASSPHRASE_ENV} 给出新口令。")
    first = getpass.getpass("为这份案件数据设定口令（至少 8 个字符）：")
    if getpass.getpass("再输入一次：") != first:
        raise UserError("两次输入的口令不一致。")
    return first


def _unlock_if_asked(args: argparse.Namespace) -> None:
    """A case file protected by a passphrase, none in the environment: ask at the terminal."""
    import getpass

    path = case_file_path(getattr(args, "data_dir", None))
    if keys.needs_passphrase(path) and sys.stdin is not None and sys.stdin.isatty():
        keys.key_for(path, passphrase=getpass.getpass("案件数据的口令："))


def cmd_report(args: argparse.Namespace) -> int:
    """周通报 / 月讲评 of a court as PDF or Excel (by the output file's suffix)."""
    from .indicators import ReportPeriod
    from .reports import briefing, save_briefing

    try:
        period = ReportPeriod.parse(args.period)
    except InvalidValue as exc:
        raise UserError(exc.message) from None
    out = Path(args.output)
    if out.suffix.lower() not in (".pdf", ".xlsx"):
        raise UserError("输出文件应以 .pdf 或 .xlsx 结尾。")
    with _open_readonly(args) as cf:
        b = briefing(cf.conn, args.kind, args.court, period)
    save_briefing(b, out)
    print(f"已输出{b.court_name}{b.title}（{period.label}）：{out}")
    return 0


def cmd_ledger(args: argparse.Namespace) -> int:
    """案件台账 / 案款台账 with the chosen columns, as Excel or CSV (by the suffix)."""
    from .reports import export_ledger, ledger_columns

    columns = (
        [c.strip() for c in args.columns.split(",") if c.strip()]
        if args.columns
        else list(ledger_columns(args.which))
    )
    with _open_readonly(args) as cf:
        try:
            rows = export_ledger(
                cf.conn,
                args.which,
                columns,
                Path(args.output),
                court=args.court,
                officer=args.officer_name,
            )
        except InvalidValue as exc:
            raise UserError(exc.message) from None
    print(f"已输出{'案件' if args.which == 'cases' else '案款'}台账 {rows} 行：{args.output}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Tamper evidence: journal chain, integrity check, state against a replay, document hashes.
    Exit 0 when all pass, 1 when something is wrong (what and where), 2 for usage errors."""
    from .verify import CHECK_LABELS, verify

    with _open_readonly(args) as cf:
        result = verify(cf.conn)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif result.ok:
        print(
            f"核验通过：变更日志 {result.entries} 条，校验链完整；数据库完整性检查通过；"
            f"{result.records} 条记录与日志重放一致；{result.documents} 份定稿文书与校验值一致。"
        )
    else:
        print(f"核验发现 {len(result.findings)} 处问题：")
        for finding in result.findings:
            print(f"【{CHECK_LABELS[finding.check]}】{finding.message}")
        print("请保留这份数据文件（不要再修改），并联系法院信息技术人员。")
    return 0 if result.ok else 1


def cmd_gui(args: argparse.Namespace) -> int:
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        raise UserError(
            "没有图形桌面（未设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开程序窗口。"
            "请在桌面环境中运行；命令行功能见 workstation --help。"
        )
    from ui.app import run  # the one place the core reaches into the UI: starting it

    return run(case_file_path(args.data_dir))


def cmd_selftest(args: argparse.Namespace) -> int:
    """`--selftest`: the installation does its job (see workstation/selftest.py); exit 0 only
    when every step passed. Offscreen, in a temporary folder; the officer's data is not touched."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.selftest import qt_steps  # the window step needs Qt, as the window does

    from .selftest import run_selftest

    keep = Path(args.selftest_dir) if args.selftest_dir else None
    return run_selftest(qt_steps(), folder=keep)


def _start_log(args: argparse.Namespace) -> None:
    """The rotating log file in the data directory, once there is a case file there (or the
    command makes one): a command that fails for want of data leaves the folder as it was."""
    from .logs import setup_logging

    path = case_file_path(args.data_dir)
    if path.exists() or args.func in (cmd_gui, cmd_demo, cmd_restore):
        try:
            setup_logging(path.parent)
        except OSError as exc:  # a read-only data folder does not stop the command
            log.warning("no log file in %s: %s", path.parent, exc)


def build_parser() -> argparse.ArgumentParser:
    data_dir_help = "数据目录（默认：环境变量 WORKSTATION_DATA_DIR，或系统的用户数据目录）"
    parser = argparse.ArgumentParser(prog="workstation", description="执行干警离线工作站")
    parser.add_argument("--data-dir", metavar="DIR", help=data_dir_help)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="自检：在临时文件夹中新建加密案件数据、核查终本条件、输出笔录和裁定 PDF、绘制主窗口"
        "（不触及本机数据），全部通过时退出码为 0",
    )
    parser.add_argument("--selftest-dir", metavar="DIR", help=argparse.SUPPRESS)
    # Also accepted after the command; SUPPRESS keeps a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=data_dir_help)
    parser.set_defaults(func=cmd_gui)
    sub = parser.add_subparsers(title="命令", metavar="COMMAND")
    p = sub.add_parser("gui", parents=[common], help="打开程序窗口（默认）")
    p.set_defaults(func=cmd_gui)
    p = sub.add_parser("demo", parents=[common], help="生成演示案件数据")
    p.add_argument("--cases", type=int, default=2000, help="案件数（默认 2000）")
    p.add_argument("--seed", type=int, default=1, help="随机种子：同一种子生成同样的数据")
    p.add_argument("--officer", default="张伟", help="本机登录的承办人姓名")
    p.add_argument("--replace", action="store_true", help="删除数据目录中原有的案件数据后重新生成")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser(
        "search", parents=[common], help="搜索案件（案号、当事人、证件号、电话、地址、备注）"
    )
    p.add_argument("text")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("sync", parents=[common], help="与中心服务器同步")
    p.add_argument("--server", help="服务器地址，例如 http://10.1.1.5:8080（记住，下次可省略）")
    p.add_argument("--user", help="同步用户名（记住，下次可省略）")
    p.add_argument("--quiet", action="store_true", help="不显示进度")
    p.set_defaults(func=cmd_sync)
    p = sub.add_parser("readiness", parents=[common], help="核查能否终结本次执行程序（终本条件）")
    p.add_argument("case_number")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--today", help="按哪一天核查（默认今天）")
    p.set_defaults(func=cmd_readiness)
    p = sub.add_parser("interview-record", parents=[common], help="把定稿的终本约谈笔录输出为 PDF")
    p.add_argument("record", help="约谈笔录编号，或案号（输出该案现行的约谈笔录）")
    p.add_argument("-o", "--output", required=True, help="PDF 文件")
    p.set_defaults(func=cmd_interview_record)
    p = sub.add_parser(
        "ruling",
        parents=[common],
        help="输出终结本次执行程序裁定书（尚未作出的，在终本条件满足时作出）",
    )
    p.add_argument("case_number")
    p.add_argument("-o", "--output", required=True, help="PDF 文件")
    p.add_argument("--public", action="store_true", help="输出上网公开版（隐名、删除个人信息）")
    p.add_argument(
        "--policy", choices=("2016", "current"), default="2016", help="上网公开的隐名规则"
    )
    p.add_argument(
        "--route",
        choices=("applicant_confirmed", "collegial"),
        help="终本方式：申请执行人签字确认，或合议庭审查并经院长批准（默认按约谈意见）",
    )
    p.add_argument("--judges", help="署名的审判人员：独任一人；合议庭依次审判长、审判员共三人")
    p.add_argument("--judge-title", choices=("审判员", "执行员"), help="独任署名人的职务")
    p.add_argument("--clerk", help="书记员")
    p.add_argument("--assistant", help="法官助理（可不填）")
    p.add_argument("--date", help="裁定日期（默认今天）")
    p.add_argument("--prior-rulings", help="本案号在程序外已作出的裁定数（用于“之一”编号）")
    p.add_argument("--today", help="按哪一天核对日期（默认今天）")
    p.set_defaults(func=cmd_ruling)
    p = sub.add_parser("backup", parents=[common], help="备份案件数据（加密；程序打开时也可备份）")
    p.add_argument("--out", required=True, metavar="FILE", help="备份文件")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[common], help="从备份恢复案件数据（先完整核验）")
    p.add_argument("backup", metavar="FILE", help="备份文件")
    p.add_argument("--recovery-key", help="在其他电脑上恢复时：该数据的恢复密钥")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("recover", parents=[common], help="用恢复密钥在本机打开案件数据")
    p.add_argument("--recovery-key", required=True, help="8 组 5 个字符的恢复密钥")
    p.set_defaults(func=cmd_recover)
    p = sub.add_parser("new-recovery-key", parents=[common], help="生成新的恢复密钥（旧的作废）")
    p.set_defaults(func=cmd_new_recovery_key)
    p = sub.add_parser(
        "report", parents=[common], help="输出周通报（weekly）或月讲评（monthly），PDF 或 Excel"
    )
    p.add_argument("kind", choices=["weekly", "monthly"])
    p.add_argument("--court", required=True, help="法院代字，如 豫0302")
    p.add_argument(
        "--period", required=True, help="2026-W47（周）、2026-11（月）或 2026-11-01..2026-11-30"
    )
    p.add_argument("-o", "--output", required=True, help="输出文件（.pdf 或 .xlsx）")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("ledger", parents=[common], help="导出案件台账或案款台账，Excel 或 CSV")
    p.add_argument("which", choices=["cases", "funds"])
    p.add_argument("--columns", default="", help="逗号分隔的列名（不写则全部列）")
    p.add_argument("--court", default=None, help="只导出该法院的案件")
    p.add_argument("--officer-name", default=None, help="只导出该承办人的案件")
    p.add_argument("-o", "--output", required=True, help="输出文件（.xlsx 或 .csv）")
    p.set_defaults(func=cmd_ledger)
    p = sub.add_parser(
        "verify", parents=[common], help="核验案件数据是否被改动（校验链、完整性、重放、文书）"
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("show", parents=[common], help="显示一件案件")
    p.add_argument("case_number")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING)  # the log file, when there is one, takes INFO too
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", handlers=[console]
    )
    args = build_parser().parse_args(argv)
    if args.selftest:
        return cmd_selftest(args)
    _start_log(args)
    try:
        if args.func not in (cmd_gui, cmd_demo, cmd_recover, cmd_restore):
            _unlock_if_asked(args)
        return args.func(args)
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except CaseFileError as exc:
        log.info("%s", exc.detail)
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    finally:
        from .logs import stop_logging

        stop_logging()


if __name__ == "__main__":
    sys.exit(main())
