"""Edges of the formats that come in from outside: YAML tags, `validate` over several files, backups
with scores off the scale or ids below 1, SQLAlchemy's read-only SQLite URL, and an appendix asked
for the same period twice. Each is refused (or answered) in one line, exit status 2 on the command
line, and nothing is written where a refusal says so."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from docx import Document

from assessment import cli as cli_module
from assessment import workflows
from assessment.domain import limits
from assessment.domain.errors import InvalidBackup, InvalidFile
from assessment.formats.yaml_source import parse_yaml, read_yaml
from assessment.storage.backup import restore
from assessment.storage.store import READ_ONLY, open_store

from .conftest import FIXTURES, ROOT

GOOD = "frameworks/nps-2018.yaml"
GOOD_LINE = f"{GOOD}: valid framework nps-2018 version 2018 (14 key areas, 59 objectives)"


def run(*args: str, database: str | None = None) -> subprocess.CompletedProcess:
    """`python -m assessment ...` as a user runs it; never a traceback."""
    env = {k: v for k, v in os.environ.items() if k not in ("ASSESSMENT_DEBUG", "DATABASE_URL")}
    prefix = ["--database", database] if database else []
    done = subprocess.run([sys.executable, "-m", "assessment", *prefix, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr, done.stderr
    return done


# ---------------------------------------------------------------- (b) YAML tags

@pytest.mark.parametrize("text, line, shown", [
    ("organisation:\n  id: x\n  name: !!python/object:os.system x\n", 3, "!!python/object:os.system"),
    ("a: 1\nb: !!python/object/apply:os.system [echo]\n", 2, "!!python/object/apply:os.system"),
    ("a: !!binary aGVsbG8=\n", 1, "!!binary"),
    ("a: !!str 3\n", 1, "!!str"),
    ("a: !!float .inf\n", 1, "!!float"),            # a tag let .inf past the check of numbers
    ("a: !foo x\n", 1, "!foo"),
    ("a: ! 3\n", 1, "!"),                            # the non-specific tag
    ("--- !foo\na: 1\n", 1, "!foo"),                  # on the document's own mapping
    ("a:\n  - 1\n  - !!map {b: 1}\n", 3, "!!map"),    # on a mapping in a list
    ("!!str k: 1\n", 1, "!!str"),                     # on a key
    ("%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n", 3, "tag:example.com,2000:x"),
])
def test_a_yaml_tag_anywhere_is_refused_naming_the_file_and_line(text, line, shown):
    with pytest.raises(InvalidFile) as caught:
        parse_yaml(text.encode(), "rec.yaml")
    (problem,) = caught.value.problems
    assert str(problem) == (f"rec.yaml:{line}: (yaml syntax): YAML tags ({shown}) are not read; write the value "
                            "plainly, without the tag")


def test_text_that_only_looks_like_a_tag_is_read():
    data, _ = parse_yaml(b"a: '!!str'\nb: x !y\nc: \"!foo\"\n", "rec.yaml")
    assert data == {"a": "!!str", "b": "x !y", "c": "!foo"}


def test_validate_refuses_a_tag_in_one_line_and_goes_on_to_the_next_file(tmp_path):
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("organisation:\n  id: x\n  name: !!python/object:os.system x\n", encoding="utf-8")
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    done = run("validate", str(tagged), str(empty), "no-such.yaml", GOOD)
    assert done.returncode == 2
    assert done.stdout == GOOD_LINE + "\n"
    assert done.stderr.splitlines() == [
        f"{tagged}:3: (yaml syntax): YAML tags (!!python/object:os.system) are not read; write the value "
        "plainly, without the tag",
        f"{empty}:1: (file): the file is empty",
        "no-such.yaml:1: (file): no such file"]


def test_validate_goes_on_after_a_file_it_could_not_check(tmp_path, monkeypatch, capsys):
    """A failure that is not the file's fault (a bug) is said in one line, the other files are still
    checked, and the exit status is 1 (as for any unexpected failure), not 0."""
    broken, bad = tmp_path / "broken.yaml", tmp_path / "bad.yaml"
    broken.write_text("a: 1\n", encoding="utf-8")
    bad.write_text("a: [1\n", encoding="utf-8")
    real = cli_module.read_yaml

    def read(path, *args, **kwargs):
        if Path(path) == broken:
            raise RuntimeError("something broke\nsecond line")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(cli_module, "read_yaml", read)
    monkeypatch.delenv("ASSESSMENT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        cli_module.main(["validate", str(broken), str(bad), GOOD])
    assert exited.value.code == 1
    out, err = capsys.readouterr()
    assert out == GOOD_LINE + "\n"
    assert err.splitlines() == [
        f"error: unexpected RuntimeError while checking {broken}: something broke (set ASSESSMENT_DEBUG=1 for "
        "details)",
        f"{bad}:2: (yaml syntax): while parsing a flow sequence (from line 1): did not find expected ',' or ']'"]


def test_validate_goes_on_past_a_folder_it_cannot_list(tmp_path, monkeypatch, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    real = Path.glob

    def glob(self, pattern):
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real(self, pattern)

    monkeypatch.setattr(Path, "glob", glob)
    with pytest.raises(SystemExit) as exited:
        cli_module.main(["validate", str(locked), GOOD])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert (out, err) == (GOOD_LINE + "\n", f"{locked}: (file): cannot be read: Permission denied\n")


def test_a_pipe_is_read_no_further_than_the_size_limit(tmp_path):
    """A pipe or device has no size to look at first (/dev/zero never ends): no more than the limit
    is read, and the writer is cut off soon after it (it would otherwise write 64 MB)."""
    fifo = tmp_path / "endless.yaml"
    os.mkfifo(fifo)
    written = [0]

    def write() -> None:
        chunk = b"a" * 2**20
        try:
            with open(fifo, "wb") as pipe:
                for _ in range(64):
                    pipe.write(chunk)
                    written[0] += len(chunk)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    with pytest.raises(InvalidFile) as caught:
        read_yaml(fifo, "endless.yaml")
    writer.join(timeout=30)
    assert str(caught.value) == ("endless.yaml:1: (file): holds more than 4 MB; framework and record files of up "
                                 "to 4 MB are read")
    assert written[0] <= limits.YAML_BYTES + 2 * 2**20


# ---------------------------------------------------------------- (c) backups off the scale

MINIMAL = FIXTURES / "backups" / "minimal.json"


def _minimal() -> dict:
    return json.loads(MINIMAL.read_text(encoding="utf-8"))


def _refused(tmp_path, data: dict) -> list[str]:
    """The problems a restore names (as lines), having checked that it wrote nothing."""
    store = open_store(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        with pytest.raises(InvalidBackup) as caught:
            restore(store, json.dumps(data, indent=2, ensure_ascii=False).encode(), source="b.json")
        assert workflows.queries.organisations(store, workflows.LOCAL_ACTOR) == []
        assert workflows.backup(store, workflows.LOCAL_ACTOR).count(b'"organisations": []') == 1
    finally:
        store.engine.dispose()
    lines = str(caught.value).splitlines()
    assert lines[0] == f"b.json has {len(lines) - 1} problem{'s' if len(lines) > 2 else ''}: nothing was restored"
    return [line.split(": ", 1)[1] for line in lines[1:]]   # without "  b.json:LINE"


@pytest.mark.parametrize("value, message", [
    (7, "'7' is not a level of the scale (levels 1–5)"),
    (0, "'0' is not a level of the scale (levels 1–5)"),
    (-1, "'-1' is not a level of the scale (levels 1–5)"),
    (2.7, "'2.7' is not a level or a half step (levels 1–5)"),
    (5.5, "'5.5' is outside the scale (levels 1–5)"),
    (0.5, "'0.5' is outside the scale (levels 1–5)"),
])
def test_a_score_target_or_baseline_off_the_scale_refuses_the_whole_restore(tmp_path, value, message):
    data = _minimal()
    org = data["organisations"][0]
    entry = org["assessments"][0]["entries"][0]
    org["baselines"][0]["score"] = value
    entry["score"] = value
    entry["target"] = value
    entry["history"][0]["score"] = value
    at = "organisations[0]"
    entry_at = f"{at}.assessments[0].entries[0]"
    assert _refused(tmp_path, data) == [f"{at}.baselines[0].score: {message}", f"{entry_at}.score: {message}",
                                        f"{entry_at}.target: {message}", f"{entry_at}.history[0].score: {message}"]


def test_whole_levels_and_half_steps_on_the_scale_restore(tmp_path):
    data = _minimal()
    entry = data["organisations"][0]["assessments"][0]["entries"][0]
    entry["score"], entry["target"] = 1, 4.5          # a whole number, as JSON may write a float
    store = open_store(f"sqlite:///{tmp_path / 'ok.db'}")
    try:
        assert restore(store, json.dumps(data).encode())["entries"] == 2
    finally:
        store.engine.dispose()


@pytest.mark.parametrize("where, key, value, floor", [
    (("entries", 0), "version", 0, 1),
    (("entries", 0, "history", 0), "version", 0, 1),
    (("entries", 0, "history", 0), "event_id", 0, 1),
    (("entries", 0, "actions", 0), "id", 0, 1),
    (("entries", 0, "actions", 0), "id", -5, 1),
    (("events", 2), "id", 0, 1),
    (("drafts", 0), "base_version", -1, 0),          # 0 is a draft of an entry never saved
])
def test_ids_and_versions_below_one_refuse_the_whole_restore(tmp_path, where, key, value, floor):
    data = _minimal()
    org = data["organisations"][0]
    if where[0] == "events":
        row, at = org["events"][where[1]], f"organisations[0].events[{where[1]}]"
    else:
        assessment = org["assessments"][1 if where[0] == "drafts" else 0]
        row = assessment[where[0]][where[1]]
        at = f"organisations[0].assessments[{1 if where[0] == 'drafts' else 0}].{where[0]}[{where[1]}]"
        if len(where) > 2:
            row, at = row[where[2]][where[3]], f"{at}.{where[2]}[{where[3]}]"
    row[key] = value
    assert _refused(tmp_path, data) == [f"{at}.{key}: Input should be greater than or equal to {floor}"]


def test_the_command_line_refuses_a_backup_off_the_scale_and_writes_nothing(tmp_path):
    data = _minimal()
    data["organisations"][0]["assessments"][1]["entries"][0]["score"] = 7
    path = tmp_path / "seven.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    done = run("restore", str(path), database=database)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[0] == "error: seven.json has 1 problem: nothing was restored"
    assert done.stderr.splitlines()[1].endswith(
        ": organisations[0].assessments[1].entries[0].score: '7' is not a level of the scale (levels 1–5)")
    assert run("orgs", "list", database=database).stdout.startswith("no organisations yet")


# ---------------------------------------------------------------- (d) sqlite:////path?mode=ro&uri=true

def test_sqlalchemys_read_only_url_form_reads_refuses_writes_and_makes_no_file(tmp_path):
    folder = tmp_path / "db"
    path = folder / "file.db"
    store = workflows.connect(f"sqlite:///{path}")
    workflows.ensure_examples(store)
    store.engine.dispose()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    url = f"sqlite:///{path}?mode=ro&uri=true"   # sqlite:////abs/path/file.db?mode=ro&uri=true
    assert url.startswith("sqlite:////")
    listed = run("orgs", "list", database=url)
    assert (listed.returncode, listed.stdout.splitlines()) == (0, [
        "medway\tMedway Council\t2022, 2023", "worcestershire\tWorcestershire County Council\t2022"])
    refused = run("orgs", "add", "kent", "--name", "Kent County Council", database=url)
    assert (refused.returncode, refused.stderr) == (2, f"error: {READ_ONLY}\n")
    opened = open_store(url)
    assert opened.read_only
    opened.engine.dispose()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    # no "file.db?mode=ro" beside it (nor an empty database): only SQLite's own WAL files
    assert {p.name for p in folder.iterdir()} <= {"file.db", "file.db-wal", "file.db-shm"}


def test_the_read_only_url_form_of_a_missing_file_makes_no_file_or_folder(tmp_path):
    url = f"sqlite:///{tmp_path / 'none' / 'file.db'}?mode=ro&uri=true"
    done = run("orgs", "list", database=url)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and done.stderr.startswith("error: ")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- (e) an appendix's periods named twice

def _period_columns(path: Path) -> list[str]:
    """The headings of the appendix's objectives table that name a period ("2023 Score", ...)."""
    table = next(t for t in Document(str(path)).tables if t.rows[0].cells[0].text == "#")
    return [cell.text for cell in table.rows[0].cells if cell.text[:1].isdigit()]


def test_an_appendix_asked_for_a_period_twice_shows_it_once_in_the_order_first_named(tmp_path):
    database = f"sqlite:///{tmp_path / 'appendix.db'}"
    assert run("demo", database=database).returncode == 0
    twice = tmp_path / "twice.docx"
    done = run("export", "appendix", "--org", "medway", "--periods", "2023,2023", "--out", str(twice),
               database=database)
    assert done.returncode == 0, done.stderr
    assert _period_columns(twice) == ["2023 Score", "2023 Comments and Action"]
    mixed = tmp_path / "mixed.docx"
    done = run("export", "appendix", "--org", "medway", "--periods", "2023", "--periods", " 2022, 2023,2022",
               "--out", str(mixed), database=database)
    assert done.returncode == 0, done.stderr
    assert _period_columns(mixed) == ["2023 Score", "2023 Comments and Action", "2022 Score",
                                      "2022 Comments and Action"]
