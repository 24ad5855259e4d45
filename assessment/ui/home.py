"""Start: choose organisation and period, start a new period, see what is left to do."""

from __future__ import annotations

from datetime import date

import streamlit as st

from assessment import movement, workflows
from assessment.errors import AssessmentError
from assessment.numbers import format_mean, signed
from assessment.record import next_period
from assessment.scoring import completion, previous_period
from assessment.summary import period_summary
from assessment.ui import drafts, state
from assessment.ui.organisation_form import add_organisation
from assessment.workflows import queries


st.title("Procurement maturity self-assessment")
st.caption("National Procurement Strategy for Local Government 2018: 59 objectives, levels 1 – Minimum "
           "to 5 – Innovator.")

store, actor = state.store(), state.actor()
organisations = queries.organisations(store, actor)
if not organisations:
    st.info("There are no organisations yet: add yours below, or load the examples with "
            "`python -m assessment demo`.")
    add_organisation(expanded=True)
    st.stop()
if "home.added" in st.session_state:
    st.success(st.session_state.pop("home.added"))

names = {org.id: org.name for org in organisations}
chosen_org, chosen_period = state.selection()
if st.session_state.get("home.org") not in names:  # first visit, or back from another page
    st.session_state["home.org"] = chosen_org if chosen_org in names else next(iter(names))
org_id = st.selectbox("Organisation", list(names), format_func=names.get, key="home.org")
record, framework = queries.record(store, actor, org_id)
periods = [p.period for p in record.sorted_periods()]
if periods:
    if st.session_state.get("home.period") not in periods:
        st.session_state["home.period"] = chosen_period if chosen_period in periods else periods[-1]
    st.selectbox("Period", periods, key="home.period")
state.remember(org_id, st.session_state.get("home.period") if periods else None)
add_organisation()

with st.expander("Start a new period", expanded=not periods):
    suggested = next_period(periods[-1]) if periods else str(date.today().year)
    if (st.session_state.pop("home.new_period.reset", False) or "home.new_period" not in st.session_state
            or st.session_state.get("home.new_period.org") != org_id):  # suggest afresh for another organisation
        st.session_state["home.new_period"] = suggested
        st.session_state["home.new_period.org"] = org_id
    new_name = st.text_input("New period", key="home.new_period",
                             help="A year such as 2026, or a financial year such as 2026/27.")
    how = st.radio("Start from", ["Carried forward from the latest period", "Blank"], key="home.new_how",
                   disabled=not periods, horizontal=True)
    if st.button("Start period", key="home.start"):
        try:
            workflows.start_period(store, actor, org_id, new_name, carry=bool(periods) and how.startswith("Carried"))
        except AssessmentError as exc:
            st.error(str(exc))
        else:
            st.session_state["period"] = new_name.strip()
            st.session_state.pop("home.period", None)  # shown again from "period" on the rerun
            st.session_state["home.new_period.reset"] = True  # suggest the period after this one
            st.rerun()

if not periods:
    st.stop()
period = st.session_state["period"]
current = record.period(period)

st.subheader(f"{names[org_id]}, {period}")
waiting = drafts.unsaved(org_id, period)
if waiting:
    st.warning(f"You have unsaved changes in objective(s) {', '.join(waiting)}: open Score a key area and save them.")
done = completion(framework, current)
st.markdown(f"**{done.scored}** scored, **{done.not_applicable}** not applicable, **{done.left}** left to do"
            + (f" (of which {done.carried} carried forward, to confirm)" if done.carried else "")
            + f" — of {done.total} objectives.")
left = [ka for ka in framework.key_areas if completion(framework, current, ka).left]
if left:
    cols = st.columns(min(4, len(left)))
    for i, ka in enumerate(left):
        c = completion(framework, current, ka)
        if cols[i % len(cols)].button(f"{framework.key_areas[ka].title}: {c.left} left", key=f"home.jump.{ka}"):
            st.session_state["score.key_area"] = ka
            st.switch_page("assessment/ui/score.py")

before = previous_period(record, period)
summary = period_summary(framework, record, period, before)
overall = summary["overall"]
level = overall["level_label"] or "not yet scored"
st.markdown(f"Overall: **{level}** (mean {format_mean(overall['mean'])} of n = {overall['n']} scored objectives).")
if before and "objectives" in summary:
    o = summary["objectives"]
    st.markdown(f"Since {before}: {o['improved']} objectives improved, {o['unchanged']} unchanged, "
                f"{o['declined']} declined.")
rows = []
for area in summary["key_areas"]:
    row = {"Key area": area["title"], "n": area["n"], "Mean": format_mean(area["mean"]),
           "Level": area["level_label"] or "–",
           "Target": format_mean(area["target"]), "Gap": signed(area["gap"])}
    if before:
        row[before] = format_mean(area.get("previous"))
        row["Movement"] = movement.label(area.get("movement"), amount="mean")
    rows.append(row)
st.dataframe(rows, hide_index=True, width="stretch", height=38 + 35 * len(rows), key="home.table")
st.caption(summary["rule"])
