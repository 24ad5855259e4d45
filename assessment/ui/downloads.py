"""Download buttons for the exports; each file is made only when its button is pressed.

The members' report and the objectives appendix come as Word and, beside it, as PDF: made by
LibreOffice on the server when "Make … as PDF" is pressed (a person makes one at a time, and a
document too long for the server is refused in words), then offered for download; where
LibreOffice is not installed the page says so in place of the PDF button.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from assessment.domain.errors import AssessmentError
from assessment.domain.framework import Framework
from assessment.domain.numbers import counted
from assessment.domain.peer_report import ReleaseLike
from assessment.domain.plan_report import PlanReport
from assessment.domain.record import OrganisationRecord
from assessment.domain.rollups import kept_by_key_area
from assessment.domain.round_report import RoundReport
from assessment.formats.writers.excel_workbook import workbook_xlsx
from assessment.formats.writers.pdf import as_pdf, pdf_available
from assessment.formats.writers.plan_report_docx import plan_report_docx
from assessment.formats.writers.plan_workbook import plan_workbook_xlsx
from assessment.formats.writers.word_appendix import WordExport, appendix_docx
from assessment.formats.writers.word_questionnaire import blank_docx
from assessment.formats.writers.word_report import report_docx
from assessment.formats.writers.word_text import unsafe_characters
from assessment.ui import state
from assessment.ui.text import md

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
NO_PDF = "PDF needs LibreOffice, which is not installed on this server; download the Word file instead."


def offer(framework: Framework, record: OrganisationRecord, period: str, compare_with: str | None,
          today: date, *, views: RoundReport | None = None, peers: ReleaseLike | None = None,
          peer_group: str | None = None) -> None:
    """The downloads of the progress report; with `peers` (a release's figures for the period) the
    members' report carries the group `peer_group` chose on the radar, its sentence and its Peers section."""
    org = record.organisation.id
    safe = period.replace("/", "-")
    periods = [p.period for p in record.sorted_periods()]
    replaced = unsafe_characters(record)
    if replaced:
        st.warning(f"{counted(replaced, 'character')} in comments or actions cannot be held in Word or Excel; "
                   "the files show � in their place.")
    left, right = st.columns(2)
    with left:
        st.markdown("**Members' progress report** (Word or PDF): at a glance, radar chart with its table, "
                    "summary, movement, movers and overdue actions"
                    + (", where the council stands among the group chosen" if peers is not None else "")
                    + (", the views gathered and the moderation log." if views is not None else "."))
        attach = st.checkbox("Attach the objectives appendix", key="report.attach")

        def report() -> WordExport:
            return report_docx(framework, record, period, compare_with, attach_appendix=attach, today=today,
                               views=views, peers=peers, peer_group=peer_group)

        _word_and_pdf("the progress report", "report.download_report", f"{org}-progress-report-{safe}", report,
                      (org, period, compare_with, attach, peers.release if peers else None, peer_group))
        st.markdown("**Blank questionnaire** (Word): the rubric and objectives with empty score and "
                    "comment columns, for collecting views on paper.")
        st.download_button(
            "Download the blank questionnaire", key="report.download_blank", mime=DOCX, on_click="ignore",
            file_name=f"{framework.id}-questionnaire.docx",
            data=lambda: blank_docx(framework, organisation_name=record.organisation.name, today=today,
                                    per_key_area=kept_by_key_area(record, period)).data)
    with right:
        st.markdown("**Objectives appendix** (Word or PDF), laid out for committee papers.")
        chosen = st.multiselect("Periods in the appendix", periods, default=record.appendix_periods(period),
                                key="report.appendix_periods")

        def appendix() -> WordExport:
            return appendix_docx(framework, record, sorted(chosen, key=periods.index), today=today)

        _word_and_pdf("the objectives appendix", "report.download_appendix",
                      f"{org}-objectives-appendix-{'-'.join(chosen).replace('/', '-')}", appendix,
                      (org, tuple(chosen)), disabled=not chosen)
        st.markdown("**Excel workbook**: a sheet per period, the actions and a summary.")
        st.download_button(
            "Download the Excel workbook", key="report.download_xlsx", mime=XLSX, on_click="ignore",
            file_name=f"{org}-assessment.xlsx", data=lambda: workbook_xlsx(framework, record, today=today).data)


def _word_and_pdf(what: str, key: str, name: str, make: Callable[[], WordExport], choice: tuple, *,
                  disabled: bool = False) -> None:
    """The Word download and, under it, the same as PDF: made when asked (or, without LibreOffice, why
    there is none). A PDF made is offered while the choices it was made from (`choice`) stand."""
    st.download_button(f"Download {what}", key=key, mime=DOCX, on_click="ignore", disabled=disabled,
                       file_name=f"{name}.docx", data=lambda: make().data)
    if not pdf_available():
        st.info(NO_PDF)
        return
    made = st.session_state.get(f"{key}_pdf")
    if made is not None and made[0] != choice:
        made = st.session_state[f"{key}_pdf"] = None
    if made is None:
        if st.button(f"Make {what} as PDF", key=f"{key}_make", disabled=disabled):
            with st.spinner(f"Making {what} as PDF…"):
                try:
                    made = (choice, as_pdf(make(), who=state.actor().name).data, None)
                except AssessmentError as exc:
                    made = (choice, None, str(exc))
            st.session_state[f"{key}_pdf"] = made
            st.rerun()   # drawn again with the download in the button's place
    if made is not None and made[1] is not None:
        st.download_button(f"Download {what} as PDF", key=f"{key}_pdf_download", mime=PDF, file_name=f"{name}.pdf",
                           data=made[1], on_click="ignore", type="primary")
    elif made is not None:
        st.error(md(made[2]))
        if st.button("Try again", key=f"{key}_again"):
            st.session_state[f"{key}_pdf"] = None
            st.rerun()


def offer_plan(record: OrganisationRecord, report: PlanReport) -> None:
    """The plan's members' report (Word, PDF) and its workbook (Excel), made when asked."""
    org, safe = record.organisation.id, report.period.replace("/", "-")
    st.header("Files")
    left, right = st.columns(2)
    with left:
        st.markdown("**Members' report on the plan** (Word or PDF): at a glance, each theme's outcomes rated "
                    "with their movement, indicators against baseline, actions, overdue actions.")

        def document() -> WordExport:
            return plan_report_docx(report.plan, record, report.period, report.on)

        _word_and_pdf("the plan's report", "plan.download_report", f"{org}-plan-report-{safe}", document,
                      (org, report.period))
    with right:
        st.markdown("**Excel workbook** of the plan: the count at each rating by period, a sheet per period, "
                    "the plan's actions.")
        st.download_button("Download the plan's workbook", key="plan.download_xlsx", mime=XLSX, on_click="ignore",
                           file_name=f"{org}-plan.xlsx",
                           data=lambda: plan_workbook_xlsx(report.plan, record, report.on).data)
