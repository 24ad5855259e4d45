"""The accessibility statement (/accessibility) through AppTest: GOV.UK's model statement, in local
mode and before sign-in alike, with the deployment's contact from its setting. (axe checks the page
in Chromium with every other: tests/test_browser.py, PAGES.)"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from assessment.domain import accessibility
from assessment.domain.accessibility import CONTACT_SETTING, DEFAULT_CONTACT, KNOWN_ISSUES, contact

from .conftest import ROOT, shown, unescape

PAGE = "assessment/ui/accessibility_page.py"
# GOV.UK's model accessibility statement, heading by heading
HEADINGS = ["Accessibility statement", "How accessible this tool is", "Feedback and contact information",
            "Reporting accessibility problems with this tool", "Enforcement procedure",
            "Technical information about this tool's accessibility", "Compliance status", "Non-accessible content",
            "Non-compliance with the accessibility regulations", "Disproportionate burden",
            "Content that is not within the scope of the accessibility regulations",
            "What we are doing to improve accessibility", "Preparation of this accessibility statement"]


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.delenv(CONTACT_SETTING, raising=False)

    def opened(*, signed_out: bool = False) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if signed_out:   # sign-in set up, and nobody signed in
            at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                                  "client_id": "c", "client_secret": "s",
                                  "server_metadata_url": "https://login.example/.well-known/openid-configuration"}
        at.run()
        assert not at.exception, at.exception
        at.switch_page(PAGE).run()
        assert not at.exception, at.exception
        return at
    return opened


def headings(at: AppTest) -> list[str]:
    return [h.value for h in (*at.title, *at.header, *at.subheader)]


def text(at: AppTest) -> str:
    return unescape(" ".join(m.value for m in shown(at.markdown)))


def test_the_statement_follows_govuks_model_in_local_mode(app):
    at = app()
    assert sorted(headings(at), key=HEADINGS.index) == HEADINGS
    said = text(at)
    assert "This tool is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, " \
           "due to the non-compliances listed below." in " ".join(said.split())
    for issue in KNOWN_ISSUES:
        assert " ".join(issue.what.split()) in " ".join(said.split())
    assert "This fails WCAG 2.2 success criteria 1.4.10 Reflow, 2.1.1 Keyboard." in said
    assert re.search(r"axe-core.*Chromium\s+browser at two widths, 1,400 and 1,024 pixels", said, re.S)
    assert said.count(DEFAULT_CONTACT) == 2   # for another format, and for reporting a problem
    assert "Equality Advisory and Support Service" in said and "equalityadvisoryservice.com" in said
    # the local user runs the deployment, so is told how to name the contact
    assert any(CONTACT_SETTING in unescape(c.value) for c in shown(at.caption))


def test_the_contact_comes_from_the_deployments_setting(app, monkeypatch):
    monkeypatch.setenv(CONTACT_SETTING, "Accessibility@Medway.gov.uk")
    at = app()
    links = re.findall(r"\]\((mailto:[^)]*)\)", " ".join(m.value for m in shown(at.markdown)))
    assert links == ["mailto:accessibility@medway.gov.uk"] * 2
    assert not any(CONTACT_SETTING in unescape(c.value) for c in shown(at.caption))


def test_the_statement_is_there_before_sign_in(app):
    at = app(signed_out=True)
    assert headings(at)[0] == "Accessibility statement" and "Compliance status" in headings(at)
    assert not any(CONTACT_SETTING in unescape(c.value) for c in shown(at.caption))   # not for visitors


def test_the_sign_in_page_is_unchanged_beside_it(app):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "c", "client_secret": "s",
                          "server_metadata_url": "https://login.example/.well-known/openid-configuration"}
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Procurement maturity self-assessment" and at.button(key="signin.in")


@pytest.mark.parametrize("setting, shown_as, link", [
    (None, DEFAULT_CONTACT, None),
    ("  ", DEFAULT_CONTACT, None),
    ("Access@Council.gov.uk", "access@council.gov.uk", "mailto:access@council.gov.uk"),
    ("mailto:access@council.gov.uk", "access@council.gov.uk", "mailto:access@council.gov.uk"),
    ("https://www.council.gov.uk/accessibility", "https://www.council.gov.uk/accessibility",
     "https://www.council.gov.uk/accessibility"),
    ("http://www.council.gov.uk/a", "http://www.council.gov.uk/a", None),          # only https is linked
    ("https://x.gov.uk/a)(javascript:alert(1)", "https://x.gov.uk/a)(javascript:alert(1)", None),
    ("javascript:alert(1)", "javascript:alert(1)", None),
    ("not an @address", "not an @address", None),
    ("the ICT service desk on 01634 306000", "the ICT service desk on 01634 306000", None),
])
def test_a_contact_is_linked_only_when_it_is_an_address(setting, shown_as, link):
    found = contact(setting)
    assert (found.text, found.link, found.given) == (shown_as, link, shown_as != DEFAULT_CONTACT)


def test_the_known_problems_are_those_docs_accessibility_lists():
    docs = " ".join((ROOT / "docs" / "accessibility.md").read_text().split())
    for issue in KNOWN_ISSUES:
        assert " ".join(issue.what.split()) in docs, issue.what
        for criterion in issue.criteria:
            assert criterion in docs
    assert f"`{accessibility.CONTACT_SETTING}`" in docs
