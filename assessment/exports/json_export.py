"""The JSON export: one organisation's whole record, scores written as people write them."""

from __future__ import annotations

from typing import Any

from ..record import OrganisationRecord
from ..recordfile import record_as_data


def record_json(record: OrganisationRecord) -> dict[str, Any]:
    """`{"organisation", "framework", "baselines", "periods": [{"period", "status", "entries": [...]}]}`.

    Every entry carries `objective`, `score` ("3", "2/3", "n/a" or null), `target`, `baseline`,
    `comment`, `actions` and the change metadata (`version`, `updated_by`, `updated_at`).
    """
    data = record_as_data(record, include_meta=True)
    for period in data["periods"]:
        period.setdefault("entries", [])
        period.setdefault("key_areas", [])
    return data
