"""A finalised interview record is a journaled document: it syncs like everything else, arrives
byte for byte (its hash still matches), its draft never leaves the laptop, and neither side lets
its content be changed afterwards."""

from datetime import date

import pytest

from tests.sync.test_sync import assert_converged, case_ids, laptop, sync
from workstation import interview
from workstation.documents import content_hash
from workstation.store.casefile import Edit
from workstation.store.errors import ChangeRefused

TODAY = date(2026, 11, 26)


def test_an_interview_record_syncs_and_stays_unchangeable(server, tmp_path):
    a, b = laptop(tmp_path, "a", server), laptop(tmp_path, "b", server)
    sync(a, server)
    sync(b, server)
    case_id = case_ids(a)[0]
    applicant = next(pid for pid, label in interview.interviewees(a, case_id))
    unfinished = interview.start_draft(a, case_ids(a)[1], officer="张伟")
    draft = interview.start_draft(a, case_id, officer="张伟")
    template = draft.data["template"]
    draft.data["header"] |= {
        "date": "2026-11-20",
        "start": "09:30",
        "end": "10:00",
        "place": "申请执行人住所",
        "method": "in_person",
        "recorder": "李娜",
        "interviewee_id": applicant,
    }
    draft.data["notices_read"] = [n["id"] for n in template["notices"]]
    draft.data["answers"] = {"understood": "听清楚了。", "new_clues": "no"}
    draft.data["opinion"] = {"choice": "agrees", "reasons": ""}
    doc_id = interview.finalise(a, draft, TODAY)
    sync(a, server)
    sync(b, server)
    arrived = interview.record(b, doc_id)
    assert content_hash(arrived.document) == b.get("document", doc_id).values["content_hash"]
    assert arrived.document == interview.record(a, doc_id).document
    assert interview.current_record(b, case_id).interview_date == date(2026, 11, 20)
    # drafts are the laptop's own: the unfinished one never travelled
    assert interview.open_draft(b, case_ids(a)[1]) is None
    assert interview.reload_draft(a, unfinished.id) is not None
    with pytest.raises(ChangeRefused):
        b.save([Edit("document", {"content": "{}"}, record_id=doc_id)])
    assert_converged(server, a, b)
