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


@pytest.fixture
def provider():
    from oidc_provider_mock import User, run_server_in_thread
    users = [User(sub=sub, claims={"email": email, "name": name}) for sub, email, name in (EDITOR, REVIEWER, STRANGER)]
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
