"""Councils side by side in the members' report (issue 31, "Where it shows"): the group's band on the
radar and its column in the radar's table, the caption and the chart's description, the at-a-glance
sentence, the Peers section, the Word report, and the report page through AppTest, with no other
council named anywhere.

The numbers, worked by hand. Home (a unitary authority in the South East) has every objective of the
first five key areas at 4, of the next four at 3 and of the last five at 2; ten other unitary
authorities in the North West have every objective at 1, 2, 2, 3, 3, 3, 4, 4, 5 and 5. So each key
area has 11 councils (n = 11, quartiles shown from 10):

- Home at 4: 1 2 2 3 3 [3] 4 4 4 5 5: median 3; Tukey's hinges, the medians of the lower six (1 2 2 3
  3 3) and the upper six (3 4 4 4 5 5): 2.50 and 4.00. At or above.
- Home at 3: 1 2 2 3 3 [3] 3 4 4 5 5: median 3; hinges 2.50 and 4.00. At (3.00 is the median).
- Home at 2: 1 2 2 2 3 [3] 3 4 4 5 5: median 3; hinges 2.00 (1 2 2 2 3 3) and 4.00. Below.

So: "At or above the median of 11 unitary authorities in 9 of 14 key areas". Home's region, the South
East, has one council contributing (Home): no comparator.
"""

from __future__ import annotations

import io
import re
from datetime import date

import altair as alt
import pytest
from docx import Document
from docx.shared import Cm

from assessment import workflows
from assessment.domain.peer_report import own_levels, peer_comparison, peers_table
from assessment.domain.record import Entry, Organisation, OrganisationRecord, PeriodRecord
from assessment.domain.report import radar_rows
from assessment.domain.scores import Score
from assessment.formats.charts import chart_png, radar_caption, radar_chart, radar_text_table
from assessment.formats.framework_file import find_framework
from assessment.formats.writers.word_report import NUMBERS_HEADING, report_docx
from assessment.storage.store import open_store
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import ROOT, shown, tables

NPS = find_framework("nps-2018")
KEY_AREAS = list(NPS.key_areas)
HOME = "home"
PERIOD = "2023/24"
RELEASE_ON = date(2026, 4, 1)
OTHERS = [1, 2, 2, 3, 3, 3, 4, 4, 5, 5]
SENTENCE = ("At or above the median of 11 unitary authorities in 9 of 14 key areas (release 1, "
            "published 1 April 2026).")
COLUMN = "Unitary authorities (median; quartiles), n = 11, release 1, published 1 April 2026"
DOCUMENTS = ROOT / "test-artifacts" / "documents"


def home_level(key_area: str) -> float:
    i = KEY_AREAS.index(key_area)
    return 4.0 if i < 5 else 3.0 if i < 9 else 2.0


def council(org_id: str, name: str, level_of, *, region: str) -> OrganisationRecord:
    entries = {o: Entry(item=o, score=Score(level_of(NPS.key_area_of[o]))) for o in NPS.key_area_of}
    return OrganisationRecord(Organisation(org_id, name, "Unitary authority", region), "nps-2018", "2018",
                              [PeriodRecord(PERIOD, status="approved", entries=entries)])


def set_up(store) -> None:
    """Home and ten other unitary authorities put forward, a club of six, a published outside series
    and one release on 1 April 2026."""
    records = [council(HOME, "Home Council", home_level, region="South East")]
    records += [council(f"peer-{i:02d}", f"Peer Council {i:02d}", lambda _, v=v: float(v), region="North West")
                for i, v in enumerate(OTHERS, 1)]
    for record in records:
        workflows.import_record(store, LOCAL_ACTOR, record)
        workflows.peers_opt_in(store, LOCAL_ACTOR, record.organisation.id, PERIOD)
    workflows.add_club(store, LOCAL_ACTOR, "Southern buyers", [HOME, *(f"peer-{i:02d}" for i in range(1, 6))])
    workflows.add_series(store, LOCAL_ACTOR, "National diagnostic 2025", source="LGA national report", year=2025,
                         framework_id="nps-2018", levels={KEY_AREAS[0]: 2.6, KEY_AREAS[1]: 2.4})
    workflows.publish_release(store, LOCAL_ACTOR, RELEASE_ON)


