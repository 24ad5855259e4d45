"""The Rounds page's forms before moderation: open a round (on the objectives, or on the key areas of a
record scored one level per key area); the invitations, inviting someone (their link shown once) and
withdrawing an invitation; who moderates. Every change goes through `workflows.rounds`."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import streamlit as st

from assessment import settings, workflows
from assessment.domain import limits
from assessment.domain.errors import AssessmentError
from assessment.domain.framework import Framework
from assessment.domain.numbers import counted
from assessment.domain.record import long_date
from assessment.domain.round_report import item_title
from assessment.domain.rounds import (K_DEFAULT, K_RANGE, LINK_DAYS, MODES, PERSPECTIVES, Invitation, Round, asked_of,
                                      item_word)
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
ALL, SOME = "All", "Only those chosen below"


def open_form(org: str, period: str, framework: Framework, kind: str = "objective") -> None:
    """Open a round on the period: what it asks about (`kind`: what the period is scored by), mode,
    smallest group shown and closing date."""
    titles = {i: item_title(framework, i) for i in asked_of(framework, kind)}
    word = item_word(kind)
    today = date.today()
    if kind == "key_area":
        st.caption(f"{period} is scored one level per key area, so the round asks for a view of each key area.")
    with st.form("rounds.open"):
        which = st.radio("Ask about", [ALL, SOME], key="rounds.open.which", horizontal=True,
                         format_func=lambda w: f"All {len(titles)} {word}s" if w == ALL else w)
        items = st.multiselect(f"{word.capitalize()}s", list(titles), format_func=titles.__getitem__,
                               key="rounds.open.items", placeholder=f"Choose the {word}s to ask about")
        mode = st.radio("Mode", MODES, key="rounds.open.mode", horizontal=True, format_func=str.capitalize,
                        captions=[MODE_WORDS[m] for m in MODES])
        left, right = st.columns(2)
        k = left.number_input("Smallest group shown (k)", min_value=K_RANGE[0], max_value=K_RANGE[1], value=K_DEFAULT,
                              step=1, key="rounds.open.k",
                              help="A department or perspective is shown only when at least this many people in it "
                                   "answered; smaller groups are withheld, with the reason.")
        closes = right.date_input("Closing date", value=today + timedelta(days=21), min_value=today + timedelta(days=1),
                                  max_value=today + timedelta(days=366), key="rounds.open.closes", format="DD/MM/YYYY")
        offered = st.text_area("Perspectives people may answer from, one a line", value="\n".join(PERSPECTIVES),
                               key="rounds.open.perspectives", height=120,
                               help="Each person invited answers from one or more of these; change them to suit the "
                                    "council (counts are shown by them, small groups withheld).")
        opened = st.form_submit_button("Open the round", key="rounds.open.go", type="primary")
    if not opened:
        return
    if which == SOME and not items:
        st.error(f"Choose the {word}s to ask about, or ask about all of them.")
        return
    asked = items if which == SOME else None
    views = [" ".join(line.split()) for line in (offered or "").splitlines() if line.strip()]
    done_or_said(lambda: workflows.open_round(state.store(), state.actor(), org, period, closes=closes, items=asked,
                                              mode=mode, k=int(k), kind=kind,
                                              perspectives=list(dict.fromkeys(views)) or None),
                 f"Opened a {mode} round on {period}, asking about "
                 f"{counted(len(asked) if asked else len(titles), word)}, closing on {long_date(closes)}. "
                 "Invite people below.", DONE)


def moderators_form(found: Round) -> None:
    """Who moderates the round: its editors, or the people named (each with a role here)."""
    who = ", ".join(found.moderators) if found.moderators else "the council's editors"
    with st.expander(f"Moderators: {who}"):
        st.caption("The moderators read each answer and agree the scores. Name some of the editors where not all of "
                   "them should (an editor who answers the round, say); leave the box empty for all the editors. Any "
                   "editor applies the agreed scores.")
        with st.form("rounds.moderators"):
            typed = st.text_input("Moderators' email addresses, separated by commas", key="rounds.moderators.emails",
                                  value=", ".join(found.moderators), max_chars=10 * limits.EMAIL)
            go = st.form_submit_button("Save the moderators", key="rounds.moderators.go")
    if go:
        emails = [e.strip() for e in typed.split(",") if e.strip()]
        done_or_said(lambda: workflows.set_moderators(state.store(), state.actor(), found.id or 0, emails),
                     f"Round {found.id} is moderated by {', '.join(emails) if emails else 'the editors'}.", DONE)


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
        server = _mail_server()
        by_email = server is not None and st.checkbox("Email them the invitation (with their link)", value=True,
                                                      key="rounds.invite.send")
        sent = st.form_submit_button("Invite", key="rounds.invite.go")
    if not sent:
        return
    try:
        if by_email:
            _send(found, server, email, department, views, primary)
            return
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


def _mail_server():
    """The mail server invitations are emailed through, or None where none is set up (or its settings
    are wrong: `settings check` says why)."""
    try:
        return settings.mail_server()
    except settings.BadSetting:
        return None


def _send(found: Round, server, email: str, department: str, views: list[str], primary: str | None) -> None:
    """Invite and email the invitation; where the email did not go, the link is shown once as without."""
    with workflows.SmtpMailer(server) as mailer:
        done = workflows.send_invitation(state.store(), state.actor(), found.id or 0, email, department=department,
                                         perspectives=views, primary=primary, base_url=_app_address(), mailer=mailer)
    state.forget_widgets("rounds.invite.")
    address = done.invited.invitation.email or email
    if done.outcome == "sent":
        st.session_state[DONE] = f"{address} is invited: the invitation was emailed to them."
    elif done.invited.token is None:
        st.session_state[DONE] = f"{address} is invited ({done.reason}): they answer signed in; tell them yourself."
    else:
        expires = done.invited.invitation.expires_at
        st.session_state[DONE] = f"The invitation was not emailed: {done.reason}."
        st.session_state[LINK] = (address, f"{_app_address()}/?link={done.invited.token}",
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
