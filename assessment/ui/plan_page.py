"""The plan followed beside the scores (?record=plan): its report as councils read it (at a glance,
a RAG table per outcome with its movement, indicators against baseline, overdue actions) and, for an
editor while the period is a draft, the form to rate it."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain.plan_report import at_a_glance, overdue_line
from assessment.domain.record import PLAN_RECORD, record_key
from assessment.ui import downloads, plan_actions, plan_form, plan_view, state
from assessment.ui.text import md
from assessment.workflows import EDIT, queries

view, period = state.chosen_plan()
org, name = view.record.organisation.id, view.record.organisation.name
if view.plan is None or period is None:
    st.title(f"Plan: {md(name)}")
    st.info(md(f"{name} follows no plan yet" + (": start its first period on the Start page (Record: Plan)."
                                                if state.actor().may(org, EDIT) else " that you can read.")))
    st.stop()
st.title(f"Plan: {md(name)}, {period}")
st.caption(md(view.plan.name))
periods = [p.period for p in view.record.sorted_periods()]
if st.session_state.get("plan.page.period") != period:
    st.session_state["plan.page.period"] = period
chosen = str(st.selectbox("Period of the plan", periods, key="plan.page.period"))
if chosen != period:
    st.session_state["plan.period"] = chosen
    state.remember_plan(org, chosen)
    st.rerun()
current = view.record.period(period)
st.markdown(f"**Status:** {md(current.status_line())}")
report = queries.plan_report(state.store(), state.actor(), org, period)
refused = workflows.may_change(state.actor(), record_key(org, PLAN_RECORD), current)
rate, read = st.tabs(["Rate", "Report"]) if refused is None else (None, st.container())
if rate is not None:
    with rate:
        plan_form.show(org, view.plan, current)
with read:
    st.header("At a glance")
    st.markdown(md(at_a_glance(report)))
    plan_view.show(report)
    st.header("Overdue actions")
    st.markdown("\n".join(f"1. {md(overdue_line(o))}" for o in report.overdue) or "None.")
    plan_actions.show(org, view.plan, view.record)
    downloads.offer_plan(view.record, report)
