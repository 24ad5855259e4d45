"""Covering report: the officer's words that open the members' report, in the sections of the
council's committee report (its report shape, chosen and arranged below by an administrator).
Editors write it while the period is a draft; everyone who may read the period sees it laid out as
members will read it. Saved as a new version each time (the versions are listed, newest first)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from assessment import workflows
from assessment.domain import limits
from assessment.domain.covering import CoveringReport, Meeting, report_title
from assessment.domain.errors import AssessmentError, InvalidFile, StaleEntry
from assessment.domain.record import long_date_time
from assessment.formats.covering_file import write_covering
from assessment.ui import report_shape_form, state
from assessment.ui.covering_view import show_laid_out
from assessment.ui.text import md, said
from assessment.workflows import ADMINISTER, queries

(view, period) = state.chosen_period_record()
record, actor = view.record, state.actor()
org, name = record.organisation.id, record.organisation.name
st.title(f"Covering report: {md(name)}, {md(period)}")
if (flash := st.session_state.pop("covering.done", None)):
    st.success(md(flash))
shown = queries.covering(state.store(), actor, org, period)
refused = workflows.may_change(actor, org, record.period(period))
if actor.may(org, ADMINISTER):
    report_shape_form.show(org, name, shown.shape)
if shown.shape is None and shown.saved is None:
    st.info(md(f"{name} has no report shape yet, so its members' report opens without a covering report."
               + ("" if actor.may(org, ADMINISTER) else " An administrator can choose one.")))
    st.stop()

prefix = f"covering.{org}.{period}."
report = shown.report
if refused is None:
    st.header("Write it")
    st.caption("Paragraphs are numbered through the whole report and items lettered, as members will read them; "
               "leave a blank line between paragraphs. Text is printed exactly as written (no formatting).")
    with st.form(f"{prefix}form", border=False):
        cols = st.columns(2)
        committee = cols[0].text_input("Meeting: committee", report.meeting.committee or "", key=f"{prefix}committee",
                                       max_chars=limits.DECISION, placeholder="e.g. Cabinet")
        on = cols[1].date_input("Meeting: date", report.meeting.on, key=f"{prefix}on", format="DD/MM/YYYY")
        author = st.text_input("Author (report of the …)", report.author or "", key=f"{prefix}author",
                               max_chars=limits.PERSON, placeholder="e.g. Director of Corporate Resources")
        contact = st.text_area("Contact points", report.contact or "", key=f"{prefix}contact", height=80,
                               max_chars=limits.COVERING_CONTACT)
        required = set(shown.shape.required()) if shown.shape else set()
        sections = []
        for n, section in enumerate(report.sections):
            label = section.heading + (" (required)" if section.heading in required else "")
            if section.kind == "heading":
                st.subheader(md(section.heading))
                sections.append(section)
                continue
            if section.kind == "contact":
                st.markdown(f"**{md(section.heading)}**: the contact points above are printed here.")
                sections.append(section)
                continue
            text = st.text_area(md(label), section.text, key=f"{prefix}{n}.text", height=120,
                                max_chars=limits.COVERING_TEXT,
                                help="Paragraphs lead into the list below." if section.kind == "items" else None)
            items: tuple[str, ...] = ()
            if section.kind == "items":
                written = st.text_area(f"{md(section.heading)}: items, one a line (lettered a, b, c)",
                                       "\n".join(section.items), key=f"{prefix}{n}.items", height=100)
                items = tuple(line.strip() for line in written.split("\n") if line.strip())
            sections.append(replace(section, text=text, items=items))
        saved = st.form_submit_button("Save the covering report", type="primary")
    if saved:
        new = CoveringReport(tuple(sections), Meeting(committee.strip() or None, on), author.strip() or None,
                             contact.strip() or None)
        try:
            done = workflows.save_covering(state.store(), actor, org, period, new,
                                           expected_version=shown.saved.version if shown.saved else 0)
        except StaleEntry as exc:
            st.error(said(f"{exc}. Your words are still in the boxes above: copy what you need, then reload."))
        except AssessmentError as exc:
            st.error(said(exc))
        else:
            state.forget_widgets(prefix)
            st.session_state["covering.done"] = f"Saved the covering report (version {done.version})."
            st.rerun()
else:
    st.info(md(refused))

st.header("As members will read it")
show_laid_out(shown.saved or CoveringReport(), report_title(period))
if shown.saved is not None:
    st.download_button("Download as a report-text file (YAML)", write_covering(shown.saved).encode("utf-8"),
                       file_name=f"{org}-{period.replace('/', '-')}-report-text.yaml", mime="application/yaml",
                       key="covering.download", on_click="ignore")
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
                state.forget_widgets(prefix)
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
