"""People who may sign in, and their roles: plain data and the rules for writing them.

A person is added by email by an administrator; on first sign-in they are bound to the identity
provider's issuer and subject, which are what identify them afterwards (the email claim is optional
in Microsoft Entra ID and may change). Roles are per organisation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

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


@dataclass(frozen=True)
class SignInLine:
    """A line of the sign-in log: a binding made ("bound") or freed ("unbound", by whom and why),
    or a sign-in refused with its reason."""
    at: datetime | None
    kind: str
    email: str | None
    issuer: str | None
    subject: str | None
    by: str | None
    reason: str | None

    def describe(self) -> str:
        who = self.email or "someone with no address"
        if self.kind == "bound":
            return f"{who} signed in for the first time and was bound to their account"
        if self.kind == "unbound":
            return f"{who} was freed from their account by {self.by or 'someone'}" + \
                (f": {self.reason}" if self.reason else "")
        return f"a sign-in as {who} was refused: {self.reason or 'no reason kept'}"


def email_address(text: str | None) -> str:
    """An email address as kept (trimmed, lower case, plain ASCII), or InvalidEdit saying what is
    wrong. Letters that only look like ASCII ones (U+212A KELVIN SIGN lower-cases to "k") are
    refused rather than folded, so that no two ways of writing an address meet in one person."""
    stripped = (text or "").strip()
    odd = _not_plain(stripped)
    if odd:
        raise InvalidEdit(f"“{stripped}” holds {odd}; write the address in plain letters, digits and punctuation")
    address = stripped.lower()
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


def _not_plain(text: str) -> str | None:
    """What makes `text` other than plain ASCII ("the character U+212A KELVIN SIGN"), or None.
    Unicode's compatibility normalisation (NFKC) is applied first, so a look-alike is named even
    where it would fold into an ASCII letter."""
    for char in text:
        if ord(char) > 127 or unicodedata.normalize("NFKC", char) != char:
            name = unicodedata.name(char, "without a name")
            return f"the character U+{ord(char):04X} {name}, which is not plain ASCII"
    return None


class Unverified(Exception):
    """A sign-in that cannot be matched to a person added by email: `reason` says what was missing,
    in words a council's IT team can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _true(value: Any) -> bool:
    """A claim that says yes: JSON true (some providers send the string "true")."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def verified_address(claims: Mapping[str, Any], tenant: str | None = None) -> str:
    """The email address an identity provider vouches for, as kept (`email_address`), or
    `Unverified` saying what was missing. Only a verified address may bind a person added by email
    to the identity that first signs in with it:

    - `email` with `email_verified` true (OpenID Connect's standard claims);
    - Microsoft Entra ID sends no `email_verified`: `email` with its optional claim `xms_edov` true
      (the address's domain is verified by the tenant), or, when `tenant` (the deployment's own
      single tenant) is configured and the token's `tid` is that tenant, the `upn` claim (an
      address the tenant owns).

    `preferred_username` is never used: it is whatever the person or provider chose to show.
    """
    email = claims.get("email")
    if email and (_true(claims.get("email_verified")) or _true(claims.get("xms_edov"))):
        return _presented(email, "email")
    upn = claims.get("upn")
    if tenant and upn and str(claims.get("tid") or "") == tenant:
        return _presented(upn, "upn")
    if claims.get("email_verified") is not None and not _true(claims.get("email_verified")):
        raise Unverified("your identity provider says the email address of your account is not verified "
                         "(email_verified is false)")
    if not email and not upn:
        raise Unverified("your identity provider sent no email address (no email claim)")
    wanted = ("email_verified, or for Microsoft Entra ID the optional claim xms_edov"
              + (f", or upn from the tenant {tenant}" if tenant else ", or upn with the tenant named in the "
                 "app's settings"))
    raise Unverified(f"your identity provider did not say that the email address of your account is verified "
                     f"(it sent no {wanted})")


def _presented(value: Any, claim: str) -> str:
    """The address a provider presented, as kept, or `Unverified` if it is not one."""
    try:
        return email_address(value if isinstance(value, str) else "")
    except InvalidEdit:
        shown = value if isinstance(value, str) else type(value).__name__
        odd = _not_plain(shown.strip()) if isinstance(value, str) else None
        why = f"holds {odd}" if odd else "is not an email address"
        raise Unverified(f"the address your identity provider gave (its {claim} claim, “{shown[:limits.EMAIL]}”) "
                         f"{why}; addresses are matched only as plain ASCII") from None
