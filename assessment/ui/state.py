"""Shared resources for the pages: one database per process, who is acting, what is chosen, and
which browser tab this is."""

from __future__ import annotations

import re
import secrets

import streamlit as st

from assessment import settings, workflows
from assessment.domain.errors import NotAllowed, NotFound
from assessment.domain.record import MAIN_RECORD, PLAN_RECORD
from assessment.ui.text import md
from assessment.workflows import READ_DRAFTS, Actor, queries


@st.cache_resource(show_spinner=False)
def _store(url: str):
    store = workflows.connect(url)
    if settings.examples():   # an empty database starts with the example records (not in a deployment)
        workflows.ensure_examples(store)
    return store


def store():
    """The database (opened once per process), to hand to workflows and queries."""
    return _store(workflows.database_url())


def actor() -> Actor:
    """Who is acting: the person `signin.gate` found at the start of this run (the signed-in
    person, or the local user in single-user local mode)."""
    found = st.session_state.get("signin.actor")
    return found if found is not None else workflows.SIGNED_OUT


_TAB = re.compile(r"^[A-Za-z0-9_-]{6,16}$")


def tab() -> str:
    """This browser tab's own id: kept in the address (?tab=) so that a reload (F5) keeps it, and
    with it the tab's drafts; a new tab gets its own, so two tabs never share or mix unsaved changes
    (a save in one is, for the other, a save made by someone else: Keep mine / Use theirs)."""
    found = st.session_state.get("tab")
    if found is None:
        asked = st.query_params.get("tab")
        found = asked if asked and _TAB.match(asked) else secrets.token_urlsafe(9)[:12]
        st.session_state["tab"] = found
    if st.query_params.get("tab") != found:
        st.query_params["tab"] = found
    return found


def on_page(page: str | None) -> None:
    """Note the page this run shows (app.py, every run). Coming to a page from another forgets where
    its forms were drawn (`place`), so they are drawn afresh from what is kept."""
    if st.session_state.get("page.now") != page:
        st.session_state["page.now"] = page
        st.session_state["place"] = None


def place(name: str) -> None:
    """Where on its page this run is (the Score page: its organisation, period and key area). A new
    place is a new visit: forms not drawn in this visit are drawn afresh (`drawn_this_visit`). A run
    that a newer one interrupted, in the same place, is the same visit."""
    if st.session_state.get("place") != name:
        st.session_state["place"] = name
        st.session_state["visit"] = st.session_state.get("visit", 0) + 1


def drawn_this_visit(key: str) -> bool:
    """Whether what is kept under `key` was drawn already in this visit to its place, and note that it
    is. A widget that was not (the page was left, another key area was shown) is mounted afresh in
    the browser, at its default, unless its value is given again in this run."""
    visit = st.session_state.get("visit", 0)
    before = st.session_state.get(key)
    st.session_state[key] = visit
    return before == visit


def selection() -> tuple[str | None, str | None]:
    """The organisation and period (of its scores) chosen on the Start page: kept in the session
    across pages and in the address (?org=...&period=...) so that a reload or a bookmark keeps them.
    A period in an address of the plan (?record=plan) is the plan's, not the scores'."""
    org = st.session_state.get("org") or st.query_params.get("org")
    asked = st.query_params.get("period") if st.query_params.get("record") != PLAN_RECORD else None
    return org, st.session_state.get("period") or asked


def record_choice() -> str:
    """The record chosen on Start: PLAN_RECORD for the plan followed beside the scores, "" for the
    scores (the default). Kept in the session and, while the plan is shown, the address (?record=plan)."""
    chosen = st.session_state.get("record")
    if chosen is None:
        chosen = PLAN_RECORD if st.query_params.get("record") == PLAN_RECORD else MAIN_RECORD
        st.session_state["record"] = chosen
    return chosen


def plan_selection() -> str | None:
    """The period of the plan chosen (on Start or the Plan page), from the session or the address."""
    asked = st.query_params.get("period") if st.query_params.get("record") == PLAN_RECORD else None
    return st.session_state.get("plan.period") or asked


