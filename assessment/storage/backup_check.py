"""The restore check (`restore FILE --check`): a backup restored into a throwaway database (a
temporary SQLite file) and compared with the live database, part by part.

The parts: each organisation's records (its scores, `medway`; its plan beside them, `medway~plan`:
`domain.record.record_key`), and the deployment's own rows (people with their roles, settings, and
any other list a backup holds beside the organisations). Each part is summed up as the count of
each kind of row in it and a checksum (SHA-256 of its rows as a backup holds them, keys sorted);
a record's periods and entries have checksums of their own, to say where a part differs. A backup is
whole when it restores and every part matches; otherwise each difference is one line, naming the
part, the count or checksum, and the periods or entries where they differ.

Both sides are read as `backup.contents` reads them, so what is compared is what a backup holds;
the sign-in log, which a backup leaves out, is not compared. Each side is summed up and let go
before the other is read.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import orjson

from ..domain.errors import BackupError
from ..domain.numbers import counted
from ..domain.record import MAIN_RECORD, record_key, record_name
from .backup import _NOUNS, contents, restore
from .store import open_store

DEPLOYMENT = ""   # the part that is the deployment's own rows, not an organisation's
LIVE, BACKUP = "in the live database", "in the backup"
SHOWN = 3         # the periods or entries named in a line, then how many more
# The lists of a backup file, by the name of the kind of row they hold (as its header's `counts`).
_KINDS = {"baselines": "baselines", "events": "events", "assessments": "assessments", "entries": "entries",
          "actions": "actions", "updates": "action_updates", "evidence": "evidence", "history": "entry_history",
          "drafts": "drafts", "covering": "covering_reports", "people": "people", "roles": "memberships",
          "settings": "settings"}


@dataclass(frozen=True)
class Summary:
    """One part of the database: how many rows of each kind it holds, the checksum of all of it, and
    the checksum of each piece of it (its details, a period, an entry), by what people call it."""

    counts: dict[str, int]
    checksum: str
    pieces: dict[str, str] = field(default_factory=dict)
    periods: tuple[str, ...] = ()

    def described(self) -> str:
        """Its counts in words (those not 0) and its checksum (the first 12 hex digits), as the check
        prints it."""
        words = ", ".join(_words(kind, n) for kind, n in self.counts.items() if n) or "nothing"
        return f"{words}; checksum {self.checksum[:12]}"


@dataclass(frozen=True)
class BackupCheck:
    """What the restore check found. `refused`: why the backup could not be restored into the
    throwaway database (its lines, as `restore` says them), else empty. `differences`: one line per
    difference between the backup, restored, and the live database. `parts`: the backup's parts,
    by name, each with its counts and checksum."""

    source: str
    restored: dict[str, int]
    parts: dict[str, Summary]
    differences: list[str]
    refused: list[str]

    @property
    def whole(self) -> bool:
        return not self.refused and not self.differences


def check(store, data: bytes, *, source: str = "backup.json") -> BackupCheck:
    """Restore `data` into a temporary SQLite file and compare it with `store`, part by part."""
    with tempfile.TemporaryDirectory(prefix="assessment-restore-check-") as folder:
        scratch = open_store(f"sqlite:///{Path(folder) / 'restored.db'}")
        try:
            try:
                restored = restore(scratch, data, source=source)
            except BackupError as exc:
                return BackupCheck(source, {}, {}, [], [line.strip() for line in str(exc).splitlines()])
            backed_up = summarise(contents(scratch))
        finally:
            scratch.engine.dispose()
    live = summarise(contents(store))
    return BackupCheck(source, restored, {part_name(key): s for key, s in backed_up.items()},
                       differences(live, backed_up), [])


def part_name(key: str) -> str:
    """A part as the check names it: "medway", "medway's plan", or the deployment's own rows."""
    return "the deployment (people, settings, logs)" if key == DEPLOYMENT else record_name(key)


# ---------------------------------------------------------------- summing up

def summarise(data: dict[str, Any]) -> dict[str, Summary]:
    """Every part of a backup's contents (`backup.contents`), summed up, by part key: "" for the
    deployment's own rows, then each organisation's record keys."""
    own = {name: rows for name, rows in data.items() if name != "organisations" and isinstance(rows, list)}
    pieces: dict[str, str] = {}
    for name, rows in own.items():
        for i, row in enumerate(rows):
            label = f"{_singular(name)} {_label(row, i)}"
            pieces[label if label not in pieces else f"{_singular(name)} #{i + 1}"] = _digest(row)
    parts = {DEPLOYMENT: _summary(own, pieces)}
    for org in data.get("organisations", []):
        for record, part in _records(org).items():
            pieces = {f"{_singular(name)}": _digest(rows) for name, rows in part.items() if name != "assessments"}
            periods = []
            for assessment in part["assessments"]:
                period = assessment["period"]
                periods.append(period)
                pieces[period] = _digest({k: v for k, v in assessment.items() if k != "entries"})
                for entry in assessment["entries"]:
                    pieces[f"{period} {entry['kind'].replace('_', ' ')} {entry['item_id']}"] = _digest(entry)
            parts[record_key(org["id"], record)] = _summary(part, pieces, tuple(periods))
    return parts


