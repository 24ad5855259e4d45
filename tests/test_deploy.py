"""The deployment, run as it is shipped: `deploy/trial.sh` starts two app processes (`python -m
assessment serve`, sign-in from the environment) on a PostgreSQL database, and Caddy in front of
them with `deploy/Caddyfile`, on loopback. Two editors sign in through the proxy with the test
OpenID Connect provider, each saves a change and leaves an unsaved draft; the app process one of
them is on is killed (SIGKILL, as a crash). What really happens, and is checked here: Caddy sees the
process gone (its health checks, and the refused connection), gives that person's browser to the
other process and sets the sticky cookie again; Streamlit's page reconnects by itself, with no
reload and no second sign-in (the sign-in cookie is signed with AUTH_COOKIE_SECRET, the same for
every process); the page is drawn afresh by the other process before anyone clicks (app.py's
self-rerunning fragment makes Streamlit's browser code ask for a run when it reconnects), the draft
with it (drafts are kept in the database, by browser tab), and the draft is then saved there. The other person, on the
process that lived, notices nothing. Nothing saved is lost: the database holds both saves and both
drafts. The stack's start-up log, each process's output and screenshots are kept in
test-artifacts/deploy/.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from assessment import settings, workflows
from assessment.domain.scores import Score
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import ROOT, reopened, stored, wipe_postgres
from .test_browser import chromium_binary, free_port, idle, widget
from .test_two_processes import ALEX, SAM, _save, _score

ARTIFACTS = ROOT / "test-artifacts" / "deploy"
STICKY_SECRET = "a-test-sticky-secret"
COOKIE = "assessment_server"          # deploy/Caddyfile's sticky-session cookie
SAVED = "Saved 1 of Engaging Councillors"


def ports_in_a_row(count: int) -> int:
    """The first of `count` free loopback ports in a row (trial.sh numbers its app processes so)."""
    for _ in range(200):
        first = random.randint(20000, 40000)
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    pytest.fail("no free ports in a row on loopback")


def sticky(port: int) -> str:
    """The value Caddy's cookie policy gives a browser it sends to the app on `port` (an HMAC of the
    upstream's address, keyed with the sticky secret)."""
    return hmac.new(STICKY_SECRET.encode(), f"127.0.0.1:{port}".encode(), hashlib.sha256).hexdigest()


def cookie(page: Page) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == COOKIE), None)


def shot(page: Page, name: str) -> None:
    page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def stack(postgres_url):
    """The test provider, a database with Alex and Sam added as Medway's editors (2023 reopened),
    and deploy/trial.sh running two app processes and Caddy in front of them; yields the proxy's
    address, the app processes' ports and the store; its logs are kept in test-artifacts/deploy/."""
    from oidc_provider_mock import User, run_server_in_thread
    wipe_postgres(postgres_url)
    store = workflows.connect(postgres_url)
    workflows.ensure_examples(store)
    reopened(store, "medway", "2023")
    for _, email, _ in (ALEX, SAM):
        workflows.add_person(store, LOCAL_ACTOR, email, "medway", "editor")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*"):
        if old.is_file():
            old.unlink()
    users = [User(sub=sub, claims={"email": email, "email_verified": True, "name": name}) for sub, email, name in (ALEX, SAM)]
    with run_server_in_thread(free_port(), user_claims=users) as provider:
        proxy, first = free_port(), ports_in_a_row(2)
        environ = {name: value for name, value in os.environ.items() if name not in settings.NAMES}
        environ.update({
            "PY": sys.executable, "DATABASE_URL": postgres_url, "ASSESSMENT_STICKY_SECRET": STICKY_SECRET,
            "AUTH_CLIENT_ID": "procurement-maturity", "AUTH_CLIENT_SECRET": "a-test-client-secret",
            "AUTH_COOKIE_SECRET": "a-test-cookie-secret-of-some-length",
            "AUTH_SERVER_METADATA_URL": f"http://localhost:{provider.server_port}/.well-known/openid-configuration"})
        trial = subprocess.Popen(["bash", str(ROOT / "deploy" / "trial.sh"), "--processes", "2", "--port", str(proxy),
                                  "--app-port", str(first), "--dir", str(ARTIFACTS)],
                                 cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                 start_new_session=True)
        try:
            log = ARTIFACTS / "startup.log"
            while "ready:" not in (log.read_text() if log.exists() else ""):
                if trial.poll() is not None:
                    pytest.fail("deploy/trial.sh stopped before the stack was ready:\n"
                                + (log.read_text() if log.exists() else "(no start-up log)"))
                time.sleep(0.3)
            yield f"http://localhost:{proxy}", (first, first + 1), store
        finally:
            trial.send_signal(signal.SIGTERM)
            try:
                trial.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(trial.pid, signal.SIGKILL)   # the trial's own process group, which it did not stop
                trial.wait()
            store.engine.dispose()


def sign_in_through(page: Page, base: str, who: tuple[str, str, str], port: int) -> None:
    """Sign in through the proxy as `who`, sent to the app on `port`: the sticky cookie is set to
    that process's value before the first visit (as Caddy's own choice would have been, but chosen,
    so that Alex and Sam are on different processes); Caddy keeps it, as it names a healthy process."""
    page.context.clear_cookies()
    page.context.add_cookies([{"name": COOKIE, "value": sticky(port), "url": base}])
    page.goto(base)
    expect(page.get_by_text("Sign in with your council account")).to_be_visible(timeout=30000)
    widget(page, "signin.in").locator("button").click()
    expect(page.get_by_text("Authorize Client")).to_be_visible(timeout=30000)
    page.get_by_role("button", name=who[0], exact=True).click()
    expect(page.get_by_text(f"Signed in as {who[2]}")).to_be_visible(timeout=30000)
    page.goto(f"{base}/score?org=medway&period=2023")
    expect(page.get_by_text("Score: Medway Council, 2023")).to_be_visible(timeout=30000)
    assert cookie(page) == sticky(port), "Caddy gave the browser to another process than its cookie named"


