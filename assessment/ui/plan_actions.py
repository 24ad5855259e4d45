"""On the plan page: the plan's actions as they live (owner, due date, status, latest progress),
and, for an editor, recording one's progress (each action lives once, raised when the plan was
started, and is shown until done or dropped)."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain.plan import Plan
from assessment.domain.plan_report import action_due, plan_actions, target_words
from assessment.domain.record import ACTION_STATUSES, PLAN_RECORD, OrganisationRecord, long_date, record_key
from assessment.ui import state
from assessment.ui.html_tables import table
from assessment.ui.messages import done_or_said
from assessment.ui.text import md
from assessment.workflows import EDIT


def show(org: str, plan: Plan, record: OrganisationRecord) -> None:
    live = plan_actions(record)
    st.header("The plan's actions")
    rows = []
    for action in plan.actions.values():
        kept = live.get(action.id)
        latest = kept.updates[-1] if kept is not None and kept.updates else None
        rows.append({"Action": f"{action.number}. {action.title}",
                     "Target": target_words(action),
                     "Owner": (kept.owner if kept else None) or "–",
                     "Due": long_date(due) if (due := action_due(action, kept)) else "–",
                     "Status": kept.status if kept is not None else "not raised",
                     "Latest progress": (f"{long_date(latest.on)}: {latest.note or latest.status}" if latest else "–")})
    table(rows)
    if state.actor().may(org, EDIT) and live:
        _progress(org, plan, live)


def _progress(org: str, plan: Plan, live: dict) -> None:
    with st.expander("Record an action's progress"):
        ids = [a for a in plan.actions if a in live]
        chosen = str(st.selectbox("Action", ids, key="plan.action.chosen",
                                  format_func=lambda a: f"{plan.actions[a].number}. {plan.actions[a].title}"))
        kept = live[chosen]
        with st.form(f"plan.action.form.{chosen}"):
            owner = st.text_input("Owner", value=kept.owner or "")
            due = st.date_input("Due", value=kept.due, format="DD/MM/YYYY")
            status = st.selectbox("Status", ACTION_STATUSES, index=ACTION_STATUSES.index(kept.status)
                                  if kept.status in ACTION_STATUSES else 0)
            note = st.text_area("Progress note (dated today)", height=68)
            if st.form_submit_button("Save the action"):
                done_or_said(lambda: workflows.edit_action(
                    state.store(), state.actor(), record_key(org, PLAN_RECORD), kept.id, owner=owner or None,
                    due=due if due else None, rag=kept.rag, status=status, note=note),
                    md(f"Saved action {plan.actions[chosen].number}."), "plan.action.said")
    if "plan.action.said" in st.session_state:
        st.success(st.session_state.pop("plan.action.said"))
