"""A new user in a real browser: headless Debian Chromium driven by Playwright against
`streamlit run app.py` on a free loopback port with a fresh database.

Screenshots of each step are kept in test-artifacts/browser/ for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from assessment import workflows
from assessment.ui.covering_form import section_key
from assessment.domain.scores import Score
from assessment.formats.framework_file import find_framework
from assessment.formats.writers.word_appendix import appendix_docx
from assessment.storage.store import open_store

from .conftest import ROOT, stored
from .pdfpages import page_texts, pdf_info

SHOTS = ROOT / "test-artifacts" / "browser"


def chromium_binary() -> str:
    for candidate in ("/usr/lib/chromium/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Debian's chromium is not installed (scripts/system-deps.sh installs it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(database_url: str, *options: str, port: int | None = None, host: str = "127.0.0.1"):
    """`streamlit run app.py` on a loopback port with its own database (and any further options,
    e.g. a secrets file), waited for until healthy; yields its base address, stops it after."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
         "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false", *options],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    base = f"http://{host}:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("streamlit did not start: " + process.stdout.read().decode(errors="replace")[-2000:])
            time.sleep(0.3)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def server(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    with app_server(url) as base:
        yield base, url


@pytest.fixture
def page():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_binary(), args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update"])
        yield browser.new_page(viewport={"width": 1400, "height": 1000})
        browser.close()


def widget(page: Page, key: str):
    """The container Streamlit marks with the widget's key (in the class, every character but letters,
    digits, _ and - becomes a dash)."""
    return page.locator(f'[class~="st-key-{re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())}"]')


def choose(page: Page, key: str, option: str) -> None:
    widget(page, key).click()
    page.get_by_role("option", name=option, exact=True).click()


def idle(page: Page) -> None:
    """Wait until the app has finished its run (a click made during a run can be lost when the run
    it interrupts asks for another, e.g. to update the address)."""
    page.wait_for_timeout(300)   # a run just asked for shows its status widget only after a moment
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30000)


def shot(page: Page, name: str) -> None:
    """The whole page as a person scrolls it: Streamlit scrolls its main area inside a box the height
    of the window, so the window is made as tall as the page for the picture, then put back."""
    page.wait_for_timeout(500)
    size = page.viewport_size
    tall = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0")
    if size and tall > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(tall, 16000)})
        page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if size and tall > size["height"]:
        page.set_viewport_size(size)


