"""People (an organisation's administrators): who may sign in with which role, adding someone by
email, changing or taking away a role, and every role change kept."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.people import ROLES
from assessment.record import long_date, long_date_time
from assessment.ui import state
from assessment.ui.tables import table
from assessment.ui.errors import done_or_said
from assessment.ui.text import md

ABOUT = {"administrator": "people and roles, approving, reopening and deleting periods, and all an editor does",
         "editor": "scores, targets, comments, actions, imports and submitting a period",
         "reviewer": "reads the progress report and appendix of submitted and approved periods (councillors)"}

(record, _), _ = state.chosen_record()
org = record.organisation.id
st.title(f"People: {md(record.organisation.name)}")
found = workflows.people(state.store(), state.actor(), org)
if "people.done" in st.session_state:
    st.success(md(st.session_state.pop("people.done")))
table([{"Email": p.email, "Name": p.name or "", "Role": p.roles[org],
        "Signed in": f"last {long_date(p.last_signed_in.date())}" if p.last_signed_in else "not yet"}
       for p in found.people], st.container(key="people.table"))
st.caption("People sign in with their council account; they are known by the email address they were added "
           "with until their first sign-in, and by their account after it.")


def _do(change, done: str) -> None:
    done_or_said(change, done, "people.done")


with st.form("people.add", border=True):
    st.markdown("**Add someone, or change their role**")
    email = st.text_input("Email address", key="people.email", placeholder="name@council.gov.uk")
    role = st.radio("Role", ROLES, key="people.role", horizontal=True, format_func=str.capitalize,
                    captions=[ABOUT[r] for r in ROLES])
    if st.form_submit_button("Save role"):
        _do(lambda: workflows.add_person(state.store(), state.actor(), email, org, role),
            f"{email.strip().lower()} is now {role} of {record.organisation.name}.")

if found.people:
    with st.expander("Take a role away"):
        who = st.selectbox("Person", [p.email for p in found.people], key="people.remove.who")
        if st.button("Take the role away", key="people.remove"):
            _do(lambda: workflows.remove_person(state.store(), state.actor(), who, org),
                f"{who} no longer has a role at {record.organisation.name}.")

with st.expander(f"Role changes ({len(found.changes)})"):
    for event in found.changes:
        when = long_date_time(event.at)
        st.markdown("- " + md(f"{when}, {event.person}: {event.describe()}"))
