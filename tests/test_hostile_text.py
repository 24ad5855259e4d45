"""User text is text: on every page, what people typed is shown as typed and nothing in it renders.

The same hostile text goes into an organisation's name, a comment, an action and its owner, an
evidence title, a progress note, a draft and an upload's file name. Walked twice: with AppTest
(every Markdown-rendering element holds the text only in escaped form, and reads back as typed)
and in a real browser (no request leaves for the image, no link, maths, colour, strike-through or
heading appears, and the page shows the text as typed).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest

from assessment import workflows
from assessment.domain.covering import CoveringReport, Meeting, Section, ShapeSection
from assessment.domain.edits import EntryEdit
from assessment.workflows import LOCAL_ACTOR

from .conftest import ROOT, unescape
from .test_browser import page, server, widget  # noqa: F401 - fixtures

BEACON = "http://127.0.0.1:9/beacon.png"
HOSTILE = f"![x]({BEACON}) [click](http://attacker.example/) $E=mc^2$ **bold** :red[red] ~~gone~~ :streamlit: a -> b"
NAME = "Evil " + HOSTILE          # the organisation's name
PAGES = ["assessment/ui/home.py", "assessment/ui/score.py", "assessment/ui/report_page.py",
         "assessment/ui/covering_page.py",
         "assessment/ui/actions_page.py", "assessment/ui/import_page.py", "assessment/ui/framework_page.py"]
RENDERING = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success",
             "expander", "button", "checkbox", "radio")


def fill_with_hostile_text(url: str) -> str:
    """An organisation named with the hostile text, whose 2024 holds it everywhere people type."""
    store = workflows.connect(url)
    workflows.ensure_examples(store)
    org = workflows.add_organisation(store, LOCAL_ACTOR, "evil", NAME)
    workflows.start_period(store, LOCAL_ACTOR, org.id, "2023", framework_id="nps-2018")
    workflows.save_edits(store, LOCAL_ACTOR, org.id, "2023", [
        EntryEdit("1", score="3 – Mature", comment=HOSTILE, evidence=f"{HOSTILE} | https://example.org/e",
                  actions=[{"text": HOSTILE, "owner": HOSTILE, "due": date(2020, 1, 1), "status": "open"}]),
        EntryEdit("2", score="2 – Developing", comment="Fine.")])
    workflows.start_period(store, LOCAL_ACTOR, org.id, "2024")
    workflows.save_edits(store, LOCAL_ACTOR, org.id, "2024", [EntryEdit("2", base_version=1, score="3 – Mature",
                                                                        comment=HOSTILE)])
    action = workflows.queries.record(store, LOCAL_ACTOR, org.id).record.period("2023").entries["1"].actions[0]
    workflows.edit_action(store, LOCAL_ACTOR, org.id, action.id, owner=HOSTILE, due=date(2020, 1, 1), rag=None,
                          note=HOSTILE)
    workflows.keep_draft(store, LOCAL_ACTOR, org.id, "2024", EntryEdit("3", base_version=1, comment=HOSTILE))
    shape = workflows.shape_named("scrutiny")   # the sections of its committee report, and what is written in them
    workflows.set_report_shape(store, LOCAL_ACTOR, org.id, replace(shape, sections=(
        *shape.sections, ShapeSection(HOSTILE, "items"))))
    workflows.save_covering(store, LOCAL_ACTOR, org.id, "2024", CoveringReport(
        (Section("Summary", "text", HOSTILE), Section(HOSTILE, "items", HOSTILE, (HOSTILE,))),
        Meeting(HOSTILE), HOSTILE, HOSTILE))
    store.engine.dispose()
    return org.id


def _values(at: AppTest) -> list[str]:
    out = []
    for kind in RENDERING:
        for element in at.get(kind):
            for attribute in ("value", "label"):
                text = getattr(element, attribute, None) if kind not in ("button", "checkbox", "radio", "expander") \
                    or attribute == "label" else None
                if isinstance(text, str):
                    out.append(text)
            if kind == "radio":
                out += [str(o) for o in element.options]
    return out


@pytest.mark.parametrize("page_path", PAGES)
def test_every_page_escapes_what_people_typed(tmp_path, monkeypatch, page_path):
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    org = fill_with_hostile_text(url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update({"org": org, "period": "2024"})
    at.run()
    at.switch_page(page_path).run()
    assert not at.exception, at.exception
    assert page_path.endswith(("home.py", "framework_page.py")) or "Evil" in unescape(at.title[0].value)
    if page_path.endswith("score.py"):
        at.selectbox(key="score.key_area").set_value("engaging-councillors").run()
    if page_path.endswith("import_page.py"):
        at.file_uploader(key=f"import.file.{org}").upload(f"{HOSTILE[:40]}.docx", b"not a word file", "x").run()
    values = _values(at)
    raw = [v for v in values if "**bold**" in v or ":red[red]" in v or "](http" in v or "$E=mc^2$" in v]
    assert raw == [], f"{page_path}: user text reached Markdown unescaped"
    read = [unescape(v) for v in values]
    expected = HOSTILE[:40] if page_path.endswith("import_page.py") else HOSTILE
    if not page_path.endswith("framework_page.py"):
        assert any(expected in v for v in read), f"{page_path}: the text is not shown as typed"


ELEMENTS_FROM_MARKDOWN = ("img", "a", ".katex", "del", "h1", "h2", "h3", "code", "blockquote", "table",
                          "span[style*='color']")


def test_nothing_people_typed_renders_in_a_real_browser(server, page):  # noqa: F811
    base, url = server
    org = fill_with_hostile_text(url)
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "127.0.0.1:9/" in r.url or "attacker" in r.url else None)
    for path in ("", "score", "report", "actions", "covering"):
        page.goto(f"{base}/{path}?org={org}&period=2024" + ("&ka=engaging-councillors" if path == "score" else ""))
        expect(page.get_by_text(re.compile("Evil"))).not_to_have_count(0, timeout=30000)
        page.wait_for_timeout(1500)
        for container in page.locator('[data-testid="stMarkdownContainer"]').all():
            text = container.inner_text().replace("\u2060", "")
            if "**bold**" not in text and ":red[red]" not in text:
                continue
            # A heading of ours (st.title, st.subheader) is an h1-h3 with an anchor link: not from the text.
            ours = container.evaluate("e => e.closest('[data-testid=\"stHeading\"]') !== null")
            selector = ", ".join(s for s in ELEMENTS_FROM_MARKDOWN if not (ours and s in ("h1", "h2", "h3")))
            found = container.locator(selector.replace("a,", "a:not([href^='#']),")).count()
            assert found == 0, (path, text, container.inner_html()[:300])
        body = page.locator("body").inner_text().replace("\u2060", "")
        assert HOSTILE in body or NAME in body, path
        assert page.locator(".katex").count() == 0 and page.locator(f'img[src="{BEACON}"]').count() == 0
    assert requests == []
    widget(page, "actions.table")  # the actions table was shown (cells are never Markdown)
