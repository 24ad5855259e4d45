"""People (an organisation's administrators, and the deployment's administrator for every
organisation): who may sign in with which role, adding someone by email, changing or taking away
a role, freeing a sign-in, and every change kept."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain.people import ROLES
from assessment.domain.record import long_date, long_date_time
from assessment.ui import state
from assessment.ui.html_tables import table
from assessment.ui.messages import done_or_said
from assessment.ui.personal_data import deployment_tools
from assessment.ui.text import md
from assessment.workflows import READ, queries

ABOUT = {"administrator": "people and roles, approving, reopening and deleting periods, and all an editor does",
         "editor": "scores, targets, comments, actions, imports and submitting a period",
         "reviewer": "reads the progress report and appendix of submitted and approved periods (councillors)"}

store, actor = state.store(), state.actor()
managed = {o.id: o for o in queries.managed_organisations(store, actor)}
if not managed:
    st.title("People")
    st.info("There is no organisation whose people you manage.")
    st.stop()
chosen, _ = state.selection()
if st.session_state.get("people.org") not in managed:
    st.session_state["people.org"] = chosen if chosen in managed else next(iter(managed))
if len(managed) > 1:   # the deployment's administrator: any organisation
    st.selectbox("Organisation", list(managed), format_func=lambda o: managed[o].name, key="people.org")
org = st.session_state["people.org"]
name = managed[org].name
if actor.may(org, READ):
    state.remember(org, None)
state.tab_title(name)
st.title(f"People: {md(name)}")
found = workflows.people(store, actor, org)
if "people.done" in st.session_state:
    st.success(md(st.session_state.pop("people.done")))
table([{"Email": p.email, "Name": p.name or "",
        "Role": p.roles[org] + (" (from the directory)" if org in p.from_directory else ""),
        "Signed in": f"last {long_date(p.last_signed_in.date())}" if p.last_signed_in else "not yet",
        "Reminders": "by email" if p.reminders else "off"}
       for p in found.people], st.container(key="people.table"))
st.caption("People sign in with their council account; they are known by the email address they were added "
           "with until their first sign-in (when their identity provider must vouch for that address), and by "
           "their account after it.")
if any(org in p.from_directory for p in found.people):
    st.caption("A role marked “from the directory” was given at sign-in by the person's app roles in your "
               "directory (Microsoft Entra ID): it goes at their next sign-in once the directory no longer gives "
               "it. Saving a role here for them makes it a role given by hand, which the directory leaves alone.")
if actor.manages_deployment and found.deployment_administrators:   # theirs alone to know
    st.caption(md("Deployment administrators (they add organisations and manage people everywhere; they see a "
                  "record only with a role at its organisation): "
                  + ", ".join(p.email for p in found.deployment_administrators)))


def _do(change, done: str) -> None:
    done_or_said(change, done, "people.done")


with st.form("people.add", border=True):
    st.markdown("**Add someone, or change their role**")
    email = st.text_input("Email address", key="people.email", placeholder="name@council.gov.uk")
    role = st.radio("Role", ROLES, key="people.role", horizontal=True, format_func=str.capitalize,
                    captions=[ABOUT[r] for r in ROLES])
    if st.form_submit_button("Save role"):
        _do(lambda: workflows.add_person(store, actor, email, org, role),
            f"{email.strip().lower()} is now {role} of {name}.")

if found.people:
    with st.expander("Take a role away"):
        who = st.selectbox("Person", [p.email for p in found.people], key="people.remove.who")
        if st.button("Take the role away", key="people.remove"):
            _do(lambda: workflows.remove_person(store, actor, who, org), f"{who} no longer has a role at {name}.")

if found.people:
    with st.expander("Reminders by email"):
        st.caption("Each person is sent at most one email a day: their actions due within 7 days, their overdue "
                   "ones once a week (an action whose owner is not one of these people goes to the editors), and "
                   "editors and administrators a yearly prompt to start a new period. Each can switch their own "
                   "in the sidebar.")
        whose = st.selectbox("Person", [p.email for p in found.people], key="people.reminders.who")
        on, off = st.columns(2)
        if on.button("Send them reminders", key="people.reminders.on"):
            _do(lambda: workflows.set_reminders(store, actor, whose, True), f"{whose} is sent reminders by email.")
        if off.button("Stop their reminders", key="people.reminders.off"):
            _do(lambda: workflows.set_reminders(store, actor, whose, False), f"{whose} is sent no reminders.")

bound = found.may_free   # signed in, and theirs to free (not a deployment administrator's, for one who is not)
if bound:
    with st.expander("Free a sign-in"):
        st.caption("For someone whose address was taken by another account, or who has a new account: their "
                   "next sign-in, with an address their identity provider vouches for, binds them afresh.")
        freed = st.selectbox("Person", bound, key="people.unbind.who")
        reason = st.text_input("Reason (kept in the history)", key="people.unbind.reason")
        if st.button("Free the sign-in", key="people.unbind"):
            _do(lambda: workflows.unbind_person(store, actor, freed, reason),
                f"{freed} is no longer bound to an account; their next sign-in binds them.")

# erase, a copy, delete (the deployment's administrator)
deployment_tools(store, actor, org, name, {o: m.name for o, m in managed.items()})

with st.expander(f"Changes ({len(found.changes)})"):
    for event in found.changes:
        st.markdown("- " + md(f"{long_date_time(event.at)}, {event.person}: {event.describe()}"))

if actor.manages_deployment:
    refused = workflows.sign_in_log(store, actor, refused_only=True, limit=50)
    with st.expander(f"Refused sign-ins, newest first ({len(refused)}{'+' if len(refused) == 50 else ''})"):
        for line in refused:
            st.markdown("- " + md(f"{long_date_time(line.at)}: {line.describe()}"))
