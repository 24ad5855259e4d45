"""Every CLI command, run as a user would: `python -m assessment ...` in a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from assessment.cli import cli

from .conftest import FIXTURES, ROOT


@pytest.fixture
def run(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def run(*args: str, code: int = 0) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "assessment", "--database", url, *args],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == code, (result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        return result
    return run


def test_validate_good_files(run):
    out = run("validate", "frameworks/nps-2018.yaml", "data/examples/medway.yaml",
              "data/examples/worcestershire.yaml").stdout
    assert "valid framework nps-2018 version 2018 (14 key areas, 59 objectives)" in out
    assert "valid record for Medway Council (2 periods: 2022, 2023)" in out


def test_validate_reports_every_problem_with_file_and_line(run):
    bad = FIXTURES / "records" / "bad" / "many_problems.yaml"
    result = run("validate", "frameworks/nps-2018.yaml", str(bad), code=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len((bad.with_suffix(".expected")).read_text(encoding="utf-8").strip().splitlines())
    assert all(re.match(rf"^{re.escape(str(bad))}:\d+: ", line) for line in lines)


def test_validate_a_missing_file(run):
    assert "no-such.yaml:1: (file): no such file" in run("validate", "no-such.yaml", code=2).stderr


def test_framework_show_json_shape(run):
    data = json.loads(run("framework", "show", "nps-2018", "--format", "json").stdout)
    assert {"id", "title", "version", "levels", "themes"} <= set(data)
    assert data["levels"][2] == {"value": 3, "name": "Mature"}
    ka = data["themes"][0]["key_areas"][0]
    assert {"id", "title", "rubric", "objectives"} <= set(ka) and set(ka["rubric"]) == {"1", "2", "3", "4", "5"}
    objective = ka["objectives"][0]
    assert {"id", "title", "description", "levels"} <= set(objective) and objective["id"] == "1"
    assert sum(len(k["objectives"]) for t in data["themes"] for k in t["key_areas"]) == 59


def test_framework_show_by_path_and_list(run):
    out = run("framework", "show", str(FIXTURES / "frameworks" / "tiny.yaml")).stdout
    assert "Tiny maturity kit (tiny-kit, version 0.1)" in out and "S2  Qualifications" in out
    assert "nps-2018\t2018\t" in run("framework", "list").stdout
    assert "no framework with id 'nope'" in run("framework", "show", "nope", code=2).stderr


def test_demo_is_idempotent_and_orgs_list(run):
    assert "loaded: medway, worcestershire" in run("demo").stdout
    assert "already loaded" in run("demo").stdout
    orgs = json.loads(run("orgs", "list", "--format", "json").stdout)
    assert [(o["id"], o["name"], o["periods"]) for o in orgs] == [
        ("medway", "Medway Council", ["2022", "2023"]),
        ("worcestershire", "Worcestershire County Council", ["2022"])]


def test_orgs_add(run):
    assert "added kent (Kent County Council)" in run("orgs", "add", "kent", "--name", "Kent County Council").stdout
    assert "already exists" in run("orgs", "add", "kent", "--name", "Kent", code=2).stderr
    assert "cannot add 'Kent CC'" in run("orgs", "add", "Kent CC", "--name", "Kent", code=2).stderr
    assert "kent\tKent County Council\tno periods" in run("orgs", "list").stdout


def test_import_all_or_nothing(run):
    bad = FIXTURES / "records" / "bad" / "many_problems.yaml"
    assert "is not a level of the scale" in run("import", "record", str(bad), code=2).stderr
    assert "no organisations yet" in run("orgs", "list").stdout
    assert "would load medway: 2 periods" in run("import", "record", "data/examples/medway.yaml", "--dry-run").stdout
    assert "no organisations yet" in run("orgs", "list").stdout
    out = run("import", "record", "data/examples/medway.yaml").stdout
    assert "loaded medway: 2 periods (2022, 2023), 118 entries, 22 actions" in out
    assert "already has periods 2022, 2023; nothing was imported" in run(
        "import", "record", "data/examples/medway.yaml", code=2).stderr


def test_export_json_shape(run, tmp_path):
    run("demo")
    data = json.loads(run("export", "json", "--org", "medway").stdout)
    assert data["organisation"]["id"] == "medway" and data["framework"] == {"id": "nps-2018", "version": "2018"}
    p2022, p2023 = data["periods"]
    assert p2022["period"] == "2022" and p2022["status"] == "approved"
    entries = {e["objective"]: e for e in p2023["entries"]}
    assert entries["3"]["score"] == "2/3" and entries["1"]["score"] == "3"
    assert {"objective", "score", "target", "baseline", "comment", "actions"} <= set(entries["1"])
    assert entries["1"]["baseline"] == "3" and entries["3"]["baseline"] is None
    assert entries["3"]["actions"][0]["status"] == "open"
    out = tmp_path / "medway.json"
    run("export", "json", "--org", "medway", "--out", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == data
    assert "no organisation 'nobody'" in run("export", "json", "--org", "nobody", code=2).stderr


def test_summary_table_and_json(run):
    run("demo")
    table = run("summary", "--org", "medway", "--period", "2023", "--compare", "2022").stdout
    assert "Engaging Councillors" in table and "24 objectives improved, 35 unchanged, 0 declined" in table
    assert "Status: Approved" in table
    assert "the whole level at or below the mean" in table
    data = json.loads(run("summary", "--org", "worcestershire", "--period", "2022", "--format", "json").stdout)
    risk = {k["id"]: k for k in data["key_areas"]}["managing-strategic-risk"]
    assert (risk["n"], risk["mean"], risk["level"], risk["level_name"], risk["target"], risk["gap"]) == \
        (1, 3.0, 3, "Mature", 5.0, 2.0)
    assert "has no period '2031'" in run("summary", "--org", "medway", "--period", "2031", code=2).stderr


def test_period_start_carries_forward(run):
    run("demo")
    assert "started medway 2024: 59 scores carried forward from 2023" in run("period", "start", "2024", "--org", "medway").stdout
    data = json.loads(run("export", "json", "--org", "medway").stdout)
    entry = data["periods"][-1]["entries"][2]
    assert entry["carried"] is True and entry["score"] == "2/3" and entry["comment"] is None
    assert "not a period" in run("period", "start", "next year", "--org", "medway", code=2).stderr
    assert "no framework with id 'tiny-kit'" in run(
        "period", "start", "2025", "--org", "medway", "--framework", "tiny-kit", code=2).stderr


def test_period_delete_asks_first(run):
    run("demo")
    run("period", "start", "2024", "--org", "medway")
    assert "aborted" in run("period", "delete", "2024", "--org", "medway", code=1).stderr   # no answer: nothing
    assert "2024" in run("orgs", "list").stdout
    out = run("period", "delete", "2024", "--org", "medway", "--yes").stdout
    assert out.strip() == "deleted medway 2024 (59 entries, 0 actions raised in it)"
    assert "medway\tMedway Council\t2022, 2023" in run("orgs", "list").stdout
    assert "medway has no period '2030'" in run("period", "delete", "2030", "--org", "medway", "--yes",
                                                code=2).stderr


def test_export_blank_follows_the_organisation(run, tmp_path):
    run("demo")
    out = tmp_path / "blank.docx"
    run("export", "blank", "--org", "medway", "--out", str(out))
    from docx import Document
    assert "Organisation: Medway Council" in "\n".join(p.text for p in Document(str(out)).paragraphs)


def test_schema_check(run):
    assert "is current" in run("schema", "--check").stdout


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, prefix + (name,))
        else:
            yield prefix + (name,)


@pytest.mark.parametrize("command", list(_commands(cli)), ids=" ".join)
def test_every_command_has_help_and_is_documented(run, command):
    out = run(*command, "--help").stdout
    assert "Usage:" in out and len(out.splitlines()) > 3
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert " ".join(command) in readme, f"README does not mention `{' '.join(command)}`"


def test_export_appendix(run, tmp_path):
    from docx import Document
    run("demo")
    out = tmp_path / "appendix.docx"
    assert f"wrote {out}" in run("export", "appendix", "--org", "medway", "--periods", "2023", "--out", str(out)).stdout
    header = [c.text for c in Document(str(out)).tables[1].rows[0].cells]
    assert header == ["#", "Objective", "Description", "2023 Score", "2023 Comments and Action"]
    assert "has no period '2031'" in run("export", "appendix", "--org", "medway", "--periods", "2022,2031",
                                         "--out", str(out), code=2).stderr


def test_export_report_xlsx_and_blank(run, tmp_path):
    from docx import Document
    from openpyxl import load_workbook
    run("demo")
    report = tmp_path / "report.docx"
    assert f"wrote {report}" in run("export", "report", "--org", "medway", "--period", "2023",
                                    "--out", str(report)).stdout
    text = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert "Self-assessment for 2023, compared with 2022" in text
    run("export", "report", "--org", "medway", "--period", "2023", "--no-compare", "--appendix", "--out", str(report))
    document = Document(str(report))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "compared with 2022" not in text and len(document.sections) == 2
    assert "This report is not compared with an earlier period." in text and "first period" not in text
    assert "has no period '2019'" in run("export", "report", "--org", "medway", "--period", "2023", "--compare",
                                         "2019", "--out", str(report), code=2).stderr
    workbook = tmp_path / "medway.xlsx"
    run("export", "xlsx", "--org", "worcestershire", "--out", str(workbook))
    assert load_workbook(workbook).sheetnames == ["Summary", "2022", "Actions"]
    blank = tmp_path / "blank.docx"
    run("export", "blank", "--framework", "nps-2018", "--out", str(blank))
    numbers = [r.cells[0].text for t in Document(str(blank)).tables if t.rows[0].cells[0].text == "#" for r in t.rows[1:]]
    assert numbers == [str(n) for n in range(1, 60)]
    assert "no framework with id 'nps-2099'" in run("export", "blank", "--framework", "nps-2099", "--out", str(blank),
                                            code=2).stderr


def test_import_appendix_and_xlsx_into_an_existing_organisation(run, tmp_path):
    run("demo")
    appendix, workbook = tmp_path / "medway.docx", tmp_path / "medway.xlsx"
    run("export", "appendix", "--org", "medway", "--out", str(appendix))
    run("export", "xlsx", "--org", "medway", "--out", str(workbook))
    assert "no organisation 'copy'" in run("import", "appendix", str(appendix), "--org", "copy", code=2).stderr
    run("orgs", "add", "copy", "--name", "Copy Council")
    dry = run("import", "appendix", str(appendix), "--org", "copy", "--dry-run").stdout
    assert "would import 2022: 59 entries (59 scored, 0 n/a, 0 blank), 59 comments" in dry
    assert "nothing written (dry run)" in dry
    assert "no periods yet" in run("summary", "--org", "copy", "--period", "2023", code=2).stderr
    assert "imported 2023: 59 entries" in run("import", "appendix", str(appendix), "--org", "copy").stdout
    same = [run("summary", "--org", org, "--period", "2023", "--format", "json").stdout for org in ("medway", "copy")]
    assert json.loads(same[0])["key_areas"] == json.loads(same[1])["key_areas"]
    # The appendix prints an action its comment already quotes only in the comment; the workbook's
    # Actions sheet lists it, so importing the workbook adds those actions. The preview says so, as
    # the import then does (it once said "no changes" here while the import wrote new versions).
    again = run("import", "xlsx", str(workbook), "--org", "copy", "--dry-run").stdout
    assert "would import 2023: 59 entries" in again and "overwrites 10 saved entries" in again
    run("import", "xlsx", str(workbook), "--org", "copy")
    third = run("import", "xlsx", str(workbook), "--org", "copy", "--dry-run").stdout
    assert third.count("no saved entry changes") == 2, third
    bad = tmp_path / "notes.docx"
    bad.write_text("just notes")
    err = run("import", "appendix", str(bad), "--org", "copy", code=2).stderr
    assert "notes.docx: nothing was imported:" in err and "the file is plain text, not a Word document" in err


def test_backup_then_restore_into_a_new_database(run, tmp_path):
    run("demo")
    out = tmp_path / "backup.json"
    assert f"wrote {out}" in run("backup", "--out", str(out)).stdout
    other = f"sqlite:///{tmp_path / 'other.db'}"

    def elsewhere(*args: str, code: int = 0) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "assessment", "--database", other, *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=120, check=code == 0)

    restored = elsewhere("restore", str(out)).stdout
    # the examples: Medway's 2 periods and Worcestershire's 1, Medway's plan record's 2 (its 17 actions raised)
    assert re.search(r"restored .*backup\.json: 0 people, 0 roles, 2 organisations, \d+ events, 41 baseline scores, 5 periods, \d+ entries, "
                     r"39 actions, 1 action status change, 0 evidence links, \d+ history rows, 0 unsaved drafts, 0 covering report versions, 0 settings",
                     restored), restored
    again = tmp_path / "again.json"
    elsewhere("backup", "--out", str(again))
    assert again.read_bytes() == out.read_bytes()
    refused = elsewhere("restore", str(out), code=2)
    assert refused.returncode == 2 and "the database is not empty" in refused.stderr
    assert "Traceback" not in refused.stderr
    bad = tmp_path / "notes.json"
    bad.write_text('{"notes": true}')
    assert "notes.json is not a backup made by this tool" in run("restore", str(bad), code=2).stderr


def test_export_json_carries_drafts_and_n_a_targets(run, tmp_path):
    run("demo")
    run("period", "reopen", "2023", "--org", "medway", "--reason", "The n/a target was left out")
    from assessment import workflows
    from assessment.domain.edits import EntryEdit
    store = workflows.connect(f"sqlite:///{tmp_path / 'cli.db'}")
    workflows.save_edits(store, workflows.LOCAL_ACTOR, "medway", "2023", [EntryEdit("4", base_version=1, target="n/a")])
    workflows.keep_draft(store, workflows.LOCAL_ACTOR, "medway", "2023",
                         EntryEdit("5", base_version=1, comment="Half written"))
    store.engine.dispose()
    data = json.loads(run("export", "json", "--org", "medway").stdout)
    assert data["periods"][1]["entries"][3]["target"] == "n/a"
    assert [(d["period"], d["person"], d["item"], d["base_version"], d["fields"]) for d in data["drafts"]] == \
        [("2023", "local user", "5", 1, {"comment": "Half written"})]


def test_an_output_that_cannot_be_written_is_one_line(run, tmp_path):
    run("demo")
    for args in (("export", "xlsx", "--org", "medway"), ("backup",), ("export", "json", "--org", "medway")):
        result = run(*args, "--out", "/no/such/dir/x.out", code=2)
        assert result.stderr.strip() == "error: cannot write /no/such/dir/x.out: there is no folder /no/such/dir"
    folder = tmp_path / "out"
    folder.mkdir()
    assert run("export", "xlsx", "--org", "medway", "--out", str(folder), code=2).stderr.strip() == \
        f"error: cannot write {folder}: it is a folder"
    assert list(folder.iterdir()) == []       # nothing half written


def test_the_clerk_lists_actions_as_table_csv_and_json(run):
    """`actions`: the Actions page's list for papers and monitoring, without the browser."""
    run("demo")
    every = json.loads(run("actions", "--org", "medway", "--format", "json").stdout)
    at_2023 = json.loads(run("actions", "--org", "medway", "--period", "2023", "--format", "json").stdout)
    assert len(at_2023) < len(every) and {a["period"] for a in at_2023} <= {"2022", "2023"}
    assert all(a["status"] in ("open", "in progress") or a["period"] == "2023" for a in at_2023)
    first = every[0]
    assert set(first) >= {"id", "period", "title", "key_area", "text", "owner", "due", "status", "overdue"}
    table = run("actions", "--org", "medway", "--period", "2023").stdout
    assert first["title"] in table and first["text"][:60] in table.replace("\n    ", " ")
    assert f"{len(at_2023)} actions of {len(every)} shown" in table
    csv_text = run("actions", "--org", "medway", "--format", "csv").stdout
    assert csv_text.startswith("\ufeffPeriod,") and len(csv_text.strip().splitlines()) == len(every) + 1
    assert run("actions", "--org", "medway", "--overdue").stdout.strip() == "No action matches."
    refused = run("actions", "--org", "medway", "--period", "1999", code=2)
    assert refused.stderr.strip() == "error: medway has no period '1999' (periods: 2022, 2023)"


def test_a_mistyped_option_is_one_line_naming_the_help(run):
    out = run("period", "start", "2024", "--org", "medway", "--per", "sideways", code=2)
    assert out.stderr == ("error: Invalid value for '--per': 'sideways' is not one of 'objective', 'key-area'. "
                          "(see python -m assessment period start --help)\n")
    assert run("nosuch", code=2).stderr == "error: No such command 'nosuch'. (see python -m assessment --help)\n"
