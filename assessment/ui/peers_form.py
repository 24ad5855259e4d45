"""Start's part of peer comparison (issue 31), for a council's administrator on an approved period:
put it forward to be compared with other councils, or withdraw it. What may be done is
`workflows.peers`' to allow; this page offers it."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain.record import PeriodRecord, long_date
from assessment.ui import state
from assessment.ui.messages import done_or_said
from assessment.ui.text import md
from assessment.workflows import ADMINISTER

DONE = "home.peers.done"


def show(org_id: str, period: PeriodRecord) -> None:
    """The choice, where the actor administers the council and the period is approved."""
    actor, store = state.actor(), state.store()
    if (flash := st.session_state.pop(DONE, None)):
        st.success(md(flash))
    if period.status != "approved" or not actor.may(org_id, ADMINISTER):
        return
    put = next((o for o in workflows.peers_opted_in(store, actor, org_id) if o.period == period.period), None)
    with st.container(key="home.peers"):
        st.subheader("Compared with other councils")
        if put is None:
            st.markdown(md(f"{period.period} is not put forward (a release already published keeps it as it "
                           "was, where it was). Put forward, its key-area scores count in the "
                           "group figures of the next release (by type, by region and in any club the council is "
                           "in): other councils see only each group's median and quartiles, never this council's "
                           "scores or name, and nothing from a group of fewer than five councils."))
            if st.button("Put it forward", key="home.peers.opt_in"):
                done_or_said(lambda: workflows.peers_opt_in(store, actor, org_id, period.period),
                             f"{period.period} is put forward: it counts from the next release.", DONE)
        else:
            since = f" on {long_date(put.at.date())}" if put.at else ""
            st.markdown(md(f"{period.period} was put forward{since}" + (f" by {put.by}" if put.by else "") +
                           ". Withdrawn, it leaves the figures at the next release; a release already "
                           "published stays as it was. Reopened, it is withdrawn too, and put forward again "
                           "only by choice once approved again."))
            if st.button("Withdraw it", key="home.peers.withdraw"):
                done_or_said(lambda: workflows.peers_withdraw(store, actor, org_id, period.period),
                             f"{period.period} is withdrawn: it leaves the figures at the next release.", DONE)
