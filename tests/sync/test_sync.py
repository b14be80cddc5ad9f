"""End-of-day sync against the real server: two laptops, random offline edits, a bad network."""

import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sync import faults
from tests.sync.conftest import COURT, PASSWORD, Server, laptop, sync
from workstation.ids import uuid7
from workstation.store.casefile import CaseFile, Edit
from workstation.sync.client import HttpTransport, SyncClient, SyncError, local_summary


def server_change_ids(server: Server) -> list[str]:
    path = server.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT change_id FROM journal")]


def local_change_ids(cf: CaseFile) -> set[str]:
    return {r[0] for r in cf.conn.execute("SELECT change_id FROM journal WHERE origin = 'local'")}


def case_ids(cf: CaseFile) -> list[str]:
    return [r[0] for r in cf.conn.execute("SELECT id FROM cases WHERE deleted = 0 ORDER BY n")]


def random_edits(cf: CaseFile, rng: random.Random, count: int) -> None:
    """What an officer does on a field visit, at random: edits, new parties, removals, new cases."""
    for _ in range(count):
        cases = case_ids(cf)
        case_id = rng.choice(cases)
        parties = [
            r[0]
            for r in cf.conn.execute(
                "SELECT id FROM parties WHERE case_id = ? AND deleted = 0", (case_id,)
            )
        ]
        action = rng.randrange(7)
        if action == 0:
            cf.save([Edit("case", {"notes": f"走访记录 {rng.randrange(10**6)}"}, case_id)])
        elif action == 1:
            cf.save([Edit("case", {"principal": rng.randrange(1, 10**9)}, case_id)])
        elif action == 2 and parties:
            cf.save(
                [
                    Edit(
                        "party",
                        {"address": f"洛阳市西工区{rng.randrange(999)}号"},
                        rng.choice(parties),
                    )
                ]
            )
        elif action == 3 and parties:
            cf.save(
                [Edit("party", {"phone": f"139{rng.randrange(10**8):08d}"}, rng.choice(parties))]
            )
        elif action == 4:
            cf.save(
                [
                    Edit(
                        "party",
                        {
                            "case_id": case_id,
                            "role": "debtor",
                            "kind": "person",
                            "name": f"新被执行人{rng.randrange(999)}",
                        },
                    )
                ]
            )
        elif action == 5 and len(parties) > 2:
            cf.save([Edit("party", {"deleted": 1}, rng.choice(parties))])
        else:
            (new_case,) = cf.save(
                [
                    Edit(
                        "case",
                        {
                            "case_number": f"（2026）{COURT}执{rng.randrange(10**5)}号",
                            "court_code": COURT,
                            "filing_date": "2026-11-01",
                        },
                    )
                ]
            )
            cf.save(
                [
                    Edit(
                        "party",
                        {
                            "case_id": new_case,
                            "role": "applicant",
                            "kind": "person",
                            "name": "现场登记申请人",
                        },
                    )
                ]
            )


def assert_converged(server: Server, *laptops: CaseFile) -> None:
    first = laptops[0]
    for other in laptops[1:]:
        assert other.state_snapshot() == first.state_snapshot()
    transport = HttpTransport(server.url)
    try:
        client = SyncClient(
            first,
            transport,
            server_url=server.url,
            username=first.meta("server_username"),
            password=lambda: PASSWORD,
        )
        remote = client._ok(client.call("GET", "/summary"), "summary")
    finally:
        transport.close()
    assert local_summary(first) == remote
    made = set().union(*(local_change_ids(cf) for cf in laptops))
    on_server = server_change_ids(server)
    assert len(on_server) == len(set(on_server))  # nothing twice
    assert made <= set(on_server)  # nothing lost
    for cf in laptops:
        # the summary kept change by change equals one computed from scratch
        assert local_summary(cf) == local_summary(cf, recompute=True)
        assert cf.unsynced_count() == 0
        assert cf.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_first_sync_brings_the_officers_cases_and_only_them(server, tmp_path):
    cf = laptop(tmp_path, "a", server)
    report = sync(cf, server)
    numbers = {r[0] for r in cf.conn.execute("SELECT case_number FROM cases")}
    assert numbers == {f"（2024）{COURT}执{n}号" for n in range(1, 6)}  # not li's case 99
    assert report.pulled > 0 and not report.recovered
    assert cf.meta("last_sync")
    assert_converged(server, cf)


def test_nothing_to_do_sync_sends_and_receives_nothing(server, tmp_path):
    cf = laptop(tmp_path, "a", server)
    sync(cf, server)
    report = sync(cf, server)
    assert (report.pushed, report.pulled, report.recovered) == (0, 0, False)