def test_a_year_started_confirmed_edited_reloaded_and_saved(server, page):
    """Start 2024 carried forward, confirm a key area, edit another, reload before saving: the draft
    is there, in the key area last worked on; save it."""
    base, url = server
    page.goto(base)
    expect(page.get_by_text("Overall:")).to_be_visible(timeout=30000)
    expect(widget(page, "home.org").locator("input")).to_have_value("Medway Council")
    shot(page, "1-start")

    page.get_by_text("Start a new period").click()
    expect(widget(page, "home.new_period").locator("input")).to_have_value("2024")
    idle(page)
    widget(page, "home.start").locator("button").click()
    expect(page.get_by_text("Started 2024, carried forward from 2023: 59 scores to confirm or change; 21 "
                            "actions of earlier periods are still open.")).to_be_visible(timeout=30000)
    expect(page.get_by_text("59 carried forward, to confirm")).to_be_visible(timeout=30000)
    shot(page, "2-period-started")

    page.get_by_role("link", name="Score a key area").click()
    expect(page.get_by_text("Score: Medway Council, 2024")).to_be_visible(timeout=30000)
    idle(page)
    widget(page, "score.confirm_all").locator("button").first.click()
    expect(page.get_by_text("Confirmed 3 carried scores of Engaging Councillors.")).to_be_visible(timeout=30000)
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_text("3 confirmed as in 2023, 0 changed, 0 not applicable, 56 left to do (56 carried "
                            "forward, to confirm) — of 59 objectives.")).to_be_visible(timeout=30000)
    shot(page, "3-start-after-confirming-a-key-area")

    page.get_by_role("link", name="Score a key area").click()
    expect(page.get_by_text("Score: Medway Council, 2024")).to_be_visible(timeout=30000)
    idle(page)
    widget(page, "score.next").locator("button").click()
    expect(widget(page, "score.key_area").locator("input")).to_have_value(
        "Engaging Senior Members", timeout=30000)
    choose(page, "score.medway.2024.4.score", "3/4")
    comment = widget(page, "score.medway.2024.4.comment").locator("textarea")
    comment.fill("Leader in waiting: directors now sponsor every major procurement.")
    comment.blur()
    expect(page.get_by_text("Unsaved changes in objective 4 (kept as your draft")).to_be_visible(timeout=30000)
    page.locator("summary", has_text="Actions raised in 2024 (").nth(0).click()
    action = widget(page, "score.medway.2024.4.new.text").locator("input")
    action.fill("Present the procurement pipeline to Corporate Management Team")
    widget(page, "score.medway.2024.4.new.owner").locator("input").fill("Head of Category Management")
    idle(page)
    widget(page, "score.medway.2024.4.new.add").locator("button").click()
    expect(page.get_by_text("Present the procurement pipeline to Corporate Management Team — Head of Category "
                            "Management")).to_be_visible(timeout=30000)
    expect(action).to_have_value("")  # the new-action form is cleared for the next one
    assert stored(open_store(url), "medway").period("2024").entries["4"].comment is None   # not saved yet

    page.reload()                                     # a new session: only the database remembers
    expect(page.get_by_text("Score: Medway Council, 2024")).to_be_visible(timeout=30000)
    assert "ka=engaging-senior-managers" in page.url
    expect(widget(page, "score.medway.2024.4.score").locator("input")).to_have_value("3/4", timeout=30000)
    expect(widget(page, "score.medway.2024.4.comment").locator("textarea"))\
        .to_have_value("Leader in waiting: directors now sponsor every major procurement.")
    expect(page.get_by_text("Movement since 2023 (with your unsaved change)")).to_be_visible()
    shot(page, "4-draft-restored-after-a-reload")
    idle(page)
    widget(page, "score.save").locator("button").click()
    expect(page.get_by_text("Saved 1 of Engaging Senior Members: objective 4.")).to_be_visible(timeout=30000)
    shot(page, "5-saved")

    saved = stored(open_store(url), "medway").period("2024").entries
    assert saved["4"].score == Score(3.5) and not saved["4"].carried
    assert saved["4"].comment == "Leader in waiting: directors now sponsor every major procurement."
    assert [(a.text, a.owner) for a in saved["4"].actions][-1] == \
        ("Present the procurement pipeline to Corporate Management Team", "Head of Category Management")
    assert [saved[k].carried for k in ("1", "2", "3", "5")] == [False, False, False, True]
    page.reload()
    expect(widget(page, "score.medway.2024.4.score").locator("input")).to_have_value("3/4", timeout=30000)
    expect(page.get_by_text("Unsaved changes in objective 4")).to_have_count(0)


def test_the_covering_report_is_written_saved_and_read_in_the_browser(server, page):
    """An administrator chooses the Cabinet report's sections; the head of procurement writes the
    purpose and the recommendations, saves, reloads: the words are numbered and lettered below as
    members will read them, and the page has no serious accessibility problem."""
    from axe_playwright_python.sync_playwright import Axe
    base, url = server
    page.goto(base)
    expect(page.get_by_text("Overall:")).to_be_visible(timeout=30000)   # the examples are loaded
    workflows.start_period(open_store(url), workflows.LOCAL_ACTOR, "medway", "2024")
    page.goto(f"{base}/covering?org=medway&period=2024")
    expect(page.get_by_text("Covering report: Medway Council, 2024")).to_be_visible(timeout=30000)
    idle(page)
    choose(page, "shape.medway.start", "Cabinet report (as Leicestershire's)")
    widget(page, "shape.medway.use").locator("button").click()
    expect(page.get_by_text("now has the sections of a Cabinet report")).to_be_visible(timeout=30000)
    idle(page)
    widget(page, "covering.medway.2024.committee").locator("input").fill("Cabinet")
    widget(page, section_key("medway", "2024", "Purpose of Report", "text")).locator("textarea").fill(
        "The purpose of this report is to set out the 2024 self-assessment.\n\nIt follows the 2023 baseline.")
    widget(page, section_key("medway", "2024", "Recommendations", "text")).locator("textarea").fill(
        "It is recommended that:")
    widget(page, section_key("medway", "2024", "Recommendations", "items")).locator("textarea").fill(
        "the self-assessment at Appendix 1 be noted;\nprogress is reported to the Cabinet annually.")
    page.get_by_role("button", name="Save the covering report").click()
    expect(page.get_by_text("Saved the covering report (version 1).")).to_be_visible(timeout=30000)
    page.reload()
    expect(page.get_by_text("2. It follows the 2023 baseline.")).to_be_visible(timeout=30000)
    expect(page.get_by_text("b) progress is reported to the Cabinet annually.")).to_be_visible()
    idle(page)
    shot(page, "covering-report")
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["help"]) for v in violations if v["impact"] in ("serious", "critical")
               or v["id"] == "heading-order"]
    assert not serious, serious
    assert not page.evaluate(CUT)
    saved = stored(open_store(url), "medway").period("2024").covering
    assert saved is not None and saved.section("Recommendations").items == (  # type: ignore[union-attr]
        "the self-assessment at Appendix 1 be noted;", "progress is reported to the Cabinet annually.")