def remember_plan(org: str, period: str | None) -> None:
    """Keep the plan's period in the session and the address (?org=...&record=plan&period=...)."""
    st.session_state["org"] = org
    if period:
        st.session_state["plan.period"] = period
    params = {"org": org, "record": PLAN_RECORD, **({"period": period} if period else {}), "tab": tab()}
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def _opened(org: str | None, read):
    """`read(store, actor, org)` (the scores' record or the plan's) of the organisation chosen, or, with
    none chosen (a councillor lands on a report), the first the person may see; where there is none,
    or it cannot be opened (an old bookmark, a made-up address), the page says so and stops."""
    if not org:
        visible = queries.organisations(store(), actor())
        if not visible:
            st.info("There is no organisation you can open yet.")
            st.stop()
        org = visible[0].id
    try:
        return read(store(), actor(), org)
    except (NotFound, NotAllowed):
        forget_choice()
        st.warning(f"There is no organisation “{md(org)}” that you can open. Choose one on the Start page.")
        st.stop()


def chosen_plan() -> tuple[queries.PlanView, str | None]:
    """The chosen organisation's plan record and the chosen period of it (the latest where none was
    chosen); with no organisation it may see, or a period it does not have, the page says so and stops."""
    org, _ = selection()
    view = _opened(org, queries.plan_record)
    periods = [p.period for p in view.record.sorted_periods()]
    period = plan_selection()
    if period is not None and period not in periods:
        st.session_state.pop("plan.period", None)
        st.warning(f"{md(view.record.organisation.name)}'s plan has no period “{md(period)}” that you can open.")
        period = None
    period = period or (periods[-1] if periods else None)
    remember_plan(view.record.organisation.id, period)
    tab_title(view.record.organisation.name)
    return view, period


def chosen_record(*, need_period: bool = False) -> tuple[queries.RecordView, str | None]:
    """The organisation chosen on the Start page (its record and framework) and the chosen period.
    With none chosen, or one that does not exist (an old bookmark, a mistyped address), the page
    says so in a line and stops, pointing back to Start."""
    org, period = selection()
    view = _opened(org, queries.record)
    org = view.record.organisation.id
    periods = [p.period for p in view.record.periods]
    if period is not None and period not in periods:
        st.session_state.pop("period", None)
        shown = "" if actor().may(org, READ_DRAFTS) else " put before reviewers (submitted for approval or approved)"
        st.warning(f"{md(view.record.organisation.name)} has no period “{md(period)}”{shown}. Choose one on the "
                   "Start page.")
        st.stop()
    if need_period and period is None:
        if not periods:
            st.info(f"{md(view.record.organisation.name)} has no periods yet that you can open.")
            st.stop()
        period = view.record.sorted_periods()[-1].period
    remember(org, period)
    tab_title(view.record.organisation.name)
    return view, period


def chosen_period_record() -> tuple[queries.RecordView, str]:
    """`chosen_record` for a page about one period: the latest where none was chosen; a page with no
    period to show says so and stops."""
    view, period = chosen_record(need_period=True)
    if period is None:
        st.stop()
    return view, period


def tab_title(organisation: str) -> None:
    """The browser tab's title: the page and the organisation ("Progress report – Medway Council")."""
    page = st.session_state.get("page.title") or "Procurement maturity"
    st.set_page_config(page_title=f"{page} – {organisation}")


def forget_choice() -> None:
    for key in ("org", "period", "home.org", "home.period", "plan.period", "record"):
        st.session_state.pop(key, None)
    st.query_params.clear()
    tab()


def remember(org: str, period: str | None, **more: str) -> None:
    """Keep the choice in the session and the address (with `more`, such as the key area)."""
    st.session_state["org"] = org
    if period:
        st.session_state["period"] = period
    params = {"org": org, **({"period": period} if period else {}), **more, "tab": tab()}
    if "ka" in st.query_params and "ka" not in more and st.query_params.get("ka"):
        params["ka"] = st.query_params["ka"]   # the key area a reload of the score page returns to
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def forget_widgets(prefix: str) -> None:
    """Drop widget values under a key prefix so the widgets show stored values again."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]
