"""Load benchmark, respondent round (issue 30): N people answering a round at once through their own
links, on one app process, each saving an answer every T seconds, then submitting.

    .venv/bin/python -m bench.load --round [--sessions 30] [--think 10] [--answers 5] [--processes 1]
                                           [--database sqlite|postgresql] [--mode confidential|anonymous]
                                           [--objectives 59]

What is measured. A fresh database (a SQLite file in a temporary folder, or a new database in a
throwaway PostgreSQL cluster) is filled through the application layer: the example records, Medway's
2024 started, a round opened on it asking the first --objectives objectives of NPS 2018 (all 59 by
default), and N people invited, each with a link of their own (departments and perspectives spread
among them). The app is started (`streamlit run app.py`, as `make run` does) and N sessions speak
Streamlit's own websocket protocol to it (the light client of `bench.load`, not N browsers), each
opening `/?link=TOKEN` as a respondent's browser does (the page takes the link out of the address
and keeps it in the session). Each person, starting at random within the first T seconds, then
--answers times: chooses an answer to the next objective (a level, a half step where the key area
allows one, now and then "don't know"), types a comment and presses **Save my answers** (the
questionnaire is a form: the answer and the comment go with the click, and choosing runs nothing),
and waits for "Saved." on the page: the time from the click to "Saved." is the save's latency. Between
saves they pause for a time drawn evenly between T/2 and 3T/2 (T on average). After the last save
and one more pause they press **Submit my answers** and wait for "Your answers are submitted"
(timed apart). Errors are exception elements, error alerts, no "Saved."/"submitted" message,
timeouts (over 30 s) and dropped connections.

Lost answers. At the end the database is read through the application layer: each person's last
answers seen saved (every objective answered so far, with its comment) must be what is stored:
their submitted answer set (`workflows.round_answers`, in a confidential round, which says who gave
it), or their draft where the submission failed (`workflows.questionnaire_by_link`); and every
objective's spread (`workflows.round_spread`: n, "don't know", the count at each level) must be the
one those answers make, which is the check an anonymous round allows.

For information, the server's CPU per save against a floor measured in the same run: the same save
through the application layer in this process, no Streamlit (`questionnaire_by_link` for the
click's rerun, and `answer_by_link` with every objective's answer, as the
page sends them), on a respondent of its own.

Approximate as `bench.load` is: the client shares the machine. Results go to
bench-results/load-round.json; the exit status is 1 if anything was lost or went wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from streamlit.proto.Alert_pb2 import Alert

from assessment.domain.rounds import DONT_KNOW

from .harness import machine
from .load import RESULTS_DIR, ROOT, Client, Database, Server, _attempt, _check, _ms, _percentile, run_servers
from .load import Tally as SessionTally

PERIOD = "2024"
ORG = "medway"
BLANK = "not answered"                 # the questionnaire's first choice (`ui.respondent.BLANK`)
DEPARTMENTS = ("Procurement", "Finance", "Legal", "Adult social care", "Highways", "Housing")
PERSPECTIVES = ("procurement officer", "service or commissioning officer", "finance", "legal", "senior manager")


@dataclass
class Tally(SessionTally):
    """One respondent's results: a session's (`load.Tally`), with their submission and what they saw
    saved."""

    submit_latencies: list[float] = field(default_factory=list)   # click to "submitted"
    submitted: bool = False
    saved: dict[str, tuple[str, str]] = field(default_factory=dict)   # objective -> (answer label, comment) seen saved


class Respondent:
    """One person answering through their link: a browser tab on `/?link=TOKEN`."""

    def __init__(self, port: int, n: int, token: str, items: list[str], choices: dict[str, list[str]],
                 pace: random.Random) -> None:
        self.n, self.token, self.items, self.choices, self.pace = n, token, items, choices, pace
        self.client = Client(port)
        self.turn = 0
        self.answers: dict[str, tuple[str, str]] = {}   # what the page holds, saved or not

    async def open(self, tally: Tally) -> None:
        """Open the link afresh (the page takes it out of the address, so a reload needs it again)."""
        self.client.query_string = f"link={self.token}"
        run = await self.client.open()
        if _check(run, tally) and "answer.save" not in self.client.ids:
            tally.error("no questionnaire", "; ".join(a[1] for a in run.alerts))

    async def save_once(self, tally: Tally) -> None:
        item = self.items[(self.n * 7 + self.turn) % len(self.items)]   # people start in different places
        self.turn += 1
        options = self.choices[item]
        label = DONT_KNOW if self.pace.random() < 0.08 else self.pace.choice(options)
        comment = f"Respondent {self.n}, answer {self.turn}: {label}"
        score_key, comment_key = f"answer.score.{item}", f"answer.comment.{item}"

        clicked = time.perf_counter()    # a form: the answer and the comment go with the click
        run = await self.client.rerun(changed={score_key: label, comment_key: comment}, click="answer.save")
        if not _check(run, tally):
            return
        if self.client.value(score_key) != label:
            tally.error("change not kept", f"objective {item}: {self.client.value(score_key)!r}, not {label!r}")
            return
        saved = run.alert("Saved.", Alert.SUCCESS)
        if saved is None:
            tally.error("no Saved message", "; ".join(a[1] for a in run.alerts))
            return
        tally.saves += 1
        tally.latencies.append(saved[2] - clicked)
        self.answers[item] = (label, comment)
        tally.saved = dict(self.answers)      # everything on the page was saved with this click

    async def submit(self, tally: Tally) -> None:
        clicked = time.perf_counter()
        run = await self.client.rerun(click="answer.submit")
        if not _check(run, tally):
            return
        done = run.alert("Your answers are submitted", Alert.SUCCESS)
        if done is None:
            tally.error("not submitted", "; ".join(a[1] for a in run.alerts))
            return
        tally.submitted = True
        tally.submit_latencies.append(done[2] - clicked)


async def _answer(person: Respondent, tally: Tally, answers: int, think: float) -> None:
    """Start at random within the first `think` seconds, save `answers` times with a pause of
    `think` on average (evenly between half and one and a half times it) after each, then submit."""
    await asyncio.sleep(person.pace.uniform(0, think))
    for _ in range(answers):
        await _attempt(person, tally, person.save_once)
        await asyncio.sleep(person.pace.uniform(think / 2, think * 3 / 2))
    await _attempt(person, tally, person.submit)


def measure(people: list[Respondent], servers: list[Server], database: Database, answers: int,
            think: float) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        tallies = [Tally(f"respondent-{p.n:02d}") for p in people]
        await asyncio.gather(*(_attempt(p, t, p.open) for p, t in zip(people, tallies)))   # untimed; errors count
        server_before, db_before = [s.cpu() for s in servers], database.cpu()
        db_after: float | None = None
        client_before, start = time.process_time(), time.perf_counter()
        await asyncio.gather(*(_answer(p, t, answers, think) for p, t in zip(people, tallies)))
        elapsed = time.perf_counter() - start
        db_after = database.cpu()
        found = {"tallies": tallies, "elapsed_s": elapsed,
                 "server_cpu_s": sum(s.cpu() for s in servers) - sum(server_before),
                 "client_cpu_s": time.process_time() - client_before,
                 "db_cpu_s": db_after - db_before if db_after is not None and db_before is not None else None,
                 "rss_mb": sum(s.peak_rss_mb() for s in servers)}
        for p in people:
            await p.client.close()
        return found

    return asyncio.run(go())


# ---------------------------------------------------------------- the database, through the application layer

@dataclass
class Prepared:
    store: Any
    round_id: int
    items: list[str]
    choices: dict[str, list[str]]       # objective -> the answers the questionnaire offers (levels)
    tokens: list[str]
    emails: list[str]
    floor_token: str


def prepare(url: str, sessions: int, objectives: int, mode: str) -> Prepared:
    """The examples, Medway's 2024 started, a round on its first `objectives` objectives, and one
    invitation with a link for each person (and one for the floor)."""
    from assessment import workflows
    from assessment.domain.scores import choice_labels

    store = workflows.connect(url)
    workflows.ensure_examples(store)
    actor = workflows.LOCAL_ACTOR
    workflows.start_period(store, actor, ORG, PERIOD)
    framework = workflows.queries.record(store, actor, ORG).framework
    items = list(framework.objectives)[:objectives]
    found = workflows.open_round(store, actor, ORG, PERIOD, closes=date.today() + timedelta(days=14), items=items,
                                 mode=mode)
    assert found.id is not None
    choices = {i: [c for c in choice_labels(framework, framework.key_area_of[i])[1:] if c != "n/a"] for i in items}
    tokens, emails = [], []
    for n in range(sessions + 1):
        email = f"respondent{n:02d}@partner.example" if n < sessions else "floor@partner.example"
        made = workflows.invite(store, actor, found.id, email, department=DEPARTMENTS[n % len(DEPARTMENTS)],
                                perspectives=[PERSPECTIVES[n % len(PERSPECTIVES)]])
        assert made.token is not None
        tokens.append(made.token)
        emails.append(email)
    return Prepared(store, found.id, items, choices, tokens[:-1], emails[:-1], tokens[-1])


def app_layer_floor(prepared: Prepared, saves: int = 30) -> dict[str, Any]:
    """The save a session makes, through the application layer in this process: the questionnaire
    read for the click's rerun, and every objective's answer saved.
    CPU seconds per save (on an invitation of its own, never submitted)."""
    from assessment import workflows

    store, token, items = prepared.store, prepared.floor_token, prepared.items
    given: dict[str, tuple[Any, str]] = {i: ("", "") for i in items}

    def save(i: int) -> None:
        item = items[i % len(items)]
        workflows.questionnaire_by_link(store, token)
        given[item] = (prepared.choices[item][i % len(prepared.choices[item])], f"Floor answer {i}")
        workflows.answer_by_link(store, token, given)

    for i in range(3):
        save(i)
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(saves):
        save(i)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"saves": saves, "cpu_s_per_save": cpu / saves, "wall_s_per_save": wall / saves}


def lost_answers(prepared: Prepared, people: list[Respondent], tallies: list[Tally], mode: str
                 ) -> tuple[int, list[str]]:
    """Answers a person saw saved that the database does not hold as they saved them; and any
    objective whose spread is not the one everyone's saved answers make."""
    from assessment import workflows
    from assessment.domain.rounds import Spread

    store, actor = prepared.store, workflows.LOCAL_ACTOR
    sets = workflows.round_answers(store, actor, prepared.round_id)
    by_email = {s.email: s for s in sets}
    lost, problems = 0, []

    def as_read(answer) -> tuple[str, str]:
        return (DONT_KNOW if answer.dont_know else answer.written, answer.comment)

    def same(label: str, read: tuple[str, str] | None, comment: str) -> bool:
        return read is not None and (label == read[0] or label.startswith(read[0] + " ")) and read[1] == comment

    for person, tally, email in zip(people, tallies, prepared.emails):
        if tally.submitted and mode == "anonymous":
            continue                      # nothing says which set is whose: matched as a whole below
        if tally.submitted:
            stored = {a.objective_id: as_read(a) for a in by_email[email].answers} if email in by_email else {}
        else:
            stored = {i: as_read(a) for i, a in workflows.questionnaire_by_link(store, person.token).answers.items()}
        for item, (label, comment) in tally.saved.items():
            if not same(label, stored.get(item), comment):
                lost += 1
                problems.append(f"{tally.name} objective {item}: saw {label!r} ({comment!r}) saved, "
                                f"stored {stored.get(item)}")
    if mode == "anonymous":
        # each comment names its respondent, so every submitted set is matched to one person's answers
        kept = Counter(frozenset((a.objective_id, *as_read(a)) for a in s.answers) for s in sets)
        for tally in tallies:
            if not tally.submitted:
                continue
            wanted = next((k for k in kept if kept[k] and len(k) == len(tally.saved) and all(
                any(i == item and same(label, (w, c), comment) for i, w, c in k)
                for item, (label, comment) in tally.saved.items())), None)
            if wanted is None:
                lost += len(tally.saved)
                problems.append(f"{tally.name}: no submitted answer set holds the answers they saw saved")
            else:
                kept[wanted] -= 1
    figures = workflows.round_spread(store, actor, prepared.round_id)
    if mode == "anonymous" and figures.answered < figures.round.k:
        return lost, problems             # no spread is shown below k people: checked above only
    expected: dict[str, Counter] = {i: Counter() for i in prepared.items}
    for tally in tallies:
        if tally.submitted:
            for item, (label, _) in tally.saved.items():
                expected[item][label.split(" ", 1)[0]] += 1     # "3 – Mature" -> "3"; "don't" -> don't know
    for item in prepared.items:
        want = expected[item]
        dont_know = want.pop("don't", 0)
        found = figures.objectives[item]
        got = ((found.n, found.dont_know, {written(v): c for v, c in found.counts.items()})
               if isinstance(found, Spread) else (0, 0, {}))
        if got != (sum(want.values()), dont_know, dict(want)):
            lost += 1
            problems.append(f"objective {item}: the spread holds {got}, the answers saved make "
                            f"{(sum(want.values()), dont_know, dict(want))}")
    return lost, problems


