"""The settings a deployment gives the app in its environment: one table (`SETTINGS`, listed in
docs/deploy.md), read and checked before the app starts (`read`). A bad or missing setting stops
start-up with one line naming it (`BadSetting`).

`python -m assessment serve` reads them, writes the sign-in settings into the secrets file
Streamlit reads (`secrets_toml`; Streamlit takes `[auth]` from a file only) and runs `streamlit
run app.py` with the address, port and host names (`streamlit_command`). Nothing here imports
Streamlit; the mail settings are only checked here, and read by the reminders.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from .domain.errors import AssessmentError
from .domain.people import directory_roles as parsed_directory_roles
from .domain.people import email_address
from .domain.retention import KEPT, MOST_DAYS, Kept

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = ("localhost", "127.0.0.1", "::1")
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
DEFAULT_PORT = 8501
DEFAULT_SMTP_PORT = 587


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, its part, its default (in words) and what it is for."""

    name: str
    part: str
    default: str
    about: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "database", "the SQLite file data/assessment.db (on loopback only)",
            "The database, as a SQLAlchemy URL: postgresql+psycopg://user:password@host/dbname, or "
            "sqlite:////path/to/file.db. Required when the app serves names beyond loopback."),
    Setting("ASSESSMENT_EXAMPLES", "database", "true",
            "Whether an empty database is given the example records (Medway and Worcestershire, with "
            "invented plan data) when it is first opened: true for trying the tool, false for a council's "
            "own deployment (deploy/install.sh writes false)."),
    Setting("AUTH_REDIRECT_URI", "sign-in", "none: without the sign-in settings the app runs in local mode",
            "The address people use plus /oauth2callback, as registered with the identity provider, "
            "e.g. https://assessment.council.gov.uk/oauth2callback (https, except on localhost)."),
    Setting("AUTH_COOKIE_SECRET", "sign-in", "none",
            "A long random string (32 characters or more) that signs the sign-in cookie; the same for "
            "every app process.", secret=True),
    Setting("AUTH_CLIENT_ID", "sign-in", "none", "The app registration's client (application) id."),
    Setting("AUTH_CLIENT_SECRET", "sign-in", "none", "The app registration's client secret.", secret=True),
    Setting("AUTH_SERVER_METADATA_URL", "sign-in", "none",
            "The provider's OpenID configuration, e.g. https://login.microsoftonline.com/TENANT-ID/v2.0/"
            ".well-known/openid-configuration."),
    Setting("AUTH_TENANT_ID", "sign-in", "none: only xms_edov makes an Entra address verified",
            "Your own Microsoft Entra tenant id (a GUID): the UPN of a token from it counts as a verified "
            "address on first sign-in ([signin] tenant_id)."),
    Setting("ASSESSMENT_DIRECTORY_ROLES", "sign-in", "none: every role is given by hand (People, users add)",
            "Roles from the directory: Entra ID app roles (the token's roles claim) mapped to roles at "
            "organisations, APP-ROLE=ORGANISATION:ROLE separated by commas, e.g. Medway.Admin=medway:administrator, "
            "Medway.Editor=medway:editor, Medway.Reviewer=medway:reviewer. Needs AUTH_TENANT_ID (app roles are "
            "taken from your own tenant's tokens only)."),
    Setting("ASSESSMENT_HOSTS", "serving", "the host of AUTH_REDIRECT_URI with sign-in; else localhost, "
            "127.0.0.1 and ::1", "The host names people use to reach the app, separated by spaces or commas "
            "(Streamlit's server.allowedHosts: a browser's connection under any other name is refused)."),
    Setting("ASSESSMENT_ADDRESS", "serving", "127.0.0.1",
            "The address the app process listens on: 127.0.0.1 behind a proxy on the same machine; "
            "0.0.0.0 only with sign-in."),
    Setting("ASSESSMENT_PORT", "serving", str(DEFAULT_PORT),
            "The port the app process listens on (`serve --port` overrides it, as the systemd units do)."),
    Setting("ASSESSMENT_RUNTIME_DIR", "paths", "systemd's RUNTIME_DIRECTORY, else a new private folder "
            "under TMPDIR", "The folder `serve` writes the sign-in settings to (secrets-PORT.toml, readable by "
            "the app's user only)."),
    Setting("ASSESSMENT_ACCESSIBILITY_CONTACT", "statement", "your council's IT service desk",
            "Where people ask for another format or report an accessibility problem, on the accessibility "
            "statement page: an email address, an https address, or words."),
    Setting("ASSESSMENT_PRIVACY_CONTROLLER", "privacy", "the council that runs the tool",
            "Who the controller of the personal data is, as the privacy notice names them: the council's name "
            "and address, e.g. Medway Council, Gun Wharf, Dock Road, Chatham ME4 4TR."),
    Setting("ASSESSMENT_PRIVACY_CONTACT", "privacy", "the council's data protection officer",
            "Where people ask for a copy of their data or its erasure, on the privacy notice: the data protection "
            "officer's email address, an https address, or words."),
    Setting("ASSESSMENT_PRIVACY_NOTICE", "privacy", "deploy/privacy-notice.md",
            "The council's privacy notice: a Markdown file edited from deploy/privacy-notice.md with its data "
            "protection officer (placeholders {controller}, {contact}, {retention}; UTF-8, at most 200 kB); a "
            "relative path is taken from the app's folder."),
    Setting("SMTP_HOST", "mail", "none: no reminders are sent", "The mail server reminders are sent through."),
    Setting("SMTP_PORT", "mail", str(DEFAULT_SMTP_PORT), "Its port."),
    Setting("SMTP_FROM", "mail", "none (required with SMTP_HOST)",
            "The sender of reminders: an address, or a name and an address (Procurement assessment "
            "<assessment@council.gov.uk>)."),
    Setting("SMTP_USER", "mail", "none: no log-in", "The user name to log in to the mail server with "
            "(with SMTP_PASSWORD)."),
    Setting("SMTP_PASSWORD", "mail", "none", "Its password (with SMTP_USER; sent only over STARTTLS, unless "
            "the mail server is on this machine).", secret=True),
    Setting("SMTP_STARTTLS", "mail", "true", "Whether to encrypt the connection with STARTTLS: true or false."),
    *(Setting(kept.setting, "retention", str(kept.default_days),
              f"How many days {kept.short} are kept (a whole number, {kept.least_days} to {MOST_DAYS}); "
              f"`retention run` removes older ones, daily" + (f" ({kept.note})" if kept.note else "") + ".")
      for kept in KEPT),
)
NAMES = tuple(s.name for s in SETTINGS)
AUTH_REQUIRED = ("AUTH_REDIRECT_URI", "AUTH_COOKIE_SECRET", "AUTH_CLIENT_ID", "AUTH_CLIENT_SECRET",
                 "AUTH_SERVER_METADATA_URL")
