"""Which pages a person sees: those their role at the chosen organisation allows. A page hidden
here is a convenience; the application layer refuses what the role does not allow."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from assessment.ui import state
from assessment.workflows import EDIT, PEOPLE, READ, Actor

Page = tuple[str, str, str | None]   # the script, its title, its address (None: the default, "/")
_HOME: Page = ("assessment/ui/home.py", "Start", None)
_SCORE = ("assessment/ui/score.py", "Score a key area", "score")
_REPORT = ("assessment/ui/report_page.py", "Progress report", "report")
_PLAN = ("assessment/ui/plan_page.py", "Plan", "plan")
_COVERING = ("assessment/ui/covering_page.py", "Covering report", "covering")
_ACTIONS = ("assessment/ui/actions_page.py", "Actions", "actions")
_IMPORT = ("assessment/ui/import_page.py", "Import", "import")
_PEOPLE = ("assessment/ui/people_page.py", "People", "people")
_FRAMEWORK = ("assessment/ui/framework_page.py", "Framework", "framework")
_ACCESSIBILITY = ("assessment/ui/accessibility_page.py", "Accessibility statement", "accessibility")   # everyone's


def before_sign_in(page: Callable[[], None], title: str) -> None:
    """Before anyone is let in (the sign-in page, or the page saying why they were not): that page,
    and the accessibility statement, which everyone may read."""
    path, name, url = _ACCESSIBILITY
    st.navigation([st.Page(page, title=title, default=True), st.Page(path, title=name, url_path=url)]).run()


def pages(actor: Actor) -> list:
    """Editors and administrators start on Start; a reviewer (a councillor) lands on the progress
    report (Start sends them there once a session, so the report keeps its own address, /report, for
    links people share) and sees no Score, Actions or Import page; everyone who reads sees the Plan
    page (the plan followed beside the scores, where there is one); those who manage people (an
    organisation's administrators, the deployment's administrator) also see People. The deployment's
    administrator sees a record's pages only where they hold a role."""
    org, _ = state.selection()
    if org:
        reads, edits, manages = actor.may(org, READ), actor.may(org, EDIT), actor.may(org, PEOPLE)
    else:
        reads, edits, manages = (actor.may_somewhere(READ), actor.may_somewhere(EDIT),
                                 actor.manages_deployment or actor.may_somewhere(PEOPLE))
    chosen: list[Page] = [_HOME]
    if edits:
        chosen += [_SCORE, _COVERING, _REPORT, _PLAN, _ACTIONS, _IMPORT]
    elif reads:   # Start is the default page (at "/") but sends a councillor on to the report on arrival
        chosen += [_REPORT, _PLAN]
    if manages:
        chosen.append(_PEOPLE)
    chosen += [_FRAMEWORK, _ACCESSIBILITY]
    return [st.Page(path, title=title, url_path=url, default=i == 0) if url else
            st.Page(path, title=title, default=i == 0) for i, (path, title, url) in enumerate(chosen)]
