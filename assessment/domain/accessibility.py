"""The accessibility statement's facts (the page is `ui/accessibility_page.py`, written to GOV.UK's
model accessibility statement): how far the tool meets WCAG 2.2 AA, the problems known, when and how
it was tested, and whom to contact, which each deployment gives in a setting.

The known problems are those axe-core finds in Chromium (`tests/test_browser.py` fails on any serious
one at 1400 and 1024 px; these were found at 320 px, which is 1280 px at 400% zoom, and among the
minor ones) and what has not been tested; docs/accessibility.md lists the same (a test holds them
together).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import contacts
from .contacts import Contact

# The setting (an environment variable) that names where people ask for another format or report a
# problem: an email address, or a web address of a contact page (https), or words.
CONTACT_SETTING = "ASSESSMENT_ACCESSIBILITY_CONTACT"
DEFAULT_CONTACT = "your council's IT service desk, who will pass your message to the people who run this tool"
REPLY_WORKING_DAYS = 10
PREPARED = date(2026, 12, 5)   # when the statement was written, and last reviewed
TESTED = date(2026, 12, 5)     # when the tool was last tested beyond the automatic tests
STANDARD = "Web Content Accessibility Guidelines version 2.2 AA"
REGULATIONS = "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018"
WIDTHS = (1400, 1024)          # the widths every page is checked at, on every change


@dataclass(frozen=True)
class KnownIssue:
    """A way the tool does not yet meet the standard: what people meet, and the success criteria."""

    what: str
    criteria: tuple[str, ...]


KNOWN_ISSUES = (
    KnownIssue("On a narrow screen, or zoomed in to 400%, some tables (the key areas on Start, the movement "
               "and actions in the progress report, the actions list) are wider than the page: they scroll "
               "sideways inside a box that cannot be reached with the keyboard alone, and the progress report "
               "scrolls sideways as a whole.", ("1.4.10 Reflow", "2.1.1 Keyboard")),
    KnownIssue("On the Import page, the area to drop a file on is marked as presentational (to be ignored) yet "
               "also given a name and made focusable, so screen readers may announce it inconsistently (the "
               "Browse files button in it is named and works as usual).", ("4.1.2 Name, Role, Value",)),
    KnownIssue("The tool has been tested automatically (with axe-core), not yet by hand with a keyboard alone, screen "
               "readers (JAWS, NVDA, VoiceOver) or speech recognition software, nor by disabled people: there may "
               "be problems those would find that are not listed here.", ()),
)


def contact(setting: str | None) -> Contact:
    """The contact a deployment's setting gives (`contacts.contact`): an email address (a mailto: link), a
    web address (https, a link), other words as they are; unset or blank, `DEFAULT_CONTACT`."""
    return contacts.contact(setting, DEFAULT_CONTACT)
