"""Key-area mode (seed 000): one level per key area, "where we are today" and "where we want to be"."""

from __future__ import annotations

import streamlit as st

from assessment.errors import ScoreError
from assessment.framework import Framework
from assessment.record import Entry, OrganisationRecord, PeriodRecord
from assessment.scores import choice_labels
from assessment.ui import drafts, state


def render(framework: Framework, record: OrganisationRecord, period: PeriodRecord) -> None:
    org = record.organisation.id
    st.caption("This record scores one level per key area: where we are today and where we want to be.")
    for ka in framework.key_areas.values():
        entry = period.key_area_entries.get(ka.id) or Entry(item=ka.id, kind="key_area")
        draft = drafts.draft_for(org, period.period, entry)
        prefix = f"score.{org}.{period.period}.ka.{ka.id}"
        st.markdown(f"#### {ka.title}")
        conflict = drafts.conflict_for(org, period.period, ka.id, "key_area")
        if conflict is not None:
            st.error(f"{ka.title} was saved by {conflict.updated_by or 'someone else'} while you were editing "
                     f"(theirs: today {conflict.score.label(framework)}, target {conflict.target.label(framework)}).")
            st.button("Keep mine", key=f"{prefix}.keep_mine", on_click=drafts.keep_mine,
                      args=(org, period.period, ka.id, "key_area"))
        left, right = st.columns([2, 3])
        with right:
            st.table({"Level": [lv.label for lv in framework.levels],
                      "Descriptor": [ka.rubric[lv.value] for lv in framework.levels]})
        with left:
            options = choice_labels(framework, ka.id)
            for field, label, stored in (("score", "Where we are today", entry.score),
                                         ("target", "Where we want to be", entry.target)):
                key = f"{prefix}.{field}"
                if key not in st.session_state:
                    value = draft[field] if draft and field in draft else stored.label(framework)
                    st.session_state[key] = value if value in options else options[0]
                st.selectbox(label, options, key=key, on_change=_changed,
                             args=(org, period.period, entry, field, key))
            if entry.target_period:
                st.caption(f"Target by {entry.target_period}")
            if entry.comment:
                st.text(entry.comment)
        st.divider()
    if st.button("Save key areas", key="score.save_key_areas", type="primary"):
        try:
            saved, stale = drafts.save(org, period.period, [("key_area", k) for k in framework.key_areas],
                                       state.store(), state.actor())
        except ScoreError as exc:
            st.error(f"Nothing was saved: {exc}")
            return
        st.session_state["score.saved_key_areas"] = (saved, stale)
        st.rerun()
    if "score.saved_key_areas" in st.session_state:
        saved, stale = st.session_state.pop("score.saved_key_areas")
        st.success(f"Saved {saved} key area(s).")
        if stale:
            st.error(f"{len(stale)} key area(s) were changed by someone else meanwhile; nothing of theirs was "
                     "overwritten.")


def _changed(org: str, period: str, entry: Entry, field: str, key: str) -> None:
    drafts.update(org, period, entry, **{field: st.session_state[key]})
