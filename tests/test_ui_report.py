"""The progress report page through AppTest: the numbers on the page are the record's numbers."""

from __future__ import annotations

from assessment.formats.framework_file import find_framework
from assessment.storage.store import open_store

from .conftest import shown, stored, tables
from .test_ui_scoring import db, new_app  # noqa: F401 - db is a fixture

REPORT_PAGE = "assessment/ui/report_page.py"


def open_report(at):
    at.switch_page(REPORT_PAGE).run()
    assert not at.exception, at.exception
    return at


def frame(at, *having: str, lacking: tuple[str, ...] = ()):
    """The first table on the page with the `having` columns and none of `lacking`
    (AppTest does not keep table keys)."""
    for value in tables(at):
        columns = set(value.columns)
        if columns.issuperset(having) and not columns.intersection(lacking):
            return value
    raise AssertionError(f"no table with columns {having} and without {lacking}")


def summary_of(at) -> str:
    """The plain-English summary paragraph (under "Summary")."""
    return next(m.value for m in shown(at.markdown) if m.value.startswith("In "))


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
    summary = summary_of(at)
    assert f"Since 2022, {up} objectives improved, none declined; {same} stayed the same." in summary
    assert "scored 59 of 59 objectives" in summary
    movement = frame(at, "Against target")
    assert list(movement.columns) == ["Key area", "2022", "2023", "Scored", "Level", "Target", "Against target",
                                      "Direction"]
    assert len(movement) == 14 + 1 and movement.iloc[-1]["Key area"] == "Overall"
    councillors = movement[movement["Key area"] == "Engaging Councillors"].iloc[0]
    assert (councillors["2022"], councillors["2023"], councillors["Scored"]) == ("2.67", "2.83", "3 of 3")
    radar = frame(at, "Key area", "Target", lacking=("Against target",))
    assert len(radar) == 14 and set(radar.columns) >= {"Key area", "2023", "2022", "Target", "n"}
    assert any(h.value == f"Improved ({up})" for h in at.subheader)
    heat = frame(at, "Objective", "2022", lacking=("From",))
    assert len(heat) == 59 and list(heat.columns)[2:] == ["2022", "2023"]
    assert heat[heat["Objective"].str.startswith("18.")].iloc[0]["2022"] == "2/3"


def test_radar_for_one_theme_and_comparing_with_nothing(db):  # noqa: F811
    at = open_report(new_app("medway", "2023"))
    framework = find_framework("nps-2018")
    at.selectbox(key="report.scope").set_value("behaving-commercially").run()
    radar = frame(at, "Key area", "Target", lacking=("Against target",))
    assert list(radar["Key area"]) == [ka.title for ka in framework.themes[1].key_areas]
    at.selectbox(key="report.compare").set_value("none").run()
    assert "This report is not compared with an earlier period." in summary_of(at)   # 2022 is recorded
    assert "first period" not in summary_of(at)
    assert "Not compared with an earlier period, so no moves are shown." in [m.value for m in shown(at.markdown)]
    assert "Direction" not in frame(at, "Against target").columns


def test_report_page_for_a_key_area_record(db):  # noqa: F811
    at = open_report(new_app("worcestershire", "2022"))
    summary = summary_of(at)
    # Worcestershire's own framework: nine key areas in its words (the enablers are not part of it)
    assert "scored 9 of 9 key areas" in summary and "below its target" in summary
    radar = frame(at, "Key area", "Target", lacking=("Against target",))
    risk = radar[radar["Key area"] == "Managing Strategic Risk"].iloc[0]
    assert (risk["2022"], risk["Target"]) == ("3.00", "5.00")
    leaders = radar[radar["Key area"] == "Engaging with Members and Senior Leaders"].iloc[0]
    assert (leaders["2022"], leaders["Target"]) == ("2.00", "4.00")
    assert "Developing talent" not in set(radar["Key area"])
    assert not any("Not on the chart" in c.value for c in shown(at.caption))
    heat = frame(at, "Key area", "2022", lacking=("Target", "n"))
    assert list(heat.columns) == ["Key area", "2022"] and len(heat) == 9


def _key_area_means(record, framework, period):
    """Each key area's mean of its scored objectives, worked out here from the record."""
    out = {}
    for ka in framework.key_areas.values():
        values = [record.period(period).entries[o.id].score.value for o in ka.objectives
                  if o.id in record.period(period).entries and record.period(period).entries[o.id].score.value]
        out[ka.title] = sum(values) / len(values) if values else None
    return out


def test_the_report_opens_at_a_glance(db):  # noqa: F811
    """Overall level, the three biggest moves (worked out here from the scores), the actions, then the
    radar and its table, before any detail."""
    at = open_report(new_app("medway", "2023"))
    framework = find_framework("nps-2018")
    headings = [h.value for h in at.header]
    assert headings[0] == "At a glance" and headings[1] == "Summary"
    markdown = [m.value for m in shown(at.markdown)]
    assert "**Overall: 3 – Mature (mean 3.29 from 59 of 59 objectives)**" in markdown
    record = stored(open_store(db), "medway")
    before, now = _key_area_means(record, framework, "2022"), _key_area_means(record, framework, "2023")
    moves = sorted(((now[k] - before[k], k) for k in now if now[k] - before[k]), key=lambda m: (-abs(m[0]), m[1]))
    moves_text = next(m for m in markdown if m.startswith("1. ") and "since 2022" in m)
    listed = [line.split(":")[0][3:] for line in moves_text.split("\n")]
    assert listed == [k for _, k in moves[:3]]
    assert f"▲ up {moves[0][0]:.2f} since 2022" in moves_text.split("\n")[0]
    # Medway sets no targets: the gaps say so rather than inventing one.
    assert "No targets are set yet, so there is no gap to show." in markdown
    open_now = len(frame(at, "Action", "Owner", "Due"))   # the open actions table further down
    assert any(m.startswith(f"{open_now} actions are open") for m in markdown), markdown
    radar_at = markdown.index(next(m for m in markdown if m.startswith("Key areas: 2023")))
    assert radar_at < markdown.index(summary_of(at))


def test_at_a_glance_gaps_only_where_a_target_covers(db):  # noqa: F811
    at = open_report(new_app("worcestershire", "2022"))
    markdown = [m.value for m in shown(at.markdown)]
    gaps = next(m for m in markdown if m.startswith("1. ") and "against a target" in m).split("\n")
    radar = frame(at, "Key area", "Target", lacking=("Against target",))
    below = sorted(((float(r["Target"]) - float(r["2022"]), r["Key area"]) for _, r in radar.iterrows()
                    if r["Target"] not in ("–",) and "scored" not in r["Target"] and r["2022"] != "–"
                    and float(r["Target"]) > float(r["2022"])), key=lambda g: -g[0])
    cut = [k for k in below if k[0] >= below[2][0]]    # the three biggest, and any tied with the third
    assert [g.split(":")[0][3:] for g in gaps] == [k for _, k in cut] and len(cut) == 4
    assert "This is the first period recorded, so nothing has moved yet." in markdown
