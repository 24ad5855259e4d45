"""Framework files: find, read and check a framework (or an overlay) in YAML, reporting every
problem with its line; the JSON schema written from the models."""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..domain import limits
from ..domain.errors import InvalidFile, NotFound, Problem
from ..domain.framework import Framework
from ..domain.plan import PLAN
from .yaml_source import Source, mappings_in, read_yaml, validated

FRAMEWORKS_DIR = Path(__file__).resolve().parent.parent.parent / "frameworks"
SCHEMA_PATH = FRAMEWORKS_DIR / "schema.json"


def json_schema() -> dict[str, Any]:
    schema = Framework.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "frameworks/schema.json"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- loading and checking

def load_framework(path: str | Path, display: str | None = None) -> Framework:
    """Load and validate a framework file, or an overlay file (a council's adaptation of a framework,
    `assessment.overlay`), as the framework it makes; raise `InvalidFile` listing every problem."""
    data, source = read_yaml(path, display)
    return framework_or_overlay(data, source, Path(path))


def framework_or_overlay(data: Any, source: Source, path: Path) -> Framework:
    """A framework file's data, read already, as the framework it is or (an overlay) makes."""
    if isinstance(data, dict) and data.get("kind") == PLAN:
        raise InvalidFile([source.problem(("kind",), "this is a plan (outcomes, indicators and actions rated red, "
                                                     "amber and green), not a framework of levels: a council "
                                                     "follows it as its plan record (--record plan)")])
    if isinstance(data, dict) and "overlay" in data:
        from .overlay_file import overlay_from_data
        return overlay_from_data(data, source, lambda framework_id: _beside(framework_id, path))
    return framework_from_data(data, source)


def _beside(framework_id: str, overlay: Path) -> Framework:
    """The framework an overlay applies to: in the overlay's own folder (the overlay is not read
    again), else in frameworks/; not in frameworks/ if the folder had more to read than the search
    reads (the one wanted might have been there)."""
    folder = overlay.parent
    try:
        return find_framework(framework_id, folder, passing=overlay)
    except _SearchCut:
        raise
    except NotFound:
        if folder.resolve() == FRAMEWORKS_DIR.resolve():
            raise
        return find_framework(framework_id)


def framework_from_data(data: Any, source: Source) -> Framework:
    if data is None:
        raise InvalidFile([source.problem((), "the file is empty")])
    if not isinstance(data, dict):
        raise InvalidFile([source.problem((), "a framework file must be a mapping of keys "
                                              "(id, title, version, levels, themes)")])
    problems = _cross_checks(data, source)
    if "based_on" in data:
        problems.append(source.problem(("based_on",), "based_on is set by an overlay file (overlay, applies_to), "
                                                      "not written in a framework file"))
    return validated(Framework, data, source, problems)


