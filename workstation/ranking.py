"""The central server's indicator ranking, asked for through the sync client (SyncClient.call,
wrapped as for unmatched receipts: the server and user of the case file, the keyring's token)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .sync.client import SyncError
from .sync.receipts import ReceiptsSession


@dataclass(frozen=True)
class RankingRow:
    key: str  # court code, or officer
    label: str
    values: dict[str, float | None]  # indicator code -> value
    counts: dict[str, tuple[int, int]]  # indicator code -> (numerator, denominator) counts


@dataclass(frozen=True)
class Ranking:
    period: str
    grouped_by: str  # "court" or "officer"
    indicators: list[tuple[str, str]]  # (code, name), in the definitions' order
    rows: list[RankingRow]


def ranking_from_json(data: dict[str, Any]) -> Ranking:
    return Ranking(
        period=data["period"],
        grouped_by=data["grouped_by"],
        indicators=[(i["code"], i["name"]) for i in data["indicators"]],
        rows=[
            RankingRow(
                r["key"],
                r["label"],
                dict(r["values"]),
                {k: (v[0], v[1]) for k, v in r["counts"].items()},
            )
            for r in data["rows"]
        ],
    )


def fetch_ranking(session: ReceiptsSession, period: str) -> Ranking:
    """The ranking for `period` (2026-W47, 2026-11, ...). Raises SyncError in Chinese."""
    reply = session.call("GET", f"/indicators/ranking?period={quote(period)}")
    if reply.status == 403:
        raise SyncError("forbidden", "只有法院或中级法院的管理人员可以查看排名。", "403")
    if reply.status != 200 or not isinstance(reply.data, dict):
        raise SyncError("server", f"服务器未能给出排名（{reply.status}）。", str(reply.data))
    return ranking_from_json(reply.data)