@pytest.fixture
def peers_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'peers.db'}"
    store = open_store(url)
    set_up(store)
    store.engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture
def seen(peers_db):
    """Home's record, its peer view and its radar rows."""
    store = open_store(peers_db)
    view = queries.record(store, LOCAL_ACTOR, HOME)
    peers = queries.peer_view(store, LOCAL_ACTOR, HOME, PERIOD, today=date(2026, 5, 1))
    store.engine.dispose()
    assert peers is not None
    return view.record, view.framework, peers, radar_rows(view.framework, view.record, PERIOD, None)


def _no_other_council(text: str) -> None:
    assert not re.search(r"peer-\d|Peer Council", text), "another council is named"


def test_the_radar_table_gains_the_groups_column_in_words(seen):
    record, framework, view, rows = seen
    by_kind = {g.kind: g for g in view.groups}
    assert set(by_kind) == {"type", "region", "club"}
    peers = peer_comparison(view, by_kind["type"], framework)
    table = radar_text_table(rows, None, peers)
    assert list(table[0]) == ["Key area", PERIOD, "n", "Target", COLUMN]
    cells = {line["Key area"]: line[COLUMN] for line in table}
    title = [framework.key_areas[k].title for k in KEY_AREAS]
    assert cells[title[0]] == cells[title[5]] == "3.00 (2.50 to 4.00)"
    assert cells[title[13]] == "3.00 (2.00 to 4.00)"
    region = peer_comparison(view, by_kind["region"], framework)
    assert set(line[region.column] for line in radar_text_table(rows, None, region)) == {
        "no comparator: fewer than 5 councils contribute"}
    assert region.column == "Councils in the South East (median), release 1, published 1 April 2026"


def test_the_at_a_glance_sentence_and_the_peers_table_worked_by_hand(seen):
    record, framework, view, rows = seen
    peers = peer_comparison(view, next(g for g in view.groups if g.kind == "type"), framework)
    own = own_levels(rows)
    assert own[framework.key_areas[KEY_AREAS[0]].title] == 4.0
    assert peers.standing(own) == (9, 14)
    assert peers.sentence(own) == SENTENCE
    table = peers_table(rows, peers)
    assert list(table[0]) == ["Key area", f"{PERIOD} (this council)", "Median", "Quartiles", "n",
                              "National diagnostic 2025 (LGA national report, 2025)"]
    assert table[0] | {} == {"Key area": framework.key_areas[KEY_AREAS[0]].title, f"{PERIOD} (this council)": "4.00",
                             "Median": "3.00", "Quartiles": "2.50 to 4.00", "n": "11",
                             "National diagnostic 2025 (LGA national report, 2025)": "2.60"}
    assert (table[13]["Median"], table[13]["Quartiles"], table[13]["National diagnostic 2025 (LGA national "
                                                                    "report, 2025)"]) == ("3.00", "2.00 to 4.00", "–")
    region = peer_comparison(view, next(g for g in view.groups if g.kind == "region"), framework)
    assert region.sentence(own) == ("There is no median of councils in the South East to compare with in any key "
                                    "area (release 1, published 1 April 2026).")
    assert peers_table(rows, region)[0]["Median"] == "no comparator: fewer than 5 councils contribute"


def test_the_chart_draws_the_band_and_ticks_says_so_validates_and_renders(seen):
    record, framework, view, rows = seen
    peers = peer_comparison(view, next(g for g in view.groups if g.kind == "type"), framework)
    spec = radar_chart(rows, framework, size=400, font_size=13, peers=peers)
    alt.LayerChart.from_dict(spec, validate=True)
    assert len(spec["datasets"]["peer_bands"]) == 2 * 14 and len(spec["datasets"]["peer_ticks"]) == 2 * 14
    legend = [t["text"] for t in spec["datasets"]["legend_text"]]
    assert "Unitary authorities, release 1: quartiles (band), median (tick)" in legend
    caption = radar_caption(rows, None, peers)
    assert ("Compared with 11 unitary authorities in 2023/24 (release 1, published 1 April 2026): the "
            "pale green striped band along each key area's spoke runs from the lower to the upper quartile of "
            "unitary authorities") in caption
    assert "No council is named" in caption and COLUMN in caption
    assert caption in spec["description"]
    png = chart_png(spec)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    # Where no key area has a comparator (the region), nothing is drawn and the caption says why.
    region = peer_comparison(view, next(g for g in view.groups if g.kind == "region"), framework)
    plain = radar_chart(rows, framework, peers=region)
    assert "peer_bands" not in plain["datasets"] and "peer_ticks" not in plain["datasets"]
    assert "no key area has a comparator, so nothing of theirs is drawn" in plain["description"]
    alt.LayerChart.from_dict(plain, validate=True)
    # The median alone (5 to 9 councils): ticks, no band.
    median_only = peer_comparison(view, next(g for g in view.groups if g.kind == "club"), framework)
    assert median_only.quartiles is False
    ticked = radar_chart(rows, framework, peers=median_only)
    assert "peer_bands" not in ticked["datasets"] and len(ticked["datasets"]["peer_ticks"]) == 28
    assert "the dark green tick across each key area's spoke marks the median of councils in Southern buyers" in \
        ticked["description"]
    alt.LayerChart.from_dict(ticked, validate=True)


