"""On Start, with the plan chosen (Record: Plan, ?record=plan): the plan's periods, starting one
(the first names the plan), its sign-off, and what is rated so far at a glance."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain.errors import AssessmentError
from assessment.domain.plan_report import at_a_glance
from assessment.domain.record import PLAN_RECORD, next_period, record_key
from assessment.ui import period_forms, sign_off, state
from assessment.ui.text import md, said
from assessment.workflows import EDIT, queries

RECORDS = {"": "Maturity scores", PLAN_RECORD: "Plan"}


def offered(org: str) -> bool:
    """Whether Start offers the choice of record: the organisation follows a plan the person may see,
    or they may start one and there is a plan to follow."""
    if not queries.plans():
        return False
    return state.actor().may(org, EDIT) or bool(queries.plan_record(state.store(), state.actor(), org).record.periods)


def choose(org: str) -> str:
    """The record radio on Start ("Maturity scores" or "Plan"), kept as `state.record_choice`."""
    if not offered(org):
        st.session_state["record"] = ""
        return ""
    if st.session_state.get("home.record") not in RECORDS:
        st.session_state["home.record"] = state.record_choice()
    chosen = str(st.radio("Record", list(RECORDS), format_func=RECORDS.__getitem__, key="home.record",
                          horizontal=True, help="A council can follow a plan (outcomes rated red, amber and green, "
                          "indicators, dated actions) beside its maturity scores; each has its own periods."))
    st.session_state["record"] = chosen
    return chosen


def show(org: str, name: str) -> None:
    store, actor = state.store(), state.actor()
    view = queries.plan_record(store, actor, org)
    periods = [p.period for p in view.record.sorted_periods()]
    if view.plan is not None:
        counts = view.plan.counts()
        st.caption(md(f"{view.plan.name}: {counts['themes']} themes, {counts['outcomes']} outcomes, "
                      f"{counts['indicators']} indicators, {counts['actions']} actions, rated "
                      + ", ".join(r.name for r in view.plan.ratings) + "."))
    elif not periods:
        st.info(md(f"{name} follows no plan yet." + (" Start its first period below, naming the plan."
                                                     if actor.may(org, EDIT) else "")))
    chosen = state.plan_selection()
    if chosen and chosen not in periods and st.session_state.get("home.plan.period") not in periods:
        st.warning(md(f"{name}'s plan has no period “{chosen}” that you can open; choose one below."))
    if periods:
        if st.session_state.get("home.plan.period") not in periods:
            st.session_state["home.plan.period"] = chosen if chosen in periods else periods[-1]
        st.selectbox("Period of the plan", periods, key="home.plan.period")
    period = st.session_state.get("home.plan.period") if periods else None
    state.remember_plan(org, period)
    if actor.may(org, EDIT):
        _start(org, view, periods)
    if period is None:
        return
    period_forms.delete_period(view.record, periods, period)
    st.header(md(f"{name}'s plan, {period}"))
    sign_off.show(record_key(org, PLAN_RECORD), view.record.period(period))
    st.markdown(md(at_a_glance(queries.plan_report(store, actor, org, period))))
    editable = workflows.may_change(actor, record_key(org, PLAN_RECORD), view.record.period(period)) is None
    left, right = st.columns(2)
    if left.button("Rate the plan" if editable else "Read the plan's report", key="home.plan.open"):
        st.switch_page("assessment/ui/plan_page.py")
    if editable and right.button("Write its covering report", key="home.plan.covering"):
        st.switch_page("assessment/ui/covering_page.py")


def _start(org: str, view: queries.PlanView, periods: list[str]) -> None:
    with st.expander("Start a new period of the plan", expanded=not periods):
        if st.session_state.get("home.plan.new.org") != org:
            st.session_state["home.plan.new"] = next_period(periods[-1]) if periods else ""
            st.session_state["home.plan.new.org"] = org
        name = st.text_input("New period", key="home.plan.new", help="A financial year such as 2026/27, or a year.")
        plan_id = None
        if view.plan is None:
            plans = {p: queries.plan(p) for p in queries.plans()}
            plan_id = st.selectbox("Plan to follow", list(plans), format_func=lambda p: plans[p].name,
                                   key="home.plan.choose")
        else:
            st.caption(md(f"Follows {view.plan.name}. Each period starts unrated; the plan's actions carry on "
                          "until done or dropped."))
        if not st.button("Start period", key="home.plan.start"):
            return
    try:
        begun = workflows.start_plan_period(state.store(), state.actor(), org, name, plan_id=plan_id)
    except AssessmentError as exc:
        st.error(said(exc))
        return
    st.session_state["home.started"] = f"Started {begun.period} of the plan."
    st.session_state["plan.period"] = begun.period
    for key in ("home.plan.period", "home.plan.new.org"):
        st.session_state.pop(key, None)
    st.rerun()
