"""Respondent round benchmarks (issue 30): the spread of 50 people's answers to the 59 objectives
of NPS 2018.

1. spread by objective   `domain.rounds.by_objective` over every answer (50 respondents x 59
                         objectives, seeded at random: levels and half steps, some "don't know"
                         and n/a) against a plain loop computing the same figures.
2. spreads by department `domain.rounds.spreads_by(..., by="department", k=5)` for each of the 59
                         objectives against the same plain loop per department, with the same
                         groups withheld (fewer than k answering with a level, and the next
                         smallest while those withheld hold fewer than k).

The figures are n (answering with a level), "don't know", n/a, the count at each level given, the
median, the lowest and highest level and Tukey's hinges (from four answers up). The plain loop is
checked to give the same numbers before anything is timed; the aim (issue 30) is within 2x.
"""

from __future__ import annotations

import random
from typing import Any, Iterator

from assessment.domain.rounds import Answer, Profile, Spread, Withheld, by_objective, spreads_by
from assessment.formats.framework_file import find_framework

from .harness import Ratio, Result, mismatch, time_pair

RESPONDENTS = 50
K = 5
SEED = 30
LEVELS = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
# Departments of uneven size, so that with k = 5 some groups of some objectives are withheld.
DEPARTMENTS = {"Procurement": 14, "Finance": 10, "Legal": 7, "Adult social care": 6, "Highways": 5,
               "Housing": 4, "Audit": 3, "Members": 1}
Figures = tuple[int, int, int, dict[float, int], float | None, float | None, float | None, float | None,
                float | None]


def run() -> Iterator[Result]:
    framework = find_framework("nps-2018")
    objectives = list(framework.objectives)
    answers, pairs = random_round(objectives)
    yield from bench_by_objective(answers, len(objectives))
    yield from bench_spreads_by(pairs, objectives)


def random_round(objectives: list[str], respondents: int = RESPONDENTS, seed: int = SEED
                 ) -> tuple[list[Answer], dict[str, list[tuple[Answer, Profile]]]]:
    """Every respondent's answer to every objective, respondent by respondent (as answer sets are
    read), about 8% "don't know" and 4% n/a; and each objective's answers with their profiles."""
    rng = random.Random(seed)
    departments = [d for d, size in DEPARTMENTS.items() for _ in range(size)]
    assert len(departments) == respondents, "the departments' sizes add up to the respondents"
    profiles = [Profile(d, ("finance",), "finance") for d in departments]
    answers: list[Answer] = []
    pairs: dict[str, list[tuple[Answer, Profile]]] = {o: [] for o in objectives}
    for profile in profiles:
        centre = rng.choice(LEVELS[2:7])        # each person leans somewhere, as people do
        for objective in objectives:
            draw = rng.random()
            if draw < 0.08:
                answer = Answer(objective, dont_know=True)
            elif draw < 0.12:
                answer = Answer(objective, not_applicable=True)
            else:
                answer = Answer(objective, min(5.0, max(1.0, centre + rng.choice((-1.0, -0.5, 0.0, 0.5, 1.0)))))
            answers.append(answer)
            pairs[objective].append((answer, profile))
    return answers, pairs


# ---------------------------------------------------------------- the floor: a plain loop

def plain_figures(levels: list[float], dont_know: int, not_applicable: int) -> Figures:
    """n, don't know, n/a, counts by level, median, lowest, highest and Tukey's hinges of `levels`."""
    levels.sort()
    n = len(levels)
    counts: dict[float, int] = {}
    for level in levels:
        counts[level] = counts.get(level, 0) + 1
    if not n:
        return (0, dont_know, not_applicable, counts, None, None, None, None, None)
    mid = n // 2
    median = levels[mid] if n % 2 else (levels[mid - 1] + levels[mid]) / 2
    lower = upper = None
    if n >= 4:
        half = (n + 1) // 2                     # the median in both halves when n is odd
        h = half // 2
        lower = levels[h] if half % 2 else (levels[h - 1] + levels[h]) / 2
        upper = levels[n - half + h] if half % 2 else (levels[n - half + h - 1] + levels[n - half + h]) / 2
    return (n, dont_know, not_applicable, counts, median, levels[0], levels[-1], lower, upper)


def plain_by_objective(answers: list[Answer]) -> dict[str, Figures]:
    """Each objective's figures, in the order the objectives first come: one pass to group, one to sum."""
    grouped: dict[str, list] = {}
    for a in answers:
        g = grouped.get(a.objective_id)
        if g is None:
            g = grouped[a.objective_id] = [[], 0, 0]
        if a.value is not None:
            g[0].append(a.value)
        elif a.dont_know:
            g[1] += 1
        else:
            g[2] += 1
    return {o: plain_figures(levels, dk, na) for o, (levels, dk, na) in grouped.items()}


