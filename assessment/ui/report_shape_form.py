"""The sections of a council's committee report (its report shape), for an administrator: start
from a Cabinet or a scrutiny report's sections, then name, order and mark them required. One row of
labelled boxes a section (not a data grid, which a screen reader cannot read), and two empty rows
for sections to add."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from assessment import workflows
from assessment.domain import limits
from assessment.domain.covering import KIND_WORDS, KINDS, SHAPES, ReportShape, ShapeSection, shape_problems
from assessment.ui import state
from assessment.ui.messages import done_or_said
from assessment.ui.text import md

_ADDED = 2   # empty rows offered for new sections


def show(org: str, name: str, shape: ReportShape | None) -> None:
    actor = state.actor()
    with st.expander(f"The sections of {md(name)}'s committee report", expanded=shape is None):
        cols = st.columns([3, 2], vertical_alignment="bottom")
        start = cols[0].selectbox("Start from", list(SHAPES), format_func=lambda k: SHAPES[k][0],
                                  key=f"shape.{org}.start")
        if cols[1].button("Use these sections" if shape is None else "Start again from these",
                          key=f"shape.{org}.use"):
            state.forget_widgets(f"shape.{org}.row")
            done_or_said(lambda: workflows.set_report_shape(state.store(), actor, org, workflows.shape_named(start)),
                         f"{name}'s committee report now has the sections of a {SHAPES[start][0]}.", "covering.done")
        if shape is not None:
            _arrange(org, name, shape)


def _arrange(org: str, name: str, shape: ReportShape) -> None:
    st.caption("Rename sections, renumber them to reorder, clear a heading to remove one, or fill an empty row to "
               "add one; mark those that must be written before the period is submitted. Kinds: "
               + "; ".join(f"{kind}, {words}" for kind, words in KIND_WORDS.items()) + ".")
    rows = [*shape.sections, *[ShapeSection("") for _ in range(_ADDED)]]
    with st.form(f"shape.{org}.form", border=False):
        chosen = []
        for n, section in enumerate(rows, 1):
            key = f"shape.{org}.row.{n}"
            cols = st.columns([1, 6, 3, 2], vertical_alignment="bottom")
            shown: Literal["visible", "collapsed"] = "visible" if n == 1 else "collapsed"   # labels once, on top
            order = cols[0].number_input(f"Order of row {n}", 1, len(rows), n, key=f"{key}.order",
                                         label_visibility=shown)
            heading = cols[1].text_input(f"Heading of row {n}", section.heading, key=f"{key}.heading",
                                         max_chars=limits.COVERING_HEADING, label_visibility=shown)
            kind = cols[2].selectbox(f"Kind of row {n}", KINDS, KINDS.index(section.kind), key=f"{key}.kind",
                                     label_visibility=shown)
            required = cols[3].checkbox(f"Row {n} required", section.required, key=f"{key}.required")
            chosen.append((order, n, ShapeSection(heading.strip(), kind, required)))
        saved = st.form_submit_button("Save the sections")
    if saved:
        # a row renumbered to N takes place N: after the row there if it moved down, before it if up
        new = ReportShape(tuple(s for _, _, s in sorted(chosen, key=lambda c: (c[0], (c[0] > c[1]) - (c[0] < c[1]),
                                                                               c[1]))
                                if s.heading), shape.started_from)
        problems = shape_problems(new)
        if problems:
            st.error(md("The sections were not saved: " + "; ".join(problems) + "."))
            return
        # a section renamed keeps what draft periods say under it
        names = {shape.sections[n - 1].heading: s.heading for _, n, s in chosen
                 if n <= len(shape.sections) and s.heading and s.heading != shape.sections[n - 1].heading}
        state.forget_widgets(f"shape.{org}.row")
        done_or_said(lambda: workflows.set_report_shape(state.store(), state.actor(), org, new, renamed_sections=names),
                     f"Saved the {len(new.sections)} sections of {name}'s committee report"
                     + (f" (renamed: {', '.join(f'{a} to {b}' for a, b in names.items())})" if names else "") + ".",
                     "covering.done")
