"""Score a key area: one key area at a time (kept in the address as ?ka=), every objective with
its rubric and history; or, for a record kept per key area, every key area on one page."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain.edits import EntryEdit, action_rows
from assessment.domain.errors import AssessmentError, InvalidEdit, ScoreError, as_sentence
from assessment.domain.numbers import counted
from assessment.domain.record import Entry, long_date_time
from assessment.domain.rollups import completion, kept_by_key_area, previous_period
from assessment.ui import drafts, entry_form, state
from assessment.ui.html_tables import table
from assessment.ui.text import md, said
from assessment.workflows import EDIT

(record, framework), period = state.chosen_period_record()
org, current = record.organisation.id, record.period(period)
everything_mine = drafts.all_mine(org, period)
mine = drafts.mine(org, period, everything_mine)
other_tabs = drafts.elsewhere(org, period, everything_mine)
before = previous_period(record, period)
previous = record.period(before) if before else None
by_key_area = kept_by_key_area(record, period)
st.title(f"Score: {md(record.organisation.name)}, {period}")
refused = workflows.may_change(state.actor(), org, current)
editable = refused is None
if drafts.REFUSED in st.session_state:   # a change or a save refused in the run before (`drafts.refused`)
    st.error(md(st.session_state.pop(drafts.REFUSED)))
if refused is not None and current.locked and state.actor().may(org, EDIT):
    st.info(md(f"{refused[:1].upper()}{refused[1:]}. Its actions' progress can still be recorded on the Actions "
               "page."))
    if everything_mine:   # left out when it was submitted: kept, and said
        left_out = sorted({d.edit.key for d in everything_mine})
        st.warning(md(f"Your unsaved changes to {drafts.names(framework, left_out)} are not in {period} as it was "
                      "put before members. They are kept: once it is back to draft you can save them, or discard "
                      "them now."))
        if st.button("Discard my unsaved changes", key="score.discard_left"):
            drafts.discard(org, period, list(mine))
            drafts.discard_elsewhere(org, period, other_tabs)
            st.rerun()
elif other_tabs:   # typed in another tab, or on an earlier visit: not mixed into this tab's
    latest = max((d.updated_at for d in other_tabs if d.updated_at), default=None)
    st.info(md(f"You have unsaved changes to {drafts.names(framework, sorted({d.edit.key for d in other_tabs}))} "
               f"in another tab or from an earlier visit (last changed {long_date_time(latest, 'at a time not known')})"
               ". Bring them here to carry on with them, or discard them."))
    bring, throw = st.columns(2)
    bring.button("Bring them here", key="score.bring_here", on_click=drafts.bring_here, args=(org, period))
    throw.button("Discard them", key="score.discard_elsewhere", on_click=drafts.discard_elsewhere,
                 args=(org, period, other_tabs))

if by_key_area:
    state.place(f"{org}/{period}/key areas")
    st.caption("This record scores one level per key area: where we are today and where we want to be.")
    keys = [("key_area", ka) for ka in framework.key_areas]
    title = "the key areas"
else:
    key_areas = list(framework.key_areas)
    asked = st.query_params.get("ka")
    if st.session_state.get("score.ka") not in key_areas:   # the key area chosen, kept apart from the widget
        st.session_state["score.ka"] = asked if asked in key_areas else key_areas[0]

    def step(offset: int) -> None:
        index = key_areas.index(st.session_state["score.ka"]) + offset
        st.session_state["score.ka"] = key_areas[max(0, min(len(key_areas) - 1, index))]

    def picked() -> None:
        st.session_state["score.ka"] = st.session_state["score.key_area"]

    st.session_state["score.key_area"] = st.session_state["score.ka"]   # the picker shows the choice, every run
    st.selectbox("Key area", key_areas, key="score.key_area", on_change=picked,
                 format_func=lambda k: framework.key_areas[k].title)
    nav = st.columns(3)   # under the picker, each a third of the width: never cut, at 1024 px either
    nav[0].button("← Previous key area", key="score.prev", on_click=step, args=(-1,), width="stretch",
                  disabled=st.session_state["score.ka"] == key_areas[0])
    nav[1].button("Next key area →", key="score.next", on_click=step, args=(1,), width="stretch",
                  disabled=st.session_state["score.ka"] == key_areas[-1])
    key_area_id = st.session_state["score.ka"]
    state.remember(org, period, ka=key_area_id)   # a reload returns to this key area
    state.place(f"{org}/{period}/{key_area_id}")   # another key area is another visit (`entry_form._fresh`)
    key_area = framework.key_areas[key_area_id]
    title = key_area.title
    done = completion(framework, current, key_area_id, previous)
    st.caption(f"{done.done} of {counted(done.total, 'objective')} of this key area done; {done.left} left.")
    with st.expander(f"Rubric: {md(key_area.title)}"):
        table([{"Level": lv.label, "Descriptor": key_area.rubric[lv.value]} for lv in framework.levels])
    keys = [("objective", o) for o in framework.objective_ids[key_area_id]]
    if editable:
        entry_form.key_area_target(framework, org, period, key_area_id, current)


def entry_of(kind: str, item: str) -> Entry:
    found = (current.entries if kind == "objective" else current.key_area_entries).get(item)
    return found or Entry(item=item, kind=kind)


unchanged = [k for k in keys if entry_of(*k).carried and k not in mine]
confirm_label = f"Confirm all {counted(len(unchanged), 'unchanged carried score')} of {md(title)}"
if editable and unchanged and st.button(confirm_label, key="score.confirm_all",
                                        help="Confirms, as they stand, the carried scores here you have not changed."):
    try:
        confirmed = workflows.confirm_scores(state.store(), state.actor(), org, period, unchanged,
                                             versions={k: entry_of(*k).version for k in unchanged})
    except AssessmentError as exc:
        st.error(said(exc))
    else:
        st.session_state["score.confirmed"] = f"Confirmed {counted(len(confirmed), 'carried score')} of {title}."
        st.rerun()
if "score.confirmed" in st.session_state:
    st.success(md(st.session_state.pop("score.confirmed")))

st.header(md(title[:1].upper() + title[1:]))   # headings in order: the page, the key area, each objective
for kind, item in keys:
    entry_form.render(framework, record, period, entry_of(kind, item), mine.get((kind, item)), editable)
    st.divider()
if not editable:
    st.stop()
drafts.unsaved_text_guard()

def typed_actions() -> None:
    """Save's first step: an action typed but not yet added is added, so it is saved too."""
    for kind, item in keys:
        entry = entry_of(kind, item)
        draft = mine.get((kind, item))
        rows = (draft.edit.actions if draft and isinstance(draft.edit, EntryEdit) and draft.edit.actions is not None
                else action_rows(entry))
        entry_form.add_typed_action(org, period, entry, drafts.prefix(org, period, kind, item), rows)


