"""Backup and restore benchmarks: the whole database of 400 organisations x 10 periods x 59
objectives (the regional roll-up's seeding in bench/foundation.py) in SQLite.

1. backup    `assessment.backup.backup(store)` against a bare floor: `SELECT *` of every table
             into dicts and one `orjson.dumps` with the same indent (2), as the backup writes.
             Any backup must read every row and write it out as JSON; the ratio is what the
             project adds (sorting by natural keys, nesting, UTC times, schema revision,
             counts). For information, the same against Python's `json.dumps` with no indent.
2. restore   `assessment.backup.restore(store, data)` into an empty database against a floor:
             `json.loads` of the floor's file and one `executemany` per table with the driver
             (values inserted as they were read: no types converted, nothing checked). Any
             restore must parse the file and insert every row; the ratio is what the project
             adds (header checks, pydantic validation, natural-key and link checks, typed values
             through SQLAlchemy, the emptiness check). Each run gets a fresh empty database
             (a copy of a migrated empty file, made untimed).

The seeding holds entries only (no actions, evidence or history), as foundation's does.
"""

from __future__ import annotations

import gc
import json
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Iterator

import orjson
from sqlalchemy import func, select

from assessment.formats.framework_file import load_framework
from assessment.storage.backup import COUNTED, backup, restore
from assessment.storage.store import open_store
from assessment.storage.tables import Base

from .foundation import FRAMEWORK_FILE, ORGANISATIONS, PERIODS, seed_database
from .harness import Info, Ratio, Result, mismatch, time_pair

# The tables a backup holds, parents before children (not the sign-in log, which stays with its deployment).
TABLES = [table.name for table in Base.metadata.sorted_tables if table.name in COUNTED]


def run() -> Iterator[Result]:
    framework = load_framework(FRAMEWORK_FILE)
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        folder = Path(tmp)
        template = folder / "empty.db"
        open_store(f"sqlite:///{template}").engine.dispose()
        source = open_store(f"sqlite:///{folder / 'source.db'}")
        try:
            entries = seed_database(source, framework)
            yield from bench_backup(source, entries, len(framework.objectives))
            data = backup(source)
            yield from bench_restore(data, folder, template)
        finally:
            source.engine.dispose()


def floor_backup(store, indent: bool = True) -> bytes:
    with store.engine.connect() as connection:
        tables = {name: [dict(row) for row in connection.execute(select(table)).mappings()]
                  for name, table in Base.metadata.tables.items()}
    if indent:
        return orjson.dumps(tables, option=orjson.OPT_INDENT_2, default=str)
    return json.dumps(tables, ensure_ascii=False, default=str).encode("utf-8")


def bench_backup(store, entries: int, objectives: int, repeat: int = 3) -> Iterator[Result]:
    ours, floor = backup(store), floor_backup(store)
    counts = json.loads(ours)["counts"]
    floor_counts = {name: len(rows) for name, rows in json.loads(floor).items()}
    problems = [f"{name}: project {counts[name]}, floor {floor_counts[name]}"
                for name in TABLES if counts[name] != floor_counts[name]]
    if problems:
        mismatch("backup", problems)
    subject, floor_times = time_pair(lambda: backup(store), lambda: floor_backup(store), repeat=repeat, warmup=1)
    yield Ratio(f"backup ({ORGANISATIONS} orgs)", "SELECT * + orjson.dumps", subject, floor_times, aim=None,
                verified=not problems,
                details={"entries": entries, "bytes": len(ours), "floor_bytes": len(floor)})
    subject_compact, compact_times = time_pair(lambda: backup(store), lambda: floor_backup(store, indent=False),
                                               repeat=repeat, warmup=0)
    yield Ratio("backup vs compact JSON floor", "SELECT * + json.dumps, no indent", subject_compact,
                compact_times, aim=None, verified=not problems)
    yield Info("backup: time and file size", statistics.median(subject),
               f"{len(ours) / 1e6:.1f} MB for {ORGANISATIONS} organisations x {len(PERIODS)} periods x "
               f"{objectives} objectives = {entries:,} entries ({len(ours) / entries:.0f} bytes/entry); "
               f"floor's flat file {len(floor) / 1e6:.1f} MB")


def floor_restore(data: bytes, path: Path) -> None:
    tables = json.loads(data)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys=ON")
        for name in TABLES:
            rows = tables[name]
            if rows:
                columns = list(rows[0])
                connection.executemany(
                    f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                    [tuple(row[c] for c in columns) for row in rows])
        connection.commit()
    finally:
        connection.close()


def _counts(path: Path) -> dict[str, int]:
    store = open_store(f"sqlite:///{path}")
    try:
        with store.engine.connect() as connection:
            return {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                    for name, table in Base.metadata.tables.items()}
    finally:
        store.engine.dispose()


def bench_restore(data: bytes, folder: Path, template: Path, repeat: int = 3) -> Iterator[Result]:
    floor_data = floor_backup_from(data, folder, template)
    subject_times: list[float] = []
    floor_times: list[float] = []
    counts: dict[str, dict[str, int]] = {}

    def ours(path: Path) -> None:
        store = open_store(f"sqlite:///{path}")
        try:
            restore(store, data)
        finally:
            store.engine.dispose()

    for i in range(repeat + 1):              # the first round is a warm-up
        pairs = [("project", ours, subject_times), ("floor", lambda p: floor_restore(floor_data, p), floor_times)]
        for name, fn, times in (pairs if i % 2 == 0 else pairs[::-1]):
            path = folder / f"restore-{name}-{i}.db"
            shutil.copyfile(template, path)
            gc.collect()
            start = time.perf_counter()
            fn(path)
            elapsed = time.perf_counter() - start
            if i:
                times.append(elapsed)
            else:
                counts[name] = _counts(path)
            path.unlink()
    problems = [f"{name}: project {counts['project'][name]}, floor {counts['floor'][name]}"
                for name in TABLES if counts["project"][name] != counts["floor"][name]]
    if problems:
        mismatch("restore", problems)
    yield Ratio(f"restore ({ORGANISATIONS} orgs)", "json.loads + executemany", subject_times, floor_times,
                aim=None, verified=not problems, details={"rows": counts["project"], "bytes": len(data)})
    rows = sum(counts["project"].values())
    yield Info("restore: time", statistics.median(subject_times),
               f"{rows:,} rows from {len(data) / 1e6:.1f} MB into an empty SQLite file, "
               f"{rows / statistics.median(subject_times):,.0f} rows/s")


def floor_backup_from(data: bytes, folder: Path, template: Path) -> bytes:
    """The floor's own (flat) file of the same data: restore the project's file once, then read
    it back with the bare floor."""
    path = folder / "floor-source.db"
    shutil.copyfile(template, path)
    store = open_store(f"sqlite:///{path}")
    try:
        restore(store, data)
        return floor_backup(store)
    finally:
        store.engine.dispose()
        path.unlink()
