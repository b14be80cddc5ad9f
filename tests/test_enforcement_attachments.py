"""Photos and documents attached to measures: kept once by content hash beside the case file,
where the sync client sends them from, and listed on the measure."""

import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import fingerprint
from workstation import attachments, enforcement
from workstation.cases import ValidationFailed
from workstation.store import blobs
from workstation.store.casefile import CaseFile, Edit
from workstation.sync.client import blob_path, file_sha256

TODAY = date(2026, 11, 26)


@pytest.fixture
def case(case_file: CaseFile) -> str:
    (case_id,) = case_file.save(
        [Edit("case", {"case_number": "（2026）豫0302执300号", "filing_date": "2026-05-06"})]
    )
    return case_id


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "incoming" / "现场照片.jpg"
    path.parent.mkdir()
    path.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    return path


def test_a_measure_recorded_with_a_photo_keeps_it_by_hash(case_file, case, photo):
    measure = enforcement.record_measure(
        case_file,
        case,
        {"kind": "field_visit", "date": "2026-11-20", "result": "屋内无财产"},
        today=TODAY,
        documents=[photo],
    )
    (m,) = enforcement.load_record(case_file, case).measures
    assert m.id == measure and len(m.documents) == 1
    (kept,) = attachments.attachments(case_file, m.documents)
    assert kept.name == "现场照片.jpg" and kept.mime == "image/jpeg"
    assert kept.size == photo.stat().st_size
    assert kept.sha256 == file_sha256(photo)
    assert kept.path == blob_path(case_file.path, kept.sha256)
    assert blobs.read_plain(case_file.path, kept.sha256) == photo.read_bytes()
    assert kept.path.read_bytes() != photo.read_bytes()  # kept encrypted
    # journaled like any record: the sync client finds the attachment by its change
    (change,) = case_file.conn.execute(
        "SELECT count(*) FROM journal WHERE record_type = 'attachment'"
    ).fetchone()
    assert change == 1


def test_a_photo_added_later_is_appended_and_the_same_content_kept_once(case_file, case, photo):
    measure = enforcement.record_measure(
        case_file, case, {"kind": "search", "date": "2026-11-20"}, today=TODAY
    )
    first = attachments.attach_to_measure(case_file, measure, photo)
    copy = photo.with_name("同一张.jpg")
    copy.write_bytes(photo.read_bytes())
    second = attachments.attach_to_measure(case_file, measure, copy)
    documents = json.loads(case_file.get("measure", measure).values["documents"])
    assert documents == [first, second]
    folder = blob_path(case_file.path, "x").parent
    assert [p.name for p in folder.iterdir()] == [file_sha256(photo)]  # no temporary files left


def test_a_missing_or_empty_file_is_refused_and_nothing_saved(case_file, case, tmp_path):
    measure = enforcement.record_measure(
        case_file, case, {"kind": "search", "date": "2026-11-20"}, today=TODAY
    )
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    before = fingerprint(case_file)
    for path, message in ((tmp_path / "gone.jpg", "找不到文件"), (empty, "是空的")):
        with pytest.raises(ValidationFailed) as exc:
            attachments.attach_to_measure(case_file, measure, path)
        assert message in exc.value.errors["path"]
    assert fingerprint(case_file) == before
