"""What a page shows when the application layer refuses or the database cannot be used: the
message, in a line, as text (never a traceback with SQL and its parameters)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import streamlit as st

from assessment.errors import AssessmentError
from assessment.ui.text import md


@contextmanager
def shown_plainly() -> Iterator[None]:
    try:
        yield
    except AssessmentError as exc:
        st.error(md(exc))