def _cross_checks(data: dict, source: Source) -> list[Problem]:
    """Checks that span several parts of the file, run on the raw data so that they are
    reported together with any type errors."""
    problems: list[Problem] = []
    levels = data.get("levels")
    values: list[int] = []
    if isinstance(levels, list):
        names: dict[str, int] = {}
        for i, level in enumerate(levels):
            if not isinstance(level, dict):
                continue
            value = level.get("value")
            if isinstance(value, int) and not isinstance(value, bool):
                values.append(value)
                if value != i + 1:
                    problems.append(source.problem(("levels", i, "value"), "levels must be numbered 1, 2, 3 ... in "
                                                   f"order; expected {i + 1}, found {value}"))
            name = level.get("name")
            if isinstance(name, str) and name.strip():
                key = name.strip().lower()
                if key in names:
                    problems.append(source.problem(("levels", i, "name"), f"level name '{name.strip()}' is used "
                                                   f"twice (also level {names[key]})"))
                names[key] = i + 1
    scale = set(values)
    seen: dict[str, dict[str, Any]] = {"theme": {}, "key area": {}, "objective": {}}

    def check_id(kind: str, loc: tuple, item: dict) -> None:
        value = item.get("id")
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            key = str(value).strip()
            if key in seen[kind]:
                problems.append(source.problem(loc + ("id",), f"duplicate {kind} id '{key}' (first at line "
                                               f"{seen[kind][key]}); ids must be unique"))
            else:
                seen[kind][key] = source.line(loc + ("id",))

    def check_levels(loc: tuple, mapping: Any, complete: bool) -> None:
        if not isinstance(mapping, dict) or not scale:
            return
        keys = set()
        for key in mapping:
            try:
                number = int(key)
            except (TypeError, ValueError):
                problems.append(source.problem(loc + (key,), f"'{key}' is not a level number"))
                continue
            keys.add(number)
            if number not in scale:
                problems.append(source.problem(loc + (key,),
                                               f"level {number} is not on the scale ({_scale_text(values)})"))
        missing = sorted(scale - keys)
        if complete and missing:
            problems.append(source.problem(loc, "the rubric needs a descriptor for every level; missing "
                                                + ", ".join(str(m) for m in missing)))

    for t, theme in enumerate(mappings_in(data.get("themes"))):
        check_id("theme", ("themes", t), theme)
        for k, ka in enumerate(mappings_in(theme.get("key_areas"))):
            ka_loc = ("themes", t, "key_areas", k)
            check_id("key area", ka_loc, ka)
            check_levels(ka_loc + ("rubric",), ka.get("rubric"), complete=True)
            for o, objective in enumerate(mappings_in(ka.get("objectives"))):
                obj_loc = ka_loc + ("objectives", o)
                check_id("objective", obj_loc, objective)
                check_levels(obj_loc + ("levels",), objective.get("levels"), complete=False)
    return problems


def _scale_text(values: list[int]) -> str:
    return f"{min(values)}–{max(values)}" if values else "none"


# ---------------------------------------------------------------- finding frameworks

