"""Councils side by side on the progress report, in real Chromium (issue 31): Home, a unitary
authority, and ten other unitary authorities put their 2023/24 forward and a release is published
(the set-up and the numbers worked by hand: tests/test_peers_report.py). Home's report shows the
"Compared with" select beside the radar, the group's quartiles as a band with the median as a tick,
the at-a-glance sentence, the group's column in the radar's table and the Peers section, and names
no other council. Screenshot: test-artifacts/browser/peers-report.png. The deployment's
administrator publishes the next release on the Peer comparison page: peers-admin.png."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from assessment.domain.record import long_date

from assessment.storage.store import open_store

from .test_browser import app_server, idle, page, shot, widget  # noqa: F401 - page is a fixture
from .test_peers_report import COLUMN, HOME, SENTENCE, set_up


def _set_up(tmp_path) -> str:
    """The database of tests/test_peers_report.py: Home, ten other unitary authorities, one release."""
    url = f"sqlite:///{tmp_path / 'peers.db'}"
    store = open_store(url)
    set_up(store)
    store.engine.dispose()
    return url


def test_a_councillor_reads_where_the_council_stands_among_its_peers(tmp_path, page):  # noqa: F811
    with app_server(_set_up(tmp_path)) as base:
        page.goto(f"{base}/report?org={HOME}&period=2023%2F24")
        expect(page.get_by_text("Progress report: Home Council, 2023/24")).to_be_visible(timeout=30000)
        idle(page)
        radar = widget(page, "report.radar")
        expect(radar.locator("svg, canvas").first).to_be_visible(timeout=30000)
        expect(page.get_by_text(SENTENCE)).to_be_visible()
        expect(page.get_by_role("combobox", name="Compared with")).to_have_value("Type: unitary authorities (n = 11)")
        expect(page.get_by_text("Compared with 11 unitary authorities in 2023/24 (release 1, "
                                "published 1 April 2026): the pale green striped band")).to_be_visible()
        numbers = page.locator("table").filter(has_text=COLUMN).first
        expect(numbers).to_contain_text("3.00 (2.50 to 4.00)")
        expect(numbers).to_contain_text("3.00 (2.00 to 4.00)")
        expect(page.get_by_role("heading", name="Peers", exact=True)).to_be_visible()
        expect(widget(page, "report.peers")).to_contain_text("National diagnostic 2025 (LGA national report, 2025)")
        text = page.locator("[data-testid='stMain']").inner_text()
        assert "peer-0" not in text and "Peer Council" not in text
        widget(page, "report.radar").scroll_into_view_if_needed()
        shot(page, "peers-report")


def test_the_deployment_administrator_publishes_a_release_on_its_page(tmp_path, page):  # noqa: F811
    with app_server(_set_up(tmp_path)) as base:
        page.goto(f"{base}/peers")
        expect(page.get_by_role("heading", level=1, name="Peer comparison")).to_be_visible(timeout=30000)
        idle(page)
        expect(page.get_by_text("11 approved periods put forward now, from 11 councils")).to_be_visible()
        releases = widget(page, "peers.releases")
        expect(releases).to_contain_text("1")
        page.get_by_role("button", name="Preview the release").click()
        expect(widget(page, "peers.preview")).to_contain_text("(nothing is published)", timeout=30000)
        idle(page)
        shot(page, "peers-admin-preview")
        page.get_by_role("button", name="Publish the release").click()
        today = long_date(date.today())
        expect(page.get_by_text(f"Release 2 of {today} published.")).to_be_visible(timeout=30000)
        idle(page)
        expect(widget(page, "peers.releases")).to_contain_text(today)
        expect(widget(page, "peers.groups")).to_contain_text("Southern buyers")
        page.get_by_text("Withheld by the guard in release").click()
        idle(page)
        shot(page, "peers-admin")
