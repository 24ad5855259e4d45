"""The JSON export: one organisation's whole record, scores written as people write them; and the
bytes of every JSON file the tool writes (`json_file`)."""

from __future__ import annotations

import json
from typing import Any

from ...domain.edits import Draft, fields_json
from ...domain.record import OrganisationRecord
from ..record_file import record_as_data


def json_file(data: Any) -> bytes:
    """A JSON file as the tool writes one (a record's export, a copy of what is held about a
    person): indented, UTF-8 with its letters as they are, ending with a line break."""
    return (json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def record_json(record: OrganisationRecord, drafts: list[Draft] | None = None) -> dict[str, Any]:
    """`{"organisation", "framework", "baselines", "periods": [{"period", "status", "entries": [...]}],
    "drafts": [...]}`.

    Every entry carries `objective`, `score` ("3", "2/3", "n/a" or null), `target`, `baseline`,
    `comment`, `actions` and the change metadata (`version`, `updated_by`, `updated_at`). Each
    draft (an unsaved edit) carries its `period`, `person`, `kind`, `item`, the `base_version` it
    started from, the `fields` changed and when.
    """
    data = record_as_data(record, include_meta=True)
    for period in data["periods"]:
        period.setdefault("entries", [])
        period.setdefault("key_areas", [])
    data["drafts"] = [{"period": d.period, "person": d.person, "kind": d.edit.kind, "item": d.edit.item,
                       "base_version": d.edit.base_version, "fields": json.loads(fields_json(d.edit)),
                       "updated_at": d.updated_at.isoformat() if d.updated_at else None}
                      for d in drafts or []]
    return data

