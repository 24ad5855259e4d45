"""Load benchmark: many people scoring at once, each in their own browser session, against the
running app (`streamlit run app.py`), measured against a floor taken in the same run.

    .venv/bin/python -m bench.load [--sessions 1,5,10,20] [--processes 1] [--seconds 30]
                                   [--database sqlite|postgresql] [--post-script-gc on|off] [--think 0]
                                   [--proxy]
    .venv/bin/python -m bench.load --round [...]   (people answering a round: bench/load_round.py)

What is measured. For each number of sessions N a fresh database (a SQLite file in a temporary
folder, or a new database in a throwaway PostgreSQL cluster from scripts/pg-throwaway.sh) is filled
through the application layer: the example records, then one organisation per session
(`council-01`, ...: a copy of Medway's record, 2022 and 2023 approved) with a draft 2024 carried
forward. The app is started afresh in P processes (`streamlit run app.py`, sessions spread over them
round-robin, as sticky sessions behind a proxy would be) and N sessions speak Streamlit's own
websocket protocol to it (a light client, BackMsg out and ForwardMsg in, keeping every widget's
value as the browser does; not N Chromiums, which a 2-core machine could not drive). Each session
opens the score page of its own organisation for 2024 (the first key area, Engaging Councillors)
and, for --seconds, does what a person does, without pausing (or, with --think T, pausing between
saves for a random time of mean T seconds, as people do while they read and type): it sets objective 1, 2, 3, 1, ... to
another score (a rerun: the page keeps the draft), clicks Save and waits for the run to finish with
"Saved ..." on the page. The time from the click to "Saved" is the latency. Errors are exception
elements, error alerts, "Nothing was saved", no "Saved" message, timeouts (over 30 s) and dropped
connections. After each N the database is read through the application layer: the last score a
session saw saved must be the score stored (a mismatch is a lost save). Each session first opens
the page and saves once untimed (warm-up; its errors count). Every save adds a version, and the
score page lists each objective's versions with a Restore button, so the page grows as a session
saves: a session of a small N, saving more often, draws a longer page by the end.

Through the proxy (--proxy): each N and P is measured a second time, beside the direct figures, on a
fresh database and fresh processes with Caddy in front of them as deploy/Caddyfile has it for a
deployment (sticky sessions by cookie, health checks; plain HTTP on a loopback port): each session
asks the proxy for its health address first, as a browser's first request would, keeps the sticky
cookie Caddy sets and opens its websocket through Caddy with it. Caddy chooses a process for each at
random, as it would for people, so the processes need not share the sessions evenly (the JSON has
how many each had). Caddy's own CPU is reported apart (in the JSON), as PostgreSQL's is; the ratio is
the app servers' CPU per save against the same floor as the direct run's.

Server figures per N: CPU seconds of the app processes during the timed window (utime + stime from
/proc), their peak resident memory (VmHWM, summed over processes: the servers are restarted for each
N, so it is the peak of that N), saves per second, p50 and p95 of click-to-"Saved". With PostgreSQL
the database server's own CPU is reported apart (in the JSON) and left out of the ratio, on both sides.

The floor, per save, measured in the same run:
  (a) the same save through the application layer in this process, no Streamlit: keep the draft
      (`workflows.keep_draft`, an `EntryEdit` of the score) and save it (`workflows.save_drafts`),
      CPU seconds per save (on an organisation of its own in the measurement's fresh database,
      before the servers start);
  (b) the reruns a save needs of a bare Streamlit page with the same elements as the score page
      (counted once, from the score page as the first session sees it after its first change; drawn
      by `bench.ui.floor_script`, plus a "Saved." message after the click), served by its own
      P processes and driven by the same client with the same N sessions for the same time: two
      reruns per save (the change, then the click), CPU seconds of those servers per "save".
The ratio is the app servers' CPU per save over (a) + (b). Like the floor, the app runs twice per
save (the change, then Save, which saves in its callback before the run that shows "Saved"); it
also reads the record on every run, which the floor does not.

Approximate: the client runs in this process on the same machine and takes CPU from the servers
(its CPU per save is in the JSON); other work on the machine shows in latency more than in CPU
seconds; the server accepts no websocket compression (for browsers either), so none is measured.
Results go to bench-results/load.json (bench-results/load-proxy.json with --proxy); the exit status is
1 if any save was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import dataclasses
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Markdown_pb2 import Markdown
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import WebSocketException

from .harness import machine
from .ui import KINDS, floor_script

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench-results"
PYTHON = ROOT / ".venv" / "bin" / "python"
PERIOD = "2024"
OBJECTIVES = ("1", "2", "3")                    # the first key area's (Engaging Councillors)
SCORES = ("3 – Mature", "4 – Leader", "2/3")   # each change moves to the next of these
TIMEOUT = 30.0                                  # seconds a request may take before it is an error
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- the client: Streamlit's protocol

@dataclass
class Run:
    """What one request drew: a rerun, and the reruns it asked for (`st.rerun()`); the elements of
    the last run only, the exceptions of all of them."""

    alerts: list[tuple[int, str, float]] = field(default_factory=list)   # (Alert.Format, body, when)
    exceptions: list[str] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)                     # elements by kind (floor page)
    seen: set[str] = field(default_factory=set)                         # widget ids drawn
    status: int | None = None                                           # ForwardMsg.ScriptFinishedStatus

    def start_over(self) -> None:
        """A new script run began: what the page shows is what this run draws."""
        self.alerts.clear()
        self.kinds.clear()
        self.seen.clear()

    def alert(self, prefix: str, fmt: int | None = None) -> tuple[int, str, float] | None:
        return next((a for a in self.alerts if a[1].startswith(prefix) and (fmt is None or a[0] == fmt)), None)


class Client:
    """One browser tab, as far as the server can tell: a websocket to /_stcore/stream, a rerun request
    (BackMsg.rerun_script) carrying the address's query string, the page and every widget's value,
    and the ForwardMsgs the run sends back until script_finished. Widget values are kept as the
    frontend keeps them: a value the server sets (set_value) replaces ours, a widget not drawn by the
    last run is forgotten, a button is sent as a trigger only on the run it is clicked."""

    def __init__(self, port: int, query_string: str = "", page_name: str = "",
                 headers: dict[str, str] | None = None) -> None:
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.headers = headers   # a cookie, through the proxy
        self.query_string = query_string
        self.page_name = page_name
        self.page_hash = ""
        self.values: dict[str, WidgetState] = {}    # widget id -> its value, as the browser holds it
        self.ids: dict[str, str] = {}               # user key -> widget id
        self.ws = None

    async def open(self) -> Run:
        """Connect and load the page (the first run a browser asks for)."""
        await self.close()
        self.values.clear()
        self.ids.clear()
        self.page_hash = ""
        self.ws = await ws_connect(self.url, subprotocols=["streamlit"], max_size=None, ping_interval=None,
                                   open_timeout=TIMEOUT, additional_headers=self.headers)
        return await self.rerun()

    async def close(self) -> None:
        if self.ws is not None:
            ws, self.ws = self.ws, None
            try:
                await asyncio.wait_for(ws.close(), 5)
            except (asyncio.TimeoutError, WebSocketException, OSError):
                pass

    def id_of(self, key: str) -> str:
        return self.ids[key]

    def value(self, key: str) -> str | None:
        state = self.values.get(self.ids.get(key, ""))
        return state.string_value if state is not None and state.HasField("string_value") else None

    async def rerun(self, changed: dict[str, str] | None = None, click: str | None = None) -> Run:
        """Ask for a rerun with `changed` widgets (by key) set to new values and the button `click`
        (by key) pressed, as the browser does; wait for the run (and any it asks for) to finish."""
        for key, text in (changed or {}).items():
            self.values[self.id_of(key)] = WidgetState(id=self.id_of(key), string_value=text)
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        if self.page_hash:
            state.page_script_hash = self.page_hash
        else:
            state.page_name = self.page_name
        state.widget_states.widgets.extend(self.values.values())
        if click is not None:
            state.widget_states.widgets.add(id=self.id_of(click), trigger_value=True)
        await self.ws.send(msg.SerializeToString())
        return await self._until_finished(time.perf_counter() + TIMEOUT)

    async def _until_finished(self, deadline: float) -> Run:
        run = Run()
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise asyncio.TimeoutError
            msg = ForwardMsg.FromString(await asyncio.wait_for(self.ws.recv(), left))
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                run.start_over()
            elif kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "page_not_found":
                run.exceptions.append(f"page not found: {msg.page_not_found.page_name}")
            elif kind == "delta":
                self._delta(msg.delta, run)
            elif kind == "script_finished":
                run.status = msg.script_finished
                if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    # the frontend drops the state of widgets the finished run did not draw
                    self.values = {i: v for i, v in self.values.items() if i in run.seen}
                    return run

    def _delta(self, delta, run: Run) -> None:
        if delta.WhichOneof("type") == "add_block":
            if delta.add_block.WhichOneof("type") == "expandable":
                run.kinds["expander"] += 1
            return
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if kind == "alert":
            run.alerts.append((proto.format, proto.body, time.perf_counter()))
            run.kinds[{Alert.WARNING: "warning", Alert.ERROR: "warning"}.get(proto.format, "info")] += 1
        elif kind == "exception":
            run.exceptions.append(f"{proto.type}: {proto.message}")
        elif kind == "markdown":
            kind = {Markdown.CAPTION: "caption", Markdown.DIVIDER: "divider"}.get(proto.element_type, "markdown")
            run.kinds[kind] += 1
        elif kind == "heading":
            run.kinds["markdown"] += 1
        else:
            run.kinds[kind] += 1
        widget_id = getattr(proto, "id", "") if kind != "alert" else ""
        if widget_id.startswith("$$ID-"):
            self._widget(kind, proto, widget_id, run)

    def _widget(self, kind: str, proto, widget_id: str, run: Run) -> None:
        """Note a widget drawn, and the value the browser would now hold for it."""
        run.seen.add(widget_id)
        parts = widget_id.split("-", 2)               # $$ID-<hash>-<user key>
        if len(parts) == 3 and parts[2] != "None":
            self.ids[parts[2]] = widget_id
        text = None
        if kind == "selectbox":
            if proto.set_value and proto.HasField("raw_value"):
                text = proto.raw_value
            elif widget_id not in self.values and proto.HasField("default") and proto.options:
                text = proto.options[proto.default]
        elif kind in ("text_area", "text_input"):
            if proto.set_value and proto.HasField("value"):
                text = proto.value
            elif widget_id not in self.values and proto.HasField("default"):
                text = proto.default
        if text is not None:
            self.values[widget_id] = WidgetState(id=widget_id, string_value=text)


# ---------------------------------------------------------------- people: what a session does

@dataclass
class Tally:
    """One session's results."""

    name: str
    saves: int = 0
    latencies: list[float] = field(default_factory=list)        # click to "Saved", seconds
    change_latencies: list[float] = field(default_factory=list)  # the change's rerun, seconds
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)           # the first few errors, as text
    last_saved: dict[str, str] = field(default_factory=dict)    # objective -> score last seen saved

    def error(self, kind: str, detail: str = "") -> None:
        self.errors[kind] += 1
        if len(self.examples) < 3:
            self.examples.append(f"{self.name}: {kind}{': ' + detail[:200] if detail else ''}")


