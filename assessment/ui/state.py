"""Shared resources for the pages: one engine per process, plain data cached by ids."""

from __future__ import annotations

import streamlit as st

from assessment.examples import ensure_examples
from assessment.framework import Framework, find_framework
from assessment.store import LOCAL_USER, Store, database_url, open_store


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    store = open_store(url)
    ensure_examples(store)  # an empty database starts with the example records
    return store


def store() -> Store:
    return _store(database_url())


@st.cache_resource(show_spinner=False)
def framework(framework_id: str) -> Framework:
    return find_framework(framework_id)


def selection() -> tuple[str | None, str | None]:
    """The organisation and period chosen on the Start page: kept in the session across pages
    and in the address (?org=...&period=...) so that a reload or a bookmark keeps them."""
    org = st.session_state.get("org") or st.query_params.get("org")
    period = st.session_state.get("period") or st.query_params.get("period")
    if org and period:
        remember(org, period)
    return org, period


def chosen_record():
    """The organisation chosen on the Start page, its saved record and framework; or a pointer
    back to Start (and the page stops) when none is chosen yet."""
    org, period = selection()
    if not org:
        st.info("Choose an organisation on the Start page first.")
        st.stop()
    record = store().load_record(org)
    fw = framework(record.framework_or())
    return record, fw, period


def remember(org: str, period: str | None) -> None:
    st.session_state["org"] = org
    if period:
        st.session_state["period"] = period
    params = {"org": org, **({"period": period} if period else {})}
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def user() -> str:
    """Who is saving: the signed-in user where auth is set up, else this machine's local user."""
    try:
        if st.user.is_logged_in:  # type: ignore[attr-defined]
            return str(st.user.get("email") or st.user.get("name"))
    except Exception:  # noqa: BLE001 - no auth configured: single-user local mode
        pass
    return LOCAL_USER


def forget_widgets(prefix: str) -> None:
    """Drop widget values under a key prefix so the widgets show stored values again."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]
