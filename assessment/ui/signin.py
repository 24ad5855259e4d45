"""Who is using the app: sign-in through the council's identity provider (OpenID Connect, with
`st.login`), or, with no sign-in set up, single-user local mode on this machine only.

Every page runs behind `gate()`: it returns the person acting (an `Actor` with their roles, read
afresh on every run so that a role given or taken away applies at once) or shows the sign-in page
and stops. The checks themselves are the application layer's; this only says who is asking.
"""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.ui import state
from assessment.ui.text import md
from assessment.workflows import Actor, queries

LOOPBACK = ("127.0.0.1", "localhost", "::1")
LOCAL_MODE = ("**Local mode**: no sign-in is set up, so you are the local user and may change everything. "
              "Only this machine can reach the app.")
CLAIMS_USED = ("iss", "sub", "name", "email", "email_verified", "xms_edov", "upn", "tid")   # never the tokens


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


def _tenant() -> str | None:
    """The deployment's own Microsoft Entra tenant ([signin] tenant_id in the secrets), whose UPNs
    count as verified addresses; None where it is not set."""
    section = st.secrets.get("signin") or {}
    tenant = str(section.get("tenant_id") or "").strip() if hasattr(section, "get") else ""
    return tenant or None


def loopback_only() -> str | None:
    """Why this server may be reached from elsewhere (None if it may not): local mode must listen
    on loopback and accept only loopback host names, so that no other machine, and no web site
    using DNS rebinding (a name of its own pointed at 127.0.0.1), can drive it."""
    address = st.get_option("server.address")
    if address not in LOOPBACK:
        return f"it listens on {address or 'every address'}"
    hosts = [str(h).strip().lower().strip("[]") for h in st.get_option("server.allowedHosts") or []]
    if not hosts:
        return "it accepts any host name (server.allowedHosts is not set)"
    other = [h for h in hosts if h not in LOOPBACK]
    if other:
        return f"it accepts the host name {other[0]} (server.allowedHosts)"
    return None


def gate() -> Actor:
    """The person acting on this run; shows the sign-in page (or says why there is no access) and
    stops when there is none."""
    if not auth_configured():
        exposed = loopback_only()
        if exposed:
            st.error(f"Sign-in is not set up, so this app may only be reached from this machine, but {md(exposed)}. "
                     "Set up sign-in (see the README) or start it with `make run` (which listens on 127.0.0.1 "
                     "and answers only to localhost and 127.0.0.1).")
            st.stop()
        st.sidebar.caption(LOCAL_MODE)
        st.session_state["signin.actor"] = workflows.LOCAL_ACTOR
        return workflows.LOCAL_ACTOR
    user = st.user
    st.session_state["signin.actor"] = None
    if not user.get("is_logged_in"):
        _sign_in_page()
    claims = {key: user.get(key) for key in CLAIMS_USED}
    identity = (str(claims["iss"] or ""), str(claims["sub"] or ""))
    actor = workflows.signed_in_actor(state.store(), *identity)
    if actor is None or st.session_state.get("signin.recorded") != identity:
        refused = st.session_state.get("signin.refused")
        if refused and refused[0] == identity:   # said once a session: not a line in the log every rerun
            outcome = refused[1]
        else:
            outcome = workflows.sign_in(state.store(), claims, tenant=_tenant())   # binds on first sign-in
        actor = outcome.actor
        st.session_state["signin.recorded"] = identity if actor is not None else None
        st.session_state["signin.refused"] = None if actor is not None else (identity, outcome)
        if actor is None:
            _refused(outcome, str(outcome.address or claims["email"] or claims["name"] or identity[1]))
    st.session_state["signin.actor"] = actor
    names = {o.id: o.name for o in queries.managed_organisations(state.store(), actor)}
    names.update({o.id: o.name for o in queries.organisations(state.store(), actor)})
    roles = (["Deployment administrator"] if actor.administers_deployment else []) + \
        [f"{role.capitalize()}, {names.get(org, org)}" for org, role in sorted(actor.roles.items())]
    st.sidebar.markdown("  \n".join(md(line) for line in [f"Signed in as {user.get('name') or actor.name}",
                                                           actor.name, *roles]))
    st.sidebar.button("Sign out", key="signin.out", on_click=st.logout)
    return actor


def _sign_in_page() -> None:
    st.title("Procurement maturity self-assessment")
    st.write("Sign in with your council account to see your organisation's assessment.")
    st.button("Sign in", key="signin.in", type="primary", on_click=st.login,
              args=(_provider(),) if _provider() else ())
    st.stop()


def _refused(outcome: workflows.SignIn, who: str) -> None:
    """Not let in: either not added (whom to ask), or the sign-in did not prove the address (what was
    missing, for the person and their IT team)."""
    st.title("Procurement maturity self-assessment")
    if outcome.refused is None:
        st.warning(f"You are signed in as {md(who)}, but you have not been given access to this tool yet. Ask your "
                   "organisation's administrator of the assessment to add you with this email address.")
    else:
        st.error(f"You could not be signed in: {md(outcome.refused)}. Nothing was opened. If you think this is "
                 "wrong, show this message to your organisation's administrator of the assessment or your IT team.")
    st.button("Sign out", key="signin.out.denied", on_click=st.logout)
    st.stop()
