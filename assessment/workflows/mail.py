"""Email over SMTP (smtplib): each message built as plain text (`email.message.EmailMessage`) with
its addresses checked as people's addresses are (`domain.people.email_address`), so that nothing
from a record can make a header, and sent through one connection a run. The settings come from the
SMTP_* variables of the environment, read and checked by `assessment.settings.mail` (the command
line passes them in as `MailSettings`).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from types import TracebackType

from ..domain.errors import InvalidEdit
from ..domain.people import email_address, printable

TIMEOUT = 30          # seconds a mail server has to answer


class MailFailed(Exception):
    """A message not sent: why, in words (never the password); `fatal` when no later message of the run
    would go either (the server cannot be reached, refuses the sign-in or the sender)."""

    def __init__(self, reason: str, *, fatal: bool = False):
        super().__init__(reason)
        self.reason, self.fatal = reason, fatal


@dataclass(frozen=True)
class MailSettings:
    """The mail server and the sender (an address, or "Name <address>"): SMTP_HOST, SMTP_FROM,
    SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS."""
    host: str
    sender: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True

    @property
    def address(self) -> str:
        """The sender's address alone (the envelope's)."""
        return parseaddr(self.sender)[1] or self.sender


def email_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message (UTF-8). Both addresses must be as `email_address` keeps them (the sender
    may have a name before it, "Name <address>"), and the name and subject one line of printable
    text: InvalidEdit otherwise, so no text can add a header (a Bcc:) or a recipient."""
    name, sender_address = parseaddr(sender)
    for who, address in (("sender", sender_address or sender), ("recipient", to)):
        if email_address(address) != address:
            raise InvalidEdit(f"the {who}'s address “{printable(address)}” is not written as addresses are kept")
    if any(not char.isprintable() for char in subject + sender):
        raise InvalidEdit("a subject, and the sender's name, are one line of printable text")
    message = EmailMessage(policy=SMTP.clone(cte_type="7bit"))   # quoted-printable: any server takes it
    message["From"] = formataddr((name, sender_address)) if name else sender_address
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender_address.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"      # RFC 3834: no out-of-office replies, please
    message.set_content(body)
    return message


class SmtpMailer:
    """Sends messages through one connection to the server, opened at the first message (STARTTLS and
    sign-in as the settings say) and closed at the end (`with SmtpMailer(settings) as mailer:`)."""

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpMailer":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            s = self.settings
            smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT)
            try:
                if s.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.user is not None and s.password is not None:
                    smtp.login(s.user, s.password)
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def send(self, to: str, subject: str, body: str) -> None:
        """Send one message, or MailFailed saying why."""
        message = email_message(self.settings.sender, to, subject, body)
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            self._connection().send_message(message, from_addr=self.settings.address, to_addrs=[to])
        except smtplib.SMTPRecipientsRefused as exc:
            code, said = next(iter(exc.recipients.values()), (0, b""))
            raise MailFailed(f"the mail server refused {to}: {code} {_said(said)}") from None
        except smtplib.SMTPDataError as exc:
            raise MailFailed(f"the mail server refused the message: {exc.smtp_code} {_said(exc.smtp_error)}") from None
        except smtplib.SMTPAuthenticationError as exc:
            raise MailFailed(f"the mail server {where} refused the sign-in of SMTP_USER: {exc.smtp_code} "
                             f"{_said(exc.smtp_error)}", fatal=True) from None
        except smtplib.SMTPResponseException as exc:
            raise MailFailed(f"the mail server {where} answered {exc.smtp_code} {_said(exc.smtp_error)}",
                             fatal=True) from None
        except (OSError, smtplib.SMTPException) as exc:   # not reached, closed, TLS refused, ...
            self._smtp = None
            raise MailFailed(f"the mail server {where} could not be used: {printable(str(exc) or type(exc).__name__)}",
                             fatal=True) from None


def _said(text: bytes | str) -> str:
    """What a server said, as one printable line, cut short."""
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return printable(" ".join(said.split()))[:300]
