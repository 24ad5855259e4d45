"""Sign-in in a real browser against a real OpenID Connect provider on loopback.

`oidc-provider-mock` (a Flask app built on Authlib) runs in a thread of the test; the app runs
under `streamlit run` with a secrets file naming it, exactly as a council's would name Entra ID.
Nothing inside the product is mocked: Chromium follows the redirects, the provider's
authorisation form is filled in, Streamlit checks the ID token, and the app binds the person.
An editor signs in and sees the scoring pages; a councillor (reviewer) signs in, lands on the
progress report and sees no Score, Actions or Import page nor the draft period; someone not added
is told whom to ask. Screenshots are kept in test-artifacts/browser/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from assessment import workflows
from assessment.workflows import LOCAL_ACTOR, queries

from .test_browser import app_server, free_port, page, shot, widget  # noqa: F401 - page is a fixture

EDITOR = ("officer-1", "officer@medway.gov.uk", "Olivia Officer")
REVIEWER = ("cllr-1", "cllr@medway.gov.uk", "Cllr Amira Rahman")
STRANGER = ("stranger-1", "someone@elsewhere.gov.uk", "Sam Stranger")
KIM = ("kim-1", "kim.admin@medway.gov.uk", "Kim Admin")              # Medway's administrator, added, not yet signed in
DEPLOYER = ("it-1", "it@council.gov.uk", "Ira Technician")           # the deployment's administrator, no role
IMPOSTORS = {   # sub -> (claims, what the page says was missing)
    "impostor-kelvin": ({"email": "\u212aim.admin@medway.gov.uk", "email_verified": True}, "U+212A KELVIN SIGN"),
    "impostor-unverified": ({"email": KIM[1], "email_verified": False}, "email_verified is false"),
    "impostor-username": ({"preferred_username": KIM[1]}, "sent no email address"),
}


@pytest.fixture
def provider():
    from oidc_provider_mock import User, run_server_in_thread
    users = [User(sub=sub, claims={"email": email, "email_verified": True, "name": name})
             for sub, email, name in (EDITOR, REVIEWER, STRANGER, KIM, DEPLOYER)]
    users += [User(sub=sub, claims={**presented, "name": "Kim Admin"}) for sub, (presented, _) in IMPOSTORS.items()]
    with run_server_in_thread(free_port(), user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def signed_in_server(tmp_path, provider):
    """The app with sign-in set up against `provider`: Medway's example record, a draft 2024, the
    editor and the reviewer added by email (not yet signed in)."""
    url = f"sqlite:///{tmp_path / 'signin.db'}"
    store = workflows.connect(url)
    workflows.ensure_examples(store)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    workflows.add_person(store, LOCAL_ACTOR, EDITOR[1], "medway", "editor")
    workflows.add_person(store, LOCAL_ACTOR, REVIEWER[1], "medway", "reviewer")
    workflows.add_person(store, LOCAL_ACTOR, KIM[1], "medway", "administrator")
    workflows.add_person(store, LOCAL_ACTOR, DEPLOYER[1], None, "deployment-administrator")
    port = free_port()
    secrets = secrets_file(tmp_path / "secrets.toml", port, provider)
    with app_server(url, f"--secrets.files={secrets}", port=port, host="localhost") as base:
        yield base, store, provider
    store.engine.dispose()


def secrets_file(path, port: int, provider: str):
    """A secrets file as .streamlit/secrets.toml.example describes, naming the test provider."""
    path.write_text(f'''[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "a-test-cookie-secret-of-some-length"
client_id = "procurement-maturity"
client_secret = "a-test-client-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
''')
    return path


def sign_in(page: Page, base: str, who: tuple[str, str, str]) -> None:
    """From a fresh visit: the app's sign-in page, the provider's form (the person's predefined
    button), and back."""
    page.context.clear_cookies()
    page.goto(base)
    expect(page.get_by_text("Sign in with your council account")).to_be_visible(timeout=30000)
    widget(page, "signin.in").locator("button").click()
    expect(page.get_by_text("Authorize Client")).to_be_visible(timeout=30000)
    page.get_by_role("button", name=who[0], exact=True).click()


def test_an_editor_and_a_councillor_sign_in_and_see_what_their_roles_allow(signed_in_server, page):  # noqa: F811
    base, store, provider = signed_in_server
    navigation = page.get_by_test_id("stSidebarNav")

    sign_in(page, base, EDITOR)
    expect(page.get_by_text(f"Signed in as {EDITOR[2]}")).to_be_visible(timeout=30000)
    expect(page.get_by_text("Editor, Medway Council")).to_be_visible()
    expect(page.get_by_text("Overall:")).to_be_visible(timeout=30000)
    for name in ("Start", "Score a key area", "Progress report", "Actions", "Import"):
        expect(navigation.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="People", exact=True)).to_have_count(0)   # not an administrator
    shot(page, "signin-1-editor-on-start")
    reminders = page.get_by_test_id("stSidebar").get_by_role("switch", name="Email me reminders")
    expect(reminders).to_be_checked()      # their own reminders by email, switched off here (`notify run`)
    page.get_by_test_id("stSidebar").get_by_text("Email me reminders").click()
    expect(reminders).not_to_be_checked()
    for _ in range(50):
        if not workflows.reminders_on(store, LOCAL_ACTOR, EDITOR[1]):
            break
        page.wait_for_timeout(100)
    assert not workflows.reminders_on(store, LOCAL_ACTOR, EDITOR[1])
    page.get_by_role("link", name="Score a key area").click()
    expect(page.get_by_text("Score: Medway Council, 2024")).to_be_visible(timeout=30000)
    shot(page, "signin-2-editor-scoring")
    bound = queries  # the person is bound to the provider's issuer and subject on first sign-in
    person = next(p for p in workflows.everyone(store, LOCAL_ACTOR) if p.email == EDITOR[1])
    assert (person.issuer, person.subject, person.name) == (provider, EDITOR[0], EDITOR[2]), bound

    sign_in(page, base, REVIEWER)
    expect(page.get_by_text(f"Signed in as {REVIEWER[2]}")).to_be_visible(timeout=30000)
    expect(page.get_by_text("Reviewer, Medway Council")).to_be_visible()
    expect(page.get_by_text("Status: Approved")).to_be_visible()
    expect(page.locator(".st-key-report-radar canvas, .st-key-report-radar svg").first).to_be_visible(timeout=30000)
    expect(page.get_by_role("heading", name="Progress report", exact=False).first).to_be_visible(timeout=30000)
    expect(navigation.get_by_role("link", name="Progress report", exact=True)).to_be_visible()
    for name in ("Score a key area", "Actions", "Import", "People"):
        expect(navigation.get_by_role("link", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_text("2024", exact=True)).to_have_count(0)   # the draft is not put before councillors
    shot(page, "signin-3-councillor-on-the-report")
    page.goto(f"{base}/report?org=medway&period=2022")   # the address an officer would share
    expect(page.get_by_text("Progress report: Medway Council, 2022")).to_be_visible(timeout=30000)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.goto(f"{base}/report?org=medway&period=2024")   # the draft, by address
    expect(page.get_by_text("Medway Council has no period “2024” put before reviewers")).to_be_visible(timeout=30000)
    page.goto(f"{base}/score?org=medway&period=2023")   # a page their role does not have, by address
    expect(page.get_by_text("Score: Medway Council")).to_have_count(0)
    page.wait_for_timeout(1500)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    shot(page, "signin-4-councillor-typing-the-score-address")

    sign_in(page, base, STRANGER)
    refused = page.get_by_role("alert")
    expect(refused).to_contain_text("but you have not been given access to this tool yet", timeout=30000)
    assert refused.inner_text().replace("\u2060", "").startswith(f"You are signed in as {STRANGER[1]},")
    shot(page, "signin-5-someone-not-added")


def test_impostors_are_refused_then_the_person_added_signs_in(signed_in_server, page):  # noqa: F811
    """Three identities that would each have become Medway's administrator (a look-alike letter, an
    address the provider says is unverified, a username in place of an address) are refused with a
    page naming what was missing, and logged; then Kim, who was added, signs in as administrator."""
    base, store, provider = signed_in_server
    for number, (sub, (_, missing)) in enumerate(IMPOSTORS.items(), start=1):
        sign_in(page, base, (sub, "", ""))
        refused = page.get_by_role("alert")
        expect(refused).to_contain_text("You could not be signed in", timeout=30000)
        expect(refused).to_contain_text(missing)
        expect(page.get_by_role("link", name="Start")).to_have_count(0)
        shot(page, f"signin-impostor-{number}-{sub}")
    log = workflows.sign_in_log(store, LOCAL_ACTOR)
    assert [(line.kind, line.subject) for line in log] == [("refused", sub) for sub in reversed(IMPOSTORS)]
    assert all(missing in line.reason for line, (_, missing) in zip(log, reversed(IMPOSTORS.values())))
    with store.engine.connect() as connection:   # the log holds reasons, never a token (a JWT starts eyJ)
        from sqlalchemy import text
        assert "eyJ" not in repr(connection.execute(text("SELECT * FROM sign_in_log")).all())
    # the deployment's administrator, with a role at Medway and signed in: not Kim's to see named or free
    workflows.add_person(store, LOCAL_ACTOR, DEPLOYER[1], "medway", "reviewer")
    assert workflows.sign_in(store, {"iss": provider, "sub": DEPLOYER[0], "email": DEPLOYER[1],
                                     "email_verified": True}).actor is not None
    sign_in(page, base, KIM)
    expect(page.get_by_text(f"Signed in as {KIM[2]}")).to_be_visible(timeout=30000)
    expect(page.get_by_text("Administrator, Medway Council")).to_be_visible()
    expect(page.get_by_role("link", name="People", exact=True)).to_be_visible()
    shot(page, "signin-impostor-4-the-person-added")
    kim = next(p for p in workflows.everyone(store, LOCAL_ACTOR) if p.email == KIM[1])
    assert (kim.issuer, kim.subject) == (provider, KIM[0])
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", name="People: Medway Council")).to_be_visible(timeout=30000)
    expect(widget(page, "people.table")).to_contain_text(DEPLOYER[1].replace("@", "\u2060@"))   # a reviewer there
    expect(page.get_by_text("Deployment administrators", exact=False)).to_have_count(0)
    page.get_by_text("Free a sign-in").click()
    offered = page.get_by_role("option")
    for _ in range(10):        # a click that lands while the page is still running is made again
        widget(page, "people.unbind.who").click()
        try:
            offered.first.wait_for(timeout=1500)
            break
        except Exception:  # noqa: BLE001 - the list did not open
            page.keyboard.press("Escape")
    expect(offered).to_have_count(1)
    assert offered.inner_text().replace("\u2060", "") == KIM[1]             # her own; not the deployment's admin
    shot(page, "signin-impostor-5-people-for-an-organisation-administrator")


def test_the_deployment_administrator_manages_people_but_opens_no_record(signed_in_server, page):  # noqa: F811
    """Signed in, the deployment's administrator sees Start (to add organisations) and People (any
    organisation's, named there as deployment administrator), frees a sign-in, and reads the refused
    sign-ins; no Score, report or Actions page, and a record's address shows nothing."""
    base, store, _ = signed_in_server
    sign_in(page, base, EDITOR)                      # bound, so that there is a sign-in to free
    expect(page.get_by_text(f"Signed in as {EDITOR[2]}")).to_be_visible(timeout=30000)
    sign_in(page, base, DEPLOYER)
    expect(page.get_by_text(f"Signed in as {DEPLOYER[2]}")).to_be_visible(timeout=30000)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Deployment administrator")
    expect(page.get_by_text("You administer this deployment")).to_be_visible(timeout=30000)
    navigation = page.get_by_test_id("stSidebarNav")
    for name in ("Score a key area", "Progress report", "Actions", "Import"):
        expect(navigation.get_by_role("link", name=name, exact=True)).to_have_count(0)
    shot(page, "signin-deployment-1-start")
    navigation.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", name="People: Medway Council")).to_be_visible(timeout=30000)
    named = page.get_by_text("Deployment administrators (they add organisations and manage people everywhere")
    expect(named).to_be_visible()
    assert named.inner_text().replace("\u2060", "").endswith(f"with a role at its organisation): {DEPLOYER[1]}")
    page.get_by_text("Free a sign-in").click()
    widget(page, "people.unbind.reason").locator("input").fill("testing a new account")
    widget(page, "people.unbind").locator("button").click()
    expect(page.get_by_text("is no longer bound to an account; their next sign-in binds them")).to_be_visible(
        timeout=30000)
    shot(page, "signin-deployment-2-people")
    assert not next(p for p in workflows.everyone(store, LOCAL_ACTOR) if p.email == EDITOR[1]).signed_in_before
    page.goto(f"{base}/report?org=medway&period=2023")
    page.wait_for_timeout(1500)
    expect(page.get_by_text("Progress report: Medway Council")).to_have_count(0)
    expect(page.get_by_text("Overall:")).to_have_count(0)
    shot(page, "signin-deployment-3-report-address-shows-nothing")
