"""Read YAML with line numbers kept, and turn validation errors into located problems.

Parse, then validate: `read_yaml` returns the plain data and a `Source` that knows the line of
every key and list item; `problems_from_validation` maps pydantic's errors onto those lines so
every message reads `PATH:LINE: where.in.file: plain message`.
"""

from __future__ import annotations

import difflib
import math
import re
import typing
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from ..domain import limits
from ..domain.errors import InvalidFile, Problem
from ..domain.limits import YAML_BYTES, YAML_DEPTH, YAML_NODES, YAML_SCALAR_CHARACTERS, YAML_SCALAR_DIGITS

Loc = tuple[Any, ...]
M = typing.TypeVar("M", bound=BaseModel)


class Source:
    """The file a piece of data came from, with the line of each path in it."""

    def __init__(self, file: str, lines: dict[Loc, int] | None = None, data: Any = None):
        self.file = file
        self.lines = lines or {}
        self.data = data

    def line(self, loc: Iterable[Any]) -> int | None:
        """The line of `loc`, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]

    def where(self, loc: Iterable[Any]) -> str:
        """A readable path: list items are named by their id where they have one."""
        parts: list[str] = []
        node = self.data
        for part in loc:
            if isinstance(part, int) and isinstance(node, list):
                item = node[part] if 0 <= part < len(node) else None
                label = _item_label(item)
                shown = label if label is not None else f"item {part + 1}"
                parts[-1:] = [f"{parts[-1]}[{shown}]"] if parts else [f"[{shown}]"]
                node = item
            else:
                parts.append(str(part))
                node = node.get(part) if isinstance(node, dict) else None
        return ".".join(parts)

    def problem(self, loc: Iterable[Any], message: str) -> Problem:
        loc = tuple(loc)
        return Problem(self.file, self.line(loc) or 1, self.where(loc) or "(file)", message)


def _item_label(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in ("id", "objective", "key_area", "period"):
            value = item.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                return str(value)
    return None


def read_yaml(path: str | Path, display: str | None = None) -> tuple[Any, Source]:
    """Read a UTF-8 YAML file; raise `InvalidFile` for unreadable, non-UTF-8 or malformed YAML, and
    for a file too big, too deeply nested or using aliases (`limits`), before parsing it. No more
    than `limits.YAML_BYTES` (and a byte) is read, from a pipe or device (/dev/zero) as from a file."""
    path = Path(path)
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > YAML_BYTES and path.is_file():
            raise InvalidFile([Problem(name, 1, "(file)", f"is {size / 2**20:.1f} MB; framework and record "
                                                           f"files of up to {YAML_BYTES // 2**20} MB are read")])
        with path.open("rb") as file:   # a pipe or device has no size: no more is read than is kept
            raw = file.read(YAML_BYTES + 1)
    except FileNotFoundError:
        raise InvalidFile([Problem(name, 1, "(file)", "no such file")]) from None
    except IsADirectoryError:
        raise InvalidFile([Problem(name, 1, "(file)", "is a folder, not a file")]) from None
    except OSError as exc:
        raise InvalidFile([Problem(name, 1, "(file)", f"cannot be read: {exc.strerror}")]) from None
    if len(raw) > YAML_BYTES:
        raise InvalidFile([Problem(name, 1, "(file)", f"holds more than {YAML_BYTES // 2**20} MB; framework and "
                                                       f"record files of up to {YAML_BYTES // 2**20} MB are read")])
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes | str, name: str) -> tuple[Any, Source]:
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InvalidFile([Problem(
                name, line, "(file)",
                f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read); save it as UTF-8",
            )]) from None
    else:
        text = raw
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text) > YAML_BYTES:
        raise InvalidFile([Problem(name, 1, "(file)", f"is too big; framework and record files of up to "
                                                       f"{YAML_BYTES // 2**20} MB are read")])
    _prescan(text, name)
    loader = _Loader(text)
    node = None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        lines: dict[Loc, int] = {}
        found: list[tuple[Loc, int, str]] = []
        if node is not None:
            _walk(node, (), lines, found, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = exc.problem or "cannot be read"
        if exc.context:
            started = exc.context_mark
            at = f" (from line {started.line + 1})" if started and mark and started.line != mark.line else ""
            message = f"{exc.context}{at}: {message}"
        raise InvalidFile([Problem(name, line, "(yaml syntax)", message)]) from None
    except yaml.YAMLError as exc:
        raise InvalidFile([Problem(name, 1, "(yaml syntax)", str(exc))]) from None
    except ValueError:   # a value that looks like a date and is none (2025-13-40, 2025-02-30)
        raise InvalidFile(_impossible_dates(node, name) or [Problem(name, 1, "(file)", "a value cannot be read")]
                          ) from None
    finally:
        loader.dispose()
    source = Source(name, lines, data)
    if found:
        raise InvalidFile([Problem(name, line, source.where(loc) or "(file)", message) for loc, line, message in found])
    return data, source


# libyaml's parser where it is installed (about eight times faster), with the same safe constructor
# and the same line marks; PyYAML's pure-Python parser otherwise.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_NUMBERS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


def _prescan(text: str, name: str) -> None:
    """Refuse, before anything is built from it, what YAML allows but these files never need and an
    attacker could use: control characters (located to their line), aliases (`*name`: a few hundred
    bytes of them can stand for gigabytes), nesting deeper than `limits.YAML_DEPTH` (libyaml builds
    nodes recursively and can crash on thousands of levels), more than `limits.YAML_NODES` values,
    lists and mappings (a 3.8 MB flow list of a million values took 30 s and 3 GB to build and
    check), a value longer than `limits.YAML_SCALAR_CHARACTERS`, and numbers that cannot be held:
    more than `limits.YAML_SCALAR_DIGITS` characters (Python refuses integers of over 4,300
    digits), infinite or not a number (`.inf`, `.nan`, `1.0e+400`), and explicit tags anywhere
    (`!!python/object`, `!!binary`, `!!float .inf`, `!local`, `!`): the safe loader refuses some
    and reads others, and a tag lets a value pass for another type, past the checks here. Only
    libyaml's event parser runs, which keeps no recursion, and it stops at the first of these."""
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InvalidFile([Problem(name, line, "(file)", f"contains the control character U+{ord(bad.group()):04X}, "
                                                         "which YAML files may not hold; save it as plain text")])
    loader = _Loader(text)
    depth = nodes = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                nodes += 1
                if nodes > YAML_NODES:
                    raise _refused(name, event, "(file)", f"holds more than {YAML_NODES:,} values, lists and mappings; "
                                                          f"files of up to {YAML_NODES:,} are read (ten years of "
                                                          "Medway's record holds 5,200)")
            if isinstance(event, yaml.AliasEvent):
                raise _refused(name, event, "(yaml syntax)", f"uses the alias *{event.anchor}: aliases are not "
                                                             "allowed in these files; write the value out")
            if getattr(event, "tag", None) is not None:   # only an explicit tag: plain values have none
                raise _refused(name, event, "(yaml syntax)", f"YAML tags ({_tag_shown(event.tag)}) are not read; "
                                                             "write the value plainly, without the tag")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > YAML_DEPTH:
                    raise _refused(name, event, "(yaml syntax)", f"is nested more than {YAML_DEPTH} levels deep; "
                                                                 "these files never need to be")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent):
                _check_scalar(loader, event, name)
    except yaml.MarkedYAMLError:
        return   # reported, with its line, by the parse that follows
    finally:
        loader.dispose()


