"""Erasing a person (UK GDPR's right to erasure) and finding where they appear (subject access):
the rules, with no database in sight (`storage.personal_data` applies them to the columns that may
name a person).

A person is found by their email address and by the forms of their name: the name their identity
provider gave at sign-in, and any others an administrator names ("J. Smith"). Each is matched as a
whole word in any case, never inside a longer name ("Mary-Jane Smith") or an address
("zoe.smith@"), with any spacing between its words (a line break, a non-breaking space), composed
or decomposed (NFC, NFD), and as JSON, a web address and OneDrive write it (a name with "ë" is kept
in a version's snapshot as "\\u00eb"; an address is a OneDrive folder as "zoe_smith_medway_gov_uk").

A form of a name is left out, with the reason, where it cannot be looked for safely: it is also
someone else's name here, or too short (it would match parts of other people's words). One the
administrator typed is refused instead, as is one that would break what it is replaced in.

Where they are erased, each mention is replaced by their role at the organisation the text belongs
to, as "a former editor" (`former`): the history keeps what was changed and when, not by whom.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import quote

from . import limits
from .errors import InvalidEdit
from .people import ROLES, printable

FORMER = "a former"
FORMER_USER = f"{FORMER} user"                  # where their role is not known
FORMER_DEPLOYMENT_ADMINISTRATOR = f"{FORMER} deployment administrator"
SHORTEST_NAME = 4        # letters (a wide character, as in Chinese names, counts two): shorter ones match too much
MOST_FORMS = 20          # forms of a name looked for at once
# Between the words of a name: any spacing, as typed, as JSON escapes it, as a web address writes it.
_SPACING = r"(?:\s|\\[nrt]|\\u00a0|%20|\+)+"
# Before a name or an address: not a letter or digit of a longer word, unless it ends an escape (JSON's
# \n before a name on a new line, a web address's %20 before one after a space).
_ESCAPED = r"|(?<=\\[nrt])|(?<=\\u00a0)|(?<=%[0-9A-Fa-f]{2})"
_APOSTROPHES = "'’"


def former(role: str | None) -> str:
    """What stands where an erased person was named: "a former editor" (their role), else
    `FORMER_USER`."""
    return f"{FORMER} {role}" if role in ROLES else FORMER_USER


def _wide(form: str) -> bool:
    """Written in wide characters (Chinese, Japanese, Korean), whose names have no spaces."""
    return any(unicodedata.east_asian_width(c) in "WF" for c in form)


def _weight(form: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in form if c.isalnum())


def _problem(form: str, others: set[str]) -> str | None:
    """Why `form` cannot be looked for (None: it can)."""
    if any(c in form for c in '"\\') or any(unicodedata.category(c).startswith("C") for c in form):
        return "holds a quotation mark, a backslash or a control character"
    if len(form) > limits.PERSON:
        return f"is longer than a name ({limits.PERSON} characters at most)"
    if form.casefold().startswith(FORMER):
        return f"is how erased people are shown (“{FORMER} …”)"
    if _weight(form) < SHORTEST_NAME:
        return (f"is too short to look for as a name (at least {SHORTEST_NAME} letters): it would match parts of "
                "other people's words")
    if any(Needles("", (form,)).mentioned(other) for other in others):
        return "is also the name of someone else here, or part of it: their mentions would be erased too"
    return None


@dataclass(frozen=True)
class Needles:
    """A person's address and the forms of their name, as one pattern; `plain` are lower-case
    substrings one of which every match holds, for the database to narrow its search before the
    pattern decides; `left_out` says which forms of their name were not looked for, and why."""

    address: str
    names: tuple[str, ...]
    left_out: tuple[str, ...] = field(default=())

    def _addresses(self) -> list[str]:
        if not self.address:
            return []
        return [self.address, self.address.replace("@", "%40"), re.sub(r"[@.]", "_", self.address)]

    def _names(self) -> list[list[str]]:
        """Each form's words in every way it may be written."""
        written = []
        for name in self.names:
            forms = {unicodedata.normalize(n, spelt) for n in ("NFC", "NFD")
                     for spelt in {name, name.replace("'", "’"), name.replace("’", "'")}}
            for form in forms:
                for encode in (str, lambda w: json.dumps(w)[1:-1], lambda w: quote(w, safe="")):
                    written.append([encode(w) for w in form.split()])
        return written

    @property
    def plain(self) -> list[str]:
        """Substrings for the database to narrow by: in lower case, and where a word holds letters
        beyond A to Z, its longest run of plain letters (a database's lower() may know A to Z only,
        as PostgreSQL's does under the C locale), or the word itself where it has none (李伟)."""
        return sorted({_narrowing(a.lower()) for a in self._addresses()}
                      | {_narrowing(words[0].lower()) for words in self._names()})

    @property
    def pattern(self) -> re.Pattern[str]:
        addresses = [rf"(?:(?<![\w.+-]){_ESCAPED}){re.escape(a)}(?![\w-]|\.\w)" for a in self._addresses()]
        names = [rf"(?:(?<![\w.-]){_ESCAPED})" + _joined(words) + r"(?![\w@-]|\.\w+[.@])" for words in self._names()]
        return re.compile("|".join([*addresses, *names]), re.IGNORECASE)

    def mentioned(self, text: str | None) -> bool:
        return bool(text) and self.pattern.search(text or "") is not None

    def erased(self, text: str, replacement: str) -> str:
        """`text` with every mention replaced (`replacement` holds no quote or backslash, so JSON
        stays JSON)."""
        return self.pattern.sub(replacement, text)


