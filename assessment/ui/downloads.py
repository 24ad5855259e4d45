"""Download buttons for the exports; each file is made only when its button is pressed."""

from __future__ import annotations

from datetime import date

import streamlit as st

from assessment.exports.appendix import appendix_docx
from assessment.exports.blank import blank_docx
from assessment.exports.report_docx import report_docx
from assessment.exports.wordtext import unsafe_characters
from assessment.exports.workbook import workbook_xlsx
from assessment.framework import Framework
from assessment.record import OrganisationRecord

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def offer(framework: Framework, record: OrganisationRecord, period: str, compare_with: str | None,
          today: date) -> None:
    org = record.organisation.id
    safe = period.replace("/", "-")
    periods = [p.period for p in record.sorted_periods()]
    replaced = unsafe_characters(record)
    if replaced:
        st.warning(f"{replaced} character(s) in comments or actions cannot be held in Word or Excel; "
                   "the files show � in their place.")
    left, right = st.columns(2)
    with left:
        st.markdown("**Members' progress report** (Word): summary, radar chart with its table, movement, "
                    "movers and overdue actions.")
        attach = st.checkbox("Attach the objectives appendix", key="report.attach")
        st.download_button(
            "Download the progress report", key="report.download_report", mime=DOCX, on_click="ignore",
            file_name=f"{org}-progress-report-{safe}.docx",
            data=lambda: report_docx(framework, record, period, compare_with, attach_appendix=attach,
                                     today=today).data)
        st.markdown("**Blank questionnaire** (Word): the rubric and objectives with empty score and "
                    "comment columns, for collecting views on paper.")
        st.download_button(
            "Download the blank questionnaire", key="report.download_blank", mime=DOCX, on_click="ignore",
            file_name=f"{framework.id}-questionnaire.docx",
            data=lambda: blank_docx(framework, organisation_name=record.organisation.name, today=today).data)
    with right:
        st.markdown("**Objectives appendix** (Word), laid out for committee papers.")
        chosen = st.multiselect("Periods in the appendix", periods, default=record.appendix_periods(period),
                                key="report.appendix_periods")
        st.download_button(
            "Download the objectives appendix", key="report.download_appendix", mime=DOCX, on_click="ignore",
            disabled=not chosen, file_name=f"{org}-objectives-appendix-{'-'.join(chosen).replace('/', '-')}.docx",
            data=lambda: appendix_docx(framework, record, sorted(chosen, key=periods.index), today=today).data)
        st.markdown("**Excel workbook**: a sheet per period, the actions and a summary.")
        st.download_button(
            "Download the Excel workbook", key="report.download_xlsx", mime=XLSX, on_click="ignore",
            file_name=f"{org}-assessment.xlsx", data=lambda: workbook_xlsx(framework, record, today=today).data)
