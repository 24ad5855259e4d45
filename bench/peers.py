"""Peer comparison benchmark (issue 31): a release of 400 synthetic councils x 10 periods against
one hand-written SQL grouping doing the same work.

The database (a temporary SQLite file, migrated as the app migrates it; built once, timed and
printed, not part of the ratio): 400 councils of NPS 2018 (types and regions drawn from
`domain.peers.TYPES` and `REGIONS`, unevenly, so that some groups have fewer than 5 or 10
councils in a year), each with 10 approved periods, 2016/17 to 2025/26, scored per objective (each
council leans somewhere and moves a little each year; levels and half steps, as NPS 2018 allows
them everywhere; about 4% n/a and 2% not yet scored; about 3% of periods scored on fewer than half
their objectives, which do not count), every period put forward; and a few clubs of 5 to 40
councils (`workflows.add_club`), one of them the North East's councils less one, which the
differencing guard withholds. The rows are written with SQLAlchemy Core into the app's own
tables (as `bench.foundation.seed_database` does): through `workflows.import_record` the 4,000
periods x 59 entries take minutes, with history rows the benchmark does not need.

Subject: `workflows.publish_release(store, LOCAL_ACTOR, date)` end to end: it reads the periods
put forward and each council's scores, works out each period's contribution
(`domain.peers.contribution`), every group's figures with the differencing guard
(`domain.peers.release_figures`) and stores the release (its JSON). Each call publishes a new
release with a later date, so releases pile up; as the data do not change, from the second release
on each is guarded against one of the same memberships, and the warm-up releases reach that steady
state before anything is timed.

Floor: one SQL query (organisations, the approved periods put forward and their objective entries,
objective -> key area from a VALUES table built from the framework) grouping to each council's
key-area mean per period, keeping the periods scored on at least half their objectives (a window
sum over the period's key areas); the clubs read from their rows; then in plain Python, per group
(type, region, each club) x year x key area: n, the median, Tukey's hinges from 10, and no
comparator under 5. The floor leaves out the differencing guard (it compares the memberships of
the groups of each year with one another and with every set shown before, then withholds figures) and
does not store anything: both are work the subject does on top. Types and regions are stored as the
fixed names, so the floor groups by the columns as they are (the subject reads them with
`council_type` and `region`). The floor's figures are checked to equal the release's (rounded to two
places, as a release keeps them) for every figure not withheld, before anything is timed and again
on a release after the timed ones; a figure withheld by the guard must be one the floor shows (5 or
more councils).

Where the subject's time goes: reading every entry of the periods put forward into Python
(`Transaction.peer_periods`: the scores only, no whole records, plain rows from the session's
connection) takes about as long as the whole floor on its own (printed: "reading the periods put
forward"), and working out each period's contribution with the report's own roll-up
(`rollups.key_area_summary` once per key area, the overall score from those: `rollups.overall_score`)
about half as long again; the guard and the figures are small. `publish_release` reads only the
last release and the guard's one document (every set of contributions shown so far). So the aim
of 1.5x cannot be met while the key-area level is worked out by the one rule the report uses: the
floor does that sum in SQL, a second copy of the rule the project will not keep.

Aim (issue 31): within 1.5x. `python -m bench.peers --councils 40 [--repeat 3]` for a quick check
(printed only, no results file).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sqlite3
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import insert

from assessment import workflows
from assessment.domain import peers as rules
from assessment.domain.framework import Framework
from assessment.domain.numbers import rounded
from assessment.domain.peer_records import CLUB, PeerDocument
from assessment.formats.framework_file import find_framework
from assessment.storage.store import Store, open_store
from assessment.storage.tables import AssessmentRow, EntryRow, OrganisationRow

from .harness import Info, Ratio, Result, mismatch, time_pair

COUNCILS = 400
PERIODS = [f"{year}/{(year + 1) % 100:02d}" for year in range(2016, 2026)]      # 2016/17 .. 2025/26
SEED = 31
HALF_STEPS = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
# Uneven, roughly as England's councils are: a type or two small enough for "no comparator" or no quartiles.
TYPE_WEIGHTS = {"county": 6, "district": 40, "unitary": 15, "metropolitan borough": 9, "London borough": 8,
                "combined authority": 2.5, "other": 1}
REGION_WEIGHTS = {"North East": 3, "North West": 10, "Yorkshire and the Humber": 6, "East Midlands": 10,
                  "West Midlands": 8, "East of England": 12, "London": 8, "South East": 17, "South West": 8}
CLUB_SIZES = {"Shire buyers": 40, "Northern partnership": 25, "Coastal councils": 12, "Fens group": 9,
              "Five alike": 5}
NEAR_CLUB, NEAR_REGION = "North East less one", "North East"
NOT_APPLICABLE, UNSCORED, THIN = 0.04, 0.02, 0.03
START = date(2026, 4, 1)          # releases are dated from here on, a day apart (never after today)

Figures = tuple[int, float | None, float | None, float | None]     # n, median, q1, q3 (None where not shown)


def run(councils: int = COUNCILS, repeat: int = 7, warmup: int = 2) -> Iterator[Result]:
    framework = find_framework("nps-2018")
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        path = Path(tmp) / "peers.db"
        clock = time.perf_counter()
        store = open_store(f"sqlite:///{path}")
        try:
            entries = seed(store, framework, councils)
            built = time.perf_counter() - clock
            yield Info(f"build: {councils} councils x {len(PERIODS)} periods", built,
                       f"{entries:,} entries, migrated SQLite file")
            yield from bench_release(store, path, framework, councils, repeat, warmup)
        finally:
            store.engine.dispose()


# ---------------------------------------------------------------- the database

def seed(store: Store, framework: Framework, councils: int = COUNCILS, seed: int = SEED) -> int:
    """The councils, their approved periods put forward and their objective entries (Core bulk
    inserts, one transaction), then the clubs through the workflow. Returns the entries written."""
    rng = random.Random(seed)
    now = datetime(2026, 4, 1, tzinfo=timezone.utc)
    objectives = list(framework.objectives)
    types = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()), k=councils)
    regions = rng.choices(list(REGION_WEIGHTS), weights=list(REGION_WEIGHTS.values()), k=councils)
    ids = [f"council-{i:03d}" for i in range(councils)]
    count = 0
    with store.engine.begin() as connection:
        connection.execute(insert(OrganisationRow.__table__), [
            {"id": org, "name": f"Council {i:03d}", "type": types[i], "region": regions[i], "created_at": now}
            for i, org in enumerate(ids)])
        assessments = []
        for o, org in enumerate(ids):
            for p, period in enumerate(PERIODS):
                approved = datetime(2016 + p, 7, 1, tzinfo=timezone.utc)
                assessments.append({
                    "id": o * len(PERIODS) + p + 1, "organisation_id": org, "record": "", "period": period,
                    "framework_id": framework.id, "framework_version": framework.version, "status": "approved",
                    "created_at": approved, "decision": "Audit committee", "decision_date": approved.date(),
                    "approved_by": "bench", "approved_at": approved,
                    "peers_opted_in_by": "bench", "peers_opted_in_at": now})
        connection.execute(insert(AssessmentRow.__table__), assessments)
        batch: list[dict[str, Any]] = []
        for o in range(councils):
            lean = rng.uniform(1.5, 4.0)            # each council leans somewhere and moves a little a year
            for p in range(len(PERIODS)):
                lean = min(4.5, max(1.0, lean + rng.uniform(-0.25, 0.4)))
                thin = rng.random() < THIN          # scored on fewer than half its objectives
                scored = set(rng.sample(objectives, rng.randint(5, 25))) if thin else None
                for objective in objectives:
                    if scored is not None and objective not in scored:
                        continue                    # no entry: not yet scored
                    draw = rng.random()
                    na = draw < NOT_APPLICABLE
                    value = None if na or draw < NOT_APPLICABLE + UNSCORED else \
                        min(5.0, max(1.0, round((lean + rng.uniform(-1.0, 1.0)) * 2) / 2))
                    batch.append({"assessment_id": o * len(PERIODS) + p + 1, "kind": "objective",
                                  "item_id": objective, "score": value, "not_applicable": na, "carried": False,
                                  "version": 1, "updated_by": "bench", "updated_at": now})
            if len(batch) >= 20_000:
                connection.execute(insert(EntryRow.__table__), batch)
                count += len(batch)
                batch = []
        if batch:
            connection.execute(insert(EntryRow.__table__), batch)
            count += len(batch)
    for name, size in CLUB_SIZES.items():
        if size <= councils:
            workflows.add_club(store, workflows.LOCAL_ACTOR, name, rng.sample(ids, size))
    # a club of a region's councils less one: the differencing guard withholds it, year by year
    near = [org for org, place in zip(ids, regions) if place == NEAR_REGION]
    if len(near) > rules.NO_COMPARATOR_BELOW:
        workflows.add_club(store, workflows.LOCAL_ACTOR, NEAR_CLUB, near[1:])
    return count


# ---------------------------------------------------------------- the floor: one SQL grouping

FLOOR_SQL = """
WITH ka(objective_id, key_area_id) AS (VALUES {pairs}),
per_key_area AS (
    SELECT a.id AS assessment_id, a.organisation_id AS org_id, a.period AS period, ka.key_area_id AS key_area_id,
           AVG(CASE WHEN e.not_applicable THEN NULL ELSE e.score END) AS level,
           COUNT(CASE WHEN e.not_applicable THEN NULL ELSE e.score END) AS scored,
           SUM(CASE WHEN e.not_applicable THEN 1 ELSE 0 END) AS na
    FROM assessments a
    JOIN entries e ON e.assessment_id = a.id AND e.kind = 'objective'
    JOIN ka ON ka.objective_id = e.item_id
    WHERE a.record = '' AND a.status = 'approved' AND a.peers_opted_in_at IS NOT NULL
    GROUP BY a.id, ka.key_area_id
)
SELECT o.type, o.region, p.org_id, p.period, p.key_area_id, p.level
FROM (SELECT *, SUM(scored) OVER w AS scored_all, SUM(na) OVER w AS na_all
      FROM per_key_area WINDOW w AS (PARTITION BY assessment_id)) AS p
