"""Locating a problem in JSON text: the line on which the value at a JSON path starts.

Python's JSON reader keeps no positions, so the text is walked once along the path (strings,
objects and arrays skipped whole). Used by `restore` to say `backup.json:LINE: path: message`.
"""

from __future__ import annotations

import json
import re
from typing import Iterable

from .errors import Problem


def path(loc: Iterable) -> str:
    """A JSON path as people read it: organisations[0].assessments[2].period."""
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(file)"


def located(text_: str, source: str, loc: tuple, message: str) -> Problem:
    """A problem at JSON path `loc` of `text_`, with the line its value starts on."""
    return Problem(source, _line_of(text_, loc) or 1, path(loc), message)


_WS = re.compile(r"[ \t\r\n]*")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)
_SCALAR = re.compile(r"[^,\]}\s]+")


def _line_of(text_: str, loc: tuple) -> int | None:
    """The line on which the value at `loc` starts (or, if it is missing, its container starts)."""
    try:
        pos = _WS.match(text_, 0).end()
        for step in loc:
            container = pos
            found = False
            if isinstance(step, str) and text_[pos] == "{":
                pos = _WS.match(text_, pos + 1).end()
                while text_[pos] == '"':
                    end = _skip(text_, pos)
                    key = json.loads(text_[pos:end])
                    pos = _WS.match(text_, end).end() + 1          # past ':'
                    pos = _WS.match(text_, pos).end()
                    if key == step:
                        found = True
                        break
                    pos = _WS.match(text_, _skip(text_, pos)).end()
                    if text_[pos] == ",":
                        pos = _WS.match(text_, pos + 1).end()
            elif isinstance(step, int) and text_[pos] == "[":
                pos = _WS.match(text_, pos + 1).end()
                index = 0
                while text_[pos] != "]":
                    if index == step:
                        found = True
                        break
                    pos = _WS.match(text_, _skip(text_, pos)).end()
                    if text_[pos] == ",":
                        pos = _WS.match(text_, pos + 1).end()
                    index += 1
            if not found:
                pos = container
                break
        return text_.count("\n", 0, pos) + 1
    except (IndexError, ValueError):
        return None


def _skip(text_: str, pos: int) -> int:
    """The position just after the JSON value starting at `pos`."""
    first = text_[pos]
    if first == '"':
        return _STRING.match(text_, pos).end()
    if first not in "[{":
        return _SCALAR.match(text_, pos).end()
    depth = 0
    for match in _TOKEN.finditer(text_, pos):
        token = match.group()
        if token[0] == '"':
            continue
        depth += 1 if token in "[{" else -1
        if depth == 0:
            return match.end()
    return len(text_)
