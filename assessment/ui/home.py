"""Home: pick an organisation and a period and see where it stands, key area by key area."""

from __future__ import annotations

import streamlit as st

from assessment.scoring import previous_period
from assessment.summary import period_summary, two_places
from assessment.ui import state

st.title("Procurement maturity self-assessment")
st.caption("National Procurement Strategy for Local Government 2018: 59 objectives, levels 1 – Minimum "
           "to 5 – Innovator.")



def number(value: float | None) -> str:
    return "–" if value is None else two_places(value)


store = state.store()
organisations = store.organisations()
if not organisations:
    st.info("There are no organisations yet. Load the examples with `python -m assessment demo`.")
    st.stop()

names = {org.id: org.name for org, _ in organisations}
org_id = st.selectbox("Organisation", list(names), format_func=names.get, key="home.org")
record = store.load_record(org_id)
if not record.periods:
    st.info(f"{names[org_id]} has no assessment periods yet.")
    st.stop()
periods = [p.period for p in record.sorted_periods()]
period = st.selectbox("Period", periods, index=len(periods) - 1, key="home.period")
framework = state.framework(record.framework_id)
before = previous_period(record, period)
summary = period_summary(framework, record, period, before)

overall = summary["overall"]
st.subheader(f"{names[org_id]}, {period}")
level = f"{overall['level']} – {overall['level_name']}" if overall["level"] else "not yet scored"
st.markdown(f"Overall: **{level}** (mean {number(overall['mean'])} "
            f"of n = {overall['n']} scored objectives).")
if before and "objectives" in summary:
    o = summary["objectives"]
    st.markdown(f"Since {before}: {o['improved']} objectives improved, {o['unchanged']} unchanged, "
                f"{o['declined']} declined.")

rows = []
for area in summary["key_areas"]:
    row = {"Key area": area["title"], "n": area["n"], "Mean": number(area["mean"]),
           "Level": f"{area['level']} – {area['level_name']}" if area["level"] else "–",
           "Target": number(area["target"]), "Gap": number(area["gap"])}
    if before:
        row[before] = number(area.get("previous"))
        row["Movement"] = area.get("direction")
    rows.append(row)
st.dataframe(rows, hide_index=True, width="stretch", height=38 + 35 * len(rows), key="home.table")
st.caption(summary["rule"])
