"""On Start: the period's status and sign-off (submit, approve as the council decided, reopen with
a reason), each offered only to those whose role allows it, and what was done to the period."""

from __future__ import annotations


import streamlit as st

from assessment import workflows
from assessment.record import PeriodRecord, long_date_time
from assessment.ui import state
from assessment.ui.errors import done_or_said
from assessment.ui.text import md
from assessment.workflows import ADMINISTER, EDIT, queries


def show(org: str, current: PeriodRecord) -> None:
    actor, period = state.actor(), current.period
    line = current.status_line()
    if current.locked:
        if actor.may(org, EDIT):
            st.info(md(f"{period}: {line}. It is read-only; its actions' progress can still be recorded on the "
                       "Actions page.") + (" An administrator can reopen it, giving a reason." if not actor.may(
                           org, ADMINISTER) else ""))
        else:
            st.info(md(f"{period}: {line}."))
    else:
        st.markdown(md(f"Status: {line}."))
    if current.status == "draft" and actor.may(org, EDIT):
        if st.button("Submit for approval", key="home.submit",
                     help="Councillors who review the assessment can read it once it is submitted."):
            _do(lambda: workflows.submit_period(state.store(), actor, org, period),
                f"Submitted {period} for approval.")
    if current.status == "submitted" and actor.may(org, ADMINISTER):
        with st.expander("Record the approval", expanded=True):
            decision = st.text_input("Approved by", key="home.approve.decision",
                                     placeholder="e.g. Cabinet, or Director of Finance (delegated decision)")
            cols = st.columns(2)
            on = cols[0].date_input("Date of the decision", value=None, key="home.approve.on", format="DD/MM/YYYY")
            minute = cols[1].text_input("Minute or decision reference", key="home.approve.minute")
            if st.button("Approve", key="home.approve", type="primary"):
                _do(lambda: workflows.approve_period(state.store(), actor, org, period, decision=decision, on=on,
                                                     minute=minute), f"Approved {period}.")
    if current.status in ("submitted", "approved") and actor.may(org, ADMINISTER):
        with st.expander("Reopen as a draft"):
            reason = st.text_area("Reason (kept in the period's history)", key="home.reopen.reason", height=68)
            if st.button(f"Reopen {period}", key="home.reopen"):
                _do(lambda: workflows.reopen_period(state.store(), actor, org, period, reason=reason),
                    f"Reopened {period} as a draft.")
    events = queries.period_history(state.store(), actor, org, period)
    if events:
        with st.expander(f"History of {period} ({len(events)})"):
            for event in events:
                when = long_date_time(event.at)
                st.markdown("- " + md(f"{when}, {event.person or 'unknown'}: {event.describe()}"))


def _do(change, done: str) -> None:
    done_or_said(change, done, "home.added")
