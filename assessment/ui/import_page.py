"""Import: bring last year's Word appendix or a spreadsheet in, see what it would change, then confirm."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain import limits
from assessment.domain.errors import AssessmentError, InvalidImport
from assessment.domain.numbers import counted
from assessment.domain.record import long_date_time
from assessment.domain.rollups import scored_per
from assessment.formats.writers.import_template import template_csv, template_xlsx
from assessment.ui import state
from assessment.ui.html_tables import table
from assessment.ui.text import md, said

(saved, framework), _ = state.chosen_record()
org = saved.organisation.id
st.title(f"Import: {md(saved.organisation.name)}")
st.markdown("Bring in scores and comments you already hold: a **Word objectives appendix** laid out like "
            "Medway's (a table per key area with “2023 Score” and “2023 Comments and Action” columns), "
            "the **spreadsheet template** below, or a workbook exported from this tool. You see what would "
            "be imported and overwritten first; nothing is saved until you confirm, and then all of it or "
            "nothing is.")

periods = [p.period for p in saved.sorted_periods()] or ["2026"]
per_key_area = scored_per(saved) == "key_area"   # rows as the record is scored now
left, right = st.columns(2)
left.download_button("Spreadsheet template (Excel)", key="import.template_xlsx", on_click="ignore",
                     data=lambda: template_xlsx(framework, periods[-1:], per_key_area=per_key_area),
                     file_name=f"{framework.id}-template.xlsx",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
right.download_button("Spreadsheet template (CSV)", key="import.template_csv", on_click="ignore",
                      data=lambda: template_csv(framework, periods[-1:], per_key_area=per_key_area),
                      file_name=f"{framework.id}-template.csv", mime="text/csv")

done = st.session_state.pop("import.done", None)
if done:
    st.success(md(done))
earlier = workflows.queries.imports(state.store(), state.actor(), org)
if earlier:
    with st.expander(f"Earlier imports ({len(earlier)}): undo one as a whole"):
        for event in earlier:
            when = long_date_time(event.at)
            cols = st.columns([4, 1])
            cols[0].markdown(md(f"{when}, {event.person}: {event.describe()}"))
            if not event.details.get("undone_on") and cols[1].button("Undo", key=f"import.undo.{event.id}"):
                try:
                    n = workflows.undo_import(state.store(), state.actor(), org, event.id)
                except AssessmentError as exc:
                    st.error(said(exc))
                else:
                    st.session_state["import.done"] = (f"Undid the import of {event.details.get('source')}: "
                                                       f"{n} entries put back as they were.")
                    st.rerun()
# After an import the uploader starts empty again (a new key), so a stale preview is never offered twice.
round_ = st.session_state.get(f"import.round.{org}", 0)
upload = st.file_uploader("File to import", type=["docx", "xlsx", "csv"],
                          max_upload_size=limits.UPLOAD_BYTES // 2**20,   # the uploader says the import's own limit
                          key=f"import.file.{org}" + (f".{round_}" if round_ else ""))
if upload is None:
    st.stop()
try:
    prepared = workflows.preview_import(state.store(), state.actor(), org, upload.name, upload.getvalue())
except InvalidImport as exc:
    if len(exc.problems) == 1 and exc.problems[0].where == "":
        st.error(md(f"{exc.problems[0]}. Nothing was imported."))
    else:
        st.error(md(f"{upload.name} cannot be imported, so nothing was saved. Please correct these and upload it "
                    "again:"))
        st.markdown("\n".join(f"- {md(line)}" for line in exc.shown()))
    st.stop()
if prepared.warnings:
    st.warning("\n".join(f"- {md(line)}" for line in prepared.warnings))
report = prepared.periods
st.header("What would be imported")
table([{"Period": p.period, "Entries": p.entries, "Scored": p.scored, "n/a": p.not_applicable,
        "Blank": p.blank, "Comments": p.comments, "Actions": p.actions,
        "Effect": "new period" if p.new_period else f"{len(p.changed)} overwritten, {p.new_entries} new, "
                                                     f"{p.unchanged} unchanged"}
       | ({"Actions stated in comments": prepared.plan.sentence_action_count(p.period)}
          if prepared.sentence_actions else {})
       for p in report], st.container(key="import.preview"))
track = prepared.sentence_actions > 0 and st.checkbox(
    f"Also track the {counted(prepared.sentence_actions, 'action')} the comments state in their own words "
    "(“Action: …”); "
    "the comments stay exactly as written", value=True, key="import.track")
for p in report:
    if p.changed:
        st.caption(f"{p.period}: the saved score, target, comment or actions of "
                   f"{'objective' if len(p.changed) == 1 else 'objectives'} {', '.join(p.changed)} "
                   "would be replaced (the saved versions stay in each objective's history).")
if st.button(f"Import {counted(len(report), 'period')} into {md(saved.organisation.name)}", type="primary",
             key="import.confirm"):
    try:
        workflows.apply_import(state.store(), state.actor(), prepared, track_actions=bool(track))
    except AssessmentError as exc:
        st.error(said(exc))
    else:
        st.session_state["import.done"] = (
            f"Imported {', '.join(p.period for p in report)} from {upload.name} into {saved.organisation.name}. "
            "Choose a period on the Start page to score it, or open the Progress report.")
        st.session_state[f"import.round.{org}"] = round_ + 1
        st.rerun()
