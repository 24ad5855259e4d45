"""The repository stands alone, and the app it starts is reachable from this machine only."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from .conftest import ROOT

SOURCES = [p for folder in ("assessment", "tests", "bench", "scripts", ".ci") for p in (ROOT / folder).rglob("*")
           if p.is_file() and p.suffix in (".py", ".sh", "") and "fixtures" not in p.parts
           and "__pycache__" not in p.parts] + [ROOT / "app.py", ROOT / "Makefile"]


def test_nothing_reads_outside_the_repository():
    """Seeds and fixtures live under tests/fixtures; no path climbs out of the clone (to the team's
    shared folder beside it, or anywhere else)."""
    pattern = re.compile(r"""\.\./shared|parent\s*/\s*["']shared["']|ROOT\.parent""")
    offenders = [str(p.relative_to(ROOT)) for p in SOURCES
                 if p != ROOT / "tests" / "test_standalone.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert len(SOURCES) > 40
    assert offenders == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _other_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent, the kernel picks a route
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_make_run_listens_on_loopback_only(tmp_path):
    """`make run` (the README's command) answers on 127.0.0.1 and refuses this machine's other address."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}"}
    process = subprocess.Popen(["make", "-s", "run", f"PORT={port}"], cwd=ROOT, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                assert urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok"
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("make run did not start the app")
                time.sleep(0.3)
        listening = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True)
        if listening.returncode == 0:
            addresses = {line.split()[3].rsplit(":", 1)[0] for line in listening.stdout.splitlines() if line.strip()}
            assert addresses == {"127.0.0.1"}, listening.stdout
        other = _other_address()
        if other is not None:
            with pytest.raises(OSError):
                socket.create_connection((other, port), timeout=2).close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
