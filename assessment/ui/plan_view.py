"""The plan's report on the page: each theme's RAG table of outcomes (the rating in words, never
colour alone), the indicators against baseline, the actions with their targets."""

from __future__ import annotations

import streamlit as st

from assessment.domain.plan_report import PlanReport, action_rows, by_theme, indicator_rows, outcome_rows
from assessment.ui.html_tables import table
from assessment.ui.text import md


def show(report: PlanReport) -> None:
    """Theme by theme, as the Word report has it: outcomes, indicators, actions."""
    if report.previous:
        st.caption(md(f"Movement is since {report.previous}."))
    for theme, outcomes, indicators, actions in by_theme(report):
        st.header(md(theme.title))
        st.subheader("Outcomes")
        table(outcome_rows(report, outcomes))
        if indicators:
            st.subheader("Indicators")
            table(indicator_rows(report, indicators))
        if actions:
            st.subheader("Actions")
            table(action_rows(report, actions))
