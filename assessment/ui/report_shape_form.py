"""The sections of a council's committee report (its report shape), for an administrator: start
from a Cabinet or a scrutiny report's sections, then name, order and mark them required."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain.covering import KIND_WORDS, KINDS, SHAPES, ReportShape, ShapeSection, shape_problems
from assessment.ui import state
from assessment.ui.messages import done_or_said
from assessment.ui.text import md

_KIND_SHOWN = {kind: f"{kind}: {words}" for kind, words in KIND_WORDS.items()}


def show(org: str, name: str, shape: ReportShape | None) -> None:
    actor = state.actor()
    with st.expander(f"The sections of {name}'s committee report", expanded=shape is None):
        cols = st.columns([3, 2])
        start = cols[0].selectbox("Start from", list(SHAPES), format_func=lambda k: SHAPES[k][0],
                                  key=f"shape.{org}.start")
        cols[1].write("")
        if cols[1].button("Use these sections" if shape is None else "Start again from these",
                          key=f"shape.{org}.use"):
            state.forget_widgets(f"shape.{org}.table")
            done_or_said(lambda: workflows.set_report_shape(state.store(), actor, org, workflows.shape_named(start)),
                         f"{name}'s committee report now has the sections of a {SHAPES[start][0]}.", "covering.done")
        if shape is None:
            return
        st.caption("Rename, reorder (change the numbers in Order), add or delete sections, and mark those that "
                   "must be written before the period is submitted. Kinds: " + "; ".join(_KIND_SHOWN.values()) + ".")
        rows = [{"Order": n, "Heading": s.heading, "Kind": _KIND_SHOWN[s.kind], "Required": s.required}
                for n, s in enumerate(shape.sections, 1)]
        edited = st.data_editor(rows, key=f"shape.{org}.table", num_rows="dynamic", hide_index=True,
                                column_config={
                                    "Order": st.column_config.NumberColumn(min_value=1, step=1),
                                    "Heading": st.column_config.TextColumn(max_chars=200, required=True),
                                    "Kind": st.column_config.SelectboxColumn(options=list(_KIND_SHOWN.values()),
                                                                             required=True),
                                    "Required": st.column_config.CheckboxColumn()})
        if st.button("Save the sections", key=f"shape.{org}.save"):
            ordered = sorted(enumerate(edited), key=lambda r: (r[1].get("Order") or 10**6, r[0]))
            kinds = {shown: kind for kind, shown in _KIND_SHOWN.items()}
            new = ReportShape(tuple(ShapeSection(str(row.get("Heading") or "").strip(),
                                                 kinds.get(str(row.get("Kind") or ""), KINDS[0]),
                                                 bool(row.get("Required")))
                                    for _, row in ordered), shape.started_from)
            problems = shape_problems(new)
            if problems:
                st.error(md("The sections were not saved: " + "; ".join(problems) + "."))
                return
            state.forget_widgets(f"shape.{org}.table")
            done_or_said(lambda: workflows.set_report_shape(state.store(), actor, org, new),
                         f"Saved the {len(new.sections)} sections of {name}'s committee report.", "covering.done")
