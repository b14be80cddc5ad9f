"""The server killed (SIGKILL) in the middle of a push: the batch pushed again lands once."""

import contextlib
import random
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from central.app import HOLD_ENV
from central.db import Database
from central.tables import journal
from central.testing import add_account, start_server_process
from workstation.sync.protocol import API, PUSH_BATCH

from .helpers import PASSWORD, demo_wires, pull_all


def sign_in(base_url: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url + API, timeout=60)
    token = client.post("/session", json={"username": "zhang", "password": PASSWORD}).json()
    client.headers["Authorization"] = f"Bearer {token['token']}"
    return client


def push_in_background(client: httpx.Client, wires: list[dict]) -> threading.Thread:
    def send() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server dies under it: the point
            client.post("/push", json={"changes": wires})

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def stored(db_url: str) -> list[str]:
    db = Database(db_url)
    try:
        with db.read() as conn:
            query = select(journal.c.change_id).order_by(journal.c.server_seq)
            return list(conn.execute(query).scalars())
    finally:
        db.close()


def push_and_kill_at(db_url: str, tmp_path: Path, stage: str, wires: list[dict]) -> None:
    """Start a server that holds pushes at `stage`, push, SIGKILL it there."""
    marker = tmp_path / f"held-{stage}"
    proc, base_url = start_server_process(
        db_url, tmp_path / "blobs", env={HOLD_ENV: f"{stage}:{marker}"}
    )
    client = sign_in(base_url)
    try:
        sender = push_in_background(client, wires)
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert time.monotonic() < deadline, "the push never reached the hold point"
            time.sleep(0.01)
        proc.kill()  # SIGKILL: no cleanup
        proc.wait()
        sender.join(timeout=10)
    finally:
        client.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_batch_pushed_again_after_a_kill_lands_once(db_url: str, tmp_path: Path):
    add_account(db_url, "zhang", PASSWORD)
    wires = demo_wires(150)[:PUSH_BATCH]
    ids = [w["change_id"] for w in wires]
    # killed inside the transaction: nothing of the batch is stored
    push_and_kill_at(db_url, tmp_path, "before_commit", wires)
    assert stored(db_url) == []
    # pushed again, killed after the commit but before the answer: all of it is stored
    push_and_kill_at(db_url, tmp_path, "after_commit", wires)
    assert stored(db_url) == ids
    # pushed a third time: each change is a duplicate with the sequence it was given
    proc, base_url = start_server_process(db_url, tmp_path / "blobs")
    try:
        client = sign_in(base_url)
        results = client.post("/push", json={"changes": wires}).json()["results"]
        assert [r["status"] for r in results] == ["duplicate"] * len(wires)
        assert [r["server_seq"] for r in results] == list(range(1, len(wires) + 1))
        assert [c["change_id"] for c in pull_all(client)] == ids
        client.close()
    finally:
        proc.kill()
        proc.wait()
    assert stored(db_url) == ids


def test_kills_at_random_moments_lose_and_duplicate_nothing(db_url: str, tmp_path: Path):
    add_account(db_url, "zhang", PASSWORD)
    wires = demo_wires(300, seed=8)
    batches = [wires[i : i + 100] for i in range(0, len(wires), 100)]
    rng = random.Random(3)
    for _round in range(2):
        proc, base_url = start_server_process(db_url, tmp_path / "blobs")
        client = sign_in(base_url)
        senders = [push_in_background(client, b) for b in rng.sample(batches, 3)]
        time.sleep(rng.uniform(0.0, 0.15))
        proc.kill()
        proc.wait()
        for s in senders:
            s.join(timeout=10)
        client.close()
    proc, base_url = start_server_process(db_url, tmp_path / "blobs")
    try:
        client = sign_in(base_url)
        for batch in batches:
            results = client.post("/push", json={"changes": batch}).json()["results"]
            assert {r["status"] for r in results} <= {"accepted", "duplicate"}
        ids = stored(db_url)
        assert sorted(ids) == sorted(w["change_id"] for w in wires)
        assert len(ids) == len(set(ids))
        assert client.get("/status").json()["latest_seq"] == len(wires)
        client.close()
    finally:
        proc.kill()
        proc.wait()
    db = Database(db_url)
    try:
        with db.read() as conn:
            count = conn.execute(select(func.count()).select_from(journal)).scalar_one()
    finally:
        db.close()
    assert count == len(wires)
