"""A period's applied respondent round in the members' report (issue 30 point 5): the report page's
"Views gathered" (who took part, the range chart and its table, the agreed level beside the
respondents' median and range with n, where views differ most, participation with small groups
withheld and why, published comments shown exactly as typed), the same in the Word report with the
moderation log as an appendix (from the page's download and `export report`), and nothing of it
for a period without a round."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest
from docx import Document

from assessment import workflows
from assessment.cli import main
from assessment.domain.round_report import (
    AgreedScore,
    RoundReport,
    agreed_words,
    differ_most_lines,
    moderation_log,
    participation_sentence,
    participation_tables,
    views_table,
)
from assessment.domain.rounds import Participation, Round, Share, Withheld, spread
from assessment.domain.rounds import Answer as A
from assessment.formats.charts import chart_png
from assessment.formats.framework_file import find_framework
from assessment.formats.range_chart import range_caption, range_chart, range_rows
from assessment.formats.writers.word_report import report_docx
from assessment.formats.writers.word_views import CHART_TITLE, TABLE_HEADING
from assessment.ui.text import md
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import shown, tables
from .test_ui_scoring import db, new_app  # noqa: F401 - db is a fixture

REPORT_PAGE = "assessment/ui/report_page.py"
HOSTILE = "**Not bold** <b>no tags</b> [a link](http://example.com) :red[alert] $x^2$ -> @someone"
# Twelve invited in four departments: Legal (1) and Housing (2) are too small to show on their own and
# make k = 3 together, so they alone are withheld. One of Finance does not answer.
PEOPLE = [("Finance", "finance")] * 5 + [("Procurement", "procurement officer")] * 4 + \
    [("Legal", "legal")] + [("Housing", "service or commissioning officer")] * 2
ANSWERS = {"1": ["2", "3", "4", "3", None, "4", "3", "3", "2", "4", "3", "2"],
           "2": ["3", "3", "3", "3", None, "3", "3", "3", "3", "3", "don't know", "3"],
           "3": ["2", "2/3", "3", "2", None, "3", "don't know", "2", "2", "3", "2", "2"]}
COMMENTS = {("1", 0): HOSTILE, ("1", 2): "Cabinet member briefed every quarter",
            ("2", 1): "A comment the moderator did not publish"}
RATIONALE = "Views ranged from 2 to 4; the contracts register shows champions in two directorates"


def applied_round(url: str, period: str = "2023") -> int:
    """A round on Medway's `period` (a draft), answered by eleven of twelve through links, moderated
    (the comments on objective 1 published) and applied; its id."""
    store = workflows.connect(url)
    r = workflows.open_round(store, LOCAL_ACTOR, "medway", period, closes=date.today() + timedelta(days=14),
                             items=list(ANSWERS), mode="anonymous", k=3)
    assert r.id is not None
    for n, (department, perspective) in enumerate(PEOPLE):
        token = workflows.invite(store, LOCAL_ACTOR, r.id, f"person{n}@partner.org", department=department,
                                 perspectives=[perspective]).token
        given = {item: (scores[n], COMMENTS.get((item, n), "")) for item, scores in ANSWERS.items() if scores[n]}
        if given and token:
            workflows.answer_by_link(store, token, given, submit=True)
    workflows.close_round(store, LOCAL_ACTOR, r.id)
    voiced = [s.id for s in workflows.round_answers(store, LOCAL_ACTOR, r.id)
              if any(a.comment for a in s.answers if a.objective_id == "1")]
    workflows.moderate(store, LOCAL_ACTOR, r.id, "1", "3", rationale=RATIONALE,
                       meeting="Procurement board, 3 March 2026", published=voiced)
    workflows.moderate(store, LOCAL_ACTOR, r.id, "2", "3")
    workflows.moderate(store, LOCAL_ACTOR, r.id, "3", "2/3", rationale="Between levels: reporting began in the year")
    workflows.apply_round(store, LOCAL_ACTOR, r.id)
    store.engine.dispose()
    return r.id


def open_report(at):
    at.switch_page(REPORT_PAGE).run()
    assert not at.exception, at.exception
    return at


def table_with(at, *columns: str):
    return next(t for t in tables(at) if set(columns) <= set(t.columns))


def test_the_report_page_shows_the_views_gathered(db):  # noqa: F811
    applied_round(db)
    at = open_report(new_app("medway", "2023"))
    assert "Views gathered" in [h.value for h in at.header]
    words = [m.value for m in shown(at.markdown)]
    assert any(w.startswith("11 of the 12 people invited answered: 92% (11 of 12).") for w in words)
    views = table_with(at, "Agreed level", "Respondents")
    assert list(views.columns) == ["Objective", "Agreed level", "Respondents", "Views differ", "Comments published"]
    first, second, third = (views.iloc[i] for i in range(3))
    assert (first["Objective"], first["Agreed level"], first["Respondents"]) == (
        "1. Procurement and Commercial Champions", "3 – Mature", "median 3 – Mature, range 2 to 4, 11 answering")
    assert first["Views differ"] == "Yes: views two or more levels apart" and second["Views differ"] == ""
    assert (third["Agreed level"], third["Respondents"]) == ("2/3", "median 2 – Developing, range 2 to 3, 10 answering, "
                                                                    "1 don't know")
    # Published comments, in quotation marks, exactly as typed; one not published is nowhere.
    assert f"“{HOSTILE}”" in first["Comments published"] and "briefed every quarter" in first["Comments published"]
    raw = next(t.value for t in at.table if "Comments published" in t.value.columns.str.replace("\\", ""))
    assert any(md(f"“{HOSTILE}”") in str(cell) for cell in raw.iloc[0])           # escaped on its way to Markdown
    assert not any("did not publish" in w for w in words) and "did not publish" not in views.to_string()
    assert "Where views differ most" in [h.value for h in at.subheader]
    assert "1. Procurement and Commercial Champions: median 3 – Mature, range 2 to 4, 11 answering; agreed 3 – " \
        "Mature" in "\n".join(words)
    departments = table_with(at, "Department", "Took part")
    assert dict(zip(departments["Department"], departments["Took part"])) == {
        "Finance": "36% (4 of 11)", "Housing": "Withheld: fewer than 3 people took part",
        "Legal": "Withheld: fewer than 3 people took part", "Procurement": "36% (4 of 11)"}
    perspectives = table_with(at, "Primary perspective", "Took part")
    assert perspectives.set_index("Primary perspective")["Took part"]["legal"] == \
        "Withheld: fewer than 3 people took part"
    log = table_with(at, "Rationale", "Meeting")
    assert log.iloc[0]["Rationale"] == RATIONALE and log.iloc[0]["Agreed by"].startswith(LOCAL_ACTOR.name)
    charts = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert any("Range chart of the views gathered on 3 objectives" in c for c in charts)
    page = "\n".join([*words, *(t.to_string() for t in tables(at))])
    assert "person0@partner.org" not in page and "partner.org" not in page   # respondents are never named


def test_a_period_without_a_round_has_no_views_gathered(db):  # noqa: F811
    at = open_report(new_app("medway", "2023"))
    assert "Views gathered" not in [h.value for h in at.header]
    assert not any("Took part" in t.columns for t in tables(at))


def _docx_text(data: bytes) -> tuple[list[str], list[list[list[str]]], Document]:
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return paragraphs, cells, document


def test_the_word_report_has_the_views_and_the_moderation_log(db, tmp_path, capsys):  # noqa: F811
    applied_round(db)
    store = workflows.connect(db)
    view = queries.record(store, LOCAL_ACTOR, "medway")
    views = queries.round_report(store, LOCAL_ACTOR, "medway", "2023")
    assert views is not None
    data = report_docx(view.framework, view.record, "2023", views=views, attach_appendix=True,
                       today=date(2026, 11, 21)).data
    paragraphs, cells, document = _docx_text(data)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ["Views gathered", TABLE_HEADING, "Where views differ most", "Who took part, by department",
            "Who took part, by perspective"] == [h for h in headings if h in (
                "Views gathered", TABLE_HEADING, "Where views differ most", "Who took part, by department",
                "Who took part, by perspective")]
    # The objectives appendix is Appendix 1; the moderation log follows as Appendix 2, in its own section.
    assert headings[-1] == "Appendix 2 – Moderation log: Medway Council"
    assert headings.index("Appendix 1 – Complete Objectives List: Medway Council") < len(headings) - 1
    assert any(p.startswith("11 of the 12 people invited answered: 92% (11 of 12).") for p in paragraphs)
    by_objective = next(t for t in cells if t[0][:2] == ["Objective", "Agreed level"])
    assert by_objective[1][:4] == ["1. Procurement and Commercial Champions", "3 – Mature",
                                   "median 3 – Mature, range 2 to 4, 11 answering",
                                   "Yes: views two or more levels apart"]
    assert f"“{HOSTILE}”" in by_objective[1][4] and by_objective[3][1] == "2/3"
    departments = next(t for t in cells if t[0] == ["Department", "Took part"])
    assert ["Legal", "Withheld: fewer than 3 people took part"] in departments
    log = cells[-1]
    assert log[0] == ["Objective", "Agreed", "Respondents", "Rationale", "Meeting", "Agreed by"]
    assert log[1][3:5] == [RATIONALE, "Procurement board, 3 March 2026"] and log[1][5].startswith(LOCAL_ACTOR.name)
    assert document.sections[-1].header.paragraphs[0].text.startswith("Medway Council: moderation log, round 1 on 2023")
    pictures = [p for p in document.inline_shapes if p._inline.docPr.get("title") == CHART_TITLE]
    assert len(pictures) == 1 and "Range chart of the views gathered on 3 objectives" in \
        pictures[0]._inline.docPr.get("descr")
    assert b"partner.org" not in data and "did not publish" not in "\n".join(
        [*paragraphs, *(c for t in cells for row in t for c in row)])
    # Without the objectives appendix the log is Appendix 1; `export report` carries the same.
    out = tmp_path / "report.docx"
    assert main(["--database", db, "export", "report", "--org", "medway", "--period", "2023", "--out", str(out)]) == 0
    capsys.readouterr()
    paragraphs, cells, document = _docx_text(out.read_bytes())
    assert "Views gathered" in paragraphs and "Appendix 1 – Moderation log: Medway Council" in paragraphs
    # A period without a round: nothing of it.
    paragraphs, _, _ = _docx_text(report_docx(view.framework, view.record, "2022").data)
    assert "Views gathered" not in paragraphs and not any("Moderation log" in p for p in paragraphs)
    store.engine.dispose()


# ---------------------------------------------------------------- the words and the chart, from plain data

@pytest.fixture(scope="module")
def nps():
    return find_framework("nps-2018")


def _report(agreed: list[AgreedScore], *, participation: Participation | None = None) -> RoundReport:
    r = Round("medway", "2024", date(2026, 11, 21), mode="confidential", k=5, state="applied", id=7,
              created_at=datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc),
              changed_at=datetime(2026, 11, 25, 16, 0, tzinfo=timezone.utc))
    return RoundReport(r, 12, 15, agreed, ["4"], participation or Participation(12, {}, {}, {}))


def test_half_steps_not_applicable_and_withheld_figures_read_plainly(nps):
    wide = spread([A("4", 1.0), A("4", 2.0), A("4", 3.0), A("4", 3.0), A("4", 4.0), A("4", dont_know=True)])
    report = _report([
        AgreedScore("4", 2.5, wide, "Evidence of two directorates", "Board, 2 November", "head@medway.gov.uk", ()),
        AgreedScore("5", None, Withheld("no answers yet"), "Not done here", None, "head@medway.gov.uk", (),
                    datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)),
        AgreedScore("1", 3.0, spread([A("1", 3.0)] * 6), None, None, "head@medway.gov.uk", ("Fine",)),
    ], participation=Participation(12, {"Finance": Share(7, 12, "taking part"),
                                        "Legal": Withheld("fewer than 5 people took part"),
                                        "Housing": Withheld("withheld too, so that a smaller group cannot be "
                                                            "worked out from the total")}, {}, {}))
    assert [agreed_words(v, nps) for v in (2.5, None, 3.0)] == ["2/3", "n/a", "3 – Mature"]
    rows = views_table(report, nps)
    assert [r["Objective"][:2] for r in rows] == ["1.", "4.", "5."]          # the framework's order
    assert rows[1]["Respondents"] == "median 3 – Mature, range 1 to 4, 5 answering, 1 don't know"
    assert rows[1]["Views differ"] == "Yes: views two or more levels apart"
    assert rows[2]["Agreed level"] == "n/a" and rows[2]["Respondents"] == "Withheld: no answers yet"
    assert rows[0]["Comments published"] == "“Fine”"
    assert differ_most_lines(report, nps) == ["4. Influence and impact: median 3 – Mature, range 1 to 4, 5 answering, "
                                              "1 don't know; agreed 2/3"]
    sentence = participation_sentence(report)
    assert sentence.startswith("12 of the 15 people invited answered: 80% (12 of 15).")
    assert "(round 7, opened on 2 November 2026)" in sentence and "into 2024 on 25 November 2026" in sentence
    assert "confidential" in sentence and "Groups of fewer than 5 people are not shown" in sentence
    groups = participation_tables(report)
    assert [g.heading for g in groups] == ["By department"]                 # no perspectives: no empty tables
    assert groups[0].rows == [{"Department": "Finance", "Took part": "58% (7 of 12)"},
                              {"Department": "Legal", "Took part": "Withheld: fewer than 5 people took part"},
                              {"Department": "Housing", "Took part": "Withheld too, so that a smaller group cannot "
                                                                    "be worked out from the total"}]
    log = moderation_log(report, nps)
    assert log[2]["Agreed by"] == "head@medway.gov.uk, 21 November 2026" and log[1]["Agreed by"] == "head@medway.gov.uk"


def test_the_range_chart_is_valid_vega_lite_renders_and_names_what_it_leaves_out(nps):
    import altair as alt
    report = _report([AgreedScore("1", 3.0, spread([A("1", 2.0), A("1", 4.0), A("1", 3.0)]), "x", None, None, ()),
                      AgreedScore("2", None, Withheld("fewer than 5 people have answered: figures are shown from 5"),
                                  None, None, None, ())])
    rows = range_rows(report, nps)
    assert [(r["lowest"], r["median"], r["highest"], r["agreed"]) for r in rows] == [(2, 3, 4, 3), (None, None, None,
                                                                                                    None)]
    spec = range_chart(report, nps)
    alt.LayerChart.from_dict(spec, validate=True)     # raises on an invalid spec
    assert "The same numbers are in the table below the chart." in spec["description"]
    caption = range_caption(report, nps)
    assert "No band for 2. Reporting (fewer than 5 people have answered: figures are shown from 5)." in caption
    assert "Agreed as not applicable (no diamond): 2. Reporting." in caption
    png = chart_png(spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
