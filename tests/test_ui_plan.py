"""The plan beside the scores in the app (AppTest, single-user local mode): the record chosen on
Start and kept in the address, a plan started for a council that follows none, rated on the plan
page through drafts, refused in words, and read as its report; made-up addresses said plainly."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from assessment import workflows
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import ROOT, shown, tables
from .test_ui_scoring import db  # noqa: F401 - a fixture

RATING = "plan.medway.2023/24.outcome.local-suppliers.rating"
COMMENT = "plan.medway.2023/24.outcome.local-suppliers.comment"
SPEND = "plan.medway.2023/24.indicator.local-supply-chain-spend.value"


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _said(at) -> str:
    return "\n".join(e.value for e in [*shown(at.markdown), *shown(at.info), *shown(at.success), *shown(at.error),
                                       *shown(at.warning), *shown(at.caption)])


def _plan_page(**params: str) -> AppTest:
    at = _app(**params)
    at.switch_page("assessment/ui/plan_page.py").run()
    assert not at.exception, at.exception
    return at


def test_the_record_is_chosen_on_start_and_kept_in_the_address(db):  # noqa: F811
    at = _app()
    assert at.radio(key="home.record").value == ""   # the scores stay the default
    assert "record" not in at.query_params
    at.radio(key="home.record").set_value("plan").run()
    assert at.query_params["record"] == ["plan"] or at.query_params["record"] == "plan"
    assert at.selectbox(key="home.plan.period").options == ["2022/23", "2023/24"]
    assert "Of 22 outcomes and actions" in _said(at)
    # a reload (a new session on the same address) opens the plan again
    again = _app(org="medway", record="plan", period="2022/23")
    assert again.radio(key="home.record").value == "plan"
    assert again.selectbox(key="home.plan.period").value == "2022/23"
    # going back to the scores takes the plan out of the address; the scores' period is theirs
    again.radio(key="home.record").set_value("").run()
    assert "record" not in again.query_params and again.selectbox(key="home.period").value == "2023"


def test_a_council_that_follows_no_plan_starts_one_on_start(db):  # noqa: F811
    at = _app()
    at.selectbox(key="home.org").set_value("worcestershire").run()
    at.radio(key="home.record").set_value("plan").run()
    assert "Worcestershire County Council follows no plan yet" in _said(at)
    at.text_input(key="home.plan.new").set_value("2025/26").run()
    at.selectbox(key="home.plan.choose").set_value("stevenage-2021").run()
    at.button(key="home.plan.start").click().run()
    assert not at.exception and "Started 2025/26 of the plan." in _said(at)
    kept = queries.plan_record(workflows.connect(), LOCAL_ACTOR, "worcestershire")
    assert [p.period for p in kept.record.periods] == ["2025/26"] and kept.plan and kept.plan.id == "stevenage-2021"
    # the scores are as they were
    scores = queries.record(workflows.connect(), LOCAL_ACTOR, "worcestershire").record
    assert [p.period for p in scores.periods] == ["2022"]
    at.text_input(key="home.plan.new").set_value("2025/26").run()
    at.button(key="home.plan.start").click().run()
    assert "Worcestershire's plan already has period '2025/26'".lower() in _said(at).lower().replace("\\", "")


def test_a_rating_waits_as_a_draft_is_saved_and_shows_in_the_report(db):  # noqa: F811
    at = _plan_page(org="medway", record="plan", period="2023/24")
    assert at.selectbox(key=RATING).value == "green-on-target"
    at.selectbox(key=RATING).set_value("red").run()
    at.text_area(key=COMMENT).set_value("<b>Behind</b> **again**").run()
    assert "You have 1 unsaved change in this period of the plan." in _said(at)
    mine = queries.drafts(workflows.connect(), LOCAL_ACTOR, "medway~plan", "2023/24")
    assert [(d.edit.rating, d.edit.comment) for d in mine] == [("red", "<b>Behind</b> **again**")]
    at.text_input(key=SPEND).set_value("a lot").run()
    at.button(key="plan.save").click().run()
    assert "is not a number" in _said(at)   # refused whole: nothing saved
    assert queries.plan_report(workflows.connect(), LOCAL_ACTOR, "medway", "2023/24").outcomes[0].rating.name \
        == "Green on target"
    at.text_input(key=SPEND).set_value("41").run()
    at.button(key="plan.save").click().run()
    assert not at.exception and "Saved 2 changes." in _said(at)
    report = queries.plan_report(workflows.connect(), LOCAL_ACTOR, "medway", "2023/24")
    assert (report.outcomes[0].rating.name, report.outcomes[0].movement) == ("Red", "worse")
    outcomes = tables(at)[0]
    row = outcomes[outcomes["Outcome"].str.startswith("Increase the number")].iloc[0]
    assert (row["2023/24 rating"], row["2022/23 rating"], row["Movement"]) == ("Red", "Amber", "worse")
    assert "<b>Behind</b> **again**" in row["Comment"].replace("\\", "")   # shown as typed, not as HTML


def test_an_approved_period_of_the_plan_is_read_not_rated(db):  # noqa: F811
    at = _plan_page(org="medway", record="plan", period="2022/23")
    assert not at.tabs and RATING.replace("2023/24", "2022/23") not in [s.key for s in at.selectbox]
    assert "Approved" in _said(at)
    assert "Overdue actions" in [h.value for h in at.header]


def test_made_up_addresses_are_said_plainly(db):  # noqa: F811
    at = _app(org="medway", record="plan", period="2031/32")
    assert "Medway Council's plan has no period “2031/32” that you can open" in _said(at).replace("\\", "")
    assert at.query_params["period"] in ("2023/24", ["2023/24"])   # the latest is shown instead
    at = _app(org="nobody", record="plan")
    assert "There is no organisation “nobody” that you can open" in _said(at).replace("\\", "")
    at = _app(org="medway", record="budget")
    assert at.radio(key="home.record").value == ""   # an unknown record is the scores


def test_the_scores_pages_keep_their_own_period_under_a_plan_address(db):  # noqa: F811
    """An address of the plan (?record=plan&period=2023/24) opened on the score or report page shows
    the scores' own latest period, never "Medway has no period 2023/24"."""
    at = _app(org="medway", record="plan", period="2023/24")
    for page in ("assessment/ui/score.py", "assessment/ui/report_page.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        said = _said(at) + "\n".join(t.value for t in at.title)
        assert "has no period" not in said and "2023" in "\n".join(t.value for t in at.title)
        assert at.query_params.get("record") in (None, [])   # the scores' pages take the plan out of the address


def test_the_covering_report_page_follows_the_record_chosen(db):  # noqa: F811
    at = _app(org="medway", record="plan", period="2023/24")
    at.button(key="home.plan.covering").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value.replace("\\", "") == "Covering report: Medway Council, 2023/24 (the plan)"
    at.selectbox(key="shape.medway.start").set_value("cabinet").run()
    at.button(key="shape.medway.use").click().run()
    assert not at.exception, at.exception
    purpose = next(t for t in at.text_area if t.label.startswith("Purpose of Report"))
    purpose.set_value("To report the plan's second year.").run()
    next(b for b in at.button if b.label.startswith("Save the covering report")).click().run()
    assert not at.exception, at.exception
    kept = queries.covering(workflows.connect(), LOCAL_ACTOR, "medway~plan", "2023/24").saved
    assert kept is not None and kept.section("Purpose of Report").text == "To report the plan's second year."
    scores = queries.covering(workflows.connect(), LOCAL_ACTOR, "medway", "2023").saved
    assert scores is None or "plan's second year" not in (scores.section("Purpose of Report").text or "")


def test_the_plan_is_submitted_on_start_and_then_read_not_rated(db):  # noqa: F811
    at = _app(org="medway", record="plan")
    at.button(key="home.submit").click().run()
    assert not at.exception and "Submitted 2023/24 for approval." in _said(at).replace("\\", "")
    assert "only its actions' progress can be recorded (on the Plan page)" in _said(at).replace("\\", "")
    assert queries.plan_record(workflows.connect(), LOCAL_ACTOR, "medway").record.period("2023/24").status \
        == "submitted"
    assert queries.record(workflows.connect(), LOCAL_ACTOR, "medway").record.period("2023").status != "submitted"
    at.switch_page("assessment/ui/plan_page.py").run()
    assert not at.tabs and RATING not in [s.key for s in at.selectbox]