JOIN organisations o ON o.id = p.org_id
WHERE p.level IS NOT NULL AND p.scored_all > 0 AND 2 * p.scored_all >= ? - p.na_all
"""


def floor_figures(path: Path, framework: Framework) -> dict[tuple[str, int, str], Figures]:
    """(group, year, key area) -> (n, median, q1, q3) for every group, every year anyone contributes
    and every key area, as a release has them: one grouping query, the clubs, then plain Python."""
    pairs = [(o, k) for o, k in framework.key_area_of.items()]
    sql = FLOOR_SQL.format(pairs=", ".join(["(?, ?)"] * len(pairs)))
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(sql, [*itertools.chain.from_iterable(pairs), len(pairs)]).fetchall()
        clubs = connection.execute("SELECT name, data FROM peers WHERE kind = ?", (CLUB,)).fetchall()
    finally:
        connection.close()
    in_clubs: dict[str, list[str]] = {}
    club_names = []
    for name, data in clubs:
        club_names.append(name)
        for org in json.loads(data).get("members", []):
            in_clubs.setdefault(org, []).append(name)
    key_areas = list(framework.key_areas)
    levels: dict[tuple[str, int, str], list[float]] = {}
    years: set[int] = set()
    for kind, region, org, period, key_area, level in rows:
        year = int(period[:4])
        years.add(year)
        for group in (kind, region, *in_clubs.get(org, ())):
            found = levels.get((group, year, key_area))
            if found is None:
                levels[(group, year, key_area)] = [level]
            else:
                found.append(level)
    out: dict[tuple[str, int, str], Figures] = {}
    for group in (*rules.TYPES, *rules.REGIONS, *club_names):
        for year in years:
            for key_area in key_areas:
                out[(group, year, key_area)] = plain_figure(levels.get((group, year, key_area), []))
    return out


def plain_figure(levels: list[float]) -> Figures:
    """n, and from 5 the median, from 10 Tukey's hinges too (each half taking the median when n is odd)."""
    n = len(levels)
    if n < rules.NO_COMPARATOR_BELOW:
        return (n, None, None, None)
    levels.sort()
    mid = n // 2
    median = levels[mid] if n % 2 else (levels[mid - 1] + levels[mid]) / 2
    if n < rules.QUARTILES_FROM:
        return (n, median, None, None)
    half = (n + 1) // 2
    h = half // 2
    lower = levels[h] if half % 2 else (levels[h - 1] + levels[h]) / 2
    upper = levels[n - half + h] if half % 2 else (levels[n - half + h - 1] + levels[n - half + h]) / 2
    return (n, median, lower, upper)


