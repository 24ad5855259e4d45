"""Score a key area: one key area at a time, every objective with its rubric and history."""

from __future__ import annotations

import streamlit as st

from assessment.errors import ScoreError
from assessment.record import Entry
from assessment.scoring import completion, scored_by_key_area
from assessment.ui import drafts, key_area_mode, objective_form, state

org, period = state.selection()
if not org or not period:
    st.info("Choose an organisation and a period on the Start page first.")
    st.stop()

(record, framework), _ = state.chosen_record()
current = record.period(period)
key_areas = list(framework.key_areas)

if scored_by_key_area(current):
    st.title(f"Score: {record.organisation.name}, {period}")
    key_area_mode.render(framework, record, current)
    st.stop()

if "score.key_area" not in st.session_state:
    st.session_state["score.key_area"] = st.session_state.get("jump_to") or key_areas[0]
st.session_state.pop("jump_to", None)


def step(offset: int) -> None:
    index = key_areas.index(st.session_state["score.key_area"]) + offset
    st.session_state["score.key_area"] = key_areas[max(0, min(len(key_areas) - 1, index))]


st.title(f"Score: {record.organisation.name}, {period}")
nav = st.columns([1, 4, 1])
nav[0].button("← Previous key area", key="score.prev", on_click=step, args=(-1,),
              disabled=st.session_state["score.key_area"] == key_areas[0])
nav[1].selectbox("Key area", key_areas, key="score.key_area", label_visibility="collapsed",
                 format_func=lambda k: f"{framework.key_areas[k].title} "
                                       f"({completion(framework, current, k).done} of "
                                       f"{len(framework.key_areas[k].objectives)} done)")
nav[2].button("Next key area →", key="score.next", on_click=step, args=(1,),
              disabled=st.session_state["score.key_area"] == key_areas[-1])

key_area_id = st.session_state["score.key_area"]
key_area = framework.key_areas[key_area_id]
with st.expander(f"Rubric: {key_area.title}"):
    st.table({lv.label: [key_area.rubric[lv.value]] for lv in framework.levels})

for objective_id in framework.objective_ids[key_area_id]:
    entry = current.entries.get(objective_id) or Entry(item=objective_id)
    conflict = drafts.conflict_for(org, period, objective_id)
    if conflict is not None:
        st.error(f"Objective {objective_id} was saved by {conflict.updated_by or 'someone else'} while you "
                 f"were editing. Theirs: {conflict.score.label(framework)} — “{conflict.comment or ''}”. "
                 "Yours is still in the form below. Choose which to keep.")
        cols = st.columns(2)
        cols[0].button("Keep mine", key=f"score.{objective_id}.keep_mine",
                       on_click=drafts.keep_mine, args=(org, period, objective_id))
        if cols[1].button("Use theirs", key=f"score.{objective_id}.use_theirs"):
            drafts.discard(org, period, objective_id)
            state.forget_widgets(f"score.{org}.{period}.{objective_id}.")
            st.rerun()
    objective_form.render(framework, record, period, key_area_id, entry)
    st.divider()

pending = [i for i in drafts.unsaved(org, period) if i in framework.objective_ids[key_area_id]]
if st.button(f"Save {key_area.title}", key="score.save", type="primary"):
    try:
        saved, stale = drafts.save(org, period, [("objective", o) for o in framework.objective_ids[key_area_id]],
                                   state.store(), state.actor())
    except ScoreError as exc:
        st.error(f"Nothing was saved: {exc}")
    else:
        st.session_state["score.saved"] = (key_area.title, saved, stale)
        st.rerun()
if "score.saved" in st.session_state:
    title, saved, stale = st.session_state.pop("score.saved")
    if stale:
        st.error(f"Saved {saved} objective(s) of {title}; {len(stale)} were changed by someone else meanwhile: "
                 f"objective(s) {', '.join(stale)}. Nothing of theirs was overwritten.")
    else:
        st.success(f"Saved {saved} objective(s) of {title}.")
elif pending:
    st.warning(f"Unsaved changes in {len(pending)} objective(s) of this key area. Save before you leave.")
other = [i for i in drafts.unsaved(org, period) if i not in framework.objective_ids[key_area_id]]
if other:
    st.caption(f"Unsaved changes in other key areas: objective(s) {', '.join(other)}.")