def plain_by_department(pairs: list[tuple[Answer, Profile]], k: int) -> dict[str, Figures | None]:
    """One objective's figures in each department by name (None: withheld), withheld as
    `groups_withheld` does: under k, then the next smallest (all of that size) while the withheld
    hold fewer than k between them."""
    grouped: dict[str, list] = {}
    for a, p in pairs:
        g = grouped.get(p.department)
        if g is None:
            g = grouped[p.department] = [[], 0, 0]
        if a.value is not None:
            g[0].append(a.value)
        elif a.dont_know:
            g[1] += 1
        else:
            g[2] += 1
    sizes = {d: len(g[0]) for d, g in grouped.items()}
    hidden = {d for d, size in sizes.items() if size < k}
    total = sum(sizes[d] for d in hidden)
    while 0 < total < k and len(hidden) < len(sizes):
        smallest = min(size for d, size in sizes.items() if d not in hidden)
        for d, size in sizes.items():
            if d not in hidden and size == smallest:
                hidden.add(d)
                total += size
    return {d: None if d in hidden else plain_figures(*grouped[d])
            for d in sorted(grouped, key=lambda d: (d.casefold(), d))}


# ---------------------------------------------------------------- checking they agree

def as_figures(s: Spread) -> Figures:
    return (s.n, s.dont_know, s.not_applicable, s.counts, s.median, s.lowest, s.highest, s.lower_quartile,
            s.upper_quartile)


def differences(project: dict[str, Any], floor: dict[str, Any], where: str) -> list[str]:
    problems = []
    if list(project) != list(floor):
        problems.append(f"{where}: groups {list(project)} against {list(floor)}")
    for key in project.keys() & floor.keys():
        mine, plain = project[key], floor[key]
        if isinstance(mine, Withheld) or plain is None:
            if not (isinstance(mine, Withheld) and plain is None):
                problems.append(f"{where} {key}: withheld in one only ({mine!r} against {plain!r})")
        elif as_figures(mine) != plain or list(mine.counts) != sorted(plain[3]):
            problems.append(f"{where} {key}: project {as_figures(mine)}, floor {plain}")
    return problems


# ---------------------------------------------------------------- the benchmarks

def bench_by_objective(answers: list[Answer], objectives: int, repeat: int = 40) -> Iterator[Result]:
    """`by_objective` against `plain_by_objective` over the same Answer objects.

    Floor: group the answers by objective in one pass (levels into a list, "don't know" and n/a
    counted), then sort each objective's levels and read the figures off them, in tuples and a
    dict of counts. Any implementation has to visit every answer once and order each objective's
    levels; the ratio is the cost of the project's checks (one objective a spread) and its
    `Spread` objects."""
    def project() -> dict[str, Spread]:
        return by_objective(answers)

    def floor() -> dict[str, Figures]:
        return plain_by_objective(answers)

    problems = differences(project(), floor(), "by objective")
    if problems:
        mismatch("round spread by objective", problems)
    subject, floor_times = time_pair(project, floor, repeat=repeat)
    yield Ratio(f"round spread ({RESPONDENTS} x {objectives})", "plain loop", subject, floor_times, aim=2.0,
                verified=not problems, details={"respondents": RESPONDENTS, "objectives": objectives,
                                                "answers": len(answers)})


def bench_spreads_by(pairs: dict[str, list[tuple[Answer, Profile]]], objectives: list[str], repeat: int = 40
                     ) -> Iterator[Result]:
    """`spreads_by(..., by="department", k=5)` for every objective against `plain_by_department`.

    Floor: per objective, group its answers by department in one pass, withhold the groups as the
    rule says (a loop over the sizes) and read each shown department's figures as above. The ratio
    is the cost of the project's checks, its `Spread` and `Withheld` objects and its ordering."""
    def project() -> list[dict[str, Spread | Withheld]]:
        return [spreads_by(pairs[o], by="department", k=K) for o in objectives]

    def floor() -> list[dict[str, Figures | None]]:
        return [plain_by_department(pairs[o], K) for o in objectives]

    problems = [p for o, mine, plain in zip(objectives, project(), floor())
                for p in differences(mine, plain, f"objective {o}")]
    if problems:
        mismatch("round spreads by department", problems)
    withheld = sum(isinstance(s, Withheld) for found in project() for s in found.values())
    subject, floor_times = time_pair(project, floor, repeat=repeat)
    yield Ratio(f"round spreads by department (k={K})", "plain loop", subject, floor_times, aim=2.0,
                verified=not problems, details={"respondents": RESPONDENTS, "objectives": len(objectives),
                                                "departments": len(DEPARTMENTS), "groups_withheld": withheld})