class ScoringPerson:
    """Scores objectives of their own organisation's draft 2024 on the score page and saves."""

    def __init__(self, port: int, org: str, headers: dict[str, str] | None = None) -> None:
        self.org = org
        self.client = Client(port, f"org={org}&period={PERIOD}", page_name="score", headers=headers)
        self.turn = 0
        self.first_page: Run | None = None  # the page as first seen after a change (for the floor page)

    async def open(self, tally: Tally) -> None:
        run = await self.client.open()
        _check(run, tally)

    async def save_once(self, tally: Tally) -> None:
        objective = OBJECTIVES[self.turn % len(OBJECTIVES)]
        self.turn += 1
        key = f"score.{self.org}.{PERIOD}.{objective}.score"
        now = self.client.value(key)
        chosen = SCORES[(SCORES.index(now) + 1) % len(SCORES)] if now in SCORES else SCORES[0]

        start = time.perf_counter()
        run = await self.client.rerun(changed={key: chosen})
        tally.change_latencies.append(time.perf_counter() - start)
        self.first_page = self.first_page or run
        if not _check(run, tally):
            return
        if self.client.value(key) != chosen:
            tally.error("change not kept", f"objective {objective}: {self.client.value(key)!r}, not {chosen!r}")
            return

        clicked = time.perf_counter()
        run = await self.client.rerun(click="score.save")
        if not _check(run, tally):
            return
        saved = run.alert("Saved ", Alert.SUCCESS)
        if saved is None:
            tally.error("no Saved message", "; ".join(a[1] for a in run.alerts))
        elif f"objective {objective}" not in saved[1].replace("\\", ""):
            tally.error("saved something else", saved[1])
        else:
            tally.saves += 1
            tally.latencies.append(saved[2] - clicked)
            tally.last_saved[objective] = chosen