def save(waiting: list[tuple[str, str]]) -> None:
    """Save, run as the button's callback: before the page runs again, so the run that follows
    draws what was saved, with the message (one run per save, not two)."""
    try:
        typed_actions()
        result = drafts.save(org, period, waiting)
    except (ScoreError, InvalidEdit) as exc:
        st.session_state["score.flash"] = ("error", as_sentence(f"Nothing was saved: {exc}"))
        return
    except AssessmentError as exc:   # the period was submitted meanwhile, a role changed: said at the top
        st.session_state[drafts.REFUSED] = f"Nothing was saved: {exc}. Your changes are kept as your draft."
        return
    drafts.forget(org, period, result.saved)
    message = f"Saved {len(result.saved)} of {title}: {drafts.names(framework, result.saved)}." \
        if result.saved else "Nothing was saved."
    if result.stale:
        message += (f" {drafts.names(framework, list(result.stale)).capitalize()} "
                    f"{'was' if len(result.stale) == 1 else 'were'} saved meanwhile (by someone else, or by you in "
                    "another tab): "
                    "nothing of theirs was overwritten; choose below which to keep.")
    if result.waiting:
        message += f" Still unsaved elsewhere: {drafts.names(framework, result.waiting)}."
    st.session_state["score.flash"] = ("error" if result.stale else "success", message)


typed = [k for k in keys if (st.session_state.get(drafts.prefix(org, period, *k) + ".new.text") or "").strip()]
waiting_here = [k for k in keys if k in mine] + [k for k in typed if k not in mine]
left, right = st.columns([1, 1])
left.button(f"Save {md(title)}", key="score.save", type="primary", disabled=not waiting_here,
            on_click=save, args=(waiting_here,))
if waiting_here and right.button(f"Discard my changes in {md(title)}", key="score.discard_all"):
    drafts.discard(org, period, waiting_here)
    st.rerun()
if "score.flash" in st.session_state:
    kind, message = st.session_state.pop("score.flash")
    (st.error if kind == "error" else st.success)(md(message))
elif waiting_here:
    kept = [k for k in waiting_here if k in mine]
    st.warning(" ".join(
        ([f"Unsaved changes in {md(drafts.names(framework, kept))} (kept as your draft until you save or discard "
          "them)."] if kept else [])
        + ([f"An action typed in {md(drafts.names(framework, typed))} is not added yet: press Add action or Save "
            "to keep it."] if typed else [])))
elsewhere = [k for k in mine if k not in keys]
if elsewhere:
    st.caption(f"Your unsaved changes elsewhere in {period}: {md(drafts.names(framework, elsewhere))}.")
