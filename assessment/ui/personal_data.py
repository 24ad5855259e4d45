"""On People, for the deployment's administrator only: erasing a person (UK GDPR's right to
erasure), a copy of what is held about a person (subject access), and deleting the organisation
shown, with a backup offered first. The rules are `workflows.privacy`'s; docs/privacy.md says what
each reaches."""

from __future__ import annotations

from datetime import date

import streamlit as st

from assessment import workflows
from assessment.domain.errors import AssessmentError
from assessment.domain.people import email_address
from assessment.formats.writers.record_json import json_file
from assessment.ui import state
from assessment.ui.messages import done_or_said, said
from assessment.ui.state import forget_widgets
from assessment.ui.text import md

JSON = "application/json"


def deployment_tools(store, actor, org: str, name: str, names: dict[str, str]) -> None:
    """The three expanders (nothing for anyone who does not run the deployment); `names` are the
    organisations' names by id."""
    if not actor.manages_deployment:
        return
    _erase(store, actor, names)
    _copy(store, actor)
    _delete(store, actor, org, name)


def _names(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _erase(store, actor, names_of: dict[str, str]) -> None:
    with st.expander("Erase a person"):
        st.caption("For someone who has left and asked to be erased, or whose data is no longer needed: their email "
                   "address and name are replaced, in every period, version, event, action, note and log, by their "
                   "role there (“a former editor”); their roles, unsaved drafts and log lines go. The history keeps "
                   "what was changed and when, not by whom. This cannot be undone, and backups made before it still "
                   "hold them until they are deleted.")
        email = st.text_input("Their email address", key="privacy.erase.email")
        names = st.text_area("Other forms of their name to erase too, one a line (the name they signed in with is "
                             "always erased)", key="privacy.erase.names", height=68)
        reason = st.text_input("Reason (kept, without their address)", key="privacy.erase.reason")
        if st.button("Erase them everywhere", key="privacy.erase"):
            try:
                done = workflows.erase_person(store, actor, email, reason, names=_names(names))
            except AssessmentError as exc:
                st.error(said(exc))
                return
            where = "; ".join(f"“{words}” at {names_of.get(org, org)}" for org, words in done.standing.items() if org)
            st.session_state["people.done"] = (f"{email_address(email)} was erased: wherever they appeared they are "
                                               f"now {where or '“' + done.standing[None] + '”'}.")
            if done.left_out:
                st.session_state["people.done"] += " Note: " + "; ".join(done.left_out) + "."
            forget_widgets("privacy.erase")
            st.rerun()


def _copy(store, actor) -> None:
    with st.expander("A copy of what is held about a person"):
        st.caption("For a subject access request: every place their email address or name appears (the table, "
                   "column and row, with the organisation and period), as a JSON file to send them.")
        email = st.text_input("Their email address", key="privacy.copy.email")
        names = st.text_area("Other forms of their name to look for, one a line", key="privacy.copy.names",
                             height=68)
        if not email.strip():
            return
        try:
            address = email_address(email)
        except AssessmentError as exc:
            st.error(said(exc))
            return
        st.download_button(
            "Download the copy (JSON)", key="privacy.copy", mime=JSON, on_click="ignore",
            file_name=f"personal-data-{date.today().isoformat()}.json",
            data=lambda: json_file(workflows.personal_data_of(store, actor, address, names=_names(names))))


def _delete(store, actor, org: str, name: str) -> None:
    with st.expander(f"Delete {name}"):
        st.caption(md(f"Everything of {name} goes: its periods, scores, comments, actions, versions, drafts, "
                      "events and people's roles there (the people stay; erase them above if they should go). "
                      "Download a backup of the whole database first: it is the only way back."))
        st.download_button("Download a backup first", key="privacy.delete.backup", mime=JSON, on_click="ignore",
                           file_name=f"assessment-backup-{date.today().isoformat()}.json",
                           data=lambda: workflows.backup(store, actor))
        typed = st.text_input(f"Type the organisation's name, {name}, to confirm", key="privacy.delete.confirm")
        if st.button(f"Delete {name} and everything of it", key="privacy.delete", type="primary"):
            done_or_said(lambda: _deleted(store, actor, org, typed), f"{name} was deleted, with everything of it.",
                         "people.done")


def _deleted(store, actor, org: str, typed: str) -> None:
    """Delete, and forget it as the organisation chosen (no page goes on looking for it)."""
    workflows.delete_organisation(store, actor, org, typed)
    if state.selection()[0] == org:
        state.forget_choice()
    for key in ("people.org", "privacy.delete.confirm"):
        st.session_state.pop(key, None)
