"""Who is using the app: sign-in through the council's identity provider (OpenID Connect, with
`st.login`), or, with no sign-in set up, single-user local mode on this machine only.

Every page runs behind `gate()`: it returns the person acting (an `Actor` with their roles, read
afresh on every run so that a role given or taken away applies at once) or shows the sign-in page
and stops. The checks themselves are the application layer's; this only says who is asking.
"""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.workflows import Actor, queries
from assessment.ui import state
from assessment.ui.text import md

LOOPBACK = ("127.0.0.1", "localhost", "::1")
LOCAL_MODE = ("**Local mode**: no sign-in is set up, so you are the local user and may change everything. "
              "Only this machine can reach the app.")


def auth_configured() -> bool:
    """Sign-in is set up when the secrets hold an [auth] section (see .streamlit/secrets.toml.example)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def _provider() -> str | None:
    """The provider's name where [auth.NAME] is configured (e.g. "microsoft"), else None."""
    named = [key for key, value in st.secrets["auth"].items() if hasattr(value, "keys")]
    return named[0] if named else None


def gate() -> Actor:
    """The person acting on this run; shows the sign-in page (or says why there is no access) and
    stops when there is none."""
    if not auth_configured():
        address = st.get_option("server.address")
        if address not in LOOPBACK:
            st.error("Sign-in is not set up, so this app may only be reached from this machine. Set up sign-in "
                     "(see the README) or start it with `make run` (which listens on 127.0.0.1 only).")
            st.stop()
        st.sidebar.caption(LOCAL_MODE)
        st.session_state["signin.actor"] = workflows.LOCAL_ACTOR
        return workflows.LOCAL_ACTOR
    user = st.user
    st.session_state["signin.actor"] = None
    if not user.get("is_logged_in"):
        _sign_in_page()
    issuer, subject = str(user.get("iss") or ""), str(user.get("sub") or "")
    email = user.get("email") or user.get("preferred_username")
    actor = workflows.signed_in_actor(state.store(), issuer, subject)
    if actor is None or not st.session_state.get("signin.recorded"):
        actor = workflows.sign_in(state.store(), issuer, subject, email, user.get("name"))  # binds on first sign-in
        st.session_state["signin.recorded"] = actor is not None
    if actor is None:
        _no_access(str(email or user.get("name") or subject))
    st.session_state["signin.actor"] = actor
    names = {o.id: o.name for o in queries.organisations(state.store(), actor)}
    roles = ["Deployment administrator"] if actor.administers_all else \
        [f"{role.capitalize()}, {names.get(org, org)}" for org, role in sorted(actor.roles.items())]
    st.sidebar.markdown("  \n".join(md(line) for line in [f"Signed in as {user.get('name') or actor.name}",
                                                           actor.name, *roles]))
    st.sidebar.button("Sign out", key="signin.out", on_click=st.logout)
    return actor


def _sign_in_page() -> None:
    st.title("Procurement maturity self-assessment")
    st.write("Sign in with your council account to see your organisation's assessment.")
    st.button("Sign in", key="signin.in", type="primary", on_click=st.login, args=(_provider(),) if _provider() else ())
    st.stop()


def _no_access(who: str) -> None:
    st.title("Procurement maturity self-assessment")
    st.warning(f"You are signed in as {md(who)}, but you have not been given access to this tool yet. Ask your "
               "organisation's administrator of the assessment to add you with this email address.")
    st.button("Sign out", key="signin.out.denied", on_click=st.logout)
    st.stop()