def test_a_new_council_uploads_last_years_appendix(server, page, tmp_path):
    """A council new to the tool adds itself, uploads an appendix, sees the preview, confirms."""
    base, url = server
    page.goto(base)
    expect(page.get_by_text("Overall:")).to_be_visible(timeout=30000)
    medway = stored(open_store(url), "medway")
    appendix = tmp_path / "kent-appendix-2022-2023.docx"
    appendix.write_bytes(appendix_docx(find_framework("nps-2018"), medway, ["2022", "2023"]).data)

    page.get_by_text("Add an organisation").click()
    widget(page, "home.add.name").locator("input").fill("Kent County Council")
    for _ in range(5):                  # a list opened while the page still runs is drawn again: open it anew
        idle(page)
        widget(page, "home.add.region").click()
        page.keyboard.type("South East")   # narrowed: nine regions may not all show
        try:
            page.get_by_role("option", name="South East", exact=True).click(timeout=3000)
            break
        except Exception:  # noqa: BLE001 - the list closed under the click
            page.keyboard.press("Escape")
    expect(widget(page, "home.add.region").get_by_role("combobox")).to_have_value("South East")
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_text("Added Kent County Council (id kent-county-council)")).to_be_visible(timeout=30000)
    expect(widget(page, "home.org").locator("input")).to_have_value("Kent County Council")
    expect(widget(page, "home.add.name").locator("input")).to_have_value("")  # ready for the next one
    expect(widget(page, "home.new_period").locator("input")).to_have_value(str(date.today().year))
    shot(page, "11-organisation-added")

    page.get_by_role("link", name="Import").click()
    expect(page.get_by_text("Import: Kent County Council")).to_be_visible(timeout=30000)
    widget(page, "import.file.kent-county-council").locator("input[type=file]").set_input_files(str(appendix))
    expect(page.get_by_text("What would be imported")).to_be_visible(timeout=60000)
    shot(page, "12-import-preview")
    assert stored(open_store(url), "kent-county-council").periods == []  # nothing saved before confirming
    page.get_by_role("button", name="Import 2 periods into Kent County Council").click()
    expect(page.get_by_text("Imported 2022, 2023 from kent-appendix-2022-2023.docx into Kent County Council"))\
        .to_be_visible(timeout=60000)
    shot(page, "13-imported")
    expect(page.get_by_role("heading", name="What would be imported")).to_have_count(0)

    kent = stored(open_store(url), "kent-county-council")
    assert [p.period for p in kent.sorted_periods()] == ["2022", "2023"]
    for period in ("2022", "2023"):
        for number, entry in medway.period(period).entries.items():
            assert kent.period(period).entries[number].score == entry.score
            assert kent.period(period).entries[number].comment == entry.comment