def _joined(words: list[str]) -> str:
    """A name's words with any spacing between them (none needed after an initial: "J.Smith")."""
    pattern = re.escape(words[0])
    for before, word in zip(words, words[1:]):
        pattern += (f"(?:{_SPACING})?" if before.endswith(".") else _SPACING) + re.escape(word)
    return pattern


def _narrowing(text: str) -> str:
    if text.isascii():
        return text
    runs = re.findall(r"[a-z0-9._%@-]{3,}", text)
    return max(runs, key=len) if runs else text


def signed_in_forms(name: str) -> list[str]:
    """The forms of a sign-in name to look for: as given, and as people write a directory's
    "SMITH, Sarah (Procurement)": "Sarah Smith" (and "SMITH, Sarah")."""
    plain = " ".join(name.split())
    found = re.fullmatch(r"([^,()]+),\s*([^,()]+?)\s*(?:\(.*\))?", plain)
    if not found:
        return [plain]
    surname, given = found.group(1).strip(), found.group(2).strip()
    return [f"{given} {surname.title() if surname.isupper() else surname}", f"{surname}, {given}"]


def needles(address: str, *, signed_in: str | None = None, given: Iterable[str] = (),
            others: Iterable[str] = ()) -> Needles:
    """What to look for: `address`, the name they signed in with (left out, with the reason, where it
    cannot be looked for safely) and the forms an administrator gave (refused, InvalidEdit, where
    one cannot). `others` are the names of everyone else here."""
    taken = {" ".join(o.split()).casefold() for o in others if o}
    forms: list[str] = []
    left_out: list[str] = []
    typed = [" ".join(g.split()) for g in given if g and g.strip()]
    if len(typed) > MOST_FORMS:
        raise InvalidEdit(f"give at most {MOST_FORMS} other forms of the name")
    for form in typed:
        problem = _problem(form, taken)
        if problem:
            raise InvalidEdit(f"“{printable(form[:80])}” {problem}; nothing was changed")
        forms.append(form)
    for own in reversed(signed_in_forms(signed_in) if signed_in and signed_in.strip() else []):
        problem = _problem(own, taken) or (None if len(own.split()) > 1 or _wide(own) else
                                           "is one word, which may be an everyday word too")
        if problem:
            left_out.append(f"the name they signed in with, “{printable(own[:80])}”, {problem}: it was not looked for")
        else:
            forms.insert(0, own)
    unique = list({f.casefold(): f for f in forms}.values())
    return Needles(address, tuple(unique), tuple(left_out))
