"""The HTTP API (workstation/sync/protocol.py describes it) over the database and blob store.

Stateless between requests: every request finds its account through its token in the database.
Request bodies are read and checked here, so that a malformed request gets a 4xx with a Chinese
`reason`, never a 500. Error bodies are {"reason": Chinese, "detail": precise, ...}.
"""

import asyncio
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from workstation import __version__
from workstation.domain.errors import InvalidValue
from workstation.sync import protocol

from . import admin, auth, feed, indicators, receipts
from .auth import ADMIN, COURT_MANAGER, Actor, iso, now
from .blobs import BlobStore, check_sha256
from .db import Database
from .errors import ApiError, CentralError, DatabaseUnavailable
from .ingest import clean, ingest, parse
from .scope import in_read_scope
from .tables import blob_uploaders, blobs, records

log = logging.getLogger("central")

MAX_PUSH_BYTES = 64 << 20
MAX_SMALL_BODY = 64 << 10
# Tests only: "before_commit:PATH" or "after_commit:PATH" makes a push create PATH at that point
# and wait, so that a test can kill the server there.
HOLD_ENV = "WORKSTATION_CENTRAL_TEST_HOLD"

_STATUS_REASONS = {
    404: "没有这个接口，请检查服务器地址和程序版本。",
    405: "接口不支持这种请求方法。",
}

_PUSH_SCHEMA = {
    "type": "object",
    "required": ["changes"],
    "properties": {
        "changes": {
            "type": "array",
            "maxItems": protocol.PUSH_BATCH,
            "items": {
                "type": "object",
                "required": list(protocol._WIRE_KEYS),
                "properties": {
                    "change_id": {"type": "string"},
                    "record_type": {"type": "string"},
                    "record_id": {"type": "string"},
                    "fields": {"type": "object"},
                    "base": {"type": "object", "additionalProperties": {"type": "string"}},
                    "officer": {"type": "string"},
                    "device": {"type": "string"},
                    "at": {"type": "string"},
                    # optional: the workstation's push chain values (store/chain.py)
                    "chain_prev": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "chain": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                },
            },
        }
    },
}
_CLAIM_SCHEMA = {
    "type": "object",
    "required": ["case_id", "funds_id"],
    "properties": {"case_id": {"type": "string"}, "funds_id": {"type": "string"}},
}
_RECEIPT_SCHEMA = {
    "type": "object",
    "required": ["received_date", "amount", "payer"],
    "properties": {
        "court_code": {"type": "string"},
        "received_date": {"type": "string", "description": "ISO date, not in the future"},
        "amount": {"type": "integer", "description": "fen, above zero"},
        "payer": {"type": "string"},
        "payer_account": {"type": "string"},
        "receipt_number": {"type": "string"},
        "source": {"type": "string"},
        "note": {"type": "string"},
    },
}
_SESSION_SCHEMA = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string"},
        "password": {"type": "string"},
        "device": {"type": "string"},
    },
}


