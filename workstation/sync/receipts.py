"""Money received without an identifiable case (不明款 / 未认领款项), from the workstation's side.

The list lives on the central server (court-level data, in no case file), so it needs the server:
`list_unmatched` asks for it through the sync client's requests (same retries, same token in the
keyring). Claiming is two steps, in this order:

1. the receipt is recorded on the officer's case as an ordinary funds receipt
   (`enforcement_more.record_receipt`: journaled, synced like any change);
2. the server is told the receipt is claimed, with that funds record's id.

Money is never lost or counted twice: before step 1 an intent is kept in the case file's meta
(device-local, not synced), and after it the funds id; the claim stays there until the server has
confirmed it. A claim interrupted after step 1 (server down, network gone, program killed) is
sent again at the next `list_unmatched` or `claim`, never recorded again; the server answers the
same claim again as it did the first time. If the server refuses the claim (someone else claimed
the receipt meanwhile), the local record is left for the officer to correct, with the reason:
nothing is dropped without a person deciding.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ..domain.measures import ReceiptSource
from ..domain.money import format_money
from ..store.casefile import CaseFile
from .client import Reply, RetryPolicy, SyncClient, SyncError, Transport

log = logging.getLogger(__name__)

PENDING_KEY = "unmatched_pending_claims"  # meta: {receipt id: PendingClaim as JSON}
# Few attempts: the officer is waiting at the screen, and offline is answered at once.
SCREEN_RETRY = RetryPolicy(attempts=3, base_delay=0.2, max_delay=1.0)

WAITING = "waiting"  # recorded here (or about to be); the server has not confirmed the claim
REFUSED = "refused"  # the server refused the claim: the local record needs a person

OFFLINE_MESSAGE = (
    "离线时无法查看未认领款项：未认领款项登记在法院的中心服务器上，需要连接服务器才能查看和认领。"
    "请连接法院网络后再试。"
)
DEMO_MESSAGE = "这是演示数据，不连接服务器：未认领款项只能在正式的案件数据中查看和认领。"


@dataclass(frozen=True)
class UnmatchedReceipt:
    """An unclaimed receipt as the server lists it."""

    id: str
    court_code: str
    received_date: date
    amount: int  # fen
    payer: str
    payer_account: str
    receipt_number: str
    source: str
    note: str
    days_unclaimed: int
    can_claim: bool

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "UnmatchedReceipt":
        return cls(
            id=data["id"],
            court_code=data["court_code"],
            received_date=date.fromisoformat(data["received_date"]),
            amount=int(data["amount"]),
            payer=data.get("payer", ""),
            payer_account=data.get("payer_account", ""),
            receipt_number=data.get("receipt_number", ""),
            source=data.get("source") or ReceiptSource.TRANSFER.value,
            note=data.get("note", ""),
            days_unclaimed=int(data.get("days_unclaimed", 0)),
            can_claim=bool(data.get("can_claim", False)),
        )


@dataclass
class PendingClaim:
    """A claim recorded (or being recorded) here and not yet confirmed by the server."""

    receipt_id: str
    case_id: str
    received_date: str
    amount: int
    payer: str
    receipt_number: str
    funds_after: int  # the highest funds row number before recording: finds it after a crash
    funds_id: str | None = None
    state: str = WAITING
    reason: str = ""


@dataclass
class ClaimOutcome:
    receipt_id: str
    case_id: str
    funds_id: str | None
    confirmed: bool  # the server has the claim
    message: str  # for the officer, in Chinese


@dataclass
class UnmatchedList:
    today: date
    receipts: list[UnmatchedReceipt]
    pending: list[PendingClaim]  # claims made here the server has not confirmed (or refused)
    retried: list[ClaimOutcome] = field(default_factory=list)  # sent again before listing


# -- pending claims, in the case file's meta -------------------------------------------------------
def pending_claims(cf: CaseFile) -> dict[str, PendingClaim]:
    raw = cf.meta(PENDING_KEY)
    if not raw:
        return {}
    return {k: PendingClaim(**v) for k, v in json.loads(raw).items()}


def _save_pending(cf: CaseFile, claims: dict[str, PendingClaim]) -> None:
    cf.set_meta(
        PENDING_KEY, json.dumps({k: asdict(v) for k, v in claims.items()}, ensure_ascii=False)
    )


def _put(cf: CaseFile, claim: PendingClaim) -> None:
    claims = pending_claims(cf)
    claims[claim.receipt_id] = claim
    _save_pending(cf, claims)


def _drop(cf: CaseFile, receipt_id: str) -> None:
    claims = pending_claims(cf)
    if claims.pop(receipt_id, None) is not None:
        _save_pending(cf, claims)


def dismiss_refused(cf: CaseFile, receipt_id: str) -> None:
    """The officer has seen a refused claim (and will correct the local record): stop showing it."""
    claim = pending_claims(cf).get(receipt_id)
    if claim is not None and claim.state == REFUSED:
        _drop(cf, receipt_id)


def _recover_funds_id(cf: CaseFile, claim: PendingClaim) -> str | None:
    """The funds record a claim interrupted between recording and noting it made, if any: the
    receipt of that case, date and amount recorded after the intent."""
    row = cf.conn.execute(
        "SELECT id FROM funds WHERE n > ? AND case_id = ? AND kind = 'receipt' AND date = ? "
        "AND amount = ? AND receipt_number = ? AND deleted = 0 ORDER BY n LIMIT 1",
        (claim.funds_after, claim.case_id, claim.received_date, claim.amount, claim.receipt_number),
    ).fetchone()
    return row[0] if row else None


# -- talking to the server -------------------------------------------------------------------------
class ReceiptsSession:
    """Requests about unmatched receipts for one open case file, through `SyncClient.call`: the
    server and user the case file syncs with, the token from the keyring, `password` asked only
    when there is none."""

    def __init__(
        self,
        casefile: CaseFile,
        transport: Transport,
        *,
        server_url: str | None = None,
        username: str | None = None,
        password: Callable[[], str | None] | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        if casefile.is_demo:
            raise SyncError("demo", DEMO_MESSAGE, "demo file")
        server_url = (server_url or casefile.meta("server_url")).rstrip("/")
        username = username or casefile.meta("server_username")
        if not server_url or not username:
            raise SyncError(
                "setup",
                "尚未设置中心服务器：请先在“同步”中填写服务器地址和用户名并同步一次。",
                "no server_url or server_username",
            )
        self.cf = casefile
        self.client = SyncClient(
            casefile,
            transport,
            server_url=server_url,
            username=username,
            password=password,
            retry=retry or SCREEN_RETRY,
        )

    def call(self, method: str, path: str, json_body: Any = None) -> Reply:
        try:
            return self.client.call(method, path, json_body=json_body)
        except SyncError as exc:
            if exc.kind == "network":
                raise SyncError("network", OFFLINE_MESSAGE, exc.detail) from exc
            raise


def _reason(reply: Reply) -> str:
    return reply.data.get("reason", "") if isinstance(reply.data, dict) else ""


def list_unmatched(session: ReceiptsSession) -> UnmatchedList:
    """Send the claims still waiting, then the court's unclaimed receipts (those claimed here and
    not yet confirmed are left out of `receipts`: they are in `pending`)."""
    retried = retry_pending_claims(session)
    today, receipts = _unclaimed(session)
    pending = pending_claims(session.cf)
    return UnmatchedList(
        today=today,
        receipts=[r for r in receipts if r.id not in pending],
        pending=list(pending.values()),
        retried=retried,
    )


def _unclaimed(session: ReceiptsSession) -> tuple[date, list[UnmatchedReceipt]]:
    reply = session.call("GET", "/unmatched-receipts")
    if reply.status != 200:
        raise SyncError(
            "server", _reason(reply) or f"服务器返回错误（{reply.status}），请稍后再试。", "list"
        )
    receipts = [UnmatchedReceipt.from_json(r) for r in reply.data["receipts"]]
    return date.fromisoformat(reply.data["today"]), receipts


def retry_pending_claims(session: ReceiptsSession) -> list[ClaimOutcome]:
    """Send again every claim recorded here and not confirmed. One that was interrupted before its
    funds id was noted finds its funds record, or is forgotten if none was recorded."""
    out = []
    for claim in pending_claims(session.cf).values():
        if claim.state != WAITING:
            continue
        if claim.funds_id is None:
            claim.funds_id = _recover_funds_id(session.cf, claim)
            if claim.funds_id is None:  # stopped before recording: nothing happened
                _drop(session.cf, claim.receipt_id)
                continue
            _put(session.cf, claim)
        out.append(_send(session, claim))
    return out


def claim(
    session: ReceiptsSession,
    receipt: UnmatchedReceipt,
    case_id: str,
    *,
    source: str | None = None,
    today: date | None = None,
) -> ClaimOutcome:
    """Record `receipt` on the case as a funds receipt (the received date, amount, payer and
    receipt number copied; source "transfer" unless given), then tell the server. A receipt
    already recorded here is only sent again. Raises `cases.ValidationFailed` (nothing recorded)
    when the receipt cannot be recorded on that case, e.g. received before the case was filed."""
    from ..enforcement_more import record_receipt  # the enforcement record: not on start-up

    cf = session.cf
    known = pending_claims(cf).get(receipt.id)
    if known is not None:
        if known.state == REFUSED:
            return ClaimOutcome(
                known.receipt_id, known.case_id, known.funds_id, False, known.reason
            )
        if known.funds_id is not None:
            return _send(session, known)
    if not receipt.can_claim:
        raise SyncError("refused", "这笔款项不属于您所在的法院，不能认领。", receipt.id)
    # asked afresh just before recording: a list shown a while ago may be out of date
    if receipt.id not in {r.id for r in _unclaimed(session)[1]}:
        raise SyncError(
            "refused", "这笔款项已被认领（或已撤销），未作登记。请刷新列表后再看。", receipt.id
        )
    (last,) = cf.conn.execute("SELECT coalesce(max(n), 0) FROM funds").fetchone()
    pending = PendingClaim(
        receipt_id=receipt.id,
        case_id=case_id,
        received_date=receipt.received_date.isoformat(),
        amount=receipt.amount,
        payer=receipt.payer,
        receipt_number=receipt.receipt_number,
        funds_after=last,
    )
    _put(cf, pending)  # the intent first: a crash after recording is then found again
    try:
        pending.funds_id = record_receipt(
            cf,
            case_id,
            {
                "date": pending.received_date,
                "amount": receipt.amount,
                "source": source or receipt.source or ReceiptSource.TRANSFER.value,
                "payer": receipt.payer,
                "receipt_number": receipt.receipt_number,
            },
            today=today,
        )
    except BaseException:
        _drop(cf, receipt.id)
        raise
    _put(cf, pending)
    return _send(session, pending)


def _send(session: ReceiptsSession, claim: PendingClaim) -> ClaimOutcome:
    """Tell the server; keep the claim while it is not confirmed."""
    cf = session.cf
    amount = format_money(claim.amount)
    row = cf.conn.execute("SELECT case_number FROM cases WHERE id = ?", (claim.case_id,)).fetchone()
    case = f"案件{row[0]}" if row else "该案件"
    recorded = f"已在本机将 {claim.received_date} 到账的 {amount} 登记为{case}的到账记录"
    try:
        reply = session.call(
            "POST",
            f"/unmatched-receipts/{claim.receipt_id}/claim",
            json_body={"case_id": claim.case_id, "funds_id": claim.funds_id},
        )
    except SyncError as exc:
        if exc.kind not in ("network", "server"):
            raise  # sign-in: the claim stays and is sent once the officer has signed in
        log.info("claim of %s not sent: %s", claim.receipt_id, exc.detail)
        return ClaimOutcome(
            claim.receipt_id,
            claim.case_id,
            claim.funds_id,
            False,
            f"{recorded}，但暂时无法通知服务器（{exc.message}）。认领将在下次打开“未认领款项”时"
            "自动补报，请勿重复认领。",
        )
    if reply.status == 200:
        _drop(cf, claim.receipt_id)
        return ClaimOutcome(
            claim.receipt_id, claim.case_id, claim.funds_id, True, f"认领成功：{recorded}。"
        )
    code = reply.data.get("code", "") if isinstance(reply.data, dict) else ""
    if code == "case_unknown":  # made offline: the claim goes once the case is synced
        return ClaimOutcome(
            claim.receipt_id,
            claim.case_id,
            claim.funds_id,
            False,
            f"{recorded}；该案件尚未同步到服务器，请同步后再打开“未认领款项”，认领将自动补报。",
        )
    reason = _reason(reply) or f"服务器拒绝了认领（{reply.status}）。"
    claim.state = REFUSED
    claim.reason = (
        f"{reason}本机已登记的这笔到账记录（{claim.received_date}，{amount}）与服务器不一致，"
        "请核对后更正该案件的案款记录。"
    )
    _put(cf, claim)
    log.warning("claim of %s refused: %s", claim.receipt_id, reason)
    return ClaimOutcome(claim.receipt_id, claim.case_id, claim.funds_id, False, claim.reason)


def claimable_cases(cf: CaseFile) -> list[tuple[str, str]]:
    """(case id, case number) of the open cases the server already has (a case made here and not
    yet synced cannot be claimed for until it is), newest number first."""
    return cf.conn.execute(
        "SELECT c.id, c.case_number FROM cases c WHERE c.deleted = 0 AND c.status = 'open' "
        "AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.change_id = c._origin "
        "AND j.origin = 'local' AND j.server_seq IS NULL) ORDER BY c.n DESC"
    ).fetchall()
