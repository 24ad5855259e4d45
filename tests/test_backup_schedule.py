"""Backups on a schedule (issue 28, part 4): `backup --out-dir DIR --keep N` writes dated files and
keeps the newest N of its own; `restore FILE --check` restores into a throwaway database and compares
it with the live one, passing when the backup is whole and naming every difference when it is not;
the systemd timer and service run those two commands daily."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from assessment import workflows
from assessment.domain.errors import AssessmentError, NotAllowed
from assessment.workflows import LOCAL_ACTOR, SIGNED_OUT, Actor
from assessment.workflows.backups import DATED, dated_name

from .conftest import ROOT
from .test_backup import fill
from .test_cli import run  # noqa: F401 - a fixture

UNITS = ROOT / "deploy" / "systemd"
AT = datetime(2026, 12, 5, 3, 0, 17, tzinfo=timezone.utc)


@pytest.fixture
def filled(store, nps):
    """Both example records (Medway's with its plan), with history, an action's progress, settings
    and drafts (`test_backup.fill`), on SQLite and PostgreSQL."""
    fill(store, nps)
    return store


def damaged(data: bytes, change) -> bytes:
    """A backup's bytes after `change` (a function of the parsed file) has edited it."""
    parsed = json.loads(data)
    change(parsed)
    return json.dumps(parsed, indent=2, ensure_ascii=False).encode()


@pytest.fixture
def folder(tmp_path):
    """An empty folder for backups (tmp_path holds the SQLite database)."""
    made = tmp_path / "backups"
    made.mkdir()
    return made


def medway(parsed: dict) -> dict:
    return next(o for o in parsed["organisations"] if o["id"] == "medway")


# ---------------------------------------------------------------- the restore check

def test_a_whole_backup_passes_the_check(filled):
    data = workflows.backup(filled, LOCAL_ACTOR)
    found = workflows.check_backup(filled, LOCAL_ACTOR, data, source="whole.json")
    assert found.whole, (found.refused, found.differences)
    assert list(found.parts) == ["the deployment (people, settings, logs)", "medway", "medway's plan",
                                 "worcestershire"]
    assert found.parts["medway"].counts["assessments"] == 3 and found.parts["medway's plan"].counts["assessments"] == 2
    assert re.fullmatch(r".*2 settings; checksum [0-9a-f]{12}",
                        found.parts["the deployment (people, settings, logs)"].described())
    assert found.restored["organisations"] == 2
    # the live database is only read
    assert workflows.backup(filled, LOCAL_ACTOR) == data


def test_a_changed_score_is_named_with_its_period_and_objective(filled):
    data = workflows.backup(filled, LOCAL_ACTOR)

    def change(parsed):
        entry = next(e for a in medway(parsed)["assessments"] if a["record"] == "" and a["period"] == "2023"
                     for e in a["entries"] if e["item_id"] == "7")
        entry["score"] = 5.0
    found = workflows.check_backup(filled, LOCAL_ACTOR, damaged(data, change), source="changed.json")
    assert not found.whole and not found.refused
    assert len(found.differences) == 1
    assert re.fullmatch(r"medway: checksum [0-9a-f]{12} in the live database, [0-9a-f]{12} in the backup "
                        r"\(differs in 2023 objective 7\)", found.differences[0]), found.differences


def test_a_period_removed_is_named_count_by_count(filled):
    """A period taken out, with the header's counts made to agree (so that the file restores): the
    check names the period missing and every count that differs, for that record only."""
    data = workflows.backup(filled, LOCAL_ACTOR)

    def remove(parsed):
        plan = [a for a in medway(parsed)["assessments"] if a["record"] == "plan"]
        gone = plan[-1]
        medway(parsed)["assessments"].remove(gone)
        counts = parsed["counts"]
        counts["assessments"] -= 1
        counts["entries"] -= len(gone["entries"])
        counts["entry_history"] -= sum(len(e["history"]) for e in gone["entries"])
        counts["actions"] -= sum(len(e["actions"]) for e in gone["entries"])
        counts["action_updates"] -= sum(len(x["updates"]) for e in gone["entries"] for x in e["actions"])
        counts["drafts"] -= len(gone["drafts"])
        counts["covering_reports"] -= len(gone["covering"])
    found = workflows.check_backup(filled, LOCAL_ACTOR, damaged(data, remove), source="removed.json")
    assert not found.refused
    assert found.differences[0] == ("medway's plan: 2 periods in the live database, 1 in the backup "
                                    "(not in the backup: 2023/24)")
    assert re.fullmatch(r"medway's plan: \d+ entries in the live database, \d+ in the backup", found.differences[1])
    assert found.differences[-1].startswith("medway's plan: checksum ")
    assert all(line.startswith("medway's plan: ") for line in found.differences)


def test_a_period_removed_without_the_counts_cannot_be_restored(filled):
    data = workflows.backup(filled, LOCAL_ACTOR)
    found = workflows.check_backup(filled, LOCAL_ACTOR, damaged(data, lambda p: medway(p)["assessments"].pop(0)),
                                   source="cut.json")
    assert not found.whole and found.differences == []
    assert found.refused[0].startswith("cut.json has ") and found.refused[0].endswith(": nothing was restored")
    assert any(re.fullmatch(r"cut\.json:\d+: counts\.assessments: the header says \d+ but the file holds \d+ "
                            r"\(was the file cut short or edited\?\)", line) for line in found.refused), found.refused


def test_a_truncated_backup_fails_saying_where_it_stops(filled):
    data = workflows.backup(filled, LOCAL_ACTOR)
    found = workflows.check_backup(filled, LOCAL_ACTOR, data[:len(data) // 2], source="truncated.json")
    assert not found.whole
    assert len(found.refused) == 1 and re.fullmatch(r"truncated\.json:\d+: not valid JSON \(.*\): nothing was restored",
                                                    found.refused[0])


def test_an_organisation_and_a_person_missing_from_the_backup_are_named(filled):
    data = workflows.backup(filled, LOCAL_ACTOR)
    workflows.add_organisation(filled, LOCAL_ACTOR, "surrey", "Surrey County Council")
    workflows.add_person(filled, LOCAL_ACTOR, "head@surrey.gov.uk", "surrey", "administrator")
    found = workflows.check_backup(filled, LOCAL_ACTOR, data, source="old.json")
    deployment = "the deployment (people, settings, logs)"
    assert found.differences[0] == f"{deployment}: 1 person in the live database, 0 in the backup"
    assert found.differences[1] == f"{deployment}: 1 role in the live database, 0 in the backup"
    assert re.fullmatch(rf"{re.escape(deployment)}: checksum \w+ in the live database, \w+ in the backup "
                        r"\(differs in person head@surrey\.gov\.uk\)", found.differences[2])
    assert re.fullmatch(r"surrey: in the live database, not in the backup \(\d+ events?; checksum \w+\)",
                        found.differences[3]), found.differences


def test_only_the_deployments_administrator_checks_a_backup(filled):
    data = workflows.backup(filled, LOCAL_ACTOR)
    for actor in (SIGNED_OUT, Actor("head@medway.gov.uk", roles={"medway": "administrator"})):
        with pytest.raises(NotAllowed):
            workflows.check_backup(filled, actor, data, source="b.json")
    assert workflows.check_backup(filled, Actor("it@council.gov.uk", administers_deployment=True), data,
                                  source="b.json").whole


# ---------------------------------------------------------------- dated backups, the newest N kept

def test_dated_backups_keep_the_newest_n_and_leave_other_files_alone(filled, folder):
    others = ["notes.txt", "assessment-backup.json", "assessment-backup-2020-01-01T0000Z.json.bak",
              "assessment-backup-2020-01-01.json", "ASSESSMENT-BACKUP-2020-01-01T0000Z.json"]
    for name in others:
        (folder / name).write_text("not ours")
    (folder / "assessment-backup-2020-01-01T0000Z.json").mkdir()   # a folder with a backup's name: not a backup
    written = []
    for day in range(5):
        done = workflows.save_dated_backup(filled, LOCAL_ACTOR, folder, keep=3, now=AT + timedelta(days=day))
        written.append(done.path.name)
        assert done.kept == min(day + 1, 3)
    assert written[0] == "assessment-backup-2026-12-05T0300Z.json"
    assert done.removed == ["assessment-backup-2026-12-06T0300Z.json"]
    assert sorted(p.name for p in folder.iterdir() if DATED.fullmatch(p.name) and p.is_file()) == written[2:]
    assert all((folder / name).read_text() == "not ours" for name in others)
    assert (folder / "assessment-backup-2020-01-01T0000Z.json").is_dir()
    assert (folder / written[-1]).read_bytes() == workflows.backup(filled, LOCAL_ACTOR)
    assert (folder / written[-1]).stat().st_mode & 0o077 == 0   # the owner's only: it holds people's names
    assert not [p for p in folder.iterdir() if p.name.endswith(".partial")]


def test_a_dated_backup_never_overwrites_one(filled, folder):
    first = workflows.save_dated_backup(filled, LOCAL_ACTOR, folder, keep=5, now=AT)
    first.path.write_bytes(b"the earlier backup")
    second = workflows.save_dated_backup(filled, LOCAL_ACTOR, folder, keep=5, now=AT + timedelta(seconds=20))
    third = workflows.save_dated_backup(filled, LOCAL_ACTOR, folder, keep=5, now=AT)
    assert [second.path.name, third.path.name] == ["assessment-backup-2026-12-05T0300Z-2.json",
                                                   "assessment-backup-2026-12-05T0300Z-3.json"]
    assert first.path.read_bytes() == b"the earlier backup"
    # a clock put back: the backup just written is kept whatever its name says, the oldest go
    back = workflows.save_dated_backup(filled, LOCAL_ACTOR, folder, keep=2, now=AT - timedelta(days=400))
    assert back.path.exists() and back.removed == [second.path.name, first.path.name]
    assert sorted(p.name for p in folder.iterdir()) == sorted([back.path.name, third.path.name])


def test_a_backup_that_fails_half_way_leaves_no_file(filled, folder, monkeypatch):
    def full_disk(*args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(AssessmentError, match=r"cannot write a backup into .*: No space left on device"):
        workflows.save_dated_backup(filled, LOCAL_ACTOR, folder, keep=2, now=AT)
    assert list(folder.iterdir()) == []
    monkeypatch.undo()
    stale = folder / f".{dated_name(AT)}.999.partial"   # left by a run that was killed
    stale.write_text("{")
    os.utime(stale, (0, 0))
    workflows.save_dated_backup(filled, LOCAL_ACTOR, folder, keep=2, now=AT)
    assert [p.name for p in folder.iterdir()] == [dated_name(AT)]


def test_a_missing_folder_and_keep_0_are_refused(filled, folder):
    with pytest.raises(AssessmentError, match="there is no such folder"):
        workflows.save_dated_backup(filled, LOCAL_ACTOR, folder / "nowhere", keep=2)
    with pytest.raises(AssessmentError, match="--keep must be 1 or more"):
        workflows.save_dated_backup(filled, LOCAL_ACTOR, folder, keep=0)
    with pytest.raises(NotAllowed):
        workflows.save_dated_backup(filled, SIGNED_OUT, folder, keep=2)
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------- on the command line

@pytest.fixture
def cli(run):
    """`python -m assessment ...` on a database of the examples (test_cli's `run`)."""
    run("demo")
    return run


def test_backup_out_dir_keep_and_restore_check_on_the_command_line(cli, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("kept")
    for _ in range(3):
        out = cli("backup", "--out-dir", str(folder), "--keep", "2").stdout
    # three in a row are within a minute (…T0825Z.json, -2, -3) unless a minute turns between them
    assert re.fullmatch(r"wrote .*assessment-backup-\d{4}-\d\d-\d\dT\d{4}Z(-[23])?\.json \([\d,]+ bytes\); removed 1 "
                        r"older backup \(assessment-backup-\d{4}-\d\d-\d\dT\d{4}Z(-2)?\.json\); 2 dated backups in .*\n",
                        out), out
    assert sorted(p.name for p in folder.iterdir())[-1] == "notes.txt" and len(list(folder.iterdir())) == 3
    newest = max((p for p in folder.iterdir() if p.name != "notes.txt"), key=lambda p: p.stat().st_mtime_ns)
    passed = cli("restore", str(newest), "--check").stdout.splitlines()
    assert passed[0].startswith("the deployment (people, settings, logs): ")
    assert re.fullmatch(r"medway: .*2 periods, 118 entries, .*; checksum [0-9a-f]{12}", passed[1])
    assert passed[-1].startswith(f"restore check passed: {newest}, restored into a throwaway database, matches the "
                                 "database (2 organisations, ")
    changed = tmp_path / "changed.json"
    changed.write_bytes(damaged(newest.read_bytes(), lambda p: medway(p)["assessments"][1]["entries"][0].update(
        score=1.0)))
    failed = cli("restore", str(changed), "--check", code=2)
    assert failed.stdout == ""
    assert failed.stderr.splitlines()[0] == (f"restore check failed: {changed}, restored into a throwaway database, "
                                             "does not match the database (1 difference):")
    assert re.fullmatch(r"medway: checksum \w+ in the live database, \w+ in the backup \(differs in 2023 objective 1\)",
                        failed.stderr.splitlines()[1])
    cut = tmp_path / "cut.json"
    cut.write_bytes(newest.read_bytes()[:5000])
    lines = cli("restore", str(cut), "--check", code=2).stderr.splitlines()
    assert lines[0] == f"restore check failed: {cut} cannot be restored"
    assert re.fullmatch(r"cut\.json:\d+: not valid JSON \(.*\): nothing was restored", lines[1])


def test_backup_is_given_one_place_to_write(cli, tmp_path):
    for args in ((), ("--out", "a.json", "--out-dir", str(tmp_path)), ("--out", str(tmp_path / "a.json"), "--keep", "2")):
        said = cli("backup", *args, code=2).stderr
        assert said == "error: give --out FILE, or --out-dir DIR (with --keep N if you like) (see python -m assessment " \
                       "backup --help)\n"
    assert "is not in the range x>=1" in cli("backup", "--out-dir", str(tmp_path), "--keep", "0", code=2).stderr


# ---------------------------------------------------------------- the systemd units

def unit(name: str) -> dict[str, list[str]]:
    """A unit file's settings, each key with its values in order (comments left out)."""
    found: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def test_the_timer_runs_daily_and_makes_up_a_missed_day():
    timer = unit("assessment-backup.timer")
    assert timer["OnCalendar"] == ["*-*-* 03:00:00"] and timer["Persistent"] == ["true"]
    assert timer["WantedBy"] == ["timers.target"]
    service = unit("assessment-backup.service")
    assert service["Type"] == ["oneshot"] and service["UMask"] == ["0077"]
    assert "backup --out-dir ${BACKUP_DIR} --keep ${BACKUP_KEEP}" in service["ExecStart"][0]
    assert "restore --check" in service["ExecStartPost"][0]


def systemd_command(line: str, environment: dict[str, str]) -> list[str]:
    """A unit's command line as systemd runs it: ${NAME} is the setting's value, $$ a dollar sign."""
    expanded = re.sub(r"\$\$|\$\{(\w+)\}", lambda m: environment[m.group(1)] if m.group(1) else "$", line)
    return shlex.split(expanded)


def test_the_services_commands_write_a_backup_and_check_it(tmp_path):
    """ExecStart and ExecStartPost as systemd would run them (the app's folder being this one), against
    a database of the examples: a dated backup is written and the check passes."""
    service = unit("assessment-backup.service")
    environment = dict(pair.split("=", 1) for pair in service["Environment"][0].split())
    folder = tmp_path / "backups"
    folder.mkdir()
    environment.update(BACKUP_DIR=str(folder), BACKUP_KEEP="2")
    env = {**os.environ, **environment, "DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}"}
    subprocess.run([sys.executable, "-m", "assessment", "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    for line in (service["ExecStart"][0], service["ExecStartPost"][0]):
        command = [part.replace("/opt/assessment/.venv/bin/python", sys.executable)
                   for part in systemd_command(line, environment)]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    assert [p.name for p in folder.iterdir()][0].startswith("assessment-backup-")
    assert done.stdout.splitlines()[-1].startswith("restore check passed: ")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_units_pass_systemd_analyze_verify(tmp_path):
    """systemd's own check of the two units, with the app's paths pointed at this checkout."""
    for name in ("assessment-backup.service", "assessment-backup.timer"):
        text = (UNITS / name).read_text().replace("/opt/assessment/.venv/bin/python", sys.executable)
        (tmp_path / name).write_text(text.replace("/opt/assessment", str(ROOT)))
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", str(tmp_path / "assessment-backup.timer"),
                           str(tmp_path / "assessment-backup.service")], capture_output=True, text=True)
    problems = [line for line in done.stderr.splitlines() if "assessment-backup" in line]
    assert done.returncode == 0 and not problems, done.stderr