def test_a_council_on_its_own_framework_and_a_council_that_moved_to_it(server, page):
    """Worcestershire's report in its own words (nine key areas); Medway starting 2024 against
    Worcestershire's framework, chosen by name on Start, then its report saying where it changed."""
    base, url = server
    page.goto(f"{base}/report?org=worcestershire&period=2022")
    expect(page.get_by_text("scored 9 of 9 key areas", exact=False)).to_be_visible(timeout=30000)
    expect(page.get_by_text("Engaging with Members and Senior Leaders").first).to_be_visible()
    idle(page)
    expect(page).to_have_title("Progress report – Worcestershire County Council")   # the tab says page and council
    shot(page, "overlay-1-worcestershire-report")
    widget(page, "report.compare").locator("input").focus()   # the keyboard's place is drawn plainly
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert outline == "rgb(255, 221, 0)", outline

    page.goto(base)
    expect(widget(page, "home.org").locator("input")).to_have_value("Medway Council", timeout=30000)
    page.get_by_text("Start a new period").click()
    idle(page)
    widget(page, "home.new_framework.medway").locator("input").click()
    page.keyboard.type("Worcestershire")    # the list filters as a person types; Enter takes the one left
    page.wait_for_timeout(800)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(widget(page, "home.new_framework.medway").locator("input")).to_have_value(
        "Worcestershire County Council Procurement Outcomes Framework 2022 - 2025 (adapted from National "
        "Procurement Strategy for Local Government in England 2018)")
    idle(page)
    widget(page, "home.start").locator("button").click()
    expect(page.get_by_text("Started 2024, carried forward from 2023: 55 scores", exact=False)).to_be_visible(
        timeout=30000)
    page.get_by_role("link", name="Progress report").click()
    expect(page.get_by_text("2023 was scored against National Procurement Strategy for Local Government in "
                            "England 2018, shown here through the mapping", exact=False)).to_be_visible(timeout=30000)
    idle(page)
    shot(page, "overlay-2-medway-moved-to-worcestershires-framework")


PAGES = {"start": "", "score": "score?org=medway&period=2023", "report": "report?org=medway&period=2023",
         "actions": "actions?org=medway&period=2023", "import": "import?org=medway", "people": "people?org=medway",
         "framework": "framework", "worcestershire-report": "report?org=worcestershire&period=2022",
         "covering": "covering?org=medway&period=2023", "rounds": "rounds?org=medway&period=2023",
         "start-plan": "?org=medway&record=plan",
         "plan": "plan?org=medway&record=plan&period=2023/24", "accessibility": "accessibility", "privacy": "privacy",
         "peers": "peers"}


def test_every_page_has_no_serious_accessibility_problem_at_two_widths(server, page):
    """axe-core (the engine public-sector accessibility audits use) on every page at 1400 and 1024 px:
    no serious or critical violation, and headings in order; a screenshot of each."""
    from axe_playwright_python.sync_playwright import Axe
    base, _ = server
    axe = Axe()
    found = {}
    for width in (1400, 1024):
        page.set_viewport_size({"width": width, "height": 1000})
        for name, path in PAGES.items():
            page.goto(f"{base}/{path}")
            expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=30000)
            idle(page)
            shot(page, f"a11y-{name}-{width}")
            violations = axe.run(page).response["violations"]
            found[(name, width)] = [(v["id"], v["impact"], v["help"]) for v in violations
                                    if v["impact"] in ("serious", "critical") or v["id"] == "heading-order"]
            found[(name, width)] += [("cut", "serious", cut) for cut in page.evaluate(CUT)]
    problems = "\n".join(f"{k}: {v}" for k, v in found.items() if v)
    assert not problems, problems


def test_the_privacy_notice_from_the_footer_and_before_sign_in(server, page, tmp_path, monkeypatch):
    """Every page's footer opens the privacy notice in the same browser tab (its ?tab= kept): in local
    mode, the short notice of its own. Before sign-in, the council's notice, filled from the settings,
    with no serious accessibility problem at either width (a screenshot: privacy.png)."""
    from axe_playwright_python.sync_playwright import Axe
    base, url = server
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=30000)
    idle(page)
    tab = re.search(r"[?&]tab=([\w-]+)", page.url)
    assert tab, page.url
    widget(page, "footer").get_by_role("link", name="Privacy notice").click()
    expect(page.get_by_role("heading", level=1, name="Privacy notice")).to_be_visible(timeout=30000)
    idle(page)
    assert re.search(rf"/privacy\?(.*&)?tab={tab.group(1)}", page.url), page.url
    expect(page.get_by_text("Nothing leaves this computer.")).to_be_visible()
    shot(page, "privacy-local")

    secrets = tmp_path / "secrets.toml"   # sign-in set up (the provider is never asked: nobody signs in)
    secrets.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "' + "x" * 32
                       + '"\nclient_id = "c"\nclient_secret = "s"\n'
                       'server_metadata_url = "https://login.example/.well-known/openid-configuration"\n')
    monkeypatch.setenv("ASSESSMENT_PRIVACY_CONTROLLER", "Medway Council, Gun Wharf, Dock Road, Chatham ME4 4TR")
    monkeypatch.setenv("ASSESSMENT_PRIVACY_CONTACT", "dpo@medway.gov.uk")
    with app_server(url, f"--secrets.files={secrets}") as signed_out:
        axe, found = Axe(), {}
        for width in (1400, 1024):
            page.set_viewport_size({"width": width, "height": 1000})
            page.goto(f"{signed_out}/privacy")
            expect(page.get_by_role("heading", level=2, name="Who we are")).to_be_visible(timeout=30000)
            idle(page)
            expect(page.locator('a[href="mailto:dpo@medway.gov.uk"]')).to_have_count(3)
            shot(page, "privacy" if width == 1400 else f"privacy-{width}")
            found[width] = [(v["id"], v["impact"], v["help"]) for v in axe.run(page).response["violations"]
                            if v["impact"] in ("serious", "critical") or v["id"] == "heading-order"]
            found[width] += [("cut", "serious", cut) for cut in page.evaluate(CUT)]
        assert not any(found.values()), found


