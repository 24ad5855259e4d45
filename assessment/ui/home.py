"""Start: choose organisation and period, start or delete a period, see what is done and left to do."""

from __future__ import annotations

import streamlit as st

from assessment.domain.record import PLAN_RECORD
from assessment.ui import peers_form, period_forms, plan_start, sign_off, state
from assessment.ui import start_panel as progress
from assessment.ui.organisation_form import add_organisation
from assessment.ui.text import md
from assessment.workflows import EDIT, queries

store, actor = state.store(), state.actor()
organisations = queries.organisations(store, actor)
if organisations and not any(actor.may(o.id, EDIT) for o in organisations) \
        and not st.session_state.get("home.landed"):   # a councillor lands on the report
    st.session_state["home.landed"] = True
    st.switch_page("assessment/ui/report_page.py")
st.session_state["home.landed"] = True

st.title("Procurement maturity self-assessment")
if not organisations:
    if actor.manages_deployment:
        managed = queries.managed_organisations(store, actor)
        st.info("There are no organisations yet: add yours below, or load the examples with "
                "`python -m assessment demo`." if not managed else
                f"You administer this deployment: you add organisations and name their people (on the People "
                f"page, for any of the {len(managed)} organisations). Seeing or changing an organisation's record "
                "needs a role there.")
        add_organisation(expanded=not managed)
    else:
        st.info("You have no role at any organisation yet: ask your organisation's administrator to add you.")
    st.stop()
for key in ("home.added", "home.started", "home.deleted"):
    if key in st.session_state:
        st.success(md(st.session_state.pop(key)))

names = {org.id: org.name for org in organisations}
chosen_org, chosen_period = state.selection()
if chosen_org and chosen_org not in names and st.session_state.get("home.org") not in names:
    st.warning(f"There is no organisation “{md(chosen_org)}” that you can open; choose one below.")
if st.session_state.get("home.org") not in names:  # first visit, or back from another page
    st.session_state["home.org"] = chosen_org if chosen_org in names else next(iter(names))
org_id = str(st.selectbox("Organisation", list(names), format_func=lambda o: names[o], key="home.org"))
if plan_start.choose(org_id) == PLAN_RECORD:   # the plan followed beside the scores (?record=plan)
    state.tab_title(names[org_id])
    plan_start.show(org_id, names[org_id])
    st.stop()
record, framework = queries.record(store, actor, org_id)
state.tab_title(record.organisation.name)
st.caption(md(f"{framework.name}: {len(framework.key_areas)} key areas, {len(framework.objectives)} objectives, "
              f"levels {framework.levels[0].label} to {framework.levels[-1].label}."))
periods = [p.period for p in record.sorted_periods()]
if periods:
    if st.session_state.get("home.period") not in periods:
        if chosen_period and chosen_period not in periods and chosen_org == org_id:
            st.warning(f"{md(names[org_id])} has no period “{md(chosen_period)}”; choose one below.")
        st.session_state["home.period"] = chosen_period if chosen_period in periods else periods[-1]
    st.selectbox("Period", periods, key="home.period")
period: str | None = st.session_state.get("home.period") if periods else None
state.remember(org_id, period)
if actor.manages_deployment:
    add_organisation()
if actor.may(org_id, EDIT):
    period_forms.start_period(record, periods)
if period is None:
    st.stop()
period_forms.delete_period(record, periods, period)

st.header(md(f"{names[org_id]}, {period}"))
sign_off.show(org_id, record.period(period))
peers_form.show(org_id, record.period(period))   # an approved period put forward for peer comparison
progress.show(record, framework, period)
