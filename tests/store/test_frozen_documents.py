"""A finalised document cannot be changed through the store, whatever the caller."""

import hashlib
import json
from pathlib import Path

import pytest

from workstation.store.casefile import CaseFile, Edit
from workstation.store.errors import ChangeRefused


def _document(cf: CaseFile) -> tuple[str, str]:
    (case_id,) = cf.save(
        [Edit("case", {"case_number": "（2026）豫0302执1号", "filing_date": "2026-01-05"})]
    )
    content = json.dumps(
        {"blocks": [["Para", "申请执行人同意终结本次执行程序。"]]}, ensure_ascii=False
    )
    (doc_id,) = cf.save(
        [
            Edit(
                "document",
                {
                    "case_id": case_id,
                    "kind": "interview_record",
                    "content": content,
                    "content_hash": hashlib.sha256(content.encode()).hexdigest(),
                },
            )
        ]
    )
    return case_id, doc_id


@pytest.mark.parametrize(
    "field, value",
    [
        ("content", '{"blocks": []}'),
        ("content_hash", "0" * 64),
        ("data", '{"opinion": "disagrees"}'),
        ("kind", "ruling"),
        ("deleted", 1),
    ],
)
def test_a_finalised_document_refuses_changes_to_its_content(tmp_path: Path, field, value):
    with CaseFile.open(tmp_path / "c.sqlite3", create=True) as cf:
        _, doc_id = _document(cf)
        before = cf.get("document", doc_id)
        journal_rows = cf.conn.execute("SELECT count(*) FROM journal").fetchone()[0]
        with pytest.raises(ChangeRefused) as refused:
            cf.save([Edit("document", {field: value}, record_id=doc_id)])
        assert "已定稿的文书不能修改" in refused.value.message
        assert cf.get("document", doc_id) == before
        assert cf.conn.execute("SELECT count(*) FROM journal").fetchone()[0] == journal_rows


def test_what_happened_to_the_paper_is_still_recorded(tmp_path: Path):
    with CaseFile.open(tmp_path / "c.sqlite3", create=True) as cf:
        _, doc_id = _document(cf)
        cf.save([Edit("document", {"signed_date": "2026-11-20"}, record_id=doc_id)])
        assert cf.get("document", doc_id).values["signed_date"] == "2026-11-20"


def test_a_correction_points_at_the_document_it_corrects(tmp_path: Path):
    with CaseFile.open(tmp_path / "c.sqlite3", create=True) as cf:
        case_id, doc_id = _document(cf)
        content = '{"blocks": []}'
        (fix,) = cf.save(
            [
                Edit(
                    "document",
                    {
                        "case_id": case_id,
                        "kind": "correction",
                        "content": content,
                        "content_hash": hashlib.sha256(content.encode()).hexdigest(),
                        "corrects": doc_id,
                    },
                )
            ]
        )
        assert cf.get("document", fix).values["corrects"] == doc_id
        assert cf.get("document", doc_id).values["deleted"] == 0