class FloorPerson:
    """The floor's person: on a bare page with the same elements, changes a selectbox and clicks a
    button (two reruns, as a save takes two requests from the browser)."""

    def __init__(self, port: int) -> None:
        self.client = Client(port)

    async def open(self, tally: Tally) -> None:
        _check(await self.client.open(), tally)

    async def save_once(self, tally: Tally) -> None:
        chosen = "b" if self.client.value("s0") != "b" else "c"
        start = time.perf_counter()
        run = await self.client.rerun(changed={"s0": chosen})
        tally.change_latencies.append(time.perf_counter() - start)
        if not _check(run, tally):
            return
        clicked = time.perf_counter()
        run = await self.client.rerun(click="b0")
        if not _check(run, tally):
            return
        saved = run.alert("Saved")
        if saved is None:
            tally.error("no Saved message")
        else:
            tally.saves += 1
            tally.latencies.append(saved[2] - clicked)


def _check(run: Run, tally: Tally) -> bool:
    """Count what went wrong in a run; True if nothing did."""
    if run.exceptions:
        tally.error("exception", run.exceptions[0])
        return False
    bad = [body for fmt, body, _ in run.alerts if fmt == Alert.ERROR or body.startswith("Nothing was saved")]
    if bad:
        tally.error("Nothing was saved" if any(b.startswith("Nothing was saved") for b in bad) else "error message",
                    bad[0])
        return False
    return True