# ---------------------------------------------------------------- checking they agree

def differences(release: PeerDocument, floor: dict[tuple[str, int, str], Figures], framework_id: str
                ) -> tuple[list[str], dict[str, int]]:
    """Where the release and the floor disagree, and what the release shows (cells by what they show)."""
    figures = release.data.get("frameworks", {}).get(framework_id, {}).get("figures", [])
    made = {(f["group"], f["year"], f["key_area"]): f for f in figures}
    problems = []
    if set(made) != set(floor):
        problems.append(f"cells: {len(made)} in the release, {len(floor)} in the floor; "
                        f"only in the release {sorted(set(made) - set(floor))[:3]}, "
                        f"only in the floor {sorted(set(floor) - set(made))[:3]}")
    shown = {"median": 0, "quartiles": 0, "no comparator": 0, "withheld": 0}
    for key in sorted(made.keys() & floor.keys()):
        mine, (n, median, q1, q3) = made[key], floor[key]
        if mine.get("reason") == rules.WITHHELD:
            shown["withheld"] += 1
            if median is None:
                problems.append(f"{key}: withheld, but the floor has fewer than 5 councils ({n})")
            continue
        if median is None:
            shown["no comparator"] += 1
            expected: dict[str, Any] = {"comparator": None, "reason": rules.FEWER}
        else:
            shown["quartiles" if q1 is not None else "median"] += 1
            expected = {"n": n, "median": rounded(median)}
            if q1 is not None:
                expected |= {"q1": rounded(q1), "q3": rounded(q3)}
        mine = {k: v for k, v in mine.items() if k not in ("group", "kind", "year", "key_area")}
        if mine != expected:
            problems.append(f"{key}: release {mine}, floor {expected}")
    return problems, shown


