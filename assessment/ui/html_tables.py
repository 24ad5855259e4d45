"""Tables councillors read, as real HTML tables: a screen reader (and axe) can read them, and long
text wraps instead of being clipped as in the canvas data grid.

`st.table` renders Markdown in every cell and heading, so each goes through `md` and shows exactly
the characters typed.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessment.ui.text import md


def table(rows: list[dict[str, Any]], where: Any = st) -> None:
    """`rows` (one dict per row, the same keys) in `where` (the page, or a column or container)."""
    if rows:
        where.table([{md(k): "" if v is None else md(v) for k, v in row.items()} for row in rows], hide_index=True)