async def _attempt(person, tally: Tally, action) -> None:
    """One thing a person does; after a timeout or a dropped connection, count it and open the page
    again (as a person would reload)."""
    try:
        await action(tally)
    except (asyncio.TimeoutError, WebSocketException, OSError, KeyError) as exc:
        tally.error({asyncio.TimeoutError: "timeout", KeyError: "widget missing"}.get(type(exc), "disconnected"),
                    repr(exc))
        try:
            await person.open(tally)
        except (asyncio.TimeoutError, WebSocketException, OSError) as again:
            tally.error("could not reopen", repr(again))
            await asyncio.sleep(1)


async def _warm_up(person, tally: Tally) -> None:
    """Open the page and save once, untimed."""
    await _attempt(person, tally, person.open)
    await _attempt(person, tally, person.save_once)


async def _live(person, tally: Tally, deadline: float, think: float, pace: random.Random) -> None:
    """Save, again and again, until the deadline (the save under way then is finished); with `think`,
    pause between saves for a time drawn at random with that mean (as people read and type), and
    begin after a pause drawn between 0 and `think` (people do not all click at the same moment)."""
    if think > 0:
        await asyncio.sleep(pace.uniform(0, think))
    while time.perf_counter() < deadline:
        await _attempt(person, tally, person.save_once)
        if think > 0:
            await asyncio.sleep(min(pace.expovariate(1 / think), max(0.0, deadline - time.perf_counter())))


# ---------------------------------------------------------------- servers and their figures

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int, *, children: bool = False) -> float:
    """utime + stime of a process (all its threads), and of its waited-for children if asked."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2:].split()   # fields from the 3rd (state) on
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children else 0)
    return ticks / CLOCK_TICKS


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    """One `streamlit run` process we started (and stop, by its id)."""

    def __init__(self, script: Path, env: dict[str, str], post_script_gc: bool, log: Path) -> None:
        self.port = _free_port()
        self.log = log
        command = [str(PYTHON), "-m", "streamlit", "run", str(script), "--server.headless=true",
                   "--server.address=127.0.0.1", f"--server.port={self.port}", "--browser.gatherUsageStats=false",
                   f"--runner.postScriptGC={'true' if post_script_gc else 'false'}"]
        with open(log, "wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def wait_healthy(self, limit: float = 90) -> None:
        until = time.monotonic() + limit
        while time.monotonic() < until:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped before it was ready (see {self.log}):\n"
                                   + self.log.read_text(errors="replace")[-2000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2) as answer:
                    if answer.read().decode().strip() == "ok":
                        return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"the server on port {self.port} was not healthy within {limit:.0f} s (see {self.log})")

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.process.pid)

    def stop(self) -> None:
        _stop(self.process)


class Proxy:
    """Caddy in front of the app's processes, with deploy/Caddyfile as a deployment has it: plain HTTP
    on a loopback port, sticky sessions by cookie, health checks on each process."""

    STICKY_SECRET = "bench-load"
    COOKIE = "assessment_server"

    def __init__(self, servers: list[Server], log: Path) -> None:
        self.port = _free_port()
        self.log = log
        self.upstreams = {_sticky(self.STICKY_SECRET, s.port): i for i, s in enumerate(servers)}
        env = {**os.environ, "ASSESSMENT_SITE": f"http://127.0.0.1:{self.port}",
               "ASSESSMENT_UPSTREAMS": " ".join(f"127.0.0.1:{s.port}" for s in servers),
               "ASSESSMENT_PROXY_BIND": "127.0.0.1", "ASSESSMENT_PROXY_ADMIN": "off",
               "ASSESSMENT_STICKY_SECRET": self.STICKY_SECRET}
        caddy = shutil.which("caddy")
        if caddy is None:
            raise RuntimeError("--proxy needs Caddy (apt-get install caddy, or bash scripts/system-deps.sh)")
        with open(log, "wb") as out:
            self.process = subprocess.Popen([caddy, "run", "--config", str(ROOT / "deploy" / "Caddyfile"),
                                             "--adapter", "caddyfile"], env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_healthy(self, limit: float = 30) -> None:
        until = time.monotonic() + limit
        while time.monotonic() < until:
            if self.process.poll() is not None:
                raise RuntimeError(f"Caddy stopped (see {self.log}):\n" + self.log.read_text(errors="replace")[-2000:])
            try:
                self.session()
                return
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"Caddy on port {self.port} did not answer within {limit:.0f} s (see {self.log})")

    def session(self) -> tuple[dict[str, str], int]:
        """A browser's first request through the proxy: the sticky cookie Caddy sets (as a header to
        send back) and which of the processes it names."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=5) as answer:
            cookies = [c.split(";", 1)[0] for c in answer.headers.get_all("Set-Cookie") or []]
        value = next((c.split("=", 1)[1] for c in cookies if c.startswith(self.COOKIE + "=")), "")
        if value not in self.upstreams:
            raise RuntimeError(f"Caddy set no sticky cookie naming one of the processes: {cookies}")
        return {"Cookie": f"{self.COOKIE}={value}"}, self.upstreams[value]

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        _stop(self.process)