# ---------------------------------------------------------------- the benchmark

def bench_release(store: Store, path: Path, framework: Framework, councils: int, repeat: int, warmup: int
                  ) -> Iterator[Result]:
    """`publish_release` end to end (a new date each call) against `floor_figures`."""
    days = itertools.count()

    def project() -> PeerDocument:
        return workflows.publish_release(store, workflows.LOCAL_ACTOR, START + timedelta(days=next(days)))

    def floor() -> dict[tuple[str, int, str], Figures]:
        return floor_figures(path, framework)

    first = project()
    problems, shown = differences(first, floor(), framework.id)
    if problems:
        mismatch("peer release", problems)
    subject, floor_times = time_pair(project, floor, repeat=repeat, warmup=warmup)
    last = project()
    more, shown_last = differences(last, floor(), framework.id)
    if more:
        mismatch("peer release (after the timed releases)", more)
    def afresh() -> PeerDocument:
        """A release with no contribution kept (the first, or the first after a restore): every
        entry read and every contribution worked out again."""
        with sqlite3.connect(path) as db:
            db.execute("UPDATE assessments SET peers_contribution = NULL")
        return project()

    def reading() -> dict:
        with store.transaction(write=False) as tx:
            return tx.peer_periods(tx.peer_put_forward())

    fresh, floor_fresh = time_pair(afresh, floor, repeat=repeat, warmup=1)
    check = afresh()
    wrong, _ = differences(check, floor(), framework.id)
    if wrong:
        mismatch("peer release (every contribution worked out afresh)", wrong)
    # what a release working every contribution out cannot do without: every entry of the periods
    # put forward read into Python, for the report's roll-up rule (`rollups.key_area_summary`)
    read_times, floor_again = time_pair(reading, floor, repeat=repeat, warmup=1)
    yield Ratio("reading the periods put forward, nothing worked out", "one SQL grouping", read_times, floor_again,
                aim=None)
    yield Ratio(f"peer release, every contribution afresh ({councils} x {len(PERIODS)})", "one SQL grouping", fresh,
                floor_fresh, aim=1.5, verified=not wrong)
    yield Ratio(f"peer release ({councils} x {len(PERIODS)})", "one SQL grouping", subject, floor_times, aim=1.5,
                verified=not (problems or more),
                details={"councils": councils, "periods": len(PERIODS), "objectives": len(framework.objectives),
                         "clubs": len({f["group"] for f in last.data["frameworks"][framework.id]["figures"]
                                       if f["kind"] == "club"}),
                         "cells_first_release": shown, "cells_steady_state": shown_last})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=COUNCILS, help=f"councils (default {COUNCILS})")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each side (default 7)")
    args = parser.parse_args(argv)
    failed = False
    for result in run(args.councils, args.repeat):
        print(result.line(), flush=True)
        failed |= result.verified is False
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
