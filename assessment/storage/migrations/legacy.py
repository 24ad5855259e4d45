"""Reading what earlier versions stored: used by migration 0003 and by `restore` of older backups.

Until December 2026 an open action was copied into each new period, the copy naming the original
(`carried_from`) and the original marked "carried forward". An action now lives once, with the
period it was raised in, and keeps its status changes. `merge_carried_actions` folds each chain of
copies into its first action: the first keeps its text and takes the latest copy's owner, due
date, red/amber/green and status; each copy whose status differs from the one before becomes a
dated status change in the period it was in. "carried forward" is read as "open".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

OLD_STATUS = {"carried forward": "open"}


def merged_actions(actions: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """From rows with `id`, `carried_from`, `status`, `owner`, `due`, `rag`, `period` (the period of
    its entry), `updated_by`, `updated_at`: the rows to keep (first actions, updated) and the status
    changes to add (`action_id`, `status`, `on`, `period`, `changed_by`, `changed_at`). Copies are
    the rows not kept."""
    by_id = {a["id"]: a for a in actions}

    def root(action: dict) -> dict:
        seen = set()
        while action.get("carried_from") in by_id and action["id"] not in seen:
            seen.add(action["id"])
            action = by_id[action["carried_from"]]
        return action

    chains: dict[int, list[dict]] = {}
    for action in sorted(actions, key=lambda a: a["id"]):
        chains.setdefault(root(action)["id"], []).append(action)
    kept, changes = [], []
    for first_id, chain in chains.items():
        first = dict(by_id[first_id])
        status = OLD_STATUS.get(first["status"], first["status"])
        for copy in chain[1:]:
            copy_status = OLD_STATUS.get(copy["status"], copy["status"])
            if copy_status != status:
                when = copy["updated_at"]
                changes.append({"action_id": first_id, "status": copy_status,
                                "on": when.date() if isinstance(when, datetime) else None,
                                "period": copy["period"], "changed_by": copy["updated_by"], "changed_at": when})
                status = copy_status
            first.update(owner=copy["owner"], due=copy["due"], rag=copy["rag"])
        first["status"] = status
        kept.append(first)
    return kept, changes
