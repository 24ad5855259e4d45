"""Whom people ask, as a deployment's setting names them (the accessibility statement's contact,
the privacy notice's data protection officer): an email address (a mailto: link), a web address
(https, a link), or words shown as they are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import AssessmentError
from .people import email_address


@dataclass(frozen=True)
class Contact:
    """Where to ask: the words shown, and a link (mailto: or https:) where the setting is an address."""

    text: str
    link: str | None = None
    given: bool = True   # False: the default words, the setting being unset


_SAFE_URL = re.compile(r"https://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+")


def contact(setting: str | None, default: str) -> Contact:
    """The contact a deployment's setting gives: an email address (a mailto: link), a web address (https,
    a link), other words as they are; unset or blank, `default` (not `given`)."""
    value = (setting or "").strip()
    if not value:
        return Contact(default, given=False)
    if "@" in value and " " not in value and not value.startswith("https://"):
        try:
            address = email_address(value.removeprefix("mailto:"))
        except AssessmentError:
            return Contact(value)
        return Contact(address, f"mailto:{address}")
    if _SAFE_URL.fullmatch(value) and urlsplit(value).hostname and "(" not in value and ")" not in value:
        return Contact(value, value)
    return Contact(value)
