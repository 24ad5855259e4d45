"""On Start: start a new period (blank or carried forward), and delete one started by mistake."""

from __future__ import annotations

from datetime import date

import streamlit as st

from assessment import workflows
from assessment.domain.errors import AssessmentError, as_sentence
from assessment.domain.numbers import counted
from assessment.domain.record import PLAN_RECORD, OrganisationRecord, next_period
from assessment.domain.rollups import PER, scored_per, scored_words, switch_words
from assessment.ui import state
from assessment.ui.text import md, said
from assessment.workflows import ADMINISTER


def start_period(record: OrganisationRecord, periods: list[str]) -> None:
    """The form closes once a period is started, and says what was started; a second click does
    not start another."""
    org = record.organisation.id
    expanded = not periods and "home.started" not in st.session_state
    with st.expander("Start a new period", expanded=expanded):
        if st.session_state.get("home.new_period.org") != org:  # suggest afresh for another organisation
            st.session_state["home.new_period"] = next_period(periods[-1]) if periods else str(date.today().year)
            st.session_state["home.new_period.org"] = org
        name = st.text_input("New period", key="home.new_period",
                             help="A year such as 2026, or a financial year such as 2026/27.")
        choices = ["Carried forward from the latest period", "Blank"] if periods else ["Blank"]
        how = st.radio("Start from", choices, key=f"home.new_how.{len(choices)}", horizontal=True)
        ways = list(PER)
        was = scored_per(record)
        per = st.radio("Score", ways, index=ways.index(was), format_func=lambda w: PER[w].capitalize(),
                       key=f"home.new_per.{org}", horizontal=True,
                       help="One level per key area, as Worcestershire does, or each of its objectives. Changing "
                            "from the latest period carries each key area's level from its objectives' roll-up "
                            "(the whole level at or below their mean), or each objective's from its key area's.")
        if periods and per != was:
            st.caption(md("Scored the other way from " + periods[-1] + ": " + switch_words(per, periods[-1]) + "."))
        frameworks = {f.id: f for f in workflows.queries.frameworks_to_start(state.store(), state.actor(), org)}
        framework_id = None
        if len(frameworks) > 1:   # the one followed now first; another is a change of framework, through a mapping
            framework_id = st.selectbox("Scored against", list(frameworks), key=f"home.new_framework.{org}",
                                        format_func=lambda i: frameworks[i].name,
                                        help="Another framework than the one followed now is a change of framework: "
                                             "the scores carried forward, and the earlier periods, are brought "
                                             "across through the mapping between the two.")
        if not st.button("Start period", key="home.start"):   # a button, so pressing Enter starts nothing
            return
    try:
        started = workflows.start_period(state.store(), state.actor(), org, name,
                                         carry=bool(periods) and how.startswith("Carried"), framework_id=framework_id,
                                         per=per)
    except AssessmentError as exc:
        st.error(said(exc))
        return
    new = started.period.period
    scored = scored_words(started.per, started.switched)
    st.session_state["home.started"] = (
        f"Started {new}{scored}, carried {'across' if started.switched else 'forward'} from {started.carried_from}: "
        f"{counted(started.carried, 'score')} to confirm or change; {counted(started.actions, 'action')} of earlier "
        f"periods {'is' if started.actions == 1 else 'are'} still open."
        + (f" {as_sentence(switch_words(started.per, started.carried_from))}" if started.switched else "")
        if started.carried_from else f"Started {new}{scored}, blank.")
    st.session_state["period"] = new
    st.session_state.pop("home.period", None)   # shown again from "period" on the rerun
    st.session_state.pop("home.new_period.org", None)   # the next suggestion follows the new period
    st.rerun()


def delete_period(record: OrganisationRecord, periods: list[str], on_view: str) -> None:
    """For an administrator: delete a period with everything in it, after saying what goes. The
    period offered first is the one on view."""
    org = record.key   # the scores', or the plan's
    if not state.actor().may(org, ADMINISTER):
        return
    choices = [p for p in reversed(periods)   # a submitted or approved period is kept
               if workflows.may_change(state.actor(), org, record.period(p), what="deleted", right=ADMINISTER) is None]
    if not choices:
        return
    with st.expander("Delete a period started by mistake"):
        on_view = on_view if on_view in choices else choices[0]
        name = st.selectbox("Period to delete", choices, index=choices.index(on_view), key=f"home.delete.{on_view}")
        chosen = record.period(name)
        entries = len(chosen.entries) + len(chosen.key_area_entries) + len(chosen.plan_entries)
        sure = st.checkbox(f"Delete {name} with its {entries} entries, the actions raised in it, their history "
                           "and everyone's unsaved drafts.", key="home.delete.sure")
        if st.button(f"Delete {name}", key="home.delete", disabled=not sure, type="secondary"):
            try:
                gone = workflows.delete_period(state.store(), state.actor(), org, name)
            except AssessmentError as exc:
                st.error(said(exc))
                return
            st.session_state["home.deleted"] = (f"Deleted {gone.period} ({counted(gone.entries, 'entry', 'entries')}, "
                                                f"{counted(gone.actions, 'action')} raised in it).")
            for key in ("home.period", "home.delete.sure"):
                st.session_state.pop(key, None)
            rest = [p for p in periods if p != gone.period]
            if record.record == PLAN_RECORD:
                st.session_state.pop("plan.period", None)
                state.remember_plan(record.organisation.id, rest[-1] if rest else None)
                st.rerun()
            st.session_state.pop("period", None)
            state.remember(org, rest[-1] if rest else None)   # the address no longer names the deleted period
            if rest:
                st.session_state["period"] = rest[-1]
            st.rerun()