def _impossible_dates(node: yaml.Node | None, name: str) -> list[Problem]:
    """Each value written as a date that is no date, with its line (PyYAML raises ValueError for the
    first it meets, without one)."""
    found: list[Problem] = []
    reader = yaml.SafeLoader("")   # its constructor only, for each value tagged as a date
    stack = [node] if node is not None else []
    while stack and len(found) < limits.PROBLEMS_KEPT:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            if current.tag == "tag:yaml.org,2002:timestamp":
                try:
                    reader.construct_yaml_timestamp(current)
                except ValueError:
                    found.append(Problem(name, current.start_mark.line + 1, "(date)",
                                         _NOT_A_DATE.format(f"'{_short(current.value)}'")))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            stack.extend(v for pair in reversed(current.value) for v in reversed(pair))
    return sorted(found, key=lambda p: p.line or 0)


def _check_scalar(loader: Any, event: yaml.ScalarEvent, name: str) -> None:
    """A value too long to be text here, or a plain number too long, infinite or not a number."""
    value = event.value
    if len(value) > YAML_SCALAR_CHARACTERS:
        raise _refused(name, event, "(yaml syntax)", f"a value of {len(value):,} characters is too long; values of up "
                                                     f"to {YAML_SCALAR_CHARACTERS:,} characters are read (a comment "
                                                     "keeps 32,000)")
    if not event.implicit[0] or event.style or value[:1] not in _NUMBER_STARTS:
        return
    tag = loader.resolve(yaml.ScalarNode, value, (True, False))
    if tag not in _NUMBERS:
        return
    if len(value) > YAML_SCALAR_DIGITS:
        raise _refused(name, event, "(yaml syntax)", f"a number of {len(value):,} characters is too long to be a "
                                                     "value here")
    number = loader.construct_yaml_float(yaml.ScalarNode(tag, value)) if tag.endswith("float") else 0.0
    if not math.isfinite(number):
        what = "not a number" if math.isnan(number) else "infinite" if "inf" in value.lower() else "too big to hold"
        raise _refused(name, event, "(yaml syntax)", f"the number {value} is {what}; numbers in these files are "
                                                     "finite, such as 3 or 2.5")


