"""The workstation's side of sync: push, then pull, one request at a time, resumable everywhere.

Every step leaves the case file consistent: a push batch's acknowledgements, or a pulled page and
the cursor after it, are written in one transaction. Cut the network, kill the program, or cancel
at any point, and the next sync carries on from there. A request that fails for a network reason
is retried with backoff; nothing is ordered by the device's clock.
"""

import hashlib
import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from .. import secrets
from ..backup import BackupBeforeSync
from ..store import blobs, search
from ..store.casefile import CaseFile
from ..store.database import create_case_file
from ..store.errors import ChangeRefused
from ..store.journal import pending_changes, push_links, store_summary, stored_summary
from ..store.records import RECORD_TYPES, digest_versions
from . import prefetch, protocol, tls
from .apply import PullOutcome, apply_pulled
from .state import open_conflict_count

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]  # phase, done, total


class TransportError(Exception):
    """The request or its answer did not get through (no network, reset, cut short, timeout)."""


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    data: Any = None  # the parsed JSON answer, set by SyncClient.call

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:  # a reply cut short is a network failure, not a server answer
            raise TransportError(f"unreadable reply ({len(self.body)} bytes)") from exc


class Transport(Protocol):
    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply: ...


class HttpTransport:
    """HTTP with httpx; every failure to get a whole answer becomes a TransportError."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        import httpx

        self._httpx = httpx
        self.base_url = base_url.rstrip("/")
        self.client = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            verify=tls.verify_for(self.base_url),
            follow_redirects=False,
        )

    def request(self, method, path, *, json_body=None, content=None, params=None, headers=None):
        try:
            r = self.client.request(
                method, path, json=json_body, content=content, params=params, headers=headers
            )
            return Reply(r.status_code, r.content, dict(r.headers))
        except self._httpx.HTTPError as exc:
            raise TransportError(str(exc)) from exc

    def close(self) -> None:
        self.client.close()


class SyncError(Exception):
    """Why a sync stopped, in Chinese with what to do; `kind` for the program."""

    def __init__(self, kind: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.kind = kind  # network | auth | server | refused | cancelled | demo | summary
        self.message = message
        self.detail = detail or message


class Cancelled(SyncError):
    def __init__(self) -> None:
        super().__init__("cancelled", "同步已取消。已完成的部分已保存，下次同步从中断处继续。")


@dataclass
class SyncReport:
    pushed: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (change id, reason)
    pulled: int = 0
    acknowledged: int = 0
    blobs_sent: int = 0
    clock_offset_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    recovered: bool = False
    recovery_file: Path | None = None
    open_conflicts: int = 0
    finished_at: str = ""
    backup: "BackupBeforeSync | None" = None  # still being written when the sync ends: wait()


@dataclass
class RetryPolicy:
    attempts: int = 15
    base_delay: float = 0.05
    max_delay: float = 1.0

    def delay(self, attempt: int) -> float:
        d = min(self.max_delay, self.base_delay * (2**attempt))
        return d * (0.5 + random.random() / 2)


RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
BLOB_CHUNK = 1 << 20


def local_summary(casefile: CaseFile, *, recompute: bool = False) -> dict[str, Any]:
    """protocol.summary over every record this workstation holds (the server computes the same
    over the caller's scope: after a complete sync they are equal). Computed in full once, then
    kept up to date by every change (store.journal), so a sync with little to do stays quick."""
    conn = casefile.conn
    if not recompute and (kept := stored_summary(conn)) is not None:
        return kept

    def records():
        for rt in RECORD_TYPES.values():
            for rid, origin, versions in conn.execute(
                f"SELECT id, _origin, _versions FROM {rt.table}"
            ):
                yield rt.name, rid, digest_versions(origin, json.loads(versions))

    full = protocol.summary(records())
    if not casefile.closed and not recompute:
        with casefile.transaction() as c:
            store_summary(c, full["count"], int(full["digest"], 16))
    return full


class SyncClient:
    """Syncs one open case file with the server at `transport`."""

    def __init__(
        self,
        casefile: CaseFile,
        transport: Transport,
        *,
        server_url: str,
        username: str,
        password: Callable[[], str | None] | None = None,
        retry: RetryPolicy | None = None,
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.cf = casefile
        self.transport = transport
        self.server_url = server_url
        self.username = username
        self.ask_password = password
        self.retry = retry or RetryPolicy()
        self.cancel = cancel or threading.Event()
        self.progress = progress or (lambda phase, done, total: None)
        self.token: str | None = None

    # -- requests -----------------------------------------------------------------------------
    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled()

    def call(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        json_body: Any = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
    ) -> Reply:
        """One request, retried with backoff on network failures, busy servers and answers cut
        short. A JSON answer is parsed here, so a truncated one is retried like a lost one."""
        last = ""
        reauthenticated = False
        attempt = 0
        while attempt < self.retry.attempts:
            self._check_cancel()
            headers = {"Authorization": f"Bearer {self._token()}"} if auth else {}
            try:
                reply = self.transport.request(
                    method,
                    protocol.API + path,
                    json_body=json_body,
                    content=content,
                    params=params,
                    headers=headers,
                )
                if method != "HEAD" and reply.status not in RETRY_STATUSES and reply.body:
                    reply.data = reply.json()
            except TransportError as exc:
                last = str(exc)
                log.info("%s %s failed (attempt %d): %s", method, path, attempt + 1, exc)
            else:
                if reply.status == 401 and auth:
                    secrets.forget_token(self.server_url, self.username)
                    self.token = None
                    if reauthenticated:  # a fresh token was refused too
                        raise SyncError("auth", "服务器拒绝了登录凭据，请重新登录。", "401 twice")
                    reauthenticated = True
                    continue
                if reply.status not in RETRY_STATUSES:
                    return reply
                last = f"HTTP {reply.status}"
                log.info("%s %s: %s (attempt %d)", method, path, last, attempt + 1)
            time.sleep(self.retry.delay(attempt))
            attempt += 1
        if last.startswith("HTTP"):
            raise SyncError(
                "server",
                "服务器暂时无法处理同步请求，请稍后再试；如持续出现请联系法院信息技术人员。",
                last,
            )
        raise SyncError(
            "network", "无法连接同步服务器。请检查网络连接和服务器地址，稍后再试。", last
        )

    def _token(self) -> str:
        if self.token:
            return self.token
        self.token = secrets.load_token(self.server_url, self.username)
        if self.token:
            return self.token
        password = self.ask_password() if self.ask_password else None
        if not password:
            raise SyncError("auth", "需要输入密码才能同步。", "no password given")
        reply = self.call(
            "POST",
            "/session",
            auth=False,
            json_body={"username": self.username, "password": password, "device": self.cf.device},
        )
        if reply.status in (401, 403):
            raise SyncError("auth", "用户名或密码错误，请重新输入。", f"sign-in {reply.status}")
        if reply.status == 429:
            raise SyncError("auth", "登录失败次数过多，请稍后再试。", "sign-in rate limited")
        if reply.status != 200:
            raise SyncError("server", "登录时服务器出错，请稍后再试。", f"sign-in {reply.status}")
        token = reply.data["token"]
        secrets.save_token(self.server_url, self.username, token)
        self.token = token
        return token

    def _ok(self, reply: Reply, what: str) -> Any:
        if reply.status >= 400:
            reason = reply.data.get("reason", "") if isinstance(reply.data, dict) else ""
            if reply.status == 403:
                raise SyncError("refused", reason or "服务器拒绝了这次同步请求（权限不足）。", what)
            raise SyncError(
                "server", reason or f"服务器返回错误（{reply.status}），请稍后再试。", what
            )
        return reply.data

    # -- the phases -----------------------------------------------------------------------------
    def run(self) -> SyncReport:
        if self.cf.is_demo:
            raise SyncError(
                "demo", "这是演示数据，不能与服务器同步。请使用正式的案件数据目录。", "demo file"
            )
        report = SyncReport()
        self.progress("备份", 0, None)
        report.backup = BackupBeforeSync.start(self.cf)  # of this moment, written when done
        try:
            return self._run(report)
        finally:
            report.backup.release()

    def _run(self, report: SyncReport) -> SyncReport:
        self.progress("检查服务器", 0, None)
        status = self._ok(self.call("GET", "/status"), "status")
        server_time = datetime.fromisoformat(status["server_time"].replace("Z", "+00:00"))
        report.clock_offset_seconds = (datetime.now(UTC) - server_time).total_seconds()
        if abs(report.clock_offset_seconds) > protocol.CLOCK_TOLERANCE_SECONDS:
            minutes = round(abs(report.clock_offset_seconds) / 60)
            report.warnings.append(
                f"本机时钟与服务器相差约 {minutes} 分钟，请校准电脑时间（不影响同步结果）。"
            )
        self.send_blobs(report)
        self.push(report)
        self.pull(report)
        self.check(report)
        report.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.cf.set_meta("last_sync", report.finished_at)
        report.open_conflicts = open_conflict_count(self.cf.conn)
        log.info(
            "sync of %s done: pushed %d, pulled %d, open conflicts %d, clock offset %.0f s",
            self.cf.path,
            report.pushed,
            report.pulled,
            report.open_conflicts,
            report.clock_offset_seconds,
        )
        return report

    def send_blobs(self, report: SyncReport) -> None:
        """Upload the files of new attachment records the server lacks, resuming part uploads."""
        wanted = dict.fromkeys(
            c.fields["sha256"]
            for c in pending_changes(self.cf.conn)
            if c.record_type == "attachment" and c.fields.get("sha256")
        )
        for done, sha in enumerate(wanted):
            self.progress("上传附件", done, len(wanted))
            if self.call("HEAD", f"/blobs/{sha}").status == 200:
                continue
            try:
                data = blobs.read_plain(self.cf.path, sha)  # decrypted, its hash checked
            except blobs.BlobDamaged as exc:
                log.warning("%s", exc.detail)
                report.warnings.append(f"附件文件缺失或损坏（{sha[:12]}…），该附件暂未上传。")
                continue
            offset = self._ok(self.call("GET", f"/blobs/{sha}/offset"), "blob offset")["offset"]
            while offset < len(data):
                chunk = data[offset : offset + BLOB_CHUNK]
                reply = self.call("PUT", f"/blobs/{sha}", params={"offset": offset}, content=chunk)
                if reply.status == 409:  # the server has a different amount: resume from it
                    offset = reply.data["offset"]
                    continue
                self._ok(reply, "blob upload")
                offset += len(chunk)
            report.blobs_sent += 1

    def push(self, report: SyncReport) -> None:
        pending = pending_changes(self.cf.conn)
        links = push_links(self.cf.conn)  # the server checks them: store/chain.py
        total = len(pending)
        for start in range(0, total, protocol.PUSH_BATCH):
            self.progress("上传变更", start, total)
            batch = pending[start : start + protocol.PUSH_BATCH]
            body = {"changes": [protocol.push_wire(c, links.get(c.change_id)) for c in batch]}
            reply = self._ok(self.call("POST", "/push", json_body=body), "push")
            try:
                by_id = protocol.push_results_from_wire(reply)
            except protocol.ProtocolError as exc:
                raise _bad_reply(exc.reason, exc.detail) from exc
            with self.cf.transaction() as conn:
                for ch in batch:
                    r = by_id.get(ch.change_id)
                    if r is None:
                        continue  # not answered: stays pending, sent again next time
                    if r.status in (protocol.ACCEPTED, protocol.DUPLICATE):
                        conn.execute(
                            "UPDATE journal SET server_seq = ? WHERE change_id = ?",
                            (r.server_seq, ch.change_id),
                        )
                        report.pushed += r.status == protocol.ACCEPTED
                        report.duplicates += r.status == protocol.DUPLICATE
                    else:
                        conn.execute(
                            "UPDATE journal SET sync_status = 'rejected', sync_note = ? "
                            "WHERE change_id = ?",
                            (r.reason, ch.change_id),
                        )
                        report.rejected.append((ch.change_id, r.reason))
        self.progress("上传变更", total, total)

    def _fetch_page(self, since: int) -> dict[str, Any]:
        return self._ok(
            self.call("GET", "/changes", params={"since": since, "limit": protocol.PULL_PAGE}),
            "pull",
        )

    def pull(
        self, report: SyncReport, into: CaseFile | None = None, *, helped: bool = True
    ) -> bool:
        """Pull pages after the cursor into `into` (default: this case file). Returns whether
        every change could be applied (False: some concern records this file lacks).

        The next page is fetched while this one is written (one request in flight at a time);
        the cursor moves only with a page written, so a fetched page that is never written is
        simply fetched again next time. When the first page says more follow, a helper process
        fetches and prepares the rest (sync/prefetch.py; not with `helped=False`).
        """
        target = into or self.cf
        if stored_summary(target.conn) is None:
            # Kept change by change from here on (a new file: nothing to count), so the check
            # after the pull reads it instead of hashing every record pulled.
            local_summary(target)
        complete = True
        helper = None
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull") as fetcher:
                upcoming = fetcher.submit(self._fetch_page, int(target.meta("pull_cursor", "0")))
                while True:
                    self._check_cancel()
                    self.progress("下载变更", report.pulled, None)
                    try:
                        wires, after, more = protocol.page_from_wire(upcoming.result())
                        if more and helped and helper is None:
                            helper = self._page_helper(after)  # starts while this page is written
                        if more and helper is None:
                            upcoming = fetcher.submit(self._fetch_page, after)
                        # Checked here, not in the fetching thread: two threads running Python
                        # hand the GIL back and forth at every SQLite call of the writer (a first
                        # sync took 20% longer); the fetcher only waits on the network and
                        # parses JSON in C.
                        changes = [protocol.pulled_from_wire(c) for c in wires]
                        with target.transaction() as conn:
                            outcome = apply_pulled(conn, changes)
                            search.index_cases(
                                conn, outcome.applied.case_ids, outcome.applied.created_case_ids
                            )
                            conn.execute(
                                "INSERT INTO meta(key, value) VALUES ('pull_cursor', ?) "
                                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                (str(after),),
                            )
                    except protocol.ProtocolError as exc:
                        raise _bad_reply(exc.reason, exc.detail) from exc
                    except ChangeRefused as exc:  # a well-formed change this file cannot take
                        raise _bad_reply(exc.message, exc.detail) from exc
                    report.pulled += len(outcome.applied.changes)
                    report.acknowledged += outcome.acknowledged
                    complete = complete and not outcome.unknown_base
                    if not more:
                        return complete
                    if helper is not None:
                        break
        except BaseException:
            if helper is not None:
                helper.close()
            raise
        return self._pull_helped(report, target, helper, after) and complete

    def _page_helper(self, since: int) -> prefetch.PageHelper | None:
        """A helper process fetching and preparing the pages after `since` over HTTP, with this
        sync's token; None where there is none (another transport, no process to be had)."""
        if not isinstance(self.transport, HttpTransport) or not self.token:
            return None
        try:
            return prefetch.PageHelper(self.transport.base_url, self.token, since)
        except OSError as exc:
            log.warning("no helper process for the pull: %s", exc)
            return None

    def _pull_helped(
        self, report: SyncReport, target: CaseFile, helper: prefetch.PageHelper, since: int
    ) -> bool:
        """The rest of a pull as the helper prepares it; where the helper stops (for any reason:
        network, token, a page it cannot read), the ordinary way goes on from the cursor and
        says what is wrong, if anything is."""
        complete = True

        def written(applied: int, outcome: PullOutcome) -> None:
            nonlocal complete
            report.pulled += applied
            report.acknowledged += outcome.acknowledged
            complete = complete and not outcome.unknown_base
            self.progress("下载变更", report.pulled, None)

        try:
            last = prefetch.pull_pages(target, helper, since, self._check_cancel, written)
        except ChangeRefused as exc:  # a well-formed change this file cannot take
            raise _bad_reply(exc.message, exc.detail) from exc
        finally:
            helper.close()
        if last.prepared is not None:
            return complete
        log.info("pull helper stopped at %d (%s): going on without it", last.since, last.reason)
        return self.pull(report, into=target, helped=False) and complete

    def check(self, report: SyncReport) -> None:
        """Compare summaries; on a mismatch download a fresh copy and swap it in."""
        self.progress("核对", 0, None)
        if pending_changes(self.cf.conn):  # some push went unanswered: try again next time
            report.warnings.append("部分修改尚未得到服务器确认，下次同步时会再次上传。")
            return
        remote = self._ok(self.call("GET", "/summary"), "summary")
        local = local_summary(self.cf)
        if remote == local:
            return
        log.warning("summary mismatch: local %s, server %s: recovering", local, remote)
        report.warnings.append(
            "本机数据与服务器不一致（例如有修改被服务器拒绝），已从服务器重新下载一份完整数据；"
            "原数据文件保留在数据目录中。"
        )
        report.recovery_file = self.download_fresh_copy(report, remote)
        report.recovered = True

    def download_fresh_copy(self, report: SyncReport, remote: dict[str, Any]) -> Path:
        """Pull everything in scope into a new file beside the case file and check it."""
        path = self.cf.path.with_name(self.cf.path.name + ".recovery")
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        create_case_file(path, officer=self.cf.officer)
        fresh = CaseFile.open(path)
        try:
            with fresh.transaction() as conn:
                conn.execute("UPDATE meta SET value = ? WHERE key = 'device'", (self.cf.device,))
                for key in ("server_url", "server_username"):
                    conn.execute(
                        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                        (key, self.cf.meta(key)),
                    )
            self.pull(SyncReport(), into=fresh)
            got = local_summary(fresh)
        finally:
            fresh.close()
        if got != remote:
            raise SyncError(
                "summary",
                "从服务器下载的数据核对不一致，已保留原数据未作替换。请稍后再同步一次。",
                f"fresh copy {got} != server {remote}",
            )
        return path


def _bad_reply(reason: str, detail: str) -> SyncError:
    """The server sent something the protocol does not allow: nothing of it was written."""
    log.error("malformed reply from the server: %s", detail)
    return SyncError(
        "server",
        f"服务器发来的数据有误（{reason.rstrip('。')}），同步已停止，这部分没有写入本机；"
        "已同步的部分不受影响。请联系法院信息技术人员。",
        detail,
    )


def swap_in_recovered(case_file: Path, recovered: Path) -> Path:
    """Replace the case file by the recovered copy; the old one is kept beside it. The case file
    must be closed. Returns the path of the kept old file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = case_file.with_name(f"{case_file.name}.before-recovery-{stamp}")
    os.replace(case_file, kept)
    for suffix in ("-wal", "-shm"):
        Path(f"{case_file}{suffix}").unlink(missing_ok=True)
    os.replace(recovered, case_file)
    return kept


def blob_path(case_file: Path, sha256: str) -> Path:
    return blobs.blob_path(case_file, sha256)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
