"""Progress report (read-only): where we are today against where we want to be, and what moved."""

from __future__ import annotations

from datetime import date

import streamlit as st

from assessment.charts import heatmap_chart, heatmap_rows, heatmap_table, radar_caption, radar_chart, radar_text_table
from assessment.record import long_date
from assessment.report import action_table, mover_table, movement_table, progress_report, radar_rows
from assessment.ui import downloads, state
from assessment.ui.text import md

(record, framework), chosen = state.chosen_record()
periods = [p.period for p in record.sorted_periods()]
if not periods:
    st.info(f"{md(record.organisation.name)} has no periods yet: start one on the Start page.")
    st.stop()
period = chosen if chosen in periods else periods[-1]
st.title(f"Progress report: {md(record.organisation.name)}, {period}")
st.markdown(f"**Status:** {md(record.period(period).status_line())}", help="A period is a draft until it is "
            "submitted for approval; once approved it is read-only, as the council approved it.")

earlier = [p for p in periods if periods.index(p) < periods.index(period)]
options = ["none", *reversed(earlier)]
compare = st.selectbox("Compare with", options, index=1 if earlier else 0, key="report.compare",
                       format_func=lambda p: "Nothing (show this period only)" if p == "none" else p)
compare_with = None if compare == "none" else compare
today = date.today()
report = progress_report(framework, record, period, compare_with, today=today)

st.markdown(md(report.summary))
st.caption(report.rule)
for note in report.framework_notes:   # a period scored against another framework: said where it is read
    st.info(md(note + "."))

st.header("Where we are today and where we want to be")
themes = {"all": "The whole framework", **{t.id: t.title for t in framework.themes}}
scope = st.selectbox("Radar for", list(themes), format_func=themes.get, key="report.scope")
ids = None if scope == "all" else [ka.id for ka in framework.themes[[t.id for t in framework.themes].index(scope)].key_areas]
rows = radar_rows(framework, record, period, compare_with, key_area_ids=ids)
chart_col, table_col = st.columns([5, 4])
chart_col.container(key="report.radar").vega_lite_chart(radar_chart(rows, framework, size=350, font_size=12), width="content")
chart_col.caption(md(radar_caption(rows)))
table_col.markdown("**The same numbers** (mean of scored objectives; n = how many)")
numbers = radar_text_table(rows)
table_col.dataframe(numbers, hide_index=True, width="stretch", height=38 + 35 * len(numbers), key="report.radar_table",
                    column_config={"Key area": st.column_config.TextColumn(width="medium")})
if not report.has_targets:
    table_col.info("No targets are set yet, so the chart has no “where we want to be” line.")

st.header("Movement by key area")
movement = movement_table(report, framework)
st.dataframe(movement, hide_index=True, width="stretch", height=38 + 35 * len(movement), key="report.movement")

if compare_with:
    st.header(f"What moved since {compare_with}")
    up, down = st.columns(2)
    up.subheader(f"Improved ({len(report.improved)})")
    if not report.improved:
        up.write("None improved.")
    for mover in report.improved:
        up.markdown(f"**{md(mover.title)}** ({md(mover.key_area)}): {mover.before.written} → {mover.after.written}")
        if mover.comment:
            up.caption(md(mover.comment))
    down.subheader(f"Declined ({len(report.declined)})")
    if not report.declined:
        down.write("None declined.")
    for mover in report.declined:
        down.markdown(f"**{md(mover.title)}** ({md(mover.key_area)}): {mover.before.written} → {mover.after.written}")
        if mover.comment:
            down.caption(md(mover.comment))
    with st.expander("The movers as a table"):
        st.dataframe(mover_table(report.improved + report.declined), hide_index=True, width="stretch")

st.header("Scores by period")
heat = heatmap_rows(report.heatmap)
if heat:
    heat_col, heat_table_col = st.columns([3, 2])
    heat_col.vega_lite_chart(heatmap_chart(heat, framework), width="content", key="report.heatmap")
    heat_table_col.markdown("**The same scores as a table**")
    heat_table_col.dataframe(heatmap_table(heat), hide_index=True, width="stretch", key="report.heat_table",
                             column_config={"Objective": st.column_config.TextColumn(width="medium"),
                                            "Key area": st.column_config.TextColumn(width="small")})

st.header("Open actions")
overdue = len(report.overdue)
st.markdown(f"{len(report.actions)} open, **{overdue} overdue** at {long_date(today)}.")
if report.actions:
    st.dataframe(action_table(report.actions), hide_index=True, width="stretch", key="report.actions")

st.header("Download")
downloads.offer(framework, record, period, compare_with, today)
