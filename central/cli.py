"""`workstation-central ...`: run and administer the central server.

A thin layer over admin.py and app.py. Errors an administrator can fix go to stderr in Chinese
with exit status 2. --db takes a SQLite file path or URL, or postgresql://user@host:port/name.
"""

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import OperationalError

from . import admin, receipts
from .auth import ROLES
from .db import Database, sqlite_path
from .errors import CentralError

log = logging.getLogger("central.cli")

EXIT_USER_ERROR = 2
DB_ENV = "WORKSTATION_CENTRAL_DB"
DEFAULT_DB = "central.sqlite3"


def default_blob_dir(db_url: str) -> Path:
    """Beside the SQLite file, or ./blobs for PostgreSQL."""
    path = sqlite_path(db_url)
    return path.parent / "blobs" if path is not None else Path("blobs").resolve()


def _db(args: argparse.Namespace) -> Database:
    return Database(args.db)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    blob_dir = Path(args.blobs) if args.blobs else default_blob_dir(args.db)
    app = create_app(args.db, blob_dir, token_days=args.token_days)
    print(
        f"中心服务器：http://{args.host}:{args.port}  数据库：{app.state.db.describe()}  "
        f"附件目录：{blob_dir}",
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    with _db(args) as db:
        applied = admin.init(db, Path(args.courts) if args.courts else None)
        steps = "、".join(map(str, applied))
        what = f"已升级数据库结构（第 {steps} 步）" if applied else "数据库结构已是最新"
        print(f"{what}；已载入法院代码表。数据库：{db.describe()}")
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if value is None:
            raise CentralError(f"环境变量 {args.password_env} 未设置。")
        return value
    if args.password is not None:
        return args.password
    raise CentralError("请用 --password-env 变量名（推荐）或 --password 给出密码。")


def cmd_add_account(args: argparse.Namespace) -> int:
    with _db(args) as db:
        admin.ensure_ready(db)
        admin.add_account(
            db,
            args.username,
            _password(args),
            role=args.role,
            court=args.court,
            name=args.name or args.username,
        )
        print(f"已添加账号 {args.username}（{ROLES[args.role]}，{args.court}）。")
    return 0


def cmd_add_case(args: argparse.Namespace) -> int:
    with _db(args) as db:
        admin.ensure_ready(db)
        case_id = admin.add_case(db, admin.read_case_file(Path(args.json)), args.officer)
        print(f"已添加案件（编号 {case_id}），承办人 {args.officer}。")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    with _db(args) as db:
        admin.ensure_ready(db)
        admin.assign(db, args.case_number, args.officer)
        print(f"已将案件 {args.case_number} 指派给 {args.officer}。")
    return 0


def cmd_load_demo(args: argparse.Namespace) -> int:
    if args.cases < 1:
        raise CentralError("--cases 须为正整数。")
    with _db(args) as db:
        admin.ensure_ready(db)
        changes, seconds = admin.load_demo(
            db, cases=args.cases, seed=args.seed, court=args.court, officer_username=args.officer
        )
        rate = changes / seconds if seconds else 0
        print(
            f"已导入演示数据：{args.cases} 件案件，{changes} 条变更，用时 {seconds:.1f} 秒"
            f"（每秒 {rate:,.0f} 条）。"
        )
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    with _db(args) as db:
        admin.ensure_ready(db)
        n = admin.revoke(db, args.username)
        print(f"已注销账号 {args.username} 的 {n} 个登录凭据。")
    return 0


def cmd_add_receipt(args: argparse.Namespace) -> int:
    with _db(args) as db:
        admin.ensure_ready(db)
        receipt_id, receipt = admin.add_receipt(
            db,
            court_code=args.court,
            received_date=args.date,
            amount=args.amount,
            payer=args.payer,
            payer_account=args.payer_account or "",
            receipt_number=args.receipt_number or "",
            source=args.source,
            note=args.note or "",
        )
        print(f"已登记未认领款项（编号 {receipt_id}）：{args.court} {receipts.describe(receipt)}。")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workstation-central", description="执行干警工作站中心服务器"
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=os.environ.get(DB_ENV, DEFAULT_DB),
        metavar="URL",
        help=f"数据库：SQLite 文件路径或 postgresql://… 地址（默认：环境变量 {DB_ENV}，"
        f"或当前目录的 {DEFAULT_DB}）",
    )
    sub = parser.add_subparsers(title="命令", metavar="COMMAND", required=True)

    p = sub.add_parser("serve", parents=[common], help="启动服务器")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=8470, help="端口（默认 8470）")
    p.add_argument(
        "--blobs", metavar="DIR", help="附件目录（默认：数据库文件旁的 blobs，或 ./blobs）"
    )
    p.add_argument("--token-days", type=float, default=30, help="登录凭据有效天数（默认 30）")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("init", parents=[common], help="建立或升级数据库，载入法院代码表")
    p.add_argument("--courts", metavar="FILE", help="法院代码表（默认：程序自带的 courts.toml）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("add-account", parents=[common], help="添加账号")
    p.add_argument("--username", required=True)
    p.add_argument("--password-env", metavar="VAR", help="从此环境变量读取密码（推荐）")
    p.add_argument("--password", help="密码（会留在命令历史中，不推荐）")
    p.add_argument("--role", required=True, choices=list(ROLES))
    p.add_argument("--court", required=True, help="所在法院的法院代字，如 豫0302")
    p.add_argument("--name", help="使用人姓名")
    p.set_defaults(func=cmd_add_account)

    p = sub.add_parser("add-case", parents=[common], help="从 JSON 文件添加一件案件及其当事人")
    p.add_argument("--json", required=True, metavar="FILE")
    p.add_argument("--officer", required=True, metavar="USERNAME", help="承办人的用户名")
    p.set_defaults(func=cmd_add_case)

    p = sub.add_parser("assign", parents=[common], help="把案件指派给承办人")
    p.add_argument("--case-number", required=True)
    p.add_argument("--officer", required=True, metavar="USERNAME")
    p.set_defaults(func=cmd_assign)

    p = sub.add_parser("load-demo", parents=[common], help="为承办人生成演示案件")
    p.add_argument("--cases", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--court", required=True)
    p.add_argument("--officer", required=True, metavar="USERNAME")
    p.set_defaults(func=cmd_load_demo)

    p = sub.add_parser(
        "add-receipt", parents=[common], help="登记到账但未能对应案件的款项（未认领款项）"
    )
    p.add_argument("--court", required=True, help="收款法院的法院代字，如 豫0302")
    p.add_argument("--date", required=True, help="到账日期，如 2024-03-05")
    p.add_argument("--amount", required=True, help="到账金额（元），如 1234.56")
    p.add_argument("--payer", required=True, help="交款人（不详时写“不详”）")
    p.add_argument("--payer-account", help="交款账号")
    p.add_argument("--receipt-number", help="票据号")
    p.add_argument(
        "--source",
        default="transfer",
        help="款项来源：transfer（划拨，默认）、debtor_payment、auction_or_sale、other",
    )
    p.add_argument("--note", help="备注")
    p.set_defaults(func=cmd_add_receipt)

    p = sub.add_parser("revoke", parents=[common], help="注销账号的全部登录凭据")
    p.add_argument("--username", required=True)
    p.set_defaults(func=cmd_revoke)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CentralError as exc:
        log.info("%s", exc.detail)
        print(f"错误：{exc.reason}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OperationalError as exc:  # locked, disk full, connection lost: the operator can act
        log.info("%s", exc)
        print(f"错误：数据库操作失败（{exc.orig or exc}），未作改动。", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
