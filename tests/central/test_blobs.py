"""Attachments: uploaded by content hash in resumable parts, read by whoever may read the case."""

import hashlib
import os
import socket
import time
from urllib.parse import urlsplit

from workstation.ids import uuid7

from .helpers import Central, demo_wires, edit, push

DATA = os.urandom(300_000)
SHA = hashlib.sha256(DATA).hexdigest()


def test_an_upload_in_two_parts_completes_and_reads_back(central: Central):
    zhang = central.user("zhang")
    assert zhang.head(f"/blobs/{SHA}").status_code == 404
    assert zhang.get(f"/blobs/{SHA}/offset").json() == {"offset": 0, "complete": False}
    half = len(DATA) // 2
    first = zhang.put(f"/blobs/{SHA}", params={"offset": 0}, content=DATA[:half])
    assert first.json() == {"offset": half, "complete": False}
    assert zhang.head(f"/blobs/{SHA}").status_code == 404  # not whole yet
    assert zhang.get(f"/blobs/{SHA}/offset").json()["offset"] == half
    second = zhang.put(f"/blobs/{SHA}", params={"offset": half}, content=DATA[half:])
    assert second.json() == {"offset": len(DATA), "complete": True}
    head = zhang.head(f"/blobs/{SHA}")
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(DATA))
    assert zhang.get(f"/blobs/{SHA}").content == DATA  # the uploader may read it


def test_a_part_at_the_wrong_offset_is_told_where_to_go_on(central: Central):
    zhang = central.user("zhang")
    zhang.put(f"/blobs/{SHA}", params={"offset": 0}, content=DATA[:1000])
    reply = zhang.put(f"/blobs/{SHA}", params={"offset": 5000}, content=DATA[5000:])
    assert reply.status_code == 409
    assert reply.json()["offset"] == 1000
    assert reply.json()["reason"]


def test_an_upload_cut_off_resumes_from_what_arrived(central: Central):
    zhang = central.user("zhang")
    url = urlsplit(central.base_url)
    with socket.create_connection((url.hostname, url.port)) as s:
        s.sendall(
            f"PUT /api/v1/blobs/{SHA}?offset=0 HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: {zhang.headers['Authorization']}\r\n"
            f"Content-Length: {len(DATA)}\r\n\r\n".encode()
            + DATA[:100_000]
        )
        time.sleep(0.2)
    deadline = time.monotonic() + 10
    while (offset := zhang.get(f"/blobs/{SHA}/offset").json()["offset"]) < 100_000:
        assert time.monotonic() < deadline, f"only {offset} bytes kept"
        time.sleep(0.05)
    assert offset == 100_000
    # The cut connection's handler may still hold the partial file for a moment (409, "being
    # uploaded by another connection"), as a client that resumes at once can see: it retries.
    while (
        reply := zhang.put(f"/blobs/{SHA}", params={"offset": offset}, content=DATA[offset:])
    ).status_code == 409:
        assert time.monotonic() < deadline, reply.text
        assert reply.json()["offset"] == offset
        time.sleep(0.05)
    assert reply.json()["complete"] is True, reply.text
    assert zhang.get(f"/blobs/{SHA}").content == DATA


def test_a_wrong_file_is_discarded_when_its_declared_size_is_reached(central: Central):
    zhang = central.user("zhang")
    wrong = b"x" + DATA[1:]
    reply = zhang.put(f"/blobs/{SHA}", params={"offset": 0, "size": len(DATA)}, content=wrong)
    assert reply.status_code == 422
    assert "校验值不符" in reply.json()["reason"]
    assert zhang.get(f"/blobs/{SHA}/offset").json()["offset"] == 0
    assert zhang.head(f"/blobs/{SHA}").status_code == 404
    ok = zhang.put(f"/blobs/{SHA}", params={"offset": 0, "size": len(DATA)}, content=DATA)
    assert ok.json()["complete"] is True


def test_a_blob_is_readable_by_those_who_read_a_case_attaching_it(central: Central):
    zhang = central.user("zhang")
    li = central.user("li")
    manager = central.user("boss", role="court_manager")
    elsewhere = central.user("wang", role="court_manager", court="豫0303")
    zhang.put(f"/blobs/{SHA}", params={"offset": 0}, content=DATA)
    assert li.get(f"/blobs/{SHA}").status_code == 403
    assert manager.get(f"/blobs/{SHA}").status_code == 403
    wires = demo_wires(1)
    case_id = wires[0]["record_id"]
    attachment = edit(
        "attachment",
        uuid7(),
        {"case_id": case_id, "sha256": SHA, "name": "现场照片.jpg", "size": len(DATA)},
        {},
    )
    assert {r["status"] for r in push(zhang, [*wires, attachment])} == {"accepted"}
    assert manager.get(f"/blobs/{SHA}").content == DATA
    assert li.get(f"/blobs/{SHA}").status_code == 403
    assert elsewhere.get(f"/blobs/{SHA}").status_code == 403
    assert li.get(f"/blobs/{'0' * 64}").status_code == 404
