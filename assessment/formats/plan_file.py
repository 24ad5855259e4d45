"""Plan files: read and check a plan (`kind: plan`) in YAML, every problem with its line; find a plan
in frameworks/ by its id. A plan sits in the same folder as the frameworks of levels and is read the
same way (`yaml_source.read_yaml`), but it is a different thing: `framework_file.find_framework`
refuses one, and `find_plan` refuses a framework of levels."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ..domain.errors import InvalidFile, NotFound, Problem
from ..domain.plan import PLAN, Plan
from .yaml_source import Source, mappings_in, read_yaml, validated


def is_plan(data: Any) -> bool:
    """Whether a file's data says it is a plan (`kind: plan`)."""
    return isinstance(data, dict) and data.get("kind") == PLAN


def load_plan(path: str | Path, display: str | None = None) -> Plan:
    data, source = read_yaml(path, display)
    return plan_from_data(data, source)


def plan_from_data(data: Any, source: Source) -> Plan:
    if data is None:
        raise InvalidFile([source.problem((), "the file is empty")])
    if not isinstance(data, dict):
        raise InvalidFile([source.problem((), "a plan file must be a mapping of keys (kind, id, title, version, "
                                              "themes)")])
    problems = _cross_checks(data, source)
    problems += [source.problem((key,), why) for key, why in _NOT_IN_A_PLAN.items() if key in data]
    # validated without them: each is said once, in the words above, not also as an unknown key
    return validated(Plan, {k: v for k, v in data.items() if k not in _NOT_IN_A_PLAN}, source, problems)


# Keys of the other kinds of file, which a plan does not have, with why.
_NOT_IN_A_PLAN = {"levels": "a plan is rated red, amber and green (ratings), not on levels",
                  "overlay": "an overlay adapts a framework of levels, not a plan"}


def _cross_checks(data: dict, source: Source) -> list[Problem]:
    """Ids used once each (per kind) and rating names used once: checked on the raw data, so that they
    are reported with any type errors."""
    problems: list[Problem] = []
    seen: dict[str, dict[str, int | None]] = {k: {} for k in ("theme", "outcome", "indicator", "action",
                                                              "rating id", "rating name")}

    def once(kind: str, loc: tuple, value: Any) -> None:
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            key = str(value).strip().lower() if kind == "rating name" else str(value).strip()
            if key in seen[kind]:
                problems.append(source.problem(loc, f"{kind} '{str(value).strip()}' is used twice (first at line "
                                               f"{seen[kind][key]}); each must be different"
                                               if kind.startswith("rating") else
                                               f"duplicate {kind} id '{key}' (first at line {seen[kind][key]}); "
                                               "ids must be unique"))
            else:
                seen[kind][key] = source.line(loc)

    for r, rating in enumerate(mappings_in(data.get("ratings"))):
        once("rating id", ("ratings", r, "id"), rating.get("id"))
        once("rating name", ("ratings", r, "name"), rating.get("name"))
    for t, theme in enumerate(mappings_in(data.get("themes"))):
        once("theme", ("themes", t, "id"), theme.get("id"))
        for o, outcome in enumerate(mappings_in(theme.get("outcomes"))):
            loc = ("themes", t, "outcomes", o)
            once("outcome", loc + ("id",), outcome.get("id"))
            for i, indicator in enumerate(mappings_in(outcome.get("indicators"))):
                once("indicator", loc + ("indicators", i, "id"), indicator.get("id"))
            for a, action in enumerate(mappings_in(outcome.get("actions"))):
                once("action", loc + ("actions", a, "id"), action.get("id"))
    return problems


# ---------------------------------------------------------------- finding plans

def find_plan(id_or_path: str) -> Plan:
    """A plan by path, or by id among the files of frameworks/ (`plan_or_none`); NotFound saying what
    the id names instead: a framework of levels, or nothing."""
    plan = plan_or_none(id_or_path)
    if plan is not None:
        return plan
    plans = ", ".join(available_plans()) or "none"
    if _named(id_or_path) is not None:
        raise NotFound(f"'{id_or_path}' is a framework of levels, not a plan (plans in frameworks/: {plans})")
    raise NotFound(f"no plan with id '{id_or_path}' in frameworks/ (plans there: {plans})")


def plan_or_none(id_or_path: str) -> Plan | None:
    """The plan a path, or an id in frameworks/, names; None where it names a framework of levels or
    nothing. Each file's id is read without loading it (as `framework_file.find_framework` does),
    and only the file that gives the id is loaded, once while it is unchanged."""
    path = _named(id_or_path)
    if path is None:
        return None
    shown = id_or_path if path.name == Path(id_or_path).name else f"frameworks/{path.name}"
    return _plan_at(str(path.resolve()), path.stat().st_mtime_ns, shown)


def _named(id_or_path: str) -> Path | None:
    """The file a path names, or the file of frameworks/ that gives the id."""
    from .framework_file import FRAMEWORKS_DIR, _file_id, framework_files
    candidate = Path(id_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    return next((path for path in framework_files(FRAMEWORKS_DIR)
                 if _file_id(str(path.resolve()), path.stat().st_mtime_ns)[0] == id_or_path), None)


@lru_cache(maxsize=32)
def _plan_at(path: str, modified: int, display: str) -> Plan | None:
    """The plan a file holds (read once while it is unchanged), or None when it holds something else."""
    data, source = read_yaml(path, display)
    return plan_from_data(data, source) if is_plan(data) else None


def available_plans() -> list[str]:
    """The ids of the valid plans in frameworks/."""
    from .framework_file import FRAMEWORKS_DIR, framework_files
    ids = []
    for path in framework_files(FRAMEWORKS_DIR):
        try:
            plan = _plan_at(str(path.resolve()), path.stat().st_mtime_ns, f"frameworks/{path.name}")
        except InvalidFile:
            continue
        if plan is not None:
            ids.append(plan.id)
    return ids
