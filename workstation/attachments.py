"""Files attached to a case (photos, scanned documents), and the measures they document.

A file is kept once, by the sha256 of its content, encrypted, in the attachments folder beside the
case file (store/blobs.py: the place and the hash the sync client uploads from); the attachment
record carries its name, size and type. A measure lists its attachments by id.
"""

import json
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .cases import ValidationFailed
from .ids import uuid7
from .store import blobs
from .store.casefile import CaseFile, Edit

MAX_BYTES = 200 * 1024 * 1024  # a scan or a phone video, not a disk image


@dataclass(frozen=True)
class Attachment:
    id: str
    name: str
    size: int
    mime: str
    sha256: str
    path: Path  # where the content is kept on this computer, encrypted (store/blobs.py reads it)


def _store_blob(cf: CaseFile, source: Path) -> str:
    """Keep an encrypted copy of `source` in the attachments folder under the sha256 of its
    content, atomically; returns the hash. A file already kept (same content) is not kept again."""
    return blobs.store_file(cf.path, source)


def _attachment_edit(cf: CaseFile, case_id: str, source: Path, note: str = "") -> Edit:
    source = Path(source)
    if not source.is_file():
        raise ValidationFailed({"path": f"找不到文件“{source}”，请重新选择。"})
    size = source.stat().st_size
    if size == 0:
        raise ValidationFailed({"path": f"文件“{source.name}”是空的，请重新选择。"})
    if size > MAX_BYTES:
        raise ValidationFailed(
            {"path": f"文件“{source.name}”超过{MAX_BYTES // (1024 * 1024)}MB，请压缩后再添加。"}
        )
    try:
        sha = _store_blob(cf, source)
    except OSError as exc:
        raise ValidationFailed(
            {"path": f"无法读取或保存文件“{source.name}”：{exc.strerror}"}
        ) from exc
    mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    values = {
        "case_id": case_id,
        "sha256": sha,
        "name": source.name,
        "size": size,
        "mime": mime,
        "note": note,
    }
    return Edit("attachment", values, uuid7())


def attachment_edits(cf: CaseFile, case_id: str, sources: Sequence[Path]) -> list[Edit]:
    """Keep copies of the files and return the edits that make their records, for a caller that
    saves them together with the record they document (a new measure)."""
    return [_attachment_edit(cf, case_id, Path(s)) for s in sources]


def add_attachment(cf: CaseFile, case_id: str, source: Path, note: str = "") -> str:
    """Keep a copy of the file `source` with the case. Returns the attachment id."""
    (attachment_id,) = cf.save([_attachment_edit(cf, case_id, source, note)])
    return attachment_id


def attach_to_measure(cf: CaseFile, measure_id: str, source: Path, note: str = "") -> str:
    """Keep a copy of `source` with the measure's case and list it on the measure, in one save.
    Returns the attachment id."""
    row = cf.get("measure", measure_id)
    if row is None:
        raise KeyError(measure_id)
    edit = _attachment_edit(cf, row.values["case_id"], source, note)
    documents = [*json.loads(row.values["documents"] or "[]"), edit.record_id]
    cf.save([edit, Edit("measure", {"documents": json.dumps(documents)}, measure_id)])
    return edit.record_id


def attachments(cf: CaseFile, ids: list[str] | tuple[str, ...]) -> list[Attachment]:
    """The attachments with these ids (not deleted), in that order."""
    out = []
    for attachment_id in ids:
        row = cf.get("attachment", attachment_id)
        if row is None or row.values["deleted"]:
            continue
        v = row.values
        out.append(
            Attachment(
                attachment_id,
                v["name"],
                v["size"],
                v["mime"],
                v["sha256"],
                blobs.blob_path(cf.path, v["sha256"]),
            )
        )
    return out
