"""Add an organisation (a council) from the Start page; nothing else creates one."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain import limits
from assessment.domain.errors import AssessmentError
from assessment.ui import state
from assessment.ui.text import said

FIELDS = ("home.add.name", "home.add.id", "home.add.type", "home.add.region")


def add_organisation(*, expanded: bool = False) -> None:
    """A form for a new organisation; on success it becomes the chosen one."""
    if st.session_state.pop("home.add.clear", False):
        for key in FIELDS:
            st.session_state[key] = ""
    with st.expander("Add an organisation", expanded=expanded):
        with st.form("home.add", clear_on_submit=False, border=False):
            name = st.text_input("Name", key="home.add.name", max_chars=limits.ORGANISATION_NAME,
                                 placeholder="e.g. Kent County Council")
            org_id = st.text_input("Short id (optional)", key="home.add.id", max_chars=limits.ORGANISATION_ID,
                                   help="Lower case letters, digits, '-' and '_'; used in addresses and "
                                        "file names. Made from the name when left empty.")
            left, right = st.columns(2)
            org_type = left.text_input("Type (optional)", key="home.add.type", max_chars=limits.ORGANISATION_TYPE,
                                       placeholder="e.g. County council")
            region = right.text_input("Region (optional)", key="home.add.region", max_chars=limits.ORGANISATION_REGION,
                                      placeholder="e.g. South East")
            submitted = st.form_submit_button("Add organisation")
        if not submitted:
            return
        try:
            org = workflows.add_organisation(state.store(), state.actor(), org_id, name, org_type, region)
        except AssessmentError as exc:
            st.error(said(exc))
            return
        st.session_state["home.add.clear"] = True   # an empty form for the next one
        st.session_state["org"] = org.id
        st.session_state.pop("period", None)
        st.session_state.pop("home.org", None)
        st.session_state.pop("home.period", None)
        st.session_state["home.added"] = (f"Added {org.name} (id {org.id}). Start its first period below, "
                                          "or bring earlier records in on the Import page.")
        st.rerun()