def _stop(process: subprocess.Popen) -> None:
    """Stop a process started for the run: asked first (SIGTERM), killed after 15 seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _sticky(secret: str, port: int) -> str:
    """The value of Caddy's sticky cookie for the process on `port` (an HMAC-SHA256 of its address)."""
    import hashlib
    import hmac
    return hmac.new(secret.encode(), f"127.0.0.1:{port}".encode(), hashlib.sha256).hexdigest()


class Database:
    """Where the app's databases live: SQLite files in the temporary folder, or one throwaway
    PostgreSQL cluster holding a fresh database per measurement."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        self.folder = folder
        self.cluster = folder / "pg"
        self.url = ""
        if kind == "postgresql":
            started = subprocess.run(["bash", "scripts/pg-throwaway.sh", "start", str(self.cluster)], cwd=ROOT,
                                     capture_output=True, text=True)
            if started.returncode != 0:
                raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()}")
            self.url = started.stdout.strip().splitlines()[-1]

    def fresh(self, name: str) -> str:
        """The URL of a new, empty database called `name`."""
        if self.kind == "sqlite":
            return f"sqlite:///{self.folder / (name + '.db')}"
        from sqlalchemy import create_engine, make_url, text

        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def cpu(self) -> float | None:
        """CPU seconds of the PostgreSQL cluster so far: the postmaster, its live backends and those
        that have ended (counted in the postmaster's children's time). None for SQLite (in-process)."""
        if self.kind != "postgresql":
            return None
        postmaster = int((self.cluster / "postmaster.pid").read_text().split()[0])
        total = cpu_seconds(postmaster, children=True)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                    if int(stat[stat.rindex(")") + 2:].split()[1]) == postmaster:
                        total += cpu_seconds(int(entry.name))
                except (OSError, ValueError):
                    pass   # ended meanwhile
        return total

    def stop(self) -> None:
        if self.kind == "postgresql":
            subprocess.run(["bash", "scripts/pg-throwaway.sh", "stop", str(self.cluster)], cwd=ROOT,
                           capture_output=True)


# ---------------------------------------------------------------- the database, filled through the application layer

def fill(url: str, organisations: list[str]):
    """The example records, then each organisation as a copy of Medway's record with a draft 2024
    carried forward. Returns the store."""
    from assessment import workflows

    store = workflows.connect(url)
    workflows.ensure_examples(store)
    medway = workflows.queries.record(store, workflows.LOCAL_ACTOR, "medway").record
    for org in organisations:
        number = org.rsplit("-", 1)[-1]
        record = copy.deepcopy(medway)
        record = dataclasses.replace(record, organisation=dataclasses.replace(
            record.organisation, id=org, name=f"Council {number}"))
        workflows.import_record(store, workflows.LOCAL_ACTOR, record)
        workflows.start_period(store, workflows.LOCAL_ACTOR, org, PERIOD)
    return store


def app_layer_floor(store, org: str, saves: int = 40) -> dict[str, Any]:
    """Floor (a): the save a session does, through the application layer in this process: keep the
    draft of one objective's score, then save the drafts of the key area. CPU seconds per save."""
    from assessment import workflows
    from assessment.domain.edits import EntryEdit

    actor = workflows.LOCAL_ACTOR
    period = workflows.queries.record(store, actor, org).record.period(PERIOD)
    versions = {o: period.entries[o].version for o in OBJECTIVES}
    labels = {o: None for o in OBJECTIVES}

    def save(i: int) -> None:
        objective = OBJECTIVES[i % len(OBJECTIVES)]
        now = labels[objective]
        chosen = SCORES[(SCORES.index(now) + 1) % len(SCORES)] if now in SCORES else SCORES[0]
        workflows.keep_draft(store, actor, org, PERIOD, EntryEdit(objective, base_version=versions[objective],
                                                                  score=chosen))
        result = workflows.save_drafts(store, actor, org, PERIOD, [("objective", objective)])
        if result.saved != [("objective", objective)]:
            raise RuntimeError(f"floor (a): the application layer did not save objective {objective}: {result}")
        versions[objective] += 1
        labels[objective] = chosen

    for i in range(3):   # warm-up: every objective once
        save(i)
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(saves):
        save(i)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    view = workflows.queries.record(store, actor, org)
    stored = {o: view.record.period(PERIOD).entries[o].score.label(view.framework) for o in OBJECTIVES}
    if stored != labels:
        raise RuntimeError(f"floor (a): stored {stored}, saved {labels}")
    return {"saves": saves, "cpu_s_per_save": cpu / saves, "wall_s_per_save": wall / saves}