@pytest.mark.parametrize("seed", range(4))
def test_two_laptops_editing_offline_converge_and_every_change_arrives_once(server, tmp_path, seed):
    rng = random.Random(seed)
    a, b = laptop(tmp_path, "a", server), laptop(tmp_path, "b", server)
    sync(a, server)
    sync(b, server)
    for _round in range(3):
        random_edits(a, rng, rng.randrange(1, 12))
        random_edits(b, rng, rng.randrange(1, 12))
        for cf in rng.sample([a, b], 2):
            sync(cf, server)
    sync(a, server)  # a last round so each has what the other pushed
    sync(b, server)
    sync(a, server)
    assert_converged(server, a, b)
    a.close()
    b.close()


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10**6), edits=st.lists(st.integers(0, 10), min_size=2, max_size=6))
def test_convergence_holds_for_any_interleaving(server, tmp_path, seed, edits):
    rng = random.Random(seed)
    base = tmp_path / uuid7()
    a, b = laptop(base, "a", server), laptop(base, "b", server)
    try:
        for cf in (a, b):
            sync(cf, server)
        for i, n in enumerate(edits):
            cf = (a, b)[i % 2]
            random_edits(cf, rng, n)
            if rng.random() < 0.7:
                sync(cf, server)
        for cf in (a, b, a):
            sync(cf, server)
        assert_converged(server, a, b)
    finally:
        a.close()
        b.close()


PATTERNS = {
    "every 5th request dropped": lambda: faults.every_nth(5),
    "every 3rd response lost after the server committed": lambda: faults.every_nth(
        3, faults.DROP_RESPONSE
    ),
    "every 4th request sent twice": lambda: faults.every_nth(4, faults.DUPLICATE),
    "every 2nd response cut in half": lambda: faults.every_nth(2, faults.CUT),
    "every 3rd request delayed": lambda: faults.every_nth(3, faults.DELAY),
    "push fails until retried 10 times": lambda: faults.step_fails_until("/push", 10),
    "pull fails until retried 10 times": lambda: faults.step_fails_until(
        "/changes", 10, faults.CUT
    ),
    "20% random failures": lambda: faults.random_faults(0.2, seed=11),
}


@pytest.mark.parametrize("pattern", PATTERNS, ids=list(PATTERNS))
def test_a_bad_network_changes_nothing_in_the_result(server, tmp_path, pattern):
    rng = random.Random(5)
    a, b = laptop(tmp_path, "a", server), laptop(tmp_path, "b", server)
    sync(a, server)
    sync(b, server)
    random_edits(a, rng, 15)
    random_edits(b, rng, 15)
    transport = faults.FaultyTransport(server.url, PATTERNS[pattern]())
    try:
        sync(a, server, transport=transport)
        sync(b, server, transport=transport)
        sync(a, server, transport=transport)
    finally:
        transport.close()
    assert transport.faults_injected() > 0
    # retries back off but stay bounded: a handful of requests per fault, not an endless loop
    assert transport.count <= 30 + 4 * transport.faults_injected()
    assert_converged(server, a, b)


def test_same_field_on_two_laptops_keeps_both_values_as_a_conflict(server, tmp_path):
    a, b = laptop(tmp_path, "a", server), laptop(tmp_path, "b", server)
    sync(a, server)
    sync(b, server)
    party = a.conn.execute(
        "SELECT id FROM parties WHERE role = 'debtor' ORDER BY n LIMIT 1"
    ).fetchone()[0]
    a.save([Edit("party", {"address": "A 处查明的新住址"}, party)])
    b.save([Edit("party", {"address": "B 处查明的新住址"}, party)])
    sync(a, server)
    report = sync(b, server)
    sync(a, server)
    assert report.open_conflicts == 1
    for cf in (a, b):
        (conflict,) = cf.conn.execute(
            "SELECT field, replaced_value, status FROM conflicts"
        ).fetchall()
        assert conflict == ("address", '"A 处查明的新住址"', "open")
        assert cf.get("party", party).values["address"] == "B 处查明的新住址"
    assert_converged(server, a, b)


def test_wrong_password_is_told_in_chinese_and_changes_nothing(server, tmp_path):
    cf = laptop(tmp_path, "a", server)
    with pytest.raises(SyncError) as failed:
        sync(cf, server, password="错误的密码")
    assert failed.value.kind == "auth"
    assert "密码错误" in failed.value.message
    assert cf.conn.execute("SELECT count(*) FROM cases").fetchone() == (0,)


def test_no_network_is_told_in_chinese(tmp_path):
    cf = CaseFile.open(tmp_path / "x" / "casefile.sqlite3", create=True)
    closed = Server("http://127.0.0.1:9", None, "")  # nothing listens on the discard port
    with pytest.raises(SyncError) as failed:
        sync(cf, closed)
    assert failed.value.kind == "network"
    assert "无法连接" in failed.value.message
    cf.close()


def test_a_demo_file_is_never_synced(server, tmp_path):
    cf = laptop(tmp_path, "a", server)
    cf.set_meta("demo", "1")
    with pytest.raises(SyncError, match="演示数据"):
        sync(cf, server)


