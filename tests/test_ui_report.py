"""The progress report page through AppTest: the numbers on the page are the record's numbers."""

from __future__ import annotations

from assessment.framework import find_framework
from assessment.store import open_store

from .conftest import stored, shown
from .test_ui_scoring import db, new_app  # noqa: F401 - db is a fixture

REPORT_PAGE = "assessment/ui/report_page.py"


def open_report(at):
    at.switch_page(REPORT_PAGE).run()
    assert not at.exception, at.exception
    return at


def frame(at, *having: str, lacking: tuple[str, ...] = ()):
    """The first table on the page with the `having` columns and none of `lacking`
    (AppTest does not keep dataframe keys)."""
    for element in at.dataframe:
        columns = set(element.value.columns)
        if columns.issuperset(having) and not columns.intersection(lacking):
            return element.value
    raise AssertionError(f"no table with columns {having} and without {lacking}")


def _hand_counts(url):
    record = stored(open_store(url), "medway")
    a, b = record.period("2022").entries, record.period("2023").entries
    changes = [b[k].score.value - a[k].score.value for k in b]
    return sum(c > 0 for c in changes), sum(c == 0 for c in changes)


def test_report_page_summary_and_tables(db):  # noqa: F811
    at = open_report(new_app("medway", "2023"))
    assert at.title[0].value == "Progress report: Medway Council, 2023"
    assert shown(at.markdown)[0].value == "**Status:** DRAFT"   # reopened for these tests
    up, same = _hand_counts(db)
    summary = shown(at.markdown)[1].value
    assert f"Since 2022, {up} objectives improved, none declined; {same} stayed the same." in summary
    assert "scored 59 of 59 objectives" in summary
    movement = frame(at, "Gap")
    assert list(movement.columns) == ["Key area", "2022", "2023", "n", "Level", "Target", "Gap", "Direction"]
    assert len(movement) == 14 + 1 and movement.iloc[-1]["Key area"] == "Overall"
    councillors = movement[movement["Key area"] == "Engaging Councillors"].iloc[0]
    assert (councillors["2022"], councillors["2023"], councillors["n"]) == ("2.67", "2.83", "3")
    radar = frame(at, "Key area", "Target", lacking=("Gap",))
    assert len(radar) == 14 and set(radar.columns) >= {"Key area", "2023", "2022", "Target", "n"}
    assert any(h.value == f"Improved ({up})" for h in at.subheader)
    heat = frame(at, "Objective", "2022", lacking=("From",))
    assert len(heat) == 59 and list(heat.columns)[2:] == ["2022", "2023"]
    assert heat[heat["Objective"].str.startswith("18.")].iloc[0]["2022"] == "2/3"


def test_radar_for_one_theme_and_comparing_with_nothing(db):  # noqa: F811
    at = open_report(new_app("medway", "2023"))
    framework = find_framework("nps-2018")
    at.selectbox(key="report.scope").set_value("behaving-commercially").run()
    radar = frame(at, "Key area", "Target", lacking=("Gap",))
    assert list(radar["Key area"]) == [ka.title for ka in framework.themes[1].key_areas]
    at.selectbox(key="report.compare").set_value("none").run()
    assert "nothing to compare with" in shown(at.markdown)[1].value
    assert "Direction" not in frame(at, "Gap").columns


def test_report_page_for_a_key_area_record(db):  # noqa: F811
    at = open_report(new_app("worcestershire", "2022"))
    summary = shown(at.markdown)[1].value
    # Worcestershire's own framework: nine key areas in its words (the enablers are not part of it)
    assert "scored 9 of 9 key areas" in summary and "below its target" in summary
    radar = frame(at, "Key area", "Target", lacking=("Gap",))
    risk = radar[radar["Key area"] == "Managing Strategic Risk"].iloc[0]
    assert (risk["2022"], risk["Target"]) == ("3.00", "5.00")
    leaders = radar[radar["Key area"] == "Engaging with Members and Senior Leaders"].iloc[0]
    assert (leaders["2022"], leaders["Target"]) == ("2.00", "4.00")
    assert "Developing talent" not in set(radar["Key area"])
    assert not any("Not on the chart" in c.value for c in shown(at.caption))
    heat = frame(at, "Key area", "2022", lacking=("Target", "n"))
    assert list(heat.columns) == ["Key area", "2022"] and len(heat) == 9
