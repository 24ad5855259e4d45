"""The database as a whole: the example records, backup and restore."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..formats.framework_file import find_framework
from ..storage.store import DATA_DIR, Store
from .access import EXAMPLES_ACTOR, Actor, allow_deployment

EXAMPLES_DIR = DATA_DIR / "examples"


def example_files() -> list[Path]:
    return sorted(EXAMPLES_DIR.glob("*.yaml"))


def example_plan_files() -> list[Path]:
    """The example plan record files (data/examples/plans/), each loaded with its organisation."""
    return sorted((EXAMPLES_DIR / "plans").glob("*.yaml"))


def load_examples(store: Store, actor: Actor) -> list[str]:
    """Load every example organisation that is not yet in the database, with its example plan record
    if it has one, in one transaction; return the ids loaded. An organisation already present is left
    exactly as it is."""
    allow_deployment(actor, "load the example records")
    from ..formats.plan_record_file import load_plan_record   # here, not at the top: a command that
    from ..formats.record_file import load_record             # reads no file skips them
    from .plan_imports import write_plan_record
    records = [load_record(path, find_framework, display=f"data/examples/{path.name}") for path in example_files()]
    plans = [load_plan_record(path, display=f"data/examples/plans/{path.name}") for path in example_plan_files()]
    with store.transaction() as tx:
        present = {org.id for org, _ in tx.organisations()}
        for record in records:
            if record.organisation.id not in present:
                tx.save_record(record, user=actor.name)
        loaded = [r.organisation.id for r in records if r.organisation.id not in present]
        for plan in plans:
            if plan.org_id in loaded:
                write_plan_record(tx, actor, plan, organisation_new=True)
    return loaded


def ensure_examples(store: Store) -> list[str]:
    """When the app starts on an empty database (no organisations at all), load the examples."""
    with store.transaction() as tx:
        if tx.organisations():
            return []
    return load_examples(store, EXAMPLES_ACTOR)


def backup(store: Store, actor: Actor) -> bytes:
    """The whole database as a backup file's bytes (docs/backup-format.md)."""
    allow_deployment(actor, "back up the database")
    from ..storage import backup as backup_file  # here, not at the top: every command would pay for its import
    return backup_file.backup(store)


def restore(store: Store, actor: Actor, data: bytes, *, source: str) -> dict[str, int]:
    """Load a backup into an empty database, all or nothing; the counts restored."""
    allow_deployment(actor, "restore a backup")
    from ..storage import backup as backup_file
    return backup_file.restore(store, data, source=source)


def describe_counts(counts: dict[str, Any]) -> str:
    """A backup's or restore's counts in words (`backup.describe_counts`), for the command line."""
    from ..storage.backup import describe_counts as described
    return described(counts)