def lost_saves(store, tallies: list[Tally]) -> tuple[int, list[str]]:
    """Saves a session saw confirmed ("Saved") that the database does not hold."""
    from assessment import workflows

    lost, problems = 0, []
    for tally in tallies:
        view = workflows.queries.record(store, workflows.LOCAL_ACTOR, tally.name)
        entries = view.record.period(PERIOD).entries
        for objective, expected in tally.last_saved.items():
            stored = entries[objective].score.label(view.framework)
            if stored != expected:
                lost += 1
                problems.append(f"{tally.name} objective {objective}: saw {expected!r} saved, stored {stored!r}")
    return lost, problems


# ---------------------------------------------------------------- one measurement: N sessions on P processes

def _percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure(people: list, servers: list[Server], database: Database | None, seconds: float,
            think: float = 0.0, proxy: Proxy | None = None) -> dict[str, Any]:
    """Warm up every session (open the page, one save), then let them save for `seconds` and take the
    servers' CPU, the client's CPU and everyone's results over that window."""

    async def go() -> dict[str, Any]:
        tallies = [Tally(getattr(p, "org", f"floor-{i + 1:02d}")) for i, p in enumerate(people)]
        warm = [Tally(t.name) for t in tallies]
        await asyncio.gather(*(_warm_up(p, t) for p, t in zip(people, warm)))
        for t, w in zip(tallies, warm):   # warm-up errors count; its saves are not timed
            t.errors.update(w.errors)
            t.examples.extend(w.examples)
            t.last_saved.update(w.last_saved)
        server_before = [s.cpu() for s in servers]
        db_before = database.cpu() if database else None
        proxy_before = proxy.cpu() if proxy else None
        client_before, start = time.process_time(), time.perf_counter()
        deadline = start + seconds
        paces = [random.Random(i) for i in range(len(people))]   # the same pauses in every run
        await asyncio.gather(*(_live(p, t, deadline, think, pace) for p, t, pace in zip(people, tallies, paces)))
        elapsed = time.perf_counter() - start
        client_cpu = time.process_time() - client_before
        server_cpu = sum(s.cpu() for s in servers) - sum(server_before)
        db_cpu = database.cpu() - db_before if database and db_before is not None else None
        proxy_cpu = proxy.cpu() - proxy_before if proxy and proxy_before is not None else None
        for p in people:
            await p.client.close()
        return {"tallies": tallies, "elapsed_s": elapsed, "server_cpu_s": server_cpu, "client_cpu_s": client_cpu,
                "db_cpu_s": db_cpu, "proxy_cpu_s": proxy_cpu, "rss_mb": sum(s.peak_rss_mb() for s in servers),
                "rss_mb_per_process": [s.peak_rss_mb() for s in servers]}

    return asyncio.run(go())


def summarise(found: dict[str, Any]) -> dict[str, Any]:
    tallies: list[Tally] = found["tallies"]
    saves = sum(t.saves for t in tallies)
    latencies = [x for t in tallies for x in t.latencies]
    changes = [x for t in tallies for x in t.change_latencies]
    errors = sum((t.errors for t in tallies), Counter())

    def per_save(x):
        return x / saves if saves and x is not None else None

    return {
        "saves": saves, "elapsed_s": found["elapsed_s"], "saves_per_s": saves / found["elapsed_s"],
        "p50_s": _percentile(latencies, 50), "p95_s": _percentile(latencies, 95),
        "max_s": max(latencies) if latencies else None,
        "change_p50_s": _percentile(changes, 50), "change_p95_s": _percentile(changes, 95),
        "errors": sum(errors.values()), "errors_by_kind": dict(errors),
        "error_examples": [e for t in tallies for e in t.examples][:10],
        "server_cpu_s": found["server_cpu_s"], "cpu_s_per_save": per_save(found["server_cpu_s"]),
        "client_cpu_s": found["client_cpu_s"], "client_cpu_s_per_save": per_save(found["client_cpu_s"]),
        "db_cpu_s": found["db_cpu_s"], "db_cpu_s_per_save": per_save(found["db_cpu_s"]),
        "proxy_cpu_s": found.get("proxy_cpu_s"), "proxy_cpu_s_per_save": per_save(found.get("proxy_cpu_s")),
        "rss_mb": found["rss_mb"], "rss_mb_per_process": found["rss_mb_per_process"],
        "saves_per_session": [t.saves for t in tallies],
    }


