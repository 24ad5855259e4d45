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
_LABEL_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_LABEL_LENGTH = 63          # the longest part of a domain name the standards allow (RFC 1035)


@dataclass(frozen=True)
class Person:
    email: str
    name: str | None = None
    issuer: str | None = None
    subject: str | None = None
    administers_deployment: bool = False
    roles: dict[str, str] = field(default_factory=dict)     # organisation id -> role
    last_signed_in: datetime | None = None
    reminders: bool = True     # sent reminders by email (`notify run`); they may switch them off
    # The organisations whose role the directory gave (app roles in the sign-in token, `directory_roles`);
    # the directory takes those away when no longer claimed, and never touches a role given by hand.
    from_directory: frozenset[str] = frozenset()

    @property
    def signed_in_before(self) -> bool:
        return self.subject is not None

    def label(self) -> str:
        return f"{self.name} ({self.email})" if self.name else self.email


@dataclass(frozen=True)
class SignInLine:
    """A line of the sign-in log: a binding made ("bound") or freed ("unbound", by whom and why),
    a sign-in refused with its reason, a person erased or an organisation deleted ("erased",
    "deleted": by whom, and what, without the erased person's address)."""
    at: datetime | None
    kind: str
    email: str | None
    issuer: str | None
    subject: str | None
    by: str | None
    reason: str | None

    def describe(self) -> str:
        """The line in words, its text from outside escaped (`printable`): a line kept before
        the log escaped what it keeps still prints no terminal escape."""
        who = printable(self.email) if self.email else "someone with no address"
        if self.kind == "bound":
            return f"{who} signed in for the first time and was bound to their account"
        if self.kind == "unbound":
            return f"{who} was freed from their account by {printable(self.by or 'someone')}" + \
                (f": {printable(self.reason)}" if self.reason else "")
        if self.kind in ("erased", "deleted"):   # kept without an address: the reason says what
            return f"{printable(self.by or 'someone')}: {printable(self.reason or self.kind)}"
        return f"a sign-in as {who} was refused: {printable(self.reason or 'no reason kept')}"


def email_address(text: str | None) -> str:
    """An email address as kept (spaces at either end trimmed, lower case, plain ASCII), or
    InvalidEdit saying what is wrong. Letters that only look like ASCII ones (U+212A KELVIN SIGN
    lower-cases to "k") are refused rather than folded, so that no two ways of writing an address
    meet in one person; so are control characters (C0, DEL, C1) and spaces anywhere inside. The
    domain is a host name: at least two parts, each of 1 to 63 letters, digits and hyphens, none
    starting or ending with a hyphen, the last not all digits (so "head@x.uk." and "a@x..uk" are
    refused). Whatever is refused is shown with its control characters escaped (`printable`)."""
    stripped = (text or "").strip(" ")
    shown = printable(stripped[:limits.EMAIL])
    control = next((char for char in stripped if is_control(char)), None)
    if control is not None:
        raise InvalidEdit(f"“{shown}” holds the control character {printable(control)}; write the address in "
                          "plain letters, digits and punctuation")
    odd = _not_plain(stripped)
    if odd:
        raise InvalidEdit(f"“{shown}” holds {odd}; write the address in plain letters, digits and punctuation")
    if " " in stripped:
        raise InvalidEdit(f"“{shown}” is not an email address: it has a space in it (an address has none)")
    address = stripped.lower()
    problem = _address_problem(address)
    if problem:
        raise InvalidEdit(f"“{shown}” is not an email address: {problem}; write it as name@council.gov.uk")
    too_long = limits.too_long("the email address", address, limits.EMAIL)
    if too_long:
        raise InvalidEdit(too_long)
    return address