def _records(org: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """An organisation's rows record by record: its main record holds the organisation's own details,
    its baselines and any list not of a record; each record, its periods and events."""
    names = [MAIN_RECORD, *sorted({a["record"] for a in org["assessments"]} | {e["record"] for e in org["events"]}
                                  - {MAIN_RECORD})]
    records: dict[str, dict[str, Any]] = {}
    for record in names:
        records[record] = {"events": [e for e in org["events"] if e["record"] == record],
                           "assessments": [a for a in org["assessments"] if a["record"] == record]}
    main = records[MAIN_RECORD]
    main["details"] = {k: v for k, v in org.items() if not isinstance(v, list)}
    main.update({k: v for k, v in org.items() if isinstance(v, list) and k not in ("events", "assessments")})
    return records


def _summary(part: dict[str, Any], pieces: dict[str, str], periods: tuple[str, ...] = ()) -> Summary:
    counts: Counter[str] = Counter()
    _count(part, counts)
    ordered = {kind: counts[kind] for kind in [*_NOUNS, *sorted(counts)] if kind in counts}
    return Summary(ordered, _digest(part), pieces, periods)


def _count(value: Any, counts: Counter[str]) -> None:
    """The rows in `value`, by kind: every list of objects is rows of the kind its key names."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, list):
                counts[_KINDS.get(str(key), str(key))] += sum(1 for row in inner if isinstance(row, dict))
            _count(inner, counts)
    elif isinstance(value, list):
        for inner in value:
            _count(inner, counts)


def _digest(value: Any) -> str:
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _label(row: Any, index: int) -> str:
    """A deployment row as people know it: a person's address, a setting's key."""
    if isinstance(row, dict):
        for key in ("email", "key", "id", "name"):
            if isinstance(row.get(key), (str, int)):
                return str(row[key])
    return f"#{index + 1}"


def _singular(name: str) -> str:
    return {"people": "person", "settings": "setting", "baselines": "baseline scores", "events": "events",
            "details": "the organisation's details"}.get(name, name.replace("_", " "))


def _words(kind: str, n: int) -> str:
    one, many = _NOUNS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
    return counted(n, one, many)


# ---------------------------------------------------------------- comparing

def differences(live: dict[str, Summary], backed_up: dict[str, Summary]) -> list[str]:
    """One line per difference between the live database's parts and the backup's."""
    lines = []
    for key in sorted(live.keys() | backed_up.keys(), key=lambda k: (k != DEPLOYMENT, k)):
        name = part_name(key)
        if key not in backed_up:
            lines.append(f"{name}: {LIVE}, not {BACKUP} ({live[key].described()})")
            continue
        if key not in live:
            lines.append(f"{name}: {BACKUP}, not {LIVE} ({backed_up[key].described()})")
            continue
        ours, theirs = live[key], backed_up[key]
        if ours.checksum == theirs.checksum:
            continue
        lines += _count_lines(name, ours, theirs)
        lines.append(f"{name}: checksum {ours.checksum[:12]} {LIVE}, {theirs.checksum[:12]} {BACKUP}"
                     + _where(ours, theirs))
    return lines


def _count_lines(name: str, ours: Summary, theirs: Summary) -> Iterable[str]:
    for kind in dict.fromkeys([*ours.counts, *theirs.counts]):
        mine, yours = ours.counts.get(kind, 0), theirs.counts.get(kind, 0)
        if mine == yours:
            continue
        line = f"{name}: {_words(kind, mine)} {LIVE}, {yours:,} {BACKUP}"
        if kind == "assessments":
            gone = [p for p in ours.periods if p not in theirs.periods]
            new = [p for p in theirs.periods if p not in ours.periods]
            line += "".join(f" ({which}: {', '.join(periods)})" for which, periods in
                            ((f"not {BACKUP}", gone), (f"not {LIVE}", new)) if periods)
        yield line


def _where(ours: Summary, theirs: Summary) -> str:
    """Where two parts differ: their pieces (details, periods, entries) with different checksums, or
    in one only; an entry of a period that is in one only is not named again."""
    only = set(ours.periods) ^ set(theirs.periods)
    changed = [label for label in dict.fromkeys([*ours.pieces, *theirs.pieces])
               if ours.pieces.get(label) != theirs.pieces.get(label)
               and label not in only and label.split(" ", 1)[0] not in only]
    if not changed:
        return ""
    more = len(changed) - SHOWN
    return f" (differs in {', '.join(changed[:SHOWN])}" + (f" and {more:,} more" if more > 0 else "") + ")"