def test_the_word_report_carries_the_column_the_sentence_and_the_peers_section(seen):
    record, framework, view, rows = seen
    data = report_docx(framework, record, PERIOD, None, today=date(2026, 5, 1), peers=view).data
    DOCUMENTS.mkdir(parents=True, exist_ok=True)
    (DOCUMENTS / "peers-report.docx").write_bytes(data)
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert SENTENCE in texts
    numbers = next(t for t in document.tables if t.rows[0].cells[0].text == "Key area" and
                   t.rows[0].cells[-1].text == COLUMN)
    assert numbers.rows[1].cells[-1].text == "3.00 (2.50 to 4.00)"
    assert texts.index(NUMBERS_HEADING) < texts.index("Peers")
    peers_table_ = next(t for t in document.tables if t.rows[0].cells[2].text == "Median")
    assert [c.text for c in peers_table_.rows[1].cells] == [
        framework.key_areas[KEY_AREAS[0]].title, "4.00", "3.00", "2.50 to 4.00", "11", "2.60"]
    assert "National diagnostic 2025 (LGA national report, 2025)" in [c.text for c in peers_table_.rows[0].cells]
    assert any("Compared with 11 unitary authorities" in t for t in texts)   # the radar's caption
    everything = "\n".join(texts + [c.text for t in document.tables for row in t.rows for c in row.cells])
    _no_other_council(everything)
    # The region chosen: its column says why there is no comparator; without peers, nothing of them.
    regional = Document(io.BytesIO(report_docx(framework, record, PERIOD, None, peers=view, peer_group="region").data))
    assert any(c.text == "no comparator: fewer than 5 councils contribute"
               for t in regional.tables for row in t.rows for c in row.cells)
    plain = Document(io.BytesIO(report_docx(framework, record, PERIOD, None).data))
    assert "Peers" not in [p.text for p in plain.paragraphs] and SENTENCE not in [p.text for p in plain.paragraphs]


def test_many_outside_series_go_in_tables_of_their_own_and_every_column_has_room(peers_db):
    """Five published series: the Peers table keeps the group's figures; the series follow in tables of
    four and one, each with the key area; no column is narrower than a number needs, rows kept whole."""
    store = open_store(peers_db)
    for year in (2021, 2022, 2023, 2024):
        workflows.add_series(store, LOCAL_ACTOR, f"Diagnostic {year}", source="LGA national report", year=year,
                             framework_id="nps-2018", levels={KEY_AREAS[0]: 2.0 + (year - 2020) / 10})
    view = queries.peer_view(store, LOCAL_ACTOR, HOME, PERIOD, today=date(2026, 5, 1))
    record = queries.record(store, LOCAL_ACTOR, HOME)
    store.engine.dispose()
    data = report_docx(record.framework, record.record, PERIOD, None, today=date(2026, 5, 1), peers=view).data
    (DOCUMENTS / "peers-report-series.docx").write_bytes(data)
    document = Document(io.BytesIO(data))
    main = next(t for t in document.tables if t.rows[0].cells[2].text == "Median")
    assert [c.text for c in main.rows[0].cells][-1] == "n"                      # no series beside
    series = [t for t in document.tables if t.rows[0].cells[0].text == "Key area" and t is not main
              and "(LGA national report" in t.rows[0].cells[-1].text]
    assert [len(t.columns) for t in series] == [5, 2]
    assert {c.text for t in series for c in t.rows[0].cells[1:]} == {
        "National diagnostic 2025 (LGA national report, 2025)",
        *(f"Diagnostic {y} (LGA national report, {y})" for y in (2021, 2022, 2023, 2024))}
    four = series[0]
    assert [r.cells[0].text for r in four.rows[1:]] == [r.cells[0].text for r in main.rows[1:]]  # every key area
    from docx.oxml.ns import qn
    for table in (main, four):
        widths = [c.width for c in table.rows[0].cells]
        assert all(w is not None and w >= Cm(1.0) for w in widths), widths
        assert table.rows[1]._tr.trPr.find(qn("w:cantSplit")) is not None


