"""Reading what earlier versions stored: used by migrations 0003 and 0008 and by `restore` of older backups.

Until December 2026 an open action was copied into each new period, the copy naming the original
(`carried_from`) and the original marked "carried forward". An action now lives once, with the
period it was raised in, and keeps its status changes. `merge_carried_actions` folds each chain of
copies into its first action: the first keeps its text and takes the latest copy's owner, due
date, red/amber/green and status; each copy whose status differs from the one before becomes a
dated status change in the period it was in. "carried forward" is read as "open".
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ...domain.scores import written_value

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


# ------------------------------------------------------------------ history snapshots
# Until December 2026 a snapshot held scores as numbers with an n/a flag beside them ("score": 2.5,
# "score_na": false) and every field, empty or not. It now holds the record schema's entry
# (`formats.record_schema.EntrySnapshot`): scores as people write them ("2/3", "n/a"), fields at
# their defaults left out. Migration 0008 and `restore` of backups before format 6 use these.

def _written(value: Any, not_applicable: Any) -> Any:
    if not_applicable is True:
        return "n/a"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return written_value(float(value)) if abs(value) < 2**31 else value
    return value    # not what the tool wrote: left for the restore's checks to report


def snapshot_from_numbers(text: str | None) -> str | None:
    """A snapshot of the old shape in the record schema's; anything else as it is."""
    try:
        old = json.loads(text) if text else None
    except ValueError:
        return text
    if not isinstance(old, dict) or not ({"score_na", "target_na"} & old.keys()):
        return text
    new = {"score": _written(old.get("score"), old.get("score_na")),
           "target": _written(old.get("target"), old.get("target_na")),
           **{key: old.get(key) for key in ("target_period", "comment")},
           "carried": old.get("carried") or None}
    new["actions"] = [{k: v for k, v in a.items() if v is not None} if isinstance(a, dict) else a
                      for a in old.get("actions") or []] or None
    new["evidence"] = [{k: v for k, v in e.items() if v is not None} if isinstance(e, dict) else e
                       for e in old.get("evidence") or []] or None
    # unknown keys stay, for the restore's checks to report
    new |= {key: value for key, value in old.items() if key not in _OLD_SNAPSHOT_KEYS}
    return json.dumps({k: v for k, v in new.items() if v is not None}, ensure_ascii=False)


_OLD_SNAPSHOT_KEYS = {"score", "score_na", "target", "target_na", "target_period", "comment", "carried", "actions",
                      "evidence"}


def snapshot_to_numbers(text: str | None) -> str | None:
    """The other way, for migration 0008's downgrade."""
    try:
        new = json.loads(text) if text else None
    except ValueError:
        return text
    if not isinstance(new, dict) or {"score_na", "target_na"} & new.keys():
        return text

    def number(written: Any) -> Any:
        if written in (None, "n/a"):
            return None
        low, _, _high = str(written).partition("/")
        return float(low) + (0.5 if _high else 0)

    return json.dumps({"score": number(new.get("score")), "score_na": new.get("score") == "n/a",
                       "target": number(new.get("target")), "target_na": new.get("target") == "n/a",
                       "target_period": new.get("target_period"), "comment": new.get("comment"),
                       "carried": bool(new.get("carried")),
                       "actions": [{"id": a.get("id"), "text": a.get("text"), "owner": a.get("owner"),
                                    "due": a.get("due"), "status": a.get("status"), "rag": a.get("rag")}
                                   for a in new.get("actions") or []],
                       "evidence": [{"url": e.get("url"), "title": e.get("title")} for e in new.get("evidence") or []]},
                      ensure_ascii=False)
