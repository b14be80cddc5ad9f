"""Two server instances on one database (as behind a load balancer): pushes through both are
ordered without gaps, and a puller following the feed during the pushes misses nothing."""

import threading
from pathlib import Path

import httpx

from central import testing
from workstation.sync.protocol import API

from .helpers import PASSWORD, demo_wires, push


def signed_in(base_url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url + API, timeout=60)
    reply = client.post("/session", json={"username": username, "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {reply.json()['token']}"
    return client


def test_two_instances_order_concurrent_pushes_and_a_follower_misses_nothing(
    db_url: str, tmp_path: Path
):
    for name in ("zhang", "li"):
        testing.add_account(db_url, name, PASSWORD)
    testing.add_account(db_url, "boss", PASSWORD, role="court_manager")
    work = {"zhang": demo_wires(40, seed=1), "li": demo_wires(40, seed=2, officer="李娜")}
    with (
        testing.run_server(db_url, tmp_path / "blobs") as first,
        testing.run_server(db_url, tmp_path / "blobs") as second,
    ):
        clients = {"zhang": signed_in(first, "zhang"), "li": signed_in(second, "li")}
        # a token made by one instance works on the other: nothing is kept in memory
        boss_on_first = signed_in(first, "boss")
        assert boss_on_first.get("/status").status_code == 200
        boss_on_first.close()
        follower = signed_in(second, "boss")
        done = threading.Event()
        followed: list[dict] = []

        def follow() -> None:
            since = 0
            while True:
                finished = done.is_set()
                page = follower.get("/changes", params={"since": since, "limit": 50}).json()
                followed.extend(page["changes"])
                since = page["next"]
                if finished and not page["more"]:
                    return

        def pusher(name: str) -> None:
            wires = work[name]
            for i in range(0, len(wires), 20):
                assert {r["status"] for r in push(clients[name], wires[i : i + 20])} == {"accepted"}

        threads = [threading.Thread(target=pusher, args=(n,)) for n in work]
        watcher = threading.Thread(target=follow)
        watcher.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        done.set()
        watcher.join(timeout=60)
        total = sum(len(w) for w in work.values())
        assert [c["server_seq"] for c in followed] == list(range(1, total + 1))
        for wires in work.values():
            mine = [c["change_id"] for c in followed if c["officer"] == wires[0]["officer"]]
            assert mine == [w["change_id"] for w in wires]  # each officer's order kept
        for c in (*clients.values(), follower):
            c.close()
