"""The example records shipped in `data/examples/`, loaded into an empty database on demand."""

from __future__ import annotations

from pathlib import Path

from .framework import find_framework
from .recordfile import load_record
from .store import DATA_DIR, Store

EXAMPLES_DIR = DATA_DIR / "examples"


def example_files() -> list[Path]:
    return sorted(EXAMPLES_DIR.glob("*.yaml"))


def load_examples(store: Store, *, user: str = "example data") -> list[str]:
    """Load every example organisation that is not yet in the database; return the ids loaded.

    Idempotent: an organisation already present is left exactly as it is.
    """
    present = {org.id for org, _ in store.organisations()}
    loaded = []
    for path in example_files():
        record = load_record(path, find_framework, display=f"data/examples/{path.name}")
        if record.organisation.id in present:
            continue
        store.save_record(record, user=user)
        loaded.append(record.organisation.id)
    return loaded


def ensure_examples(store: Store) -> list[str]:
    """On an empty database (no organisations at all), load the examples."""
    if store.organisations():
        return []
    return load_examples(store)
