"""Retention: personal data past its time removed, daily (`retention run`, beside the reminders'
timer). How long each kind is kept is the deployment's settings (`settings.retention_days`, the
kinds and their defaults `domain.retention.KEPT`); this removes what is older, of anyone, in one
unit of work, and says what it removed. The run is logged (logger "assessment.retention") and
printed by the command line, never kept in the database: a log of removals would itself be
personal data to remove.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ..domain.retention import KEPT, Removed, cut_off
from ..storage import retention as stored
from ..storage.store import Store
from .access import Actor, allow_deployment

LOG = logging.getLogger("assessment.retention")


@dataclass(frozen=True)
class RetentionRun:
    """A run: its day, whether it was a dry run, and what each kind lost (or would), in `KEPT`'s order."""

    day: date
    dry_run: bool
    removed: tuple[Removed, ...]

    def lines(self) -> list[str]:
        """One line a kind, those with nothing removed included."""
        return [removed.describe(self.dry_run) for removed in self.removed]

    def count(self, kind: str) -> int:
        return next(removed.count for removed in self.removed if removed.kept.kind == kind)


def run_retention(store: Store, actor: Actor, *, today: date, days: Mapping[str, int], dry_run: bool
                  ) -> RetentionRun:
    """Remove each kind of personal data older than the days it is kept on `today` (`days`: kind ->
    days, every kind of `KEPT`), or with `dry_run` count what would go and remove nothing. The
    deployment's administrator only (the local user is one)."""
    allow_deployment(actor, "remove personal data past its time")
    missing = [kept.kind for kept in KEPT if kept.kind not in days]
    if missing:
        raise ValueError(f"no days given for {', '.join(missing)}")
    found = []
    with store.transaction(write=not dry_run) as tx:
        for kept in KEPT:
            before = cut_off(today, days[kept.kind])
            also = stored.count_also(tx, kept.kind, before)       # before they go: what goes with them
            count = (stored.count_older if dry_run else stored.remove_older)(tx, kept.kind, before)
            found.append(Removed(kept, days[kept.kind], before, count, also))
    run = RetentionRun(today, dry_run, tuple(found))
    for line in run.lines():
        LOG.info("%s%s", "dry run: " if dry_run else "", line)
    return run
