"""Answering a round through a link in real Chromium (issue 30): the link opens the questionnaire and
leaves the address bar; an answer is saved, found again by opening the link again, and submitted;
the link then opens nothing. Screenshot: test-artifacts/browser/round-answer.png."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from assessment import workflows
from assessment.storage.store import open_store
from assessment.workflows import Actor

from .test_browser import app_server, choose, idle, page, shot, widget  # noqa: F401 - page is a fixture

EDITOR = Actor("head@medway.gov.uk", roles={"medway": "editor"})


def test_an_outside_respondent_answers_through_a_link(tmp_path, page):  # noqa: F811
    url = f"sqlite:///{tmp_path / 'round.db'}"
    store = open_store(url)
    workflows.ensure_examples(store)
    workflows.start_period(store, EDITOR, "medway", "2024")
    r = workflows.open_round(store, EDITOR, "medway", "2024", closes=date.today() + timedelta(days=9), items=["1", "2"])
    token = workflows.invite(store, EDITOR, r.id, "partner@charity.org.uk", department="Voluntary sector",
                             perspectives=["partner body"]).token
    store.engine.dispose()
    with app_server(url) as base:
        page.goto(f"{base}/?link={token}")
        expect(page.get_by_role("heading", name="Your views: Medway Council, 2024")).to_be_visible(timeout=30000)
        idle(page)
        expect(page).not_to_have_url(re.compile("link="))              # taken out of the address bar
        choose(page, "answer.score.1", "2 – Developing")
        widget(page, "answer.comment.1").locator("textarea").fill("We are partners in two contracts.")
        widget(page, "answer.comment.1").locator("textarea").press("Tab")
        idle(page)
        page.get_by_role("button", name="Save my answers").click()
        idle(page)
        expect(page.get_by_text("Saved. Come back with the same link")).to_be_visible()
        shot(page, "round-answer")
        page.goto(f"{base}/?link={token}")                               # comes back
        expect(page.get_by_role("heading", name="Your views: Medway Council, 2024")).to_be_visible(timeout=30000)
        idle(page)
        expect(widget(page, "answer.score.1").get_by_role("combobox")).to_have_value("2 – Developing")
        page.get_by_role("button", name="Submit my answers").click()
        idle(page)
        expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
        page.goto(f"{base}/?link={token}")
        expect(page.get_by_text("This link to answer is not valid")).to_be_visible(timeout=30000)
    assert workflows.round_spread(open_store(url), EDITOR, r.id).answered == 1
