"""Who is using the app: sign-in through the council's identity provider (OpenID Connect, with
`st.login`), or, with no sign-in set up, single-user local mode on this machine only.

Every page runs behind `gate()`: it returns the person acting (an `Actor` with their roles, read
afresh on every run so that a role given or taken away applies at once) or shows the sign-in page
and stops. The checks themselves are the application layer's; this only says who is asking.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st
from streamlit import config

from assessment import settings, workflows
from assessment.ui import navigation, state
from assessment.ui.text import md
from assessment.workflows import Actor, queries

LOOPBACK = ("127.0.0.1", "localhost", "::1")
LOCAL_MODE = ("**Local mode**: no sign-in is set up, so you are the local user and may change everything. "
              "Only this machine can reach the app.")
CLAIMS_USED = ("iss", "sub", "name", "email", "email_verified", "xms_edov", "upn", "tid",
               "roles")   # the app roles (roles from the directory); never the tokens


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


def _directory_roles() -> dict[str, tuple[str, str]]:
    """Roles from the directory (ASSESSMENT_DIRECTORY_ROLES, docs/deploy.md): app role -> organisation
    and role; empty where unset. A wrong setting (which `serve` refuses to start with) stops here."""
    try:
        return settings.directory_roles()
    except settings.BadSetting as exc:
        st.error(f"Sign-in cannot go on: {md(str(exc))}. Show this to your IT team.")
        st.stop()
        raise


def loopback_only() -> str | None:
    """Why this server may be reached or driven from elsewhere (None if it may not): local mode must
    listen on loopback and accept only loopback host names, so that no other machine, and no web
    site using DNS rebinding (a name of its own pointed at 127.0.0.1), can drive it; and it must keep
    Streamlit's own checks of where a request comes from (`server.enableCORS`, which refuses a
    websocket opened by a page of another origin, and `server.enableXsrfProtection`), with no origin
    but loopback allowed through (`server.corsAllowedOrigins`), so that a web site open in this
    machine's browser cannot drive it either. Options are read as Streamlit holds them
    (`streamlit.config.get_option`), from the config file, the command line or the environment.

    The risk left: Streamlit compares an Origin's host name only, never its port, so a page served
    from http://localhost:<another port> (by another program on this machine, or a development
    server the person runs) is let in like the app's own and can drive local mode, as can a page
    served from one of this machine's own network addresses. That needs a program already serving
    pages on this machine; keep what listens on it to what you trust.
    """
    address = config.get_option("server.address")
    if address not in LOOPBACK:
        return f"it listens on {address or 'every address'}"
    hosts = [str(h).strip().lower().strip("[]") for h in config.get_option("server.allowedHosts") or []]
    if not hosts:
        return "it accepts any host name (server.allowedHosts is not set)"
    other = [h for h in hosts if h not in LOOPBACK]
    if other:
        return f"it accepts the host name {other[0]} (server.allowedHosts)"
    if config.get_option("server.enableCORS") is not True:
        return ("it accepts a connection from any web site's page (server.enableCORS is false; set it back "
                "to true)")
    if config.get_option("server.enableXsrfProtection") is not True:
        return ("it does not check that a request comes from its own page (server.enableXsrfProtection is "
                "false; set it back to true)")
    origins = [str(o).strip() for o in config.get_option("server.corsAllowedOrigins") or []]
    foreign = [o for o in origins if _host_of(o) not in LOOPBACK]
    if foreign:
        return f"it accepts connections from pages of {foreign[0]} (server.corsAllowedOrigins; take it out)"
    return None


def _host_of(origin: str) -> str:
    """The host name of an origin ("http://localhost:3000" -> "localhost"), lower case."""
    return (urlsplit(origin).hostname or origin).lower()


def gate() -> Actor:
    """The person acting on this run; shows the sign-in page (or says why there is no access) and
    stops when there is none."""
    if not auth_configured():
        exposed = loopback_only()
        if exposed:
            st.error(f"Sign-in is not set up, so this app may only be reached from this machine, but {md(exposed)}. "
                     "Set up sign-in (docs/deployment.md) or start it with `make run` (which listens on 127.0.0.1 "
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
            outcome = workflows.sign_in(state.store(), claims, tenant=_tenant(),   # binds on first sign-in
                                        directory=_directory_roles())
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
    _reminders_switch(actor)
    st.sidebar.button("Sign out", key="signin.out", on_click=st.logout)
    return actor


def _reminders_switch(actor: Actor) -> None:
    """The person's own reminders by email (`notify run`), read once a session, switched here."""
    if "signin.reminders" not in st.session_state:
        st.session_state["signin.reminders"] = workflows.reminders_on(state.store(), actor, actor.name)
    st.sidebar.toggle("Email me reminders", key="signin.reminders", on_change=_switch_reminders, args=(actor,),
                      help="At most one email a day: your actions due within 7 days, overdue ones once a week, "
                           "and for editors a yearly prompt to start a new period.")


def _switch_reminders(actor: Actor) -> None:
    workflows.set_reminders(state.store(), actor, actor.name, bool(st.session_state["signin.reminders"]))


def _sign_in_page() -> None:
    navigation.before_sign_in(_sign_in_form, "Sign in")   # beside the accessibility statement
    st.stop()


def _sign_in_form() -> None:
    st.title("Procurement maturity self-assessment")
    st.write("Sign in with your council account to see your organisation's assessment.")
    st.button("Sign in", key="signin.in", type="primary", on_click=st.login,
              args=(_provider(),) if _provider() else ())
    navigation.privacy_link()


def _refused(outcome: workflows.SignIn, who: str) -> None:
    """Not let in: either not added (whom to ask), or the sign-in did not prove the address (what was
    missing, for the person and their IT team)."""
    def refused() -> None:
        st.title("Procurement maturity self-assessment")
        if outcome.refused is None:
            st.warning(f"You are signed in as {md(who)}, but you have not been given access to this tool yet. Ask "
                       "your organisation's administrator of the assessment to add you with this email address.")
        else:
            st.error(f"You could not be signed in: {md(outcome.refused)}. Nothing was opened. If you think this is "
                     "wrong, show this message to your organisation's administrator of the assessment or your IT "
                     "team.")
        st.button("Sign out", key="signin.out.denied", on_click=st.logout)
        navigation.privacy_link()
    navigation.before_sign_in(refused, "No access")   # beside the accessibility statement
    st.stop()