_ERROR_SCHEMA = {
    "type": "object",
    "required": ["reason", "detail"],
    "properties": {
        "reason": {"type": "string", "description": "Chinese, for people"},
        "detail": {},
    },
}
_ERROR_MEANINGS = {
    400: "the request body did not arrive whole",
    401: "no valid token (or, signing in, a wrong user name or password)",
    403: "the account may not do this",
    404: "no such thing in the caller's reach",
    409: "in conflict with what the server holds (see the reason)",
    413: "the request body is too large",
    422: "the request is malformed (see the reason)",
    429: "too many failed sign-ins: wait",
    503: "the server's database is unavailable: retry later",
}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for refusals: the error body every refusal has."""
    return {
        status: {
            "description": _ERROR_MEANINGS[status],
            "content": {"application/json": {"schema": _ERROR_SCHEMA}},
        }
        for status in statuses
    }


_BODY_ERRORS = _errors(400, 413)  # an endpoint that reads a request body


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _error(status: int, reason: str, detail: Any = "", **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        {"reason": reason, "detail": detail or reason, **extra}, status_code=status, headers=headers
    )


async def _read_body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise ApiError(413, f"请求内容过大（上限 {limit // 1024} KB）。", f"{length} bytes")
    chunks, total = [], 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit:
                raise ApiError(413, f"请求内容过大（上限 {limit // 1024} KB）。", f">{limit}")
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError(400, "请求未完整送达。", "client disconnected") from None
    return b"".join(chunks)


async def _read_json(request: Request, limit: int) -> Any:
    body = await _read_body(request, limit)
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "请求内容不是有效的 JSON。", str(exc)[:200]) from None


def _hold(stage: str) -> None:
    """The test hook of HOLD_ENV: mark the point reached, then wait to be killed."""
    spec = os.environ.get(HOLD_ENV, "")
    if spec.startswith(stage + ":"):
        Path(spec.split(":", 1)[1]).write_text(stage)
        time.sleep(120)


def create_app(db_url: str, blob_dir: Path, *, token_days: float = 30) -> FastAPI:
    """The server app over the database at `db_url` (migrated, courts loaded if empty)."""
    db = Database(db_url)
    try:
        admin.ensure_ready(db)
    except BaseException:
        db.close()
        raise
    store = BlobStore(blob_dir)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await asyncio.to_thread(db.close)

    app = FastAPI(
        lifespan=lifespan,
        title="执行干警工作站 · 中心服务器",
        version=__version__,
        description=(protocol.__doc__ or "").strip(),
        docs_url=None,  # the Swagger page loads scripts from the internet; court networks don't
        redoc_url=None,
        responses=_errors(401, 422, 503),  # any endpoint: token, parameters, database
    )
    app.state.db = db
    app.state.blobs = store

    # -- errors ---------------------------------------------------------------------------------
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        if exc.status >= 500:
            log.warning("%s", exc.detail)
        return _error(exc.status, exc.reason, exc.detail, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "、".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        detail = [{"loc": list(e.get("loc", [])), "msg": e.get("msg", "")} for e in exc.errors()]
        return _error(422, f"请求参数不合规定（{where}）。", detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        reason = _STATUS_REASONS.get(exc.status_code, f"请求未被接受（{exc.status_code}）。")
        return _error(exc.status_code, reason, str(exc.detail))

    @app.exception_handler(DatabaseUnavailable)
    async def _no_db(_request: Request, exc: DatabaseUnavailable) -> JSONResponse:
        log.error("database unavailable: %s", exc.detail)
        return _error(503, "服务器数据库暂时不可用，请稍后再试。", "database unavailable")

    @app.exception_handler(OperationalError)
    async def _db_down(_request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database error: %s", exc)
        return _error(503, "服务器数据库暂时不可用，请稍后再试。", "database error")

    @app.exception_handler(DBAPIError)
    async def _db_error(_request: Request, exc: DBAPIError) -> JSONResponse:
        log.exception("database error", exc_info=exc)
        return _error(500, "服务器内部错误，请稍后再试；如持续出现请联系法院信息技术人员。")

    # -- who is asking -------------------------------------------------------------------------
    def current_actor(request: Request) -> Actor:
        with db.read() as conn:
            return auth.authenticate(conn, request.headers.get("authorization"))

    CurrentActor = Annotated[Actor, Depends(current_actor)]

    def in_thread(fn: Callable[..., Any], *args: Any) -> Any:
        return run_in_threadpool(fn, *args)

    # -- session --------------------------------------------------------------------------------
    @app.post(
        protocol.API + "/session",
        openapi_extra=_json_body(_SESSION_SCHEMA),
        tags=["session"],
        responses=_BODY_ERRORS | _errors(429),
    )
    async def sign_in(request: Request) -> JSONResponse:
        """Sign in: a new token for the device (only its SHA-256 is stored)."""
        data = await _read_json(request, MAX_SMALL_BODY)
        if not isinstance(data, dict):
            raise ApiError(422, "登录请求应包含 username 和 password。", "not an object")
        username, password = data.get("username"), data.get("password")
        device = data.get("device", "")
        for value in (username, password, device):
            if not isinstance(value, str) or not clean(value) or len(value) > 200:
                raise ApiError(422, "登录请求应包含 username 和 password 文字。", "bad fields")
        return JSONResponse(await in_thread(_sign_in, username, password, device))

    def _sign_in(username: str, password: str, device: str) -> dict[str, Any]:
        try:
            with db.read() as conn:
                account = auth.check_sign_in(conn, username, password)
        except ApiError as exc:
            if exc.status == 401:
                with db.write(ordered=False) as conn:
                    auth.record_failure(conn, username)
            raise
        with db.write(ordered=False) as conn:
            auth.clear_failures(conn, username)
            token, expires = auth.issue_token(conn, account.id, device, token_days)
        return {
            "token": token,
            "expires_at": expires,
            "server_time": iso(now()),
            "account": {
                "username": account.username,
                "display_name": account.display_name,
                "role": account.role,
                "court_code": account.court_code,
            },
        }

    @app.delete(protocol.API + "/session", tags=["session"])
    def sign_out(request: Request, actor: CurrentActor) -> dict[str, Any]:
        """Revoke the token presented."""
        token = request.headers["authorization"].partition(" ")[2].strip()
        with db.write(ordered=False) as conn:
            auth.revoke_token(conn, token)
        return {"revoked": True}

    @app.get(protocol.API + "/status", tags=["sync"])
    def status(actor: CurrentActor) -> dict[str, Any]:
        with db.read() as conn:
            latest = feed.latest_seq(conn, actor)
        return {"server_time": iso(now()), "latest_seq": latest, "account": actor.as_json()}

    # -- push and pull --------------------------------------------------------------------------
    @app.post(
        protocol.API + "/push",
        openapi_extra=_json_body(_PUSH_SCHEMA),
        tags=["sync"],
        responses=_BODY_ERRORS,
    )
    async def push(request: Request, actor: CurrentActor) -> JSONResponse:
        """Accept changes in order; each is accepted, a duplicate, or rejected with a reason."""
        data = await _read_json(request, MAX_PUSH_BYTES)
        if not isinstance(data, dict) or not isinstance(data.get("changes"), list):
            raise ApiError(422, '上传内容应为 {"changes": [...]}。', "no changes list")
        changes = data["changes"]
        if len(changes) > protocol.PUSH_BATCH:
            raise ApiError(
                413,
                f"一次最多上传 {protocol.PUSH_BATCH} 条变更，请分批上传。",
                f"{len(changes)} changes",
            )
        results = await in_thread(_push, actor, changes)
        return JSONResponse({"results": results})

    def _push(actor: Actor, changes: list[Any]) -> list[dict[str, Any]]:
        parsed = [parse(w) for w in changes]  # before taking the write lock
        with db.write() as conn:
            batch = ingest(conn, actor, changes, parsed=parsed)
            _hold("before_commit")
        _hold("after_commit")
        return [
            {
                "change_id": r.change_id,
                "status": r.status,
                "server_seq": r.server_seq,
                "reason": r.reason,
            }
            for r in batch.results
        ]

    @app.get(protocol.API + "/changes", tags=["sync"])
    def changes(
        actor: CurrentActor,
        since: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=2**31)] = protocol.PULL_PAGE,
    ) -> Response:
        """The changes in the caller's scope after `since`, ascending (at most 5,000 a page)."""
        with db.read() as conn:
            body = feed.pull(conn, actor, since, min(limit, feed.MAX_PULL))
        return Response(body, media_type="application/json")

    @app.get(protocol.API + "/summary", tags=["sync"])
    def summary(actor: CurrentActor) -> dict[str, Any]:
        with db.read() as conn:
            return feed.summary(conn, actor)

    # -- blobs ----------------------------------------------------------------------------------
    @app.head(protocol.API + "/blobs/{sha256}", tags=["blobs"], responses=_errors(404))
    def blob_exists(sha256: str, actor: CurrentActor) -> Response:
        size = store.complete_size(check_sha256(sha256))
        if size is None:
            return Response(status_code=404)
        return Response(status_code=200, headers={"Content-Length": str(size)})

    @app.get(protocol.API + "/blobs/{sha256}/offset", tags=["blobs"])
    def blob_offset(sha256: str, actor: CurrentActor) -> dict[str, Any]:
        check_sha256(sha256)
        complete = store.complete_size(sha256)
        return {"offset": store.offset(sha256), "complete": complete is not None}

    @app.put(
        protocol.API + "/blobs/{sha256}", tags=["blobs"], responses=_BODY_ERRORS | _errors(409)
    )
    async def blob_upload(
        sha256: str,
        request: Request,
        offset: Annotated[int, Query(ge=0, le=2**62)],
        actor: CurrentActor,
        size: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    ) -> JSONResponse:
        """The file's bytes from `offset` on. It is complete when what the server holds hashes
        to `sha256`; with `size` (the whole file's), reaching it with a wrong hash discards the
        upload (422). A cut connection keeps what arrived: ask the offset and go on."""
        check_sha256(sha256)
        have = store.complete_size(sha256)
        if have is not None:
            await in_thread(_note_blob, sha256, have, actor)
            return JSONResponse({"offset": have, "complete": True})
        upload = await in_thread(store.upload, sha256, offset, size)
        try:
            try:
                async for chunk in request.stream():
                    upload.write(chunk)
            except ClientDisconnect:
                await in_thread(upload.keep_partial)
                return JSONResponse({"offset": upload.received, "complete": False}, 400)
            complete = await in_thread(upload.finish)
        finally:
            upload.close()
        if complete:
            await in_thread(_note_blob, sha256, upload.received, actor)
        return JSONResponse({"offset": upload.received, "complete": complete})

    def _note_blob(sha256: str, size: int, actor: Actor) -> None:
        with db.write(ordered=False) as conn:
            have = conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == sha256)).first()
            if have is None:
                conn.execute(
                    insert(blobs).values(sha256=sha256, size=size, completed_at=iso(now()))
                )
            known = conn.execute(
                select(blob_uploaders.c.sha256).where(
                    (blob_uploaders.c.sha256 == sha256)
                    & (blob_uploaders.c.account_id == actor.account_id)
                )
            ).first()
            if known is None:
                conn.execute(
                    insert(blob_uploaders).values(sha256=sha256, account_id=actor.account_id)
                )

    @app.get(protocol.API + "/blobs/{sha256}", tags=["blobs"], responses=_errors(403, 404))
    def blob_download(sha256: str, actor: CurrentActor) -> FileResponse:
        """The file, to a caller who reads a case with an attachment of it, or uploaded it."""
        check_sha256(sha256)
        if store.complete_size(sha256) is None:
            raise ApiError(404, "服务器上没有这个附件。", sha256)
        with db.read() as conn:
            attached = conn.execute(
                in_read_scope(
                    select(records.c.record_id).where(records.c.blob_sha256 == sha256),
                    records,
                    actor,
                ).limit(1)
            ).first()
            uploaded = conn.execute(
                select(blob_uploaders.c.sha256).where(
                    (blob_uploaders.c.sha256 == sha256)
                    & (blob_uploaders.c.account_id == actor.account_id)
                )
            ).first()
        if attached is None and uploaded is None:
            raise ApiError(403, "您无权读取这个附件。", f"{actor.username} may not read {sha256}")
        return FileResponse(store.path(sha256), media_type="application/octet-stream")

    # -- money received without a case (不明款) ------------------------------------------------
    @app.get(protocol.API + "/unmatched-receipts", tags=["funds"])
    def unmatched_receipts(actor: CurrentActor) -> dict[str, Any]:
        """Unclaimed receipts of the caller's court (an intermediate court's managers: also its
        basic courts', read-only), oldest first, with the days each has waited."""
        today = date.today()
        with db.read() as conn:
            found = receipts.list_unclaimed(conn, actor, today)
        return {"today": today.isoformat(), "receipts": found}

    @app.post(
        protocol.API + "/unmatched-receipts",
        openapi_extra=_json_body(_RECEIPT_SCHEMA),
        tags=["funds"],
        status_code=201,
        responses=_BODY_ERRORS | _errors(403),
    )
    async def add_unmatched_receipt(request: Request, actor: CurrentActor) -> JSONResponse:
        """Court staff record money received without an identifiable case: a court manager for
        their court, an administrator for any (amount in fen)."""
        data = await _read_json(request, MAX_SMALL_BODY)
        if not isinstance(data, dict):
            raise ApiError(422, "款项登记应为一个 JSON 对象。", "not an object")
        if actor.role not in (COURT_MANAGER, ADMIN):
            raise ApiError(
                403, "只有法院执行局管理人员或系统管理员可以登记未认领款项。", actor.role
            )
        court = data.get("court_code") or actor.court_code
        if actor.role == COURT_MANAGER and court != actor.court_code:
            raise ApiError(403, f"您只能登记本院（{actor.court_code}）的款项。", str(court))
        known = {k: data[k] for k in _RECEIPT_SCHEMA["properties"] if k in data}
        known["court_code"] = court
        if not isinstance(data.get("amount"), int) or isinstance(data.get("amount"), bool):
            raise ApiError(422, "到账金额应为整数（分）。", "amount not an int")
        for key in ("received_date", "payer"):
            known.setdefault(key, "")
        try:
            receipt = receipts.check_receipt(**known)
        except InvalidValue as exc:
            raise ApiError(422, exc.message) from None
        return JSONResponse({"id": await in_thread(_add_receipt, receipt)}, status_code=201)

    def _add_receipt(receipt: receipts.NewReceipt) -> str:
        try:
            with db.write(ordered=False) as conn:
                return receipts.add_receipt(conn, receipt)
        except CentralError as exc:
            raise ApiError(422, exc.reason, exc.detail) from None

    @app.post(
        protocol.API + "/unmatched-receipts/{receipt_id}/claim",
        openapi_extra=_json_body(_CLAIM_SCHEMA),
        tags=["funds"],
        responses=_BODY_ERRORS | _errors(403, 404, 409),
    )
    async def claim_receipt(receipt_id: str, request: Request, actor: CurrentActor) -> JSONResponse:
        """An officer claims a receipt for a case of theirs, as the funds receipt `funds_id` their
        workstation recorded. The same claim again answers the same; another claim of a claimed
        receipt is refused (409, with who claimed it)."""
        data = await _read_json(request, MAX_SMALL_BODY)
        ids = [data.get(k) if isinstance(data, dict) else None for k in ("case_id", "funds_id")]
        for value in (receipt_id, *ids):
            if not isinstance(value, str) or not value or len(value) > 200 or not clean(value):
                raise ApiError(422, "认领请求应包含案件编号 case_id 和到账记录编号 funds_id。")
        return JSONResponse(await in_thread(_claim, actor, receipt_id, *ids))

    def _claim(actor: Actor, receipt_id: str, case_id: str, funds_id: str) -> dict[str, Any]:
        with db.write(ordered=False) as conn:
            return receipts.claim(conn, actor, receipt_id, case_id, funds_id)

    @app.get(protocol.API + "/indicators/ranking", tags=["indicators"], responses=_errors(403))
    def indicator_ranking(
        actor: CurrentActor,
        period: Annotated[
            str, Query(description="2026-W47, 2026-11, 2026 or 2026-11-01..2026-11-30")
        ],
    ) -> dict[str, Any]:
        """执行质效指标 (resources/indicators.toml) per officer of a court manager's court, or per
        court of an intermediate manager's courts; officers are refused (403)."""
        from workstation.indicators import ReportPeriod

        try:
            chosen = ReportPeriod.parse(period)
        except InvalidValue as exc:
            raise ApiError(422, exc.message) from None
        with db.read() as conn:
            return indicators.ranking(conn, actor, chosen)

    return app
