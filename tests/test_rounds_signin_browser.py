"""A respondent round with sign-in, in a real browser (issue 30, "Done when"): the app runs under
`streamlit run` against the mock OpenID Connect provider (as in test_signin_browser.py). An officer
who has an account, invited by address, signs in and answers the round as themselves on "Your
views" (/views); two outside respondents answer through their links; the round is closed,
moderated, applied and the period submitted; then a councillor (reviewer) signs in and reads the
progress report of the submitted period, with the "Views gathered" section: the range chart (Vega)
and its table. Screenshots are kept in test-artifacts/browser/."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from assessment import workflows
from assessment.workflows import LOCAL_ACTOR

from .test_browser import app_server, free_port, idle, page, shot, widget  # noqa: F401 - page is a fixture
from .test_signin_browser import secrets_file, sign_in

OFFICER = ("officer-1", "officer@medway.gov.uk", "Olivia Officer")
COUNCILLOR = ("cllr-1", "cllr@medway.gov.uk", "Cllr Amira Rahman")
ASKED = ["1", "2", "3"]


@pytest.fixture
def provider():
    from oidc_provider_mock import User, run_server_in_thread
    users = [User(sub=sub, claims={"email": email, "email_verified": True, "name": name})
             for sub, email, name in (OFFICER, COUNCILLOR)]
    with run_server_in_thread(free_port(), user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def _answer(page, prefix: str, item: str, level: str, comment: str) -> None:
    """Choose a level (the option whose label starts with it) and say why, for one objective."""
    for _ in range(10):         # a click that lands while the page is still running is made again
        idle(page)
        widget(page, f"{prefix}.score.{item}").click()
        option = page.get_by_role("option", name=re.compile(rf"^{re.escape(level)}( |$)"))
        try:
            option.first.wait_for(timeout=1500)
            break
        except Exception:  # noqa: BLE001 - the list did not open
            page.keyboard.press("Escape")
    option.first.click()
    expect(widget(page, f"{prefix}.score.{item}").get_by_role("combobox")).to_have_value(
        re.compile(rf"^{re.escape(level)}( |$)"))
    idle(page)
    box = widget(page, f"{prefix}.comment.{item}").locator("textarea")
    box.fill(comment)
    box.press("Tab")            # a text area sends its value when it loses focus
    idle(page)


def test_an_officer_answers_signed_in_and_a_councillor_reads_the_views_gathered(tmp_path, provider, page):  # noqa: F811
    url = f"sqlite:///{tmp_path / 'rounds.db'}"
    store = workflows.connect(url)
    workflows.ensure_examples(store)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    workflows.add_person(store, LOCAL_ACTOR, OFFICER[1], "medway", "editor")
    workflows.add_person(store, LOCAL_ACTOR, COUNCILLOR[1], "medway", "reviewer")
    r = workflows.open_round(store, LOCAL_ACTOR, "medway", "2024", closes=date.today() + timedelta(days=14),
                             items=ASKED, mode="anonymous", k=3)
    made = workflows.invite(store, LOCAL_ACTOR, r.id, OFFICER[1], department="Procurement",
                            perspectives=["procurement officer", "finance"], primary="finance")
    assert made.token is None                                   # an account here: answered signed in, no link
    links = [workflows.invite(store, LOCAL_ACTOR, r.id, f"person{n}@partner.org", department="Finance",
                              perspectives=["finance"]).token for n in range(2)]
    for token in links:
        workflows.answer_by_link(store, token, {"1": ("2", "A view"), "2": ("2", ""), "3": ("3", "")}, submit=True)

    port = free_port()
    secrets = secrets_file(tmp_path / "secrets.toml", port, provider)
    with app_server(url, f"--secrets.files={secrets}", port=port, host="localhost") as base:
        # (a) the officer signs in and answers the round on "Your views"
        sign_in(page, base, OFFICER)
        expect(page.get_by_text(f"Signed in as {OFFICER[2]}")).to_be_visible(timeout=30000)
        navigation = page.get_by_test_id("stSidebarNav")
        expect(navigation.get_by_role("link", name="Your views", exact=True)).to_be_visible(timeout=30000)
        navigation.get_by_role("link", name="Your views", exact=True).click()
        expect(page).to_have_url(re.compile(r"/views"), timeout=30000)
        expect(page.get_by_role("heading", name="Medway Council, 2024")).to_be_visible(timeout=30000)
        prefix = f"views.{r.id}"
        for item, level, comment in (("1", "4", "The contracts register is kept up to date"),
                                     ("2", "2", ""), ("3", "3", "Training is planned")):
            _answer(page, prefix, item, level, comment)
        shot(page, "round-officer-views")
        widget(page, f"{prefix}.submit").locator("button").click()
        expect(page.get_by_text("Your answers are submitted. Thank you.")).to_be_visible(timeout=30000)
        expect(page.get_by_text("You have submitted your answers to this round. Thank you.")).to_be_visible()
        spread = workflows.round_spread(store, LOCAL_ACTOR, r.id)
        assert spread.answered == 3
        assert (spread.objectives["1"].lowest, spread.objectives["1"].highest) == (2, 4)

        # the moderator: closes, agrees (a rationale where views differ), applies, and submits the period
        workflows.close_round(store, LOCAL_ACTOR, r.id)
        voiced = [s.id for s in workflows.round_answers(store, LOCAL_ACTOR, r.id)
                  if any(a.comment == "A view" for a in s.answers)]
        workflows.moderate(store, LOCAL_ACTOR, r.id, "1", "3", rationale="Evidence from the contracts register",
                           meeting="Procurement board, 3 March", published=voiced[:1])
        workflows.moderate(store, LOCAL_ACTOR, r.id, "2", "2")
        workflows.moderate(store, LOCAL_ACTOR, r.id, "3", "3")
        assert workflows.apply_round(store, LOCAL_ACTOR, r.id) == ASKED
        workflows.confirm_scores(store, LOCAL_ACTOR, "medway", "2024")
        workflows.submit_period(store, LOCAL_ACTOR, "medway", "2024")

        # (b) the councillor signs in and reads the submitted period's report, with the views gathered
        sign_in(page, base, COUNCILLOR)
        expect(page.get_by_text(f"Signed in as {COUNCILLOR[2]}")).to_be_visible(timeout=30000)
        expect(page.get_by_text("Reviewer, Medway Council")).to_be_visible(timeout=30000)
        # landing on the report: the latest period put before reviewers, now the submitted 2024
        expect(page.get_by_text("Progress report: Medway Council, 2024")).to_be_visible(timeout=30000)
        page.goto(f"{base}/report?org=medway&period=2024")
        expect(page.get_by_text("Progress report: Medway Council, 2024")).to_be_visible(timeout=30000)
        views = widget(page, "report.views")
        expect(views.get_by_role("heading", name="Views gathered")).to_be_visible(timeout=30000)
        chart = views.get_by_test_id("stVegaLiteChart")   # the range chart, drawn by Vega
        expect(chart).to_have_count(1, timeout=30000)
        expect(chart.locator("svg, canvas").first).to_be_visible(timeout=30000)
        expect(views.locator("table").first).to_be_visible()
        expect(views.locator("table").first).to_contain_text("A view")            # the comment published
        expect(views.locator("table").first).to_contain_text("median 2 – Developing, range 2 to 4, 3 answering")
        expect(views).not_to_contain_text("The contracts register is kept up to date")   # not published
        shot(page, "round-councillor-report")
    store.engine.dispose()
