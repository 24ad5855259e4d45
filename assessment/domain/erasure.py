"""Erasing a person (UK GDPR's right to erasure) and finding where they appear (subject access):
the rules, with no database in sight (`storage.personal_data` applies them to every table).

A person is found by their email address and by the forms of their name: the name their identity
provider gave at sign-in, and any others an administrator names ("J. Smith"). Each is matched as a
whole word, in any case, also as JSON writes it (a name with "ë" is kept in a version's snapshot as
"\\u00eb"), so that a comment mentioning "jane smith" is found and "Janet Smithson" is not.

Where they are erased, each is replaced by their role at the organisation the text belongs to, as
"a former editor" (`former`): the history keeps what was changed and when, not by whom.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterable

from .errors import InvalidEdit
from .people import ROLES, printable

FORMER_USER = "a former user"                  # where their role is not known
FORMER_DEPLOYMENT_ADMINISTRATOR = "a former deployment administrator"
SHORTEST_NAME = 4                              # shorter forms would match too much of other people's words


def former(role: str | None) -> str:
    """What stands where an erased person was named: "a former editor" (their role), else
    `FORMER_USER`."""
    return f"a former {role}" if role in ROLES else FORMER_USER


def name_forms(names: Iterable[str | None]) -> list[str]:
    """The forms of a person's name to look for: each trimmed, spaces run together, duplicates (in
    any case) left out. A form shorter than `SHORTEST_NAME` letters is refused (InvalidEdit): it
    would erase parts of other people's words."""
    forms: list[str] = []
    for name in names:
        form = " ".join((name or "").split())
        if not form:
            continue
        if sum(c.isalnum() for c in form) < SHORTEST_NAME:
            raise InvalidEdit(f"“{printable(form)}” is too short to look for as a name (at least {SHORTEST_NAME} "
                              "letters): it would erase parts of other people's words")
        if form.casefold() not in {f.casefold() for f in forms}:
            forms.append(form)
    return forms


@dataclass(frozen=True)
class Needles:
    """A person's address and the forms of their name, as one pattern; `plain` are the same in
    lower case, for the database to narrow its search before the pattern decides."""

    address: str
    names: tuple[str, ...]

    @property
    def plain(self) -> list[str]:
        """Lower-case substrings, one of which every match contains (names as typed and as JSON
        escapes them)."""
        found = {self.address.lower()}
        for name in self.names:
            words = name.split()
            found.add(words[0].lower())                      # the pattern allows any spaces between words
            escaped = json.dumps(words[0])[1:-1]
            found.add(escaped.lower())
        return sorted(found)

    @property
    def pattern(self) -> re.Pattern[str]:
        address = rf"(?<![\w.+-]){re.escape(self.address)}(?![\w-]|\.\w)"
        names = []
        for name in self.names:
            for written in {name, json.dumps(name)[1:-1]}:
                names.append(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in written.split()) + r"(?!\w)")
        return re.compile("|".join([address, *names]), re.IGNORECASE)

    def mentioned(self, text: str | None) -> bool:
        return bool(text) and self.pattern.search(text or "") is not None

    def erased(self, text: str, replacement: str) -> str:
        """`text` with every mention replaced (`replacement` holds no quote or backslash, so JSON
        stays JSON)."""
        return self.pattern.sub(replacement, text)


def needles(address: str, names: Iterable[str | None]) -> Needles:
    return Needles(address, tuple(name_forms(names)))
