"""Actions: every action once, with the period it was raised in; filtered, downloaded for monthly
monitoring, and followed with dated status changes and progress notes."""

from __future__ import annotations

from datetime import date

import streamlit as st

from assessment import workflows
from assessment.domain import limits
from assessment.domain.action_list import filter_rows, listed_table
from assessment.domain.errors import AssessmentError
from assessment.domain.record import ACTION_PLAN, ACTION_STATUSES, RAG, long_date
from assessment.formats.writers.excel_workbook import actions_csv, actions_xlsx
from assessment.ui import state
from assessment.ui.html_tables import table
from assessment.ui.text import md, said
from assessment.workflows import queries

(record, framework), _ = state.chosen_record()
org = record.organisation.id
today = date.today()
st.title(f"Actions: {md(record.organisation.name)}")
periods = [p.period for p in record.sorted_periods()]

rows, _view = queries.actions(state.store(), state.actor(), org)
cols = st.columns(3)   # three a row: the boxes' words are not cut at 1024 px
owners = cols[0].multiselect("Owner", sorted({r.action.owner or "no owner" for r in rows}), key="actions.owner")
statuses = cols[1].multiselect("Status now", ACTION_STATUSES, key="actions.status")
key_areas = cols[2].multiselect("Key area", list(framework.key_areas), key="actions.key_area",
                                format_func=lambda k: framework.key_areas[k].title)
cols = st.columns(3)
raised = cols[0].multiselect("Raised in", periods, key="actions.raised")
open_at = cols[1].selectbox("Open at the end of", ["any period", *reversed(periods)], key="actions.open_at")
due_by = cols[2].date_input("Due by", value=None, key="actions.due_by", format="DD/MM/YYYY")
overdue_only = st.checkbox("Only overdue actions", key="actions.overdue")
shown = filter_rows(rows, owners=owners, statuses=statuses, key_areas=key_areas, due_by=due_by,
                    overdue_only=overdue_only, today=today, raised_in=raised,
                    open_at=None if open_at == "any period" else open_at)
overdue = sum(1 for r in shown if r.overdue(today))
st.markdown(f"{len(shown)} of {len(rows)} actions shown; **{overdue} overdue** (open and past their due date, "
            f"{long_date(today)}). An action is open at the end of a period if it was raised in or before it and "
            "not done or dropped by then.")
table(listed_table(shown, today), st.container(key="actions.table"))
if rows and not shown:
    st.info("No action matches these filters.")
left, right = st.columns(2)
left.download_button("Download these actions (Excel)", key="actions.download_xlsx", on_click="ignore",
                     file_name=f"{org}-actions-{today.isoformat()}.xlsx",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     data=lambda: actions_xlsx(framework, record.organisation.name, shown, today=today,
                                               shown=f"{len(shown)} of {len(rows)}").data)
right.download_button("Download these actions (CSV)", key="actions.download_csv", on_click="ignore",
                      file_name=f"{org}-actions-{today.isoformat()}.csv", mime="text/csv",
                      data=lambda: actions_csv(framework, shown, today=today))

if shown:
    st.header("Record progress")
    people = {p.email: p.label() for p in workflows.action_owners(state.store(), state.actor(), org)}
    labels = [f"{r.period} · {r.title} · {r.action.text[:70]}" for r in shown]
    index = st.selectbox("Action", range(len(shown)), format_func=labels.__getitem__, key="actions.pick")
    row = shown[index or 0]
    action_id = row.action.id or 0   # every action read from the store has its id
    if row.action.updates:
        table([{"Date": long_date(u.on, missing=f"in {u.period}" if u.period else "–"), "Status": u.status,
                "Note": u.note or "", "By": u.by or ""} for u in row.action.updates],
          st.container(key="actions.history"))
    # Each action's own form (never another action's values), new after each save so that a note
    # saved is not left in the box to be saved again.
    saves = st.session_state.get(f"actions.saves.{row.action.id}", 0)
    k = f"actions.edit.{row.action.id}" + (f".{saves}" if saves else "")
    with st.form(key=k):
        c = st.columns(3)
        status = c[0].selectbox("Status", ACTION_STATUSES, index=ACTION_STATUSES.index(row.action.status),
                                key=f"{k}.status")
        on = c[1].date_input("On", value=today, key=f"{k}.on", format="DD/MM/YYYY")
        rag = c[2].selectbox("Red/amber/green", ["none", *RAG], key=f"{k}.rag",
                             index=["none", *RAG].index(row.action.rag or "none"))
        note = st.text_area("Progress note (optional)", key=f"{k}.note", height=68, max_chars=limits.NOTE)
        # A submitted or approved period's actions keep the owner and due date put before members
        # (progress is still recorded): the lock says so.
        kept_as_put = workflows.may_change(state.actor(), org, record.period(row.period), ACTION_PLAN,
                                           what=workflows.ACTION_PLAN_LOCKED)
        as_approved = kept_as_put is not None
        pair = st.columns(2)
        # One of the council's people (reminded by email), or a team or post typed in (its editors are).
        current = row.action.owner or ""
        choices = ["", *people, *([current] if current and current not in people else [])]
        owner = pair[0].selectbox("Owner", choices, index=choices.index(current), key=f"{k}.owner",
                                  format_func=lambda o: people.get(o, o) or "no owner", accept_new_options=True,
                                  disabled=as_approved,
                                  help="One of the council's people, who is sent reminders by email; or type a team "
                                       "or post (its reminders go to the editors)")
        due = pair[1].date_input("Due date", value=row.action.due, key=f"{k}.due", format="DD/MM/YYYY",
                              disabled=as_approved)
        if as_approved:
            st.caption(md(f"Owner and due date as put before members: {kept_as_put}."))
        if st.form_submit_button("Save progress", key=f"{k}.save"):
            try:
                workflows.edit_action(state.store(), state.actor(), org, action_id, status=status, owner=owner or None,
                                      due=due, rag=None if rag == "none" else rag, note=note, on=on)
            except AssessmentError as exc:
                st.error(said(exc))
            else:
                st.session_state["actions.saved"] = row.action.text
                st.session_state[f"actions.saves.{row.action.id}"] = saves + 1
                state.forget_widgets(f"{k}.")
                st.rerun()
if "actions.saved" in st.session_state:
    st.success(f"Saved: {md(st.session_state.pop('actions.saved'))}")
