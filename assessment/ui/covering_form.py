"""The covering report's form: the meeting, author, contact and each section of the council's shape.

What a person types is kept in their session as they leave each box (`draft`), with the version of
the saved report it began from: so it survives moving to another page and back, a save made
meanwhile by someone else is caught (their words, or mine: never silently over them), and the
browser asks before a reload or closing the tab would lose it. Widgets are keyed by each section's
heading, not its place, so that a section moved or renamed never shows another's words."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import streamlit as st

from assessment import workflows
from assessment.domain import limits
from assessment.domain.covering import CoveringReport, Meeting, Section
from assessment.domain.errors import AssessmentError, StaleEntry
from assessment.ui import state
from assessment.ui.text import md, said

_UNSAVED = """<script>
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  const win = doc.defaultView || window;
  win.__coveringUnsaved = %s;
  if (win.__coveringGuard) return;
  win.__coveringGuard = true;
  win.addEventListener("beforeunload", (e) => {
    if (win.__coveringUnsaved) { e.preventDefault(); e.returnValue = ""; return ""; }
  });
})();
</script>"""


def _draft_key(org: str, period: str) -> str:
    return f"covering-draft.{org}.{period}"


def section_key(org: str, period: str, heading: str, field: str) -> str:
    """The key of a section's box ("text" or "items"): by its heading, whatever its place."""
    return f"covering.{org}.{period}.{hashlib.sha1(heading.strip().casefold().encode()).hexdigest()[:12]}.{field}"


def show(org: str, period: str, report: CoveringReport, saved: CoveringReport | None,
         required: set[str]) -> None:
    """The form for `report` (the saved words fitted to the council's shape), and Save."""
    prefix, draft_key = f"covering.{org}.{period}.", _draft_key(org, period)
    version = saved.version if saved else 0
    draft: dict[str, Any] = st.session_state.setdefault(draft_key, {"base": version, "fields": {}})
    fields = draft["fields"]
    if not fields:   # nothing typed yet: the form shows the report as saved now
        draft["base"] = version

    def box(kind, label: str, key: str, value: Any, **options) -> Any:
        def kept() -> None:
            fields[key] = st.session_state[key]
        return kind(label, fields.get(key, value), key=key, on_change=kept, **options)

    if draft["base"] != version and fields:
        st.warning(md(f"The covering report was saved by {saved.by if saved else 'someone'} (version {version}) "
                      f"since you began from version {draft['base']}. Your words are below: Save asks which to "
                      "keep."))
    cols = st.columns(2)
    committee = box(cols[0].text_input, "Meeting: committee", f"{prefix}committee", report.meeting.committee or "",
                    max_chars=limits.DECISION, placeholder="e.g. Cabinet")
    on = box(cols[1].date_input, "Meeting: date", f"{prefix}on", report.meeting.on, format="DD/MM/YYYY",
             min_value=date(1990, 1, 1))
    author = box(st.text_input, "Author (report of the …)", f"{prefix}author", report.author or "",
                 max_chars=limits.PERSON, placeholder="e.g. Director of Corporate Resources")
    contact = box(st.text_area, "Contact points", f"{prefix}contact", report.contact or "", height=80,
                  max_chars=limits.COVERING_CONTACT)
    sections = []
    for section in report.sections:
        if section.kind == "heading":
            st.subheader(md(section.heading), anchor=False)
        elif section.kind == "contact":
            st.markdown(f"**{md(section.heading)}**: the contact points above are printed here.")
        if section.kind in ("heading", "contact"):
            sections.append(section)
            continue
        label = md(section.heading + (" (required)" if section.heading in required else ""))
        text = box(st.text_area, label, section_key(org, period, section.heading, "text"), section.text, height=120,
                   max_chars=limits.COVERING_TEXT,
                   help="Paragraphs lead into the list below." if section.kind == "items" else None)
        items: tuple[str, ...] = ()
        if section.kind == "items":
            written = box(st.text_area, f"{md(section.heading)}: items, one a line (lettered a, b, c)",
                          section_key(org, period, section.heading, "items"), "\n".join(section.items), height=100)
            items = tuple(line.strip() for line in written.split("\n") if line.strip())
        sections.append(Section(section.heading, section.kind, text, items))
    new = CoveringReport(tuple(sections), Meeting(committee.strip() or None, on), author.strip() or None,
                         contact.strip() or None)
    unsaved = bool(fields) and not new.same_words(saved or CoveringReport())
    st.html(_UNSAVED % ("true" if unsaved else "false"), unsafe_allow_javascript=True)
    conflict = st.session_state.get(f"{prefix}conflict")
    if conflict is None:
        if st.button("Save the covering report", key=f"{prefix}save", type="primary"):
            _save(org, period, new, draft["base"], prefix)
        return
    st.error(md(conflict))
    left, right = st.columns(2)
    if left.button("Put my words over theirs (then Save)", key=f"{prefix}keep_mine"):
        # the boxes I did not touch show theirs; those I typed in keep mine; nothing is saved yet
        for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix) and k not in fields]:
            del st.session_state[key]
        draft["base"] = version
        st.rerun()
    if right.button("Use theirs (discard my words)", key=f"{prefix}use_theirs"):
        forget(org, period)
        st.rerun()


def _save(org: str, period: str, new: CoveringReport, base: int, prefix: str) -> None:
    try:
        done = workflows.save_covering(state.store(), state.actor(), org, period, new, expected_version=base)
    except StaleEntry as exc:
        st.session_state[f"{prefix}conflict"] = str(exc) + "."
        st.rerun()
    except AssessmentError as exc:
        st.error(said(exc))
        return
    forget(org, period)
    st.session_state["covering.done"] = f"Saved the covering report (version {done.version})."
    st.rerun()


def forget(org: str, period: str) -> None:
    """Drop the person's unsaved words and the boxes' state (after a save, or to use theirs)."""
    st.session_state.pop(_draft_key(org, period), None)
    state.forget_widgets(f"covering.{org}.{period}.")
