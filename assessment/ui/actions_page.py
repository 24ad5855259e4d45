"""Actions: every action across objectives and periods, filterable, overdue ones highlighted."""

from __future__ import annotations

from datetime import date

import streamlit as st

from assessment import workflows
from assessment.action_list import filter_rows
from assessment.errors import AssessmentError
from assessment.record import ACTION_STATUSES, RAG, long_date
from assessment.ui import state
from assessment.workflows import queries

(record, framework), _ = state.chosen_record()
org = record.organisation.id
today = date.today()
st.title(f"Actions: {record.organisation.name}")

rows, _ = queries.actions(state.store(), state.actor(), org)
cols = st.columns(4)
owners = cols[0].multiselect("Owner", sorted({r.action.owner or "no owner" for r in rows}), key="actions.owner")
statuses = cols[1].multiselect("Status", ACTION_STATUSES, key="actions.status")
key_areas = cols[2].multiselect("Key area", list(framework.key_areas), key="actions.key_area",
                                format_func=lambda k: framework.key_areas[k].title)
due_by = cols[3].date_input("Due by", value=None, key="actions.due_by", format="DD/MM/YYYY")
overdue_only = st.checkbox("Only overdue actions", key="actions.overdue")
shown = filter_rows(rows, owners=owners, statuses=statuses, key_areas=key_areas, due_by=due_by,
                    overdue_only=overdue_only, today=today)
overdue = sum(1 for r in shown if r.overdue(today))
st.markdown(f"{len(shown)} of {len(rows)} actions shown; **{overdue} overdue** (open and past their due date, "
            f"{long_date(today)}).")
table = [{"Overdue": "⚠ overdue" if r.overdue(today) else "", "Period": r.period, "Objective": r.title,
          "Action": r.action.text, "Owner": r.action.owner or "–", "Due": long_date(r.action.due),
          "Status": r.action.status, "RAG": r.action.rag or "–"} for r in shown]
st.dataframe(table, hide_index=True, width="stretch", key="actions.table")

if shown:
    st.subheader("Edit an action")
    labels = [f"{r.period} · {r.title} · {r.action.text[:70]}" for r in shown]
    index = st.selectbox("Action", range(len(shown)), format_func=labels.__getitem__, key="actions.pick")
    row = shown[index]
    with st.form(key=f"actions.edit.{row.action.id}"):
        c = st.columns(4)
        status = c[0].selectbox("Status", ACTION_STATUSES, index=ACTION_STATUSES.index(row.action.status),
                                key="actions.edit.status")
        owner = c[1].text_input("Owner", value=row.action.owner or "", key="actions.edit.owner")
        due = c[2].date_input("Due date", value=row.action.due, key="actions.edit.due", format="DD/MM/YYYY")
        rag = c[3].selectbox("Red/amber/green", ["none", *RAG], key="actions.edit.rag",
                             index=["none", *RAG].index(row.action.rag or "none"))
        if st.form_submit_button("Save action", key="actions.edit.save"):
            try:
                workflows.edit_action(state.store(), state.actor(), org, row.action.id, status=status, owner=owner,
                                      due=due, rag=None if rag == "none" else rag)
            except AssessmentError as exc:
                st.error(str(exc))
            else:
                st.session_state["actions.saved"] = row.action.text
                st.rerun()
if "actions.saved" in st.session_state:
    st.success(f"Saved: {st.session_state.pop('actions.saved')}")
