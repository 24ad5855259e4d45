"""A covering report laid out as members read it (the blocks the Word report prints), every word
shown as written: its paragraphs as escaped HTML, not Markdown, so that an address or a formula is
shown, and copied, exactly as typed."""

from __future__ import annotations

import html

import streamlit as st

from assessment.domain.covering import CoveringReport, author_line, blocks
from assessment.ui.text import md


def show_laid_out(report: CoveringReport, title: str, level: int = 3) -> None:
    """`level`: the level of its headings (2 or 3), one below the page's heading over it; parts
    (PART A) and sections alike, so that they stay in order for those who move by headings."""
    laid_out = blocks(report)
    if not laid_out and not report.meeting.line():
        st.caption("Nothing is written yet.")
        return
    head = [line for line in (report.meeting.line(), title.upper(), author_line(report.author)) if line]
    st.markdown("  \n".join(f"**{md(line)}**" for line in head))
    heading = st.header if level == 2 else st.subheader
    lines: list[str] = []
    for block in [*laid_out, None]:
        if block is None or block.kind == "heading":
            if lines:   # HTML, each character escaped: the words exactly, copied as typed (no joiners)
                st.html("".join(lines))
                lines = []
            if block is not None:
                heading(md(block.text), anchor=False)
        elif block.kind == "item":
            lines.append(f'<p style="margin-left:2em">{block.mark}) {_text(block.text)}</p>')
        else:
            lines.append(f"<p>{block.mark + '. ' if block.mark else ''}{_text(block.text)}</p>")


def _text(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")
