"""On Start: the period's status and sign-off (submit, seeing any unsaved drafts first; withdraw or
reopen with a reason; approve as the council decided), each offered only to those whose role
allows it, and what was done to the period."""

from __future__ import annotations

from datetime import date

import streamlit as st

from assessment import workflows
from assessment.domain.covering import Meeting
from assessment.domain.errors import AssessmentError, DraftsWaiting
from assessment.domain.numbers import counted
from assessment.domain.record import PeriodRecord, long_date_time, split_record_key
from assessment.ui import state
from assessment.ui.messages import done_or_said
from assessment.ui.text import md, said
from assessment.workflows import ADMINISTER, EDIT, queries


def show(org: str, current: PeriodRecord) -> None:
    actor, period = state.actor(), current.period
    line = current.status_line()
    if current.frozen and actor.may(org, EDIT):
        back = ("withdraw it below, giving a reason" if current.status == "submitted" else
                "an administrator can reopen it, giving a reason")
        page = "the Plan page" if split_record_key(org)[1] else "the Actions page"
        st.info(md(f"{period}: {line}. It is kept as it was put before members: only its actions' progress can be "
                   f"recorded (on {page}). To change anything else, {back}."))
    elif current.frozen:
        st.info(md(f"{period}: {line}."))
    else:
        st.markdown(md(f"Status: {line}."))
    if current.status == "draft" and actor.may(org, EDIT):
        _submit(org, period)
    if current.status == "submitted" and actor.may(org, EDIT):
        with st.expander("Withdraw from approval"):
            st.caption("Takes it back to draft before it is approved (submitted by mistake, or one more change). "
                       "Reviewers are told it was withdrawn and why.")
            reason = st.text_area("Reason (kept in the period's history)", key="home.withdraw.reason", height=68)
            if st.button(f"Withdraw {period}", key="home.withdraw"):
                _do(lambda: workflows.withdraw_period(state.store(), actor, org, period, reason=reason),
                    f"Withdrew {period}: it is a draft again.")
    if current.status == "submitted" and actor.may(org, ADMINISTER):
        _approve(org, current)
    if current.status in ("submitted", "approved") and actor.may(org, ADMINISTER):
        with st.expander("Reopen as a draft"):
            if current.status == "approved":
                st.caption("Reopened, an approved period put forward for comparison with other councils is "
                           "withdrawn from the next release; put it forward again once it is approved again.")
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


def _submit(org: str, period: str) -> None:
    """Submit; where anyone has unsaved drafts in the period, list them and ask first."""
    actor = state.actor()
    waiting = st.session_state.get("home.submit.waiting")
    if waiting is not None and waiting[0] != (org, period):
        waiting = st.session_state["home.submit.waiting"] = None
    if waiting is None:
        if st.button("Submit for approval", key="home.submit",
                     help="Councillors who review the assessment can read it once it is submitted; from then "
                          "on it is kept as it was put, until withdrawn."):
            try:
                workflows.submit_period(state.store(), actor, org, period)
            except DraftsWaiting as exc:
                st.session_state["home.submit.waiting"] = ((org, period), [d.describe() for d in exc.drafts])
                st.rerun()
            except AssessmentError as exc:
                st.error(said(exc))
            else:
                st.session_state["home.added"] = f"Submitted {period} for approval."
                st.rerun()
        return
    lines = waiting[1]
    st.warning(md(f"{period} has {len(lines)} unsaved draft{'s' if len(lines) != 1 else ''}, which would not be in "
                  "the submitted record (they are kept, and their owners are told):"))
    st.markdown("\n".join("- " + md(line) for line in lines))
    left, right = st.columns(2)
    if left.button("Submit anyway, leaving them out", key="home.submit.anyway", type="primary"):
        st.session_state["home.submit.waiting"] = None
        _do(lambda: workflows.submit_period(state.store(), actor, org, period, ignore_drafts=True),
            f"Submitted {period} for approval, leaving out {counted(len(lines), 'unsaved draft')}.")
    if right.button("Cancel", key="home.submit.cancel"):
        st.session_state["home.submit.waiting"] = None
        st.rerun()


def _approve(org: str, current: PeriodRecord) -> None:
    """The approval, its committee and date taken from the meeting the covering report goes to."""
    actor, period = state.actor(), current.period
    meeting = current.covering.meeting if current.covering else Meeting()
    with st.expander("Record the approval", expanded=True):
        decision = st.text_input("Approved by", value=meeting.committee or "",
                                 key="home.approve.decision",
                                 placeholder="e.g. Cabinet, or Director of Finance (delegated decision)")
        cols = st.columns(2)
        today = date.today()
        first = min(date(int(period[:4]), 1, 1), today)
        on = cols[0].date_input("Date of the decision", value=meeting.decision_date(period, today),
                                key="home.approve.on", format="DD/MM/YYYY",
                                min_value=first, max_value=today,
                                help="Not in the future, nor before the period began.")
        minute = cols[1].text_input("Minute or decision reference", key="home.approve.minute")
        if st.button("Approve", key="home.approve", type="primary"):
            if on is None:   # none chosen, or a typed date outside those offered (the picker drops it)
                st.error("Give the date of the decision, between 1 January "
                         f"{min(int(period[:4]), today.year)} and today.")
                return
            _do(lambda: workflows.approve_period(state.store(), actor, org, period, decision=decision, on=on,
                                                 minute=minute), f"Approved {period}.")


def _do(change, done: str) -> None:
    done_or_said(change, done, "home.added")
