"""The progress report's "Views gathered" section, where the period has an applied respondent round:
who took part, the range chart of the views beside the levels agreed (`formats.range_chart`, which
says why it is a chart of its own and not a band on the radar) with its table, where views differ
most, participation by department and perspective (small groups withheld, with the reason) and the
moderation log. The words and tables are `domain.round_report`'s, the Word report's too; everything
a person typed (comments, rationales, meetings, departments) is shown as typed (`md`)."""

from __future__ import annotations

import streamlit as st

from assessment.domain.framework import Framework
from assessment.domain.round_report import (
    DIFFER_HEADING,
    LOG_HEADING,
    VIEWS_HEADING,
    RoundReport,
    differ_most_lines,
    differ_most_note,
    log_sentence,
    moderation_log,
    participation_sentence,
    participation_tables,
    views_table,
)
from assessment.formats.range_chart import range_caption, range_chart
from assessment.ui.html_tables import table
from assessment.ui.text import md


def show(report: RoundReport | None, framework: Framework) -> None:
    """The section, or nothing where the period has no applied round."""
    if report is None:
        return
    with st.container(key="report.views"):
        st.header(VIEWS_HEADING)
        st.markdown(md(participation_sentence(report)))
        st.vega_lite_chart(range_chart(report, framework, width=340, font_size=13), width="content",
                           key="report.views_chart")
        st.markdown(md(range_caption(report, framework)))
        st.markdown("**The same numbers, with the comments the moderator published** (without names; "
                    "n = how many answered with a level)")
        table(views_table(report, framework))
        st.subheader(DIFFER_HEADING)
        lines = differ_most_lines(report, framework)
        if lines:
            st.markdown("\n".join(f"- {md(line)}" for line in lines))   # bullets: the objectives have numbers
        else:
            st.markdown(md(differ_most_note(report)))
        st.subheader("Who took part")
        for group in participation_tables(report):
            st.markdown(f"**{md(group.heading)}.** {md(group.note)}")
            table(group.rows)
        with st.expander(LOG_HEADING):
            st.markdown(md(log_sentence(report)))
            table(moderation_log(report, framework))