def framework_files(directory: Path = FRAMEWORKS_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


@lru_cache(maxsize=32)
def _loaded(path: str, modified: int, display: str) -> Framework:
    return load_framework(path, display)


_LOADING = threading.local()   # the files being loaded on this thread: an overlay loads what it applies to


def _load(path: Path, display: str | None = None) -> Framework:
    """A framework file, read once for as long as it is not changed (frameworks are frozen). An
    overlay that comes round to itself (applying, through others, to itself) is refused."""
    key = str(path.resolve())
    loading = _LOADING.__dict__.setdefault("paths", set())
    if key in loading:
        raise InvalidFile([Problem(display or _display(path), 1, "applies_to",
                                   "the overlays apply to each other in a circle")])
    loading.add(key)
    try:
        return _loaded(key, path.stat().st_mtime_ns, display or _display(path))
    finally:
        loading.discard(key)


def find_framework(id_or_path: str, directory: Path = FRAMEWORKS_DIR, *, passing: Path | None = None) -> Framework:
    """A framework by path, or by id: the file `directory/ID.yaml` if it gives that id, else the
    first file of `directory` (in name order) that gives it, looked for within a budget
    (`limits.FRAMEWORK_SEARCH_*`; past it, `NotFound` says which limit was reached). Only the file
    found is loaded: if it has problems, they are reported. `passing` (an overlay looking for what
    it applies to) is not read again."""
    candidate = Path(id_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return load_framework(candidate)
    direct = directory / f"{id_or_path}.yaml"
    if direct.exists():
        framework = _load(direct)
        if framework.id == id_or_path:
            return framework
    given, cut = _ids(directory, {direct.resolve(), *([passing.resolve()] if passing else [])}, id_or_path)
    for path, found in given:
        if found == id_or_path:
            framework = _load(path)
            if framework.id == id_or_path:
                return framework
    if cut:
        raise _SearchCut(f"no framework with id '{id_or_path}' among the first {len(given)} YAML files of "
                         f"{_display(directory)} ({cut} to find a framework by its id; name its file "
                         f"{id_or_path}.yaml)")
    from .plan_file import available_plans   # a plan is not a framework of levels, so not offered as one
    plans = set(available_plans()) if directory.resolve() == FRAMEWORKS_DIR.resolve() else set()
    known = ", ".join(sorted({found for _, found in given if found} - plans)) or "none"
    raise NotFound(f"no framework with id '{id_or_path}' in {_display(directory)} (available: {known})")


class _SearchCut(NotFound):
    """A framework was looked for by its id in a folder with more to read than the budget allows."""


def _ids(directory: Path, passed: set[Path], wanted: str) -> tuple[list[tuple[Path, str | None]], str | None]:
    """The id each YAML file of `directory` gives (but those `passed`), in name order, as far as
    `wanted` or the budget goes; and, if the budget ran out first, which limit was reached."""
    given: list[tuple[Path, str | None]] = []
    read = nodes = 0
    for path in framework_files(directory):
        resolved = path.resolve()
        if resolved in passed:
            continue
        if len(given) == limits.FRAMEWORK_SEARCH_FILES:
            return given, f"no more than {limits.FRAMEWORK_SEARCH_FILES} are read"
        status = path.stat()
        read += status.st_size
        if read > limits.FRAMEWORK_SEARCH_BYTES:
            return given, f"no more than {limits.FRAMEWORK_SEARCH_BYTES // 2**20} MB of them are read"
        found, events = _file_id(str(resolved), status.st_mtime_ns)
        nodes += events
        if nodes > limits.FRAMEWORK_SEARCH_NODES:
            return given, (f"no more than {limits.FRAMEWORK_SEARCH_NODES:,} values, lists and mappings in them "
                           "are read")
        given.append((path, found))
        if found == wanted:
            break
    return given, None


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NODES = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)


@lru_cache(maxsize=256)
def _file_id(path: str, modified: int) -> tuple[str | None, int]:
    """The id a framework file (or the overlay id an overlay file) gives at its top level, and the
    values, lists and mappings read to find it: the file's YAML events are read up to that key,
    and nothing is built or checked (finding one framework reads each file's id, not each file,
    and an overlay would load its own). None for a file that is not a YAML mapping giving one."""
    try:
        raw = Path(path).read_bytes() if Path(path).stat().st_size <= limits.YAML_BYTES else b""
        loader = _YAML_LOADER(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return None, 0
    read, depth, is_key, key = 0, 0, True, None
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _NODES):
                read += 1
                if read > limits.YAML_NODES:
                    break
            if isinstance(event, yaml.AliasEvent) or (depth == 0 and isinstance(event, _NODES)
                                                       and not isinstance(event, yaml.MappingStartEvent)):
                break   # an alias (never allowed) or a file that is not a mapping
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if depth == 1 and is_key:
                    key = None   # a list or mapping as a key: not one that gives an id
                depth += 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                if depth == 1:
                    is_key = not is_key
                elif depth == 0:
                    break
            elif isinstance(event, yaml.ScalarEvent) and depth == 1:
                if is_key:
                    key = event.value
                elif key in ("overlay", "id"):
                    return _scalar_id(loader, event), read
                is_key = not is_key
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return None, read


def _scalar_id(loader: Any, event: yaml.ScalarEvent) -> str | None:
    """An id as the file's value gives it: text, or a whole number written plainly (`id: 2018`)."""
    if event.style:
        return event.value.strip() or None
    tag = loader.resolve(yaml.ScalarNode, event.value, (True, False))
    if tag == "tag:yaml.org,2002:int":
        try:
            return str(int(event.value.replace("_", ""), 0))
        except ValueError:
            return event.value
    return event.value.strip() or None if tag == "tag:yaml.org,2002:str" else None


def available_frameworks(directory: Path = FRAMEWORKS_DIR) -> list[str]:
    ids = []
    for path in framework_files(directory):
        try:
            ids.append(_load(path).id)
        except InvalidFile:
            continue
    return ids


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