def _address_problem(address: str) -> str | None:
    """What makes `address` (plain ASCII, no spaces or control characters) other than
    name@domain, in words, or None."""
    if address.count("@") != 1:
        return "it has no @" if "@" not in address else "it has more than one @"
    local, domain = address.split("@")
    if not local:
        return "there is nothing before the @"
    if not domain:
        return "there is nothing after the @"
    labels = domain.split(".")
    if len(labels) < 2:
        return f"its domain “{domain}” has no dot"
    if not all(labels):
        return f"its domain “{domain}” has an empty part (a dot at its start or end, or two dots together)"
    for label in labels:
        wrong = next((char for char in label if char not in _LABEL_CHARACTERS), None)
        if wrong is not None:
            return f"its domain holds “{wrong}” (a domain has only letters, digits, hyphens and dots)"
        if len(label) > _LABEL_LENGTH:
            return f"a part of its domain is {len(label)} characters long (up to {_LABEL_LENGTH} are allowed)"
        if label.startswith("-") or label.endswith("-"):
            return f"a part of its domain (“{label}”) starts or ends with a hyphen"
    if labels[-1].isdigit():
        return f"its domain ends in a number (“{labels[-1]}”) rather than a name such as uk or com"
    return None


def is_control(char: str) -> bool:
    """A control character: C0 (U+0000 to U+001F), DEL (U+007F) or C1 (U+0080 to U+009F)."""
    return ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F