def run_servers(script: Path, processes: int, env: dict[str, str], gc_on: bool, folder: Path, name: str
                ) -> list[Server]:
    servers = [Server(script, env, gc_on, folder / f"{name}-{i}.log") for i in range(processes)]
    try:
        for server in servers:
            server.wait_healthy()
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


# ---------------------------------------------------------------- the whole run

def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _numbers(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of whole numbers such as 1,5,10") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("give whole numbers of at least 1")
    return values


def main(argv: list[str]) -> int:
    if "--round" in argv:   # people answering a respondent round through their links (bench/load_round.py)
        from .load_round import main as round_main
        return round_main([arg for arg in argv if arg != "--round"])
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=_numbers, default=[1, 5, 10, 20], help="numbers of sessions, e.g. 1,5,10,20")
    parser.add_argument("--processes", type=_numbers, default=[1], help="app processes (a list runs each)")
    parser.add_argument("--seconds", type=float, default=30, help="timed seconds per measurement")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--post-script-gc", choices=("on", "off"), default="off",
                        help="Streamlit's runner.postScriptGC (a full garbage collection after every run); "
                             "off, as .streamlit/config.toml sets it for the app")
    parser.add_argument("--proxy", action="store_true",
                        help="measure each N and P a second time through Caddy (deploy/Caddyfile), beside the "
                             "direct figures; results in bench-results/load-proxy.json")
    parser.add_argument("--round", action="store_true",
                        help="instead: N people answering a respondent round through their links, each saving "
                             "every --think seconds, then submitting (python -m bench.load --round --help)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a person pauses between saves (drawn at random; default 0: each "
                             "saves again as soon as the last is saved, the heaviest load N people can make)")
    args = parser.parse_args(argv)
    gc_on = args.post_script_gc == "on"

    info = machine()
    print(f"Load benchmark on Python {info['python']}, {info['platform']}, {info['cpu_count']} CPUs; "
          f"{args.database}, post-script GC {args.post_script_gc}, {args.seconds:g} s per measurement, "
          f"{args.think:g} s mean pause between a person's saves")
    print("A fresh database and fresh servers for each measurement; the client runs in this process, "
          "on the same machine.")
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    rows: list[dict[str, Any]] = []
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    database = None
    try:
        database = Database(args.database, folder)
        floor_page: Path | None = None
        elements: dict[str, int] | None = None
        for processes in args.processes:
            for n in args.sessions:
                # a fresh database for each measurement, filled the same way: every N starts alike
                orgs = [f"council-{i:02d}" for i in range(1, n + 1)]
                url = database.fresh(f"load_p{processes}_n{n}")
                store = fill(url, [*orgs, "council-floor"])
                floor_a = app_layer_floor(store, "council-floor")
                env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}

                # the app: N people on their own organisations, spread round-robin over the processes
                servers = run_servers(ROOT / "app.py", processes, env, gc_on, folder, f"app-{processes}-{n}")
                try:
                    people = [ScoringPerson(servers[i % processes].port, orgs[i]) for i in range(n)]
                    found = measure(people, servers, database, args.seconds, args.think)
                finally:
                    for server in servers:
                        server.stop()
                app = summarise(found)
                lost, problems = lost_saves(store, found["tallies"])
                app["lost_saves"], app["lost_examples"] = lost, problems[:10]
                store.engine.dispose()
                proxied = (_through_proxy(database, f"load_p{processes}_n{n}_proxy", orgs, processes, gc_on, folder,
                                          args) if args.proxy else None)

                # floor (b): a bare page with the elements of the score page as a person first sees it
                # after a change (taken once, from the first measurement), the same N, P and time
                if floor_page is None:
                    page = next((p.first_page for p in people if p.first_page is not None), None)
                    if page is None:
                        raise RuntimeError("no session got as far as changing a score, so there is no page to "
                                           "count for the floor: " + "; ".join(app["error_examples"][:3]))
                    elements = {kind: page.kinds.get(kind, 0) for kind in KINDS}
                    floor_page = folder / "floor_page.py"
                    floor_page.write_text(floor_script(elements) + "if st.session_state.get('b0'):\n"
                                          "    st.success('Saved.')\n", encoding="utf-8")
                servers = run_servers(floor_page, processes, env, gc_on, folder, f"floor-{processes}-{n}")
                try:
                    people_b = [FloorPerson(servers[i % processes].port) for i in range(n)]
                    bare = summarise(measure(people_b, servers, None, args.seconds, args.think))
                finally:
                    for server in servers:
                        server.stop()

                floor = (floor_a["cpu_s_per_save"] + bare["cpu_s_per_save"]) if bare["cpu_s_per_save"] else None
                for via, measured in (("direct", app), ("proxy", proxied)):
                    if measured is None:
                        continue
                    cpu = measured["cpu_s_per_save"]
                    rows.append({"sessions": n, "processes": processes, "via": via, **measured, "floor_a": floor_a,
                                 "floor_b": bare, "floor_s_per_save": floor,
                                 "ratio": cpu / floor if floor and cpu else None})
                    print(f"  N={n:>3} P={processes} {via}: {measured['saves']} saves, "
                          f"{measured['saves_per_s']:.2f}/s, p50 {_ms(measured['p50_s'])}, "
                          f"p95 {_ms(measured['p95_s'])}, {measured['errors']} errors, {measured['lost_saves']} lost; "
                          f"floor (a) {_ms(floor_a['cpu_s_per_save'])}, floor page {bare['saves']} saves, "
                          f"{bare['errors']} errors", flush=True)
                    for example in measured["error_examples"][:3] + measured["lost_examples"][:3]:
                        print(f"      {example}")
                for example in bare["error_examples"][:2]:
                    print(f"      floor page: {example}")
    finally:
        if database is not None:
            database.stop()
        shutil.rmtree(folder, ignore_errors=True)

    _table(rows)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / ("load-proxy.json" if args.proxy else "load.json")
    out.write_text(json.dumps({
        "module": "load", "started": started.isoformat(timespec="seconds"),
        "elapsed_s": time.perf_counter() - clock, "machine": info,
        "options": {"sessions": args.sessions, "processes": args.processes, "seconds": args.seconds,
                    "database": args.database, "post_script_gc": args.post_script_gc, "think_s": args.think,
                    "proxy": "caddy (deploy/Caddyfile)" if args.proxy else None,
                    "servers_restarted_per_measurement": True, "fresh_database_per_measurement": True},
        "floor_page_elements": elements, "results": rows,
    }, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {out.relative_to(ROOT)}")
    return 1 if any(r["lost_saves"] for r in rows) else 0


def _through_proxy(database: Database, name: str, orgs: list[str], processes: int, gc_on: bool, folder: Path,
                   args: argparse.Namespace) -> dict[str, Any]:
    """The same measurement through Caddy: a fresh database filled the same way, fresh processes,
    Caddy in front; each session takes the process Caddy's cookie names."""
    url = database.fresh(name)
    store = fill(url, [*orgs, "council-floor"])
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    servers = run_servers(ROOT / "app.py", processes, env, gc_on, folder, f"{name}-app")
    proxy = None
    try:
        proxy = Proxy(servers, folder / f"{name}-caddy.log")
        proxy.wait_healthy()
        chosen = [proxy.session() for _ in orgs]
        people = [ScoringPerson(proxy.port, org, headers) for org, (headers, _) in zip(orgs, chosen)]
        found = measure(people, servers, database, args.seconds, args.think, proxy=proxy)
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()
    measured = summarise(found)
    lost, problems = lost_saves(store, found["tallies"])
    measured["lost_saves"], measured["lost_examples"] = lost, problems[:10]
    measured["sessions_per_process"] = [sum(1 for _, i in chosen if i == p) for p in range(processes)]
    store.engine.dispose()
    return measured


def _table(rows: list[dict[str, Any]]) -> None:
    header = (f"{'N':>4} {'proc':>4} {'via':>6} {'saves/s':>8} {'p50':>8} {'p95':>8} {'errors':>6} {'lost':>5} "
              f"{'RSS MB':>7} {'CPU s/save':>10} {'floor s/save':>12} {'ratio':>6}")
    print("\n" + header)
    print("-" * len(header))
    for r in rows:
        def number(x, f):
            return "-" if x is None else format(x, f)

        print(f"{r['sessions']:>4} {r['processes']:>4} {r['via']:>6} {r['saves_per_s']:>8.2f} {_ms(r['p50_s']):>8} "
              f"{_ms(r['p95_s']):>8} {r['errors']:>6} {r['lost_saves']:>5} {r['rss_mb']:>7.0f} "
              f"{number(r['cpu_s_per_save'], '.4f'):>10} {number(r['floor_s_per_save'], '.4f'):>12} "
              f"{number(r['ratio'], '.2f'):>5}x")
    print("CPU s/save: the app servers' CPU per save (the change and the save); floor: (a) the "
          "save through the application layer + (b) a bare page's two reruns, same N and processes.")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
