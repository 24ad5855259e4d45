"""Nobody becomes someone else (issue 23): a person added by email is bound only to an identity
whose provider vouches for that exact address; look-alike letters are refused from a provider and
from an administrator alike; a binding can be freed, and that is kept; every refused sign-in is
in the sign-in log with its reason and never a token; local mode answers only to loopback names.
Run on SQLite and PostgreSQL (the workflows) and through the command line."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from assessment import workflows
from assessment.domain.errors import InvalidEdit, NotAllowed
from assessment.domain.people import Unverified, verified_address
from assessment.storage.tables import SignInLogRow
from assessment.workflows import LOCAL_ACTOR, Actor

from .conftest import ROOT, save_record

ISSUER = "https://login.microsoftonline.com/9f3c/v2.0"
TENANT = "9f3c"
ADDED = "kim.admin@medway.gov.uk"
KELVIN = "\u212aim.admin@medway.gov.uk"     # U+212A KELVIN SIGN: lower-cases to "k"
HEAD = Actor("head@medway.gov.uk", roles={"medway": "administrator"})

IMPOSTORS = {   # name -> (claims, what the refusal says)
    "a look-alike letter": ({"email": KELVIN, "email_verified": True}, "U+212A KELVIN SIGN"),
    "email_verified false": ({"email": ADDED, "email_verified": False}, "email_verified is false"),
    "preferred_username only": ({"preferred_username": ADDED}, "sent no email address"),
    "an email nobody vouches for": ({"email": ADDED}, "did not say that the email address of your account is "
                                                      "verified"),
    "Entra, xms_edov false": ({"email": ADDED, "xms_edov": False}, "xms_edov"),
    "Entra, a UPN from another tenant": ({"upn": ADDED, "tid": "another-tenant"}, "upn from the tenant 9f3c"),
    "fullwidth letters": ({"email": "\uff4bim.admin@medway.gov.uk", "email_verified": True}, "U+FF4B"),
    # true is JSON's true, as the standard says: not the text "true", nor 1
    "email_verified as text": ({"email": ADDED, "email_verified": "true"},
                               "email_verified is not true (found 'true')"),
    "email_verified as a number": ({"email": ADDED, "email_verified": 1}, "email_verified is not true (found 1)"),
    "Entra, xms_edov as text": ({"email": ADDED, "xms_edov": "1"}, "xms_edov is not true (found '1')"),
    "an email claim holding a list": ({"email": [ADDED, "someone@kent.gov.uk"], "email_verified": True},
                                      "the email claim your identity provider sent must be one address, as text "
                                      "(found a list)"),
    "a terminal escape in the address": ({"email": "kim.admin@medway.gov.uk\x1b[31m", "email_verified": True},
                                         "holds the control character \\x1b"),
}


@pytest.fixture
def medway_people(store, medway):
    save_record(store, medway)
    workflows.add_organisation(store, LOCAL_ACTOR, "kent", "Kent County Council")
    workflows.add_person(store, LOCAL_ACTOR, ADDED, "medway", "administrator")
    workflows.add_person(store, LOCAL_ACTOR, "head@medway.gov.uk", "medway", "administrator")
    return store


def claims(subject: str, **more) -> dict:
    return {"iss": ISSUER, "sub": subject, "name": "Someone", **more}


@pytest.mark.parametrize("impostor", IMPOSTORS, ids=list(IMPOSTORS))
def test_an_impostor_is_refused_and_logged_and_the_person_added_then_signs_in(medway_people, impostor):
    presented, reason = IMPOSTORS[impostor]
    outcome = workflows.sign_in(medway_people, claims("impostor", **presented), tenant=TENANT)
    assert outcome.actor is None and reason in outcome.refused
    (line,) = workflows.sign_in_log(medway_people, LOCAL_ACTOR)
    assert (line.kind, line.subject) == ("refused", "impostor") and reason in line.reason
    assert not next(p for p in workflows.everyone(medway_people, LOCAL_ACTOR) if p.email == ADDED).signed_in_before
    person = workflows.sign_in(medway_people, claims("kim-1", email=ADDED, email_verified=True)).actor
    assert person is not None and person.roles == {"medway": "administrator"}
    assert [line.kind for line in workflows.sign_in_log(medway_people, LOCAL_ACTOR)] == ["bound", "refused"]


@pytest.mark.parametrize("vouched", [
    {"email": ADDED, "email_verified": True},
    {"email": " Kim.Admin@Medway.gov.uk ", "email_verified": True},     # capitals and spaces at either end
    {"email": ADDED, "xms_edov": True},                                  # Entra: the domain is the tenant's
    {"upn": ADDED, "tid": TENANT},                                       # Entra: a UPN of the tenant configured
], ids=["email_verified", "capitals and spaces", "xms_edov", "upn of the tenant"])
def test_an_address_the_provider_vouches_for_binds_the_person_added(medway_people, vouched):
    outcome = workflows.sign_in(medway_people, claims("kim-1", **vouched), tenant=TENANT)
    assert outcome.actor is not None and outcome.actor.name == ADDED
    # from then on the identity says who they are, whatever the claims say
    again = workflows.sign_in(medway_people, claims("kim-1", email="someone.else@kent.gov.uk"))
    assert again.actor.name == ADDED


def test_a_upn_counts_only_where_the_deployment_names_its_tenant():
    with pytest.raises(Unverified, match="upn with the tenant named in the app's settings"):
        verified_address({"upn": ADDED, "tid": TENANT}, tenant=None)
    assert verified_address({"upn": ADDED, "tid": TENANT}, tenant=TENANT) == ADDED


@pytest.mark.parametrize("typed", [KELVIN, "\uff4bim@medway.gov.uk", "kim@medw\u0430y.gov.uk"],
                         ids=["kelvin sign", "fullwidth k", "cyrillic a"])
def test_an_administrator_cannot_add_a_look_alike_address(medway_people, typed):
    with pytest.raises(InvalidEdit, match=r"U\+[0-9A-F]{4} .*not plain ASCII"):
        workflows.add_person(medway_people, HEAD, typed, "medway", "editor")


@pytest.mark.parametrize("typed, said", [
    ("head@medway.gov.uk.", "its domain “medway.gov.uk.” has an empty part"),      # a dot at the end
    ("head@medway..gov.uk", "its domain “medway..gov.uk” has an empty part"),     # two dots together
    ("head@.medway.gov.uk", "has an empty part"),                                 # a dot at the start
    ("a@-.-", "a part of its domain (“-”) starts or ends with a hyphen"),
    ("head@medway-.gov.uk", "(“medway-”) starts or ends with a hyphen"),
    ("head@-medway.gov.uk", "(“-medway”) starts or ends with a hyphen"),
    ("head@medway", "its domain “medway” has no dot"),
    ("head@10.0.0.1", "its domain ends in a number (“1”)"),
    ("head@med_way.gov.uk", "its domain holds “_”"),
    ("head@" + "m" * 64 + ".gov.uk", "a part of its domain is 64 characters long (up to 63 are allowed)"),
    ("head@@medway.gov.uk", "it has more than one @"),
    ("@medway.gov.uk", "there is nothing before the @"),
    ("head@", "there is nothing after the @"),
    ("head.medway.gov.uk", "it has no @"),
    ("head of procurement@medway.gov.uk", "is not an email address: it has a space in it (an address has none)"),
    ("head\x1b[31m@medway.gov.uk", "holds the control character \\x1b"),        # ESC: a terminal escape
    ("head\x00@medway.gov.uk", "holds the control character \\x00"),
    ("head\t@medway.gov.uk", "holds the control character \\x09"),
    ("head@medway.gov.uk\n", "holds the control character \\x0a"),
    ("head\x7f@medway.gov.uk", "holds the control character \\x7f"),              # DEL
    ("head\x9b31m@medway.gov.uk", "holds the control character \\x9b"),           # C1's CSI
    ("head\x85@medway.gov.uk", "holds the control character \\x85"),              # C1's NEL
], ids=lambda value: ascii(value)[:40])
def test_an_address_that_is_not_one_is_refused_saying_why(medway_people, typed, said):
    before = workflows.everyone(medway_people, LOCAL_ACTOR)
    with pytest.raises(InvalidEdit) as refused:
        workflows.add_person(medway_people, HEAD, typed, "medway", "editor")
    message = str(refused.value)
    assert said in message and message.isprintable(), message      # no control character echoed back
    assert workflows.everyone(medway_people, LOCAL_ACTOR) == before


@pytest.mark.parametrize("typed", ["o'brien+procurement@medway.gov.uk", "head@medway-council.gov.uk",
                                   "head@123.medway.gov.uk", "h@x.uk", "head@" + "m" * 63 + ".gov.uk"])
def test_an_address_with_an_ordinary_domain_is_kept(medway_people, typed):
    assert workflows.add_person(medway_people, HEAD, f" {typed.upper()} ", "medway", "editor").email == typed


def test_an_address_already_bound_is_not_taken_over(medway_people):
    workflows.sign_in(medway_people, claims("kim-1", email=ADDED, email_verified=True))
    outcome = workflows.sign_in(medway_people, claims("kim-2", email=ADDED, email_verified=True))
    assert outcome.actor is None and "already bound to another account" in outcome.refused


def test_a_binding_is_freed_kept_as_an_event_and_the_next_verified_sign_in_binds(medway_people):
    workflows.sign_in(medway_people, claims("old-account", email=ADDED, email_verified=True))
    with pytest.raises(NotAllowed):   # a councillor, another council's administrator: not theirs
        workflows.unbind_person(medway_people, Actor("cllr@medway.gov.uk", roles={"medway": "reviewer"}), ADDED)
    with pytest.raises(NotAllowed):
        workflows.unbind_person(medway_people, Actor("head@kent.gov.uk", roles={"kent": "administrator"}), ADDED)
    with pytest.raises(NotAllowed):   # nor does refusing say who has been added
        workflows.unbind_person(medway_people, HEAD, "nobody@medway.gov.uk")
    freed = workflows.unbind_person(medway_people, HEAD, ADDED, "a new account after a name change")
    assert not freed.signed_in_before
    with pytest.raises(InvalidEdit, match="is not bound to an account"):
        workflows.unbind_person(medway_people, HEAD, ADDED)
    (event, *_) = workflows.people(medway_people, HEAD, "medway").changes
    assert (event.kind, event.person, event.describe()) == (
        "unbound", HEAD.name, f"{ADDED}: freed from the account they signed in with (a new account after a name change)")
    assert workflows.signed_in_actor(medway_people, ISSUER, "old-account") is None
    assert workflows.sign_in(medway_people, claims("new-account", email=ADDED, email_verified=True)).actor.name == ADDED
    assert [(line.kind, line.subject, line.by) for line in workflows.sign_in_log(medway_people, LOCAL_ACTOR)] == [
        ("bound", "new-account", None), ("unbound", "old-account", HEAD.name), ("bound", "old-account", None)]


def test_only_the_deployment_administrator_frees_a_deployment_administrators_sign_in(medway_people):
    """An organisation's administrator frees the sign-ins of their own people only: not a deployment
    administrator's (even one given a role at their council), not another council's, not that of
    someone who also holds a role at a council they do not manage; and they are refused in the
    same words whether the address was added or not, so that refusing tells them nothing. People
    names the deployment's administrators to the deployment's administrator alone, and offers each
    administrator only the sign-ins they may free."""
    it, kent, both = "it@council.gov.uk", "head@kent.gov.uk", "both@kent.gov.uk"
    workflows.add_person(medway_people, LOCAL_ACTOR, it, None, "deployment-administrator")
    workflows.add_person(medway_people, LOCAL_ACTOR, it, "medway", "reviewer")      # a role at Medway too
    workflows.add_person(medway_people, LOCAL_ACTOR, kent, "kent", "administrator")
    workflows.add_person(medway_people, LOCAL_ACTOR, both, "kent", "editor")
    workflows.add_person(medway_people, LOCAL_ACTOR, both, "medway", "editor")      # at Kent and Medway
    for email in (it, kent, both, ADDED):
        workflows.sign_in(medway_people, claims(email.split("@")[0], email=email, email_verified=True))
    said = set()
    for email in (it, kent, both, "nobody@medway.gov.uk"):
        with pytest.raises(NotAllowed) as refused:
            workflows.unbind_person(medway_people, HEAD, email, "a test")
        said.add(str(refused.value).replace(email, "EMAIL"))
    assert said == {f"{HEAD.name} may not free the sign-in of EMAIL: only an administrator of every organisation "
                    "where they hold a role, or the deployment's administrator, may"}
    assert all(p.signed_in_before for p in workflows.everyone(medway_people, LOCAL_ACTOR) if p.email != HEAD.name)
    assert [line.kind for line in workflows.sign_in_log(medway_people, LOCAL_ACTOR)] == ["bound"] * 4

    seen_by_head = workflows.people(medway_people, HEAD, "medway")
    assert (seen_by_head.deployment_administrators, seen_by_head.may_free) == ([], [ADDED])
    shown = {p.email: p for p in seen_by_head.people}    # nothing of their roles elsewhere, nor the deployment's
    assert (shown[both].roles, shown[it].roles) == ({"medway": "editor"}, {"medway": "reviewer"})
    assert not shown[it].administers_deployment
    deployer = Actor(it, administers_deployment=True, roles={"medway": "reviewer"})
    seen = workflows.people(medway_people, deployer, "medway")
    assert [p.email for p in seen.deployment_administrators] == [it]
    assert seen.may_free == [both, it, ADDED]
    assert not workflows.unbind_person(medway_people, deployer, it, "a new account").signed_in_before
    workflows.unbind_person(medway_people, HEAD, ADDED)      # their own people, as before


def test_the_sign_in_log_keeps_reasons_never_tokens(medway_people):
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    workflows.sign_in(medway_people, claims("x", email=ADDED, tokens={"id_token": token}, access_token=token))
    workflows.sign_in(medway_people, {"iss": ISSUER, "sub": "", "id_token": token})
    lines = workflows.sign_in_log(medway_people, LOCAL_ACTOR)
    assert [line.kind for line in lines] == ["refused", "refused"]
    assert "no issuer or subject" in lines[0].reason
    assert token not in repr(lines) and "eyJ" not in repr(lines)
    with pytest.raises(NotAllowed):
        workflows.sign_in_log(medway_people, HEAD)


def test_users_unbind_log_and_list_on_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = workflows.connect(url)
    workflows.add_organisation(store, LOCAL_ACTOR, "medway", "Medway Council")
    workflows.add_person(store, LOCAL_ACTOR, ADDED, "medway", "administrator")
    workflows.sign_in(store, claims("old", email=ADDED, email_verified=True))
    workflows.sign_in(store, claims("evil", email=KELVIN, email_verified=True))
    workflows.add_person(store, LOCAL_ACTOR, "it@council.gov.uk", None, "deployment-administrator")
    store.engine.dispose()

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "assessment", "--database", url, *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr
        return done
    done = run("users", "unbind", ADDED, "--reason", "new account")
    assert done.returncode == 0 and done.stdout == f"{ADDED}: no longer bound to an account; their next sign-in binds them\n"
    again = run("users", "unbind", ADDED)
    assert again.returncode == 2 and again.stderr == f"error: {ADDED} is not bound to an account: they have not signed in yet\n"
    log = run("users", "log").stdout.splitlines()
    assert [line.split("\t")[1] for line in log] == ["unbound", "refused", "bound"]
    assert log[0].endswith(f"{ADDED} was freed from their account by local user: new account")
    assert "U+212A KELVIN SIGN" in run("users", "log", "--refused").stdout
    listed = {line.split("\t")[0]: line.split("\t")[2] for line in run("users", "list").stdout.splitlines()}
    assert listed["it@council.gov.uk"] == "deployment administrator"
    assert listed[ADDED] == "administrator at medway"


RED = "\x1b[31m"       # ESC [ 31 m: what turns a terminal's text red, and worse


def test_the_sign_in_log_cannot_drive_a_terminal(tmp_path, caplog):
    """Claims come from an identity provider and may hold anything: ESC (and C1's CSI, which some
    terminals take for ESC [) in the address, issuer, subject and name are kept and shown escaped,
    in the log, its words, `users log` (table and JSON) and `users list`; a line kept before the
    log escaped what it kept is shown escaped too."""
    url = f"sqlite:///{tmp_path / 'escapes.db'}"
    store = workflows.connect(url)
    workflows.add_organisation(store, LOCAL_ACTOR, "medway", "Medway Council")
    workflows.add_person(store, LOCAL_ACTOR, ADDED, "medway", "administrator")
    caplog.set_level("INFO", logger="assessment.signin")
    workflows.sign_in(store, {"iss": f"https://evil.example/{RED}", "sub": f"x{RED}\x9b2J", "name": "Evil",
                              "email": f"{ADDED}{RED}", "email_verified": True})
    workflows.sign_in(store, {"iss": ISSUER, "sub": f"kim{RED}", "name": f"Kim{RED}Admin", "email": ADDED,
                              "email_verified": True})
    workflows.unbind_person(store, LOCAL_ACTOR, ADDED, f"new account{RED}")
    with store.transaction() as tx:   # as a line kept before the log escaped what it keeps
        tx.s.add(SignInLogRow(kind="refused", email=f"old{RED}@medway.gov.uk", issuer=RED, subject=RED,
                              reason=f"kept raw{RED}"))
    refused, bound, freed, old = reversed(workflows.sign_in_log(store, LOCAL_ACTOR))
    assert (refused.email, refused.issuer, refused.subject) == (
        f"{ADDED}\\x1b[31m", "https://evil.example/\\x1b[31m", "x\\x1b[31m\\x9b2J")
    assert "\\x1b[31m" in refused.reason and (bound.subject, freed.reason) == ("kim\\x1b[31m", "new account\\x1b[31m")
    assert old.describe() == "a sign-in as old\\x1b[31m@medway.gov.uk was refused: kept raw\\x1b[31m"
    with store.engine.connect() as connection:    # kept escaped, all but the line written raw above
        from sqlalchemy import text
        kept = connection.execute(text("SELECT email, issuer, subject, by, reason FROM sign_in_log "
                                       "WHERE reason IS NULL OR reason NOT LIKE 'kept raw%'")).all()
    assert len(kept) == 3 and all(value is None or value.isprintable() for row in kept for value in row), kept
    assert not any("\x1b" in record.getMessage() or "\x9b" in record.getMessage() for record in caplog.records)
    store.engine.dispose()

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "assessment", "--database", url, *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return done.stdout
    for args in (["users", "log"], ["users", "log", "--refused"], ["users", "log", "--format", "json"],
                 ["users", "list"], ["users", "list", "--format", "json"]):
        shown = run(*args)
        assert "\x1b" not in shown and "\x9b" not in shown, (args, shown)
        assert ("\\x1b[31m" if args[-1] != "json" else "\\\\x1b[31m") in shown, (args, shown)
    assert f"a sign-in as {ADDED}\\x1b[31m was refused: the address your identity provider gave (its email claim, " \
        f"“{ADDED}\\x1b[31m”) holds the control character \\x1b" in run("users", "log", "--refused")


# ---------------------------------------------------------------- local mode: loopback in every sense

def _websocket_status(base: str, host: str, origin: str | None = None) -> int:
    """The HTTP status of a websocket upgrade to the app with this Host (and a matching Origin, as a
    page on a rebound name would send it, unless `origin` is given: a page elsewhere)."""
    port = int(base.rsplit(":", 1)[1])
    origin = origin or f"http://{host}:{port}"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}:{port}\r\nOrigin: {origin}\r\n"
                      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").encode())
        return int(conn.recv(1024).split(b" ", 2)[1])


def test_local_mode_refuses_a_rebinding_host_on_the_websocket(server):  # noqa: F811 - a fixture
    base, _ = server
    assert _websocket_status(base, "evil.example") == 403
    assert _websocket_status(base, "127.0.0.1") == 101
    assert _websocket_status(base, "localhost") == 101


def test_local_mode_refuses_a_page_of_another_site_but_not_of_another_local_port(server):  # noqa: F811
    """Streamlit's origin check (server.enableCORS) refuses a websocket opened by a web site's page
    in this machine's browser; it compares host names only, so a page on another port of localhost
    is let in (the risk left, said in `signin.loopback_only`)."""
    base, _ = server
    assert _websocket_status(base, "127.0.0.1", origin="https://evil.example") == 403
    assert _websocket_status(base, "127.0.0.1", origin="http://localhost:1") == 101


LOCAL = {"server.address": "127.0.0.1", "server.allowedHosts": ["localhost", "127.0.0.1", "::1"],
         "server.enableCORS": True, "server.enableXsrfProtection": True, "server.corsAllowedOrigins": []}


@pytest.mark.parametrize("changed, said", [
    ({}, None),
    ({"server.corsAllowedOrigins": ["http://localhost:3000", "http://127.0.0.1"]}, None),
    ({"server.address": "0.0.0.0"}, "it listens on 0.0.0.0"),
    ({"server.allowedHosts": ["localhost", "*"]}, "it accepts the host name * (server.allowedHosts)"),
    ({"server.allowedHosts": []}, "server.allowedHosts is not set"),
    ({"server.enableCORS": False}, "it accepts a connection from any web site's page (server.enableCORS is false; "
                                   "set it back to true)"),
    ({"server.enableXsrfProtection": False}, "it does not check that a request comes from its own page "
                                             "(server.enableXsrfProtection is false; set it back to true)"),
    ({"server.enableCORS": False, "server.enableXsrfProtection": False}, "server.enableCORS is false"),
    ({"server.corsAllowedOrigins": ["http://localhost:3000", "https://evil.example"]},
     "it accepts connections from pages of https://evil.example (server.corsAllowedOrigins; take it out)"),
], ids=["as make run starts it", "loopback origins", "every address", "any host", "no hosts", "CORS off",
        "XSRF off", "both off", "another origin allowed"])
def test_local_mode_says_which_option_lets_others_reach_it(changed, said):
    """`loopback_only` reads Streamlit's options as the server holds them and names the first that
    would let another machine or another site's page drive local mode, and how to set it back."""
    from streamlit import config

    from assessment.ui.signin import loopback_only
    wanted = {**LOCAL, **changed}
    before = {key: (config.get_option(key), config.get_where_defined(key)) for key in wanted}
    try:
        for key, value in wanted.items():
            config.set_option(key, value)
        found = loopback_only()
        assert found is None if said is None else said in (found or ""), found
    finally:
        for key, (value, where) in before.items():
            config.set_option(key, value, where)


def test_local_mode_will_not_run_without_streamlits_origin_check(tmp_path, page):  # noqa: F811 - a fixture
    from playwright.sync_api import expect

    from .test_browser import app_server, shot
    with app_server(f"sqlite:///{tmp_path / 'open.db'}", "--server.enableCORS=false") as base:
        assert _websocket_status(base, "127.0.0.1", origin="https://evil.example") == 101   # Streamlit lets it in ...
        page.goto(base)                                                                   # ... the app shows nothing
        expect(page.get_by_text("server.enableCORS is false; set it back to true")).to_be_visible(timeout=30000)
        expect(page.get_by_text("Overall:")).to_have_count(0)
        shot(page, "local-mode-refuses-cors-off")


def test_local_mode_will_not_run_with_other_host_names_allowed(tmp_path, page):  # noqa: F811 - a fixture
    from playwright.sync_api import expect

    from .test_browser import app_server, shot
    with app_server(f"sqlite:///{tmp_path / 'open.db'}", "--server.allowedHosts=*") as base:
        assert _websocket_status(base, "evil.example") == 101    # Streamlit lets it in ...
        page.goto(base)                                          # ... but the app shows nothing
        expect(page.get_by_text("it accepts the host name *")).to_be_visible(timeout=30000)
        expect(page.get_by_text("Overall:")).to_have_count(0)
        shot(page, "local-mode-refuses-any-host")


from .test_browser import page, server  # noqa: E402,F401 - fixtures: a real Chromium against `streamlit run`
