"""Shared resources for the pages: one database per process, who is acting, what is chosen."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.workflows import Actor, queries


@st.cache_resource(show_spinner=False)
def _store(url: str):
    store = workflows.connect(url)
    workflows.ensure_examples(store)  # an empty database starts with the example records
    return store


def store():
    """The database (opened once per process), to hand to workflows and queries."""
    return _store(workflows.database_url())


def actor() -> Actor:
    """Who is acting: the signed-in person where sign-in is set up, else this machine's local user
    (who administers every organisation: single-user local mode)."""
    try:
        if st.user.is_logged_in:  # type: ignore[attr-defined]
            return Actor(str(st.user.get("email") or st.user.get("name")), administers_all=True)
    except Exception:  # noqa: BLE001 - no auth configured: single-user local mode
        pass
    return workflows.LOCAL_ACTOR


def selection() -> tuple[str | None, str | None]:
    """The organisation and period chosen on the Start page: kept in the session across pages
    and in the address (?org=...&period=...) so that a reload or a bookmark keeps them."""
    org = st.session_state.get("org") or st.query_params.get("org")
    period = st.session_state.get("period") or st.query_params.get("period")
    if org and period:
        remember(org, period)
    return org, period


def chosen_record() -> tuple[queries.RecordView, str | None]:
    """The organisation chosen on the Start page (its record and framework) and the chosen period;
    or a pointer back to Start (and the page stops) when none is chosen yet."""
    org, period = selection()
    if not org:
        st.info("Choose an organisation on the Start page first.")
        st.stop()
    return queries.record(store(), actor(), org), period


def remember(org: str, period: str | None) -> None:
    st.session_state["org"] = org
    if period:
        st.session_state["period"] = period
    params = {"org": org, **({"period": period} if period else {})}
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def forget_widgets(prefix: str) -> None:
    """Drop widget values under a key prefix so the widgets show stored values again."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]
