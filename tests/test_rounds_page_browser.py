"""The moderator's part of a round in real Chromium (issue 30): three respondents have answered through
their links; on the Rounds page the moderator closes the round, is refused an agreed score two levels
from the median without a reason (in a line), gives one, agrees the rest and applies them. The
scores are then in the period. Screenshot: test-artifacts/browser/round-moderate.png (all agreed,
before applying)."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from assessment import workflows
from assessment.domain.scores import Score
from assessment.storage.store import open_store
from assessment.workflows import Actor

from .conftest import stored
from .test_browser import app_server, idle, page, shot, widget  # noqa: F401 - page is a fixture

EDITOR = Actor("head@medway.gov.uk", roles={"medway": "editor"})
ANSWERS = {"finance@partner.org": ("Finance", "finance", {"1": ("2", "We buy well but plan little."),
                                                          "2": ("3", ""), "3": ("2", "")}),
           "legal@partner.org": ("Legal", "legal", {"1": ("3", ""), "2": ("3", ""), "3": ("2/3", "")}),
           "charity@partner.org": ("Voluntary sector", "partner body",
                                   {"1": ("4", "Partners see real leadership."), "2": ("4", ""),
                                    "3": ("don't know", "")})}


def _pick(page, key: str, option: str) -> None:
    """Choose in a select box brought to the middle of the window first: low on the page, its list
    opened, the page scrolled to show it, and a scroll shuts the list."""
    box = widget(page, key).get_by_role("combobox")
    box.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def _agree(page, item: str, score: str, why: str = "") -> None:
    _pick(page, f"rounds.1.moderate.{item}.score", score)
    if why:
        widget(page, f"rounds.1.moderate.{item}.rationale").locator("textarea").fill(why)
    page.get_by_role("button", name="Agree this score").click()
    idle(page)


def test_the_moderator_agrees_and_applies_the_scores(tmp_path, page):  # noqa: F811
    url = f"sqlite:///{tmp_path / 'moderate.db'}"
    store = open_store(url)
    workflows.ensure_examples(store)
    workflows.start_period(store, EDITOR, "medway", "2024")
    r = workflows.open_round(store, EDITOR, "medway", "2024", closes=date.today() + timedelta(days=9),
                             items=["1", "2", "3"], k=3)
    for email, (department, view, given) in ANSWERS.items():
        token = workflows.invite(store, EDITOR, r.id, email, department=department, perspectives=[view]).token
        assert token is not None
        workflows.answer_by_link(store, token, given, submit=True)
    store.engine.dispose()
    with app_server(url) as base:
        page.goto(f"{base}/rounds?org=medway&period=2024")
        expect(page.get_by_role("heading", name="Rounds: Medway Council, 2024")).to_be_visible(timeout=30000)
        idle(page)
        expect(page.get_by_text("Round 1 is open")).to_be_visible()
        page.get_by_role("button", name="Close the round").click()
        idle(page)
        expect(page.get_by_text("Closed round 1: agree a score for each objective below")).to_be_visible()
        _agree(page, "1", "4 – Leader")                      # two levels apart, no reason: refused in a line
        expect(page.get_by_text("Objective 1: say why the agreed score is 4 – Leader")).to_be_visible()
        widget(page, "rounds.1.moderate.1.meeting").locator("input").fill("Procurement board, 12 May 2026")
        expect(page.get_by_text("Comment 1 (answer 4, charity")).to_contain_text("“Partners see real leadership.”")
        page.get_by_text("Publish comment 1", exact=True).click()      # the tick box's label
        expect(page.get_by_role("checkbox", name="Publish comment 1")).to_be_checked()
        _agree(page, "1", "3 – Mature", "Leadership is real, but planning lags behind.")
        expect(page.get_by_text("Objective 1 agreed at 3 – Mature.")).to_be_visible()
        _agree(page, "2", "3 – Mature")
        _agree(page, "3", "2 – Developing")
        expect(page.get_by_text("Objective 3 agreed at 2 – Developing.")).to_be_visible()
        expect(page.get_by_text("3 of 3 objectives agreed.")).to_be_visible()
        shot(page, "round-moderate")
        page.get_by_role("button", name="Apply the agreed scores").click()
        idle(page)
        expect(page.get_by_text("Applied round 1: 3 agreed scores written into 2024.")).to_be_visible()
        expect(page.get_by_role("heading", name="Open a round")).to_be_visible()
    entries = stored(open_store(url), "medway").period("2024").entries
    assert [entries[i].score for i in ("1", "2", "3")] == [Score(3.0), Score(3.0), Score(2.0)]
