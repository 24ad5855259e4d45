"""Saves that race: two processes on one SQLite file, and a database that is busy or read-only.

Every stale save ends as the product's own conflict (never SQLAlchemy's StaleDataError); a busy
or read-only database gives one line, in the app and the command line alike.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys

from streamlit.testing.v1 import AppTest

from assessment import workflows
from assessment.domain.edits import EntryEdit
from assessment.workflows import LOCAL_ACTOR, Actor

from .conftest import ROOT, reopened, save_record, shown, stored

ROUNDS = 40


def _racer(url: str, name: str, barrier, results) -> None:
    store = workflows.connect(url)
    actor = Actor(name, every_right=True)
    for round_ in range(ROUNDS):
        barrier.wait(timeout=60)
        try:
            result = workflows.save_edits(store, actor, "medway", "2023",
                                          [EntryEdit("7", base_version=1 + round_, comment=f"{name} {round_}")])
            results.put((name, round_, "saved" if result.saved else "stale"))
        except Exception as exc:  # noqa: BLE001 - the test counts anything else as a failure
            results.put((name, round_, f"{type(exc).__name__}: {exc}"))
    store.engine.dispose()


def test_two_processes_saving_the_same_objective_on_sqlite(tmp_path, medway):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    store = workflows.connect(url)
    save_record(store, medway)
    reopened(store, "medway", "2023")
    store.engine.dispose()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    racers = [context.Process(target=_racer, args=(url, name, barrier, results)) for name in ("alice", "bob")]
    for racer in racers:
        racer.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * ROUNDS)]
    for racer in racers:
        racer.join(timeout=60)
    by_round = {r: sorted(o for _, rr, o in outcomes if rr == r) for r in range(ROUNDS)}
    assert all(found == ["saved", "stale"] for found in by_round.values()), \
        [o for o in outcomes if o[2] not in ("saved", "stale")][:5]
    entry = stored(workflows.connect(url), "medway").period("2023").entries["7"]
    assert entry.version == 1 + ROUNDS


def _lock(path) -> sqlite3.Connection:
    """Another program holding the write lock."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE settings SET value = value")
    return holder


def _cli(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assessment", "--database", url, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_a_busy_or_read_only_database_is_one_line_on_the_command_line(tmp_path, medway):
    path = tmp_path / "busy.db"
    save_record(workflows.connect(f"sqlite:///{path}"), medway)
    holder = _lock(path)
    try:
        busy = _cli(f"sqlite:///{path}?timeout=0.5", "period", "start", "2024", "--org", "medway")
    finally:
        holder.close()
    assert busy.returncode == 2 and "Traceback" not in busy.stderr
    assert busy.stderr.strip() == ("error: the database is busy: someone else is saving to it just now, so nothing "
                                   "was saved; please try again")
    read_only = _cli(f"sqlite:///file:{path}?mode=ro&uri=true", "period", "start", "2024", "--org", "medway")
    assert read_only.returncode == 2 and "Traceback" not in read_only.stderr
    assert read_only.stderr.strip() == ("error: the database is read-only here (a snapshot, or a file this process may "
                                        "not change), so nothing was changed; reading, exporting and backing it up "
                                        "still work")
    assert "2024" not in _cli(f"sqlite:///{path}", "orgs", "list").stdout


def test_a_busy_database_is_one_line_in_the_app(tmp_path, monkeypatch):
    path = tmp_path / "app.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}?timeout=0.5")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    holder = _lock(path)
    try:
        at.button(key="home.start").click().run()
    finally:
        holder.close()
    assert not at.exception, at.exception
    assert [e.value for e in shown(at.error)] == ["The database is busy: someone else is saving to it just now, so nothing "
                                           "was saved; please try again."]   # a sentence on a page
    assert [p.period for p in stored(workflows.connect(f"sqlite:///{path}"), "medway").periods] == ["2022", "2023"]
    assert LOCAL_ACTOR.name == "local user"
