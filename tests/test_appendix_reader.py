"""Reading a Word objectives appendix back in: our own export round-trips, another council's styling
is read, and every bad file is refused with the exact messages in its golden `.expected` file.

Fixtures are in tests/fixtures/imports/docx/ (regenerate them with make.py there). What the round trip
preserves: scores (whole, half steps, n/a), periods, comment text exactly apart from surrounding
whitespace (stripped, as the app's form strips comments; a carriage return comes back as a line break),
and the actions the writer appends (text, owner, due date, status). Characters XML cannot hold are
replaced with U+FFFD by the export and come back as that.
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.parser import parse_xml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.domain.errors import InvalidImport
from assessment.domain.record import (
    ACTION_STATUSES,
    Action,
    Entry,
    Organisation,
    OrganisationRecord,
    PeriodRecord,
    period_key,
)
from assessment.domain.scores import NOT_APPLICABLE, UNSCORED, Score
from assessment.formats.layouts import split_actions
from assessment.formats.readers.word_appendix import read_appendix
from assessment.formats.writers.word_appendix import appendix_docx
from assessment.formats.writers.word_text import TextCleaner

from .conftest import texts

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "imports" / "docx"
_spec = importlib.util.spec_from_file_location("make_docx_fixtures", FIXTURES / "make.py")
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)


def _actions(actions):
    return [(a.text, a.owner, a.due, a.status) for a in actions]


def _written_actions(entry: Entry):
    """The actions `comments_and_action` writes: those not already quoted in the comment."""
    return [a for a in entry.actions if not (entry.comment and a.text in entry.comment)]


def _as_read(plan):
    return {p.period: {k: (e.score, e.comment, _actions(e.actions)) for k, e in p.entries.items()}
            for p in plan.periods}


# --- round trips --------------------------------------------------------------------------------------


def test_medway_round_trip(nps, medway):
    entries = medway.period("2023").entries
    entries["1"].actions.append(Action("Brief the (new) portfolio holder", owner="Head of Procurement, Finance",
                                       due=date(2027, 3, 21), status="in progress"))
    entries["5"].actions.append(Action("Refresh the strategy"))
    plan = read_appendix(appendix_docx(nps, medway, ["2022", "2023"]).data, nps, source="medway.docx")
    assert texts(plan.problems) == [] and texts(plan.warnings) == []
    assert [p.period for p in plan.periods] == ["2022", "2023"]
    expected = {p.period: {k: (e.score, e.comment, _actions(_written_actions(e))) for k, e in p.entries.items()}
                for p in medway.periods}
    assert _as_read(plan) == expected
    read_2023 = plan.periods[1].entries
    assert read_2023["3"].score == Score(2.5) and plan.periods[0].entries["18"].score.written == "2/3"
    assert "\n" in read_2023["2"].comment  # a comment with a line break keeps it
    assert _actions(read_2023["1"].actions) == [("Brief the (new) portfolio holder", "Head of Procurement, Finance",
                                                 date(2027, 3, 21), "in progress")]
    assert _actions(read_2023["5"].actions) == [("Refresh the strategy", None, None, "open")]
    # Medway's own actions are quoted in its comments, so they stay in the comment, once.
    assert read_2023["3"].actions == [] and read_2023["3"].comment == entries["3"].comment


def test_round_trip_with_another_framework_and_financial_years(tiny):
    record = OrganisationRecord(Organisation("t", "Tiny"), tiny.id, tiny.version, periods=[
        PeriodRecord("2023/24", entries={"S1": Entry("S1", score=Score(2.0), comment="Planned."),
                                         "D1": Entry("D1", score=Score(1.5))}),
        PeriodRecord("2024/2025", entries={"S2": Entry("S2", score=NOT_APPLICABLE)})])
    plan = read_appendix(appendix_docx(tiny, record, ["2023/24", "2024/2025"]).data, tiny, source="tiny.docx")
    assert texts(plan.problems) == [] and plan.framework_id == "tiny-kit"
    assert _as_read(plan) == {"2023/24": {"S1": (Score(2.0), "Planned.", []), "D1": (Score(1.5), None, [])},
                              "2024/2025": {"S2": (NOT_APPLICABLE, None, [])}}


_forbidden = "\x00\x07\x0b\x0c\x1f\ufffe\ud800"
_pieces = ["Gŵyl", "ŷ", "Ŵ", "🎉", "👍🏽", "עברית", "العربية", "\n", "\r\n", "\r", "\t", "  ", *_forbidden]
_text = st.lists(st.sampled_from(_pieces) | st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                                                    max_size=15), max_size=8).map("".join)
_long = st.builds(lambda part, times: part * times, st.text(min_size=1, max_size=12), st.integers(100, 400))
_one_line = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\n\r"),
                    min_size=1, max_size=40).map(str.strip).filter(bool)
_owner = st.none() | st.text(st.sampled_from("abcdefghij ABC,&'-"), min_size=1, max_size=25).filter(
    lambda o: not o.rstrip().endswith(","))
_action = st.builds(Action, _one_line, owner=_owner, due=st.none() | st.dates(date(2000, 1, 1), date(2099, 12, 31)),
                    status=st.sampled_from(ACTION_STATUSES))
_score = st.sampled_from([UNSCORED, NOT_APPLICABLE] + [Score(v / 2) for v in range(2, 11)])


@st.composite
def _records(draw, ids):
    years = draw(st.lists(st.integers(2000, 2098), min_size=1, max_size=5, unique=True))
    periods = []
    for year in years:
        name = draw(st.sampled_from([str(year), f"{year}/{(year + 1) % 100:02d}", f"{year}/{year + 1}"]))
        entries = {}
        for objective in draw(st.lists(st.sampled_from(ids), max_size=8, unique=True)):
            entries[objective] = Entry(objective, score=draw(_score), comment=draw(st.none() | _text | _long),
                                       actions=draw(st.lists(_action, max_size=2)))
        periods.append(PeriodRecord(name, entries=entries))
    return OrganisationRecord(Organisation("x", "Llanfair Council ŵ"), "nps-2018", "2018", periods=periods)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_any_record_round_trips(nps, data):
    record = data.draw(_records(list(nps.objectives)))
    periods = [p.period for p in record.periods]
    plan = read_appendix(appendix_docx(nps, record, periods).data, nps, source="x.docx")
    clean = TextCleaner()
    expected = {}
    for period in record.periods:
        for objective, entry in period.entries.items():
            comment = clean(entry.comment).replace("\r", "\n").strip() or None
            actions = [(clean(a.text), a.owner, a.due, a.status) for a in _written_actions(entry)]
            if entry.score != UNSCORED or comment or actions:
                expected.setdefault(period.period, {})[objective] = (entry.score, comment, actions)
    assert texts(plan.problems) == []
    assert _as_read(plan) == expected
    assert texts(plan.warnings) == [f"x.docx: {p} has columns but no scores or comments; it is not imported"
                             for p in sorted(set(periods) - set(expected), key=period_key)]


# --- another council's styling -------------------------------------------------------------------------


def test_another_councils_styling(nps):
    plan = read_appendix((FIXTURES / "styled.docx").read_bytes(), nps, source="styled.docx")
    assert texts(plan.problems) == []
    rows = _as_read(plan)
    assert list(rows) == ["2022", "2023"]
    mature, leader = Score(3.0), Score(4.0)
    assert rows["2022"]["1"] == (mature, ("Champions named in each directorate.\nOwner:\tMonitoring Officer\n"
                                          "(see the constitution)"), [])
    assert rows["2023"]["1"] == (leader, ("Champions are in place in every directorate.\nAction: brief new members "
                                          "after the May election."),
                                 [("Run a champions' network meeting", "Head of Procurement", date(2024, 3, 31),
                                   "open")])
    assert rows["2022"]["2"] == (mature, "Annual report to Cabinet.", []) and rows["2023"]["2"][0] == Score(2.5)
    assert rows["2022"]["3"] == (NOT_APPLICABLE, "No councillor champion role.", []) and "3" not in rows["2023"]
    assert rows["2023"]["6"][1] == rows["2023"]["7"][1] == "Both covered by the new training plan."
    assert rows["2022"]["31"] == (mature, "Draft policy in use.", [])
    assert rows["2023"]["31"] == (leader, "Policy adopted by Cabinet.", [])  # the nested table is not in it
    assert rows["2022"]["33"] == (mature, None, []) and rows["2023"]["34"] == (UNSCORED, "Starts in 2024.", [])
    assert rows["2022"]["32"] == (NOT_APPLICABLE, None, [])  # "N/A" spanning score and comment: the score only
    assert sorted(rows["2022"], key=int) == ["1", "2", "3", "4", "6", "31", "32", "33"]
    assert sorted(rows["2023"], key=int) == ["1", "2", "4", "6", "7", "31", "32", "33", "34"]
    assert texts(plan.warnings)[:4] == [
        ('styled.docx: table 3, row 6 (objective 7): "2023 Comments and Actions" is merged with the row above; '
         "its text is read for both rows"),
        "styled.docx: table 7 has no header row; it is read with the columns of the table before it",
        ('styled.docx: table 3, row 4: objective 4 is titled "Influence and impact" in nps-2018 but '
         '"Influence & impact" here'),
        'styled.docx: these columns are not read: "RAG" (tables 2, 3), "Lead officer" (tables 2, 3)']
    assert texts(plan.warnings)[4].startswith("styled.docx: 2022: 49 of 59 objectives not in the file: 5, 8, 9, ")
    assert texts(plan.warnings)[5].endswith(" and 29 more") and len(plan.warnings) == 6


# --- bad inputs: exact messages from the golden files ---------------------------------------------------


def _bad_inputs():
    return sorted(p.stem for p in FIXTURES.glob("*.expected"))


def test_every_fixture_has_a_golden_file_and_every_golden_file_a_fixture():
    fixtures = {p.stem for p in FIXTURES.glob("*.docx")} - {"styled"}
    assert fixtures | {"too_big"} == set(_bad_inputs())


@pytest.mark.parametrize("name", _bad_inputs())
def test_bad_input_is_refused_with_the_expected_messages(nps, name):
    expected = (FIXTURES / f"{name}.expected").read_text(encoding="utf-8").splitlines()
    data = bytes(25 * 1024 * 1024) if name == "too_big" else (FIXTURES / f"{name}.docx").read_bytes()
    plan = read_appendix(data, nps, source=f"{name}.docx")
    assert texts(plan.problems) == expected
    assert plan.periods == []
    with pytest.raises(InvalidImport) as caught:
        plan.check()
    assert texts(caught.value.problems) == expected


def test_a_problem_anywhere_is_listed_with_all_the_others(nps):
    data = make.simple(make.MEDWAY + ["2023 Score"], [
        ["1", "Procurement and Commercial Champions", "", "7", "", "3", "", ""],
        ["", "", "", "3", "Orphan comment", "", "", ""],
        ["2", "Reporting", "", "2", "", "9", "", ""]])
    plan = read_appendix(data, nps, source="a.docx")
    assert texts(plan.problems) == [
        'a.docx: table 2: there are two "2023 Score" columns',
        'a.docx: table 2, row 2 (objective 1), column "2022 Score": \'7\' is not a level of the scale (levels 1–5)',
        "a.docx: table 2, row 3: has a score or comment but no objective number",
        'a.docx: table 2, row 4 (objective 2), column "2023 Score": \'9\' is not a level of the scale (levels 1–5)']
    assert plan.periods == []


def test_an_excel_workbook_is_sent_to_the_spreadsheet_import(nps):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as workbook:  # the part every .xlsx has
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    assert texts(read_appendix(out.getvalue(), nps, source="a.docx").problems) == [
        "a.docx: the file is an Excel workbook, not a Word document (.docx); import it as a spreadsheet"]


# --- what counts as text and as an action ----------------------------------------------------------------


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_content_controls_deletions_and_tab_stops(nps):
    """A row inside a content control is read; deleted or moved-away text and tab stops are not text."""
    document = Document(io.BytesIO(make.simple(make.MEDWAY, [
        ["1", "Procurement and Commercial Champions", "", "3", "Kept\nLine", "", ""],
        ["2", "Reporting", "", "2", "Second", "", ""]])))
    table = document.tables[1]._tbl
    row = table.tr_lst[2]
    control = parse_xml(f'<w:sdt xmlns:w="{W}"><w:sdtContent/></w:sdt>')
    row.addprevious(control)
    control[0].append(row)
    paragraph, second = table.tr_lst[1].tc_lst[4].p_lst
    second.insert(0, parse_xml(f'<w:pPr xmlns:w="{W}"><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'))
    second.append(parse_xml(f'<w:r xmlns:w="{W}"><w:br w:type="page"/><w:t>two</w:t></w:r>'))
    paragraph.append(parse_xml(f'<w:del xmlns:w="{W}" w:id="1" w:author="a"><w:r><w:delText> gone</w:delText></w:r>'
                               "</w:del>"))
    paragraph.append(parse_xml(f'<w:moveFrom xmlns:w="{W}" w:id="3" w:author="a"><w:r><w:t> moved away</w:t></w:r>'
                               "</w:moveFrom>"))
    paragraph.append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="2" w:author="a"><w:r><w:t xml:space="preserve"> added'
                               "</w:t></w:r></w:ins>"))
    plan = read_appendix(make.stable(document), nps, source="a.docx")
    assert texts(plan.problems) == []
    assert _as_read(plan)["2022"] == {"1": (Score(3.0), "Kept added\nLinetwo", []), "2": (Score(2.0), "Second", [])}


@pytest.mark.parametrize("text, comment, actions", [
    ("Done.\nAction: Train buyers (Head of Procurement, 3 May 2026, done)", "Done.",
     [("Train buyers", "Head of Procurement", date(2026, 5, 3), "done")]),
    ("Action: A (x) (Category Management (CM), open)\nAction: B (dropped)", None,
     [("A (x)", "Category Management (CM)", None, "open"), ("B", None, None, "dropped")]),
    ("Action: to explore reporting measures.", "Action: to explore reporting measures.", []),     # Medway's own
    ("Action: review contracts (see #12)", "Action: review contracts (see #12)", []),            # no status
    ("Action: Train (open)\nThen a closing line.", "Action: Train (open)\nThen a closing line.", []),  # not trailing
    ("Action: X (Team, 31 February 2026, open)", None, [("X", "Team, 31 February 2026", None, "open")]),
    ("  Noted.\nAction: Y (open)\n\n", "Noted.", [("Y", None, None, "open")]),  # a trailing empty paragraph
])
def test_only_the_action_lines_our_writer_writes_become_actions(text, comment, actions):
    got_comment, got_actions = split_actions(text)
    assert (got_comment, _actions(got_actions)) == (comment, actions)



def test_text_after_an_entity_reference_in_a_cell_is_kept(nps):
    """An entity the file declares itself is shown as written, never expanded, and the text after
    it is kept (it was dropped); the standard ones (&amp; &#233;) read as their characters."""
    import sys
    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hostile"))
    import make
    plan = read_appendix(make.docx_entity(), nps, source="entity.docx").check()
    comments = {item: e.comment for item, e in plan.periods[0].entries.items()}
    assert comments == {"1": "Before & after été", "2": "Plain words", "3": "The &co; trains members"}
