"""The privacy notice and the inventory of personal data (issue 29): docs/privacy.md names every column
of every table, and only real ones; the notice (/privacy) is written from its template, filled from the
settings and shown as written, in local mode and before and after sign-in; every page's footer links it;
a template that cannot be shown is one line, on the page and in `settings check`. (axe checks the page
in Chromium with every other: tests/test_browser.py, PAGES.)"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from sqlalchemy import Column, Integer, MetaData, Table
from streamlit.testing.v1 import AppTest

from assessment import settings, workflows
from assessment.domain import privacy
from assessment.domain.privacy import BadNotice
from assessment.domain.retention import KEPT
from assessment.formats.privacy_notice import read_notice
from assessment.storage.tables import Base
from assessment.ui.text import md

from .conftest import ROOT, shown, unescape

PAGE = "assessment/ui/privacy_page.py"
DOC = ROOT / "docs" / "privacy.md"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "https://login.example/.well-known/openid-configuration"}
ISSUER = "https://login.example/tenant/v2.0"
HOSTILE = "**Bold** <script>alert(1)</script> [a link](javascript:alert(1)) :red[red] $x^2$ {contact}"


# ---------------------------------------------------------------- the inventory: docs/privacy.md

def inventory(text: str) -> list[tuple[str, list[str], str]]:
    """The rows of the table under "## Every column": (table, columns, personal)."""
    section = text.split("\n## Every column", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or cells[0] in ("Table", "") or set(cells[0]) <= set("-"):
            continue
        table = cells[0].strip("`")
        columns = re.findall(r"`([^`]+)`", cells[1])
        rows.append((table, columns, cells[2]))
    return rows


def unlisted(metadata: MetaData, rows: list[tuple[str, list[str], str]]) -> tuple[list[str], list[str], list[str]]:
    """The columns the doc does not name, the names it gives that are not columns, and those named twice."""
    real = {f"{t.name}.{c.name}" for t in metadata.tables.values() for c in t.columns}
    named = [f"{table}.{column}" for table, columns, _ in rows for column in columns]
    twice = sorted({n for n in named if named.count(n) > 1})
    return sorted(real - set(named)), sorted(set(named) - real), twice


def test_docs_privacy_names_every_column_of_every_table_and_only_those():
    rows = inventory(DOC.read_text(encoding="utf-8"))
    missing, unknown, twice = unlisted(Base.metadata, rows)
    assert missing == [], f"columns docs/privacy.md does not name (add a line for each): {missing}"
    assert unknown == [], f"docs/privacy.md names columns that are not there: {unknown}"
    assert twice == [], f"docs/privacy.md names columns twice: {twice}"
    assert {personal for _, _, personal in rows} == {"yes", "no", "free text"}


def test_the_column_check_fails_on_a_new_column():
    rows = inventory(DOC.read_text(encoding="utf-8"))
    grown = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(grown)
    Table("people", grown, Column("telephone", Integer), extend_existing=True)
    Table("surveys", grown, Column("id", Integer, primary_key=True))
    assert unlisted(grown, rows)[0] == ["people.telephone", "surveys.id"]
    assert unlisted(Base.metadata, [*rows, ("people", ["shoe_size"], "yes")])[1] == ["people.shoe_size"]


def test_docs_privacy_says_how_long_each_log_is_kept_and_how_a_person_is_erased():
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    for kept in KEPT:
        assert f"`{kept.setting}`" in text, kept.setting
    for command in ("users erase EMAIL", "users export EMAIL", "orgs delete ID --confirm NAME", "retention run",
                    "--keep N", '"a former editor"'):
        assert command in text, command


# ---------------------------------------------------------------- the template

@pytest.mark.parametrize("content, expected", [
    (b"## Who we are\n\n{controler}\n", "notice.md:3: {controler} is not a placeholder (they are {controller}, "
                                        "{contact}, {retention}; write {{ and }} for a brace)"),
    (b"\xff\xfe## Who we are\n", "notice.md is not UTF-8 text (byte 1 is not): save it as UTF-8"),
    (b"x" * 200_001, "notice.md is larger than 200 kB, the most a privacy notice may be"),
    (b"  \n\n", "notice.md is empty: write the council's privacy notice in it"),
])
def test_a_template_that_cannot_be_shown_is_one_line(tmp_path, content, expected):
    (tmp_path / "notice.md").write_bytes(content)
    with pytest.raises(BadNotice) as caught:
        read_notice(str(tmp_path / "notice.md"))
    assert str(caught.value) == f"{tmp_path}/{expected}"


def test_a_missing_template_or_a_folder_is_one_line(tmp_path):
    with pytest.raises(BadNotice, match=r"^/no/such/notice\.md: there is no such file$"):
        read_notice("/no/such/notice.md")
    with pytest.raises(BadNotice, match=r" is a folder, not a file$"):
        read_notice(str(tmp_path))


def test_the_shipped_template_is_good_and_braces_are_written_doubled():
    shipped = read_notice(None)
    assert set(re.findall(r"\{(\w+)\}", shipped)) == set(privacy.PLACEHOLDERS)
    assert privacy.fill("{{not}} {contact}", {"contact": "x"}) == "{not} x"


def test_the_values_are_escaped_and_the_contact_linked():
    notice = privacy.filled("{controller} / {contact}\n\n{retention}", controller_setting=HOSTILE,
                            contact_setting="DPO@Council.gov.uk", kept=KEPT, chosen={}, escape=md)
    assert notice.startswith(md(HOSTILE) + " / [dpo") and "(mailto:dpo@council.gov.uk)" in notice
    assert "{contact}" not in notice.split(" / ")[1]   # a value is not filled again


# ---------------------------------------------------------------- the page

@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    for name in settings.NAMES:
        if name != "DATABASE_URL":
            monkeypatch.delenv(name, raising=False)

    def opened(*, signed_out: bool = False, user: dict | None = None, page: str | None = PAGE) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if signed_out or user:   # sign-in set up
            at.secrets["auth"] = AUTH
            at.user = user or {"is_logged_in": False}
        at.run()
        assert not at.exception, at.exception
        if page:
            at.switch_page(page).run()
            assert not at.exception, at.exception
        return at
    return opened


def said(at: AppTest) -> str:
    return " ".join(unescape(" ".join(m.value for m in at.markdown)).split())


def test_before_sign_in_the_councils_notice_is_filled_from_the_settings(app, monkeypatch):
    monkeypatch.setenv(privacy.CONTROLLER_SETTING, "Medway Council, Gun Wharf, Dock Road, Chatham ME4 4TR")
    monkeypatch.setenv(privacy.CONTACT_SETTING, "DPO@Medway.gov.uk")
    monkeypatch.setenv("ASSESSMENT_KEEP_DRAFTS_DAYS", "30")
    at = app(signed_out=True)
    assert [t.value for t in at.title] == ["Privacy notice"] and not at.error
    text = said(at)
    for heading in ("## Who we are", "## What we keep and why", "## Our lawful basis", "## Who can see it",
                    "## How long we keep it", "## Your rights", "## How to complain"):
        assert heading in " ".join(m.value for m in at.markdown), heading
    assert "The controller of the personal information in this tool is Medway Council, Gun Wharf, Dock Road, " \
           "Chatham ME4 4TR." in text
    raw = " ".join(m.value for m in at.markdown)
    assert raw.count("(mailto:dpo@medway.gov.uk)") == 3   # a question, your rights, a complaint
    assert "Article 6(1)(e)" in text and "(https://ico.org.uk/make-a-complaint/)" in raw
    assert "Drafts left unsaved (changes kept but never saved, by the day last changed): kept for 30 days, " \
           "then removed." in text
    assert "Refused sign-ins (the address presented and why it was refused): kept for 90 days (about 3 months)" \
           in text
    assert not any(privacy.NOTICE_SETTING in unescape(c.value) for c in at.caption)   # not for visitors


def test_a_hostile_setting_is_shown_as_written(app, monkeypatch):
    monkeypatch.setenv(privacy.CONTROLLER_SETTING, HOSTILE)
    monkeypatch.setenv(privacy.CONTACT_SETTING, "[me](javascript:alert(1))")
    at = app(signed_out=True)
    raw = " ".join(m.value for m in at.markdown)
    assert md(HOSTILE) in raw and "**Bold**" not in raw and "<script>" not in raw and "](javascript" not in raw
    assert HOSTILE in said(at)                           # as written: its {contact} is not filled either
    assert "[me](javascript:alert(1))" in said(at)       # words, not a link


def test_the_defaults_say_the_council_and_its_data_protection_officer(app):
    text = said(app(signed_out=True))
    assert f"The controller of the personal information in this tool is {privacy.DEFAULT_CONTROLLER}." in text
    assert text.count(privacy.DEFAULT_CONTACT) == 3


def test_a_broken_template_is_one_clear_line_on_the_page(app, monkeypatch, tmp_path):
    notice = tmp_path / "notice.md"
    notice.write_text("## Who we are\n\nWe are {controler}.\n", encoding="utf-8")
    monkeypatch.setenv(privacy.NOTICE_SETTING, str(notice))
    at = app(signed_out=True)
    assert not at.exception and not at.markdown
    assert [e.value for e in shown(at.error)] == [
        f"The privacy notice cannot be shown: ASSESSMENT_PRIVACY_NOTICE: {notice}:3: {{controler}} is not a "
        "placeholder (they are {controller}, {contact}, {retention}; write {{ and }} for a brace). Show this to the "
        "people who run this tool."]


def test_the_councils_own_template_is_used(app, monkeypatch, tmp_path):
    notice = tmp_path / "notice.md"
    notice.write_text("## Medway's notice\n\nAsk {contact}.\n", encoding="utf-8")
    monkeypatch.setenv(privacy.NOTICE_SETTING, str(notice))
    assert said(app(signed_out=True)) == f"## Medway's notice Ask {privacy.DEFAULT_CONTACT}."


def test_local_mode_has_a_short_notice_of_its_own(app, tmp_path, monkeypatch):
    at = app()
    text = said(at)
    assert [t.value for t in at.title] == ["Privacy notice"]
    assert "**Nothing leaves this computer.**" in text
    assert f"kept in the SQLite database file {tmp_path / 'app.db'} on this computer" in text
    assert "Whoever can use this computer's account can read it" in text
    assert "sends no email (no mail server is set up)" in text and "No cookies beyond the app's own session" in text
    assert "Who we are" not in text   # not the council's notice
    monkeypatch.setenv("SMTP_HOST", "smtp.council.gov.uk")
    monkeypatch.setenv("SMTP_FROM", "assessment@council.gov.uk")
    assert "Reminders are sent by email through the mail server smtp.council.gov.uk" in said(app())


def test_signed_in_the_notice_is_the_councils_and_its_administrator_is_told_to_edit_it(app, tmp_path):
    store = workflows.connect(f"sqlite:///{tmp_path / 'app.db'}")
    workflows.ensure_examples(store)
    workflows.add_person(store, workflows.LOCAL_ACTOR, "head@medway.gov.uk", "medway", "editor")
    workflows.add_person(store, workflows.LOCAL_ACTOR, "it@medway.gov.uk", None, "deployment-administrator")
    for who, told in (("head", False), ("it", True)):
        at = app(user={"is_logged_in": True, "iss": ISSUER, "sub": f"{who}-1", "email": f"{who}@medway.gov.uk",
                       "email_verified": True, "name": who.title()})
        assert "## Who we are" in " ".join(m.value for m in at.markdown) and not at.error
        assert any(privacy.NOTICE_SETTING in unescape(c.value) for c in at.caption) is told


# ---------------------------------------------------------------- the footer and the sign-in page

def links(at: AppTest) -> list[tuple[str, str, str]]:
    return [(p.proto.label, p.proto.page, p.proto.query_string) for p in at.get("page_link")]


@pytest.mark.parametrize("page", [None, "assessment/ui/report_page.py", "assessment/ui/framework_page.py",
                                  "assessment/ui/accessibility_page.py", PAGE])
def test_every_page_ends_with_the_privacy_notice_and_the_accessibility_statement(app, page):
    at = app(page=page)
    tab = at.query_params["tab"][0] if isinstance(at.query_params["tab"], list) else at.query_params["tab"]
    footer = [(p.proto.label, p.proto.page, p.proto.query_string) for p in at.sidebar.get("page_link")]
    assert footer == [("Privacy notice", "privacy", f"tab={tab}"),
                      ("Accessibility statement", "accessibility", f"tab={tab}")]


def test_a_page_that_stops_part_way_still_has_its_footer(app, monkeypatch):
    """The report with no organisation to open says so and stops (`st.stop`): the footer is drawn first."""
    monkeypatch.setenv("ASSESSMENT_EXAMPLES", "false")
    at = app(page="assessment/ui/report_page.py")
    assert [i.value for i in at.info] == ["There is no organisation you can open yet."]
    assert [label for label, _, _ in links(at)] == ["Privacy notice", "Accessibility statement"]


def test_the_sign_in_page_links_the_privacy_notice(app):
    at = app(signed_out=True, page=None)
    assert at.button(key="signin.in")
    assert [(label, page) for label, page, _ in links(at)] == [
        ("Privacy notice: what this tool keeps about you, and why", "privacy"),
        ("Privacy notice", "privacy"), ("Accessibility statement", "accessibility")]


def test_the_no_access_page_links_the_privacy_notice(app):
    at = app(user={"is_logged_in": True, "iss": ISSUER, "sub": "stranger-1", "email": "stranger@elsewhere.gov.uk",
                   "email_verified": True, "name": "Stranger"}, page=None)
    assert shown(at.warning) and "not been given access" in shown(at.warning)[0].value
    assert ("Privacy notice: what this tool keeps about you, and why", "privacy") in \
        [(label, page) for label, page, _ in links(at)]


# ---------------------------------------------------------------- settings check

def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    import os
    clean = {k: v for k, v in os.environ.items() if k not in settings.NAMES}
    return subprocess.run([sys.executable, "-m", "assessment", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**clean, **env})


def test_settings_check_catches_a_bad_template(tmp_path):
    bad = tmp_path / "notice.md"
    bad.write_bytes(b"Ask {contact} or {dpo}.\n")
    result = _cli("settings", "check", env={privacy.NOTICE_SETTING: str(bad)})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: ASSESSMENT_PRIVACY_NOTICE: {bad}:1: {{dpo}} is not a placeholder (they are {{controller}}, "
        "{contact}, {retention}; write {{ and }} for a brace)"]
    result = _cli("settings", "check", env={privacy.NOTICE_SETTING: str(tmp_path / "none.md")})
    assert result.stderr.splitlines() == [f"error: ASSESSMENT_PRIVACY_NOTICE: {tmp_path / 'none.md'}: there is no "
                                          "such file"]
    bad.write_text("## Ours\n\nAsk {contact}.\n", encoding="utf-8")
    assert _cli("settings", "check", env={privacy.NOTICE_SETTING: str(bad)}).returncode == 0


def test_the_privacy_settings_are_read_and_refused_in_one_line(tmp_path):
    assert settings.privacy({}).own is False and "{controller}" in settings.privacy({}).template
    with pytest.raises(settings.BadSetting, match=r"^ASSESSMENT_PRIVACY_CONTROLLER holds a control character"):
        settings.read({privacy.CONTROLLER_SETTING: "Medway\nCouncil"})
    relative = settings.privacy({privacy.NOTICE_SETTING: "deploy/privacy-notice.md"})
    assert relative.own and relative.template == read_notice(None)   # a relative path is from the app's folder
