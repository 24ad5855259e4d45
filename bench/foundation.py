"""Foundation benchmarks: loading the framework, one organisation's roll-up, a regional roll-up.

1. framework load+validate  `load_framework(nps-2018.yaml)` against `yaml.safe_load` of the same
                             text (and, for information, libyaml's CSafeLoader).
2. key-area roll-up          `key_area_summaries` for 10 periods x 59 objectives against a plain
                             sum/count loop over dicts.
3. regional roll-up          `Store.regional_rollup` over 400 organisations x 10 periods x 59
                             objectives in SQLite against one hand-written GROUP BY query.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import yaml
from sqlalchemy import insert

from assessment.domain.framework import Framework
from assessment.domain.record import Entry, Organisation, OrganisationRecord, PeriodRecord
from assessment.domain.rollups import key_area_summaries
from assessment.domain.scores import NOT_APPLICABLE, UNSCORED, Score
from assessment.formats.framework_file import load_framework
from assessment.storage.store import open_store
from assessment.storage.tables import AssessmentRow, EntryRow, OrganisationRow

from .harness import Info, Ratio, Result, mismatch, time_pair

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK_FILE = ROOT / "frameworks" / "nps-2018.yaml"

PERIODS = [f"{year}/{(year + 1) % 100:02d}" for year in range(2015, 2025)]   # 2015/16 .. 2024/25
HALF_STEPS = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
SEED = 20180


def run() -> Iterator[Result]:
    yield from bench_framework_load()
    framework = load_framework(FRAMEWORK_FILE)
    yield from bench_key_area_rollup(framework)
    yield from bench_regional_rollup(framework)


# ---------------------------------------------------------------- 1. framework load + validate

def bench_framework_load(repeat: int = 20) -> Iterator[Result]:
    """`load_framework` against `yaml.safe_load` of the same file.

    Floor: reading the file and parsing it with PyYAML's safe loader, the same pure-Python
    parser `load_framework` uses, with nothing else: no line numbers kept, no cross-checks, no
    pydantic models. Any framework loader has to read and parse the file at least once, so the
    ratio is the cost of everything the project adds on top (line map, checks, validation).
    Both sides read the file every time.

    For information, also against libyaml's C parser (`CSafeLoader`): how much a C parser could
    save, which the pure-Python floor does not show.
    """
    def project() -> Framework:
        return load_framework(FRAMEWORK_FILE)

    def bare_safe_load():
        return yaml.safe_load(FRAMEWORK_FILE.read_text(encoding="utf-8"))

    subject, floor = time_pair(project, bare_safe_load, repeat=repeat)
    yield Ratio("framework load+validate", "yaml.safe_load", subject, floor, aim=1.5)

    if hasattr(yaml, "CSafeLoader"):
        def c_safe_load():
            return yaml.load(FRAMEWORK_FILE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        assert c_safe_load() == bare_safe_load(), "libyaml and PyYAML read the framework differently"
        subject, floor = time_pair(project, c_safe_load, repeat=repeat)
        yield Ratio("framework load+validate vs libyaml", "yaml CSafeLoader", subject, floor, aim=1.5)


# ---------------------------------------------------------------- 2. key-area roll-up

def random_score(rng: random.Random, not_applicable: float, unscored: float) -> Score:
    draw = rng.random()
    if draw < not_applicable:
        return NOT_APPLICABLE
    if draw < not_applicable + unscored:
        return UNSCORED
    return Score(rng.choice(HALF_STEPS))


def ten_year_record(framework: Framework, seed: int = SEED) -> OrganisationRecord:
    """One organisation, 10 periods x every objective: whole levels and half steps, ~5% n/a,
    ~3% not yet scored; deterministic."""
    rng = random.Random(seed)
    record = OrganisationRecord(Organisation("bench-council", "Bench Council", "county", "South East"),
                                framework.id, framework.version)
    for name in PERIODS:
        entries = {oid: Entry(item=oid, score=random_score(rng, 0.05, 0.03),
                              target=Score(4.0) if rng.random() < 0.5 else UNSCORED)
                   for oid in framework.objectives}
        record.periods.append(PeriodRecord(period=name, status="approved", entries=entries))
    return record


def floor_key_area_means(period: PeriodRecord, key_area_of: dict[str, str],
                         key_area_ids: list[str]) -> dict[str, tuple[float | None, int, float | None, int]]:
    """Mean and count of the scored objectives, and of the targets, per key area: one pass.

    The least work that gives the roll-up's numbers from the same input the project gets (the
    period's entries), with a precomputed objective -> key area map and no objects built.
    """
    sums = dict.fromkeys(key_area_ids, 0.0)
    counts = dict.fromkeys(key_area_ids, 0)
    target_sums = dict.fromkeys(key_area_ids, 0.0)
    target_counts = dict.fromkeys(key_area_ids, 0)
    for objective_id, entry in period.entries.items():
        key_area = key_area_of[objective_id]
        score, target = entry.score, entry.target
        if score.value is not None and not score.not_applicable:
            sums[key_area] += score.value
            counts[key_area] += 1
        if target.value is not None:
            target_sums[key_area] += target.value
            target_counts[key_area] += 1
    return {ka: (sums[ka] / counts[ka] if counts[ka] else None, counts[ka],
                 target_sums[ka] / target_counts[ka] if target_counts[ka] else None, target_counts[ka])
            for ka in key_area_ids}


def bench_key_area_rollup(framework: Framework, repeat: int = 30) -> Iterator[Result]:
    """`key_area_summaries` for each of 10 periods against `floor_key_area_means`.

    Floor: the same means and counts per key area (scores and targets) computed straight from
    the same `PeriodRecord`s in one loop with a precomputed objective -> key area map. Any
    implementation must visit every objective's score and target once and add it to its key
    area; the ratio is the cost of the project's summary objects and state handling.
    """
    record = ten_year_record(framework)
    key_area_of = dict(framework.key_area_of)
    key_area_ids = list(framework.key_areas)

    def project():
        return [key_area_summaries(framework, period) for period in record.periods]

    def floor():
        return [floor_key_area_means(period, key_area_of, key_area_ids) for period in record.periods]

    problems = []
    for period, summaries, means in zip(record.periods, project(), floor()):
        for summary in summaries:
            expected_mean, expected_n, expected_target, expected_target_n = means[summary.id]
            if (summary.target.mean, summary.target.n) != (expected_target, expected_target_n):
                problems.append(f"{period.period} {summary.id}: target differs")
            same_mean = (summary.score.mean is None and expected_mean is None) or (
                summary.score.mean is not None and expected_mean is not None
                and abs(summary.score.mean - expected_mean) <= 1e-12)
            if not same_mean or summary.score.n != expected_n:
                problems.append(f"{period.period} {summary.id}: project {summary.score.mean} (n={summary.score.n}), "
                                f"floor {expected_mean} (n={expected_n})")
    if problems:
        mismatch("key-area roll-up", problems)

    subject, floor_times = time_pair(project, floor, repeat=repeat)
    yield Ratio("key-area roll-up (10 periods)", "dict sum/count loop", subject, floor_times, aim=1.5,
                verified=not problems,
                details={"periods": len(PERIODS), "objectives": len(framework.objectives),
                         "key_areas": len(key_area_ids)})


# ---------------------------------------------------------------- 3. regional roll-up

ORGANISATIONS = 400
REGIONS = ["North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West"]


def seed_database(store, framework: Framework, organisations: int = ORGANISATIONS, seed: int = SEED) -> int:
    """Fill organisations / assessments / entries with SQLAlchemy Core bulk inserts (executemany),
    one transaction. About 3% n/a and 5% not yet scored (NULL). Returns the number of entries."""
    rng = random.Random(seed)
    now = datetime(2025, 4, 1, tzinfo=timezone.utc)
    objective_ids = list(framework.objectives)
    entries_table, assessments_table = EntryRow.__table__, AssessmentRow.__table__
    count = 0
    with store.engine.begin() as connection:
        connection.execute(insert(OrganisationRow.__table__), [
            {"id": f"org-{i:03d}", "name": f"Council {i:03d}", "type": "district",
             "region": REGIONS[i % len(REGIONS)], "created_at": now}
            for i in range(organisations)])
        assessments = [
            {"id": o * len(PERIODS) + p + 1, "organisation_id": f"org-{o:03d}", "period": period,
             "framework_id": framework.id, "framework_version": framework.version, "status": "approved",
             "created_at": now}
            for o in range(organisations) for p, period in enumerate(PERIODS)]
        connection.execute(insert(assessments_table), assessments)
        batch: list[dict] = []
        for assessment in assessments:
            for oid in objective_ids:
                score = random_score(rng, 0.03, 0.05)
                batch.append({"assessment_id": assessment["id"], "kind": "objective", "item_id": oid,
                              "score": score.value, "not_applicable": score.not_applicable,
                              "carried": False, "version": 1, "updated_by": "bench", "updated_at": now})
            if len(batch) >= 20_000:
                connection.execute(insert(entries_table), batch)
                count += len(batch)
                batch = []
        if batch:
            connection.execute(insert(entries_table), batch)
            count += len(batch)
    return count


def _key_area_values(framework: Framework) -> tuple[str, tuple]:
    """`WITH ka(objective_id, key_area) AS (VALUES (?, ?), ...)` and its parameters."""
    pairs = list(framework.key_area_of.items())
    values = ", ".join(["(?, ?)"] * len(pairs))
    return (f"WITH ka(objective_id, key_area) AS (VALUES {values})",
            tuple(x for pair in pairs for x in pair))


_WHERE = ("e.kind = 'objective' AND e.score IS NOT NULL AND NOT e.not_applicable "
          "AND a.framework_id = ?")


def floor_regional_sql(framework: Framework, planner_hint: bool = True) -> tuple[str, tuple]:
    """One query: entries joined to their assessment and to a VALUES table of objective -> key
    area, `GROUP BY period, key area` with AVG and COUNT; n/a and NULL scores left out.

    `planner_hint`: without statistics (the app never runs ANALYZE) SQLite plans this join as
    59 x 4,000 seeks into the unique (assessment_id, kind, item_id) index, about 4x slower than
    scanning `entries` once. `+e.item_id` (SQLite's documented way to keep a term off an index)
    makes it scan; the unhinted query is timed too, for information.
    """
    with_ka, params = _key_area_values(framework)
    item = "+e.item_id" if planner_hint else "e.item_id"
    sql = (f"{with_ka} "
           "SELECT a.period, ka.key_area, AVG(e.score), COUNT(e.score) "
           "FROM entries AS e "
           "JOIN assessments AS a ON a.id = e.assessment_id "
           f"JOIN ka ON ka.objective_id = {item} "
           f"WHERE {_WHERE} "
           "GROUP BY a.period, ka.key_area")
    return sql, params + (framework.id,)


def floor_regional_sql_per_objective(framework: Framework) -> tuple[str, tuple]:
    """One query that sums per (period, objective) first and per key area after: the inner
    GROUP BY touches no key-area table, so no per-row look-up. The same plan as the project's,
    all in SQL; the strictest floor found."""
    with_ka, params = _key_area_values(framework)
    sql = (f"{with_ka}, per_objective AS ("
           "SELECT a.period AS period, e.item_id AS item_id, SUM(e.score) AS total, COUNT(e.score) AS n "
           "FROM entries AS e JOIN assessments AS a ON a.id = e.assessment_id "
           f"WHERE {_WHERE} GROUP BY a.period, e.item_id) "
           "SELECT p.period, ka.key_area, SUM(p.total) / SUM(p.n), SUM(p.n) "
           "FROM per_objective AS p JOIN ka ON ka.objective_id = p.item_id "
           "GROUP BY p.period, ka.key_area")
    return sql, params + (framework.id,)


def _differences(ours: dict, rows: list) -> list[str]:
    theirs = {(period, ka): (mean, n) for period, ka, mean, n in rows}
    return [f"{key}: project {ours.get(key)}, floor {theirs.get(key)}"
            for key in sorted(set(ours) | set(theirs))
            if key not in ours or key not in theirs
            or ours[key][1] != theirs[key][1] or abs(ours[key][0] - theirs[key][0]) > 1e-9]


def bench_regional_rollup(framework: Framework, repeat: int = 20) -> Iterator[Result]:
    """`Store.regional_rollup` against hand-written SQL on the same engine.

    Floors: single queries that let SQLite do all of the work (join, filter, mean and count per
    period and key area) and return only the ~140 result rows. The project's method must scan
    the same rows; whatever it adds (ORM query building, per-objective rows combined in Python)
    shows in the ratio. Same database file, connection pool and filters (objective entries,
    scored, applicable, this framework). Two floors carry the aim: the direct
    `GROUP BY period, key area` and the per-objective-first query, the faster of the two here.
    """
    with tempfile.TemporaryDirectory(prefix="bench-foundation-") as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'regional.db'}")
        try:
            start = time.perf_counter()
            entries = seed_database(store, framework)
            seeded = time.perf_counter() - start
            yield Info("seeding (Core bulk insert)", seeded,
                       f"{ORGANISATIONS} organisations x {len(PERIODS)} periods x "
                       f"{len(framework.objectives)} objectives = {entries:,} entries, "
                       f"{entries / seeded:,.0f} entries/s")

            def project():
                with store.transaction() as tx:
                    return tx.regional_rollup(framework)

            def query(sql: str, params: tuple):
                def floor():
                    with store.engine.connect() as connection:
                        return connection.exec_driver_sql(sql, params).all()
                return floor

            ours = project()
            floors = [
                ("regional roll-up (400 orgs)", "GROUP BY period, key area",
                 query(*floor_regional_sql(framework)), 1.5, repeat),
                ("regional roll-up vs per-objective", "per objective, then key area",
                 query(*floor_regional_sql_per_objective(framework)), 1.5, repeat),
                ("regional roll-up vs unhinted SQL", "same query, no planner hint",
                 query(*floor_regional_sql(framework, planner_hint=False)), None, 5),
            ]
            for name, floor_name, floor, aim, times in floors:
                problems = _differences(ours, floor())
                if problems:
                    mismatch(name, problems)
                subject, floor_times = time_pair(project, floor, repeat=times, warmup=2)
                yield Ratio(name, floor_name, subject, floor_times, aim=aim, verified=not problems,
                            details={"entries": entries, "groups": len(ours), "seeding_s": seeded})
        finally:
            store.engine.dispose()
