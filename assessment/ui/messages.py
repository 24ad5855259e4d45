"""What a page shows when the application layer refuses or the database cannot be used: the
message, in a line, as text (never a traceback with SQL and its parameters)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

import streamlit as st

from assessment.domain.errors import AssessmentError
from assessment.ui.text import said


@contextmanager
def shown_plainly() -> Iterator[None]:
    try:
        yield
    except AssessmentError as exc:
        st.error(said(exc))


def done_or_said(change, done: str | Callable[[Any], str], flash_key: str) -> None:
    """Run `change` (a workflow call); a refusal is shown in a line and nothing moves on; on success
    `done` (or `done(what the call gave)`, to say what was kept rather than what was typed) is kept
    under `flash_key` to be shown after the page runs again."""
    try:
        made = change()
    except AssessmentError as exc:
        st.error(said(exc))
        return
    st.session_state[flash_key] = done(made) if callable(done) else done
    st.rerun()
