"""A round on key areas read in the progress report, in real Chromium (issue 30): Medway's 2024 is
scored one level per key area; four people answered a round on two of its key areas and the
agreed levels were applied. The report's radar carries the respondents' range as a pale band along
those key areas' spokes, says so under the chart, and its table gives the same numbers. Screenshot:
test-artifacts/browser/round-radar-band.png."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from assessment import workflows
from assessment.storage.store import open_store
from assessment.workflows import LOCAL_ACTOR

from .test_browser import app_server, idle, page, shot, widget  # noqa: F401 - page is a fixture

AREAS = {"engaging-councillors": ("2", "4", "3", "3"), "engaging-senior-managers": ("3", "3", "4", "3")}


def test_a_councillor_reads_the_respondents_range_on_the_radar(tmp_path, page):  # noqa: F811
    url = f"sqlite:///{tmp_path / 'band.db'}"
    store = open_store(url)
    workflows.ensure_examples(store)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024", per="key_area")
    r = workflows.open_round(store, LOCAL_ACTOR, "medway", "2024", closes=date.today() + timedelta(days=9),
                             items=list(AREAS), k=3)
    for n in range(4):
        token = workflows.invite(store, LOCAL_ACTOR, r.id, f"p{n}@partner.org", department="Finance",
                                 perspectives=["finance"]).token
        workflows.answer_by_link(store, token or "", {a: (levels[n], "") for a, levels in AREAS.items()}, submit=True)
    workflows.close_round(store, LOCAL_ACTOR, r.id)
    workflows.moderate(store, LOCAL_ACTOR, r.id, "engaging-councillors", "3", rationale="Two levels apart")
    workflows.moderate(store, LOCAL_ACTOR, r.id, "engaging-senior-managers", "3")
    workflows.apply_round(store, LOCAL_ACTOR, r.id)
    store.engine.dispose()
    with app_server(url) as base:
        page.goto(f"{base}/report?org=medway&period=2024")
        expect(page.get_by_text("Progress report: Medway Council, 2024")).to_be_visible(timeout=30000)
        idle(page)
        radar = widget(page, "report.radar")
        expect(radar.locator("svg, canvas").first).to_be_visible(timeout=30000)
        expect(page.get_by_text("From the respondent round, the pale blue band along each key area's spoke")
               ).to_be_visible()
        numbers = page.locator("table").filter(has_text="Respondents (lowest to highest)").first
        expect(numbers).to_contain_text("2 to 4 (n = 4)")
        expect(numbers).to_contain_text("3 to 4 (n = 4)")
        widget(page, "report.radar").scroll_into_view_if_needed()
        shot(page, "round-radar-band")