_NUMBER_STARTS = set("+-.0123456789")
_CORE_TAGS = "tag:yaml.org,2002:"


def _tag_shown(tag: str) -> str:
    """A tag as it is usually written (`!!binary` for tag:yaml.org,2002:binary), cut to one short line."""
    shown = "!!" + tag[len(_CORE_TAGS):] if tag.startswith(_CORE_TAGS) else tag
    return shown if len(shown) <= 60 else shown[:60] + "…"


def _refused(name: str, event: yaml.Event, where: str, message: str) -> InvalidFile:
    line = event.start_mark.line + 1 if event.start_mark else 1
    return InvalidFile([Problem(name, line, where, message)])


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], found: list[tuple[Loc, int, str]],
          loader: yaml.SafeLoader) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = loader.construct_object(key_node)
            else:
                key = repr(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                found.append((loc, line, f"duplicate key {key!r} (first at line {seen[key]}); "
                                         "a key may appear only once"))
                continue
            seen[key] = line
            lines[loc + (key,)] = line
            _walk(value_node, loc + (key,), lines, found, loader)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[loc + (index,)] = item.start_mark.line + 1
            _walk(item, loc + (index,), lines, found, loader)


_MESSAGES = {
    "missing": lambda e, k: f"missing required key '{k}'" if k else "a value is required",
    "extra_forbidden": lambda e, k: f"unknown key '{k}'",
    "string_too_short": lambda e, k: "must not be empty",
    "string_too_long": lambda e, k: limits.too_long("the text", e.get("input") or "", e["ctx"]["max_length"]),
    "string_pattern_mismatch": lambda e, k: (f"'{_short(str(e.get('input')))}' is not a valid id: use lower case "
                                             "letters, digits, '-' and '_', starting with a letter or digit"),
    "too_short": lambda e, k: ("must not be an empty list" if e.get("ctx", {}).get("min_length", 1) == 1
                               else f"needs at least {e['ctx']['min_length']} items"),
}
_NOT_A_DATE = "{} is not a date; write a date as 2025-02-11"
_MESSAGES.update({kind: lambda e, k: _NOT_A_DATE.format(_quoted(e.get("input")))
                  for kind in ("date_from_datetime_parsing", "date_parsing", "date_type")})


def _quoted(value: Any) -> str:
    return f"'{_short(str(value))}'" if isinstance(value, (str, int, float)) else _describe(value)


def problems_from_validation(error: ValidationError, source: Source, prefix: Loc = (),
                             model: type[BaseModel] | None = None) -> list[Problem]:
    """One `Problem` per pydantic error, with pydantic's jargon turned into plain words.

    Given the `model` that was validated, an unknown key is answered with the keys allowed there
    (in the first `limits.PROBLEMS_KEPT`: finding the nearest costs a tenth of a millisecond).
    """
    problems = []
    for n, err in enumerate(error.errors(include_url=False)):
        loc = _file_loc(source.data, prefix + tuple(err["loc"]))
        kind = err["type"]
        key = loc[-1] if loc else ""
        if kind in _MESSAGES:
            message = _MESSAGES[kind](err, key) or ""
            if kind == "extra_forbidden" and model is not None and n < limits.PROBLEMS_KEPT:
                message += _allowed_hint(model, tuple(err["loc"])[:-1], str(key))
            where_loc = loc[:-1] if kind in ("missing", "extra_forbidden") else loc
        else:
            message = _plain(dict(err))
            where_loc = loc
        if kind == "missing":
            line = source.line(where_loc)
        else:
            line = source.line(loc)
        problems.append(Problem(source.file, line or 1, source.where(where_loc) or "(file)", message))
    return problems


def _allowed_hint(model: type[BaseModel], loc: Loc, key: str) -> str:
    allowed = _fields_at(model, loc)
    if not allowed:
        return ""
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"{hint} (allowed here: {', '.join(allowed)})"


def _fields_at(model: Any, loc: Loc) -> list[str]:
    """The keys the model allows at `loc`, following list items, the keys of mappings and optional fields."""
    keyed = False   # the part before was a field holding a mapping: this part is one of its keys
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return []
        annotation = model.model_fields[part].annotation
        keyed = any(typing.get_origin(a) is dict for a in (annotation, *typing.get_args(annotation)))
        model = _inner_model(annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    """list[X] -> X, X | None -> X, dict[K, X] -> X; anything else unchanged."""
    for arg in typing.get_args(annotation) or ():
        inner = _inner_model(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return annotation


_UNION_MARKERS = {"str", "int", "float", "bool", "date", "none"}


def _file_loc(data: Any, loc: Loc) -> Loc:
    """Where an error is in the file. Pydantic adds union members ('str', 'int') and validator
    names ('function-after[...]') to its locations; they are not keys of the file, so they go."""
    out: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(part, str) and ("[" in part or part in _UNION_MARKERS):
            continue
        else:
            node = None
        out.append(part)
    return tuple(out)


def _plain(err: dict[str, Any]) -> str:
    message = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    message = message[0].lower() + message[1:] if message else message
    if err["type"] == "model_type":   # not the name of a class in the code: what is wanted
        message = "should be a mapping of keys and values"
    if (err["type"].endswith(("_type", "_parsing")) or err["type"] == "literal_error") and "input" in err:
        message += f" (found {_describe(err['input'])})"
    return message


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):   # yes/no/on/off/true/false, unquoted, are YAML's true and false
        return f"true/false value {str(value).lower()}; put words such as yes or no in quotes"
    if isinstance(value, (dict,)):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {_short(repr(value))}"


def _short(text: str) -> str:
    """A value quoted in a message, cut to one short line (a value may be 100,000 characters)."""
    return text if len(text) <= 80 else text[:80] + "…"


def fail_if(problems: list[Problem]) -> None:
    if problems:
        raise InvalidFile(problems)


def validated(model: type[M], data: Any, source: Source, problems: list[Problem]) -> M:
    """`data` as `model`, or `InvalidFile` with every problem: pydantic's, located, then `problems`
    (those found beside it, such as ids used twice), each said once."""
    try:
        found = model.model_validate(data)
    except ValidationError as exc:
        fail_if(unique_problems(problems_from_validation(exc, source, model=model) + problems))
        raise  # pragma: no cover - fail_if always raises here
    fail_if(problems)
    return found


def unique_problems(problems: list[Problem]) -> list[Problem]:
    """`problems` with each (line, where, message) kept once, in order."""
    seen, out = set(), []
    for p in problems:
        if (p.line, p.where, p.message) not in seen:
            seen.add((p.line, p.where, p.message))
            out.append(p)
    return out


def mappings_in(value: Any) -> list[dict]:
    """The items of a list as mappings (anything else as an empty one, so that positions still count),
    for checks run on raw data before its types are known; not a list: none."""
    return [x if isinstance(x, dict) else {} for x in value] if isinstance(value, list) else []
