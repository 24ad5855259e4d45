"""Mapping files: how one framework's key areas and objectives become another's, read from
frameworks/mappings/ and checked against both frameworks (every problem with its line)."""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..domain.errors import AssessmentError, InvalidFile, NotFound, Problem
from ..domain.framework import Framework, Id, Text
from ..domain.mapping import Mapping
from .framework_file import FRAMEWORKS_DIR
from .yaml_source import Source, fail_if, problems_from_validation, read_yaml

MAPPINGS_DIR = FRAMEWORKS_DIR / "mappings"
KINDS = ("equal", "split", "merged", "new", "retired")
_SHAPES = {"equal": ((1, 1), (1, 1)), "split": ((1, 1), (2, None)), "merged": ((2, None), (1, 1)),
           "new": ((0, 0), (1, None)), "retired": ((1, None), (0, 0))}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Side(_Strict):
    framework: Id
    version: Text


class Ends(_Strict):
    from_: Side = Field(alias="from")
    to: Side


class Rule(_Strict):
    from_: Id | list[Id] = Field(default_factory=list, alias="from")
    to: Id | list[Id] = Field(default_factory=list)
    kind: Literal[KINDS]  # type: ignore[valid-type]

    @property
    def old(self) -> list[str]:
        return [self.from_] if isinstance(self.from_, str) else list(self.from_)

    @property
    def new(self) -> list[str]:
        return [self.to] if isinstance(self.to, str) else list(self.to)


class MappingFile(_Strict):
    mapping: Ends
    source: Text | None = None
    key_areas: list[Rule] = Field(default_factory=list)
    objectives: list[Rule] = Field(default_factory=list)


# ---------------------------------------------------------------- reading and checking

def load_mapping(path: str | Path, frameworks: Callable[[str], Framework], display: str | None = None) -> Mapping:
    data, source = read_yaml(path, display)
    return mapping_from_data(data, source, frameworks)


def mapping_from_data(data: Any, source: Source, frameworks: Callable[[str], Framework]) -> Mapping:
    """Check a mapping file against both frameworks, every problem at once."""
    try:
        parsed = MappingFile.model_validate(data)
    except ValidationError as exc:
        fail_if(problems_from_validation(exc, source, model=MappingFile))
        raise  # pragma: no cover
    problems: list[Problem] = []
    ends: list[Framework] = []
    for name, side in (("from", parsed.mapping.from_), ("to", parsed.mapping.to)):
        try:
            framework = frameworks(side.framework)
        except AssessmentError as exc:
            problems.append(source.problem(("mapping", name, "framework"), str(exc)))
            continue
        if framework.version != side.version:
            problems.append(source.problem(("mapping", name, "version"),
                                           f"the mapping is for version '{side.version}' of {framework.id}, but the "
                                           f"framework file is version '{framework.version}'"))
        ends.append(framework)
    fail_if(problems)
    old, new = ends
    sources: dict[str, dict[str, list[str]]] = {}
    kinds: dict[str, dict[str, str]] = {}
    retired: dict[str, list[str]] = {}
    for section, kind, old_ids, new_ids in (("key_areas", "key_area", old.key_areas, new.key_areas),
                                            ("objectives", "objective", old.objectives, new.objectives)):
        sources[kind], kinds[kind], retired[kind] = _rules(getattr(parsed, section), section, kind, old, new,
                                                           old_ids, new_ids, source, problems)
    fail_if(problems)
    return Mapping(old, new, sources, kinds, retired)