def test_the_command_line_report_takes_a_group(peers_db, tmp_path, capsys):
    from docx import Document as Open

    from assessment.cli import main
    out = tmp_path / "report.docx"
    assert main(["--database", peers_db, "export", "report", "--org", HOME, "--period", PERIOD, "--no-compare",
                 "--out", str(out)]) == 0
    assert SENTENCE in [p.text for p in Open(str(out)).paragraphs]
    assert main(["--database", peers_db, "export", "report", "--org", HOME, "--period", PERIOD, "--peers", "none",
                 "--out", str(out)]) == 0
    assert SENTENCE not in [p.text for p in Open(str(out)).paragraphs]
    capsys.readouterr()
    assert main(["--database", peers_db, "export", "report", "--org", HOME, "--period", PERIOD, "--peers", "Nope",
                 "--out", str(out)]) != 0
    assert "is in no group 'Nope'" in capsys.readouterr().err
    store = open_store(peers_db)                     # a period no release has: said, not left out silently
    workflows.start_period(store, LOCAL_ACTOR, HOME, "2024/25")
    store.engine.dispose()
    assert main(["--database", peers_db, "export", "report", "--org", HOME, "--period", "2024/25", "--peers", "type",
                 "--out", str(out)]) != 0
    assert "release 1 has no figures of unitary for 2024/25" in capsys.readouterr().err


def test_the_report_page_with_peers(peers_db):
    from .test_ui_report import open_report
    from .test_ui_scoring import new_app
    at = open_report(new_app(HOME, PERIOD))
    words = [m.value for m in shown(at.markdown)]
    assert SENTENCE in words
    chooser = at.selectbox(key="report.peers_group")
    assert chooser.value == "type" and chooser.options == [
        "Type: unitary authorities (n = 11)", "Region: councils in the South East", "Club: councils in Southern buyers (n = 6)"]
    radar = next(t for t in tables(at) if COLUMN in t.columns)
    assert radar.iloc[0][COLUMN] == "3.00 (2.50 to 4.00)"
    assert any("Compared with 11 unitary authorities in 2023/24" in w for w in words)   # the caption
    assert any(h.value == "Peers" for h in at.header)
    section = next(t for t in tables(at) if "Median" in t.columns)
    assert list(section.iloc[0])[1:5] == ["4.00", "3.00", "2.50 to 4.00", "11"]
    page = "\n".join([*words, *(str(t.to_dict()) for t in tables(at)), *(e.value for e in at.header),
                      *(e.value for e in at.subheader), *(e.value for e in at.caption)])
    _no_other_council(page)
    chooser.set_value("region").run()
    assert not at.exception, at.exception
    assert ("There is no median of councils in the South East to compare with in any key area (release 1, "
            "published 1 April 2026).") in [m.value for m in shown(at.markdown)]


def test_a_period_no_release_has_figures_for_shows_no_peers(peers_db):
    from .test_ui_report import open_report
    from .test_ui_scoring import new_app
    store = open_store(peers_db)
    workflows.import_record(store, LOCAL_ACTOR, OrganisationRecord(
        Organisation("lonely", "Lonely Council", "Unitary authority", "London"), "nps-2018", "2018",
        [PeriodRecord("2021", entries={o: Entry(item=o, score=Score(3.0)) for o in NPS.key_area_of})]))
    store.engine.dispose()
    at = open_report(new_app("lonely", "2021"))
    assert not [s for s in at.selectbox if s.key == "report.peers_group"]
    assert not any(h.value == "Peers" for h in at.header)
