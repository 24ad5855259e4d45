"""Foundation benchmarks: loading the framework, one organisation's roll-up.

1. framework load+validate  `load_framework(nps-2018.yaml)` against `yaml.safe_load` of the same
                             text (and, for information, libyaml's CSafeLoader).
2. key-area roll-up          `key_area_summaries` for 10 periods x 59 objectives against a plain
                             sum/count loop over dicts.

`seed_database` fills a database with 400 organisations x 10 periods x 59 objectives for the
backup benchmarks. (A pooled regional mean, `Store.regional_rollup`, was measured here until it
went: a mean pooled over councils is not a rule the product keeps.)
"""

from __future__ import annotations

import random
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
from assessment.storage.tables import AssessmentRow, EntryRow, OrganisationRow

from .harness import Ratio, Result, mismatch, time_pair

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK_FILE = ROOT / "frameworks" / "nps-2018.yaml"

PERIODS = [f"{year}/{(year + 1) % 100:02d}" for year in range(2015, 2025)]   # 2015/16 .. 2024/25
HALF_STEPS = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
SEED = 20180


def run() -> Iterator[Result]:
    yield from bench_framework_load()
    framework = load_framework(FRAMEWORK_FILE)
    yield from bench_key_area_rollup(framework)


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


# ---------------------------------------------------------------- a database of many organisations

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