def drafts_of(store, who: tuple[str, str, str]) -> dict[str, str]:
    """A person's drafts of Medway's 2023 in the database: objective -> the score they chose."""
    person = next(p for p in workflows.everyone(store, LOCAL_ACTOR) if p.email == who[1])
    actor = workflows.signed_in_actor(store, person.issuer, person.subject)
    return {d.edit.item: getattr(d.edit, "score", None) for d in queries.drafts(store, actor, "medway", "2023")}


def test_a_process_killed_behind_the_proxy_loses_no_save_and_no_draft(stack):
    base, (first, second), store = stack
    startup = (ARTIFACTS / "startup.log").read_text()   # what the IT team reads: each step in order, then "ready"
    steps = ["trial of the whole stack: 2 app processes", "database: DATABASE_URL", "sign-in: OpenID Connect",
             "settings are good: sign-in through localhost; PostgreSQL", "app process 1 of 2", "app process 2 of 2",
             f"app on port {second}: healthy", "caddy: process", "ready: http://localhost:"]
    places = [startup.find(step) for step in steps]
    assert -1 not in places and places == sorted(places), startup
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_binary(), args=["--no-sandbox", "--disable-gpu"])
        alex = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        sam = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        connections: list[list[int]] = []   # Alex's page's websockets, each with the sizes of the frames it received
        alex.on("websocket", lambda ws: (connections.append(frames := []),
                                         ws.on("framereceived", lambda frame: frames.append(len(frame)))))
        sign_in_through(alex, base, ALEX, first)
        sign_in_through(sam, base, SAM, second)
        shot(alex, "1-alex-signed-in-through-the-proxy")

        # Each saves a change, then leaves another unsaved (kept as their draft, in the database).
        _score(alex, "1", "4 – Leader")
        _save(alex)
        expect(alex.get_by_text(SAVED)).to_be_visible(timeout=30000)
        _score(sam, "3", "1 – Minimum")
        _save(sam)
        expect(sam.get_by_text(SAVED)).to_be_visible(timeout=30000)
        _score(alex, "2", "1/2")
        _score(sam, "2", "5 – Innovator")
        for page in (alex, sam):
            expect(widget(page, "score.medway.2023.2.discard")).to_be_visible(timeout=30000)   # a draft is kept
        shot(alex, "2-alex-saved-one-and-left-a-draft")
        assert drafts_of(store, ALEX) == {"2": "1/2"} and drafts_of(store, SAM) == {"2": "5 – Innovator"}

        # Alex's process dies. Caddy moves Alex to the other process; the page reconnects by itself.
        killed = int((ARTIFACTS / f"app-{first}.pid").read_text())
        before = len(connections)
        os.kill(killed, signal.SIGKILL)
        for _ in range(120):   # until the page has a new connection that the other process has drawn it through
            if cookie(alex) == sticky(second) and len(connections) > before and sum(connections[-1]) > 10000:
                break
            alex.wait_for_timeout(500)
        assert cookie(alex) == sticky(second), "the browser was not given to the process that lives"
        assert len(connections) > before and sum(connections[-1]) > 10000, \
            "the page reconnected but was not drawn again by the other process before anyone clicked"
        idle(alex)                                                                           # connected, run finished
        expect(alex.get_by_text(f"Signed in as {ALEX[2]}")).to_be_visible(timeout=30000)   # no second sign-in
        expect(widget(alex, "score.medway.2023.2.discard")).to_be_visible(timeout=30000)   # the draft, drawn again
        expect(widget(alex, "score.medway.2023.2.score").locator("input")).to_have_value("1/2")
        shot(alex, "3-alex-reconnected-to-the-other-process-draft-intact")
        with pytest.raises(OSError):   # the process Alex was on is gone: this is not the old page
            urllib.request.urlopen(f"http://127.0.0.1:{first}/_stcore/health", timeout=2)

        # Alex saves the draft on the other process; Sam, who was there all along, carries on.
        _save(alex)
        expect(alex.get_by_text(SAVED)).to_be_visible(timeout=30000)
        shot(alex, "4-alex-saved-the-draft-on-the-other-process")
        expect(widget(sam, "score.medway.2023.2.score").locator("input")).to_have_value("5 – Innovator")
        assert cookie(sam) == sticky(second)
        shot(sam, "5-sam-on-the-process-that-lived-draft-intact")

        for _ in range(60):   # the trial's log says so too (it checks its processes every second)
            if f"app on port {first} stopped" in (ARTIFACTS / "startup.log").read_text():
                break
            sam.wait_for_timeout(500)
        assert f"app on port {first} stopped" in (ARTIFACTS / "startup.log").read_text()

        # A reload, as someone might press F5: still signed in, Sam's draft still there.
        sam.reload()
        expect(sam.get_by_text(f"Signed in as {SAM[2]}")).to_be_visible(timeout=30000)
        expect(widget(sam, "score.medway.2023.2.discard")).to_be_visible(timeout=30000)
        browser.close()

    saved = stored(store, "medway").period("2023").entries
    assert (saved["1"].score, saved["2"].score, saved["3"].score) == (Score(4.0), Score(1.5), Score(1.0))
    assert (saved["1"].updated_by, saved["2"].updated_by, saved["3"].updated_by) == (ALEX[1], ALEX[1], SAM[1])
    assert drafts_of(store, ALEX) == {} and drafts_of(store, SAM) == {"2": "5 – Innovator"}

