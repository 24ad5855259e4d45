"""The privacy notice's rules (the page is `ui/privacy_page.py`, the template a Markdown file the
deployment edits with its data protection officer, read by `formats.privacy_notice`; shipped as
deploy/privacy-notice.md): the settings that fill it, its placeholders, how they are filled, and
the words of how long each log is kept (`domain.retention.KEPT`). docs/privacy.md is the
inventory of every column the tool keeps, for the council's impact assessment.

A placeholder is a name in braces, `{controller}`; `{{` and `}}` are a brace as it is. Every
other name in braces is refused, with its line, so that a misspelt one is not shown to people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from . import contacts
from .errors import AssessmentError
from .numbers import counted
from .retention import Kept

CONTROLLER_SETTING = "ASSESSMENT_PRIVACY_CONTROLLER"
CONTACT_SETTING = "ASSESSMENT_PRIVACY_CONTACT"
NOTICE_SETTING = "ASSESSMENT_PRIVACY_NOTICE"
DEFAULT_CONTROLLER = "the council (or the group of councils) that runs this tool for its staff and councillors"
DEFAULT_CONTACT = "the council's data protection officer (the council's website says how to reach them)"
SHIPPED = "deploy/privacy-notice.md"     # the default template, from the app's folder
NOTICE_BYTES = 200_000                   # the largest template read (200 kB)
ICO_COMPLAINTS = "https://ico.org.uk/make-a-complaint/"

# Each placeholder and what it is filled with (docs/deploy.md says the same)
PLACEHOLDERS = {
    "controller": f"who the controller is ({CONTROLLER_SETTING})",
    "contact": f"whom to ask for a copy or erasure ({CONTACT_SETTING}), a link where it is an address",
    "retention": "how long each log is kept (the retention settings), one line each",
}
_BRACES = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")


class BadNotice(AssessmentError):
    """A privacy notice template that cannot be shown: its message says which file and why, in one line."""


def check(template: str, source: str = SHIPPED) -> str:
    """`template` as it is, or BadNotice naming the first unknown placeholder and its line."""
    if not template.strip():
        raise BadNotice(f"{source} is empty: write the council's privacy notice in it")
    for found in _BRACES.finditer(template):
        name = found.group(1)
        if name is not None and name.strip() not in PLACEHOLDERS:
            line = template.count("\n", 0, found.start()) + 1
            known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            raise BadNotice(f"{source}:{line}: {{{name[:40]}}} is not a placeholder (they are {known}; write {{{{ "
                            "and }} for a brace)")
    return template


def fill(template: str, values: Mapping[str, str]) -> str:
    """`template` with each placeholder replaced by its value in `values` (given as the page shows it,
    escaped already), and `{{`, `}}` by a brace."""
    def replaced(found: re.Match[str]) -> str:
        name = found.group(1)
        if name is None:
            return found.group(0)[0]
        return values[name.strip()]
    return _BRACES.sub(replaced, template)


def contact(setting: str | None) -> contacts.Contact:
    """Whom people ask for a copy of their data or its erasure (`contacts.contact`)."""
    return contacts.contact(setting, DEFAULT_CONTACT)


def controller(setting: str | None) -> str:
    """Who the controller is, as the setting names them, else `DEFAULT_CONTROLLER`."""
    return (setting or "").strip() or DEFAULT_CONTROLLER


def days(count: int) -> str:
    """A length of time in days as people read it: "1 day", "90 days", "365 days (about 12 months)"."""
    said = counted(count, "day")
    return f"{said} (about {counted(round(count / 30.44), 'month')})" if count >= 60 else said


def retention(kept: Iterable[Kept], chosen: Mapping[str, int] | None = None) -> list[str]:
    """How long each kind of log or leftover is kept, one sentence each ("Refused sign-ins (the address
    presented and why it was refused): kept for 90 days (about 3 months), then removed."): the days the
    deployment chose (`chosen`, by kind: `settings.retention_days`), else the default."""
    lines = []
    for each in kept:
        count = (chosen or {}).get(each.kind, each.default_days)
        words = each.words.strip().rstrip(".")
        note = f" ({each.note})" if each.note else ""
        lines.append(f"{words[:1].upper()}{words[1:]}: kept for {days(count)}, then removed{note}.")
    return lines


@dataclass(frozen=True)
class Place:
    """Where the data of local mode is: a file on this computer, or a database server."""

    file: str | None          # the SQLite file's path, as the URL gives it
    server: str | None        # else the database server's host (never the user or password)


def place(database_url: str) -> Place:
    """Where a database URL keeps the data, without its password."""
    if database_url.startswith("sqlite:"):
        path = unquote(database_url.split(":///", 1)[1]) if ":///" in database_url else ""
        return Place(path.split("?", 1)[0] or ":memory:", None)
    parts = urlsplit(database_url)
    host = parts.hostname or (parts.query.split("host=", 1)[1].split("&", 1)[0] if "host=" in parts.query else "")
    return Place(None, unquote(host) or "this computer")


def filled(template: str, *, controller_setting: str | None, contact_setting: str | None,
           kept: Iterable[Kept], chosen: Mapping[str, int] | None, escape: Callable[[str], str]) -> str:
    """The notice as people read it: the template with its placeholders filled from the settings,
    each value escaped with `escape` (the page's Markdown escaping) so that a setting is shown as
    written; the contact a link where it is an address."""
    found = contact(contact_setting)
    lines = retention(kept, chosen)
    return fill(template, {
        "controller": escape(controller(controller_setting)),
        "contact": f"[{escape(found.text)}]({found.link})" if found.link else escape(found.text),
        "retention": "\n".join(f"- {escape(line)}" for line in lines) if lines
        else escape("Nothing else is kept with a time limit of its own."),
    })