def _rules(rules: list[Rule], section: str, kind: str, old: Framework, new: Framework, old_ids, new_ids,
           source: Source, problems: list[Problem]):
    words = kind.replace("_", " ")

    def unknown(value: str, ids, framework: Framework, loc: tuple) -> bool:
        if value in ids:
            return False
        near = difflib.get_close_matches(value, list(ids), n=1)
        problems.append(source.problem(loc, f"there is no {words} '{value}' in {framework.id}"
                                            + (f" (did you mean '{near[0]}'?)" if near else "")))
        return True

    sources: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    retired: list[str] = []
    named_old: dict[str, int] = {}
    for r, rule in enumerate(rules):
        loc = (section, r)
        (old_min, old_max), (new_min, new_max) = _SHAPES[rule.kind]
        # a rule of the wrong shape is reported, and its ids still count as mapped (no second complaint)
        if not old_min <= len(rule.old) <= (old_max if old_max is not None else len(rule.old)):
            problems.append(source.problem(loc + ("from",), _shape_message(rule.kind, "from", old_min, old_max)))
        if not new_min <= len(rule.new) <= (new_max if new_max is not None else len(rule.new)):
            problems.append(source.problem(loc + ("to",), _shape_message(rule.kind, "to", new_min, new_max)))
        # an unknown id is reported; the rule's known ids still count as mapped (no second complaint)
        olds = [o for o in rule.old if not unknown(o, old_ids, old, loc + ("from",))]
        news = [n for n in rule.new if not unknown(n, new_ids, new, loc + ("to",))]
        for o in olds:
            if o in named_old:
                problems.append(source.problem(loc + ("from",), f"{words} '{o}' of {old.id} is already mapped "
                                                                f"(line {source.line((section, named_old[o]))})"))
            named_old.setdefault(o, r)
        if rule.kind == "retired":
            retired.extend(olds)
        for n in news:
            if n in sources:
                problems.append(source.problem(loc + ("to",), f"{words} '{n}' of {new.id} is already mapped to"))
                continue
            sources[n], kinds[n] = olds, rule.kind
    for n in new_ids:   # not named: the same id on both sides is equal
        if n not in sources and n in old_ids and n not in named_old:
            sources[n], kinds[n] = [n], "equal"
    for n in new_ids:
        if n not in sources:
            problems.append(source.problem((section,), f"{words} '{n}' of {new.id} is not mapped: say it is new, "
                                                       f"or which {words}s of {old.id} it comes from"))
    reached = {o for olds in sources.values() for o in olds} | set(retired)
    for o in old_ids:
        if o not in reached:
            problems.append(source.problem((section,), f"{words} '{o}' of {old.id} is not mapped: say it is retired, "
                                                       f"or what it becomes in {new.id}"))
    return sources, kinds, retired


def _shape_message(kind: str, end: str, least: int, most: int | None) -> str:
    what = {"equal": "an equal item", "split": "a split item", "merged": "a merged item", "new": "a new item",
            "retired": "a retired item"}[kind]
    if most == 0:
        return f"{what} has nothing in '{end}'"
    if least == most:
        return f"{what} has exactly {least} in '{end}'"
    return f"{what} has at least {least} in '{end}'"


# ---------------------------------------------------------------- finding mappings

def mapping_files(directory: Path = MAPPINGS_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.y*ml") if p.suffix in (".yaml", ".yml")) if directory.is_dir() else []


@lru_cache(maxsize=32)
def _loaded(path: str, modified: int, frameworks: Callable[[str], Framework]) -> Mapping:
    return load_mapping(path, frameworks, display=_display(Path(path)))


def _mappings(frameworks: Callable[[str], Framework], directory: Path) -> Iterator[Mapping]:
    """Every valid mapping kept in `directory` (each read once for as long as its file is unchanged)."""
    for path in mapping_files(directory):
        try:
            yield _loaded(str(path.resolve()), path.stat().st_mtime_ns, frameworks)
        except InvalidFile:
            continue


def find_mapping(old_id: str, new_id: str, frameworks: Callable[[str], Framework],
                 directory: Path = MAPPINGS_DIR) -> Mapping:
    """The mapping from framework `old_id` to `new_id` (NotFound when none is kept)."""
    for mapping in _mappings(frameworks, directory):
        if (mapping.old.id, mapping.new.id) == (old_id, new_id):
            return mapping
    raise NotFound(f"no mapping from {old_id} to {new_id} in {_display(directory)}")


def mapped_from(old_id: str, frameworks: Callable[[str], Framework], directory: Path = MAPPINGS_DIR) -> list[str]:
    """The ids of the frameworks a mapping leads to from `old_id` (those a council may move to)."""
    return [mapping.new.id for mapping in _mappings(frameworks, directory) if mapping.old.id == old_id]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(FRAMEWORKS_DIR.parent))
    except ValueError:
        return str(path)


