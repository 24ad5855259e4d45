"""Shared resources for the pages: one engine per process, plain data cached by ids."""

from __future__ import annotations

import streamlit as st

from assessment.examples import ensure_examples
from assessment.framework import Framework, find_framework
from assessment.store import Store, database_url, open_store


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