# What is cut off on a page: the main area or a table wider than its place (scrolled sideways or
# clipped), a button's words cut short, a chart wider than the page; and any canvas data grid (which
# a screen reader cannot read and which clips long text) left on a page.
CUT = """() => {
  const out = [];
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (main.scrollWidth > main.clientWidth + 1) out.push('main area ' + main.scrollWidth + ' > ' + main.clientWidth);
  for (const t of main.querySelectorAll('[data-testid="stTable"], [data-testid="stTable"] > div'))
    if (t.scrollWidth > t.clientWidth + 1) out.push('table ' + t.innerText.slice(0, 40));
  for (const b of main.querySelectorAll('button p, button div[data-testid="stMarkdownContainer"]'))
    if (b.scrollWidth > b.clientWidth + 1) out.push('button ' + b.innerText);
  for (const c of main.querySelectorAll('[data-testid="stVegaLiteChart"] svg'))
    if (c.getBoundingClientRect().right > main.getBoundingClientRect().right + 1) out.push('chart ' + c.parentElement.getAttribute('aria-label'));
  for (const g of main.querySelectorAll('[data-testid="stDataFrame"]')) out.push('data grid');
  return out;
}"""


def test_the_report_opens_at_a_glance_names_its_charts_and_prints_on_a4(server, page):
    """A councillor's first screen: the overall level, gaps, moves, actions and the radar, before any
    detail; every chart has a name saying what it shows and where its numbers are; printed from the
    browser, the report is A4 pages of the report alone (no menu, sidebar or download buttons)."""
    base, _ = server
    page.goto(f"{base}/report?org=medway&period=2023")
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible(timeout=30000)
    idle(page)
    headings = page.locator("h2").all_inner_texts()
    assert headings[0].startswith("At a glance") and headings[1].startswith("Summary"), headings
    glance = page.locator(".st-key-report-glance")
    for words in ("Overall: 3 – Mature", "The biggest gaps", "The biggest moves", "21 actions are open"):
        expect(glance.get_by_text(words).first).to_be_visible()
    expect(glance.locator("[role=graphics-document]")).to_have_count(1)   # the radar is part of the first screen
    names = [c.get_attribute("aria-label") for c in page.locator("[role=graphics-document]").all()]
    assert len(names) == 2 and names[0].startswith("Radar chart of 14 key areas") and names[1].startswith("Heatmap")
    assert all("table" in name for name in names)
    assert page.locator('[role="graphics-document"] [aria-label^="Engaging Councillors, 2023: 2.83"]').count() == 1
    expect(page.get_by_role("cell", name="Contract and Relationship Management").first).to_be_visible()
    page.wait_for_timeout(1000)
    page.emulate_media(media="print")
    pdf = SHOTS / "report-printed.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.emulate_media(media="screen")
    info, pages_text = pdf_info(pdf.read_bytes()), page_texts(pdf.read_bytes())
    assert info["Page size"] in ("595.92 x 842.88 pts (A4)", "595 x 842 pts (A4)"), info
    pages, text = int(info["Pages"]), "\f".join(pages_text)
    first = " ".join(pages_text[0].split())
    assert pages > 3 and "Progress report: Medway Council, 2023" in first and "At a glance" in first
    for not_printed in ("Score a key area", "Local mode", "Download the progress report", "Radar for"):
        assert not_printed not in text, not_printed
    assert "Scores by period" in text and "Open actions" in text   # the whole page, not one screenful
    tables_text = " ".join("\f".join(pages_text[2:]).split())
    # the tables printed whole: the movement table's last line, an improved objective's comment, the actions
    assert re.search(r"Overall 2\.91 3\.29 (59 of 59 )?3 – Mature", tables_text) and "This objective scored '4' (leader)" in tables_text
    assert "Owner" in tables_text and "Due" in tables_text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(SHOTS / "report-printed")],
                   check=True)


