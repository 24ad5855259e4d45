"""A covering report laid out as members read it (the blocks the Word report prints), every word
shown as written."""

from __future__ import annotations

import streamlit as st

from assessment.domain.covering import CoveringReport, author_line, blocks
from assessment.ui.text import md


def show_laid_out(report: CoveringReport, title: str, level: int = 3) -> None:
    """`level`: the heading level of a part (PART A) or, in a report without parts, of a section."""
    laid_out = blocks(report)
    if not laid_out and not report.meeting.line():
        st.caption("Nothing is written yet.")
        return
    head = [line for line in (report.meeting.line(), title.upper(), author_line(report.author)) if line]
    st.markdown("  \n".join(f"**{md(line)}**" for line in head))
    lines: list[str] = []
    parts = any(s.kind == "heading" for s in report.sections)   # PART A, PART B: sections a level below
    for block in laid_out:
        if block.kind == "heading":   # real headings, for those who move through a page by its headings
            section = report.section(block.text)
            part = parts and section is not None and section.kind == "heading"
            lines.append(f"\n{'#' * (level if part or not parts else level + 1)} {md(block.text)}\n")
        elif block.kind == "item":
            lines.append(f"\u2003\u2003{block.mark}\\) {md(block.text)}\n")
        elif block.mark:
            lines.append(f"{block.mark}\\. {md(block.text)}\n")
        else:
            lines.append(f"{md(block.text)}\n")
    st.markdown("\n".join(lines))