def test_the_token_is_kept_in_the_keyring_and_the_password_asked_once(
    server, tmp_path, memory_keyring
):
    cf = laptop(tmp_path, "a", server)
    asked = []

    def password():
        asked.append(1)
        return PASSWORD

    for _ in range(2):
        transport = HttpTransport(server.url)
        SyncClient(cf, transport, server_url=server.url, username="zhang", password=password).run()
        transport.close()
    assert len(asked) == 1
    (stored,) = memory_keyring.items.values()
    assert len(stored) > 20
    assert stored not in Path(cf.path).read_bytes().decode("latin-1")


def test_without_a_keyring_the_password_is_asked_at_each_sync(server, tmp_path):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    cf = laptop(tmp_path, "a", server)
    asked = []
    for _ in range(2):
        transport = HttpTransport(server.url)
        SyncClient(
            cf,
            transport,
            server_url=server.url,
            username="zhang",
            password=lambda: asked.append(1) or PASSWORD,
        ).run()
        transport.close()
    assert len(asked) == 2


def test_a_clock_far_off_is_reported_and_nothing_depends_on_it(server, tmp_path):
    class SkewedTransport(HttpTransport):
        def request(self, method, path, **kw):
            reply = super().request(method, path, **kw)
            if path.endswith("/status"):
                reply.body = reply.body.replace(b'"server_time":"20', b'"server_time":"19')
            return reply

    cf = laptop(tmp_path, "a", server)
    transport = SkewedTransport(server.url)
    report = sync(cf, server, transport=transport)
    transport.close()
    assert any("时钟" in w for w in report.warnings)
    assert_converged(server, cf)


def test_cancelled_sync_stops_cleanly_and_the_next_one_finishes(server, tmp_path):
    import threading

    cf = laptop(tmp_path, "a", server)
    cancel = threading.Event()

    def progress(phase, done, total):
        if phase == "下载变更":
            cancel.set()

    with pytest.raises(SyncError) as stopped:
        sync(cf, server, cancel=cancel, progress=progress)
    assert stopped.value.kind == "cancelled"
    assert cf.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    sync(cf, server)
    assert_converged(server, cf)


def test_the_enforcement_record_syncs_with_no_code_of_its_own(server, tmp_path):
    from workstation import enforcement

    a, b = laptop(tmp_path, "a", server), laptop(tmp_path, "b", server)
    sync(a, server)
    sync(b, server)
    case_id = case_ids(a)[0]
    measure = enforcement.record_measure(
        a,
        case_id,
        {
            "kind": "online_inquiry",
            "channel": "vehicle",
            "date": "2026-11-20",
            "found": "no",
            "result": "未查询到登记车辆",
        },
    )
    (asset,) = a.save(
        [
            Edit(
                "asset",
                {"case_id": case_id, "kind": "vehicle", "description": "豫C·12345 小型轿车"},
            )
        ]
    )
    a.save(
        [
            Edit(
                "funds",
                {
                    "case_id": case_id,
                    "kind": "receipt",
                    "date": "2026-11-21",
                    "amount": 123_400,
                    "source": "debtor_payment",
                },
            )
        ]
    )
    sync(a, server)
    sync(b, server)
    assert b.get("measure", measure).values["result"] == "未查询到登记车辆"
    assert b.get("asset", asset).values["description"] == "豫C·12345 小型轿车"
    assert enforcement.funds_status(b, case_id).received == 123_400
    assert_converged(server, a, b)


def _attach(cf: CaseFile, case_id: str, data: bytes, name: str) -> str:
    import hashlib

    from workstation.sync.client import blob_path

    sha = hashlib.sha256(data).hexdigest()
    path = blob_path(cf.path, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    cf.save(
        [
            Edit(
                "attachment",
                {
                    "case_id": case_id,
                    "sha256": sha,
                    "name": name,
                    "size": len(data),
                    "mime": "image/jpeg",
                },
            )
        ]
    )
    return sha


def test_attachments_go_by_content_hash_resume_and_are_never_sent_twice(server, tmp_path):
    import httpx

    a = laptop(tmp_path, "a", server)
    sync(a, server)
    case_id = case_ids(a)[0]
    photo = bytes(range(256)) * 9000  # 2.3 MB: three chunks
    sha = _attach(a, case_id, photo, "现场照片.jpg")
    # the second chunk's answer is lost after the server stored it: the upload resumes
    transport = faults.FaultyTransport(
        server.url, faults.step_fails_until("/blobs/", 3, faults.DROP_RESPONSE)
    )
    report = sync(a, server, transport=transport)
    transport.close()
    assert report.blobs_sent == 1
    client = SyncClient(
        a,
        HttpTransport(server.url),
        server_url=server.url,
        username="zhang",
        password=lambda: PASSWORD,
    )
    assert client.call("HEAD", f"/blobs/{sha}").status == 200
    body = httpx.get(
        f"{server.url}/api/v1/blobs/{sha}", headers={"Authorization": f"Bearer {client._token()}"}
    ).content
    assert body == photo
    _attach(a, case_id, photo, "同一张照片再次附上.jpg")
    again = sync(a, server)
    assert again.blobs_sent == 0  # the server has it: not sent again
    assert_converged(server, a)
