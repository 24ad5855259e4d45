"""The Rounds page's forms before moderation: open a round; the invitations, inviting someone (their
link shown once) and withdrawing an invitation. Every change goes through `workflows.rounds`."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import streamlit as st

from assessment import workflows
from assessment.domain import limits
from assessment.domain.errors import AssessmentError
from assessment.domain.framework import Framework
from assessment.domain.numbers import counted
from assessment.domain.record import long_date
from assessment.domain.rounds import K_DEFAULT, K_RANGE, LINK_DAYS, MODES, Invitation, Round
from assessment.ui import signin, state
from assessment.ui.html_tables import table
from assessment.ui.messages import done_or_said
from assessment.ui.text import md, said

DONE = "rounds.done"    # what was done, shown after the page runs again
LINK = "rounds.link"    # the link just made: shown once, then forgotten
MODE_WORDS = {
    "confidential": "Who gave each answer is kept: you can see who has yet to answer and read each person's "
                    "answers with their address; what members read shows groups only.",
    "anonymous": "Once submitted, an answer set keeps nothing to say whose it was, and no figure is shown until "
                 "at least k people have answered: use it where people would not otherwise say what they think.",
}
ALL, SOME = "All objectives", "Only those chosen below"


def open_form(org: str, period: str, framework: Framework) -> None:
    """Open a round on the period: its objectives, mode, smallest group shown and closing date."""
    titles = {i: f"{i}. {framework.objectives[i].title}" for i in framework.key_area_of}
    today = date.today()
    with st.form("rounds.open"):
        which = st.radio("Ask about", [ALL, SOME], key="rounds.open.which", horizontal=True,
                         format_func=lambda w: f"All {len(titles)} objectives" if w == ALL else w)
        items = st.multiselect("Objectives", list(titles), format_func=titles.__getitem__, key="rounds.open.items",
                               placeholder="Choose the objectives to ask about")
        mode = st.radio("Mode", MODES, key="rounds.open.mode", horizontal=True, format_func=str.capitalize,
                        captions=[MODE_WORDS[m] for m in MODES])
        left, right = st.columns(2)
        k = left.number_input("Smallest group shown (k)", min_value=K_RANGE[0], max_value=K_RANGE[1], value=K_DEFAULT,
                              step=1, key="rounds.open.k",
                              help="A department or perspective is shown only when at least this many people in it "
                                   "answered; smaller groups are withheld, with the reason.")
        closes = right.date_input("Closing date", value=today + timedelta(days=21), min_value=today + timedelta(days=1),
                                  max_value=today + timedelta(days=366), key="rounds.open.closes", format="DD/MM/YYYY")
        opened = st.form_submit_button("Open the round", key="rounds.open.go", type="primary")
    if not opened:
        return
    if which == SOME and not items:
        st.error("Choose the objectives to ask about, or ask about all of them.")
        return
    asked = items if which == SOME else None
    done_or_said(lambda: workflows.open_round(state.store(), state.actor(), org, period, closes=closes, items=asked,
                                              mode=mode, k=int(k)),
                 f"Opened a {mode} round on {period}, asking about "
                 f"{counted(len(asked) if asked else len(titles), 'objective')}, closing on {long_date(closes)}. "
                 "Invite people below.", DONE)


def invitations(found: Round, invited: list[Invitation]) -> None:
    """The invitations: who, under which department and perspectives, how they answer, and whether
    they have submitted (in an anonymous round too: the invitation keeps only that it was used)."""
    st.header("Invitations")
    if not invited:
        st.info("Nobody is invited yet.")
        return
    table([{"Email address": i.email or "", "Department": i.profile.department,
            "Perspectives": ", ".join(i.profile.perspectives), "Primary": i.profile.primary,
            "Answers": _how(i), "Submitted": "yes" if i.submitted else "no"} for i in invited],
          st.container(key="rounds.invitations"))
    if found.mode == "anonymous":
        st.caption("An anonymous round: “Submitted” says only that the invitation was used; no answer is linked "
                   "to anyone.")


def _how(i: Invitation) -> str:
    if i.revoked_at is not None:
        return f"withdrawn on {long_date(i.revoked_at.date())}"
    if not i.link:
        return "signed in (they have an account here)"
    return f"by link, until {long_date(i.expires_at.date())}" if i.expires_at else "by link"


def invite_form(found: Round) -> None:
    """Invite someone; their link (for someone without an account here) is shown once, to send yourself."""
    if (made := st.session_state.pop(LINK, None)) is not None:
        email, link, until = made
        st.success(md(f"{email} is invited. Their link, valid until {until}:"))
        st.code(link, language=None, wrap_lines=True)
        st.caption("Copy it now and send it to them yourself: it is shown only this once and it is not kept (only "
                   "a fingerprint of it is). If it is lost, withdraw the invitation and invite them again."
                   + ("" if not state.actor().every_right else " In local mode the app can be reached from this "
                      "machine only, so the link works here and nowhere else."))
    with st.form("rounds.invite"):   # kept as typed when refused, cleared once invited
        st.subheader("Invite someone")
        email = st.text_input("Email address", key="rounds.invite.email", max_chars=limits.EMAIL)
        department = st.text_input("Department", key="rounds.invite.department", max_chars=limits.DEPARTMENT)
        left, right = st.columns(2)
        views = left.multiselect("Perspectives", list(found.perspectives), key="rounds.invite.perspectives",
                                 placeholder="Choose one or more")
        primary = right.selectbox("Primary perspective", list(found.perspectives), index=None,
                                  key="rounds.invite.primary", placeholder="The first chosen",
                                  help="One of theirs: counts by primary perspective add up to the number of people.")
        st.caption(f"Someone with an account here answers signed in, on their page “Your views”; anyone else is "
                   f"given a link for them alone, lasting {LINK_DAYS} days.")
        sent = st.form_submit_button("Invite", key="rounds.invite.go")
    if not sent:
        return
    try:
        made = workflows.invite(state.store(), state.actor(), found.id or 0, email, department=department,
                                perspectives=views, primary=primary)
    except AssessmentError as exc:
        st.error(said(exc))
        return
    state.forget_widgets("rounds.invite.")
    address = made.invitation.email or email
    if made.token is None:
        st.session_state[DONE] = f"{address} is invited: they have an account here, so they answer signed in."
    else:
        expires = made.invitation.expires_at
        st.session_state[LINK] = (address, f"{_app_address()}/?link={made.token}",
                                  long_date(expires.date()) if expires else "–")
    st.rerun()


def _app_address() -> str:
    """Where respondents reach the app: the sign-in's address where it is set up, else this page's."""
    if signin.auth_configured() and (redirect := str(st.secrets["auth"].get("redirect_uri") or "")):
        return redirect.removesuffix("/oauth2callback")
    seen = urlsplit(st.context.url or "")
    if not seen.netloc:
        return "http://localhost:8501"
    path = seen.path.rstrip("/")
    page = st.session_state.get("page.now")   # this page's own address (rounds), after the app's base path
    if page and path.endswith(f"/{page}"):
        path = path[:-len(page) - 1]
    return f"{seen.scheme}://{seen.netloc}{path}"


def withdraw_form(found: Round, invited: list[Invitation]) -> None:
    """Withdraw an invitation: its link stops working at once."""
    current = [i.email for i in invited if i.revoked_at is None and not i.submitted and i.email]
    if not current:
        return
    with st.expander("Withdraw an invitation"):
        email = st.selectbox("Invitation", current, key="rounds.withdraw.email")
        if st.button("Withdraw it", key="rounds.withdraw.go"):
            done_or_said(lambda: workflows.revoke(state.store(), state.actor(), found.id or 0, str(email)),
                         f"Withdrew {email}'s invitation: their link no longer opens the questionnaire.", DONE)
