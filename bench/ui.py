"""UI benchmarks.

Score page: a rerun of the score page for the largest key area (Obtaining Social Value,
10 objectives) against a bare Streamlit page with the same number and kinds of elements.

Both run through AppTest in the same process and the same run. The floor page is generated from
the element counts AppTest finds on the real page (selectboxes, text areas, text inputs, date
inputs, buttons, toggles, markdown, text, captions, expanders, tables, columns), so it asks Streamlit to draw the
same things with none of the project's work: no database read, no roll-ups, no drafts.

Report page with peers (issue 31): a rerun of the progress report of a council whose period's
group figures are in a release (the band on the radar, its column, the at-a-glance sentence and the
Peers section), against the same council's report in a copy of the database before the release
(the floor): the peers' part should cost little (aim 1.1x).

Start page at 400 organisations: a rerun of Start for an editor of one council, in a deployment of
400 organisations (the examples and copies of Medway's record, two periods each), against the same
rerun in a deployment of 2 (the floor). A person sees only their own organisations, so the other
398 should cost nothing. For information, the same pair for the deployment's administrator, who
chooses among every organisation on Start (so a list of 400 is drawn, which is the page's work).
"""

from __future__ import annotations

import copy
import dataclasses
import os
import tempfile
from pathlib import Path
from typing import Iterator

from streamlit.testing.v1 import AppTest

from .harness import Ratio, Result, time_pair

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("selectbox", "text_area", "text_input", "date_input", "button", "toggle", "markdown", "text", "caption",
         "expander", "warning", "info", "table", "divider", "columns")


def score_page(folder: Path) -> AppTest:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench-ui.db'}"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.selectbox(key="home.org").set_value("medway").run()
    at.selectbox(key="home.period").set_value("2023").run()
    at.switch_page("assessment/ui/score.py").run()
    at.selectbox(key="score.key_area").set_value("obtaining-social-value").run()
    assert not at.exception, at.exception
    return at


def counts(at: AppTest) -> dict[str, int]:
    return {kind: len(getattr(at, kind)) for kind in KINDS}