def test_the_keyboard_shows_where_it_is_on_the_report(server, page):
    """Tabbing through the report: a select box gets the yellow and black ring round the whole box,
    and a chart's toolbar (hidden until hovered) shows itself while the keyboard is on its buttons."""
    base, _ = server
    page.goto(f"{base}/report?org=medway&period=2023")
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible(timeout=30000)
    idle(page)
    # the charts drawn (their toolbars in the page) before tabbing: on a loaded machine they come late
    expect(page.locator('[data-testid="stElementToolbar"]').first).to_be_attached(timeout=30000)
    seen = {}
    for _ in range(120):
        page.keyboard.press("Tab")
        where = page.evaluate("""() => {
          const e = document.activeElement, box = e.closest('[data-testid="stSelectbox"]'),
                select = box && [...box.children].find(c => c.contains(e)),
                bar = e.closest('[data-testid="stElementToolbar"]');
          if (select) return ['select', getComputedStyle(select).outlineWidth, getComputedStyle(select).outlineColor];
          if (bar) return ['toolbar', getComputedStyle(bar).opacity];
          return null; }""")
        if where and where[0] not in seen:
            seen[where[0]] = where
            shot(page, f"keyboard-{where[0]}")
        if len(seen) == 2:
            break
    assert seen.get("select") == ["select", "3px", "rgb(255, 221, 0)"], seen
    assert seen.get("toolbar") == ["toolbar", "1"], seen


def test_the_plan_is_chosen_on_start_rated_reloaded_saved_and_read(server, page):
    """Start, Record: Plan (kept in the address), the plan page: a rating changed waits as a draft
    through a reload, is saved, and shows in the report's RAG table with its movement."""
    base, url = server
    page.goto(base)
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=30000)
    idle(page)
    widget(page, "home.record").get_by_text("Plan", exact=True).click()
    idle(page)
    expect(page).to_have_url(re.compile(r"record=plan"))
    expect(page.get_by_role("heading", name="Medway Council's plan, 2023/24")).to_be_visible()
    shot(page, "plan-start")
    page.get_by_role("button", name="Rate the plan").click()
    idle(page)
    expect(page).to_have_url(re.compile(r"/plan\?.*record=plan"))
    expect(page.get_by_role("heading", name="Plan: Medway Council, 2023/24")).to_be_visible()
    choose(page, "plan.medway.2023/24.outcome.local-suppliers.rating", "Red")
    idle(page)
    expect(page.get_by_text("You have 1 unsaved change in this period of the plan.")).to_be_visible()
    page.reload()   # the draft is kept in the database, the choice in the address
    expect(page.get_by_text("You have 1 unsaved change in this period of the plan.")).to_be_visible(timeout=30000)
    idle(page)
    rating = widget(page, "plan.medway.2023/24.outcome.local-suppliers.rating").get_by_role("combobox")
    expect(rating).to_have_value("Red")
    page.get_by_role("button", name="Save my changes").click()
    idle(page)
    expect(page.get_by_text("Saved 1 change.")).to_be_visible()
    page.get_by_role("tab", name="Report").click()
    idle(page)
    row = page.get_by_role("row").filter(has_text="Increase the number of local suppliers")
    expect(row).to_contain_text("Red")
    expect(row).to_contain_text("worse")   # Amber in 2022/23
    shot(page, "plan-report")
    kept = workflows.connect(url)
    report = workflows.queries.plan_report(kept, workflows.LOCAL_ACTOR, "medway", "2023/24")
    assert report.outcomes[0].rating is not None and report.outcomes[0].rating.name == "Red"
