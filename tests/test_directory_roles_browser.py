"""Roles from the directory in a real browser (issue 28, part 3): the mock OpenID Connect provider
(`oidc-provider-mock`, as in test_signin_browser.py) issues ID tokens with Entra ID's `roles` claim
(the app roles' values) and `tid`; the app runs under `streamlit run` with
ASSESSMENT_DIRECTORY_ROLES mapping them to Medway's roles and the tenant named in its secrets.
Someone no administrator added signs in with a verified address and the app role Medway.Editor,
and is signed in as Medway's editor; the directory then gives them Medway.Reviewer instead, and at
their next sign-in they are Medway's reviewer, the editor's role gone. Screenshots are kept in
test-artifacts/browser/."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from assessment import workflows
from assessment.workflows import LOCAL_ACTOR

from .test_browser import app_server, free_port, page, shot  # noqa: F401 - page is a fixture
from .test_signin_browser import secrets_file, sign_in

TENANT = "9f3c2a61-0000-4000-8000-000000000001"
DANA = ("dana-1", "dana@medway.gov.uk", "Dana Directory")       # not added by hand: an app role in Entra
CLAIMS = {"email": DANA[1], "email_verified": True, "name": DANA[2], "tid": TENANT}


@pytest.fixture
def provider():
    from oidc_provider_mock import User, run_server_in_thread
    with run_server_in_thread(free_port(), user_claims=[User(sub=DANA[0], claims={**CLAIMS,
                                                                                  "roles": ["Medway.Editor"]})]) as server:
        yield f"http://localhost:{server.server_port}"


def test_someone_signs_in_with_their_role_from_the_directory(tmp_path, provider, page, monkeypatch):  # noqa: F811
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    store = workflows.connect(url)
    workflows.ensure_examples(store)
    port = free_port()
    secrets = secrets_file(tmp_path / "secrets.toml", port, provider)
    secrets.write_text(secrets.read_text() + f'\n[signin]\ntenant_id = "{TENANT}"\n')
    monkeypatch.setenv("ASSESSMENT_DIRECTORY_ROLES", "Medway.Admin=medway:administrator, "
                       "Medway.Editor=medway:editor, Medway.Reviewer=medway:reviewer")
    with app_server(url, f"--secrets.files={secrets}", port=port, host="localhost") as base:
        sign_in(page, base, DANA)
        expect(page.get_by_text(f"Signed in as {DANA[2]}")).to_be_visible(timeout=30000)
        expect(page.get_by_text("Editor, Medway Council")).to_be_visible()
        expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Score a key area",
                                                               exact=True)).to_be_visible(timeout=30000)
        shot(page, "directory-1-editor-from-the-directory")
        dana = next(p for p in workflows.everyone(store, LOCAL_ACTOR) if p.email == DANA[1])
        assert (dana.subject, dana.roles, dana.from_directory) == (DANA[0], {"medway": "editor"}, {"medway"})

        # in the directory, Dana's app role becomes Medway.Reviewer: at the next sign-in the editor's role goes
        request = urllib.request.Request(f"{provider}/users/{DANA[0]}", method="PUT", data=json.dumps(
            {**CLAIMS, "roles": ["Medway.Reviewer"]}).encode(), headers={"Content-Type": "application/json"})
        assert urllib.request.urlopen(request, timeout=10).status == 204
        sign_in(page, base, DANA)
        expect(page.get_by_text(f"Signed in as {DANA[2]}")).to_be_visible(timeout=30000)
        expect(page.get_by_text("Reviewer, Medway Council")).to_be_visible(timeout=30000)
        expect(page.get_by_text("Editor, Medway Council")).to_have_count(0)
        expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Score a key area",
                                                               exact=True)).to_have_count(0)
        shot(page, "directory-2-reviewer-at-the-next-sign-in")
        changes = [e.describe() for e in workflows.people(store, LOCAL_ACTOR, "medway").changes
                   if e.person == "the directory"]
        assert changes == [f"{DANA[1]}: editor → reviewer, from the directory's app roles at sign-in",
                           f"{DANA[1]}: no role → editor, from the directory's app roles at sign-in"]
    store.engine.dispose()