def floor_script(n: dict[str, int]) -> str:
    """A page drawing the same number of each kind of element, in one flat run."""
    lines = ["import streamlit as st", "st.set_page_config(layout='wide')"]
    lines += [f"st.selectbox('s{i}', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'], key='s{i}')"
              for i in range(n["selectbox"])]
    lines += [f"st.text_area('t{i}', 'Some comment text that a council would write.', key='t{i}')"
              for i in range(n["text_area"])]
    lines += [f"st.text_input('i{i}', key='i{i}')" for i in range(n["text_input"])]
    lines += [f"st.date_input('d{i}', value=None, key='d{i}')" for i in range(n["date_input"])]
    lines += [f"st.button('b{i}', key='b{i}')" for i in range(n["button"])]
    lines += [f"st.toggle('v{i}', key='v{i}')" for i in range(n["toggle"])]
    lines += ["st.columns([3, 1])" for _ in range(n["columns"] // 2)]   # AppTest counts each column
    lines += [f"st.markdown('**m{i}** some words')" for i in range(n["markdown"])]
    lines += [f"st.text('Descriptor text {i} of a level of the rubric.')" for i in range(n["text"])]
    lines += [f"st.caption('c{i}')" for i in range(n["caption"])]
    lines += [f"st.expander('e{i}')" for i in range(n["expander"])]
    lines += [f"st.warning('w{i}')" for i in range(n["warning"])]
    lines += [f"st.info('n{i}')" for i in range(n["info"])]
    lines += [f"st.table({{'1 – Minimum': ['Descriptor {i}'], '2 – Developing': ['d'], '3 – Mature': ['d'], "
              f"'4 – Leader': ['d'], '5 – Innovator': ['d']}})" for i in range(n["table"])]
    lines += ["st.divider()" for _ in range(n["divider"])]
    return "\n".join(lines) + "\n"


def _keep_compiled_scripts() -> None:
    """The running server compiles each script once (its ScriptCache lives as long as the server);
    AppTest makes a new cache for every run, so each run would compile app.py and the page again.
    Both pages here share one cache, as a server's pages do."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner
    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def run() -> Iterator[Result]:
    _keep_compiled_scripts()
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as folder:
        subject = score_page(Path(folder))
        n = counts(subject)
        path = Path(folder) / "floor_page.py"
        path.write_text(floor_script(n), encoding="utf-8")
        floor = AppTest.from_file(str(path), default_timeout=120)
        floor.run()
        assert counts(floor)["selectbox"] == n["selectbox"] and counts(floor)["text_area"] == n["text_area"]
        subject_times, floor_times = time_pair(subject.run, floor.run, repeat=40)
        yield Ratio("score page rerun (10 objectives)", "bare page, same elements", subject_times, floor_times,
                    aim=1.3, details={"elements": n})
        yield from start_pages(Path(folder))
        yield from report_pages(Path(folder))


def _deployment(folder: Path, organisations: int) -> str:
    """A SQLite database with the examples and copies of Medway's record up to `organisations`."""
    from assessment import workflows
    url = f"sqlite:///{folder / f'bench-start-{organisations}.db'}"
    store = workflows.connect(url)
    workflows.ensure_examples(store)
    present = len(workflows.queries.organisations(store, workflows.LOCAL_ACTOR))
    medway = workflows.queries.record(store, workflows.LOCAL_ACTOR, "medway").record
    for number in range(organisations - present):
        record = copy.deepcopy(medway)
        record = dataclasses.replace(record, organisation=dataclasses.replace(
            record.organisation, id=f"council-{number:03d}", name=f"Council {number:03d}"))
        workflows.import_record(store, workflows.LOCAL_ACTOR, record)
    store.engine.dispose()
    return url


def _start_page(url: str, actor) -> AppTest:
    """Start, as `actor` (in place of sign-in: the page is the same for a signed-in person)."""
    import streamlit as st

    from assessment.ui import signin

    def gate():
        st.session_state["signin.actor"] = actor
        return actor
    signin.gate = gate
    os.environ["DATABASE_URL"] = url
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def start_pages(folder: Path) -> Iterator[Result]:
    from assessment.workflows import LOCAL_ACTOR, Actor
    small, large = _deployment(folder, 2), _deployment(folder, 400)
    editor = Actor("editor@medway.gov.uk", roles={"medway": "editor"})
    for who, actor, aim in (("an editor of one council", editor, 1.1),
                            ("the deployment's administrator", LOCAL_ACTOR, None)):
        at_400, at_2 = _start_page(large, actor), _start_page(small, actor)
        seen = (len(at_400.selectbox(key="home.org").options), len(at_2.selectbox(key="home.org").options))
        times_400, times_2 = time_pair(at_400.run, at_2.run, repeat=40)
        yield Ratio(f"Start, {who}, 400 organisations", "the same at 2", times_400, times_2, aim=aim,
                    details={"organisations offered (400, 2)": seen})


def _peers_deployment(folder: Path, councils: int = 12) -> tuple[str, str]:
    """Two SQLite databases alike but for a release: `councils` unitary councils in the South East,
    each with 2023/24 approved (every objective scored) and put forward; the first with a release."""
    import shutil
    from datetime import date

    from assessment import workflows
    from assessment.domain.record import Entry, Organisation, OrganisationRecord, PeriodRecord
    from assessment.domain.scores import Score
    from assessment.formats.framework_file import find_framework
    nps = find_framework("nps-2018")
    path = folder / "bench-peers.db"
    store = workflows.connect(f"sqlite:///{path}")
    for n in range(councils):
        entries = {o: Entry(item=o, score=Score(float(1 + (n + i) % 5))) for i, o in enumerate(nps.key_area_of)}
        record = OrganisationRecord(Organisation(f"council-{n:02d}", f"Council {n}", "unitary", "South East"),
                                    "nps-2018", "2018", [PeriodRecord("2023/24", status="approved", entries=entries)])
        workflows.import_record(store, workflows.LOCAL_ACTOR, record)
        workflows.peers_opt_in(store, workflows.LOCAL_ACTOR, f"council-{n:02d}", "2023/24")
    store.engine.dispose()
    shutil.copy(path, folder / "bench-peers-floor.db")
    store = workflows.connect(f"sqlite:///{path}")
    workflows.publish_release(store, workflows.LOCAL_ACTOR, date(2026, 4, 1))
    store.engine.dispose()
    return f"sqlite:///{path}", f"sqlite:///{folder / 'bench-peers-floor.db'}"


def _report_page(url: str) -> AppTest:
    os.environ["DATABASE_URL"] = url
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.selectbox(key="home.org").set_value("council-00").run()
    at.selectbox(key="home.period").set_value("2023/24").run()
    at.switch_page("assessment/ui/report_page.py").run()
    assert not at.exception, at.exception
    return at


def report_pages(folder: Path) -> Iterator[Result]:
    with_peers, without = _peers_deployment(folder)
    subject, floor = _report_page(with_peers), _report_page(without)
    seen = (sum("median of" in m.value for m in subject.markdown), sum("median of" in m.value for m in floor.markdown))
    assert seen[0] and not seen[1], "the report with the release shows the peers' sentence, the other does not"
    subject_times, floor_times = time_pair(subject.run, floor.run, repeat=20)
    yield Ratio("report page with peers", "the same before the release", subject_times, floor_times, aim=1.1,
                details={"peers' sentence shown (with, without)": seen})
