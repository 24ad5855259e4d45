"""Plan files: read and check a plan (`kind: plan`) in YAML, every problem with its line; find a plan
in frameworks/ by its id. A plan sits in the same folder as the frameworks of levels and is read the
same way (`yaml_source.read_yaml`), but it is a different thing: `framework_file.find_framework`
refuses one, and `find_plan` refuses a framework of levels."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..domain.errors import InvalidFile, NotFound, Problem
from ..domain.plan import PLAN, Plan
from .yaml_source import Source, fail_if, problems_from_validation, read_yaml


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
    for key, why in (("levels", "a plan is rated red, amber and green (ratings), not on levels"),
                     ("overlay", "an overlay adapts a framework of levels, not a plan")):
        if key in data:
            problems.append(source.problem((key,), why))
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, source, model=Plan) + problems
        fail_if(_unique([p for p in problems if not _about_levels(p)] if "levels" in data else problems))
        raise  # pragma: no cover - fail_if always raises here
    fail_if(problems)
    return plan


def _about_levels(problem: Problem) -> bool:
    """pydantic's own 'unknown key levels', said better by the plan check above it."""
    return problem.where == "(file)" and "'levels'" in problem.message and "unknown key" in problem.message


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        if (p.line, p.where, p.message) not in seen:
            seen.add((p.line, p.where, p.message))
            out.append(p)
    return out


def _dicts(value: Any) -> list[dict]:
    return [x if isinstance(x, dict) else {} for x in value] if isinstance(value, list) else []


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

    for r, rating in enumerate(_dicts(data.get("ratings"))):
        once("rating id", ("ratings", r, "id"), rating.get("id"))
        once("rating name", ("ratings", r, "name"), rating.get("name"))
    for t, theme in enumerate(_dicts(data.get("themes"))):
        once("theme", ("themes", t, "id"), theme.get("id"))
        for o, outcome in enumerate(_dicts(theme.get("outcomes"))):
            loc = ("themes", t, "outcomes", o)
            once("outcome", loc + ("id",), outcome.get("id"))
            for i, indicator in enumerate(_dicts(outcome.get("indicators"))):
                once("indicator", loc + ("indicators", i, "id"), indicator.get("id"))
            for a, action in enumerate(_dicts(outcome.get("actions"))):
                once("action", loc + ("actions", a, "id"), action.get("id"))
    return problems


# ---------------------------------------------------------------- finding plans

def find_plan(id_or_path: str) -> Plan:
    """A plan by path, or by id among the files of frameworks/: each file's id is read without
    loading it (as `framework_file.find_framework` does), and only the file that gives the id is
    loaded. A framework of levels with that id is not a plan, and is said to be one."""
    from .framework_file import FRAMEWORKS_DIR, _file_id, framework_files
    candidate = Path(id_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return load_plan(candidate)
    for path in framework_files(FRAMEWORKS_DIR):
        found, _ = _file_id(str(path.resolve()), path.stat().st_mtime_ns)
        if found == id_or_path:
            plan = _plan_at(str(path.resolve()), path.stat().st_mtime_ns, f"frameworks/{path.name}")
            if plan is None:
                raise NotFound(f"'{id_or_path}' is a framework of levels, not a plan (plans in frameworks/: "
                               f"{', '.join(available_plans()) or 'none'})")
            return plan
    raise NotFound(f"no plan with id '{id_or_path}' in frameworks/ (plans there: "
                   f"{', '.join(available_plans()) or 'none'})")


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
