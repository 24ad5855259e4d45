"""The plan page's rating form: one theme at a time, each outcome and action with its rating,
comment and evidence, each indicator with its value. Every change waits as the person's draft in this
browser tab (as on the Score page) until saved; a save someone else made meanwhile is offered as
"Keep mine" or "Use theirs"."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessment import workflows
from assessment.domain.edits import Draft, PlanEdit
from assessment.domain.errors import AssessmentError, as_sentence
from assessment.domain.plan import NO_DATA, Plan
from assessment.domain.plan_report import baseline_words, plain_number
from assessment.domain.record import PLAN_RECORD, Entry, PeriodRecord, record_key
from assessment.ui import state
from assessment.ui.text import md, said
from assessment.workflows import queries

FLASH = "plan.said"


def _prefix(org: str, period: str, kind: str, item: str) -> str:
    return f"plan.{org}.{period}.{kind}.{item}"


def _keep(key: str, org: str, period: str, kind: str, item: str, base: int, field: str, shown: Any) -> None:
    """A widget's on_change: keep its value as the draft's `field` (unless it is what was shown)."""
    value = st.session_state[key]
    if value == shown:
        return
    try:
        workflows.keep_draft(state.store(), state.actor(), record_key(org, PLAN_RECORD), period,
                             PlanEdit(kind, item, base, **{field: value or ""}), tab=state.tab())
    except AssessmentError as exc:
        st.session_state[FLASH] = ("error", as_sentence(f"Your change was not kept: {exc}"))


def _forget(org: str, period: str, keys) -> None:
    for kind, item in keys:
        state.forget_widgets(_prefix(org, period, kind, item) + ".")


def show(org: str, plan: Plan, current: PeriodRecord) -> None:
    """The form for one theme of `current` (a draft the person may change)."""
    period, key = current.period, record_key(org, PLAN_RECORD)
    mine = {d.edit.key: d for d in queries.drafts(state.store(), state.actor(), key, period) if d.tab == state.tab()}
    said_before = st.session_state.pop(FLASH, None)
    if said_before:
        (st.error if said_before[0] == "error" else st.success)(md(said_before[1]))
    _stale(org, plan, period)
    themes = {t.id: t for t in plan.themes}
    asked = st.query_params.get("theme")
    if st.session_state.get("plan.theme") not in themes:
        st.session_state["plan.theme"] = asked if asked in themes else plan.themes[0].id
    theme_id = str(st.selectbox("Theme", list(themes), format_func=lambda t: themes[t].title, key="plan.theme"))
    state.place(f"plan.{org}.{period}.{theme_id}")
    theme = themes[theme_id]
    if theme.description:
        st.caption(md(theme.description))
    for outcome in theme.outcomes:
        st.header(md(outcome.title))
        _rated(org, plan, current, mine, "outcome", outcome.id, "the outcome")
        for indicator in outcome.indicators:
            _indicator(org, current, mine, indicator)
        for action in outcome.actions:
            st.markdown(f"**{md(f'Action {action.number}. {action.title}')}**"
                        + (md(f" — target: {action.target.text()} (printed “{action.target.printed}”)")
                           if action.target else ""))
            _rated(org, plan, current, mine, "action", action.id, f"action {action.number}")
    _buttons(org, period, mine)


def _value(draft: Draft | None, field: str, saved: Any) -> Any:
    kept = getattr(draft.edit, field, None) if draft is not None else None
    return kept if kept is not None else saved


def _widget_key(org: str, period: str, kind: str, item: str, field: str) -> str:
    return _prefix(org, period, kind, item) + f".{field}"


def _start(key: str, value: Any) -> None:
    if not state.drawn_this_visit(key + ".drawn") or key not in st.session_state:
        st.session_state[key] = value


def _rated(org: str, plan: Plan, current: PeriodRecord, mine: dict, kind: str, item: str, label: str) -> None:
    period = current.period
    saved = current.plan_entries.get((kind, item)) or Entry(item=item, kind=kind)
    draft = mine.get((kind, item))
    base = draft.edit.base_version if draft else saved.version
    ratings = {"": "Not rated", **{r.id: r.name for r in plan.ratings}}
    shown_rating = _value(draft, "rating", saved.rating or "")
    found = plan.rating(shown_rating) if shown_rating else None
    shown_rating = found.id if found else ""
    left, _ = st.columns(2)   # wide enough for "Green on target" at 1024 px
    middle, right = st.columns(2)
    key = _widget_key(org, period, kind, item, "rating")
    _start(key, shown_rating)
    left.selectbox(f"Rating of {label}", list(ratings), format_func=ratings.__getitem__, key=key,
                   on_change=_keep, args=(key, org, period, kind, item, base, "rating", shown_rating))
    for where, field, title, saved_text in (
            (middle, "comment", f"Comment on {label}", saved.comment or ""),
            (right, "evidence", f"Evidence for {label} (one link a line: title | address)",
             "\n".join(e.line for e in saved.evidence))):
        key = _widget_key(org, period, kind, item, field)
        shown = _value(draft, field, saved_text)
        _start(key, shown)
        where.text_area(title, key=key, height=80, on_change=_keep,
                        args=(key, org, period, kind, item, base, field, shown))
    if draft is not None:
        st.caption("Unsaved change, kept as your draft.")


def _indicator(org: str, current: PeriodRecord, mine: dict, indicator) -> None:
    period = current.period
    saved = current.plan_entries.get(("indicator", indicator.id)) or Entry(item=indicator.id, kind="indicator")
    draft = mine.get(("indicator", indicator.id))
    base = draft.edit.base_version if draft else saved.version
    saved_text = NO_DATA if saved.no_data else (str(plain_number(saved.value)) if saved.value is not None else "")
    key = _widget_key(org, period, "indicator", indicator.id, "value")
    shown = _value(draft, "value", saved_text)
    _start(key, shown)
    baseline = baseline_words(indicator) if indicator.baseline else ""
    st.text_input(f"Indicator: {indicator.title}", key=key, on_change=_keep,
                  args=(key, org, period, "indicator", indicator.id, base, "value", shown),
                  help=("A number" + (f" ({indicator.unit})" if indicator.unit else "") + ", or “no data”. "
                        + (f"Baseline: {baseline}." if baseline else "No baseline.")))


def _buttons(org: str, period: str, mine: dict) -> None:
    key = record_key(org, PLAN_RECORD)
    if not mine:
        return
    st.warning(f"You have {len(mine)} unsaved change{'s' if len(mine) != 1 else ''} in this period of the plan.")
    left, right = st.columns(2)
    if left.button("Save my changes", key="plan.save", type="primary"):
        try:
            result = workflows.save_drafts(state.store(), state.actor(), key, period, tab=state.tab())
        except AssessmentError as exc:
            st.error(said(exc))
            return
        _forget(org, period, result.saved)
        st.session_state[FLASH] = ("done", f"Saved {len(result.saved)} change{'s' if len(result.saved) != 1 else ''}.")
        if result.stale:
            st.session_state["plan.stale"] = list(result.stale)
        st.rerun()
    if right.button("Discard my changes", key="plan.discard"):
        workflows.discard_drafts(state.store(), state.actor(), key, period, list(mine), tab=state.tab())
        _forget(org, period, list(mine))
        st.rerun()


def _stale(org: str, plan: Plan, period: str) -> None:
    """Entries someone else saved after this person began changing them: keep mine, or use theirs."""
    key = record_key(org, PLAN_RECORD)
    for kind, item in list(st.session_state.get("plan.stale", [])):
        st.warning(md(f"Someone else saved {plan.what(kind, item)} after you began changing it. Keep your change "
                      "(it replaces theirs, which stays in the history) or use theirs (your change is discarded)."))
        left, right = st.columns(2)
        if left.button("Keep mine", key=f"plan.stale.mine.{kind}.{item}"):
            workflows.keep_mine(state.store(), state.actor(), key, period, (kind, item), tab=state.tab())
            workflows.save_drafts(state.store(), state.actor(), key, period, [(kind, item)], tab=state.tab())
            _resolved(org, period, kind, item)
        if right.button("Use theirs", key=f"plan.stale.theirs.{kind}.{item}"):
            workflows.discard_drafts(state.store(), state.actor(), key, period, [(kind, item)], tab=state.tab())
            _resolved(org, period, kind, item)


def _resolved(org: str, period: str, kind: str, item: str) -> None:
    st.session_state["plan.stale"] = [k for k in st.session_state.get("plan.stale", []) if k != (kind, item)]
    _forget(org, period, [(kind, item)])
    st.rerun()
