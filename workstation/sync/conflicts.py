"""Resolving a conflict: the officer picks a value; the pick is an ordinary change."""

import json

from ..store.casefile import CaseFile, Edit
from ..store.errors import ChangeRefused

KEEP_CURRENT, RESTORE_REPLACED = "kept_current", "restored_replaced"


def resolve_conflict(casefile: CaseFile, conflict_id: str, resolution: str) -> None:
    """Keep the value the record has now, or put back the value it replaced; close the conflict.

    Both in one transaction, both journaled and pushed at the next sync like any edit.
    """
    conflict = casefile.get("conflict", conflict_id)
    if conflict is None or conflict.values["status"] != "open":
        raise ChangeRefused("这条冲突已不存在或已处理。", f"conflict {conflict_id} not open")
    if resolution not in (KEEP_CURRENT, RESTORE_REPLACED):
        raise ValueError(resolution)
    c = conflict.values
    edits = []
    if resolution == RESTORE_REPLACED:
        target = casefile.get(c["target_type"], c["target_id"])
        if target is None:
            raise ChangeRefused(
                "冲突所涉的记录已不存在。", f"no {c['target_type']} {c['target_id']}"
            )
        value = json.loads(c["replaced_value"]) if c["replaced_value"] else None
        edits.append(Edit(c["target_type"], {c["field"]: value}, c["target_id"]))
    edits.append(Edit("conflict", {"status": "resolved", "resolution": resolution}, conflict_id))
    casefile.save(edits)


def describe(conflict: dict, current_value: object) -> dict[str, str]:
    """Both values of a conflict as text for the screen: side by side, with who set them."""

    def show(value: object) -> str:
        if value is None or value == "":
            return "（空）"
        return str(value)

    replaced = json.loads(conflict["replaced_value"]) if conflict["replaced_value"] else None
    return {
        "field": conflict["field"],
        "current": show(current_value),
        "current_officer": conflict["current_officer"],
        "replaced": show(replaced),
        "replaced_officer": conflict["replaced_officer"],
    }
