"""People who may sign in, and their roles: plain data and the rules for writing them.

A person is added by email by an administrator; on first sign-in they are bound to the identity
provider's issuer and subject, which are what identify them afterwards (the email claim is optional
in Microsoft Entra ID and may change). Roles are per organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from . import limits
from .errors import InvalidEdit

# Per organisation: an administrator manages people and roles, reopens and deletes periods; an
# editor scores, sets targets, comments, keeps actions and imports; a reviewer (a councillor)
# reads the report and appendix of submitted and approved periods. Highest first.
ROLES = ("administrator", "editor", "reviewer")
DEPLOYMENT_ADMINISTRATOR = "deployment-administrator"   # creates organisations, names their first administrator
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Person:
    email: str
    name: str | None = None
    issuer: str | None = None
    subject: str | None = None
    administers_deployment: bool = False
    roles: dict[str, str] = field(default_factory=dict)     # organisation id -> role
    last_signed_in: datetime | None = None

    @property
    def signed_in_before(self) -> bool:
        return self.subject is not None

    def label(self) -> str:
        return f"{self.name} ({self.email})" if self.name else self.email


def email_address(text: str | None) -> str:
    """An email address as kept (trimmed, lower case), or InvalidEdit saying what is wrong."""
    address = (text or "").strip().lower()
    if not _EMAIL.match(address):
        raise InvalidEdit(f"“{text or ''}” is not an email address; write it as name@council.gov.uk")
    too_long = limits.too_long("the email address", address, limits.EMAIL)
    if too_long:
        raise InvalidEdit(too_long)
    return address


def role(text: str | None) -> str:
    """A role as kept, or InvalidEdit naming the roles there are."""
    value = (text or "").strip().lower()
    if value not in ROLES:
        raise InvalidEdit(f"“{text or ''}” is not a role; use one of {', '.join(ROLES)}")
    return value