# The values of .streamlit/secrets.toml.example, which are not settings
PLACEHOLDERS = ("replace-with", "YOUR-TENANT-ID", "00000000-0000-0000-0000-000000000000")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


class BadSetting(AssessmentError):
    """A setting missing or wrong: its message names it and says what is wanted, in one line."""


@dataclass(frozen=True)
class SignIn:
    """The `[auth]` settings `st.login` reads, and the tenant whose UPNs count as verified."""

    redirect_uri: str
    cookie_secret: str = field(repr=False)
    client_id: str
    client_secret: str = field(repr=False)
    server_metadata_url: str
    tenant_id: str | None = None


@dataclass(frozen=True)
class Mail:
    """Where reminders are sent through (read by the reminders; checked here)."""

    host: str
    port: int
    sender: str
    user: str | None
    password: str | None = field(repr=False)
    starttls: bool


@dataclass(frozen=True)
class Settings:
    """What the environment sets up, checked (`read`)."""

    database_url: str | None      # None: the default SQLite file
    sign_in: SignIn | None        # None: from .streamlit/secrets.toml if it has [auth], else local mode
    sign_in_file: bool            # sign-in set up in .streamlit/secrets.toml rather than the environment
    hosts: tuple[str, ...]
    address: str
    port: int
    runtime_dir: Path | None
    mail: Mail | None
    examples: bool = True         # an empty database is given the example records
    # app role's value -> (organisation id, role): roles from the directory (empty: by hand only)
    directory_roles: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # kind of personal data (`domain.retention.KEPT`) -> the days it is kept
    retention: Mapping[str, int] = field(default_factory=lambda: {kept.kind: kept.default_days for kept in KEPT})

    @property
    def serves_network(self) -> bool:
        """Whether people reach it from other machines: it listens beyond loopback or answers to names
        other than loopback's (a proxy on this machine passes the name people used)."""
        return not _loopback(self.address) or any(not _loopback(h) for h in self.hosts)

    def summary(self) -> str:
        """The settings in one line, secrets left out."""
        if self.sign_in is not None:
            signin = f"sign-in through {urlsplit(self.sign_in.server_metadata_url).hostname}"
        else:
            signin = "sign-in from .streamlit/secrets.toml" if self.sign_in_file else "local mode (no sign-in)"
        database = (self.database_url or "sqlite").split(":", 1)[0].split("+", 1)[0]
        database = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(database, database)
        mail = f"mail through {self.mail.host}:{self.mail.port}" if self.mail else "no mail"
        directory = (f"; roles from the directory ({len(self.directory_roles)} app role"
                     f"{'s' if len(self.directory_roles) != 1 else ''})" if self.directory_roles else "")
        return (f"settings are good: {signin}{directory}; {database}; listening on {_url_host(self.address)}:"
                f"{self.port} for {', '.join(self.hosts)}; {mail}")