def written(value: float) -> str:
    from assessment.domain.scores import written_value
    return written_value(value)


# ---------------------------------------------------------------- the run

def summarise(found: dict[str, Any]) -> dict[str, Any]:
    tallies: list[Tally] = found["tallies"]
    saves = sum(t.saves for t in tallies)
    latencies = [x for t in tallies for x in t.latencies]
    submits = [x for t in tallies for x in t.submit_latencies]
    changes = [x for t in tallies for x in t.change_latencies]
    errors = sum((t.errors for t in tallies), Counter())

    def per_save(x):
        return x / saves if saves and x is not None else None

    return {
        "saves": saves, "submitted": sum(t.submitted for t in tallies), "elapsed_s": found["elapsed_s"],
        "saves_per_s": saves / found["elapsed_s"],
        "p50_s": _percentile(latencies, 50), "p95_s": _percentile(latencies, 95),
        "max_s": max(latencies) if latencies else None,
        "change_p50_s": _percentile(changes, 50), "change_p95_s": _percentile(changes, 95),
        "submit_p50_s": _percentile(submits, 50), "submit_p95_s": _percentile(submits, 95),
        "submit_max_s": max(submits) if submits else None,
        "errors": sum(errors.values()), "errors_by_kind": dict(errors),
        "error_examples": [e for t in tallies for e in t.examples][:10],
        "server_cpu_s": found["server_cpu_s"], "cpu_s_per_save": per_save(found["server_cpu_s"]),
        "client_cpu_s": found["client_cpu_s"], "client_cpu_s_per_save": per_save(found["client_cpu_s"]),
        "db_cpu_s": found["db_cpu_s"], "db_cpu_s_per_save": per_save(found["db_cpu_s"]),
        "rss_mb": found["rss_mb"], "saves_per_session": [t.saves for t in tallies],
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load --round", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30, help="people answering at once (default 30)")
    parser.add_argument("--think", type=float, default=10.0,
                        help="mean seconds between a person's saves (default 10; shorter for a quick run)")
    parser.add_argument("--answers", type=int, default=5, help="saves each person makes before submitting")
    parser.add_argument("--processes", type=int, default=1, help="app processes, people spread round-robin (default 1)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--mode", choices=("confidential", "anonymous"), default="confidential",
                        help="the round's mode (anonymous: each person's answers checked through the spreads only)")
    parser.add_argument("--objectives", type=int, default=59, help="objectives the round asks (NPS 2018's first N)")
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.answers < 1 or args.processes < 1 or not 1 <= args.objectives <= 59 \
            or args.think < 0:
        parser.error("sessions, answers and processes are at least 1, objectives 1 to 59, think 0 or more")

    info = machine()
    print(f"Round load on Python {info['python']}, {info['platform']}, {info['cpu_count']} CPUs; {args.database}; "
          f"{args.sessions} people answering {args.objectives} objectives through their links on {args.processes} "
          f"process(es), {args.answers} saves each, {args.think:g} s between saves on average, then submitting "
          f"({args.mode} round)")
    print("Streamlit's own websocket protocol (the light client of bench.load), not browsers; the client runs in "
          "this process, on the same machine.")
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="bench-load-round-"))
    database = None
    try:
        database = Database(args.database, folder)
        url = database.fresh("load_round")
        prepared = prepare(url, args.sessions, args.objectives, args.mode)
        floor = app_layer_floor(prepared)
        env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
        servers = run_servers(ROOT / "app.py", args.processes, env, False, folder, "app-round")
        try:
            people = [Respondent(servers[n % args.processes].port, n, token, prepared.items, prepared.choices,
                                 random.Random(n)) for n, token in enumerate(prepared.tokens)]
            found = measure(people, servers, database, args.answers, args.think)
        finally:
            for server in servers:
                server.stop()
        result = summarise(found)
        result["lost"], problems = lost_answers(prepared, people, found["tallies"], args.mode)
        result["lost_examples"] = problems[:10]
        result["floor_a"] = floor
        result["ratio"] = (result["cpu_s_per_save"] / floor["cpu_s_per_save"]
                           if result["cpu_s_per_save"] and floor["cpu_s_per_save"] else None)
        prepared.store.engine.dispose()
    finally:
        if database is not None:
            database.stop()
        shutil.rmtree(folder, ignore_errors=True)

    r = result
    print(f"\n{r['saves']} saves by {args.sessions} people in {r['elapsed_s']:.1f} s ({r['saves_per_s']:.2f}/s), "
          f"{r['submitted']} of {args.sessions} submitted")
    print(f"save, click to \"Saved.\":  p50 {_ms(r['p50_s'])}, p95 {_ms(r['p95_s'])}, max {_ms(r['max_s'])}"
          f"   (aim: p95 under 1 s: {'met' if r['p95_s'] is not None and r['p95_s'] < 1 else 'NOT MET'})")
    print(f"submit: p50 {_ms(r['submit_p50_s'])}, p95 {_ms(r['submit_p95_s'])}, max {_ms(r['submit_max_s'])}")
    print(f"errors {r['errors']}{' ' + json.dumps(r['errors_by_kind']) if r['errors'] else ''}, lost {r['lost']}; "
          f"server memory {r['rss_mb']:.0f} MB")
    print(f"server CPU {_ms(r['cpu_s_per_save'])} a save (its rerun, and a share of the "
          f"submits); the application layer's part measured alone {_ms(floor['cpu_s_per_save'])} "
          f"({_ratio(r['ratio'])}, for information: the rest is Streamlit drawing the questionnaire)")
    for example in r["error_examples"][:5] + r["lost_examples"][:5]:
        print(f"    {example}")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / "load-round.json"
    out.write_text(json.dumps({
        "module": "load-round", "started": started.isoformat(timespec="seconds"),
        "elapsed_s": time.perf_counter() - clock, "machine": info,
        "options": {"sessions": args.sessions, "think_s": args.think, "answers": args.answers,
                    "processes": args.processes, "database": args.database, "mode": args.mode,
                    "objectives": args.objectives, "driven_by": "Streamlit websocket protocol (bench.load.Client)"},
        "result": r,
    }, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {out.relative_to(ROOT)}")
    return 1 if r["lost"] or r["errors"] or r["submitted"] != args.sessions else 0


def _ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