def printable(text: str) -> str:
    """`text` with nothing a terminal, log or page would act on rather than show: each character
    Python does not count as printable (control characters such as ESC, which starts a terminal's
    escape sequences, and C1's CSI; format characters such as right-to-left overrides; line and
    paragraph separators; lone surrogates) written as `repr` writes it (\\x1b, \\u202e); the rest
    as it is. Applying it twice changes nothing more. For text from outside that is shown or kept
    in a log: an identity provider's claims, and what people type into a log's reason."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def role(text: str | None) -> str:
    """A role as kept, or InvalidEdit naming the roles there are."""
    value = (text or "").strip().lower()
    if value not in ROLES:
        raise InvalidEdit(f"“{text or ''}” is not a role; use one of {', '.join(ROLES)}")
    return value


DIRECTORY = "the directory"   # who a role given or taken away at sign-in from the token's app roles is by
ROLE_SOURCES = ("hand", "directory")   # where a role came from: People or `users add`, or the directory
_APP_ROLE = re.compile(r"^[A-Za-z0-9._-]{1,120}$")     # an Entra app role's value, as the roles claim sends it
_ORG_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def directory_roles(text: str | None) -> dict[str, tuple[str, str]]:
    """The mapping from the directory's app roles to roles at organisations, from its written form
    ("Medway.Admin=medway:administrator, Medway.Editor=medway:editor"): each app role's value (as the
    token's `roles` claim sends it, letters, digits, dots, hyphens and underscores) to an
    organisation id and a role. Entries are separated by commas or spaces. InvalidEdit saying which
    entry is wrong and how."""
    found: dict[str, tuple[str, str]] = {}
    for entry in (e for e in re.split(r"[\s,]+", (text or "").strip()) if e):
        value, equals, target = entry.partition("=")
        org_id, colon, wanted = target.partition(":")
        if not equals or not colon:
            raise InvalidEdit(f"“{printable(entry)}” is not APP-ROLE=ORGANISATION:ROLE (as "
                              "Medway.Admin=medway:administrator)")
        if not _APP_ROLE.match(value):
            raise InvalidEdit(f"“{printable(value)}” is not an app role's value (letters, digits, dots, hyphens "
                              "and underscores)")
        if not _ORG_ID.match(org_id):
            raise InvalidEdit(f"“{printable(org_id)}” in {printable(entry)} is not an organisation id (lower case "
                              "letters, digits and hyphens)")
        if wanted.strip().lower() not in ROLES:
            raise InvalidEdit(f"“{printable(wanted)}” in {printable(entry)} is not a role; use one of "
                              f"{', '.join(ROLES)}")
        if value in found:
            raise InvalidEdit(f"the app role {value} is given twice")
        found[value] = (org_id, wanted.strip().lower())
    return found


def claimed_roles(claims: Mapping[str, Any], mapping: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """The roles at organisations that a token's `roles` claim (a list of app roles' values) maps to
    under `mapping`: organisation id -> role, the highest where several app roles name the same
    organisation. Anything in the claim that is not text, or not in the mapping, gives nothing."""
    claimed = claims.get("roles")
    values = [claimed] if isinstance(claimed, str) else claimed if isinstance(claimed, (list, tuple)) else []
    granted: dict[str, str] = {}
    for value in values:
        if isinstance(value, str) and value in mapping:
            org_id, given = mapping[value]
            if org_id not in granted or ROLES.index(given) < ROLES.index(granted[org_id]):
                granted[org_id] = given
    return granted


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


def verified_address(claims: Mapping[str, Any], tenant: str | None = None) -> str:
    """The email address an identity provider vouches for, as kept (`email_address`), or
    `Unverified` saying what was missing. Only a verified address may bind a person added by email
    to the identity that first signs in with it:

    - `email` with `email_verified` true (OpenID Connect's standard claims);
    - Microsoft Entra ID sends no `email_verified`: `email` with its optional claim `xms_edov` true
      (the address's domain is verified by the tenant), or, when `tenant` (the deployment's own
      single tenant) is configured and the token's `tid` is that tenant, the `upn` claim (an
      address the tenant owns).

    True means the JSON value true, as the standard says: not the text "true", nor 1. An `email`
    that is not text (a list of addresses, say) is refused whatever else was sent. `preferred_username`
    is never used: it is whatever the person or provider chose to show. Whatever a refusal quotes
    from the claims is escaped (`printable`).
    """
    email, upn = claims.get("email"), claims.get("upn")
    if email is not None and not isinstance(email, str):
        raise Unverified(f"the email claim your identity provider sent must be one address, as text (found "
                         f"{_kind(email)})")
    email_verified, edov = claims.get("email_verified"), claims.get("xms_edov")
    if email and (email_verified is True or edov is True):
        return _presented(email, "email")
    if tenant and upn and str(claims.get("tid") or "") == tenant:
        return _presented(upn, "upn")
    if email_verified is False:
        raise Unverified("your identity provider says the email address of your account is not verified "
                         "(email_verified is false)")
    if email_verified is not None:
        raise Unverified(f"your identity provider did not say that the email address of your account is verified: "
                         f"email_verified is not true (found {_found(email_verified)}); it must be the value true, "
                         "not text or a number")
    if edov is not None and email:
        raise Unverified(f"your identity provider did not say that the email address of your account is verified: "
                         f"xms_edov is not true (found {_found(edov)})")
    if not email and not upn:
        raise Unverified("your identity provider sent no email address (no email claim)")
    wanted = ("email_verified, or for Microsoft Entra ID the optional claim xms_edov"
              + (f", or upn from the tenant {printable(tenant)}" if tenant else ", or upn with the tenant named in the "
                 "app's settings"))
    raise Unverified(f"your identity provider did not say that the email address of your account is verified "
                     f"(it sent no {wanted})")


def _kind(value: Any) -> str:
    """What a claim holds, in words ("a list"), for one that should have been text."""
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    kinds = ((list, "a list"), (tuple, "a list"), (dict, "a mapping"), (int, "a number"), (float, "a number"))
    return next((words for kind, words in kinds if isinstance(value, kind)), type(value).__name__)


def _found(value: Any) -> str:
    """A claim's value as found, for a refusal: JSON's true and false as such, text quoted as
    Python quotes it ('true'), anything else as Python writes it; escaped and cut short."""
    if isinstance(value, bool):
        return str(value).lower()
    written = repr(value)
    return printable(written if len(written) <= 60 else written[:57] + "...")


def _presented(value: Any, claim: str) -> str:
    """The address a provider presented, as kept, or `Unverified` if it is not one."""
    if not isinstance(value, str):
        raise Unverified(f"the {claim} claim your identity provider sent must be one address, as text (found "
                         f"{_kind(value)})")
    try:
        return email_address(value)
    except InvalidEdit:
        control = next((char for char in value if is_control(char)), None)
        odd = f"the control character {printable(control)}" if control else _not_plain(value.strip(" "))
        why = f"holds {odd}" if odd else "is not an email address"
        shown = printable(value[:limits.EMAIL])
        raise Unverified(f"the address your identity provider gave (its {claim} claim, “{shown}”) "
                         f"{why}; addresses are matched only as plain ASCII") from None