def _loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _host_problem(name: str) -> str | None:
    """Why `name` is not a host name Streamlit can be told to allow (None if it is)."""
    if any(c in name for c in "/:@?#") and not _is_ip(name):
        return "write the name alone, without a scheme, a port or a path"
    if name == "*":
        return "* would let any web site's name reach the app (DNS rebinding): name the host names people use"
    if _is_ip(name):
        return None
    labels = name[2:].split(".") if name.startswith("*.") else name.split(".")
    if len(name) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        return "it is not a host name (letters, digits, hyphens and dots)"
    return None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
        return True
    except ValueError:
        return False


def _url(name: str, value: str, *, ends: str, example: str) -> str:
    """A URL setting: absolute, https (http for loopback only), its path ending with `ends`."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadSetting(f"{name} is not an address such as {example}")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise BadSetting(f"{name} must be https (http only on localhost): {value}")
    if not parts.path.endswith(ends) or parts.query or parts.fragment:
        raise BadSetting(f"{name} must end with {ends}, as in {example}")
    return value


class _Reader:
    """The environment, with empty values taken as unset (as an env file's `NAME=` leaves them)."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def get(self, name: str) -> str | None:
        value = self.environ.get(name, "").strip()
        if _CONTROL.search(value):
            raise BadSetting(f"{name} holds a control character (a line break?): write it on one line")
        return value or None

    def placeholder(self, name: str) -> str | None:
        value = self.get(name)
        if value is not None and any(p in value for p in PLACEHOLDERS):
            raise BadSetting(f"{name} is still the example's placeholder ({value}): give the real value")
        return value


def _port(name: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise BadSetting(f"{name} is not a port number (1 to 65535): {value}")
    return int(value)


def _sign_in(env: _Reader) -> SignIn | None:
    values = {name: env.placeholder(name) for name in (*AUTH_REQUIRED, "AUTH_TENANT_ID")}
    given = [name for name, value in values.items() if value is not None]
    if not given:
        return None
    missing = [name for name in AUTH_REQUIRED if values[name] is None]
    if missing:
        raise BadSetting(f"{missing[0]} is missing: sign-in needs all of {', '.join(AUTH_REQUIRED)} "
                         f"({given[0]} is set)")
    redirect = _url("AUTH_REDIRECT_URI", str(values["AUTH_REDIRECT_URI"]), ends="/oauth2callback",
                    example="https://assessment.council.gov.uk/oauth2callback")
    metadata = _url("AUTH_SERVER_METADATA_URL", str(values["AUTH_SERVER_METADATA_URL"]),
                    ends="/.well-known/openid-configuration",
                    example="https://login.microsoftonline.com/TENANT-ID/v2.0/.well-known/openid-configuration")
    cookie = str(values["AUTH_COOKIE_SECRET"])
    if len(cookie) < 32:
        raise BadSetting(f"AUTH_COOKIE_SECRET is too short ({len(cookie)} characters; at least 32): make one with "
                         "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")
    tenant = values["AUTH_TENANT_ID"]
    if tenant is not None and not _GUID.match(tenant):
        raise BadSetting(f"AUTH_TENANT_ID is not a tenant id (a GUID, as Entra's Overview shows it): "
                         f"{tenant}")
    return SignIn(redirect, cookie, str(values["AUTH_CLIENT_ID"]), str(values["AUTH_CLIENT_SECRET"]), metadata,
                  tenant)


def _signin_in_file() -> bool:
    """Whether .streamlit/secrets.toml sets sign-in up (an [auth] section), as `make run` uses it."""
    import tomllib
    try:
        return "auth" in tomllib.loads(SECRETS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


def _hosts(env: _Reader, sign_in: SignIn | None) -> tuple[str, ...]:
    given = env.get("ASSESSMENT_HOSTS")
    if given is None:
        return (str(urlsplit(sign_in.redirect_uri).hostname),) if sign_in else LOOPBACK
    hosts = tuple(dict.fromkeys(h.lower().rstrip(".") for h in re.split(r"[\s,]+", given) if h))
    for host in hosts:
        problem = _host_problem(host)
        if problem:
            raise BadSetting(f"ASSESSMENT_HOSTS names {host}: {problem}")
    if sign_in is not None:
        redirect = str(urlsplit(sign_in.redirect_uri).hostname)
        if redirect not in hosts and not any(h.startswith("*.") and redirect.endswith(h[1:]) for h in hosts):
            raise BadSetting(f"AUTH_REDIRECT_URI is on {redirect}, which is not among ASSESSMENT_HOSTS "
                             f"({' '.join(hosts)})")
    return hosts


def _address(env: _Reader, given: str | None) -> str:
    address = given or env.get("ASSESSMENT_ADDRESS") or "127.0.0.1"
    if address != "localhost" and not _is_ip(address):
        raise BadSetting(f"ASSESSMENT_ADDRESS is not an IP address (such as 127.0.0.1, or 0.0.0.0 for every one): "
                         f"{address}")
    return address.strip("[]")


def _database(env: _Reader) -> str | None:
    url = env.get("DATABASE_URL")
    if url is None:
        return None
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme in ("postgres", "postgresql", "postgresql+psycopg2"):
        raise BadSetting(f"DATABASE_URL must begin postgresql+psycopg:// (the driver installed), not {scheme}://")
    if scheme not in ("postgresql+psycopg", "sqlite"):
        raise BadSetting("DATABASE_URL is not a database URL such as postgresql+psycopg://user:password@host/dbname "
                         "or sqlite:////var/lib/assessment/assessment.db")
    return url


def _runtime_dir(env: _Reader) -> Path | None:
    name = "ASSESSMENT_RUNTIME_DIR" if env.get("ASSESSMENT_RUNTIME_DIR") else "RUNTIME_DIRECTORY"
    given = env.get(name)
    if given is None:
        return None
    folder = Path(given.split(":", 1)[0])   # systemd lists several folders with colons
    if not folder.is_dir():
        raise BadSetting(f"{name} is not a folder: {folder}")
    return folder


def _mail(env: _Reader) -> Mail | None:
    host = env.get("SMTP_HOST")
    others = [n for n in ("SMTP_PORT", "SMTP_FROM", "SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS") if env.get(n)]
    if host is None:
        if others:
            raise BadSetting(f"SMTP_HOST is missing ({others[0]} is set): name the mail server, or unset {others[0]}")
        return None
    if _host_problem(host) or host.startswith("*."):
        raise BadSetting(f"SMTP_HOST is not a host name: {host}")
    port = _port("SMTP_PORT", env.get("SMTP_PORT"), DEFAULT_SMTP_PORT)
    sender = env.get("SMTP_FROM")
    if sender is None:
        raise BadSetting("SMTP_FROM is missing: reminders need a sender, such as assessment@council.gov.uk")
    try:
        email_address(parseaddr(sender)[1] or sender)
    except AssessmentError as exc:
        raise BadSetting(f"SMTP_FROM: {exc}") from None
    starttls = _flag(env, "SMTP_STARTTLS", True)
    user, password = env.get("SMTP_USER"), env.get("SMTP_PASSWORD")
    if (user is None) != (password is None):
        raise BadSetting("SMTP_PASSWORD is missing (SMTP_USER is set)" if password is None
                         else "SMTP_USER is missing (SMTP_PASSWORD is set)")
    if password is not None and not starttls and not _loopback(host):
        raise BadSetting("SMTP_STARTTLS is false, which would send SMTP_PASSWORD unencrypted to " + host)
    return Mail(host, port, sender, user, password, starttls)


def read(environ: Mapping[str, str] | None = None, *, port: int | None = None, address: str | None = None
         ) -> Settings:
    """The settings in `environ` (the process's environment by default), checked; `port` and `address`
    (the command line's) win over theirs. BadSetting, naming the first setting that is wrong."""
    env = _Reader(os.environ if environ is None else environ)
    env.get("ASSESSMENT_ACCESSIBILITY_CONTACT")   # any words, on one line
    _privacy(env)                                 # the privacy notice's template is there and good
    database = _database(env)
    sign_in = _sign_in(env)
    in_file = sign_in is None and _signin_in_file()
    hosts = _hosts(env, sign_in)
    chosen = _address(env, address)
    found = Settings(database, sign_in, in_file, hosts, chosen,
                     port if port is not None else _port("ASSESSMENT_PORT", env.get("ASSESSMENT_PORT"), DEFAULT_PORT),
                     _runtime_dir(env), _mail(env), _flag(env, "ASSESSMENT_EXAMPLES", True),
                     _directory_roles(env), _retention(env))
    if found.directory_roles and sign_in is None and not in_file:
        raise BadSetting("ASSESSMENT_DIRECTORY_ROLES is set, but sign-in is not: roles from the directory come with "
                         "sign-in (AUTH_CLIENT_ID and the other sign-in settings)")
    if found.directory_roles and sign_in is not None and sign_in.tenant_id is None:
        raise BadSetting("ASSESSMENT_DIRECTORY_ROLES needs AUTH_TENANT_ID: app roles are taken only from your own "
                         "tenant's tokens")
    if found.serves_network and sign_in is None and not in_file:
        where = (f"it listens on {chosen}" if not _loopback(chosen)
                 else f"ASSESSMENT_HOSTS names {next(h for h in hosts if not _loopback(h))}")
        raise BadSetting(f"AUTH_CLIENT_ID and the other sign-in settings are missing, but {where}: without sign-in "
                         "the app serves this machine only (local mode)")
    if found.serves_network and database is None:
        raise BadSetting("DATABASE_URL is missing: a deployment that serves the network names its database "
                         "(postgresql+psycopg://user:password@host/dbname)")
    return found


def _directory_roles(env: _Reader) -> dict[str, tuple[str, str]]:
    try:
        return parsed_directory_roles(env.get("ASSESSMENT_DIRECTORY_ROLES"))
    except AssessmentError as exc:
        raise BadSetting(f"ASSESSMENT_DIRECTORY_ROLES: {exc}") from None


def directory_roles(environ: Mapping[str, str] | None = None) -> dict[str, tuple[str, str]]:
    """Roles from the directory alone (ASSESSMENT_DIRECTORY_ROLES: app role's value -> organisation
    id and role; empty where unset), for sign-in; BadSetting naming it where it is wrong."""
    return _directory_roles(_Reader(os.environ if environ is None else environ))


def _retention(env: _Reader) -> dict[str, int]:
    """The days each kind of personal data is kept (`domain.retention.KEPT`), each checked
    (`_days_kept`); BadSetting naming the first that is wrong."""
    return {kept.kind: _days_kept(kept, env.get(kept.setting)) for kept in KEPT}


def _days_kept(kept: Kept, given: str | None) -> int:
    """A retention setting: a whole number of days from its least to `MOST_DAYS` (its default where
    unset)."""
    if given is None:
        return kept.default_days
    if not given.isascii() or not given.isdigit():
        raise BadSetting(f"{kept.setting} is not a whole number of days: {given}")
    digits = given.lstrip("0") or "0"                            # 0090 is 90 days
    number = int(digits) if len(digits) <= 5 else MOST_DAYS + 1  # int() refuses thousands of digits
    if not kept.least_days <= number <= MOST_DAYS:
        why = f" ({kept.least_why})" if kept.least_why else ""
        raise BadSetting(f"{kept.setting} is {given}: keep {kept.short} at least "
                         f"{kept.least_days} day{'s' if kept.least_days != 1 else ''}{why} and at most {MOST_DAYS:,}")
    return number


def retention_days(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """The days each kind of personal data is kept alone (kind -> days, every kind of
    `domain.retention.KEPT`), for `retention run` and the privacy notice; BadSetting naming the first
    setting that is wrong."""
    return _retention(_Reader(os.environ if environ is None else environ))


@dataclass(frozen=True)
class Privacy:
    """What the privacy notice is written from: the template (checked) and the settings that fill it."""

    template: str
    controller: str | None        # None: domain.privacy.DEFAULT_CONTROLLER
    contact: str | None           # None: domain.privacy.DEFAULT_CONTACT
    own: bool                     # the council's own template (ASSESSMENT_PRIVACY_NOTICE), not the shipped one


def _privacy(env: _Reader) -> Privacy:
    from .formats.privacy_notice import read_notice
    controller, contact = env.get("ASSESSMENT_PRIVACY_CONTROLLER"), env.get("ASSESSMENT_PRIVACY_CONTACT")
    own = env.get("ASSESSMENT_PRIVACY_NOTICE")
    try:
        template = read_notice(own)
    except AssessmentError as exc:
        raise BadSetting(f"ASSESSMENT_PRIVACY_NOTICE: {exc}") from None
    return Privacy(template, controller, contact, own is not None)


def privacy(environ: Mapping[str, str] | None = None) -> Privacy:
    """The privacy notice's template and settings (ASSESSMENT_PRIVACY_*), for its page; BadSetting in one
    line naming the setting where the template cannot be shown."""
    return _privacy(_Reader(os.environ if environ is None else environ))


def _flag(env: _Reader, name: str, default: bool) -> bool:
    """A true-or-false setting (true, yes, on, 1; false, no, off, 0)."""
    flag = (env.get(name) or ("true" if default else "false")).lower()
    if flag not in _TRUE + _FALSE:
        raise BadSetting(f"{name} is neither true nor false: {flag}")
    return flag in _TRUE


def examples(environ: Mapping[str, str] | None = None) -> bool:
    """Whether an empty database is given the example records (ASSESSMENT_EXAMPLES, default true)."""
    return _flag(_Reader(os.environ if environ is None else environ), "ASSESSMENT_EXAMPLES", True)


def mail(environ: Mapping[str, str] | None = None) -> Mail | None:
    """The mail settings alone (None where SMTP_HOST is unset), for the reminders."""
    return _mail(_Reader(os.environ if environ is None else environ))


def mail_server(environ: Mapping[str, str] | None = None):
    """`mail` as the mailer takes it (`workflows.MailSettings`), or None where SMTP_HOST is unset:
    for `notify run`, `round invite --send` and the Rounds page."""
    from .workflows import MailSettings
    found = mail(environ)
    return (None if found is None
            else MailSettings(found.host, found.sender, found.port, found.user, found.password, found.starttls))


def _toml_string(value: str) -> str:
    """A TOML basic string (the values hold no control characters: `_Reader` refused them)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def secrets_toml(sign_in: SignIn) -> str:
    """The secrets file Streamlit reads for `st.login` (as .streamlit/secrets.toml.example)."""
    lines = ["# Written by `python -m assessment serve` from the environment (docs/deploy.md); do not edit.",
             "[auth]"]
    for key in ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"):
        lines.append(f"{key} = {_toml_string(getattr(sign_in, key))}")
    if sign_in.tenant_id:
        lines += ["", "[signin]", f"tenant_id = {_toml_string(sign_in.tenant_id)}"]
    return "\n".join(lines) + "\n"


def write_secrets(found: Settings) -> Path | None:
    """Write the sign-in settings where only this user can read them; the file's path (None when
    sign-in is not set in the environment)."""
    if found.sign_in is None:
        return None
    import tempfile
    folder = found.runtime_dir or Path(tempfile.mkdtemp(prefix="assessment-"))
    path = folder / f"secrets-{found.port}.toml"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(secrets_toml(found.sign_in))
    return path


def streamlit_command(found: Settings, secrets: Path | None, python: str) -> list[str]:
    """`streamlit run app.py` with the address, port, host names and secrets file of `found`; not
    watching its files for changes (a deployment changes them by restarting)."""
    command = [python, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
               f"--server.address={found.address}", f"--server.port={found.port}",
               "--server.fileWatcherType=none", "--browser.gatherUsageStats=false",
               *(f"--server.allowedHosts={h}" for h in found.hosts)]
    return command + ([f"--secrets.files={secrets}"] if secrets else [])
