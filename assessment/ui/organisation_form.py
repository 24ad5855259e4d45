"""Add an organisation (a council) from the Start page; nothing else creates one."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain import limits
from assessment.domain.errors import AssessmentError
from assessment.domain.peers import REGIONS, TYPES
from assessment.ui import state
from assessment.ui.text import said

FIELDS = ("home.add.name", "home.add.id")
CHOICES = ("home.add.type", "home.add.region")   # the fixed lists peers are compared by (`domain.peers`)


def add_organisation(*, expanded: bool = False) -> None:
    """A form for a new organisation; on success it becomes the chosen one."""
    if st.session_state.pop("home.add.clear", False):
        for key in FIELDS:
            st.session_state[key] = ""
        for key in CHOICES:
            st.session_state[key] = None
    with st.expander("Add an organisation", expanded=expanded):
        with st.form("home.add", clear_on_submit=False, border=False):
            name = st.text_input("Name", key="home.add.name", max_chars=limits.ORGANISATION_NAME,
                                 placeholder="e.g. Kent County Council")
            org_id = st.text_input("Short id (optional)", key="home.add.id", max_chars=limits.ORGANISATION_ID,
                                   help="Lower case letters, digits, '-' and '_'; used in addresses and "
                                        "file names. Made from the name when left empty.")
            left, right = st.columns(2)
            org_type = left.selectbox("Type (optional)", TYPES, index=None, key="home.add.type",
                                      placeholder="Choose the type of council")
            region = right.selectbox("Region (optional)", REGIONS, index=None, key="home.add.region",
                                     placeholder="Choose the region")
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
