"""Covering report: the officer's words that open the members' report, in the sections of the
council's committee report (its report shape, chosen and arranged below by an administrator).
Editors write it while the period is a draft; everyone who may read the period sees it laid out as
members will read it. Saved as a new version each time (the versions are listed, newest first)."""

from __future__ import annotations


import streamlit as st

from assessment import workflows
from assessment.domain.covering import CoveringReport, outside, report_title
from assessment.domain.errors import AssessmentError, InvalidFile
from assessment.domain.plan_report import plan_report_title
from assessment.domain.record import PLAN_RECORD, long_date_time
from assessment.formats.covering_file import write_covering
from assessment.ui import covering_form, report_shape_form, state
from assessment.ui.covering_view import show_laid_out
from assessment.ui.text import md, said
from assessment.workflows import ADMINISTER, queries

if state.record_choice() == PLAN_RECORD:   # the covering report of a period of the plan (Start: Record: Plan)
    planned, chosen = state.chosen_plan()
    if planned.plan is None or chosen is None:
        st.info(md(f"{planned.record.organisation.name} follows no plan yet: start one on the Start page."))
        st.stop()
    record, period, title = planned.record, chosen, plan_report_title(planned.plan, chosen)
else:
    (view, period) = state.chosen_period_record()
    record, title = view.record, report_title(period)
actor = state.actor()
org, name = record.key, record.organisation.name   # the record's key: the scores' or the plan's
st.title(f"Covering report: {md(name)}, {md(period)}" + (" (the plan)" if record.record else ""))
if (flash := st.session_state.pop("covering.done", None)):
    st.success(md(flash))
shown = queries.covering(state.store(), actor, org, period)
refused = workflows.may_change(actor, org, record.period(period))
if actor.may(org, ADMINISTER):   # the report shape is the council's, for both records
    report_shape_form.show(record.organisation.id, name, shown.shape)
if shown.shape is None and shown.saved is None:
    st.info(md(f"{name} has no report shape yet, so its members' report opens without a covering report."
               + ("" if actor.may(org, ADMINISTER) else " An administrator can choose one.")))
    st.stop()

prefix = f"covering.{org}.{period}."
if refused is None:
    st.header("Write it")
    st.caption("Paragraphs are numbered through the whole report and items lettered, as members will read them; "
               "leave a blank line between paragraphs. Text is printed exactly as written (no formatting). Your "
               "words are kept as you leave each box, until you save.")
    if (left_over := outside(shown.saved, shown.shape)):
        st.warning(md("Not among the council's sections now, so printed at the end: " + ", ".join(left_over)
                      + ". Move their words into the council's sections, or clear them."))
    if shown.carried_from:
        st.info(md(f"These words are {shown.carried_from}'s, as this period started from them: read each section "
                   "and change what is no longer true before the period is submitted."))
    covering_form.show(org, period, shown.report, shown.saved, set(shown.shape.required()) if shown.shape else set())
else:
    st.info(md(refused))

st.header("As members will read it")
show_laid_out(shown.saved or CoveringReport(), title)
if shown.saved is not None:
    st.download_button("Download as a report-text file (YAML)", write_covering(shown.saved).encode("utf-8"),
                       file_name=f"{org.replace('~', '-')}-{period.replace('/', '-')}-report-text.yaml",
                       mime="application/yaml", key="covering.download", on_click="ignore")
if refused is None:
    with st.expander("Import a report-text file (YAML)"):
        upload = st.file_uploader("Report-text file", type=["yaml", "yml"], key=f"{prefix}upload",
                                  max_upload_size=1)
        if upload is not None and st.button("Import it, replacing the words above", key="covering.import"):
            try:
                imported = workflows.import_covering(state.store(), actor, org, period, upload.getvalue(),
                                                 name=upload.name)
            except InvalidFile as exc:
                st.error(md("\n".join(exc.shown())))
            except AssessmentError as exc:
                st.error(said(exc))
            else:
                covering_form.forget(org, period)
                st.session_state["covering.done"] = (
                    f"Imported {upload.name}: changed {', '.join(imported.changed)}." if imported.saved
                    else f"{upload.name} says what is saved already.")
                st.rerun()
versions = queries.covering_versions(state.store(), actor, org, period)
if versions:
    with st.expander(f"Versions ({len(versions)})"):
        for kept, change, changed in versions:
            st.markdown("- " + md(f"Version {kept.version}, {long_date_time(kept.at)}, {kept.by or 'unknown'}: "
                                  f"{change or 'saved'}" + (f" ({', '.join(changed)})" if changed else "")))
