"""Which pages a person sees: those their role at the chosen organisation allows. A page hidden
here is a convenience; the application layer refuses what the role does not allow."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from assessment.ui import state
from assessment.workflows import EDIT, PEOPLE, READ, Actor, queries

Page = tuple[str, str, str | None]   # the script, its title, its address (None: the default, "/")
_HOME: Page = ("assessment/ui/home.py", "Start", None)
_SCORE = ("assessment/ui/score.py", "Score a key area", "score")
_REPORT = ("assessment/ui/report_page.py", "Progress report", "report")
_PLAN = ("assessment/ui/plan_page.py", "Plan", "plan")
_COVERING = ("assessment/ui/covering_page.py", "Covering report", "covering")
_ACTIONS = ("assessment/ui/actions_page.py", "Actions", "actions")
_IMPORT = ("assessment/ui/import_page.py", "Import", "import")
_ROUNDS = ("assessment/ui/rounds_page.py", "Rounds", "rounds")
_VIEWS = ("assessment/ui/my_views_page.py", "Your views", "views")   # those asked for their views, signed in
_PEOPLE = ("assessment/ui/people_page.py", "People", "people")
_PEERS = ("assessment/ui/peers_admin_page.py", "Peer comparison", "peers")   # the deployment's administrator
_FRAMEWORK = ("assessment/ui/framework_page.py", "Framework", "framework")
_ACCESSIBILITY = ("assessment/ui/accessibility_page.py", "Accessibility statement", "accessibility")   # everyone's
_PRIVACY = ("assessment/ui/privacy_page.py", "Privacy notice", "privacy")                               # everyone's


def before_sign_in(page: Callable[[], None], title: str) -> None:
    """Before anyone is let in (the sign-in page, or the page saying why they were not): that page,
    and the privacy notice and accessibility statement, which everyone may read."""
    chosen = st.navigation([st.Page(page, title=title, default=True), *_everyones()])
    footer(below=False)
    chosen.run()


def _everyones() -> list:
    """The privacy notice and the accessibility statement: at their addresses for everyone, linked from
    the footer rather than listed among the pages."""
    return [st.Page(path, title=name, url_path=url, visibility="hidden")
            for path, name, url in (_PRIVACY, _ACCESSIBILITY)]


def _kept() -> dict[str, str] | None:
    """What a link keeps of the address: this browser tab's id (`state.tab`), where it has one."""
    tab = st.session_state.get("tab")
    return {"tab": tab} if tab else None


def footer(*, below: bool = True) -> None:
    """The links every page ends with, as a public body's pages do: the privacy notice and the
    accessibility statement, at the foot of the sidebar (`below` a line, under what the sidebar
    already shows). Drawn before the page runs (app.py), so that a page which stops part way
    (`st.stop`) has them too."""
    with st.sidebar.container(key="footer"):
        if below:
            st.divider()
        for path, name, _ in (_PRIVACY, _ACCESSIBILITY):
            st.page_link(path, label=name, query_params=_kept())


def privacy_link() -> None:
    """A link to the privacy notice, for the pages before sign-in."""
    st.page_link(_PRIVACY[0], label="Privacy notice: what this tool keeps about you, and why", query_params=_kept())


def pages(actor: Actor) -> list:
    """Editors and administrators start on Start; a reviewer (a councillor) lands on the progress
    report (Start sends them there once a session, so the report keeps its own address, /report, for
    links people share) and sees no Score, Actions or Import page; everyone who reads sees the Plan
    page (the plan followed beside the scores, where there is one); those who manage people (an
    organisation's administrators, the deployment's administrator) also see People, and the
    deployment's administrator Peer comparison (clubs, releases, outside figures). Editors run
    respondent rounds (Rounds); someone asked to answer one signed in, as themselves, sees Your views
    while it is open. The deployment's administrator sees a record's pages only where they hold a role."""
    org, _ = state.selection()
    if org:
        reads, edits, manages = actor.may(org, READ), actor.may(org, EDIT), actor.may(org, PEOPLE)
    else:
        reads, edits, manages = (actor.may_somewhere(READ), actor.may_somewhere(EDIT),
                                 actor.manages_deployment or actor.may_somewhere(PEOPLE))
    chosen: list[Page] = [_HOME]
    if edits:
        chosen += [_SCORE, _ROUNDS, _COVERING, _REPORT, _PLAN, _ACTIONS, _IMPORT]
    elif reads:   # Start is the default page (at "/") but sends a councillor on to the report on arrival
        chosen += [_REPORT, _PLAN]
    if manages:
        chosen.append(_PEOPLE)
    if actor.manages_deployment:
        chosen.append(_PEERS)
    if queries.my_questionnaires(state.store(), actor):   # a round they are asked to answer, signed in
        chosen.insert(1, _VIEWS)
    chosen.append(_FRAMEWORK)
    return [st.Page(path, title=title, url_path=url, default=i == 0) if url else
            st.Page(path, title=title, default=i == 0) for i, (path, title, url) in enumerate(chosen)] + _everyones()
